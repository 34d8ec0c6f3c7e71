#!/usr/bin/env bash
# selftest.sh - end-to-end checks of measure.sh and compare.sh; `scripts/test.sh scripts` runs it.
#
# Runs `measure.sh --quick --out TMP 4` (lab 4's short commands, a minute or two) and checks
# the files, the rows, the tool verdicts (helgrind finds ring_racy's race and nothing in
# ring_mutex/ring_chan), n/a for unsupported perf counters, machine.txt's metadata,
# compare.sh against results/book (refused without --allow-mixed: quick vs full), and the
# usage errors.  In a throw-away git clone with a one-program lab, checks that measuring
# leaves a committed reference folder alone unless --update-reference is given.  Under
# ARCH=aarch64|armv7 (qemu) the perf/valgrind checks are skipped.
set -u
KIT_TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$KIT_TOP/scripts/lib.sh"
export LC_ALL=C

M=$KIT_TOP/scripts/measure.sh C=$KIT_TOP/scripts/compare.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
KIT_OUT=$tmp/out

# Predicates for kit_check (shellcheck cannot see calls made through kit_check).
# shellcheck disable=SC2317
isnum() { local v; for v in "$@"; do [[ $v =~ ^[0-9]+(\.[0-9]+)?$ ]] || return 1; done; }
# shellcheck disable=SC2317
ispos() { local v; for v in "$@"; do [[ $v =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] || return 1; done; }
# shellcheck disable=SC2317
helps() { "$1" --help >"$KIT_OUT" 2>&1 && grep -q "$2" "$KIT_OUT"; }
# shellcheck disable=SC2317
rows_kept() { awk -F'\t' '$2 == "keepme" { k = 1 } $2 == "stale_run" { s = 1 } END { exit !(k && !s) }' "$1"; }
# shellcheck disable=SC2317
logs_short() { local f; for f in "$1"/logs/*/*.log; do [ "$(wc -l <"$f")" -le 203 ] || return 1; done; }
# shellcheck disable=SC2317
aligned() {   # every line of a Markdown table as long as its header line
    awk '/^\|/ { if (!t) { w = length($0); t = 1 } else if (length($0) != w) bad = 1; next } { t = 0 } END { exit bad }' "$1"
}
# shellcheck disable=SC2317
lacks() { ! grep -q -- "$2" "$1"; }
# shellcheck disable=SC2317
greps() { local f=$1; shift; local p; for p in "$@"; do grep -Eq -- "$p" "$f" || return 1; done; }

# usage_error WHAT CMD...: exit status 2, one line on stderr, nothing on stdout.
usage_error() {
    local what=$1; shift
    "$@" >"$tmp/so" 2>"$tmp/se"; local rc=$?
    if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/se")" = 1 ] && [ ! -s "$tmp/so" ]; then kit_ok "$what"
    else kit_fail "$what" "exit $rc, stderr: $(head -n 3 "$tmp/se")" "stdout: $(head -n 2 "$tmp/so")"; fi
}
usage_error "scripts measure.sh: bad option exits 2 with one line" "$M" --bogus
usage_error "scripts measure.sh: unknown lab exits 2 with one line" "$M" --quick 99
usage_error "scripts compare.sh: nonexistent dir exits 2 with one line" "$C" "$KIT_TOP/results/book" "$tmp/no-such-dir"
usage_error "scripts compare.sh: bad option exits 2 with one line" "$C" --bogus "$KIT_TOP/results/book"
# kit_show: a program that dies of a signal shows its own stderr and its status,
# never the shell's "line N: PID Aborted" job notice
mkdir -p "$tmp/bin" && printf '#!/bin/sh\necho dying >&2\nkill -ABRT $$\n' >"$tmp/bin/crasher" && chmod +x "$tmp/bin/crasher"
show_quiet() { (KIT_BIN=$tmp/bin KIT_RUN=; kit_show crasher; echo "status $?") >"$tmp/show" 2>&1; grep -qx 'dying' "$tmp/show" && grep -qx 'status 134' "$tmp/show" && ! grep -q 'Aborted' "$tmp/show"; }
kit_check "scripts lib.sh kit_show: a crash shows the program's stderr and status 134, no shell job notice" show_quiet

# make lab-N: a clear line and exit 2 for a non-number, a planned lab and a missing one
# (make adds its own "*** Error 2" line after the recipe's).
make_lab() { # WANT-RE ARG: exit 2, the recipe's line matches WANT-RE, no shell error
    make -s --no-print-directory -C "$KIT_TOP" "lab-$2" >"$tmp/so" 2>"$tmp/se"; local rc=$?
    [ "$rc" = 2 ] && grep -q "$1" "$tmp/se" && ! grep -q 'arithmetic\|printf:\|/bin/sh' "$tmp/se"
}
kit_check "scripts make lab-abc: one line 'expected a lab number', exit 2" make_lab 'lab-abc: expected a lab number' abc
kit_check "scripts make lab-7: says lab 7 is planned, exit 2" make_lab 'lab 7 is planned' 7
kit_check "scripts make lab-42: says there is no lab 42, exit 2" make_lab 'no lab 42' 42
kit_check "scripts measure.sh: --help exits 0 with usage" helps "$M" 'measure.sh \[--quick\]'
kit_check "scripts compare.sh: --help exits 0 with usage" helps "$C" 'compare.sh \['


# ---- the book's figures are well formed
book=$KIT_TOP/results/book
if awk -F'\t' 'NR == 1 { ok = ($0 == "lab\trun\tmetric\tvalue\tunit\ttool"); next }
               NF != 6 || $4 !~ /^[0-9.]+$/ { ok = 0 } END { exit !(ok && NR > 20) }' "$book/results.tsv"; then
    kit_ok "scripts results/book: results.tsv has the header and 6 numeric-valued fields a row"
else kit_fail "scripts results/book: results.tsv malformed"; fi

# ---- every committed table speaks the kit's unit vocabulary (KIT_UNITS in common/kit.h)
units=$(sed -n 's/^#define KIT_UNITS "\(.*\)"$/\1/p' "$KIT_TOP/common/kit.h")
odd=$(awk -F'\t' -v u=" $units " 'FNR > 1 && index(u, " " $5 " ") == 0 { print FILENAME ": " $5 }' "$KIT_TOP"/results/*/results.tsv | sort -u | head -n 5)
if [ -n "$units" ] && [ -z "$odd" ]; then kit_ok "scripts results/*: every unit is one of KIT_UNITS"
else kit_fail "scripts results/*: every unit is one of KIT_UNITS" "$odd"; fi

# ---- measure.sh --quick end to end, into a directory seeded with another lab's rows
# (kept) and a stale lab 4 row (replaced).
kit_env "$KIT_TOP/labs/04-sync-send"
res=$tmp/res; mkdir -p "$res"
printf 'lab\trun\tmetric\tvalue\tunit\ttool\n99-other\tkeepme\telapsed_s\t1.5\ts\ttime\n04-sync-send\tstale_run\telapsed_s\t9\ts\ttime\n' >"$res/results.tsv"
t0=$(date +%s)
timeout -k 10 400 "$M" --quick --out "$res" 4 >"$tmp/measure.log" 2>&1; rc=$?
secs=$(( $(date +%s) - t0 ))
if [ "$rc" = 0 ]; then kit_ok "scripts measure.sh: --quick 4 ran without failures (${secs} s)"
else kit_fail "scripts measure.sh: --quick 4 exit $rc after ${secs} s" "$(tail -n 8 "$tmp/measure.log")"; fi
for f in machine.txt results.tsv README.md; do
    kit_check "scripts measure.sh: wrote $f" test -s "$res/$f"
done
tsv=$res/results.tsv
[ -f "$tsv" ] || : >"$tsv"
kit_check "scripts measure.sh: results.tsv header" test "$(head -n 1 "$tsv")" = "$(printf 'lab\trun\tmetric\tvalue\tunit\ttool')"
kit_check "scripts measure.sh: every row has 6 fields" awk -F'\t' 'NF != 6 { exit 1 }' "$tsv"
kit_check "scripts measure.sh: other labs' rows kept, the lab's stale rows replaced" rows_kept "$tsv"

# val RUN METRIC TOOL: the value of that row (empty when missing).
val() { awk -F'\t' -v r="$1" -v m="$2" -v t="$3" '$1 == "04-sync-send" && $2 == r && $3 == m && $6 == t { v = $4 } END { print v }' "$tsv"; }
for r in ring_mutex ring_chan; do
    n=$(awk -F'\t' -v r="$r" '$2 == r && $6 == "self"' "$tsv" | wc -l)
    kit_check "scripts measure.sh: $r METRIC lines collected (tool self, $n rows)" test "$n" -gt 0
    e=$(val "$r" elapsed_s time); [ -n "$e" ] || e=$(val "$r" elapsed_s perf)
    kit_check "scripts measure.sh: $r elapsed_s is a number ($e)" isnum "$e"
done

perf_ok=0
if kit_have perf && perf stat -e task-clock true >/dev/null 2>&1; then perf_ok=1; fi
if [ "$perf_ok" = 1 ]; then
    for r in ring_mutex ring_chan; do
        cs=$(val "$r" context_switches perf); tc=$(val "$r" task_clock_ms perf)
        kit_check "scripts measure.sh: $r perf rows (task-clock $tc ms, $cs context switches)" isnum "$tc" "$cs"
    done
    cyc=$(val ring_mutex cycles perf); ipc=$(val ring_mutex ipc perf)
    if perf stat -x, -e cycles true 2>&1 >/dev/null | grep -q '^<not'; then
        kit_check "scripts measure.sh: unsupported cycles counter recorded as n/a (cycles '$cyc', ipc '$ipc')" \
            test "$cyc" = n/a -a "$ipc" = n/a
        kit_check "scripts measure.sh: README shows n/a for unsupported counters" grep -q '| *n/a *|' "$res/README.md"
    else
        kit_check "scripts measure.sh: cycles counter is a number ($cyc) and ipc computed ($ipc)" isnum "$cyc" "$ipc"
    fi
else
    kit_skip "scripts measure.sh: perf rows and n/a counters" "perf not usable for ARCH=${KIT_ARCH:-?}"
fi

if kit_have valgrind; then
    e=$(val ring_racy errors helgrind); rcx=$(val ring_racy race_contexts helgrind)
    kit_check "scripts measure.sh: helgrind finds ring_racy's race ($e errors, $rcx race contexts)" ispos "$e" "$rcx"
    for r in ring_mutex ring_chan; do
        e=$(val "$r" errors helgrind)
        kit_check "scripts measure.sh: helgrind clean on $r (errors '$e')" test "$e" = 0
    done
    ir=$(val ring_mutex i_refs cachegrind)
    kit_check "scripts measure.sh: cachegrind I refs of ring_mutex ($ir)" ispos "$ir"
    kit_check "scripts measure.sh: helgrind log kept for ring_racy" test -s "$res/logs/04-sync-send/ring_racy.helgrind.log"
    kit_check "scripts measure.sh: helgrind logs cut to ~200 lines" logs_short "$res"
    kit_check "scripts measure.sh: README says valgrind serializes threads" grep -q 'valgrind serializes threads' "$res/README.md"
else
    kit_skip "scripts measure.sh: helgrind/cachegrind verdicts" "valgrind not usable for ARCH=${KIT_ARCH:-?}"
fi

# README tables line up: every line of a table is as long as its header line.
kit_check "scripts measure.sh: README has a lab 4 table with ring_mutex" grep -q '^| ring_mutex ' "$res/README.md"
kit_check "scripts measure.sh: README table columns aligned" aligned "$res/README.md"
kit_check "scripts measure.sh: machine.txt says cpu and quick mode" greps "$res/machine.txt" '^cpu: .' '^mode: quick'
kit_check "scripts measure.sh: machine.txt has frequency, SMT, turbo, THP, perf_event_paranoid and VM lines" \
    greps "$res/machine.txt" '^cpu frequency governor: .' '^cpu frequency: .' '^smt: (on|off|unknown)$' '^turbo: (on|off|unknown)' \
    '^transparent huge pages: [a-z]' '^kernel\.perf_event_paranoid: (-?[0-9]+|unknown)$' '^virtual machine: (yes|no|unknown)'
# The compiler and flags are the build stamp's (common/lab.mk), not whatever $CC is now.
stamp_cc=$(awk -F' [|] ' '{ print $2 " (CC=" $1 ")" }' "$KIT_BIN/.build-flags" 2>/dev/null)
kit_check "scripts measure.sh: machine.txt's compiler is the build stamp's ($stamp_cc)" grep -qxF "compiler: $stamp_cc" "$res/machine.txt"
kit_check "scripts measure.sh: machine.txt's cflags and ldflags from the stamp, without -I paths" \
    eval 'greps "$res/machine.txt" "^cflags: -std=c11 .*-O2" "^ldflags: .*-pthread" && ! grep -q "^cflags:.* -I" "$res/machine.txt"'
if [ "${KIT_NATIVE:-1}" != 1 ]; then
    kit_check "scripts measure.sh: machine.txt says qemu figures are not ARM figures" greps "$res/machine.txt" 'qemu.*NOT'
    kit_check "scripts measure.sh: README says qemu figures are not ARM figures" greps "$res/README.md" 'qemu.*NOT'
fi

# ---- compare.sh: the book against this run
usage_error "scripts compare.sh: book vs a quick run refused without --allow-mixed, exit 2 with one line" "$C" "$book" "$res"
"$C" --allow-mixed "$book" "$res" >"$KIT_OUT" 2>&1; rc=$?
kit_check "scripts compare.sh: --allow-mixed book vs quick run exits 0" test "$rc" = 0
kit_check "scripts compare.sh: one column per machine, the ratio marked (quick vs full)" grep -q "| *book *| *res *| *res / book (quick vs full) *|" "$KIT_OUT"
# modes from machine.txt: quick vs quick and book (no mode line) vs full compare; full vs quick does not
for m in q1:quick q2:quick f1:full; do
    mkdir -p "$tmp/$m" && cp "$res/results.tsv" "$tmp/$m/" && printf 'mode: %s (selftest)\n' "${m#*:}" >"$tmp/$m/machine.txt"
done
kit_check "scripts compare.sh: two quick runs compare, no (quick vs full) mark" \
    eval '"$C" "$tmp/q1:quick" "$tmp/q2:quick" >"$KIT_OUT" 2>&1 && ! grep -q "quick vs full" "$KIT_OUT"'
kit_check "scripts compare.sh: book vs a full run compares" eval '"$C" "$book" "$tmp/f1:full" >"$KIT_OUT" 2>&1'
usage_error "scripts compare.sh: full vs quick refused, exit 2 with one line" "$C" "$tmp/f1:full" "$tmp/q1:quick"
if [ "$perf_ok" = 1 ]; then
    kit_check "scripts compare.sh: ring_mutex context_switches with both values and a ratio" \
        grep -Eq '^\| ring_mutex +\| context_switches +\| perf +\| count +\| +8,005 \| +[0-9,]+ \| +[0-9.e+-]+ \|$' "$KIT_OUT"
else
    kit_check "scripts compare.sh: book's ring_mutex context_switches, blank cell without perf" \
        grep -Eq '^\| ring_mutex +\| context_switches +\| perf +\| count +\| +8,005 \| +\| +\|$' "$KIT_OUT"
fi
if [ "$perf_ok" = 1 ]; then
    "$C" --allow-mixed --common "$book" "$res" >"$KIT_OUT" 2>&1
    kit_check "scripts compare.sh: --common keeps rows both have" greps "$KIT_OUT" '^\| ring_chan +\| context_switches '
    kit_check "scripts compare.sh: --common drops rows only one has" lacks "$KIT_OUT" exit_status
fi
"$C" --allow-mixed --lab 4 --metric '^elapsed_s$' "$book" "$res" >"$KIT_OUT" 2>&1
kit_check "scripts compare.sh: --metric keeps the matching rows" greps "$KIT_OUT" '\| elapsed_s '
kit_check "scripts compare.sh: --metric drops the others" lacks "$KIT_OUT" context_switches

# ---- a committed reference is never overwritten unasked.  In a throw-away clone (whose
# scripts are this tree's), a git-tracked results/selftest-ref and two one-program labs.
k=$tmp/k
# ref_changes: the reference's files changed since `git add`, and new files in it.
ref_changes() { git -C "$k" diff --name-only -- results/selftest-ref; git -C "$k" ls-files --others -- results/selftest-ref; }
if ! git -C "$KIT_TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1 || ! git clone -q "$KIT_TOP" "$k" 2>/dev/null; then
    kit_skip "scripts measure.sh: a committed reference is left alone" "no git clone of $KIT_TOP"
else
    cp "$KIT_TOP"/scripts/*.sh "$k/scripts/"
    for n in 98 99; do
        mkdir -p "$k/labs/$n-tiny"
        printf 'PROGS := tiny\ninclude ../../common/lab.mk\n' >"$k/labs/$n-tiny/Makefile"
        printf '#include <stdio.h>\nint main(void) { puts("METRIC tiny_ops 1 count"); return 0; }\n' >"$k/labs/$n-tiny/tiny.c"
        printf 'tiny | time | tiny | tiny\n' >"$k/labs/$n-tiny/measure.conf"
    done
    mkdir -p "$k/results/selftest-ref"
    printf 'lab\trun\tmetric\tvalue\tunit\ttool\n99-tiny\ttiny\ttiny_ops\t7\tcount\tself\n' >"$k/results/selftest-ref/results.tsv"
    printf 'machine: selftest-ref\nmode: full (selftest)\nmeasured 99-tiny: full run, 2000-01-01T00:00Z\n' >"$k/results/selftest-ref/machine.txt"
    git -C "$k" add results/selftest-ref
    MACHINE=selftest-ref timeout 60 "$k/scripts/measure.sh" --quick 99 >"$tmp/ref.log" 2>&1; rc=$?
    dated=$(cd "$k/results" && ls -d selftest-ref-[0-9]*-[0-9]* 2>/dev/null)
    kit_check "scripts measure.sh: --quick on a committed reference exits 0 and leaves it unchanged" eval '[ "$rc" = 0 ] && [ -z "$(ref_changes)" ]'
    kit_check "scripts measure.sh: ... and writes results/selftest-ref-YYYYMMDD-HHMM instead ($dated)" \
        eval '[[ $dated =~ ^selftest-ref-[0-9]{8}-[0-9]{4}$ ]] && grep -q "^99-tiny	tiny	tiny_ops	1	count	self$" "$k/results/$dated/results.tsv"'
    kit_check "scripts measure.sh: ... and says so in one line" eval '[ "$(grep -c "results/selftest-ref is a committed reference.*results/$dated" "$tmp/ref.log")" = 1 ]'
    MACHINE=selftest-ref timeout 60 "$k/scripts/measure.sh" --update-reference --quick 99 >"$tmp/ref.log" 2>&1; rc=$?
    kit_check "scripts measure.sh: --update-reference rewrites the reference" \
        eval '[ "$rc" = 0 ] && [ -n "$(ref_changes)" ] && grep -q "	tiny_ops	1	" "$k/results/selftest-ref/results.tsv"'
    # one folder with a quick lab and a full one: mode mixed, which compare.sh will not pair unasked
    timeout 60 "$k/scripts/measure.sh" --out "$k/results/$dated" 98 >"$tmp/ref.log" 2>&1; rc=$?
    kit_check "scripts measure.sh: --out writes where asked; a folder of quick and full labs says mode: mixed" \
        eval '[ "$rc" = 0 ] && greps "$k/results/$dated/machine.txt" "^mode: mixed" "^measured 98-tiny: full run" "^measured 99-tiny: quick run"'
    usage_error "scripts compare.sh: a mixed folder vs a full one refused, exit 2 with one line" "$C" "$tmp/f1:full" "$k/results/$dated"
fi

# ---- plot.sh: the arc_count thread sweep of the quick run ({1,2}) as PNG curves
P=$KIT_TOP/scripts/plot.sh
usage_error "scripts plot.sh: no folder exits 2 with one line" "$P"
usage_error "scripts plot.sh: a folder without results.tsv exits 2" "$P" "$tmp/no-such-dir"
if command -v gnuplot >/dev/null 2>&1; then
    "$P" --metric '^(elapsed_s|refcount_ops_per_s)$' "$res" >"$KIT_OUT" 2>&1; rc=$?
    png=$res/plots/04-sync-send-arc_count-refcount_ops_per_s-self.png
    kit_check "scripts plot.sh: draws the arc_count thread sweep as a PNG" \
        eval '[ $rc -eq 0 ] && [ "$(head -c 4 "$png" | tail -c 3)" = PNG ]'
    kit_check "scripts plot.sh: --metric keeps only the matching metrics" \
        eval '! ls "$res/plots" | grep -q context_switches'
else
    kit_skip "scripts plot.sh: PNG curves" "gnuplot not installed"
fi
exit 0
