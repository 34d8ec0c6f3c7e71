#!/usr/bin/env bash
# measure.sh - measure the labs' runs on this machine; usage() below is its --help.
set -u
KIT_TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$KIT_TOP/scripts/lib.sh"
# perf, valgrind and awk must print and read numbers the same way everywhere.
export LC_ALL=C

HEADER=$'lab\trun\tmetric\tvalue\tunit\ttool'
PERF_EVENTS=task-clock,context-switches,page-faults,cycles,instructions,branches,branch-misses,cache-references,cache-misses
TOOLS_ORDER="perf time cachegrind helgrind memcheck massif"

usage() { cat <<'EOF'
measure.sh [--quick] [--update-reference] [--out DIR] [lab ...] - measure the labs' runs on this machine.

  lab       a lab number (4), a folder name (04-sync-send) or a lab folder path;
            none: every lab that has a measure.conf.
  --quick   run every measure.conf line with its short command (a few minutes);
            tests use it to check this script end to end.  compare.sh will not put
            a quick run next to a full one unless told to (--allow-mixed).
  --out DIR write there instead of results/<machine-id>/.
  --update-reference   write into results/<machine-id>/ even when git tracks it (a
            committed reference).  Without it such a run goes to a new folder,
            results/<machine-id>-<UTC YYYYMMDD-HHMM>/, and says so.
  --render DIR   only regenerate DIR/README.md from DIR/results.tsv and machine.txt.
  MACHINE=name   machine id (default: slug of arch, CPU model and core count).
  ARCH=aarch64|armv7   measure the cross build through qemu-user (perf and valgrind
            are skipped; the figures are qemu's, not an ARM machine's).
  KIT_MEASURE_TIMEOUT=SECS   per tool run (default 300, --quick 60).

Each measure.conf line "run | tools | command | short command" is run under each of
its tools (perf time cachegrind helgrind memcheck massif).  perf and time run the
command, the valgrind tools the short command.  Writes machine.txt (the machine, its
frequency, SMT, turbo and THP settings, and the compiler and flags of the build),
results.tsv (lab run metric value unit tool) and README.md; measuring some labs
replaces only their rows.  Exit status 1 when a run failed (the others still ran),
2 on bad usage.
EOF
}
die() { echo "measure.sh: $*" >&2; exit 2; }

# ---------------------------------------------------------------- README rendering
# render DIR: README.md from results.tsv + machine.txt.  Kept in this script so that
# results/book/README.md and every machine's README come out of the same code.
render() {
    local dir=$1
    awk -F'\t' -v machine="$dir/machine.txt" -v title="${dir##*/}" '
    function fmt(v) {   # group the digits of big integers, as perf and the book print them
        if (v ~ /^[0-9]+$/ && length(v) > 3) {
            s = ""; while (length(v) > 3) { s = "," substr(v, length(v) - 2) s; v = substr(v, 1, length(v) - 3) }
            return v s
        }
        return v
    }
    # table(lab, n): columns hd[1..n] (header), mt[i] (metric), tl[i] ("perf|time": first tool with a value)
    function table(lab, n, dry,    i, j, r, run, c, k, t, nt, tools, w, keep, any, nrows, rowrun, cell, line, sep) {
        for (i = 1; i <= n; i++) keep[i] = 0
        nrows = 0
        for (r = 1; r <= nr[lab]; r++) {
            run = runs[lab, r]; any = 0
            for (i = 1; i <= n; i++) {
                c = ""; nt = split(tl[i], tools, "|")
                for (t = 1; t <= nt && c == ""; t++) { k = lab SUBSEP run SUBSEP mt[i] SUBSEP tools[t]; if (k in val) c = fmt(val[k]) }
                cell[r, i] = c; if (c != "") { any = 1; keep[i] = 1 }
            }
            if (any) rowrun[++nrows] = r
        }
        if (nrows == 0 || dry) return nrows
        w[0] = 3
        for (j = 1; j <= nrows; j++) if (length(runs[lab, rowrun[j]]) > w[0]) w[0] = length(runs[lab, rowrun[j]])
        for (i = 1; i <= n; i++) if (keep[i]) {
            w[i] = length(hd[i]); if (w[i] < 3) w[i] = 3
            for (j = 1; j <= nrows; j++) if (length(cell[rowrun[j], i]) > w[i]) w[i] = length(cell[rowrun[j], i])
        }
        line = sprintf("| %-*s |", w[0], "run"); sep = "| " dashes(w[0]) " |"
        for (i = 1; i <= n; i++) if (keep[i]) { line = line sprintf(" %*s |", w[i], hd[i]); sep = sep " " dashes(w[i] - 1) ": |" }
        print line; print sep
        for (j = 1; j <= nrows; j++) {
            r = rowrun[j]; line = sprintf("| %-*s |", w[0], runs[lab, r])
            for (i = 1; i <= n; i++) if (keep[i]) line = line sprintf(" %*s |", w[i], cell[r, i])
            print line
        }
        print ""
        return nrows
    }
    function dashes(n,    s) { s = ""; while (n-- > 0) s = s "-"; return s }
    function spec(s,    a, i, f) {   # "header;metric;tools" entries separated by "@"
        n = split(s, a, "@")
        for (i = 1; i <= n; i++) { split(a[i], f, ";"); hd[i] = f[1]; mt[i] = f[2]; tl[i] = f[3] }
        return n
    }
    NR == 1 { next }
    NF >= 6 {
        lab = $1; run = $2
        val[lab, run, $3, $6] = $4
        if (!(lab in seenlab)) { seenlab[lab] = 1; labs[++nl] = lab }
        if (!((lab, run) in seenrun)) { seenrun[lab, run] = 1; runs[lab, ++nr[lab]] = run }
        if ($6 == "self" && !((lab, $3) in seenself)) { seenself[lab, $3] = 1; selfm[lab, ++ns[lab]] = $3; selfu[lab, $3] = $5 }
        if ($6 == "self") { srun[lab, ++nsr[lab]] = run; smet[lab, nsr[lab]] = $3; sval[lab, nsr[lab]] = $4; sunit[lab, nsr[lab]] = $5 }
    }
    END {
        printf "# Results: %s\n\n", title
        print "Written by `scripts/measure.sh` (regenerate with `scripts/measure.sh --render DIR`);"
        print "every figure is a row of `results.tsv`. `n/a`: the counter is not supported here"
        print "(typically a VM without PMU passthrough); blank: not measured. Compare machines with"
        print "`scripts/compare.sh results/book results/<machine-id>`.\n"
        while ((getline l < machine) > 0) { ml[++nml] = l; if (l ~ /^note: /) printf "> **Note:** %s\n\n", substr(l, 7) }
        print "## Machine\n\n```"
        for (i = 1; i <= nml; i++) { l = ml[i]; print l; if (l ~ /^measured [^:]+:/) { m = l; sub(/^measured /, "", m); split(m, mm, ":"); mode[mm[1]] = substr(m, length(mm[1]) + 2) } }
        print "```\n"
        for (L = 1; L <= nl; L++) {
            lab = labs[L]
            printf "## %s\n\n", lab
            if (lab in mode) printf "Measured:%s.\n\n", mode[lab]
            n = spec("elapsed s;elapsed_s;perf|time@task-clock ms;task_clock_ms;perf@CPUs;cpus_utilized;perf@ctx switches;context_switches;perf@page faults;page_faults;perf@cycles;cycles;perf@instructions;instructions;perf@IPC;ipc;perf@branch-miss %;branch_miss_pct;perf@cache refs;cache_references;perf@cache misses;cache_misses;perf@cache-miss %;cache_miss_pct;perf@max RSS KiB;max_rss_kib;time@exit;exit_status;perf|time")
            if (table(lab, n, 1)) {
                printf "**perf stat / wall clock** (%s; the book\047s events; CPUs = task-clock / elapsed):\n\n", mode[lab] ~ /quick/ ? "the short command of measure.conf: --quick run" : "the command of measure.conf"
                table(lab, n, 0)
            }
            n = spec("I refs;i_refs;cachegrind@D refs;d_refs;cachegrind@D1 miss %;d1_miss_pct;cachegrind@LLd miss %;lld_miss_pct;cachegrind@LL miss %;ll_miss_pct;cachegrind@mispredict %;mispred_pct;cachegrind@helgrind errors;errors;helgrind@contexts;contexts;helgrind@races;race_contexts;helgrind@exit;exit_status;helgrind|cachegrind|memcheck|massif@memcheck errors;errors;memcheck@definitely lost B;definitely_lost_bytes;memcheck@indirectly lost B;indirectly_lost_bytes;memcheck@still reachable B;still_reachable_bytes;memcheck@heap allocs;heap_allocs;memcheck@heap bytes;heap_bytes;memcheck@peak heap B;peak_heap_bytes;massif")
            if (table(lab, n, 1)) {
                print "**valgrind** (the short command; valgrind serializes threads (run with --fair-sched=try), so these are one-core figures of a smaller run; races = \"Possible data race\" contexts):\n"
                table(lab, n, 0)
            }
            if (ns[lab] > 10) { # too many for one column each: one row per figure
                print "**program metrics** (the programs\047 own `METRIC` lines, from the perf or time run):\n"
                w1 = 3; w2 = 6; w3 = 5; w4 = 4
                for (i = 1; i <= nsr[lab]; i++) {
                    if (length(srun[lab, i]) > w1) w1 = length(srun[lab, i])
                    if (length(smet[lab, i]) > w2) w2 = length(smet[lab, i])
                    if (length(sval[lab, i]) > w3) w3 = length(sval[lab, i])
                    if (length(sunit[lab, i]) > w4) w4 = length(sunit[lab, i])
                }
                printf "| %-*s | %-*s | %*s | %-*s |\n", w1, "run", w2, "metric", w3, "value", w4, "unit"
                printf "|%s|%s|%s:|%s|\n", dashes(w1 + 2), dashes(w2 + 2), dashes(w3 + 1), dashes(w4 + 2)
                for (i = 1; i <= nsr[lab]; i++)
                    printf "| %-*s | %-*s | %*s | %-*s |\n", w1, srun[lab, i], w2, smet[lab, i], w3, sval[lab, i], w4, sunit[lab, i]
                print ""
            } else if (ns[lab] > 0) {
                n = 0
                for (i = 1; i <= ns[lab]; i++) { m = selfm[lab, i]; hd[++n] = m (selfu[lab, m] != "" ? " (" selfu[lab, m] ")" : ""); mt[n] = m; tl[n] = "self" }
                print "**program metrics** (the programs\047 own `METRIC` lines, from the perf or time run):\n"
                table(lab, n, 0)
            }
        }
    }' "$dir/results.tsv" >"$dir/README.md"
}

# ---------------------------------------------------------------- arguments
quick=0 out="" render_only="" update_ref=0 labargs=()
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        --quick) quick=1 ;;
        --update-reference) update_ref=1 ;;
        --out) if [ $# -lt 2 ] || [ -z "$2" ]; then die "--out needs a directory"; fi; out=$2; shift ;;
        --out=?*) out=${1#--out=} ;;
        --render) [ $# -ge 2 ] || die "--render needs a results directory"; render_only=$2; shift ;;
        --) shift; labargs+=("$@"); break ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) labargs+=("$1") ;;
    esac
    shift
done

if [ -n "$render_only" ]; then
    [ -f "$render_only/results.tsv" ] || die "no results.tsv in '$render_only'"
    [ "$(head -n 1 "$render_only/results.tsv")" = "$HEADER" ] || die "'$render_only/results.tsv' lacks the header line"
    render "$render_only"; echo "wrote $render_only/README.md"; exit 0
fi

labdirs=()
if [ ${#labargs[@]} -eq 0 ]; then
    for d in "$KIT_TOP"/labs/[0-9][0-9]-*/; do [ -f "$d/measure.conf" ] && labdirs+=("${d%/}"); done
    [ ${#labdirs[@]} -gt 0 ] || { echo "measure.sh: no lab has a measure.conf" >&2; exit 1; }
else
    for a in "${labargs[@]}"; do
        d=""
        case $a in
            */*) d=$a ;;
            *[!0-9]*) d=$KIT_TOP/labs/$a ;;
            *) m=( "$KIT_TOP"/labs/"$(printf %02d "$((10#$a))")"-* ); d=${m[0]} ;;
        esac
        [ -d "$d" ] || die "no lab '$a'"
        [ -f "$d/measure.conf" ] || die "lab '$a' has no measure.conf"
        labdirs+=("$(cd "$d" && pwd)")
    done
fi
# A lab's sub-labs (SUBLABS in its Makefile) are measured with it, as labs of their own.
subs=()
for d in "${labdirs[@]}"; do
    subs+=("$d")
    for s in $(make -s --no-print-directory -C "$d" print-env ARCH="${ARCH:-}" 2>/dev/null | sed -n "s/.*KIT_SUBLABS='\([^']*\)'.*/\1/p"); do
        [ -f "$d/$s/measure.conf" ] && subs+=("$d/$s")
    done
done
labdirs=("${subs[@]}")

# ---------------------------------------------------------------- this machine
kit_env "${labdirs[0]}" 2>/dev/null
[ -n "${KIT_BIN:-}" ] || die "cannot configure '${labdirs[0]}' (bad ARCH '${ARCH:-}'?)"
native=$KIT_NATIVE arch=$KIT_ARCH

lscpu_field() { lscpu 2>/dev/null | sed -n "s/^$1:[[:space:]]*//p"; }
cpu_model=$(lscpu_field 'Model name' | paste -sd'+' - | sed 's/+/ + /g')
[ -n "$cpu_model" ] || cpu_model=$(sed -n 's/^\(model name\|Hardware\|cpu model\)[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu_model" ] || cpu_model=unknown
ncpu=$(nproc 2>/dev/null || echo 1)
slug() { tr '[:upper:]' '[:lower:]' | sed -e 's/([^)]*)//g' -e 's/@.*//' -e 's/\b[0-9]*-core\b//g' \
    -e 's/\b\(processor\|cpu\|with radeon graphics\)\b//g' -e 's/[^a-z0-9]\{1,\}/-/g' -e 's/^-*//' -e 's/-*$//'; }
if [ -n "${MACHINE:-}" ]; then
    case $MACHINE in */*|.*) die "MACHINE must be a plain name, not '$MACHINE'" ;; esac
    id=$MACHINE
else
    id="$arch-$(printf '%s' "${cpu_model%% + *}" | slug)-${ncpu}c"
    [ "$native" = 1 ] || id="$id-qemu"
fi
tmo=${KIT_MEASURE_TIMEOUT:-300}; [ "$quick" = 1 ] && tmo=${KIT_MEASURE_TIMEOUT:-60}
case $tmo in ''|*[!0-9]*) die "KIT_MEASURE_TIMEOUT must be whole seconds, not '$tmo'" ;; esac
mode=full; [ "$quick" = 1 ] && mode=quick

# is_reference REL: the folder REL (relative to the kit) holds files git tracks: a committed
# reference, which a new run must not overwrite unasked.  Without git (a tarball of the
# kit) nothing tells, so any folder with a results.tsv counts as one.
is_reference() {
    if git -C "$KIT_TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        [ -n "$(git -C "$KIT_TOP" ls-files -- ":(literal)$1" 2>/dev/null | head -n 1)" ]
    else
        [ -f "$KIT_TOP/$1/results.tsv" ]
    fi
}
now=$(date -u +%s)
stamp=$(date -u -d "@$now" +%Y-%m-%dT%H:%MZ)
if [ -z "$out" ]; then
    out=$KIT_TOP/results/$id
    if is_reference "results/$id"; then
        if [ "$update_ref" = 1 ]; then
            echo "measure.sh: updating the committed reference results/$id (--update-reference): review with git diff before committing"
        else
            id_dated=$id-$(date -u -d "@$now" +%Y%m%d-%H%M)
            echo "measure.sh: results/$id is a committed reference, so this run goes to results/$id_dated (--update-reference replaces the reference)"
            out=$KIT_TOP/results/$id_dated
        fi
    fi
fi
mkdir -p "$out" || die "cannot create '$out'"
out=$(cd "$out" && pwd)

# Tools: each missing one is reported once and its runs skipped.
have_perf=0 perf_note="not installed" perf_hw="unknown (perf not usable)"
if kit_have perf; then
    if perf stat -e task-clock true >/dev/null 2>&1; then
        have_perf=1; perf_note=$(perf --version 2>&1 | head -n 1)
        hw=$(perf stat -x, -e cycles,instructions true 2>&1 >/dev/null)
        if printf '%s\n' "$hw" | grep -q '^[0-9]'; then perf_hw="yes"
        elif [ -n "$(lscpu_field 'Hypervisor vendor')" ]; then perf_hw="no (<not supported>: VM without PMU passthrough, hypervisor $(lscpu_field 'Hypervisor vendor'))"
        else perf_hw="no (<not supported> by this kernel/CPU)"; fi
    else
        perf_note="$(perf --version 2>&1 | head -n 1), not permitted (kernel.perf_event_paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null))"
    fi
elif [ "$native" != 1 ]; then perf_note="not used (cross ARCH runs through qemu)"; fi
have_vg=0 vg_note="not installed"
if kit_have valgrind; then have_vg=1; vg_note=$(valgrind --version 2>&1)
elif [ "$native" != 1 ]; then vg_note="not used (cross ARCH runs through qemu)"; fi
gnu_time=0
/usr/bin/time --version 2>&1 | grep -q GNU && gnu_time=1

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# What skews timings between machines, each "unknown" when this kernel does not say.
# sysfs_values FILE...: the distinct contents of the readable FILEs, comma separated.
sysfs_values() { cat "$@" 2>/dev/null | sort -u | paste -sd, - | sed 's/,/, /g'; }
cur_freq() {   # scaling_cur_freq (kHz) of every CPU, as one MHz figure or a range
    cat /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_cur_freq 2>/dev/null | awk '
        $1 ~ /^[0-9]+$/ { v = $1 / 1000; if (!n++ || v < lo) lo = v; if (v > hi) hi = v }
        END { if (!n) print "unknown"
              else printf "%s MHz (scaling_cur_freq of %d CPUs at the start)\n", lo == hi ? sprintf("%.0f", lo) : sprintf("%.0f-%.0f", lo, hi), n }'
}
smt() { case $(cat /sys/devices/system/cpu/smt/active 2>/dev/null) in 1) echo on ;; 0) echo off ;; *) echo unknown ;; esac; }
turbo() {
    case $(cat /sys/devices/system/cpu/intel_pstate/no_turbo 2>/dev/null) in
        0) echo "on (intel_pstate)"; return ;; 1) echo "off (intel_pstate no_turbo)"; return ;;
    esac
    case $(cat /sys/devices/system/cpu/cpufreq/boost 2>/dev/null) in
        1) echo "on (cpufreq boost)" ;; 0) echo "off (cpufreq boost)" ;; *) echo unknown ;;
    esac
}
virt() {   # lscpu's hypervisor vendor, systemd-detect-virt --vm (a container is not a VM), x86's cpu flag
    local hv sd
    hv=$(lscpu_field 'Hypervisor vendor' | head -n 1)
    sd=$(systemd-detect-virt --vm 2>/dev/null)
    if [ -n "$hv" ]; then echo "yes (hypervisor $hv)"
    elif [ -n "$sd" ] && [ "$sd" != none ]; then echo "yes ($sd, systemd-detect-virt)"
    elif grep -q '^flags.*\bhypervisor\b' /proc/cpuinfo 2>/dev/null; then echo "yes (cpu flag hypervisor)"
    elif [ "$sd" = none ] || grep -q '^flags' /proc/cpuinfo 2>/dev/null; then echo no
    else echo unknown; fi
}
cache_line() { lscpu 2>/dev/null | sed -n 's/^\(L[1-3][di]\{0,1\}\) cache:[[:space:]]*/\1 /p' | paste -sd',' - | sed 's/,/, /g'; }
{
    echo "machine: $id"
    echo "architecture: $arch$([ "$native" = 1 ] || echo " (cross-compiled, run under qemu-user on $(uname -m))")"
    echo "cpu: $cpu_model"
    echo "cpus: $ncpu online ($(lscpu_field 'Socket(s)' | head -n 1) socket(s) x $(lscpu_field 'Core(s) per socket' | head -n 1) core(s) x $(lscpu_field 'Thread(s) per core' | head -n 1) thread(s))"
    echo "caches: $(cache_line)"
    echo "memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)"
    echo "virtual machine: $(virt)"
    echo "kernel: $(uname -sr)"
    echo "cpu frequency governor: $(sysfs_values /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor | grep . || echo unknown)"
    echo "cpu frequency: $(cur_freq)"
    echo "smt: $(smt)"
    echo "turbo: $(turbo)"
    echo "transparent huge pages: $(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null | grep . || echo unknown)"
    echo "kernel.perf_event_paranoid: $(grep . /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo unknown)"
} >"$work/machine.txt"
# compiler:, cflags: and ldflags: come from the labs' build stamps, written after the builds.
{
    echo "valgrind: $vg_note"
    echo "perf: $perf_note"
    echo "perf hardware counters: $perf_hw"
    echo "date: $stamp"
    # Other work on the machine skews every timing; say how busy it was.
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (1/5/15 min; well above 0 means other work competed for the CPUs)"
    [ "$native" = 1 ] || echo "note: figures come from qemu-user emulation on $(uname -m): they are NOT $arch figures (host memory order and speed; max RSS includes qemu)"
} >"$work/machine.tail"

# ---------------------------------------------------------------- running
rows=$work/rows.tsv; : >"$rows"; : >"$work/stamps"
failures=() noted=" "
note_once() { case $noted in *" $1 "*) ;; *) noted="$noted$1 "; echo "  skip $1: $2" ;; esac; }
# fail TOOL WHY: inside a tool run the progress line ends with it, else a line of its own.
inrun=0 runfail=""
fail() { failures+=("$lab $run $1: $2"); if [ "$inrun" = 1 ]; then runfail=$2; else echo "  FAIL $lab $run $1: $2"; fi; }

# add TOOL: "metric<TAB>value<TAB>unit" lines on stdin become rows.
add() { awk -F'\t' -v lab="$lab" -v run="$run" -v tool="$1" 'NF >= 2 { printf "%s\t%s\t%s\t%s\t%s\t%s\n", lab, run, $1, $2, $3, tool }' >>"$rows"; }

# expand STR: one line per {a,b,...} expansion, "SUFFIX|STRING" (SUFFIX "/a/x", or empty;
# '|' cannot occur in a measure.conf field, and unlike a tab it is not IFS white space).
expand() {
    local s=$1 pre list post v line; local -a vals
    if [[ $s =~ ^([^{]*)\{([^}]*)\}(.*)$ ]]; then
        pre=${BASH_REMATCH[1]} list=${BASH_REMATCH[2]} post=${BASH_REMATCH[3]}
        IFS=, read -r -a vals <<<"$list,"
        for v in "${vals[@]}"; do
            while IFS= read -r line; do
                printf '/%s%s\n' "$(printf '%s' "${v:-none}" | tr ' /' '__')" "$line"
            done < <(expand "$pre$v$post")
        done
    else
        printf '|%s\n' "$s"
    fi
}

# timed CMD...: run under timeout; stdout in $work/out, stderr in $work/err;
# sets rc, secs (wall clock) and hung (1 when our timeout killed it, which a
# program's own watchdog exit 124 is not).
timed() {
    local t0=${EPOCHREALTIME/,/.} t1
    timeout -k 5 "$tmo" "$@" </dev/null >"$work/out" 2>"$work/err"; rc=$?
    t1=${EPOCHREALTIME/,/.}
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
    hung=0
    if { [ "$rc" = 124 ] || [ "$rc" = 137 ]; } && awk -v s="$secs" -v t="$tmo" 'BEGIN { exit !(s >= t - 0.5) }'; then hung=1; fi
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

self_metrics() { awk '$1 == "METRIC" && NF >= 3 { printf "%s\t%s\t%s\n", $2, $3, $4 }' "$work/out" | add self; }

run_perf() {
    timed perf stat -x, -o "$work/perf.csv" -e "duration_time,$PERF_EVENTS" -- "$KIT_BIN/$prog" "${args[@]}"
    if [ "$hung" = 1 ]; then printf 'exit_status\ttimeout\tstatus\n' | add perf; fail perf "timed out after $tmo s"; return 1; fi
    if ! grep -q ',task-clock' "$work/perf.csv" 2>/dev/null; then
        fail perf "no counts (exit $rc): $(tail -n 2 "$work/err" "$work/perf.csv" 2>/dev/null | tr '\n' ' ')"; return 1
    fi
    awk -F, -v wall="$secs" -v rc="$rc" '
        /^#/ || NF < 3 { next }
        { ev = $3; sub(/:.*/, "", ev); v = $1; if (v ~ /^</) v = "n/a"; c[ev] = v }
        function num(k) { return (k in c) && c[k] != "n/a" && c[k] != "" }
        function ratio(a, b, mul, f) { return (num(a) && num(b) && c[b] + 0 > 0) ? sprintf(f, mul * c[a] / c[b]) : "n/a" }
        END {
            el = num("duration_time") ? c["duration_time"] / 1e9 : wall
            printf "elapsed_s\t%.6f\ts\n", el
            printf "task_clock_ms\t%s\tms\n", num("task-clock") ? sprintf("%.3f", c["task-clock"]) : "n/a"
            printf "cpus_utilized\t%s\tCPUs\n", (num("task-clock") && el > 0) ? sprintf("%.3f", c["task-clock"] / 1000 / el) : "n/a"
            n = split("context-switches page-faults cycles instructions branches branch-misses cache-references cache-misses", evs, " ")
            for (i = 1; i <= n; i++) { m = evs[i]; gsub(/-/, "_", m); printf "%s\t%s\tcount\n", m, (evs[i] in c) ? c[evs[i]] : "n/a" }
            printf "ipc\t%s\tinsn/cycle\n", ratio("instructions", "cycles", 1, "%.2f")
            printf "branch_miss_pct\t%s\t%%\n", ratio("branch-misses", "branches", 100, "%.3f")
            printf "cache_miss_pct\t%s\t%%\n", ratio("cache-misses", "cache-references", 100, "%.3f")
            printf "exit_status\t%.0f\tstatus\n", rc
        }' "$work/perf.csv" | add perf
}

run_time() {
    # shellcheck disable=SC2086  # KIT_RUN is a command prefix (qemu -L sysroot)
    if [ "$gnu_time" = 1 ]; then
        timed /usr/bin/time -f 'KIT_MAXRSS %M' -o "$work/time.txt" $KIT_RUN "$KIT_BIN/$prog" "${args[@]}"
    else
        timed $KIT_RUN "$KIT_BIN/$prog" "${args[@]}"
    fi
    if [ "$hung" = 1 ]; then printf 'exit_status\ttimeout\tstatus\n' | add time; fail time "timed out after $tmo s"; return 1; fi
    {
        printf 'elapsed_s\t%s\ts\n' "$secs"
        [ "$gnu_time" = 1 ] && awk '$1 == "KIT_MAXRSS" { printf "max_rss_kib\t%s\tKiB\n", $2 }' "$work/time.txt"
        printf 'exit_status\t%s\tstatus\n' "$rc"
    } | add time
}

run_valgrind() {
    local tool=$1 bin=$VG_BIN; shift
    # cachegrind counts the normal build's instructions; the other tools run the
    # valgrind flavour, whose helgrind annotations (common/hb.h) they need.
    [ "$tool" = cachegrind ] && bin=$KIT_BIN
    # --fair-sched: a thread that yields while holding a lock (ring_mutex) otherwise
    # starves the others under valgrind's big lock for tens of seconds now and then.
    timed valgrind --tool="$tool" --fair-sched=try --log-file="$work/vg.log" "$@" "$bin/$prog" "${args[@]}"
    if [ "$hung" = 1 ]; then printf 'exit_status\ttimeout\tstatus\n' | add "$tool"; fail "$tool" "timed out after $tmo s"; return 1; fi
    return 0
}

run_cachegrind() {
    run_valgrind cachegrind --cache-sim=yes --branch-sim=yes --cachegrind-out-file=/dev/null || return 1
    grep -q 'I *refs:' "$work/vg.log" || { fail cachegrind "no summary (exit $rc): $(tail -n 2 "$work/vg.log" | tr '\n' ' ')"; return 1; }
    awk -v rc="$rc" '
        { sub(/^==[0-9]+== */, "") }
        /:/ { k = $0; sub(/:.*/, "", k); gsub(/ +/, " ", k); v = $0; sub(/^[^:]*: */, "", v); sub(/ .*/, "", v); gsub(/[,%]/, "", v); c[k] = v }
        END {
            split("I refs;i_refs;count|D refs;d_refs;count|D1 miss rate;d1_miss_pct;%|LLd miss rate;lld_miss_pct;%|LL miss rate;ll_miss_pct;%|Mispred rate;mispred_pct;%", m, "|")
            for (i = 1; i in m; i++) { split(m[i], f, ";"); printf "%s\t%s\t%s\n", f[2], (f[1] in c) ? c[f[1]] : "n/a", f[3] }
            printf "exit_status\t%.0f\tstatus\n", rc
        }' "$work/vg.log" | add cachegrind
}

run_helgrind() {
    run_valgrind helgrind || return 1
    # Racy programs make big logs: keep the head (the first reports) and the summary.
    local log n
    log="$out/logs/$lab/$(printf '%s' "$run" | tr '/' '_').helgrind.log"
    mkdir -p "${log%/*}"
    # Paths relative to the kit, so that committed logs do not name a home directory.
    { head -n 200 "$work/vg.log"
      n=$(wc -l <"$work/vg.log"); [ "$n" -gt 200 ] && { echo "... ($((n - 200)) more lines cut by measure.sh)"; grep 'ERROR SUMMARY' "$work/vg.log" | tail -n 1; }
    } | sed "s|$KIT_TOP/||g" >"$log"
    grep -q 'ERROR SUMMARY:' "$work/vg.log" || { fail helgrind "no ERROR SUMMARY (exit $rc): $(tail -n 2 "$work/vg.log" | tr '\n' ' ')"; return 1; }
    awk -v rc="$rc" '
        /Possible data race/ { races++ }
        /ERROR SUMMARY:/ { e = $0; sub(/.*ERROR SUMMARY: */, "", e); split(e, f, " "); errs = f[1]; ctx = f[4] }
        END {
            gsub(/,/, "", errs); gsub(/,/, "", ctx)
            printf "errors\t%.0f\tcount\ncontexts\t%.0f\tcount\nrace_contexts\t%.0f\tcount\nexit_status\t%.0f\tstatus\n", errs, ctx, races, rc
        }' "$work/vg.log" | add helgrind
}

run_memcheck() {
    run_valgrind memcheck --leak-check=full || return 1
    grep -q 'ERROR SUMMARY:' "$work/vg.log" || { fail memcheck "no ERROR SUMMARY (exit $rc): $(tail -n 2 "$work/vg.log" | tr '\n' ' ')"; return 1; }
    awk -v rc="$rc" '
        { gsub(/,/, "") }
        /ERROR SUMMARY:/ { e = $0; sub(/.*ERROR SUMMARY: */, "", e); split(e, f, " "); errs = f[1] }
        /definitely lost:/ { l = $0; sub(/.*definitely lost: */, "", l); split(l, f, " "); lost = f[1] }
        /indirectly lost:/ { l = $0; sub(/.*indirectly lost: */, "", l); split(l, f, " "); ilost = f[1] }
        /still reachable:/ { l = $0; sub(/.*still reachable: */, "", l); split(l, f, " "); reach = f[1] }
        /total heap usage:/ { h = $0; sub(/.*total heap usage: */, "", h); split(h, f, " "); allocs = f[1]; bytes = f[5] }
        END {
            printf "errors\t%.0f\tcount\ndefinitely_lost_bytes\t%.0f\tB\n", errs, lost
            printf "indirectly_lost_bytes\t%.0f\tB\nstill_reachable_bytes\t%.0f\tB\n", ilost, reach
            printf "heap_allocs\t%s\tcount\nheap_bytes\t%s\tB\nexit_status\t%.0f\tstatus\n", allocs == "" ? "n/a" : allocs, bytes == "" ? "n/a" : bytes, rc
        }' "$work/vg.log" | add memcheck
}

run_massif() {
    rm -f "$work/massif.out"
    run_valgrind massif --massif-out-file="$work/massif.out" || return 1
    [ -s "$work/massif.out" ] || { fail massif "no massif.out (exit $rc): $(tail -n 2 "$work/vg.log" | tr '\n' ' ')"; return 1; }
    awk -F= -v rc="$rc" '$1 == "mem_heap_B" && $2 + 0 > max { max = $2 + 0 }
        END { printf "peak_heap_bytes\t%.0f\tB\nexit_status\t%.0f\tstatus\n", max, rc }' "$work/massif.out" | add massif
}

echo "measure.sh: $mode run, machine $id, results in $out"
[ "$have_perf" = 1 ] || note_once perf "$perf_note"
[ "$have_vg" = 1 ] || note_once valgrind "$vg_note"
[ "$native" = 1 ] || echo "  note: ARCH=$arch runs under qemu-user: the timings are qemu's, NOT $arch figures"
t_start=${EPOCHREALTIME/,/.}
labnames=()
for labdir in "${labdirs[@]}"; do
    run="-"
    if ! kit_env "$labdir" || ! kit_build "$labdir"; then lab=${labdir##*/}; fail build "make failed"; continue; fi
    lab=$KIT_LAB
    labnames+=("$lab")
    rm -rf "${out:?}/logs/$lab"
    echo "== $lab"
    # The build stamp (common/lab.mk) names the compiler, its version and the flags the
    # binaries were built with; machine.txt reports them, not what $CC is now.
    printf '%s\tnormal\t%s\n' "$lab" "$(head -n 1 "$KIT_BIN/.build-flags" 2>/dev/null)" >>"$work/stamps"
    VG_BIN=$KIT_TOP/build/$KIT_ARCH-valgrind/$KIT_LAB
    if [ "$have_vg" = 1 ] && grep -v '^ *#' "$labdir/measure.conf" | cut -d'|' -f2 | grep -Eqw 'helgrind|memcheck|massif'; then
        kit_build "$labdir" valgrind || { fail build "the valgrind flavour (make SAN=valgrind) failed"; continue; }
        printf '%s\tvalgrind\t%s\n' "$lab" "$(head -n 1 "$VG_BIN/.build-flags" 2>/dev/null)" >>"$work/stamps"
    fi
    lineno=0
    while IFS= read -r line || [ -n "$line" ]; do
        lineno=$((lineno + 1))
        line=${line%%#*}
        [ -n "${line//[[:space:]]/}" ] || continue
        IFS='|' read -r f_run f_tools f_cmd f_short <<<"$line"
        f_run=$(trim "$f_run"); f_tools=$(trim "$f_tools"); f_cmd=$(trim "${f_cmd:-}"); f_short=$(trim "${f_short:-}")
        run=${f_run:-line$lineno}
        if [ -z "$f_cmd" ]; then fail conf "measure.conf line $lineno has no command"; continue; fi
        [ -n "$f_short" ] || f_short=$f_cmd
        tools=()
        for t in $f_tools; do
            case " $TOOLS_ORDER " in *" $t "*) ;; *) fail conf "measure.conf line $lineno: unknown tool '$t'" ;; esac
        done
        for t in $TOOLS_ORDER; do case " $f_tools " in *" $t "*) tools+=("$t") ;; esac; done
        # Without perf, a perf line still gets its wall-clock run (and METRIC lines).
        if [ "$have_perf" = 0 ] && [[ " ${tools[*]} " == *" perf "* ]] && [[ " ${tools[*]} " != *" time "* ]]; then
            tools=("${tools[@]/perf/time}")
        fi
        selftool=""
        for t in "${tools[@]}"; do
            case $t in perf) [ "$have_perf" = 1 ] || { note_once perf "$perf_note"; continue; } ;;
                       time) ;;
                       *) [ "$have_vg" = 1 ] || { note_once valgrind "$vg_note"; continue; } ;;
            esac
            src=$f_short; [ "$quick" = 0 ] && { [ "$t" = perf ] || [ "$t" = time ]; } && src=$f_cmd
            [ -z "$selftool" ] && { [ "$t" = perf ] || [ "$t" = time ]; } && selftool=$t
            while IFS='|' read -r suffix cmd; do
                run=$f_run$suffix
                read -r -a words <<<"$cmd"
                prog=${words[0]} args=("${words[@]:1}")
                if [ ! -x "$KIT_BIN/$prog" ]; then fail "$t" "no program $KIT_BIN/$prog"; continue; fi
                printf '  %-28s %-10s %s' "$run" "$t" "$cmd"
                inrun=1 runfail=""
                case $t in
                    perf) run_perf ;; time) run_time ;; cachegrind) run_cachegrind ;;
                    helgrind) run_helgrind ;; memcheck) run_memcheck ;; massif) run_massif ;;
                esac
                ok=$?
                inrun=0
                [ "$t" = "$selftool" ] && [ "$ok" = 0 ] && self_metrics
                printf '  (%.1f s, exit %s)%s\n' "$secs" "$rc" "${runfail:+  FAIL: $runfail}"
            done < <(expand "$src")
        done
    done <"$labdir/measure.conf"
done

# ---------------------------------------------------------------- writing
{
    echo "$HEADER"
    {
        [ -f "$out/results.tsv" ] && awk -F'\t' -v labs=" ${labnames[*]} " 'NR > 1 && index(labs, " " $1 " ") == 0' "$out/results.tsv"
        cat "$rows"
    } | sort -s -t$'\t' -k1,1
} >"$work/results.tsv"
mv "$work/results.tsv" "$out/results.tsv"
# build_lines FLAVOUR: compiler, cflags and ldflags from this run's build stamps of FLAVOUR
# ("CC | version | cflags | ldflags", -I paths left out); a value that differs between
# labs names its labs; "unknown" without a stamp.  The valgrind flavour adds its cflags.
build_lines() {
    awk -F'\t' -v flav="$1" '
        function add(k, v, lab) {
            if ((k, v) in labsof) labsof[k, v] = labsof[k, v] ", " lab
            else { vals[k, ++nv[k]] = v; labsof[k, v] = lab }
        }
        $2 == flav {
            n = split($3, f, / \| /)
            cf = ""; w = split(n >= 4 ? f[3] : "", ws, " ")
            for (i = 1; i <= w; i++) if (ws[i] !~ /^-I/) cf = cf (cf == "" ? "" : " ") ws[i]
            ld = n >= 4 ? f[4] : ""; gsub(/  +/, " ", ld); sub(/^ /, "", ld); sub(/ $/, "", ld)
            add("compiler", n >= 4 && f[2] != "" ? f[2] " (CC=" f[1] ")" : "unknown", $1)
            add("cflags", cf == "" ? "unknown" : cf, $1)
            add("ldflags", ld == "" ? "unknown" : ld, $1)
        }
        END {
            if (flav == "valgrind") { if (nv["cflags"]) { nk = 1; ks[1] = "cflags"; lbl["cflags"] = "cflags (valgrind flavour)" } }
            else { nk = split("compiler cflags ldflags", ks, " "); for (i = 1; i <= nk; i++) lbl[ks[i]] = ks[i] }
            for (i = 1; i <= nk; i++) {
                k = ks[i]; line = ""
                if (nv[k] == 0) line = "unknown"
                else if (nv[k] == 1) line = vals[k, 1]
                else for (j = 1; j <= nv[k]; j++) line = line (j > 1 ? "; " : "") vals[k, j] " (" labsof[k, vals[k, j]] ")"
                printf "%s: %s\n", lbl[k], line
            }
        }' "$work/stamps"
}
# machine.txt keeps the "measured LAB:" lines of labs not measured this time; its mode:
# line says mixed when the folder's labs were measured some quick, some full.
{
    [ -f "$out/machine.txt" ] && grep '^measured [^:]*:' "$out/machine.txt" | awk -v labs=" ${labnames[*]} " '{ l = $2; sub(/:$/, "", l) } index(labs, " " l " ") == 0'
    for l in "${labnames[@]}"; do echo "measured $l: $mode run, $stamp"; done
} | sort -k2,2 >"$work/measured"
modes=$(sed -n 's/^measured [^:]*: \([a-z]*\) run.*/\1/p' "$work/measured" | sort -u | paste -sd' ' -)
{
    cat "$work/machine.txt"
    build_lines normal
    build_lines valgrind
    cat "$work/machine.tail"
    case $modes in
        *' '*) echo "mode: mixed (labs measured ${modes// / and }: see the measured lines)" ;;
        *) echo "mode: ${modes:-$mode} (timeout ${tmo} s per tool run)" ;;
    esac
    cat "$work/measured"
} >"$out/machine.txt.tmp"
mv "$out/machine.txt.tmp" "$out/machine.txt"
render "$out"

total=$(awk -v a="$t_start" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.0f", b - a }')
echo "measure.sh: wrote $out/{machine.txt,results.tsv,README.md}: $(wc -l <"$rows") rows for ${labnames[*]} in $total s"
if [ ${#failures[@]} -gt 0 ]; then
    echo "measure.sh: ${#failures[@]} run(s) failed:"; printf '  %s\n' "${failures[@]}"
    exit 1
fi
exit 0
