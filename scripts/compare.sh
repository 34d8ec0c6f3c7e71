#!/usr/bin/env bash
# compare.sh - machines side by side; usage() below is its --help.
set -u
export LC_ALL=C
HEADER=$'lab\trun\tmetric\tvalue\tunit\ttool'

usage() { cat <<'EOF'
compare.sh [--lab N] [--metric REGEX] [--tool NAME] [--common] [--allow-mixed] DIR... - machines side by side.

  DIR       results directories written by measure.sh (results/book, results/<id>, ...).
  --lab N   only lab N (number or folder name); repeatable.
  --metric REGEX   only metrics whose name matches (awk regex, e.g. 'elapsed|ipc').
  --tool NAME      only rows of that tool (perf time cachegrind helgrind memcheck massif self).
  --common  only rows that every directory has (e.g. the book's figures and yours).
  --allow-mixed    put a quick run (measure.sh --quick) next to a full one; without it
            compare.sh refuses (exit 2), since the two ran different commands.  Each
            ratio column of such a pair says "(quick vs full)" or "(full vs quick)".

Prints Markdown: one table per lab, rows matched by lab/run/metric/tool, one column
per machine (the directory's name), then a ratio column "machine k / first machine"
where both values are numbers.  Missing cells are blank; n/a stays n/a.  A directory's
mode is the "mode:" line of its machine.txt (quick, full, or mixed when its labs were
measured both ways); without one (results/book) it counts as full.
EOF
}
die() { echo "compare.sh: $*" >&2; exit 2; }

labs="" metric="" tool="" common=0 allow_mixed=0 dirs=()
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        --common) common=1 ;;
        --allow-mixed) allow_mixed=1 ;;
        --lab|--metric|--tool)
            if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value"; fi
            case $1 in
                --lab) case $2 in
                           *[!0-9]*) labs="$labs $2" ;;
                           *) labs="$labs $(printf %02d "$((10#$2))")-*" ;;
                       esac ;;
                --metric) metric=$2 ;;
                --tool) tool=$2 ;;
            esac
            shift ;;
        --) shift; dirs+=("$@"); break ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) dirs+=("$1") ;;
    esac
    shift
done
[ ${#dirs[@]} -gt 0 ] || die "give at least one results directory (see --help)"
# mode_of DIR: quick, full or mixed from the mode: line of DIR/machine.txt; book when
# there is none (results/book), which compares like full.
mode_of() {
    local m; m=$(sed -n 's/^mode: \([a-z]*\).*/\1/p' "$1/machine.txt" 2>/dev/null | head -n 1)
    echo "${m:-book}"
}
names=() modes=()
for d in "${dirs[@]}"; do
    [ -f "$d/results.tsv" ] || die "'$d' is not a results directory (no results.tsv)"
    [ "$(head -n 1 "$d/results.tsv")" = "$HEADER" ] || die "'$d/results.tsv' lacks the header line"
    n=${d%/}; names+=("${n##*/}"); modes+=("$(mode_of "$d")")
done
# A quick run's figures come from other commands than a full run's: no ratio between the two
# unless asked for, and then every such ratio says so.
mixed=0
if [ ${#dirs[@]} -gt 1 ]; then
    case " $(printf '%s\n' "${modes[@]/#book/full}" | sort -u | paste -sd' ' -) " in *' mixed '*|*' full quick '*) mixed=1 ;; esac
fi
if [ "$mixed" = 1 ] && [ "$allow_mixed" = 0 ]; then
    desc=""; for i in "${!dirs[@]}"; do desc="$desc${desc:+, }${names[$i]}: ${modes[$i]}"; done
    die "will not compare quick and full runs ($desc): measure alike, or pass --allow-mixed"
fi
# A bad regex would make awk stop half way through the tables.
if [ -n "$metric" ] && ! awk -v re="$metric" 'BEGIN { "" ~ re }' 2>/dev/null; then die "bad --metric regex '$metric'"; fi

# The table maker: rows keyed by lab/run/metric/tool, in first-seen order per run.
table_awk() { cat <<'AWK'
    function isnum(v) { return v ~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/ }
    function fmt(v,    s) {
        if (v ~ /^[0-9]+$/ && length(v) > 3) {
            s = ""; while (length(v) > 3) { s = "," substr(v, length(v) - 2) s; v = substr(v, 1, length(v) - 3) }
            return v s
        }
        return v
    }
    function ratio(a, b, r) {
        if (a == "" || b == "") return ""
        if (a == "n/a" || b == "n/a") return "n/a"
        if (!isnum(a) || !isnum(b) || a + 0 == 0) return ""
        r = b / a
        if (r < 0) r = -r
        return (r >= 1000) ? sprintf("%.0f", b / a) : sprintf("%.3g", b / a)
    }
    function dashes(n,    s) { s = ""; while (n-- > 0) s = s "-"; return s }
    function labok(l,    n, i, p, a) {
        if (labs == "") return 1
        n = split(labs, a, " ")
        for (i = 1; i <= n; i++) { p = a[i]; if (p ~ /\*$/) { if (index(l, substr(p, 1, length(p) - 1)) == 1) return 1 } else if (l == p) return 1 }
        return 0
    }
    BEGIN { nm = split(names, nms, " "); split(modes, mds, " ") }
    FNR == 1 { mi++; next }
    NF >= 6 {
        if (!labok($1) || (metric != "" && $3 !~ metric) || (tool != "" && $6 != tool)) next
        lab = $1; run = $2; k = lab SUBSEP run SUBSEP $3 SUBSEP $6
        if (!(lab in seenlab)) { seenlab[lab] = 1; lorder[++nl] = lab }
        if (!((lab, run) in seenrun)) { seenrun[lab, run] = 1; rorder[lab, ++nr[lab]] = run }
        if (!(k in seen)) { seen[k] = 1; korder[lab, run, ++nk[lab, run]] = k; met[k] = $3; tl[k] = $6; un[k] = $5 }
        val[k, mi] = $4
    }
    END {
        if (nl == 0) { print "compare.sh: no rows match" > "/dev/stderr"; exit 1 }
        printed = 0
        hd[1] = "run"; hd[2] = "metric"; hd[3] = "tool"; hd[4] = "unit"; nc = 4
        for (m = 1; m <= nm; m++) hd[++nc] = nms[m]
        for (m = 2; m <= nm; m++) {
            hd[++nc] = nms[m] " / " nms[1]
            if (mds[m] != mds[1] || mds[m] == "mixed") hd[nc] = hd[nc] " (" (mds[m] == "mixed" ? "quick+full" : mds[m]) " vs " (mds[1] == "mixed" ? "quick+full" : mds[1]) ")"
        }
        for (L = 1; L <= nl; L++) {
            lab = lorder[L]; rows = 0
            for (r = 1; r <= nr[lab]; r++) {
                run = rorder[lab, r]
                for (j = 1; j <= nk[lab, run]; j++) {
                    k = korder[lab, run, j]
                    if (common) { for (m = 1; m <= nm && ((k, m) in val); m++); if (m <= nm) continue }
                    rows++
                    cell[rows, 1] = run; cell[rows, 2] = met[k]; cell[rows, 3] = tl[k]; cell[rows, 4] = un[k]; c = 4
                    for (m = 1; m <= nm; m++) cell[rows, ++c] = ((k, m) in val) ? fmt(val[k, m]) : ""
                    for (m = 2; m <= nm; m++) cell[rows, ++c] = (un[k] == "status") ? "" : ratio(((k, 1) in val) ? val[k, 1] : "", ((k, m) in val) ? val[k, m] : "")
                }
            }
            if (rows == 0) continue
            for (c = 1; c <= nc; c++) { w[c] = length(hd[c]); if (w[c] < 3) w[c] = 3; for (i = 1; i <= rows; i++) if (length(cell[i, c]) > w[c]) w[c] = length(cell[i, c]) }
            printf "## %s\n\n", lab; printed++
            line = "|"; sep = "|"
            for (c = 1; c <= nc; c++) {
                if (c <= 4) { line = line sprintf(" %-*s |", w[c], hd[c]); sep = sep " " dashes(w[c]) " |" }
                else { line = line sprintf(" %*s |", w[c], hd[c]); sep = sep " " dashes(w[c] - 1) ": |" }
            }
            print line; print sep
            for (i = 1; i <= rows; i++) {
                line = "|"
                for (c = 1; c <= nc; c++) line = line sprintf(c <= 4 ? " %-*s |" : " %*s |", w[c], cell[i, c])
                print line
            }
            print ""
        }
        if (!printed) { print "compare.sh: no rows common to all directories" > "/dev/stderr"; exit 1 }
    }
AWK
}
files=(); for d in "${dirs[@]}"; do files+=("$d/results.tsv"); done
tables=$(awk -F'\t' -v names="${names[*]}" -v modes="${modes[*]/#book/full}" -v labs="$labs" -v metric="$metric" -v tool="$tool" -v common="$common" -f <(table_awk) "${files[@]}") || exit 1

echo "# Comparison: ${names[*]}"
echo
for i in "${!dirs[@]}"; do
    m=${dirs[$i]}/machine.txt
    cpu=$(sed -n 's/^cpu: //p' "$m" 2>/dev/null | head -n 1)
    arch=$(sed -n 's/^architecture: //p' "$m" 2>/dev/null | head -n 1)
    mode=$(sed -n 's/^measured [^:]*: //p' "$m" 2>/dev/null | sort -u | paste -sd';' - | sed 's/;/; /g')
    echo "- **${names[$i]}**: ${arch:-?}, ${cpu:-?}${mode:+ ($mode)}"
done
echo
echo "Ratios are machine / ${names[0]} (below 1: smaller value on that machine). perf and time ran the"
echo "measure.conf command, the valgrind tools the short command (one core: valgrind serializes threads)."
if [ "$mixed" = 1 ]; then
    echo
    echo "**Quick and full runs side by side (--allow-mixed):** a ratio column marked \"(quick vs full)\""
    echo "compares measure.sh --quick's short commands with the full commands, not two machines."
fi
echo
printf '%s\n' "$tables"
