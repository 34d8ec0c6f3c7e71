#!/usr/bin/env bash
# demo.sh - lab 5's guided tour (what `make lab-5` runs): the chapter's lock,
# condvar and barrier programs in the book's order, the rocket with a short
# tick, the rope bridge with its fairness line, then the demo of the sub-lab
# hopper/ (its own demo.sh).
set -u
cd "$(dirname "$0")" || exit 1
. ../../scripts/lib.sh
kit_demo_init

kit_say "1. rwlock_spin: 5 readers poll a rwlock with tryrdlock while main write-locks it 6,553,600 times"
kit_show rwlock_spin | tee "$TMP/out"; kit_note rwlock_spin "$(grep -c '^(0, 100)$' "$TMP/out") of 5 readers never collided"
kit_say "2. mpsc_fanout: one bounded channel (64) per reader; every reader sees every value (10 wraps; --book: 100)"
kit_show mpsc_fanout | tee "$TMP/out"; kit_note mpsc_fanout "$(grep -E '^[0-9]+$' "$TMP/out" | sort -u | tr '\n' ' ')each"
kit_say "3. condvar_flag: a one-way 'data available' signal - the writer races ahead, readers miss the zeros (3 s cap)"
kit_show condvar_flag --seconds 3 | tee "$TMP/out"; kit_note condvar_flag "$(sed -n 's/^METRIC reader_wakes \([0-9]*\).*/\1 wakes/p' "$TMP/out")"
kit_say "4. condvar_pingpong: the book's fix - a second condvar tells the writer its value was read"
kit_show condvar_pingpong | tee "$TMP/out"; kit_note condvar_pingpong "$(grep '^writes' "$TMP/out" | cut -d, -f1-2)"
kit_say "5. barrier_leader: one leader per round, nobody leaves early"
kit_show barrier_leader | tee "$TMP/out"; kit_note barrier_leader "$(sed -n 's/.*: rounds with exactly one leader \([0-9]*\).*/\1 rounds, one leader each/p' "$TMP/out")"
kit_say "6. rocket: three rockets acquire fuel, oxidizer, astronauts in order; countdown (tick 200 ms; the book's is 1 s)"
kit_show rocket --tick-ms 200; kit_note rocket "exit $?"
kit_say "7. rocket_racy: the flag written outside the mutex - helgrind's verdict (the valgrind build)"
KIT_OUT=$TMP/racy.out
if kit_vg_ready "helgrind rocket_racy"; then
    echo "\$ valgrind --tool=helgrind rocket_racy --tick-ms 10 --seconds 60"
    kit_valgrind 120 helgrind "$TMP/hg.txt" rocket_racy --tick-ms 10 --seconds 60
    grep -m1 -A6 'Possible data race' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /' | grep -v 'helgrind-.*\.so\|start_thread\|clone'
    grep 'ERROR SUMMARY' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /'
    kit_note "helgrind rocket_racy" "$(kit_vg_errors "$TMP/hg.txt") errors"
fi
kit_say "8. rope_bridge: 5 at most on the rope, one direction at a time; 2 s, then 2 s with sched_yield"
kit_show rope_bridge --seconds 2 | tee "$TMP/out"; kit_note rope_bridge "$(grep '^max on rope' "$TMP/out" | sed 's/.*streak/streak/')"
kit_show rope_bridge --seconds 2 --yield | tee "$TMP/out"; kit_note "rope_bridge --yield" "$(grep '^max on rope' "$TMP/out" | sed 's/.*streak/streak/')"
# hopper is the sub-lab hopper/, with its own demo.sh and README.md.
if [ -x hopper/demo.sh ]; then
    kit_say "9. hopper/: the disk-backed MPSC queue (the sub-lab's own demo; hopper/README.md)"
    hopper/demo.sh; kit_note hopper "exit $?"
fi

kit_summary 05-locks
