#!/usr/bin/env bash
# Lab 1 tests (scripts/test.sh runs this after the shared lab checks; `make test LAB=1`).
# Every program runs under timeout.  Timing is never asserted as an absolute;
# where the lesson is an ordering it is a generous ratio within one run, on
# native runs only (qemu's timings are the host's).  Litmus verdicts: forbidden
# outcomes must count 0; weak outcomes are asserted > 0 only where they are
# reliably observable (SB relaxed on native x86, 10^6 iterations).
set -u
. ../../scripts/lib.sh
kit_test_init
L="lab1"
X86=0; [ "$KIT_NATIVE" = 1 ] && [ "$KIT_ARCH" = x86_64 ] && X86=1
NCPU=$(nproc)

# --- bad input: one line naming the value, exit 2 ------------------------------------
kit_bad_values "$L" "litmus_sb --order weak" "litmus_mp --iters 0" "litmus_iriw --delay 12x" \
    "memlat --max-mib 3" "memlat --max-mib 99999999999999999999" "memlat --kib 6" \
    "c2c --cpus 1,1" "c2c --op swap" "false_sharing --threads 9" "false_sharing --op xchg" \
    "false_sharing --seconds 0" "amdahl --serial 2/1" "amdahl --serial -0.5" "amdahl --threads 65" \
    "spawn_cost --spawns 0"
# --cpus takes indices into the affinity set: one past its end is refused, not
# wrapped onto the other thread's CPU (on 2 CPUs, 0,2 pinned both to CPU 0).
kit_bad_values "$L" "c2c --cpus 0,$NCPU" "c2c --cpus $((NCPU + 5)),0"
kit_expect "$L memlat: --min-kib above --max-mib exits 2, measures nothing" 10 2 -'KiB +[0-9]' -- memlat --min-kib 8192 --max-mib 4
kit_expect "$L memlat: --kib with --max-mib exits 2, measures nothing" 10 2 -'KiB +[0-9]' -- memlat --kib 64 --max-mib 4
kit_expect "$L false_sharing: --iters with --seconds exits 2, runs nothing" 10 2 -'ns per increment' -- false_sharing --iters 5 --seconds 1

# --- hello and the toolchain (book ch. 1) ----------------------------------------------
kit_same "$L hello: prints exactly 'Hello, world!'" expected/hello.txt 10 hello
kit_same "$L hello_seq: prints exactly 'GREETINGS, HUMANS' and exits 0" expected/greetings.txt 10 hello_seq
kit_same "$L hello_par: prints exactly 'GREETINGS, HUMANS' and exits 0" expected/greetings.txt 10 hello_par

# asm_ok DIR O0 O2: the -O2 .s is no longer than the -O0 one, and both hold the string.
asm_ok() { [ "$3" -le "$2" ] && grep -q "Hello, world!" "$1/hello.O0.s" && grep -q "Hello, world!" "$1/hello.O2.s"; }
counts=""
for a in x86_64 aarch64 armv7; do
    cc=$(make -s --no-print-directory ARCH=$a print-env | sed -n "s/.*KIT_CC='\([^']*\)'.*/\1/p")
    if ! command -v "$cc" >/dev/null 2>&1; then kit_skip "$L hello: make asm ARCH=$a" "$cc not installed"; continue; fi
    dir="$KIT_TOP/build/$a/01-machine/asm"
    if ! make -s --no-print-directory ARCH=$a "$dir/hello.O0.s" "$dir/hello.O2.s" >"$TMP/asm.txt" 2>&1; then
        kit_fail "$L hello: make asm ARCH=$a" "$(head -c 300 "$TMP/asm.txt")"; continue
    fi
    o0=$(wc -l <"$dir/hello.O0.s"); o2=$(wc -l <"$dir/hello.O2.s")
    counts="$counts $a $o0/$o2"
    kit_check "$L hello: make asm ARCH=$a: -O2 .s ($o2 lines) no longer than -O0 ($o0), both hold the string" \
        asm_ok "$dir" "$o0" "$o2"
done
echo "      hello .s lines -O0/-O2:$counts (book, Rust on ARMv7: 1448/101)"
# The README names the instruction this compiler makes of a seq_cst fence
# (gcc 12: lock orq $0,(%rsp); clang 14: mfence), as make asm shows it.
dir="$KIT_TOP/build/x86_64/01-machine/asm"
if make -s --no-print-directory ARCH=x86_64 "$dir/litmus_sb.O2.s" >"$TMP/asm.txt" 2>&1; then
    fence=$(grep -oE 'mfence|lock[[:space:]]+or[bwlq]' "$dir/litmus_sb.O2.s" | head -n 1 | sed 's/[[:space:]]\+/ /g')
    kit_check "$L litmus_sb: make asm ARCH=x86_64 shows the seq_cst fence as '${fence:-nothing}', and README.md names it" \
        grep -qF "\`${fence:-no fence in the .s file}" README.md
else
    kit_skip "$L litmus_sb: README.md names the seq_cst fence make asm shows" "x86_64 compiler unavailable: $(head -c 200 "$TMP/asm.txt")"
fi

# valgrind on the valgrind flavour's hello and hello_par (the book's three tools, and helgrind)
massif_ok() { # RC: exit 0 and ms_print shows the command, the snapshots and the peak
    [ "$1" -eq 0 ] && ms_print "$TMP/massif.out" >"$TMP/ms.txt" 2>&1 &&
        grep -q "^Command: .*hello" "$TMP/ms.txt" && grep -q "Number of snapshots:" "$TMP/ms.txt" && grep -q "(peak)" "$TMP/ms.txt"
}
cachegrind_ok() { # RC IREFS: exit 0, a plausible I refs count, D1 and LL miss rates
    [ "$1" -eq 0 ] && [ "${2:-0}" -gt 1000 ] && grep -q "D1  miss rate" "$TMP/cg.txt" && grep -q "LL miss rate" "$TMP/cg.txt"
}
if kit_vg_ready "$L hello, hello_par: memcheck, massif, cachegrind, helgrind"; then
    kit_memcheck_clean "$L hello: memcheck 0 errors, nothing lost, exit 0" 60 hello
    kit_check "$L hello: memcheck says 'All heap blocks were freed -- no leaks are possible'" \
        grep -q "All heap blocks were freed -- no leaks are possible" "$TMP/mc.log"
    echo "      memcheck: $(sed -n 's/.*total heap usage: //p' "$TMP/mc.log") (book, Rust + jemalloc: 7 allocs, 7 frees, 2,032 bytes)"
    kit_valgrind 60 "massif --massif-out-file=$TMP/massif.out" "$TMP/massif.log" hello; rc=$?
    if command -v ms_print >/dev/null 2>&1; then
        kit_check "$L hello: massif profile printed by ms_print (graph, snapshots, peak = stdout's buffer)" massif_ok "$rc"
    else
        kit_check "$L hello: massif wrote a profile" test "$rc" -eq 0 -a -s "$TMP/massif.out"
    fi
    kit_valgrind 60 "cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null" "$TMP/cg.txt" hello; rc=$?
    irefs=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$TMP/cg.txt" | tr -d ,)
    kit_check "$L hello: cachegrind summary (I refs ${irefs:-none}, D1/LL miss rates; book 533,954 I refs for Rust's debug build)" \
        cachegrind_ok "$rc" "$irefs"
    kit_helgrind_clean "$L hello_par: helgrind 0 errors (pthread create/join only), exit 0" 60 hello_par
fi

# --- litmus tests ------------------------------------------------------------------------
count() { # SHAPE ORDER: how often the weak outcome was seen, from the verdict line
    sed -n "s/^  $1 $2: .* seen \([0-9]*\) times .*/\1/p" "$KIT_OUT"
}
sums_ok() { # ITERS: every variant's histogram adds up to the iterations
    awk -v n="$1" '/iterations, / { if (open && sum != n) bad = 1; open = 1; sum = 0; next }
        open && /^  r[0-9]=/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { sum += $i; break } }
        END { if (open && sum != n) bad = 1; exit bad || !open }' "$KIT_OUT"
}
emu_note() { [ "$KIT_NATIVE" = 1 ] || grep -q "not an ARM result" "$KIT_OUT"; }
if [ "$KIT_NATIVE" = 1 ]; then ITERS=1000000 MPI=500000 LBI=300000 IRI=50000; else ITERS=60000 MPI=60000 LBI=40000 IRI=10000; fi

# 10^6 iterations for the two verdicts that matter (relaxed shows, seq_cst never), fewer for the others.
sb_run() { # ORDER ITERS: run one SB variant; appends to $TMP/sb.txt, checks the sums and the exit
    local rc
    kit_run 120 litmus_sb --order "$1" --iters "$2"; rc=$?
    cat "$KIT_OUT" >>"$TMP/sb.txt"
    sums_ok "$2" || sb_sums="$sb_sums $1"
    [ $rc -eq 0 ] || sb_rc="$sb_rc $1:$rc"
}
sb_sums="" sb_rc=""; : >"$TMP/sb.txt"
sb_run relaxed $ITERS; sb_run seq_cst $ITERS; sb_run acq_rel $((ITERS / 4)); sb_run fence $((ITERS / 4))
cp "$TMP/sb.txt" "$KIT_OUT"
sb_r=$(count SB relaxed) sb_a=$(count SB acq_rel) sb_s=$(count SB seq_cst) sb_f=$(count SB fence)
echo "      SB r1=0 r2=0: relaxed ${sb_r:-?} in $ITERS, seq_cst ${sb_s:-?} in $ITERS, acq_rel ${sb_a:-?} and fence ${sb_f:-?} in $((ITERS / 4))"
kit_check "$L litmus_sb: every variant's outcome counts add up to its iterations, exit 0${sb_sums:+ (bad sums:$sb_sums)}${sb_rc:+ (exits:$sb_rc)}" \
    test -z "$sb_sums$sb_rc"
kit_check "$L litmus_sb: fence (seq_cst fence between store and load) count is 0" test "${sb_f:-x}" = 0
if [ "$KIT_NATIVE" = 1 ] || [ "$KIT_ARCH" != aarch64 ]; then
    kit_check "$L litmus_sb: seq_cst count of r1=0 r2=0 is 0" test "${sb_s:-x}" = 0
else
    # qemu 7.2 translates aarch64 stlr-then-ldar without a store-load barrier on x86:
    # the program must call that an emulator artifact, not an ARM result, and not fail.
    sb_emulated() { [ "${sb_s:-x}" = 0 ] || grep -q "EMULATOR ARTIFACT" "$KIT_OUT"; }
    kit_check "$L litmus_sb: seq_cst under qemu-aarch64: ${sb_s:-?} seen, reported as an emulator artifact when > 0" sb_emulated
fi
if [ "$X86" = 1 ]; then
    kit_check "$L litmus_sb: relaxed shows x86's store buffer (r1=0 r2=0 seen ${sb_r:-?} times in 10^6)" test "${sb_r:-0}" -gt 0
else
    kit_skip "$L litmus_sb: relaxed r1=0 r2=0 > 0 (${sb_r:-?} seen)" "asserted only on native x86 with 10^6 iterations"
fi
kit_check "$L litmus_sb: under qemu says the result is not an ARM result" emu_note

kit_expect "$L litmus_mp: r1=1 r2=0 (flag without data) is 0 with acq_rel, seq_cst and fence; exit 0" 120 0 \
    +'^  MP acq_rel: .* seen 0 times ' +'^  MP seq_cst: .* seen 0 times ' +'^  MP fence: .* seen 0 times ' -- litmus_mp --iters $MPI
kit_check "$L litmus_mp: outcome counts add up to $MPI" sums_ok $MPI
[ "$X86" = 1 ] && kit_check "$L litmus_mp: relaxed r1=1 r2=0 is 0 on x86 (TSO forbids it)" test "$(count MP relaxed)" = 0
kit_check "$L litmus_mp: under qemu says the result is not an ARM result" emu_note

kit_expect "$L litmus_lb: r1=1 r2=1 is 0 with acq_rel, seq_cst and fence; exit 0" 120 0 \
    +'^  LB acq_rel: .* seen 0 times ' +'^  LB seq_cst: .* seen 0 times ' +'^  LB fence: .* seen 0 times ' -- litmus_lb --iters $LBI
kit_check "$L litmus_lb: outcome counts add up to $LBI (relaxed r1=1 r2=1: $(count LB relaxed))" sums_ok $LBI
[ "$X86" = 1 ] && kit_check "$L litmus_lb: relaxed r1=1 r2=1 is 0 on x86 (TSO forbids it)" test "$(count LB relaxed)" = 0

kit_expect "$L litmus_iriw: readers disagree (1,0,1,0) 0 times with seq_cst and fence; exit 0" 120 0 \
    +'^  IRIW seq_cst: .* seen 0 times ' +'^  IRIW fence: .* seen 0 times ' -- litmus_iriw --iters $IRI
kit_check "$L litmus_iriw: 16-outcome counts add up to $IRI" sums_ok $IRI
[ "$X86" = 1 ] && kit_check "$L litmus_iriw: 0 with relaxed and acq_rel too on x86 (TSO is multi-copy atomic)" \
    test "$(count IRIW relaxed)" = 0 -a "$(count IRIW acq_rel)" = 0

# --- memlat ------------------------------------------------------------------------------
if [ "$KIT_NATIVE" = 1 ]; then MAX=64 N=15; else MAX=4 N=11; fi
kit_expect "$L memlat --max-mib $MAX: exit 0, the plateau METRICs (l1_ns), no per-size metric names" 60 0 \
    +'^METRIC l1_ns [0-9.]+ ns$' -'^METRIC ns_per_load' -- memlat --max-mib $MAX --ms 10
rows=$(grep -cE '^ +[0-9]+ (KiB|MiB) +[0-9]+\.[0-9]+$' "$KIT_OUT")
first=$(awk '$1 == 4 && $2 == "KiB" { print $3 }' "$KIT_OUT")
last=$(awk -v m="$MAX" '$1 == m && $2 == "MiB" { print $3 }' "$KIT_OUT")
kit_check "$L memlat: one row per size 4 KiB..$MAX MiB ($rows of $N)" test "$rows" -eq $N
if [ "$KIT_NATIVE" = 1 ]; then
    kit_check "$L memlat: $MAX MiB chase at least 5x slower than 4 KiB (${first:-?} vs ${last:-?} ns: cache vs DRAM)" \
        awk -v a="${first:-0}" -v b="${last:-0}" 'BEGIN { exit !(a > 0 && b >= 5 * a) }'
else
    kit_check "$L memlat: under qemu says the latency is not an ARM result" grep -q "NOT an $KIT_ARCH result" "$KIT_OUT"
fi
kit_expect "$L memlat --kib 64: one row, one METRIC ns_per_load (a sweep point of measure.conf)" 30 0 \
    +'^ +64 KiB +[0-9]+\.[0-9]+$' +'^METRIC ns_per_load [0-9.]+ ns$' -'^ +(4|128) KiB' -'^METRIC l1_ns' -- memlat --kib 64 --ms 5

# --- c2c and false_sharing -----------------------------------------------------------------
for op in store cas; do
    if [ "$NCPU" -lt 2 ]; then break; fi   # one CPU: checked under taskset below
    kit_expect "$L c2c --op $op: exit 0, METRIC roundtrip_ns, oneway_ns, local_ns" 60 0 \
        +'^METRIC roundtrip_ns [0-9.]+ ns$' +'^METRIC oneway_ns ' +'^METRIC local_ns [0-9.]+ ns$' -- c2c --op $op --iters 100000
    rt=$(awk '$2 == "roundtrip_ns" { print $3 }' "$KIT_OUT"); lo=$(awk '$2 == "local_ns" { print $3 }' "$KIT_OUT")
    if [ "$KIT_NATIVE" = 1 ] && [ "$NCPU" -ge 2 ]; then
        kit_check "$L c2c --op $op: handing the line to another CPU (${rt:-?} ns) costs at least 2x the local loop (${lo:-?} ns)" \
            awk -v a="${lo:-0}" -v b="${rt:-0}" 'BEGIN { exit !(a > 0 && b >= 2 * a) }'
    fi
done
if command -v taskset >/dev/null 2>&1; then
    saved_run=$KIT_RUN
    KIT_RUN="taskset -c 0 $saved_run"
    # One CPU: no line moves between cores, so no transfer figure is claimed.
    kit_expect "$L c2c: on one CPU (taskset -c 0) says so, finishes, emits local_ns but no transfer METRIC" 60 0 \
        +'only 1 CPU' +'no transfer figure' +'^METRIC local_ns ' -'^METRIC (oneway|roundtrip)' -'cache-to-cache transfer\):' \
        -- c2c --iters 3000
    kit_expect "$L c2c: on one CPU (taskset -c 0) --cpus 0,1 exits 2 naming CPU 1" 10 2 +"CPU 1 is not in the affinity set.*'0,1'" \
        -- c2c --cpus 0,1
    KIT_RUN=$saved_run
fi

kit_expect "$L false_sharing --threads 1: every counter exact (the control: nothing to share)" 60 0 \
    +'exact$' +'^METRIC slowdown ' -- false_sharing --threads 1 --iters 2000000
kit_expect "$L false_sharing --threads 4 --op add: every counter exact" 60 0 +'exact$' -- false_sharing --threads 4 --op add --iters 500000
kit_expect "$L false_sharing --seconds 0.05: ends by itself, every counter exact, METRIC slowdown" 60 0 \
    +'x 0\.05 s of increments' +'exact$' +'^METRIC slowdown [0-9.]+ x$' -- false_sharing --threads 2 --seconds 0.05
# The ratio is asserted for --op add: a locked read-modify-write needs the line
# exclusively on every increment, so two threads on one line must trade it.
# The plain load + store (the default) can hide most of the cost in the store
# buffer - 1.2x on an Intel Xeon VM where this test ran, 2-5x elsewhere - so
# its ratio is reported, not judged.
best=0 ok=1
for _ in 1 2 3; do
    kit_run 60 false_sharing --threads 2 --iters 2000000 --op add || ok=0
    grep -q "exact$" "$KIT_OUT" || ok=0
    s=$(awk '$2 == "slowdown" { print $3 }' "$KIT_OUT")
    [ -n "$s" ] || ok=0
    best=$(awk -v a="$best" -v b="${s:-0}" 'BEGIN { print (b > a ? b : a) }')
    awk -v b="$best" 'BEGIN { exit !(b >= 1.5) }' && break
done
kit_check "$L false_sharing --threads 2 --op add: exit 0, counters exact, METRIC slowdown printed" test $ok = 1
if [ "$KIT_NATIVE" = 1 ] && [ "$NCPU" -ge 2 ]; then
    kit_check "$L false_sharing --op add: one shared line is at least 1.5x slower than padded (best of up to 3 runs: ${best}x)" \
        awk -v b="$best" 'BEGIN { exit !(b >= 1.5) }'
fi
kit_expect "$L false_sharing --threads 2 (load + store): exit 0, counters exact" 60 0 +'exact$' +'^METRIC slowdown ' -- \
    false_sharing --threads 2 --iters 5000000
echo "      false_sharing load + store: slowdown $(awk '$2 == "slowdown" { print $3 }' "$KIT_OUT")x (reported, not judged)"

# --- chapter 2's programs: spawn cost, Amdahl ------------------------------------------------
kit_expect "$L spawn_cost: 2000 create+join pairs, METRIC spawn_join_us (reported, not asserted)" 60 0 \
    +'^METRIC spawn_join_us [0-9.]+ us$' -- spawn_cost --spawns 2000
echo "      spawn_cost: $(awk '$2 == "spawn_join_us" { print $3 " us" }' "$KIT_OUT") per create+join"
if [ "$KIT_NATIVE" = 1 ]; then
    kit_expect "$L spawn_cost --launches 20: times hello_seq and hello_par like bash's time" 60 0 \
        +'^hello_par \(20 runs\)' +'^real' +'^METRIC launch_diff_ms ' -- spawn_cost --spawns 10 --launches 20
    echo "      spawn_cost: $(awk '$2 == "launch_diff_ms" { print $3 " ms" }' "$KIT_OUT") launch difference"
fi
kit_same "$L amdahl: the book's example (s = 1/24): exact table, N=1024 gives 23.47, limit 24.00" expected/amdahl.txt 10 amdahl
kit_expect "$L amdahl --serial 0.5 --procs 3: Amdahl 1.50, Gustafson 2.00, limit 2.00" 10 0 \
    +'^ +3 +1\.50 +2\.00$' +'1/s = 2\.00' -- amdahl --serial 0.5 --procs 3
kit_expect "$L amdahl --serial 0: speedup = N, no limit" 10 0 +'^ +8 +8\.00 +8\.00$' +'none' -- amdahl --serial 0 --procs 8
kit_expect "$L amdahl --measure --threads 1: one row, METRIC speedup 1 and amdahl_speedup 1" 60 0 \
    +'^ +1 +[0-9.]+ +1\.00 +1\.00$' -'^ +2( +[0-9.]+){3}$' +'^METRIC speedup 1 x$' +'^METRIC amdahl_speedup 1 x$' \
    -- amdahl --measure --serial 1/4 --work 20 --threads 1
kit_expect "$L amdahl --measure --threads 2: rows for 1 and 2 threads, METRIC speedup, Amdahl's 1.6" 60 0 \
    +'^ +1 +[0-9.]+ +1\.00 +1\.00$' +'^ +2 +[0-9.]+ +[0-9.]+ +1\.60$' +'^METRIC speedup [0-9.]+ x$' +'^METRIC amdahl_speedup 1\.6 x$' \
    -- amdahl --measure --serial 1/4 --work 40 --threads 2

# --- sanitizers: TSan clean on the atomics programs; ASan/UBSan clean -------------------------
if [ "$KIT_NATIVE" = 1 ]; then
    for san in thread address undefined; do
        kit_san_build $san || continue
        kit_san_clean "$L" $san "litmus_sb --iters 20000" "litmus_mp --iters 20000" "litmus_lb --iters 20000" \
            "litmus_iriw --iters 3000" "c2c --iters 20000" "c2c --op cas --iters 20000" "false_sharing --iters 200000" \
            "false_sharing --seconds 0.02 --op add" "memlat --max-mib 2 --ms 2" "spawn_cost --spawns 300" \
            "amdahl --measure --work 10 --threads 2" "hello_par"
        if [ $san = thread ]; then
            kit_expect "$L litmus_sb: under TSan the fence variant says it is skipped (TSan does not model fences)" 60 0 \
                +'fence: skipped' -- litmus_sb --iters 1000
        fi
        kit_env .
    done
else
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
fi
