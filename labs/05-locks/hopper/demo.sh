#!/usr/bin/env bash
# demo.sh - hopper's guided tour (lab 5, second half; `make demo` here or the
# lab's demo.sh runs it): the deque, the book's example, the lazy flip, the
# scenario tests, the property tests, the repeat loop, the fuzz target and the
# benchmark, one line of explanation before each.  About a minute on a 2-core
# machine.
set -u
cd "$(dirname "$0")" || exit 1
. ../../../scripts/lib.sh
make -s --no-print-directory ARCH="${ARCH:-}" >/dev/null || exit 1
kit_demo_init
export TMPDIR="$TMP"   # queue directories go here and are removed with it
KIT_OUT="$TMP/run.txt"
KIT_NOTE_WIDTH=42
out() { tee "$TMP/out"; }

kit_say "h1. hopper_deque_stress: the two-lock ring deque alone, 4 producers, 16 slots (notes 2.9.3)"
kit_show hopper_deque_stress --producers 4 --iters 250000 | out
kit_note "deque 4 x 250000" "$(grep -q 'none lost, none duplicated' "$TMP/out" && echo 'FIFO, none lost' || echo FAILED)"
kit_say "h2. helgrind sees pthread calls, not C11 atomics: the unannotated twin gets false races"
for p in hopper_deque_stress hopper_deque_unannotated_stress; do
    kit_vg_ready "helgrind demo" || break
    echo "\$ valgrind --tool=helgrind $p --producers 2 --iters 5000   (its valgrind-flavour build)"
    kit_valgrind 120 helgrind "$TMP/hg.txt" "$p" --producers 2 --iters 5000
    [ $p = hopper_deque_unannotated_stress ] && grep -m1 -A4 'Possible data race' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /'
    grep 'ERROR SUMMARY' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /'
    kit_note "helgrind $p" "$(kit_vg_errors "$TMP/hg.txt") errors"
done
kit_say "h3. hopper_example: the book's 1,000,000 u32 through 40 B of memory and 1 MiB queue files (2.8)"
kit_show hopper_example | out
kit_note "hopper_example" "$(sed -n 's/^hopper_example: writer: .*FULL \([0-9]*\) times.*files created \([0-9]*\).*/FULL x\1 retried, \2 files/p' "$TMP/out")"
kit_say "h4. the same with the book's writer, which stops at its first FULL: the reader starves"
kit_show hopper_example --exit-on-full | grep -v '^METRIC'
kit_say "h5. hopper_strand_demo: the lazy flip strands the last value; flush() delivers it (2.9.6, 2.10.3)"
kit_show hopper_strand_demo --wait-ms 500 | out
kit_note "hopper_strand_demo" "$(grep -q STRANDED "$TMP/out" && echo 'value 10 stranded without flush' || echo 'nothing stranded?')"
kit_show hopper_strand_demo --wait-ms 500 --flush
kit_say "h6. hopper_test: FULL then resume, disk errors (RLIMIT_FSIZE), corrupt and truncated queue files"
kit_show hopper_test | out | tail -12
kit_note "hopper_test" "$(tail -1 "$TMP/out")"
kit_say "h7. hopper_prop: the book's QuickCheck properties, then --large where files roll over and FULL happens (2.10)"
kit_show hopper_prop --tests 50 | out
kit_show hopper_prop --large --tests 30 --only multi_sender_round_trip
kit_note "hopper_prop" "$(tail -1 "$TMP/out")"
kit_say "h8. hopper_loop_stress: the same round trip again and again (the book runs 2,501; here 300: --iters 2501)"
kit_show hopper_loop_stress --iters 300 | out
kit_say "h9. hopper_fuzz: one run of the fuzz target on a seed, checked against a model FIFO (2.11)"
echo "(HOPPER_FUZZ_VERBOSE=1 prints what the run did)"
HOPPER_FUZZ_VERBOSE=1 kit_show hopper_fuzz corpus/hopper_fuzz/one_slot
echo "(make SAN=libfuzzer / make SAN=afl build it for real fuzzing: README.md)"
kit_say "h10. hopper_bench: lab 4's channel vs hopper in memory, swapping, and in disk mode (2.12)"
if [ "$KIT_NATIVE" = 1 ]; then
    kit_show hopper_bench --samples 10 --measure-ms 500 | out | grep -v '^METRIC\|outliers\|mild\|severe'
    kit_note "hopper_bench" "memory $(sed -n 's/^METRIC memory_time_ratio_vs_chan \([0-9.]*\).*/\1/p' "$TMP/out" | cut -c1-4)x the channel's time; disk $(sed -n 's/^METRIC hopper_disk_mib_per_s \([0-9.]*\).*/\1/p' "$TMP/out" | cut -c1-6) MiB/s"
else
    echo "(qemu: timings mean nothing here; skipped)"
fi
kit_summary 05-locks/hopper
