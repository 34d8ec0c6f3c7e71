#!/usr/bin/env bash
# demo.sh - lab 6's guided tour (what `make lab-6` runs): linearizability, the
# orderings, the swap mutex, the book's broken queue crashing (and why), ABA,
# the correct queue, the semaphore and the status demos, the better locks,
# and what the atomics compile to.  A few minutes in all.
set -u
cd "$(dirname "$0")" || exit 1
. ../../scripts/lib.sh
kit_env .
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
SUMMARY=()
note() { SUMMARY+=("$(printf '%-24s %s' "$1" "$2")"); }
run() { echo "\$ $*"; timeout -k 5 300 $KIT_RUN "$KIT_BIN/$1" "${@:2}"; }
[ "$KIT_NATIVE" = 1 ] || echo "Running ARCH=$KIT_ARCH binaries under qemu-user: timings, crashes and memory orders are qemu's on this host, not an ARM machine's."

kit_say "1. lin_check: the book's three queue histories - which have an equivalent sequential run?"
run lin_check | tee "$TMP/out"; note lin_check "$(grep -c 'matches the book' "$TMP/out") of 3 verdicts match the book"

kit_say "2. order_transitive: release/acquire is transitive - C sees x = 1 through B (lab 1's litmus harness)"
run order_transitive --iters 20000 --order acq_rel | tee "$TMP/out"; note order_transitive "$(grep -o 'r1=0 seen [0-9]* times' "$TMP/out")"
kit_say "3. mpmc_seqcst: the book's X/Y/Z program (IRIW) - Z == 0 is forbidden with seq_cst, allowed but unseen with acq_rel"
run mpmc_seqcst --iters 5000 --order seq_cst | tee "$TMP/out"
run mpmc_seqcst --iters 5000 --order acq_rel | tee -a "$TMP/out"; note mpmc_seqcst "$(grep -o 'MPMC [a-z_]*: r1=0 r2=0 seen [0-9]* times' "$TMP/out" | tr '\n' ' ')"
echo "(store buffering and message passing, where the orderings DO show on x86: labs/01-machine litmus_sb, litmus_mp)"

kit_say "4. swap_mutex: the rope bridge on a spin lock made of one atomic exchange (3 s)"
run swap_mutex --seconds 3 | tee "$TMP/out"; note swap_mutex "$(grep '^max on rope' "$TMP/out" | cut -d';' -f1,3)"
kit_say "5. swap_mutex_counter: 4 x 1,000,000 increments under the swap mutex - exact"
run swap_mutex_counter | tee "$TMP/out"; note swap_mutex_counter "$(grep -o 'counter [0-9]*.*' "$TMP/out" | head -1)"
if kit_have valgrind; then
    echo "\$ valgrind --tool=helgrind swap_mutex_counter_unannotated --iters 20000   # correct code, no annotations"
    timeout -k 5 120 valgrind --tool=helgrind --fair-sched=try --log-file="$TMP/hg.txt" "$KIT_BIN/swap_mutex_counter_unannotated" --iters 20000 >/dev/null 2>&1
    grep -m1 -A3 'Possible data race' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /'
    grep 'ERROR SUMMARY' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /'
    echo "  helgrind sees no pthread call, so the acquire exchange and release store look like no synchronization."
    echo "  The annotated build (swap_mutex_counter) reports 0 errors; ThreadSanitizer, which models C11 atomics, is clean on both."
    note "helgrind unannotated" "$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1 false positives/p' "$TMP/hg.txt")"
fi

kit_say "6. queue_spin: 4 threads enq/deq on the book's incorrect Michael-Scott queue - it frees nodes others still read"
t0=$(date +%s%N); run queue_spin --seconds 20; rc=$?; t1=$(date +%s%N)
case $rc in
    139) what="SIGSEGV" ;; 135) what="SIGBUS" ;; 134) what="SIGABRT (glibc caught a corrupted free list)" ;;
    3) what="livelock (the threads loop forever in a corrupted list)" ;; 0) what="survived this time" ;; *) what="exit $rc" ;;
esac
echo "-> $what after $(( (t1 - t0) / 1000000 )) ms"; note queue_spin "$what after $(( (t1 - t0) / 1000000 )) ms"
if kit_have gdb && [ "$KIT_NATIVE" = 1 ]; then
    echo "\$ gdb -batch -ex run -ex bt -ex 'p \$_siginfo._sifields._sigfault.si_addr' --args queue_spin   # up to 5 tries for a SIGSEGV"
    for _ in 1 2 3 4 5; do
        timeout -k 5 60 gdb -q -batch -ex 'set pagination off' -ex run -ex 'bt 4' \
            -ex 'printf "fault address: %p\n", $_siginfo._sifields._sigfault.si_addr' \
            --args "$KIT_BIN/queue_spin" --seconds 10 >"$TMP/gdb.txt" 2>&1
        grep -q "received signal SIGSEGV" "$TMP/gdb.txt" && break
    done
    grep -A6 "received signal" "$TMP/gdb.txt" | grep -v '^\[' ; grep '^fault address' "$TMP/gdb.txt"
    note "gdb queue_spin" "$(grep -o 'received signal [A-Z]*' "$TMP/gdb.txt" | head -1), $(grep -m1 '^fault address' "$TMP/gdb.txt")"
    echo "  0x0: next->value read through a NULL next; 0x8: ->next (offset 8) loaded through a NULL node;"
    echo "  other addresses: a freed node's bytes, reused by malloc.  See README: 'Why it crashes'."
fi
kit_say "7. queue_spin_leak: the book repository's variant never frees - no crash, memory grows (stops at 128 MiB)"
run queue_spin_leak --seconds 3 --max-mib 128 | tail -2
kit_say "8. aba_demo: ABA, scripted - a CAS succeeds on a recycled node and a value comes out twice"
run aba_demo | tee "$TMP/out"; run aba_demo --tagged | tail -3
note aba_demo "$(grep '^value a delivered' "$TMP/out")"

kit_say "9. queue_spin_fixed: the same spin on the correct queue (node pool, tagged indices) - 5 s, no crash"
run queue_spin_fixed --seconds 5 | tee "$TMP/out"; note queue_spin_fixed "$(grep -o 'no crash: [0-9]* enqueues, [0-9]* dequeues' "$TMP/out")"
kit_say "10. msqueue_test: property tests, per-producer FIFO, linearizability of recorded histories"
run msqueue_test --queue ok | tee "$TMP/out"; note msqueue_test "$(grep -c ': ok$' "$TMP/out") of 5 tests ok"

kit_say "11. the status demos (2 s each): book x86 per thread/s - spin 12M > pthread 2M > sem(2) 170k > sem(1) 90k"
for p in status_demo binary_sem_status_demo mutex_status_demo spin_mutex_status_demo posix_sem_status_demo; do
    run $p --seconds 2 | tee "$TMP/out"
    note "$p" "$(sed -n 's/^METRIC per_thread_per_s \([0-9.]*\).*/\1/p' "$TMP/out" | cut -d. -f1) per thread per second"
done

kit_say "12. lock_bench: swap, TTAS+backoff, ticket, futex (Drepper), pthread - 1..2xCPUs threads (100 ms a point)"
run lock_bench --ms 100 --cs small | grep -v '^METRIC'
kit_say "13. queue_bench: lock-free MS queue vs mutex ring vs lab 4's channel, MPSC"
run queue_bench --per 50000 | grep -v '^METRIC'
kit_say "14. asm_compare: what each C11 ordering becomes on x86-64, ARMv7, AArch64 and AArch64+LSE"
./asm_compare.sh

kit_say "Summary"
printf '  %s\n' "${SUMMARY[@]}"
echo "Next: labs/06-atomics/README.md explains what to look for; scripts/measure.sh 6 records the numbers."
