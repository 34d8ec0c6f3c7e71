#!/usr/bin/env bash
# Lab 3 tests (scripts/test.sh runs this after the checks every lab gets; `make test LAB=3`).
# Exact outputs where the programs are deterministic; the layouts per architecture
# (this one, and the others' through qemu when their compilers are installed); the
# property tests, and their power (a mutant must fail and shrink); and for every
# broken-on-purpose mode the verdict of a real tool (memcheck on the valgrind flavour,
# ASan/LSan with SAN=address) next to the clean verdict on its correct twin.
set -u
. ../../scripts/lib.sh
kit_test_init
L=$KIT_LAB
if [ "$KIT_ARCH" = armv7 ]; then W=4; else W=8; fi   # sizeof(size_t) / pointers

# first_broken PROG: $KIT_OUT's first line is "PROG: BROKEN ON PURPOSE: ..." (CONTRIBUTING.md).
first_broken() { head -n 1 "$KIT_OUT" | grep -q "^$1: BROKEN ON PURPOSE: "; }
# want LINE...: a file holding exactly these lines, for kit_same.
want() { printf '%s\n' "$@" >"$TMP/want"; echo "$TMP/want"; }
# log_has FILE RE...: every RE (grep -E) matches a line of FILE (a valgrind report).
log_has() { local f=$1 re; shift; for re; do grep -Eq -- "$re" "$f" || return 1; done; }
# metrics_are ARCH: $KIT_OUT's METRIC lines are exactly expected/layout_sizes.ARCH.metrics.
metrics_are() { grep '^METRIC' "$KIT_OUT" | diff -q "expected/layout_sizes.$1.metrics" - >/dev/null; }

kit_bad_values "$L" "slice_bounds --end 12x" "slice_bounds --start -1" "fam_dst --len 99999999999999999999" \
    "no_size_slice --now x" "layout_sizes --expect sparc" "refcell --tests 0" "rc_weak --nodes 0" "swap_bytes --len 0" \
    "vec_growth --n 0" "vec_growth --with-capacity 1e9"

# --- layout_sizes: the sizes of every chapter type, per architecture -----------------------
kit_expect "$L layout_sizes: AGC 16/4, Vec header $((3 * W)), the ABI-dependent layouts match the $KIT_ARCH table" 10 0 \
    "+^struct agc  *16  *4 " "+^struct vec_header  *$((3 * W)) " "+against the $KIT_ARCH table: all match" -- layout_sizes
kit_check "$L layout_sizes: METRIC rows are expected/layout_sizes.$KIT_ARCH.metrics ({u8,u32,u8} 12 vs sorted 8, packed 6, AGCInstruction 4, Mission 3 (enum tag 8), Project 2, pointer $W ...)" metrics_are "$KIT_ARCH"
kit_expect "$L layout_sizes: offsetof AGC fields 0,2,4,8,10,12; packed b at 1; sorted b,a,c at 0,4,5" 10 0 "+struct packed_order: a 0, b 1, c 5" \
    "+elapsed_time2 0, elapsed_time1 2, wait_list_upper 4, wait_list_lower 8, digital_autopilot 10, fine_scale 12" "+struct sorted_order: b 0, a 4, c 5" -- layout_sizes
if [ "$W" = 8 ]; then other=armv7; else other=x86_64; fi
kit_expect "$L layout_sizes --expect $other: the run-time check sees the Vec header differ (exit 1)" 10 1 "+^MISMATCH Vec header: $((3 * W)) here, $((36 - 3 * W)) on $other" -- layout_sizes --expect $other
kit_check "$L layout_sizes --expect $other: all 10 ABI-dependent layouts differ" test "$(grep -c '^MISMATCH' "$KIT_OUT")" -eq 10
# The other architectures' builds, run through qemu: the layout differences shown for real.
for a in x86_64 aarch64 armv7; do
    [ "$a" = "$KIT_ARCH" ] && continue
    ARCH=$a kit_env .
    if ! command -v "$KIT_CC" >/dev/null 2>&1 || { [ -n "$KIT_RUN" ] && ! command -v "${KIT_RUN%% *}" >/dev/null 2>&1; }; then
        kit_skip "$L layout_sizes ARCH=$a" "$KIT_CC or ${KIT_RUN%% *} not installed"
    elif ! make -s --no-print-directory ARCH=$a "$KIT_BIN/layout_sizes" >"$TMP/build.txt" 2>&1; then
        kit_fail "$L layout_sizes ARCH=$a: builds" "$(head -c 300 "$TMP/build.txt")"
    else
        kit_expect "$L layout_sizes ARCH=$a (${KIT_RUN%% *}): its layouts match the $a table" 30 0 "+against the $a table: all match" -- layout_sizes
        kit_check "$L layout_sizes ARCH=$a: its METRIC rows are expected/layout_sizes.$a.metrics" metrics_are $a
    fi
done
kit_env .

# --- flights_total, copy_mission, double_free_demo: moves, copies, and a copy freed twice ---
kit_same "$L flights_total: prints exactly 11" "$(want 11)" 10 flights_total
kit_expect "$L flights_total --use-after-move: reads the vector after the move, and ends" 10 0 "+^after the move: " -- flights_total --use-after-move
kit_check "$L flights_total --use-after-move: says BROKEN ON PURPOSE first" first_broken flights_total
kit_same "$L copy_mission: assertions pass, prints nothing (as the book's program)" /dev/null 10 copy_mission
kit_same "$L copy_mission --verbose: Mission is 3 bytes; Apollo 8 flew 6 days; the copy is independent" \
    "$(want "size_of Mission = 3; Apollo 8 flew 6 days; the copy (Apollo 9, 3 days) is independent")" 10 copy_mission --verbose
kit_expect "$L double_free_demo: move empties the source, clone has its own buffer, 2 buffers freed once" 10 0 "+\(the source gave up its buffer: empty\)" \
    "+\(its own buffer: yes\)" "+^dropped 3 values, freed 2 buffers, each once$" -- double_free_demo
kit_expect "$L double_free_demo --broken: glibc aborts: 'free(): double free detected' (SIGABRT, exit 134)" 10 134 "+free\(\): double free detected" -- double_free_demo --broken
kit_check "$L double_free_demo --broken: says BROKEN ON PURPOSE first" first_broken double_free_demo

# --- slice_bounds, no_size_slice, fam_dst: slices and dynamically sized types ----------------
printf "thread 'main' panicked at 'index 10000 out of range for slice of length 10', slice_bounds.c:%s:5\nnote: Run with \`RUST_BACKTRACE=1\` for a backtrace.\n" \
    "$(grep -n 'rust_panic("index' slice_bounds.c | head -1 | cut -d: -f1)" >"$TMP/panic.txt"
kit_run 10 slice_bounds; rc=$?
kit_check "$L slice_bounds: values[0..10000] panics 'index 10000 out of range for slice of length 10', exit 101 (exact output)" \
    eval '[ $rc -eq 101 ] && diff -q "$TMP/panic.txt" "$KIT_OUT" >/dev/null'
for c in "--end 3|[0, 1, 2]" "--start 2 --end 7|[2, 3, 4, 5, 7]" "--end 10|[0, 1, 2, 3, 4, 5, 7, 8, 9, 10]" "--start 4 --end 4|[]"; do
    # shellcheck disable=SC2086
    kit_same "$L slice_bounds ${c%%|*}: prints ${c#*|} (Debug format)" "$(want "${c#*|}")" 10 slice_bounds ${c%%|*}
done
kit_expect "$L slice_bounds --end 11: one past the end panics too (exit 101)" 10 101 "+index 11 out of range for slice of length 10" -- slice_bounds --end 11
kit_expect "$L slice_bounds --start 5 --end 3: 'slice index starts at 5 but ends at 3', exit 101" 10 101 "+slice index starts at 5 but ends at 3" -- slice_bounds --start 5 --end 3
kit_expect "$L slice_bounds --unchecked --end 11: reads 11 elements of 10" 10 0 "+^read 11 elements" -- slice_bounds --unchecked --end 11
kit_check "$L slice_bounds --unchecked: says BROKEN ON PURPOSE first" first_broken slice_bounds
for c in "0|[]" "3|[0, 1, 2]" "19|[0, 1, 2, 3, 4, 5, 7, 8, 9]" "1700000006|[0, 1, 2, 3, 4, 5]"; do
    kit_same "$L no_size_slice --now ${c%%|*}: prints values[0..${c%%|*} % 10] (6 missing from the list)" "$(want "${c#*|}")" 10 no_size_slice --now "${c%%|*}"
done
t0=$(date +%s); kit_run 10 no_size_slice; rc=$?; t1=$(date +%s)
n=$(awk '{ if ($0 == "[]") print 0; else print gsub(/,/, ",") + 1 }' "$KIT_OUT")
kit_check "$L no_size_slice: with the clock, prints a prefix of length time % 10 ($n, between $((t0 % 10)) and $((t1 % 10)))" \
    eval '[ $rc -eq 0 ] && { [ "$n" = $((t0 % 10)) ] || [ "$n" = $((t1 % 10)) ]; } && grep -q "^\[\(0\(, [0-9]*\)*\)\{0,1\}\]$" "$KIT_OUT"'
kit_expect "$L fam_dst: sizeof excludes data[] (1), u32 data padded to 4, fat pointer $((2 * W)) B, allocation 1 + 16 = 17" 10 0 \
    "+sizeof\(struct important_thing\) = 1 \(tag only" "+sizeof\(struct important_u32\) = 4, offsetof\(data\) = 4" "+sizeof\(struct important_ref\) = $((2 * W)) \(a fat pointer" \
    "+allocated 1 \+ 16 = 17 bytes" "+data = \[42, 43, 44, 45, 46, 47, 48, 49, \.\.\.\], sum 792" -- fam_dst
kit_expect "$L fam_dst --len 0: a 1-byte allocation, empty data" 10 0 "+allocated 1 \+ 0 = 1 bytes" "+data = \[\], sum 0" -- fam_dst --len 0

# --- static_leak ---------------------------------------------------------------------------
kit_same "$L static_leak: Box::leak(41) + 1 prints 42" "$(want 42)" 10 static_leak
kit_expect "$L static_leak --forget: prints 42 and forgets a second box" 10 0 "+^42$" "+^forgot a box holding 7" -- static_leak --forget
kit_check "$L static_leak --forget: says BROKEN ON PURPOSE first" first_broken static_leak

# --- refcell -------------------------------------------------------------------------------
if [ "$W" = 8 ]; then umax=18446744073709551615; else umax=4294967295; fi
kit_expect "$L refcell: flag 0 -> 1 -> 2 readers, borrow_mut refused, WRITING = usize::MAX, borrow refused, back to UNUSED" 10 0 \
    "+flag 2 readers  \(2\)" "+cell\.try_borrow_mut\(\)           Err\(BorrowMutError\)" "+flag WRITING    \($umax = usize::MAX\)" \
    "+cell\.try_borrow\(\)               Err\(BorrowError\)" "+flag UNUSED     \(0\), value 6" "+the next refused \(too many" -- refcell
kit_expect "$L refcell --panic: borrow_mut with a reader out panics 'already borrowed: BorrowMutError', exit 101" 10 101 \
    "+thread 'main' panicked at 'already borrowed: BorrowMutError'" -- refcell --panic
kit_expect "$L refcell --prop: model-based property test, 2000 random sequences: no reader beside a writer, flag = model, back to 0" 60 0 \
    "+^prop refcell_vs_model: OK, passed 2000 tests" -- refcell --prop --tests 2000
kit_expect "$L refcell --mutant: the property test catches a try_borrow_mut that ignores readers, shrunk to at most 4 actions" 60 1 \
    "+try_borrow_mut returned 0 with 1 readers" "+shrunk from [0-9]+ to [0-4] elements" -- refcell --mutant
kit_check "$L refcell --mutant: says BROKEN ON PURPOSE first" first_broken refcell
seed=$(sed -n 's/.*FAILED on test [0-9]* of [0-9]* (seed \([0-9]*\);.*/\1/p' "$KIT_OUT")
# shellcheck disable=SC2034  # used inside eval
first=$(grep 'FAILED on test' "$KIT_OUT")
kit_run 60 refcell --mutant --seed "${seed:-0}"; rc=$?
kit_check "$L refcell --mutant --seed $seed: the printed seed replays the same failure" \
    eval '[ $rc -eq 1 ] && [ -n "$first" ] && [ "$(grep "FAILED on test" "$KIT_OUT")" = "$first" ]'
kit_expect "$L refcell --mutant --seed 1: shrinks to the minimal counterexample [BORROW, BORROW_MUT]" 60 1 \
    "+shrunk from [0-9]+ to 2 elements" "+^  \[0\] BORROW$" "+^  \[1\] BORROW_MUT$" -- refcell --mutant --seed 1

# --- rc_weak -------------------------------------------------------------------------------
kit_expect "$L rc_weak: counts 1/1 -> clone 2/1 -> downgrade 2/2 -> drop 1/2; value dropped with the Weak left; upgrade None; box freed" 10 0 \
    "+let a = Rc::new\(node 1\)          strong 1, weak 0 \(stored: strong 1, weak 1\)" "+let b = a\.clone\(\)                strong 2, weak 0 \(stored: strong 2, weak 1\)" \
    "+let w = Rc::downgrade\(&a\)        strong 2, weak 1 \(stored: strong 2, weak 2\)" "+drop\(b\)                          strong 1, weak 1 \(stored: strong 1, weak 2\)" \
    "+value dropped \(1 node dropped\); stored strong 0, weak 1" "+None: the value is gone" "+box freed \(0 boxes live\)" "+2 of 2 nodes dropped, 0 boxes live" -- rc_weak
kit_expect "$L rc_weak: a tree with Weak parent edges - child upgrades to its parent; drop(root) frees all 4 nodes" 10 0 "+parent upgrades to node 0" \
    "+tree: root strong 1, weak 3 \(the 3 back edges\)" "+tree: drop\(root\): 4 of 4 nodes dropped, 0 boxes live" -- rc_weak
kit_expect "$L rc_weak --nodes 100: a ring of Weak edges frees all 100 nodes" 10 0 "+100 of 100 nodes dropped, 0 boxes live" -- rc_weak --nodes 100
kit_expect "$L rc_weak --strong-cycle: no node dropped, both boxes live" 10 0 "+0 of 2 nodes dropped, 2 boxes live: LEAKED" -- rc_weak --strong-cycle
kit_check "$L rc_weak --strong-cycle: says BROKEN ON PURPOSE first" first_broken rc_weak
box=$(sed -n 's/.*each box is \([0-9]*\) bytes.*/\1/p' "$KIT_OUT")
kit_expect "$L rc_weak --prop: model-based property test, 2000 random sequences of new/clone/downgrade/upgrade/drop/read" 60 0 \
    "+^prop rc_box_vs_model: OK, passed 2000 tests" -- rc_weak --prop --tests 2000
kit_expect "$L rc_weak --mutant: the property test catches an rc_drop that frees the box under a Weak, shrunk to at most 6 actions" 60 1 \
    "+boxes live, the model says" "+shrunk from [0-9]+ to [0-6] elements" -- rc_weak --mutant
kit_check "$L rc_weak --mutant: says BROKEN ON PURPOSE first" first_broken rc_weak
kit_expect "$L rc_weak --mutant --seed 1: shrinks to the minimal counterexample [NEW, DOWNGRADE 0, DROP 0]" 60 1 \
    "+shrunk from [0-9]+ to 3 elements" "+^  \[0\] NEW$" "+^  \[1\] DOWNGRADE 0$" "+^  \[2\] DROP 0$" -- rc_weak --mutant --seed 1

# --- swap_bytes ----------------------------------------------------------------------------
kit_expect "$L swap_bytes: 10^4 cases each: block swap = naive swap, ptr_swap (overlapping) = model, replace round trip" 120 0 \
    "+^prop block_vs_naive: OK, passed 10000 tests" "+^prop ptr_swap_overlap: OK, passed 10000 tests" "+^prop replace: OK, passed 10000 tests" -- swap_bytes
kit_expect "$L swap_bytes --mutant: block_vs_naive catches a tail that misses its last byte, shrunk to a 1-byte swap at offset 0" 60 1 "+^prop block_vs_naive: FAILED" \
    "+\[0\] len 1, x at \+0, y at \+0," "+^prop ptr_swap_overlap: OK, passed 1000 tests" "+^prop replace: OK, passed 1000 tests" -- swap_bytes --mutant --tests 1000
kit_check "$L swap_bytes --mutant: says BROKEN ON PURPOSE first" first_broken swap_bytes
kit_expect "$L swap_bytes --bench: METRIC swap_naive_mib_per_s and swap_block_mib_per_s" 60 0 \
    "+^METRIC swap_naive_mib_per_s [0-9.e+]+ MiB/s$" "+^METRIC swap_block_mib_per_s [0-9.e+]+ MiB/s$" -- swap_bytes --bench --len 256

# --- vec_growth ----------------------------------------------------------------------------
caps="" cap=0 len=0
for _ in $(seq 1 33); do [ $len -eq $cap ] && { [ $cap -eq 0 ] && cap=4 || cap=$((2 * cap)); }; len=$((len + 1)); caps="$caps $cap"; done
# over: usize::MAX/4 + 1 u32s (cap * 4 overflows); guard: isize::MAX/4 + 1 u32s (2^63 or 2^31 bytes)
if [ "$W" = 8 ]; then
    over=4611686018427387904 guard=2305843009213693952 zcap=18446744073709551615 huge="allocation failed \(64-bit: no alloc_guard"
else
    over=1073741824 guard=536870912 zcap=4294967295 huge="capacity overflow \(the 32-bit alloc_guard"
fi
kit_expect "$L vec_growth: Vec::new allocates nothing; capacity after each of 33 pushes:$caps" 10 0 "+len 0, cap 0, ptr 0x4 \(dangling" \
    "+capacity after each of 33 pushes:$caps$" "+capacity sequence: 0 -> 4 -> 8 -> 16 -> 32 -> 64 \(5 allocations" -- vec_growth
kit_expect "$L vec_growth: zero-sized elements cap = usize::MAX; first growth 4 (1 for huge T); overflow guard; insert past len refused" 10 0 \
    "+1000 pushes, len 1000, cap $zcap = usize::MAX" "+first growth: to 4 for u32, to 1 for" "+$huge" "+insert\(5, \.\.\) into a Vec of len 3: index out of bounds" \
    "+^Vec::<u32>::with_capacity\($over\): capacity overflow \(cap \* 4 overflows usize\)$" -- vec_growth
kit_expect "$L vec_growth: read_exact into with_capacity(1024) reads 0 bytes; after 1024 pushes it reads 1024" 10 0 \
    "+len 0, cap 1024; read_exact\(&mut buffer\) read 0 bytes" "+len 1024, cap 1024; read_exact read 1024 bytes \(1024 of them 'A'\)" -- vec_growth
kit_expect "$L vec_growth --with-capacity $over (usize::MAX/4 + 1 u32s): panics 'capacity overflow', exit 101" 10 101 "+panicked at 'capacity overflow'" -- vec_growth --with-capacity $over
if [ "$W" = 8 ]; then
    kit_expect "$L vec_growth --with-capacity $guard (2^63 bytes): 64-bit skips alloc_guard, the allocation fails, abort" 10 134 \
        "+memory allocation of 9223372036854775808 bytes failed" -- vec_growth --with-capacity $guard
else
    kit_expect "$L vec_growth --with-capacity $guard (2^31 bytes): armv7's alloc_guard panics 'capacity overflow', exit 101" 10 101 \
        "+panicked at 'capacity overflow'" -- vec_growth --with-capacity $guard
fi
kit_expect "$L vec_growth --with-capacity 1000: len 0, cap 1000" 10 0 "+len 0, cap 1000" -- vec_growth --with-capacity 1000
kit_expect "$L vec_growth --bench --n 20000: insert(0) moved exactly n(n-1)/2 = 199990000 elements" 120 0 "+^METRIC insert_front_elements_moved 199990000 count$" -- vec_growth --bench --n 20000
ratio=$(sed -n 's/.*ratio *\([0-9.]*\).*/\1/p' "$KIT_OUT")
kit_check "$L vec_growth --bench --n 20000: insert(0) costs > 5x a push (ratio ${ratio:-?}, same run)" awk -v r="${ratio:-0}" 'BEGIN { exit !(r > 5) }'

# --- memcheck (the valgrind flavour): each broken mode's flaw, and its twin clean ----------
# The clean verdicts count still-reachable blocks as errors too (--errors-for-leak-kinds=all),
# so kit_memcheck_clean's "0 errors" also means every heap block was freed.  Exact heap
# totals and byte/block counts are read from the report of one kit_valgrind run each.
if kit_vg_ready "$L memcheck verdicts"; then
    MC="memcheck --leak-check=full" ALL_FREED=--errors-for-leak-kinds=all
    for p in flights_total double_free_demo "fam_dst --len 1000" static_leak vec_growth; do
        # shellcheck disable=SC2086
        kit_valgrind 120 "$MC" "$TMP/${p%% *}.log" $p
        kit_check "$L $p: exits 0 under memcheck" test $? -eq 0
    done
    kit_check "$L flights_total: memcheck 0 errors, exactly 1 allocation of 20 bytes, freed (the move copied no buffer)" \
        log_has "$TMP/flights_total.log" "ERROR SUMMARY: 0 errors" "All heap blocks were freed" "total heap usage: 1 allocs, 1 frees, 20 bytes allocated"
    kit_check "$L double_free_demo: memcheck 0 errors, 2 allocs 2 frees" \
        log_has "$TMP/double_free_demo.log" "ERROR SUMMARY: 0 errors" "All heap blocks were freed" "total heap usage: 2 allocs, 2 frees"
    kit_check "$L fam_dst --len 1000: memcheck counts exactly one allocation of header + n = 1001 bytes, freed, 0 errors" \
        log_has "$TMP/fam_dst.log" "ERROR SUMMARY: 0 errors" "All heap blocks were freed" "total heap usage: 1 allocs, 1 frees, 1,001 bytes allocated"
    kit_check "$L static_leak: memcheck 'still reachable: $W bytes in 1 blocks', nothing definitely lost" \
        log_has "$TMP/static_leak.log" "definitely lost: 0 bytes in 0 blocks" "still reachable: $W bytes in 1 blocks"
    kit_check "$L vec_growth: memcheck: all blocks freed; its one error is the deliberate 2^63-byte malloc (64-bit skips alloc_guard)" \
        log_has "$TMP/vec_growth.log" "All heap blocks were freed" "ERROR SUMMARY: 1 errors from 1 contexts" \
        "Argument 'size' of function malloc has a fishy \(possibly negative\) value: -9223372036854775808"
    kit_valgrind 120 "$MC" "$TMP/ftb.log" flights_total --use-after-move
    kit_check "$L flights_total --use-after-move: memcheck 'Invalid read' inside the freed 20-byte block" \
        log_has "$TMP/ftb.log" "Invalid read of size" "inside a block of size 20 free'd"
    kit_valgrind 120 "$MC" "$TMP/dfb.log" double_free_demo --broken
    kit_check "$L double_free_demo --broken: memcheck 'Invalid free()' of the 27-byte block freed before" \
        log_has "$TMP/dfb.log" "Invalid free\(\) / delete / delete\[\] / realloc\(\)" "0 bytes inside a block of size 27 free'd"
    kit_valgrind 120 "$MC" "$TMP/sbb.log" slice_bounds --unchecked --end 11
    kit_check "$L slice_bounds --unchecked --end 11: memcheck 'Invalid read of size 4', 0 bytes after the 40-byte block" \
        log_has "$TMP/sbb.log" "Invalid read of size 4" "0 bytes after a block of size 40 alloc'd"
    kit_memcheck_finds "$L static_leak --forget: memcheck 'definitely lost: $W bytes in 1 blocks'" 120 "definitely lost: $W bytes in 1 blocks" static_leak --forget
    # A cycle has no unreferenced block: memcheck calls one box definitely lost and the
    # rest indirectly lost; together exactly the n node boxes, nothing still reachable.
    for n in 2 5; do
        kit_valgrind 120 "$MC" "$TMP/rcb$n.log" rc_weak --strong-cycle --nodes $n
        kit_check "$L rc_weak --strong-cycle --nodes $n: memcheck definitely + indirectly lost = exactly the $n node boxes ($n x ${box:-?} bytes)" \
            log_has "$TMP/rcb$n.log" "definitely lost: ${box:-?} bytes in 1 blocks" "indirectly lost: $(((n - 1) * ${box:-0})) bytes in $((n - 1)) blocks" "still reachable: 0 bytes in 0 blocks"
    done
    VALGRIND_OPTS=$ALL_FREED kit_memcheck_clean "$L slice_bounds --end 10: memcheck clean, all heap blocks freed" 120 slice_bounds --end 10
    VALGRIND_OPTS=$ALL_FREED kit_memcheck_clean "$L rc_weak --nodes 5 (the tree and the ring with Weak edges): memcheck clean, all heap blocks freed" 120 rc_weak --nodes 5
    VALGRIND_OPTS=$ALL_FREED kit_memcheck_clean "$L rc_weak --prop --tests 200: memcheck clean under the property test (no use after free)" 120 rc_weak --prop --tests 200
    VALGRIND_OPTS=$ALL_FREED kit_memcheck_clean "$L refcell --prop --tests 200: memcheck clean" 120 refcell --prop --tests 200
    VALGRIND_OPTS=$ALL_FREED kit_memcheck_clean "$L swap_bytes --tests 300: memcheck clean" 120 swap_bytes --tests 300
fi

# --- sanitizers: ASan/LSan catch each broken mode; every correct program is clean ----------
CORRECT=(layout_sizes flights_total copy_mission "copy_mission --verbose" double_free_demo "slice_bounds --end 10" no_size_slice fam_dst static_leak
    refcell "refcell --prop --tests 500" "rc_weak --nodes 50" "rc_weak --prop --tests 500" "swap_bytes --tests 2000" "vec_growth --bench --n 5000")
if [ "$KIT_NATIVE" != 1 ]; then
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
else
    if kit_san_build address; then
        kit_san_clean "$L" address "${CORRECT[@]}"
        # allocator_may_return_null: vec_growth's deliberate 2^63-byte request (64-bit only) fails as
        # malloc does, with ASan's warning, instead of ending the run as allocation-size-too-big.
        if [ "$W" = 8 ]; then
            ASAN_OPTIONS=allocator_may_return_null=1 kit_expect "$L vec_growth: clean under SAN=address but for the warning about its deliberate 2^63-byte request" 60 0 \
                "+WARNING: AddressSanitizer failed to allocate 0x8000000000000000 bytes" "-ERROR: |runtime error" -- vec_growth
        else
            kit_san_clean "$L" address vec_growth
        fi
        kit_expect "$L double_free_demo --broken: ASan 'attempting double-free'" 30 1 "+ERROR: AddressSanitizer: attempting double-free" -- double_free_demo --broken
        kit_expect "$L flights_total --use-after-move: ASan 'heap-use-after-free'" 30 1 "+ERROR: AddressSanitizer: heap-use-after-free" -- flights_total --use-after-move
        kit_expect "$L slice_bounds --unchecked --end 11: ASan 'heap-buffer-overflow'" 30 1 "+ERROR: AddressSanitizer: heap-buffer-overflow" -- slice_bounds --unchecked --end 11
        kit_run 30 static_leak --forget
        if grep -q "LeakSanitizer does not work under ptrace\|LeakSanitizer has encountered a fatal error" "$KIT_OUT"; then
            kit_skip "$L LeakSanitizer verdicts" "LSan cannot run here (ptrace)"
        else
            kit_expect "$L static_leak --forget: LeakSanitizer 'Direct leak of $W byte(s) in 1 object(s)'" 30 any "+Direct leak of $W byte\(s\) in 1 object\(s\)" -- static_leak --forget
            kit_expect "$L static_leak: LeakSanitizer quiet (the leaked box is reachable from a global)" 30 0 "-LeakSanitizer" -- static_leak
            kit_expect "$L rc_weak --strong-cycle --nodes 5: LeakSanitizer: exactly the 5 node boxes leaked ($((5 * ${box:-0})) bytes)" 30 any "+each box is ${box:-?} bytes" \
                "+SUMMARY: AddressSanitizer: $((5 * ${box:-0})) byte\(s\) leaked in 5 allocation\(s\)\.$" -- rc_weak --strong-cycle --nodes 5
        fi
    fi
    kit_san_build undefined && kit_san_clean "$L" undefined "${CORRECT[@]}" vec_growth
    kit_env .
fi
