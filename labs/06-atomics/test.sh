#!/usr/bin/env bash
# Lab 6 tests (scripts/test.sh runs this; `make test LAB=6`).
set -u
. ../../scripts/lib.sh
kit_env . ; KIT_OUT=$(mktemp); TMP=$(mktemp -d); trap 'rm -rf "$KIT_OUT" "$TMP"' EXIT
L="lab6"
PROGS="swap_mutex swap_mutex_counter swap_mutex_counter_unannotated queue_spin queue_spin_leak queue_spin_fixed
       lin_check msqueue_test semaphore_test status_demo binary_sem_status_demo mutex_status_demo
       spin_mutex_status_demo posix_sem_status_demo"
PROGS="$PROGS aba_demo order_transitive mpmc_seqcst lock_bench queue_bench lin_fuzz"

# --- conventions: --help, bad options, bad values ----------------------------------
for p in $PROGS; do
    kit_run 10 "$p" --help; rc=$?
    kit_check "$L $p: --help exits 0 with usage" test "$rc" -eq 0 -a -n "$(grep -m1 '^usage:' "$KIT_OUT")"
    for bad in "--bogus" "extra-operand"; do
        kit_run 10 "$p" $bad; rc=$?
        lines=$(wc -l <"$KIT_OUT")
        [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] || { kit_fail "$L $p: rejects '$bad' with one line and exit 2" "exit $rc, $lines lines: $(head -c 200 "$KIT_OUT")"; continue 2; }
    done
    kit_ok "$L $p: rejects bad options and operands with one line and exit 2"
done
for a in "swap_mutex --seconds 0" "queue_spin --threads 1x" "msqueue_test --queue worse" "lin_check --fixture 4" \
         "status_demo --seconds -1" "semaphore_test --capacity 0" "lin_check --file /nonexistent/h.txt" \
         "lock_bench --lock mcs" "queue_bench --queue stack"; do
    # shellcheck disable=SC2086
    kit_run 10 $a; rc=$?
    kit_check "$L ${a%% *}: '${a#* }' exits 2 naming the value" test "$rc" -eq 2 -a -n "$(grep -F -- "${a##* }" "$KIT_OUT")"
done

# --- lin_check: the book's three histories, and a file ------------------------------------
kit_run 30 lin_check; rc=$?
kit_check "$L lin_check: histories 1 and 2 linearizable (pending Enq(z) completed), 3 NOT (FIFO violated)" \
    eval '[ $rc -eq 0 ] && [ $(grep -c "^  verdict: linearizable" "$KIT_OUT") -eq 2 ] && [ $(grep -c "^  verdict: NOT linearizable" "$KIT_OUT") -eq 1 ] && grep -q "A: Enq(z), A: Ok(()) \[pending, completed\]" "$KIT_OUT" && [ $(grep -c "^  matches the book" "$KIT_OUT") -eq 3 ]'
printf 'A: Enq(1)\nA: Ok(())\nB: Enq(2)\nB: Ok(())\nC: Deq()\nC: Ok(1)\nC: Deq()\nC: Ok(2)\nC: Deq()\nC: Err(Empty)\n' >"$TMP/h_ok"
printf 'A: Enq(1)\nA: Ok(())\nC: Deq()\nC: Err(Empty)\n' >"$TMP/h_bad"
cp "$TMP/h_ok" "$TMP/h_trunc"; printf 'C: Ok(3' >>"$TMP/h_trunc"
kit_run 10 lin_check --file "$TMP/h_ok"; rc1=$?
kit_run 10 lin_check --file "$TMP/h_bad"; rc2=$?
kit_run 10 lin_check --file "$TMP/h_trunc"; rc3=$?
kit_check "$L lin_check --file: a FIFO run is linearizable (0), an empty Deq after a finished Enq is not (1), garbage exits 2" \
    test "$rc1:$rc2:$rc3" = "0:1:2"

bad=""; for f in bad_event double_inv nul too_many truncated; do
    kit_run 10 lin_check --file corpus/lin/$f.txt; rc=$?
    if [ $rc -ne 2 ] || [ "$(wc -l <"$KIT_OUT")" -ne 1 ]; then bad="$bad $f: exit $rc, $(head -c 200 "$KIT_OUT");"; fi
done
echo "$bad" >"$KIT_OUT"
kit_check "$L lin_check --file: malformed histories (bad event, double invocation, NUL, >64 ops, truncated) exit 2 with one line" \
    test -z "$bad"
kit_run 60 lin_fuzz corpus/lin/*; rc=$?
kit_check "$L lin_fuzz: the seed corpus ($(ls corpus/lin | wc -l) histories) keeps the parser's and the search's contract" \
    eval '[ $rc -eq 0 ] && [ ! -s "$KIT_OUT" ]'
kit_libfuzzer "$L lin_fuzz" lin_libfuzzer corpus/lin 200000 10 1024

# --- ABA, deterministic -------------------------------------------------------------------
kit_run 10 aba_demo; rc=$?
kit_check "$L aba_demo: bare-pointer CAS succeeds after A->B->A: value a dequeued twice, head on the free list" \
    eval '[ $rc -eq 0 ] && grep -q "SUCCEEDS (ABA)" "$KIT_OUT" && grep -q "head = N1, which is on the free list" "$KIT_OUT" && grep -q "^value a delivered 2 times" "$KIT_OUT"'
kit_run 10 aba_demo --tagged; rc=$?
kit_check "$L aba_demo --tagged: the {index, count} CAS fails, a delivered once" \
    eval '[ $rc -eq 0 ] && grep -q "fails: the count moved on" "$KIT_OUT" && grep -q "^value a delivered 1 time: correct" "$KIT_OUT"'

# --- orderings on lab 1's litmus harness ------------------------------------------------------
it=100000; [ "$KIT_NATIVE" = 1 ] || it=5000
kit_run 120 order_transitive --iters $it; rc=$?
kit_check "$L order_transitive: C always reads x == 1 through the release/acquire chain ($it trials each for acq_rel, seq_cst, fence)" \
    eval '[ $rc -eq 0 ] && for o in acq_rel seq_cst; do grep -q "ACQREL3 $o: r1=0 seen 0 times" "$KIT_OUT" || exit 1; done'
it=20000; [ "$KIT_NATIVE" = 1 ] || it=2000
kit_run 120 mpmc_seqcst --iters $it; rc=$?
kit_check "$L mpmc_seqcst: the book's assert Z != 0 holds in all $it seq_cst trials; Z == 0 counts recorded for the weaker orders" \
    eval '[ $rc -eq 0 ] && grep -q "MPMC seq_cst: r1=0 r2=0 seen 0 times" "$KIT_OUT" && grep -q "MPMC acq_rel: r1=0 r2=0 seen [0-9]* times" "$KIT_OUT"'

# --- swap_mutex: the rope bridge, the counter -----------------------------------------------
kit_run 30 swap_mutex --seconds 3; rc=$?
kit_check "$L swap_mutex --seconds 3: the book's 'Transfers per second' blocks, max 5 on the rope, crossings both ways" \
    eval '[ $rc -eq 0 ] && [ $(grep -c "^Transfers per second:" "$KIT_OUT") -eq 3 ] && grep -q "^max on rope [1-5] (limit 5)" "$KIT_OUT" && awk "/LHS:/ {l+=\$2} /RHS:/ {r+=\$2} END {exit !(l > 0 && r > 0)}" "$KIT_OUT"'
kit_run 120 swap_mutex_counter --threads 4 --iters 250000; rc=$?
kit_check "$L swap_mutex_counter: 4 threads x 250000 increments exact" \
    eval '[ $rc -eq 0 ] && grep -q "^counter 1000000, expected 1000000 .*: exact" "$KIT_OUT"'

# --- queue_spin: the book's crash; the leak; the fixed queue -----------------------------------
crash_rc() { [ "$1" -eq 139 ] || [ "$1" -eq 135 ] || [ "$1" -eq 134 ] || [ "$1" -eq 3 ]; }
rc=0; t0=$(date +%s)
kit_run 40 queue_spin --seconds 20; rc=$?
t=$(( $(date +%s) - t0 ))
if crash_rc $rc; then
    what=$([ $rc -eq 3 ] && echo "livelocked in a corrupted list" || echo "killed by signal $((rc - 128))")
    kit_ok "$L queue_spin: the book's queue breaks within 20 s ($what after ${t} s)"
elif [ $rc -eq 0 ]; then
    kit_skip "$L queue_spin: crash within 20 s" "it survived this time (exit 0$([ "$KIT_NATIVE" = 1 ] || echo ', qemu'))"
else
    kit_fail "$L queue_spin: crash within 20 s" "exit $rc: $(tail -n 3 "$KIT_OUT")"
fi
if kit_have gdb && [ "$KIT_NATIVE" = 1 ]; then
    got=""
    for i in 1 2 3 4 5; do
        timeout -k 5 60 gdb -q -batch -ex 'set pagination off' -ex run -ex bt \
            -ex 'printf "fault address: %p\n", $_siginfo._sifields._sigfault.si_addr' \
            --args "$KIT_BIN/queue_spin" --seconds 10 >"$TMP/gdb.txt" 2>&1
        if grep -q "received signal SIGSEGV" "$TMP/gdb.txt" && grep -q "msqb_\(deq\|enq\)" "$TMP/gdb.txt"; then
            got=$(grep -m1 '^fault address:' "$TMP/gdb.txt"); break
        fi
    done
    if [ -n "$got" ]; then
        kit_ok "$L queue_spin: gdb batch run stops with SIGSEGV in msqb_deq/msqb_enq, $got (run $i)"
    else
        kit_skip "$L queue_spin: gdb SIGSEGV in the queue" "5 runs under gdb ended otherwise (abort in free, livelock or survived)"
    fi
else
    kit_skip "$L queue_spin: gdb fault address" "gdb not available or ARCH=$KIT_ARCH not native"
fi
kit_run 30 queue_spin_leak --seconds 3 --max-mib 128; rc=$?
rss=$(sed -n 's/^survived .*, RSS \([0-9.]*\) -> \([0-9.]*\) MiB$/\1 \2/p' "$KIT_OUT")
kit_check "$L queue_spin_leak: no crash, RSS grows (never frees): ${rss:-?} MiB" \
    eval '[ $rc -eq 0 ] && [ -n "$rss" ] && echo "$rss" | awk "{ exit !(\$2 > \$1 + 8) }"'
kit_run 60 queue_spin_fixed --seconds 5; rc=$?
kit_check "$L queue_spin_fixed: 5 s with 4 threads, no crash, enqueues == dequeues, never empty" \
    eval '[ $rc -eq 0 ] && grep -q "^ran .* no crash: \([0-9]*\) enqueues, \1 dequeues, 0 empty deqs, 0 failed enqs, queue empty at end: yes: ok" "$KIT_OUT"'

# --- the queues' property tests, lin_check on recorded histories ----------------------------------
reps=1000; hist=200; [ "$KIT_NATIVE" = 1 ] || { reps=200; hist=50; }
kit_run 120 msqueue_test --queue ok --reps $reps --histories $hist; rc=$?
for t in sequential repeated parallel fifo lin; do
    kit_check "$L msqueue_test msqueue_ok $t: $(case $t in sequential) echo "random Enq/Deq sequences agree with a FIFO model";; repeated) echo "parallel_exp(73, 2, 2) x $reps exact";; parallel) echo "random (total, enqs, deqs) exact";; fifo) echo "4 producers, 3 consumers: per-producer order, none lost or duplicated";; lin) echo "$hist recorded histories linearizable";; esac)" \
        grep -q "^msqueue_ok $t: .*ok$" "$KIT_OUT"
done
kit_run 60 msqueue_test --queue bad --test sequential; rc=$?
kit_check "$L msqueue_test msqueue_bad sequential: the book's queue passes its sequential test (the bug needs threads)" \
    eval '[ $rc -eq 0 ] && grep -q "^msqueue_bad sequential: ok" "$KIT_OUT"'

# --- semaphore and the status demos --------------------------------------------------------------
for k in 1 2 3; do
    kit_run 120 semaphore_test --capacity $k --threads 8 --pairs 50000; rc=$?
    kit_check "$L semaphore_test capacity $k, 8 threads: never more than $k holders, all tokens back, no deadlock" \
        eval '[ $rc -eq 0 ] && grep -q "at most [1-$k] holders at once, $k tokens back at the end: ok" "$KIT_OUT"'
done
declare -A RATE
for p in status_demo binary_sem_status_demo mutex_status_demo spin_mutex_status_demo posix_sem_status_demo; do
    cap=1; [ $p = status_demo ] && cap=2
    kit_run 30 $p --seconds 2; rc=$?
    RATE[$p]=$(sed -n 's/^METRIC per_thread_per_s \([0-9]*\).*/\1/p' "$KIT_OUT")
    kit_check "$L $p: 2 rows in the book's format, at most $cap inside at once (${RATE[$p]:-?}/s per thread)" \
        eval '[ $rc -eq 0 ] && [ $(grep -cE "^\|( (false| true); [0-9]{10}/sec \|){4}$" "$KIT_OUT") -eq 2 ] && grep -q "at most [0-$cap] of 4 threads inside at once (capacity $cap): ok" "$KIT_OUT"'
done
# The book's shape: pthread mutex >> binary semaphore, capacity 2 > capacity 1 (every hand-off of
# the queue semaphore is a context switch; with 4 threads on 2 CPUs the capacity-2 semaphore often
# never has to hand off, so mutex > capacity 2 is recorded, not asserted).  A benchmark result, so only with generous margins, and
# not under qemu or on an overloaded machine.  spin > mutex is recorded by measure.sh, not asserted.
m=${RATE[mutex_status_demo]:-0}; s2=${RATE[status_demo]:-0}; s1=${RATE[binary_sem_status_demo]:-0}; sp=${RATE[spin_mutex_status_demo]:-0}
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0); cpus=$(nproc)
what="$L status demos: pthread mutex > 3 x binary semaphore, capacity 2 > binary (spin $sp, mutex $m, sem2 $s2, sem1 $s1 per thread/s)"
if [ "$KIT_NATIVE" != 1 ]; then
    kit_skip "$what" "qemu: not a timing"
elif [ "$m" -gt $((3 * s1)) ] && [ "$s2" -gt "$s1" ]; then
    kit_ok "$what"
elif awk -v l="$load" -v c="$cpus" 'BEGIN { exit !(l > c) }'; then
    kit_skip "$what" "machine loaded (load $load on $cpus CPUs)"
else
    kit_fail "$what"
fi

# --- the better locks, the queue benchmark (correctness only: performance is measure.sh's) ----------
for args in "--threads 4 --cs small --iters 20000" "--threads 3 --cs empty --iters 20000"; do
    # shellcheck disable=SC2086
    kit_run 120 lock_bench $args; rc=$?
    kit_check "$L lock_bench $args: swap, ttas, ticket, futex, pthread each keep the guarded counter exact" \
        eval '[ $rc -eq 0 ] && [ $(grep -cE "^(swap|ttas|ticket|futex|pthread) .* exact \(counter ([0-9]+), expected \2\)" "$KIT_OUT") -eq 5 ]'
done
kit_run 120 lock_bench --threads 2 --ms 50; rc=$?
kit_check "$L lock_bench --threads 2 --ms 50: timed rows for 5 locks x 2 critical sections, exclusion ok, METRIC lines" \
    eval '[ $rc -eq 0 ] && [ $(grep -cE "^(swap|ttas|ticket|futex|pthread) +(empty|small) +2 .* ok$" "$KIT_OUT") -eq 10 ] && [ $(grep -c "^METRIC .*_total_per_s" "$KIT_OUT") -eq 10 ]'
kit_run 120 queue_bench --producers 3 --per 20000; rc=$?
kit_check "$L queue_bench --producers 3: msq, mutex ring and lab 4's chan deliver every value in per-producer order" \
    eval '[ $rc -eq 0 ] && [ $(grep -cE "^(msq|mutex|chan) +3 +[0-9]+ +in order, none lost" "$KIT_OUT") -eq 3 ]'

# --- asm_compare: the x86-versus-ARM facts ------------------------------------------------------
if ./asm_compare.sh --raw >"$TMP/asm.txt" 2>"$TMP/asm.err"; then
    cell() { awk -F'\t' -v T="$1" -v O="$2" '$1 == T && $2 == O { print $3 }' "$TMP/asm.txt"; }
    fact() { # TARGET WHAT TEST-EXPRESSION (on $c)
        local c; c=$(cell "$1" "$3")
        if [ -z "$c" ] || [ "$c" = n/a ]; then kit_skip "$L asm_compare $1: $2" "no $1 compiler"; return; fi
        if eval "$4"; then kit_ok "$L asm_compare $1: $2 ($c)"; else kit_fail "$L asm_compare $1: $2" "got: $c"; fi
    }
    fact x86_64 "seq_cst store is xchg or mov + mfence" store_seq_cst 'echo "$c" | grep -q "xchg\|mfence"'
    fact x86_64 "release store is a plain mov (no xchg, no fence, no lock)" store_release 'echo "$c" | grep -q "^mov" && ! echo "$c" | grep -q "xchg\|fence\|lock"'
    fact x86_64 "acquire load is a plain mov" load_acquire 'echo "$c" | grep -q "^mov" && ! echo "$c" | grep -q "fence\|lock"'
    fact x86_64 "relaxed and release CAS are the same code (lock cmpxchg)" cas_relaxed '[ "$c" = "$(cell x86_64 cas_release)" ] && echo "$c" | grep -q "lock cmpxchg"'
    fact aarch64 "acquire load is ldar" load_acquire 'echo "$c" | grep -q "ldar"'
    fact aarch64 "relaxed and release CAS differ (stxr vs stlxr)" cas_release 'echo "$c" | grep -q stlxr && cell aarch64 cas_relaxed | grep -q "stxr" && ! cell aarch64 cas_relaxed | grep -q stlxr'
    fact aarch64-lse "the swap lock's acq_rel exchange is swpal" xchg_acq_rel 'echo "$c" | grep -q "swpal"'
    fact aarch64-lse "release CAS is casl" cas_release 'echo "$c" | grep -q "casl"'
    fact armv7 "acquire load is ldr then dmb ish" load_acquire 'echo "$c" | grep -q "ldr.*dmb ish"'
    fact armv7 "the exchange is an ldrexb/strexb loop between barriers" xchg_acq_rel 'echo "$c" | grep -q "dmb ish.*ldrexb.*strexb.*dmb ish"'
else
    kit_fail "$L asm_compare.sh --raw" "$(head -c 300 "$TMP/asm.err")"
fi

# --- tools: ASan's use-after-free, helgrind's false positives, TSan clean --------------------------
if kit_have valgrind; then
    for p in swap_mutex_counter swap_mutex_counter_unannotated; do
        kit_valgrind 300 helgrind "$TMP/hg_$p.txt" $p --threads 4 --iters 20000; rc=$?
        n=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$TMP/hg_$p.txt")
        if [ $p = swap_mutex_counter ]; then
            kit_check "$L $p: helgrind 0 errors with the hand-off annotated (counter exact)" \
                eval '[ $rc -eq 0 ] && [ "${n:-x}" = 0 ] && grep -q ": exact" "$KIT_OUT"'
        else
            kit_check "$L $p: helgrind reports $n false 'Possible data race' errors on correct code (counter exact)" \
                eval '[ $rc -eq 0 ] && [ "${n:-0}" -gt 0 ] && grep -q "Possible data race" "$TMP/hg_$p.txt" && grep -q ": exact" "$KIT_OUT"'
        fi
    done
    kit_valgrind 300 helgrind "$TMP/hg_q.txt" queue_spin_fixed --threads 2 --seconds 2; rc=$?
    kit_check "$L queue_spin_fixed: helgrind 0 errors on the annotated correct queue" \
        eval '[ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$TMP/hg_q.txt"'
    kit_valgrind 300 helgrind "$TMP/hg_locks.txt" lock_bench --threads 3 --iters 2000 --cs small; rc=$?
    kit_check "$L lock_bench: helgrind 0 errors on all five locks (atomics-based ones annotated)" \
        eval '[ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$TMP/hg_locks.txt"'
else
    kit_skip "$L helgrind verdicts" "valgrind not available for ARCH=$KIT_ARCH"
fi
if [ "$KIT_NATIVE" = 1 ]; then
    for san in address thread undefined; do
        if ! kit_build . $san 2>"$TMP/build.txt"; then
            kit_skip "$L SAN=$san checks" "sanitizer build failed: $(head -c 200 "$TMP/build.txt")"; continue
        fi
        kit_env . $san
        if [ $san = address ]; then
            found=no
            for _ in 1 2 3; do
                kit_run 60 queue_spin --seconds 20
                if grep -q "ERROR: AddressSanitizer: heap-use-after-free" "$KIT_OUT"; then found=yes; break; fi
            done
            kit_check "$L queue_spin: ASan reports heap-use-after-free (freed by msqb_deq)" \
                eval '[ '"$found"' = yes ] && grep -q "msqb_deq" "$KIT_OUT"'
        fi
        for run in "swap_mutex_counter --iters 100000" "swap_mutex_counter_unannotated --iters 100000" \
                   "swap_mutex --seconds 1" "queue_spin_fixed --seconds 2" "msqueue_test --queue ok --reps 100 --histories 50" \
                   "semaphore_test --pairs 50000" "status_demo --seconds 1" "binary_sem_status_demo --seconds 1" \
                   "spin_mutex_status_demo --seconds 1" "lin_check" "aba_demo --tagged" \
                   "order_transitive --iters 5000 --order acq_rel" "mpmc_seqcst --iters 2000 --order seq_cst" \
                   "lock_bench --threads 3 --iters 20000" "queue_bench --producers 2 --per 20000" \
                   "lin_fuzz $(echo corpus/lin/*)"; do
            # shellcheck disable=SC2086
            kit_run 120 $run; rc=$?
            kit_check "$L ${run%% *}: clean under SAN=$san ($(echo "$run" | cut -c1-60))" \
                eval '[ $rc -eq 0 ] && ! grep -q "Sanitizer\|runtime error" "$KIT_OUT"'
        done
        kit_env .
    done
else
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
fi
