#!/usr/bin/env bash
# plot.sh - draw thread-sweep curves as PNG with gnuplot; usage() below is its --help.
set -u
usage() { cat <<'EOF'
plot.sh [--metric REGEX] DIR... - draw thread-sweep curves as PNG with gnuplot.

A sweep is a measure.conf run written with {a,b,c}: its rows are named
run/a, run/b, ... in results.tsv.  For every sweep with a numeric parameter
and every metric it reports (the programs' own METRIC lines and perf's
figures, or those matching --metric), plot.sh draws the metric against the
parameter, one line per results folder, so machines can be compared on one
chart.  Only the wall-clock, perf and program figures are plotted (valgrind
runs are single-core by nature).  Files go to the first DIR's plots/ folder:
plots/<lab>-<run>-<metric>.png.  Without gnuplot it says so and exits 0.
EOF
}
die() { echo "plot.sh: $*" >&2; exit 2; }
metric_re='.'
dirs=()
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        --metric) [ $# -ge 2 ] || die "--metric needs a regular expression"; metric_re=$2; shift ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) [ -f "$1/results.tsv" ] || die "no results.tsv in '$1'"; dirs+=("${1%/}") ;;
    esac
    shift
done
[ ${#dirs[@]} -gt 0 ] || die "give at least one results folder (see --help)"
echo "" | awk -v re="$metric_re" '{ if ("" ~ re) {} }' 2>/dev/null || die "bad --metric regular expression '$metric_re'"
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "plot.sh: gnuplot is not installed; no plots drawn (apt-get install gnuplot-nox)"
    exit 0
fi
out=${dirs[0]}/plots
mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# One data file per (lab, run, metric, tool, folder): "x value" lines, x numeric.
for d in "${dirs[@]}"; do
    awk -F'\t' -v re="$metric_re" -v dir="${d##*/}" -v work="$work" '
        NR > 1 && $2 ~ /\/[0-9.]+$/ && $4 ~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/ && $3 ~ re && $5 != "status" && $6 ~ /^(self|perf|time)$/ {
            run = $2; x = run; sub(/.*\//, "", x); sub(/\/[^\/]*$/, "", run)
            key = $1 "-" run "-" $3 "-" $6; gsub(/[^A-Za-z0-9_.-]/, "_", key)
            print x, $4 > (work "/" key "@" dir ".dat")
            print $5 > (work "/" key ".unit")
        }' "$d/results.tsv"
done

n=0
for unit in "$work"/*.unit; do
    [ -e "$unit" ] || break
    key=$(basename "$unit" .unit)
    files=("$work/$key"@*.dat)
    # a curve needs two points
    [ "$(sort -u "${files[0]}" | wc -l)" -ge 2 ] || continue
    plot=""
    for f in "${files[@]}"; do
        sort -n -o "$f" "$f"
        name=${f##*@}; name=${name%.dat}
        plot="$plot${plot:+, }'$f' using 1:2 with linespoints title '$name'"
    done
    gnuplot <<GP 2>"$work/gnuplot.err" || { echo "plot.sh: gnuplot failed on $key: $(head -1 "$work/gnuplot.err")" >&2; continue; }
set terminal png size 800,500 noenhanced
set output '$out/$key.png'
set title '$key'
set xlabel 'sweep value ({a,b,c} in measure.conf, e.g. threads)'
set ylabel '$(head -1 "$unit")'
set key left top
set grid
plot $plot
GP
    n=$((n + 1))
done
echo "plot.sh: $n plot(s) in $out/"
