#!/usr/bin/env bash
# demo.sh - lab 6's guided tour (what `make lab-6` runs): linearizability, the
# orderings, the swap mutex, the book's broken queue crashing (and why), ABA,
# the correct queue, the semaphore and the status demos, the better locks,
# and what the atomics compile to.  A few minutes in all.
set -u
cd "$(dirname "$0")" || exit 1
. ../../scripts/lib.sh
kit_demo_init
KIT_NOTE_WIDTH=24
KIT_OUT=$TMP/run.txt   # kit_valgrind puts the program's own output there

kit_say "1. lin_check_demo: the book's three queue histories - which have an equivalent sequential run?"
kit_show lin_check_demo | tee "$TMP/out"; kit_note lin_check_demo "$(grep -c 'matches the book' "$TMP/out") of 3 verdicts match the book"

kit_say "2. order_transitive: release/acquire is transitive - C sees x = 1 through B (lab 1's litmus harness)"
kit_show order_transitive --iters 20000 --order acq_rel | tee "$TMP/out"; kit_note order_transitive "$(grep -o 'r1=0 seen [0-9]* times' "$TMP/out")"
kit_say "3. mpmc_seqcst: the book's X/Y/Z program (IRIW) - Z == 0 is forbidden with seq_cst, allowed but unseen with acq_rel"
kit_show mpmc_seqcst --iters 5000 --order seq_cst | tee "$TMP/out"
kit_show mpmc_seqcst --iters 5000 --order acq_rel | tee -a "$TMP/out"
kit_note mpmc_seqcst "$(grep -o 'MPMC [a-z_]*: r1=0 r2=0 seen [0-9]* times' "$TMP/out" | tr '\n' ' ')"
echo "(store buffering and message passing, where the orderings DO show on x86: labs/01-machine litmus_sb, litmus_mp)"

kit_say "4. swap_mutex: the rope bridge on a spin lock made of one atomic exchange (3 s)"
kit_show swap_mutex --seconds 3 | tee "$TMP/out"; kit_note swap_mutex "$(grep '^max on rope' "$TMP/out" | cut -d';' -f1,3)"
kit_say "5. swap_mutex_stress: 4 x 1,000,000 increments under the swap mutex - exact"
kit_show swap_mutex_stress | tee "$TMP/out"; kit_note swap_mutex_stress "$(grep -c '^ok ' "$TMP/out") checks ok, $(grep -o '[0-9]* operations' "$TMP/out")"
if kit_have valgrind && kit_build . valgrind 2>/dev/null; then
    echo "\$ valgrind --tool=helgrind swap_mutex_unannotated_stress --iters 20000   # correct code, no annotations (build/$KIT_ARCH-valgrind/)"
    kit_valgrind 120 helgrind "$TMP/hg.txt" swap_mutex_unannotated_stress --iters 20000
    grep -m1 -A3 'Possible data race' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /'
    grep 'ERROR SUMMARY' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /'
    echo "  helgrind sees no pthread call, so the acquire exchange and release store look like no synchronization."
    echo "  The annotated valgrind-flavour build (swap_mutex_stress, make SAN=valgrind) reports 0 errors;"
    echo "  ThreadSanitizer, which models C11 atomics, is clean on both.  The normal build carries no annotations."
    kit_note "helgrind unannotated" "$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1 false positives/p' "$TMP/hg.txt")"
fi

kit_say "6. queue_spin: 4 threads enq/deq on the book's incorrect Michael-Scott queue - it frees nodes others still read"
t0=$(date +%s%N); kit_show queue_spin --seconds 20; rc=$?; t1=$(date +%s%N)
case $rc in
    139) what="SIGSEGV" ;; 135) what="SIGBUS" ;; 134) what="SIGABRT (glibc caught a corrupted free list)" ;;
    3) what="livelock (the threads loop forever in a corrupted list)" ;; 0) what="survived this time" ;; *) what="exit $rc" ;;
esac
echo "-> $what after $(( (t1 - t0) / 1000000 )) ms"; kit_note queue_spin "$what after $(( (t1 - t0) / 1000000 )) ms"
if kit_have gdb && [ "$KIT_NATIVE" = 1 ]; then
    echo "\$ gdb -batch -ex run -ex bt -ex 'p \$_siginfo._sifields._sigfault.si_addr' --args queue_spin   # up to 5 tries for a SIGSEGV"
    for _ in 1 2 3 4 5; do
        timeout -k 5 60 gdb -q -batch -ex 'set pagination off' -ex run -ex 'bt 4' \
            -ex 'printf "fault address: %p\n", $_siginfo._sifields._sigfault.si_addr' \
            --args "$KIT_BIN/queue_spin" --seconds 10 >"$TMP/gdb.txt" 2>&1
        grep -q "received signal SIGSEGV" "$TMP/gdb.txt" && break
    done
    grep -A6 "received signal" "$TMP/gdb.txt" | grep -v '^\['; grep '^fault address' "$TMP/gdb.txt"
    kit_note "gdb queue_spin" "$(grep -o 'received signal [A-Z]*' "$TMP/gdb.txt" | head -1), $(grep -m1 '^fault address' "$TMP/gdb.txt")"
    echo "  0x0: next->value read through a NULL next; 0x8: ->next (offset 8) loaded through a NULL node;"
    echo "  other addresses: a freed node's bytes, reused by malloc.  See README: 'Why it crashes'."
fi
kit_say "7. queue_spin_leak: the book repository's variant never frees - no crash, memory grows (stops at 128 MiB)"
kit_show queue_spin_leak --seconds 3 --max-mib 128 | tail -2
kit_say "8. aba_demo: ABA, scripted - a CAS succeeds on a recycled node and a value comes out twice"
kit_show aba_demo | tee "$TMP/out"; kit_show aba_demo --tagged | tail -3
kit_note aba_demo "$(grep '^value a delivered' "$TMP/out")"

kit_say "9. msqueue_stress: the same spin on the correct queue (node pool, tagged indices) - 5 s, no crash"
kit_show msqueue_stress --seconds 5 | tee "$TMP/out"; kit_note msqueue_stress "$(sed -n 's/^# .*\(no crash: .*\)/\1/p' "$TMP/out")"
kit_say "10. msqueue_test: property tests, per-producer FIFO, linearizability of recorded histories"
kit_show msqueue_test --queue ok | tee "$TMP/out"; kit_note msqueue_test "$(grep -c '^ok ' "$TMP/out") of 5 tests ok"

kit_say "11. the status demos (2 s each): book x86 per thread/s - spin 12M > pthread 2M > sem(2) 170k > sem(1) 90k"
for p in status_demo binary_sem_status_demo mutex_status_demo spin_mutex_status_demo posix_sem_status_demo; do
    kit_show $p --seconds 2 | tee "$TMP/out"
    kit_note "$p" "$(sed -n 's/^METRIC per_thread_per_s \([0-9.]*\).*/\1/p' "$TMP/out" | cut -d. -f1) per thread per second"
done

kit_say "12. lock_bench: swap, TTAS+backoff, ticket, futex (Drepper), pthread - 1 and 4 threads (100 ms a point)"
for t in 1 4; do kit_show lock_bench --threads $t --seconds 0.1 --cs small | grep -v '^METRIC'; done
kit_say "13. queue_bench: lock-free MS queue vs mutex ring vs lab 4's channel, MPSC, 1 and 3 producers"
for p in 1 3; do kit_show queue_bench --producers $p --per 50000 | grep -v '^METRIC'; done
kit_say "14. asm_compare: what each C11 ordering becomes on x86-64, ARMv7, AArch64 and AArch64+LSE"
./asm_compare.sh

kit_summary 06-atomics
