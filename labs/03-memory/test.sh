#!/usr/bin/env bash
# Lab 3 tests (scripts/test.sh runs this; `make test LAB=3`).
# Exact outputs where the programs are deterministic; the layouts per architecture
# (this one, and the others' through qemu when their compilers are installed); the
# property tests, and their power (a mutant must fail and shrink); and for every
# broken-on-purpose mode the verdict of a real tool (memcheck natively, ASan/LSan with
# SAN=address) next to the clean verdict on its correct twin.
set -u
. ../../scripts/lib.sh
kit_test_init
L="lab3"
PROGS="layout_sizes flights_total copy_mission double_free_demo slice_bounds no_size_slice fam_dst static_leak refcell rc_weak swap_bytes vec_growth"
has() { grep -qF -- "$1" "$KIT_OUT"; }        # has TEXT: $KIT_OUT contains the line fragment
crash_run() { kit_run "$@"; } 2>/dev/null   # kit_run, without bash's "Aborted" job notice
first_broken() { head -1 "$KIT_OUT" | grep -q "^$1: BROKEN ON PURPOSE"; }
if [ "$KIT_ARCH" = armv7 ]; then W=4; else W=8; fi   # sizeof(size_t) / pointers

# --- conventions: --help, and bad input is one line + exit 2 ---------------------------
kit_conventions "$L" $PROGS
kit_bad_values "$L" "slice_bounds --end 12x" \
    "slice_bounds --start -1" \
    "fam_dst --len 99999999999999999999" \
    "no_size_slice --now x" \
    "layout_sizes --expect sparc" \
    "refcell --tests 0" \
    "rc_weak --nodes 0" \
    "swap_bytes --len 0" \
    "vec_growth --n 0" \
    "vec_growth --with-capacity 1e9"

# --- layout_sizes: the sizes of every chapter type, per architecture -----------------------
layout_check() { # ARCH: $KIT_OUT holds layout_sizes' output for ARCH
    grep '^METRIC' "$KIT_OUT" | diff -u "expected/layout_sizes.$1.metrics" - >"$TMP/diff" &&
        has "against the $1 table: all match"
}
kit_run 10 layout_sizes; rc=$?
kit_check "$L layout_sizes: AGC 16/4, {u8,u32,u8} 12 vs sorted 8, packed 6, AGCInstruction 4, Mission 3 (enum tag 8), Project 2, Vec header $((3 * W)), pointer $W ... (expected/layout_sizes.$KIT_ARCH.metrics)" \
    eval '[ $rc -eq 0 ] && layout_check $KIT_ARCH && grep -q "^struct vec_header  *$((3 * W)) " "$KIT_OUT" && grep -q "^struct agc  *16  *4 " "$KIT_OUT"'
kit_check "$L layout_sizes: offsetof AGC fields 0,2,4,8,10,12; packed b at 1; sorted b,a,c at 0,4,5" \
    eval 'has "elapsed_time2 0, elapsed_time1 2, wait_list_upper 4, wait_list_lower 8, digital_autopilot 10, fine_scale 12" && has "struct packed_order: a 0, b 1, c 5" && has "struct sorted_order: b 0, a 4, c 5"'
if [ "$W" = 8 ]; then other=armv7; else other=x86_64; fi
kit_run 10 layout_sizes --expect $other; rc=$?
kit_check "$L layout_sizes --expect $other: the runtime check sees all 10 ABI-dependent layouts differ (exit 1)" \
    eval '[ $rc -eq 1 ] && [ $(grep -c "^MISMATCH" "$KIT_OUT") -eq 10 ] && grep -q "^MISMATCH Vec header: $((3 * W)) here, $((36 - 3 * W)) on $other" "$KIT_OUT"'
# The other architectures' builds, run through qemu: the layout differences shown for real.
for a in x86_64 aarch64 armv7; do
    [ "$a" = "$KIT_ARCH" ] && continue
    env_a=$(make -s --no-print-directory -C . print-env ARCH=$a 2>/dev/null) || { kit_skip "$L layout_sizes ARCH=$a" "cannot configure"; continue; }
    cc_a=$(printf '%s\n' "$env_a" | sed -n "s/.*KIT_CC='\([^']*\)'.*/\1/p")
    run_a=$(printf '%s\n' "$env_a" | sed -n "s/.*KIT_RUN='\([^']*\)'.*/\1/p")
    bin_a=$(printf '%s\n' "$env_a" | sed -n "s/.*KIT_BIN='\([^']*\)'.*/\1/p")
    if ! command -v "$cc_a" >/dev/null 2>&1 || { [ -n "$run_a" ] && ! command -v "${run_a%% *}" >/dev/null 2>&1; }; then
        kit_skip "$L layout_sizes ARCH=$a" "$cc_a or ${run_a%% *} not installed"; continue
    fi
    if ! make -s --no-print-directory -C . ARCH=$a "$bin_a/layout_sizes" >"$TMP/build.txt" 2>&1; then
        kit_fail "$L layout_sizes ARCH=$a: builds" "$(head -c 300 "$TMP/build.txt")"; continue
    fi
    # shellcheck disable=SC2086
    timeout -k 5 30 $run_a "$bin_a/layout_sizes" >"$KIT_OUT" 2>&1; rc=$?
    kit_check "$L layout_sizes ARCH=$a (${run_a%% *}): its METRIC row is expected/layout_sizes.$a.metrics" \
        eval '[ $rc -eq 0 ] && layout_check $a'
done

# --- flights_total: a move returns the header, not the buffer -------------------------------
kit_run 10 flights_total; rc=$?
kit_check "$L flights_total: prints exactly 11" eval '[ $rc -eq 0 ] && [ "$(cat "$KIT_OUT")" = 11 ]'
kit_run 10 flights_total --use-after-move; rc=$?
kit_check "$L flights_total --use-after-move: says BROKEN ON PURPOSE first and ends (exit $rc)" \
    eval 'first_broken flights_total && [ $rc -ne 124 ]'

# --- copy_mission ----------------------------------------------------------------------------
kit_run 10 copy_mission; rc=$?
kit_check "$L copy_mission: assertions pass, prints nothing (as the book's program)" eval '[ $rc -eq 0 ] && [ ! -s "$KIT_OUT" ]'
kit_run 10 copy_mission --verbose; rc=$?
kit_check "$L copy_mission --verbose: Mission is 3 bytes; Apollo 8 flew 6 days; the copy is independent" \
    eval '[ $rc -eq 0 ] && has "size_of Mission = 3; Apollo 8 flew 6 days; the copy (Apollo 9, 3 days) is independent"'

# --- double_free_demo --------------------------------------------------------------------------
kit_run 10 double_free_demo; rc=$?
kit_check "$L double_free_demo: move empties the source, clone has its own buffer, 2 buffers freed once" \
    eval '[ $rc -eq 0 ] && has "(the source gave up its buffer: empty)" && has "(its own buffer: yes)" && has "dropped 3 values, freed 2 buffers, each once"'
crash_run 10 double_free_demo --broken; rc=$?
kit_check "$L double_free_demo --broken: BROKEN ON PURPOSE; glibc aborts: 'free(): double free detected' (exit $rc = SIGABRT)" \
    eval 'first_broken double_free_demo && [ $rc -eq 134 ] && has "free(): double free detected"'

# --- slice_bounds --------------------------------------------------------------------------------
kit_run 10 slice_bounds; rc=$?
printf "thread 'main' panicked at 'index 10000 out of range for slice of length 10', slice_bounds.c:%s:5\nnote: Run with \`RUST_BACKTRACE=1\` for a backtrace.\n" \
    "$(grep -n 'rust_panic("index' slice_bounds.c | head -1 | cut -d: -f1)" >"$TMP/panic.txt"
kit_check "$L slice_bounds: values[0..10000] panics 'index 10000 out of range for slice of length 10', exit 101 (exact output)" \
    eval '[ $rc -eq 101 ] && diff -u "$TMP/panic.txt" "$KIT_OUT" >/dev/null'
ok=1
for c in "--end 3|[0, 1, 2]" "--start 2 --end 7|[2, 3, 4, 5, 7]" "--end 10|[0, 1, 2, 3, 4, 5, 7, 8, 9, 10]" "--start 4 --end 4|[]"; do
    # shellcheck disable=SC2086
    kit_run 10 slice_bounds ${c%%|*}; rc=$?
    [ $rc -eq 0 ] && [ "$(cat "$KIT_OUT")" = "${c#*|}" ] || { ok=0; echo "      slice_bounds ${c%%|*}: exit $rc: $(head -c 100 "$KIT_OUT")"; }
done
kit_check "$L slice_bounds: in-range slices print in Debug format ([0, 1, 2], [2, 3, 4, 5, 7], all 10, [])" test $ok = 1
kit_run 10 slice_bounds --end 11; rc=$?
kit_check "$L slice_bounds --end 11: one past the end panics too (exit 101)" \
    eval '[ $rc -eq 101 ] && has "index 11 out of range for slice of length 10"'
kit_run 10 slice_bounds --start 5 --end 3; rc=$?
kit_check "$L slice_bounds --start 5 --end 3: 'slice index starts at 5 but ends at 3', exit 101" \
    eval '[ $rc -eq 101 ] && has "slice index starts at 5 but ends at 3"'
kit_run 10 slice_bounds --unchecked --end 11; rc=$?
kit_check "$L slice_bounds --unchecked: says BROKEN ON PURPOSE first, reads 11 elements of 10" \
    eval 'first_broken slice_bounds && has "read 11 elements"'

# --- no_size_slice ---------------------------------------------------------------------------------
ok=1
for c in "0|[]" "3|[0, 1, 2]" "19|[0, 1, 2, 3, 4, 5, 7, 8, 9]" "1700000006|[0, 1, 2, 3, 4, 5]"; do
    kit_run 10 no_size_slice --now "${c%%|*}"; rc=$?
    [ $rc -eq 0 ] && [ "$(cat "$KIT_OUT")" = "${c#*|}" ] || { ok=0; echo "      --now ${c%%|*}: $(head -c 100 "$KIT_OUT")"; }
done
kit_check "$L no_size_slice --now T: prints values[0..T % 10] (T = 0, 3, 19, 1700000006; 6 missing from the list)" test $ok = 1
t0=$(date +%s); kit_run 10 no_size_slice; rc=$?; t1=$(date +%s)
n=$(awk '{ if ($0 == "[]") print 0; else print gsub(/,/, ",") + 1 }' "$KIT_OUT")
kit_check "$L no_size_slice: with the clock, prints a prefix of length time % 10 ($n, between $((t0 % 10)) and $((t1 % 10)))" \
    eval '[ $rc -eq 0 ] && { [ "$n" = $((t0 % 10)) ] || [ "$n" = $((t1 % 10)) ]; } && grep -q "^\[\(0\(, [0-9]*\)*\)\{0,1\}\]$" "$KIT_OUT"'

# --- fam_dst ---------------------------------------------------------------------------------------
kit_run 10 fam_dst; rc=$?
kit_check "$L fam_dst: sizeof excludes data[] (1), u32 data padded to 4, fat pointer $((2 * W)) B, allocation 1 + 16 = 17" \
    eval '[ $rc -eq 0 ] && has "sizeof(struct important_thing) = 1 (tag only" && has "sizeof(struct important_u32) = 4, offsetof(data) = 4" && has "sizeof(struct important_ref) = $((2 * W)) (a fat pointer" && has "allocated 1 + 16 = 17 bytes" && has "data = [42, 43, 44, 45, 46, 47, 48, 49, ...], sum 792"'
kit_run 10 fam_dst --len 0; rc=$?
kit_check "$L fam_dst --len 0: a 1-byte allocation, empty data" eval '[ $rc -eq 0 ] && has "allocated 1 + 0 = 1 bytes" && has "data = [], sum 0"'

# --- static_leak -------------------------------------------------------------------------------------
kit_run 10 static_leak; rc=$?
kit_check "$L static_leak: Box::leak(41) + 1 prints 42" eval '[ $rc -eq 0 ] && [ "$(cat "$KIT_OUT")" = 42 ]'

# --- refcell -------------------------------------------------------------------------------------------
kit_run 10 refcell; rc=$?
kit_check "$L refcell: flag 0 -> 1 -> 2 readers, borrow_mut refused, WRITING = usize::MAX, borrow refused, back to UNUSED" \
    eval '[ $rc -eq 0 ] && has "flag 2 readers  (2)" && has "cell.try_borrow_mut()           Err(BorrowMutError)" && has "flag WRITING    ($( [ $W = 8 ] && echo 18446744073709551615 || echo 4294967295) = usize::MAX)" && has "cell.try_borrow()               Err(BorrowError)" && has "flag UNUSED     (0), value 6" && has "the next refused (too many"'
kit_run 10 refcell --panic; rc=$?
kit_check "$L refcell --panic: borrow_mut with a reader out panics 'already borrowed: BorrowMutError', exit 101" \
    eval '[ $rc -eq 101 ] && has "thread '"'"'main'"'"' panicked at '"'"'already borrowed: BorrowMutError'"'"'"'
kit_run 60 refcell --prop --tests 2000; rc=$?
kit_check "$L refcell --prop: model-based property test, 2000 random sequences: no reader beside a writer, flag = model, back to 0 ($(sed -n 's/.*(seed \([0-9]*\)).*/seed \1/p' "$KIT_OUT"))" \
    eval '[ $rc -eq 0 ] && has "prop refcell_vs_model: OK, passed 2000 tests"'
shrunk_to() { sed -n 's/.*shrunk from [0-9]* to \([0-9]*\) elements.*/\1/p' "$KIT_OUT"; }
kit_run 60 refcell --mutant; rc=$?
seed=$(sed -n 's/.*FAILED on test [0-9]* of [0-9]* (seed \([0-9]*\);.*/\1/p' "$KIT_OUT"); m=$(shrunk_to)
kit_check "$L refcell --mutant: the property test catches a try_borrow_mut that ignores readers (seed $seed, shrunk to ${m:-?} actions)" \
    eval '[ $rc -eq 1 ] && [ -n "$m" ] && [ "$m" -le 4 ] && has "try_borrow_mut returned 0 with 1 readers"'
# shellcheck disable=SC2034  # used inside eval
first=$(grep 'FAILED on test' "$KIT_OUT")
kit_run 60 refcell --mutant --seed "${seed:-0}"; rc=$?
kit_check "$L refcell --mutant --seed $seed: the printed seed replays the same failure" \
    eval '[ $rc -eq 1 ] && [ -n "$first" ] && [ "$(grep "FAILED on test" "$KIT_OUT")" = "$first" ]'
kit_run 60 refcell --mutant --seed 1; rc=$?
kit_check "$L refcell --mutant --seed 1: shrinks to the minimal counterexample [BORROW, BORROW_MUT]" \
    eval '[ $rc -eq 1 ] && has "to 2 elements" && has "[0] BORROW" && has "[1] BORROW_MUT"'

# --- rc_weak -----------------------------------------------------------------------------------------------
kit_run 10 rc_weak; rc=$?
kit_check "$L rc_weak: counts 1/1 -> clone 2/1 -> downgrade 2/2 -> drop 1/2; value dropped with the Weak left; upgrade None; box freed" \
    eval '[ $rc -eq 0 ] && has "let a = Rc::new(node 1)          strong 1, weak 0 (stored: strong 1, weak 1)" && has "let b = a.clone()                strong 2, weak 0 (stored: strong 2, weak 1)" && has "let w = Rc::downgrade(&a)        strong 2, weak 1 (stored: strong 2, weak 2)" && has "drop(b)                          strong 1, weak 1 (stored: strong 1, weak 2)" && has "value dropped (1 node dropped); stored strong 0, weak 1" && has "None: the value is gone" && has "box freed (0 boxes live)" && has "2 of 2 nodes dropped, 0 boxes live"'
kit_check "$L rc_weak: a tree with Weak parent edges - child upgrades to its parent; drop(root) frees all 4 nodes" \
    eval 'has "parent upgrades to node 0" && has "tree: root strong 1, weak 3 (the 3 back edges)" && has "tree: drop(root): 4 of 4 nodes dropped, 0 boxes live"'
kit_run 10 rc_weak --nodes 100; rc=$?
kit_check "$L rc_weak --nodes 100: a ring of Weak edges frees all 100 nodes" eval '[ $rc -eq 0 ] && has "100 of 100 nodes dropped, 0 boxes live"'
kit_run 10 rc_weak --strong-cycle; rc=$?
kit_check "$L rc_weak --strong-cycle: BROKEN ON PURPOSE; no node dropped, both boxes live" \
    eval '[ $rc -eq 0 ] && first_broken rc_weak && has "0 of 2 nodes dropped, 2 boxes live: LEAKED"'
box=$(sed -n 's/.*each box is \([0-9]*\) bytes.*/\1/p' "$KIT_OUT")
kit_run 60 rc_weak --prop --tests 2000; rc=$?
kit_check "$L rc_weak --prop: model-based property test, 2000 random sequences of new/clone/downgrade/upgrade/drop/read ($(sed -n 's/.*(seed \([0-9]*\)).*/seed \1/p' "$KIT_OUT"))" \
    eval '[ $rc -eq 0 ] && has "prop rc_box_vs_model: OK, passed 2000 tests"'
kit_run 60 rc_weak --mutant; rc=$?
seed=$(sed -n 's/.*FAILED on test [0-9]* of [0-9]* (seed \([0-9]*\);.*/\1/p' "$KIT_OUT"); m=$(shrunk_to)
kit_check "$L rc_weak --mutant: the property test catches an rc_drop that frees the box under a Weak (seed $seed, shrunk to ${m:-?} actions)" \
    eval '[ $rc -eq 1 ] && [ -n "$m" ] && [ "$m" -le 6 ] && has "boxes live, the model says"'
kit_run 60 rc_weak --mutant --seed 1; rc=$?
kit_check "$L rc_weak --mutant --seed 1: shrinks to the minimal counterexample [NEW, DOWNGRADE 0, DROP 0]" \
    eval '[ $rc -eq 1 ] && has "to 3 elements" && has "[0] NEW" && has "[1] DOWNGRADE 0" && has "[2] DROP 0"'

# --- swap_bytes --------------------------------------------------------------------------------------------
kit_run 120 swap_bytes; rc=$?
kit_check "$L swap_bytes: 10^4 cases each: block swap = naive swap, ptr_swap (overlapping) = model, replace round trip ($(sed -n '1s/.*(seed \([0-9]*\)).*/seed \1/p' "$KIT_OUT"))" \
    eval '[ $rc -eq 0 ] && [ $(grep -c "OK, passed 10000 tests" "$KIT_OUT") -eq 3 ]'
kit_run 60 swap_bytes --mutant --tests 1000; rc=$?
kit_check "$L swap_bytes --mutant: block_vs_naive catches a tail that misses its last byte and shrinks it to a 1-byte swap at offset 0" \
    eval '[ $rc -eq 1 ] && has "prop block_vs_naive: FAILED" && has "[0] len 1, x at +0, y at +0" && [ $(grep -c "OK, passed 1000 tests" "$KIT_OUT") -eq 2 ]'
kit_run 60 swap_bytes --bench --len 256; rc=$?
kit_check "$L swap_bytes --bench: METRIC swap_naive_bytes_per_ns and swap_block_bytes_per_ns" \
    eval '[ $rc -eq 0 ] && grep -q "^METRIC swap_naive_bytes_per_ns [0-9.e+]* B/ns$" "$KIT_OUT" && grep -q "^METRIC swap_block_bytes_per_ns [0-9.e+]* B/ns$" "$KIT_OUT"'

# --- vec_growth -----------------------------------------------------------------------------------------------
caps="" cap=0 len=0
for _ in $(seq 1 33); do [ $len -eq $cap ] && { [ $cap -eq 0 ] && cap=4 || cap=$((2 * cap)); }; len=$((len + 1)); caps="$caps $cap"; done
kit_run 10 vec_growth; rc=$?
# shellcheck disable=SC2034  # used inside eval
if [ "$W" = 8 ]; then huge="allocation failed (64-bit: no alloc_guard"; zcap=18446744073709551615; else huge="capacity overflow (the 32-bit alloc_guard"; zcap=4294967295; fi
kit_check "$L vec_growth: Vec::new allocates nothing; capacity after each of 33 pushes:$caps" \
    eval '[ $rc -eq 0 ] && has "len 0, cap 0, ptr 0x4 (dangling" && has "capacity after each of 33 pushes:$caps" && has "capacity sequence: 0 -> 4 -> 8 -> 16 -> 32 -> 64 (5 allocations"'
kit_check "$L vec_growth: zero-sized elements cap = usize::MAX; first growth 4 (1 for huge T); overflow guard; insert past len refused" \
    eval 'has "1000 pushes, len 1000, cap $zcap = usize::MAX" && has "first growth: to 4 for u32, to 1 for" && [ $(grep -c "capacity overflow (cap \* 4 overflows usize)" "$KIT_OUT") -eq 1 ] && has "$huge" && has "insert(5, ..) into a Vec of len 3: index out of bounds"'
kit_check "$L vec_growth: read_exact into with_capacity(1024) reads 0 bytes; after 1024 pushes it reads 1024" \
    eval 'has "len 0, cap 1024; read_exact(&mut buffer) read 0 bytes" && has "len 1024, cap 1024; read_exact read 1024 bytes (1024 of them '"'"'A'"'"')"'
if [ "$W" = 8 ]; then over=4611686018427387904 guard=2305843009213693952; else over=1073741824 guard=536870912; fi
kit_run 10 vec_growth --with-capacity $over; rc=$?
kit_check "$L vec_growth --with-capacity $over (usize::MAX/4 + 1 u32s): panics 'capacity overflow', exit 101" \
    eval '[ $rc -eq 101 ] && has "panicked at '"'"'capacity overflow'"'"'"'
crash_run 10 vec_growth --with-capacity $guard; rc=$?
if [ "$W" = 8 ]; then
    kit_check "$L vec_growth --with-capacity $guard (2^63 bytes): 64-bit skips alloc_guard, the allocation fails, abort (exit $rc)" \
        eval '[ $rc -eq 134 ] && has "memory allocation of 9223372036854775808 bytes failed"'
else
    kit_check "$L vec_growth --with-capacity $guard (2^31 bytes): armv7's alloc_guard panics 'capacity overflow', exit 101" \
        eval '[ $rc -eq 101 ] && has "panicked at '"'"'capacity overflow'"'"'"'
fi
kit_run 10 vec_growth --with-capacity 1000; rc=$?
kit_check "$L vec_growth --with-capacity 1000: len 0, cap 1000" eval '[ $rc -eq 0 ] && has "len 0, cap 1000"'
kit_run 120 vec_growth --bench --n 20000; rc=$?
ratio=$(sed -n 's/.*ratio *\([0-9.]*\).*/\1/p' "$KIT_OUT")
kit_check "$L vec_growth --bench --n 20000: insert(0) moved exactly n(n-1)/2 = 199990000 elements, and costs > 5x a push (ratio $ratio, same run)" \
    eval '[ $rc -eq 0 ] && grep -q "^METRIC insert_front_elements_moved 199990000 count$" "$KIT_OUT" && awk -v r="$ratio" "BEGIN { exit !(r > 5) }"'

# --- memcheck: the verdicts on the broken modes, and their twins clean ------------------------------------------
mc() { # LOG PROG ARGS...: memcheck --leak-check=full, program output in $KIT_OUT
    local log=$1 prog=$2; shift 2
    timeout -k 5 120 valgrind --leak-check=full --log-file="$TMP/$log" "$KIT_BIN/$prog" "$@" >"$KIT_OUT" 2>&1
}
clean() { grep -q "ERROR SUMMARY: 0 errors" "$TMP/$1" && grep -q "All heap blocks were freed" "$TMP/$1"; }
lost_total() { # LOG: "blocks bytes" lost (definitely + indirectly)
    awk '{ gsub(/,/, "") } /definitely lost:|indirectly lost:/ { for (i = 1; i <= NF; i++) if ($i == "lost:") { b += $(i + 1); n += $(i + 4) } } END { print n + 0, b + 0 }' "$TMP/$1"
}
if kit_have valgrind; then
    mc ft.log flights_total; rc=$?
    kit_check "$L flights_total: memcheck clean, exactly 1 allocation of 20 bytes (the move copied no buffer)" \
        eval '[ $rc -eq 0 ] && clean ft.log && grep -q "total heap usage: 1 allocs, 1 frees, 20 bytes allocated" "$TMP/ft.log"'
    mc ftb.log flights_total --use-after-move
    kit_check "$L flights_total --use-after-move: memcheck 'Invalid read' inside the freed 20-byte block" \
        eval 'grep -q "Invalid read of size" "$TMP/ftb.log" && grep -q "inside a block of size 20 free'"'"'d" "$TMP/ftb.log"'
    mc df.log double_free_demo; rc=$?
    kit_check "$L double_free_demo: memcheck clean, 2 allocs 2 frees" \
        eval '[ $rc -eq 0 ] && clean df.log && grep -q "total heap usage: 2 allocs, 2 frees" "$TMP/df.log"'
    mc dfb.log double_free_demo --broken
    kit_check "$L double_free_demo --broken: memcheck 'Invalid free()' of the 27-byte block freed before" \
        eval 'grep -q "Invalid free() / delete / delete\[\] / realloc()" "$TMP/dfb.log" && grep -q "0 bytes inside a block of size 27 free'"'"'d" "$TMP/dfb.log"'
    mc sb.log slice_bounds --end 10; rc=$?
    kit_check "$L slice_bounds --end 10: memcheck clean" eval '[ $rc -eq 0 ] && clean sb.log'
    mc sbb.log slice_bounds --unchecked --end 11
    kit_check "$L slice_bounds --unchecked --end 11: memcheck 'Invalid read of size 4', 0 bytes after the 40-byte block" \
        eval 'grep -q "Invalid read of size 4" "$TMP/sbb.log" && grep -q "0 bytes after a block of size 40 alloc'"'"'d" "$TMP/sbb.log"'
    mc fam.log fam_dst --len 1000; rc=$?
    kit_check "$L fam_dst --len 1000: memcheck counts exactly one allocation of header + n = 1001 bytes" \
        eval '[ $rc -eq 0 ] && clean fam.log && grep -q "total heap usage: 1 allocs, 1 frees, 1,001 bytes allocated" "$TMP/fam.log"'
    mc sl.log static_leak; rc=$?
    kit_check "$L static_leak: memcheck 'still reachable: $W bytes in 1 blocks', nothing definitely lost" \
        eval '[ $rc -eq 0 ] && grep -q "definitely lost: 0 bytes in 0 blocks" "$TMP/sl.log" && grep -q "still reachable: $W bytes in 1 blocks" "$TMP/sl.log"'
    mc slf.log static_leak --forget; rc=$?
    kit_check "$L static_leak --forget: memcheck 'definitely lost: $W bytes in 1 blocks'" \
        eval 'grep -q "definitely lost: $W bytes in 1 blocks" "$TMP/slf.log"'
    mc rc.log rc_weak --nodes 5; rc=$?
    kit_check "$L rc_weak --nodes 5 (the tree and the ring with Weak edges): memcheck clean, all heap blocks freed" eval '[ $rc -eq 0 ] && clean rc.log'
    for n in 2 5; do
        mc rcb$n.log rc_weak --strong-cycle --nodes $n
        read -r blocks bytes <<<"$(lost_total rcb$n.log)"
        kit_check "$L rc_weak --strong-cycle --nodes $n: memcheck definitely + indirectly lost = exactly the $n node boxes ($blocks blocks, $bytes = $n x $box bytes)" \
            eval '[ "$blocks" = $n ] && [ "$bytes" = $((n * box)) ] && grep -q "definitely lost: $box bytes in 1 blocks" "$TMP/rcb$n.log" && grep -q "still reachable: 0 bytes" "$TMP/rcb$n.log"'
    done
    mc rcp.log rc_weak --prop --tests 200; rc=$?
    kit_check "$L rc_weak --prop --tests 200: memcheck clean under the property test (no use after free)" eval '[ $rc -eq 0 ] && clean rcp.log'
    mc rf.log refcell --prop --tests 200; rc=$?
    kit_check "$L refcell --prop --tests 200: memcheck clean" eval '[ $rc -eq 0 ] && clean rf.log'
    mc sw.log swap_bytes --tests 300; rc=$?
    kit_check "$L swap_bytes --tests 300: memcheck clean" eval '[ $rc -eq 0 ] && clean sw.log'
    mc vg.log vec_growth; rc=$?
    kit_check "$L vec_growth: memcheck: all blocks freed; its one error is the deliberate 2^63-byte malloc (64-bit skips alloc_guard)" \
        eval '[ $rc -eq 0 ] && grep -q "All heap blocks were freed" "$TMP/vg.log" && grep -q "ERROR SUMMARY: 1 errors from 1 contexts" "$TMP/vg.log" && grep -q "Argument '"'"'size'"'"' of function malloc has a fishy (possibly negative) value: -9223372036854775808" "$TMP/vg.log"'
else
    kit_skip "$L memcheck verdicts" "valgrind not available for ARCH=$KIT_ARCH"
fi

# --- sanitizers: ASan/LSan catch each broken mode; every correct program is clean --------------------------------
CORRECT="layout_sizes|flights_total|copy_mission|copy_mission --verbose|double_free_demo|slice_bounds --end 10|no_size_slice|fam_dst|static_leak|refcell|refcell --prop --tests 500|rc_weak --nodes 50|rc_weak --prop --tests 500|swap_bytes --tests 2000|vec_growth|vec_growth --bench --n 5000"
if [ "$KIT_NATIVE" = 1 ]; then
    for san in address undefined; do
        if ! kit_build . $san 2>"$TMP/build.txt"; then
            kit_skip "$L SAN=$san checks" "sanitizer build failed: $(head -c 200 "$TMP/build.txt")"; continue
        fi
        kit_env . $san
        bad=""
        IFS='|' read -r -a runs <<<"$CORRECT"
        for run in "${runs[@]}"; do
            # shellcheck disable=SC2086
            ASAN_OPTIONS=allocator_may_return_null=1 kit_run 120 $run; rc=$?
            if [ $rc -ne 0 ] || grep -q "ERROR: \|runtime error" "$KIT_OUT"; then bad="$bad [$run: exit $rc $(grep -m1 'ERROR: \|runtime error' "$KIT_OUT")]"; fi
        done
        kit_check "$L SAN=$san: all ${#runs[@]} runs of the correct programs clean" test -z "$bad"
        [ -z "$bad" ] || echo "      $bad"
        if [ $san = address ]; then
            kit_run 30 double_free_demo --broken
            kit_check "$L double_free_demo --broken: ASan 'attempting double-free'" has "ERROR: AddressSanitizer: attempting double-free"
            kit_run 30 flights_total --use-after-move
            kit_check "$L flights_total --use-after-move: ASan 'heap-use-after-free'" has "ERROR: AddressSanitizer: heap-use-after-free"
            kit_run 30 slice_bounds --unchecked --end 11
            kit_check "$L slice_bounds --unchecked --end 11: ASan 'heap-buffer-overflow'" has "ERROR: AddressSanitizer: heap-buffer-overflow"
            kit_run 30 static_leak --forget
            if has "LeakSanitizer does not work under ptrace" || has "LeakSanitizer has encountered a fatal error"; then
                kit_skip "$L LeakSanitizer verdicts" "LSan cannot run here (ptrace)"
            else
                kit_check "$L static_leak --forget: LeakSanitizer 'Direct leak of $W byte(s) in 1 object(s)'" has "Direct leak of $W byte(s) in 1 object(s)"
                kit_run 30 static_leak; rc=$?
                kit_check "$L static_leak: LeakSanitizer quiet (the leaked box is reachable from a global)" eval '[ $rc -eq 0 ] && ! has "LeakSanitizer"'
                kit_run 30 rc_weak --strong-cycle --nodes 5
                abox=$(sed -n 's/.*each box is \([0-9]*\) bytes.*/\1/p' "$KIT_OUT")
                kit_check "$L rc_weak --strong-cycle --nodes 5: LeakSanitizer: exactly the 5 node boxes leaked ($((5 * ${abox:-0})) bytes)" \
                    has "SUMMARY: AddressSanitizer: $((5 * ${abox:-0})) byte(s) leaked in 5 allocation(s)."
            fi
        fi
        kit_env .
    done
else
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
fi
