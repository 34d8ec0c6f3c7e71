#!/usr/bin/env bash
# demo.sh - lab 3's guided tour (what `make lab-3` runs): the chapter's programs in
# the book's order, one line of explanation before each; each broken-on-purpose mode
# next to memcheck's verdict on it when valgrind is installed; a summary at the end.
# Under a minute on a 2-core machine.
set -u
cd "$(dirname "$0")" || exit 1
. ../../scripts/lib.sh
KIT_NOTE_WIDTH=34
kit_demo_init
run() { kit_show "$@" 2>&1; } # stderr too: the broken modes report there
# crash PROG ARGS...: run, without the shell's "... Aborted (core dumped)" job notice; returns PROG's status
crash() { run "$@"; } # kit_show keeps the shell's "Aborted" job notice out
KIT_OUT=$TMP/prog.txt # the program's own output under valgrind (kit_valgrind)
memcheck() { # PROG ARGS...: memcheck's verdict lines (errors, leaks) on the valgrind flavour, or why it is skipped
    kit_vg_ready "memcheck $*" || return 0
    echo "\$ valgrind --leak-check=full $*"
    kit_valgrind 60 "memcheck --leak-check=full" "$TMP/mc.txt" "$@"
    grep -E 'Invalid (read|free)|inside a block|after a block|definitely lost:|indirectly lost:|still reachable:|All heap blocks|total heap usage|ERROR SUMMARY' "$TMP/mc.txt" |
        sed 's/^==[0-9]*== /  /' | awk '!seen[$0]++' | head -8
    kit_note "memcheck $*" "$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1 errors/p' "$TMP/mc.txt")$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/, \1 B definitely lost/p' "$TMP/mc.txt")"
}

kit_say "1. layout_sizes: C lays out the chapter's types in declaration order; Rust would reorder and pack (3.2.1, 3.2.2, 3.2.9)"
run layout_sizes | grep -v '^METRIC'
kit_note layout_sizes "Vec header $(run layout_sizes | sed -n 's/^METRIC size_vec_header \([0-9]*\).*/\1/p') B on $KIT_ARCH"
if [ "$KIT_ARCH" != armv7 ]; then
    ARCH=armv7 kit_env . # the armv7 build's KIT_BIN, KIT_RUN (qemu-arm) and KIT_CC
    if command -v "$KIT_CC" >/dev/null && command -v "${KIT_RUN%% *}" >/dev/null &&
        make -s --no-print-directory ARCH=armv7 "$KIT_BIN/layout_sizes" >/dev/null 2>&1; then
        kit_say "1b. the same program built for 32-bit ARM (armv7, the book's Raspberry Pi) and run under qemu-arm: the rows that differ"
        run layout_sizes | tee "$TMP/out" | grep -E '^(\$ |struct (project_payload \*|vec_header|slice|refcell_u32|rcbox_u32)|long|max_align_t)'
        kit_note "layout_sizes ARCH=armv7" "Vec header $(sed -n 's/^METRIC size_vec_header \([0-9]*\).*/\1/p' "$TMP/out") B"
    fi
    kit_env .
fi

kit_say "2. flights_total: a heap vector returned by value - a move copies the 3-word header, not the buffer (3.2.3)"
run flights_total
memcheck flights_total
kit_say "3. flights_total --use-after-move: reading the vector after a function took it and freed it (Rust: error E0382)"
run flights_total --use-after-move
memcheck flights_total --use-after-move

kit_say "4. copy_mission: a 3-byte Copy struct; the book's program asserts and prints nothing (3.2.4)"
run copy_mission; echo "(exit $?)"
run copy_mission --verbose
kit_say "5. double_free_demo: a struct that owns heap memory, moved and cloned - then copied bit for bit (--broken)"
run double_free_demo
crash double_free_demo --broken; rc=$?; echo "(exit $rc: glibc caught the double free and aborted)"
kit_note "double_free_demo --broken" "exit $rc"
memcheck double_free_demo --broken

kit_say "6. static_leak: Box::leak - memory kept for the program's lifetime on purpose (3.2.8)"
run static_leak
memcheck static_leak
run static_leak --forget
memcheck static_leak --forget

kit_say "7. no_size_slice: a slice whose length is (seconds since the epoch) % 10 (3.2.10)"
run no_size_slice
kit_say "8. slice_bounds: &values[0..10000] of a 10-element vec - Rust's bounds check panics (exit 101)"
run slice_bounds; echo "(exit $?)"
kit_say "9. slice_bounds --unchecked --end 11: the C habit, no check - one element past the end"
run slice_bounds --unchecked --end 11
memcheck slice_bounds --unchecked --end 11
kit_say "10. fam_dst: a flexible array member is Rust's dynamically sized struct (3.2.10)"
run fam_dst

kit_say "11. swap_bytes: Cell::swap's machinery - 32-byte block swap, overlap-safe ptr_swap - property-tested (3.2.15)"
run swap_bytes | tee "$TMP/out"; kit_note swap_bytes "$(grep -c 'OK, passed' "$TMP/out") of 3 properties hold"
run swap_bytes --bench

kit_say "12. refcell: RefCell's borrow flag - UNUSED 0, WRITING usize::MAX, else the reader count (3.2.16)"
run refcell
run refcell --panic; echo "(exit $?)"
kit_say "13. refcell --prop: the flag against a model over random borrow/borrow_mut/drop sequences; --mutant must fail"
run refcell --prop | tee "$TMP/out"; kit_note "refcell --prop" "$(sed -n 's/^prop [a-z_]*: //p' "$TMP/out")"
run refcell --mutant | tee "$TMP/out"; kit_note "refcell --mutant" "$(grep -o 'shrunk from [0-9]* to [0-9]* elements' "$TMP/out")"

kit_say "14. rc_weak: Rc/Weak counts, and a ring of nodes with Weak edges that frees itself (3.2.17)"
run rc_weak
memcheck rc_weak
kit_say "15. rc_weak --strong-cycle: the same ring with Rc edges - every node leaks"
run rc_weak --strong-cycle
memcheck rc_weak --strong-cycle
kit_say "16. rc_weak --prop: Rc/Weak against a model of the counts; --mutant frees a box a Weak still holds"
run rc_weak --prop | tee "$TMP/out"; kit_note "rc_weak --prop" "$(sed -n 's/^prop [a-z_]*: //p' "$TMP/out")"
run rc_weak --mutant | tee "$TMP/out"; kit_note "rc_weak --mutant" "$(grep -o 'shrunk from [0-9]* to [0-9]* elements' "$TMP/out")"

kit_say "17. vec_growth: capacity 0 -> 4 -> 8 -> 16 ..., zero-sized elements, the overflow guard, read_exact (3.2.18)"
run vec_growth
kit_say "18. vec_growth --bench: N pushes versus N inserts at the front (O(N) each), N = 10^3, 10^4, 10^5"
for n in 1000 10000 100000; do run vec_growth --bench --n $n | grep -v '^METRIC'; done | tee "$TMP/out"
kit_note "vec_growth --bench" "insert(0) / push at 10^5: $(awk '/n = 100000/ { for (i = 1; i <= NF; i++) if ($i == "ratio") print $(i + 1) "x" }' "$TMP/out")"

kit_summary 03-memory
