#!/usr/bin/env bash
# demo.sh - lab 2's guided tour (what `make lab-2` runs): the chapter's programs in
# the book's order with one line of explanation each - the runners and their exact
# counts, cachegrind's verdict, the property tests (and the weak-hash failure they
# shrink to two actions), the interpreters and a fuzzer finding the buggy one's
# overflow, the criterion-style benchmarks, the specialized map.  A summary at the
# end.  About a minute on a 2-core machine (more when valgrind is installed).
set -u
cd "$(dirname "$0")" || exit 1
. ../../scripts/lib.sh
KIT_NOTE_WIDTH=28
kit_demo_init
secs() { # secs PROG ARGS...: wall seconds of one silent run
    local t0 t1
    t0=$(date +%s%N)
    # shellcheck disable=SC2086
    timeout -k 5 120 $KIT_RUN "$KIT_BIN/$1" "${@:2}" >/dev/null 2>&1
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}
KIT_OUT=$TMP/vg.out   # kit_valgrind puts the program's own output there
irefs() { # irefs PROG ARGS...: cachegrind's instruction count (the valgrind flavour's build)
    kit_valgrind 300 "cachegrind --cache-sim=no --cachegrind-out-file=/dev/null" "$TMP/cg.txt" "$@"
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$TMP/cg.txt" | tr -d ,
}
# show_stdin FILE PROG ARGS...: print FILE as PROG's stdin (control bytes made
# visible by cat -v, at most 8 lines of 100 columns), then run PROG on it with
# its counts on one line, so that every count can be checked against its input.
show_stdin() {
    local f=$1; shift
    echo "stdin: ${f#"$TMP"/} ($(wc -l <"$f") lines, $(wc -c <"$f") bytes)"
    cat -v "$f" | head -n 8 | cut -c1-100 | sed 's/^/    /'
    kit_show "$@" <"$f" | { IFS= read -r cmd; echo "$cmd"; paste -sd, - | sed 's/,/, /g'; }
}
VG=0; kit_vg_ready "cachegrind steps of this demo" && VG=1

kit_say "1. standard: the book's runner over a Robin Hood map like Rust's std HashMap (SipHash-1-3, u16 keys)"
kit_show standard --stats | tee "$TMP/out"
kit_note standard "$(grep -o "[0-9][0-9]*" "$TMP/out" | paste -sd/ -) (book 35217/15071/34551/15161)"
kit_say "2. naive: the same 100,000 operations on a vector sorted by hash - same counts, far more work"
kit_show naive
ts=$(secs standard); tn=$(secs naive)
echo "wall: standard $ts s, naive $tn s ($(awk -v a="$tn" -v b="$ts" 'BEGIN { printf "%.0f", a / b }')x; book perf task-clock 191x)"
kit_note "naive / standard wall" "$tn s / $ts s"

kit_say "3. cachegrind: instructions executed, the book's most useful figure (40,000 ops; naive is O(n^2))"
if [ "$VG" = 1 ]; then
    is=$(irefs standard --ops 40000 --hash-seed 1); in=$(irefs naive --ops 40000 --hash-seed 1)
    echo "I refs: standard $is, naive $in: naive runs $((in / is))x the instructions (book, 100,000 ops: 598x)"
    kit_note "cachegrind naive/standard" "$((in / is))x instructions at 40,000 ops"
else
    echo "(valgrind not available for ARCH=$KIT_ARCH: skipped)"
fi

kit_say "4. naive_prop: QuickCheck-style property tests (common/prop.h) - get_what_you_give, sut_vs_model"
kit_show naive_prop | tee "$TMP/out"
kit_note naive_prop "$(grep -c '^ok ' "$TMP/out") of 2 properties hold"
kit_say "5. naive_weakhash_prop: the same tests with hash = key & 0xF - the naive map compares hashes, not keys"
kit_show naive_weakhash_prop --seed 1 | tee "$TMP/out"
kit_note naive_weakhash_prop "$(sed -n 's/^# prop sut_vs_model: shrunk from \([0-9]*\) to \([0-9]*\) elements.*/FAILS, shrunk \1 -> \2 actions/p' "$TMP/out")"

kit_say "6. naive_interpreter: the book's AFL target - INSERT/LOOKUP lines on stdin, prints nothing (--stats: counts)"
# The book's three seed files by name: whatever else a fuzzer left in corpus/ is not shown.
for f in gets puts mixed_gets_puts; do show_stdin corpus/naive_interpreter_fuzz/$f naive_interpreter --stats; done
kit_say "7. naive_interpreter_buggy: BROKEN ON PURPOSE - keys copied into a 16-byte stack buffer"
if [ "$KIT_NATIVE" = 1 ] && kit_have clang && kit_build . libfuzzer 2>"$TMP/fb.txt"; then
    # libFuzzer adds what it finds to its first folder: it runs on a copy, never on corpus/.
    mkdir -p "$TMP/lf/c" "$TMP/lf/a" && cp corpus/naive_interpreter_buggy_fuzz/* "$TMP/lf/c/"
    nseeds=$(find "$TMP/lf/c" -type f | wc -l)
    echo "\$ make SAN=libfuzzer; naive_interpreter_buggy_fuzz -seed=1 -max_total_time=30 COPY   (COPY: a temporary copy of corpus/naive_interpreter_buggy_fuzz/)"
    (cd "$TMP/lf" && timeout -k 5 60 "$KIT_TOP/build/$KIT_ARCH-libfuzzer/$KIT_LAB/naive_interpreter_buggy_fuzz" -seed=1 \
        -runs=2000000 -max_total_time=30 -print_final_stats=1 -artifact_prefix=a/ c >"$TMP/lf.txt" 2>&1)
    grep -m1 'ERROR: AddressSanitizer' "$TMP/lf.txt"; grep -m1 '#[0-9]* .*naive_interp_apply' "$TMP/lf.txt"
    art=$(find "$TMP/lf/a" -name 'crash-*' | head -1)
    if [ -n "$art" ]; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$TMP/lf.txt")
        echo "the crashing input libFuzzer found (from the $nseeds-file corpus, ${execs:-an unreported number of} executions; $(wc -c <"$art") bytes, od -c, first 4 lines):"
        od -c "$art" | head -4
        kit_note naive_interpreter_buggy "libFuzzer found the overflow"
    else
        kit_note naive_interpreter_buggy "libFuzzer found nothing in 30 s (unexpected)"
    fi
else
    echo "(libFuzzer not usable here; the committed crash: crashes/long_key_overflow)"
    kit_show naive_interpreter_buggy <crashes/long_key_overflow; rc=$?
    echo "exit $rc ($( [ $rc -ge 128 ] && echo "killed by signal $((rc - 128)): the overflow smashed the stack" || echo "the overflow went unnoticed without ASan") - which is why C is fuzzed with sanitizers on)"
    kit_note naive_interpreter_buggy "not fuzzed here"
fi

kit_say "8. hashmap_bench: criterion-style benchmarks, u8 keys (naive stays <= 256 entries: ~5x, not 190x)"
kit_show hashmap_bench --size 100000 --samples 20 | tee "$TMP/out"
kit_note "bench n=100000 (ns)" "$(sed -n 's/^METRIC \([a-z]*\)_ns \([0-9]*\).*/\1 \2/p' "$TMP/out" | tr '\n' ' ')"

kit_say "9. specialized: HashMapU8 - the key is the index of a 256-slot array; u8 keys"
kit_show specialized
kit_say "10. standard_u8: the Robin Hood map on the same u8 workload - a fair comparison"
kit_show standard_u8 --stats
if [ "$VG" = 1 ]; then
    ip=$(irefs specialized); i8=$(irefs standard_u8 --hash-seed 1); is=$(irefs standard --hash-seed 1)
    echo "I refs: specialized $ip, standard_u8 $i8, standard (u16) $is: specialized/standard = $(awk -v a="$ip" -v b="$is" 'BEGIN { printf "%.2f", a / b }') (book 0.20)"
    kit_note "cachegrind specialized" "$ip vs standard_u8 $i8 vs standard $is"
fi
kit_say "11. specialized_interpreter: keys must be 0-255; a command on '256', '-1' or 'abc' does nothing (counted as a bad key)"
echo "(inserts and lookups count the commands read, bad keys those ignored, skipped the lines that are no command)"
printf 'INSERT 255 ok\nINSERT 256 no\nINSERT -1 no\nLOOKUP abc\nLOOKUP 255\nFROB 1\n' >"$TMP/keys"
show_stdin "$TMP/keys" specialized_interpreter --stats

kit_summary 02-sequential
