#!/usr/bin/env bash
# demo.sh - lab 1's guided tour (what `make lab-1` runs): hello and the tools
# the book tries on it, then the machine itself - memory ordering (litmus
# tests), memory latency, cache-line transfers, false sharing - and chapter 2's
# opening: what a thread costs and what Amdahl's law allows.  About a minute
# natively on a 2-core machine; under qemu the litmus runs are shortened.
set -u
cd "$(dirname "$0")" || exit 1
. ../../scripts/lib.sh
KIT_NOTE_WIDTH=26
kit_demo_init
metric() { awk -v m="$1" '$1 == "METRIC" && $2 == m { printf "%.4g", $3; f = 1 } END { if (!f) printf "n/a" }' "$TMP/out"; }
quiet() { grep -v '^METRIC '; } # the METRIC lines are for measure.sh
if [ "$KIT_NATIVE" = 1 ]; then LIT=""; IRIW=""; else LIT="--iters 100000"; IRIW="--iters 10000"; fi

kit_say "1. hello: the book's first program, and the assembly the compiler makes of it (make asm)"
kit_show hello
counts=""
for a in x86_64 aarch64 armv7; do
    if make -s --no-print-directory asm ARCH=$a >/dev/null 2>&1; then
        d="$KIT_TOP/build/$a/01-machine/asm"
        counts="$counts $a $(wc -l <"$d/hello.O0.s")/$(wc -l <"$d/hello.O2.s")"
        echo "  $a: $(wc -l <"$d/hello.O0.s") lines at -O0, $(wc -l <"$d/hello.O2.s") at -O2   ($d/hello.O{0,2}.s)"
    else
        echo "  $a: no compiler for it here (skipped)"
    fi
done
echo "  (the book's Rust hello on ARMv7: 1448 lines debug, 101 release - Rust's std machinery; C's hello is just a call to puts)"
kit_note "hello .s -O0/-O2 lines" "${counts# }"

kit_say "2. valgrind on hello: memcheck (leaks and bad accesses), massif (heap profile), cachegrind (cache simulation)"
KIT_OUT=$TMP/prog.txt # the program's own output under valgrind (kit_valgrind)
if kit_vg_ready "valgrind on hello"; then
    echo "\$ valgrind --tool=memcheck --leak-check=full hello"
    kit_valgrind 60 "memcheck --leak-check=full" "$TMP/mc.txt" hello
    grep -E 'in use at exit|total heap usage|All heap blocks|ERROR SUMMARY' "$TMP/mc.txt" | sed 's/^==[0-9]*== /  /'
    kit_note "memcheck hello" "$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1 errors/p' "$TMP/mc.txt"), $(sed -n 's/.*total heap usage: //p' "$TMP/mc.txt")"
    echo "\$ valgrind --tool=massif hello && ms_print massif.out"
    kit_valgrind 60 "massif --massif-out-file=$TMP/massif.out" "$TMP/massif.txt" hello
    if command -v ms_print >/dev/null 2>&1; then ms_print "$TMP/massif.out" | sed -n '7,40p'; else echo "  (ms_print not installed)"; fi
    echo "\$ valgrind --tool=cachegrind --cache-sim=yes hello"
    kit_valgrind 60 "cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null" "$TMP/cg.txt" hello
    grep -E 'refs|misses|miss rate' "$TMP/cg.txt" | sed 's/^==[0-9]*== /  /'
    kit_note "cachegrind hello" "$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1 I refs (book, Rust debug: 533,954)/p' "$TMP/cg.txt")"
fi

kit_say "3. litmus_sb: store buffering - x = 1; r1 = y || y = 1; r2 = x. x86's store buffer lets both loads read 0"
kit_show litmus_sb $LIT | quiet | tee "$TMP/out"
for o in relaxed acq_rel seq_cst fence; do
    kit_note "SB $o r1=r2=0" "$(grep -m1 "^  SB $o:" "$TMP/out" | sed 's/.*seen \([0-9]*\) times (\([^)]*\)).*/\1 (\2)/')$(grep -q "^  SB $o: .*EMULATOR ARTIFACT" "$TMP/out" && echo ' - qemu artifact, see README')"
done
kit_say "4. litmus_mp: message passing (the book's x/y example, corrected): flag seen without the data?"
kit_show litmus_mp $LIT | quiet | tee "$TMP/out"
kit_note "MP relaxed r1=1 r2=0" "$(grep -m1 '^  MP relaxed:' "$TMP/out" | sed 's/.*seen \([0-9]*\) times.*/\1/')"
kit_say "5. litmus_lb: load buffering - can a store overtake an earlier load? (never on x86)"
kit_show litmus_lb $LIT | quiet
kit_say "6. litmus_iriw: do two readers agree on the order of two independent writes? (x86: always)"
kit_show litmus_iriw $IRIW | quiet

kit_say "7. memlat: pointer chasing from 4 KiB to 256 MiB - the L1 / L2 / L3 / DRAM plateaus (book: 0.5 / 7 / 100 ns)"
if [ "$KIT_NATIVE" = 1 ]; then kit_show memlat >"$TMP/out"; else kit_show memlat --max-mib 16 --ms 10 >"$TMP/out"; fi
quiet <"$TMP/out"
kit_note "memlat L1/L2/DRAM ns" "$(metric l1_ns) / $(metric l2_ns) / $(metric dram_ns) (book 0.5 / 7 / 100)"

kit_say "8. c2c: one cache line handed back and forth between two CPUs - the price of sharing"
kit_show c2c >"$TMP/out"; quiet <"$TMP/out"
kit_note "c2c round trip" "$(metric roundtrip_ns) ns (local loop $(metric local_ns) ns)"
kit_show c2c --op cas >"$TMP/out"; quiet <"$TMP/out"
kit_note "c2c round trip, CAS" "$(metric roundtrip_ns) ns"

kit_say "9. false_sharing: two threads, two counters, one cache line - and then a line each"
kit_show false_sharing >"$TMP/out"; quiet <"$TMP/out"
kit_note "false sharing slowdown" "$(metric slowdown)x (2 threads)"

kit_say "10. hello_seq / hello_par: the book's thread-spawn cost (100 launches: 0.091 s vs 0.115 s)"
kit_show hello_seq; kit_show hello_par
if [ "$KIT_NATIVE" = 1 ]; then kit_show spawn_cost --launches 100 >"$TMP/out"; else kit_show spawn_cost --spawns 1000 >"$TMP/out"; fi
quiet <"$TMP/out"
kit_note "spawn + join" "$(metric spawn_join_us) us in-process${KIT_NATIVE:+}$( [ "$KIT_NATIVE" = 1 ] && echo "; launch difference $(metric launch_diff_ms) ms (book 0.24)")"

kit_say "11. amdahl: the book's 24-hour job with 1 serial hour can never run more than 24x faster"
kit_show amdahl --measure --threads 2 >"$TMP/out"; quiet <"$TMP/out"
kit_note "amdahl measured 2 threads" "$(metric speedup)x (Amdahl predicts $(metric amdahl_speedup)x for s = 1/24)"

kit_summary 01-machine
[ "$KIT_NATIVE" = 1 ] || echo "  (qemu-user on $(uname -m): none of these is an $KIT_ARCH result)"
