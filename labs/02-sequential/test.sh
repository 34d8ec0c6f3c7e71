#!/usr/bin/env bash
# Lab 2 tests (scripts/test.sh runs this after the shared lab checks; `make test LAB=2`).
# Exact runner outputs (the book's counts), property tests (pass with SipHash;
# fail and shrink to a 2-action counterexample with WEAK_HASH), the SipHash
# vectors, the interpreters on the corpus and on hostile input, ASan/UBSan/TSan
# runs, libFuzzer finding the buggy interpreter's overflow, memcheck,
# cachegrind instruction-count orderings and benchmark ratios within one run
# (never a comparison of separate timed runs: CONTRIBUTING.md, "Tests").
set -u
. ../../scripts/lib.sh
kit_test_init
L="lab2"
SEEDS=corpus/naive_interpreter_fuzz   # the book's three corpus files

# --- bad input: one line naming the value, exit 2 ------------------------------------
kit_bad_values "$L" "standard --ops -1" "standard --ops 12x" "standard --ops 99999999999999999999" \
    "standard --hash md5" "standard --hash-seed x" "naive_prop --tests 0" \
    "hashmap_bench --size 0" "hashmap_bench --filter nomatch"
kit_expect "$L specialized: --hash is refused (this map does not hash)" 10 2 \
    '+this map does not hash' -- specialized --hash fx
PROP_SEED=abc kit_expect "$L naive_prop: PROP_SEED=abc exits 2 naming it" 10 2 '+PROP_SEED.*abc' -- naive_prop

# --- the runners: the book's exact output ----------------------------------------------
kit_same "$L standard: prints the book's INSERT 35217/15071, LOOKUP 34551/15161 exactly" expected/runner_u16.txt 120 standard
kit_same "$L naive: prints the same counts exactly (100,000 ops over a sorted vector)" expected/runner_u16.txt 120 naive
kit_same "$L specialized: prints the book's 256/50032/199/49513 exactly" expected/runner_u8.txt 120 specialized
kit_same "$L standard_u8: prints specialized's counts exactly (fair comparison)" expected/runner_u8.txt 120 standard_u8
kit_same "$L standard --hash fx: same counts with FxHash" expected/runner_u16.txt 120 standard --hash fx
kit_same "$L standard --hash-seed 7: same counts under another SipHash key" expected/runner_u16.txt 120 standard --hash-seed 7
kit_same "$L naive --hash fx: same counts with FxHash" expected/runner_u16.txt 120 naive --hash fx
kit_same "$L standard --ops 0: all four counts 0" expected/runner_zero.txt 10 standard --ops 0
kit_expect "$L standard --stats: 35217 entries in 65536 buckets (10/11 load, power of two)" 30 0 \
    '+35217 entries, 65536 buckets' -- standard --stats

# --- SipHash vectors and the property tests (common/check.h lines) ----------------------
kit_unit "$L siphash_test" 3 10 siphash_test
for seed in "" 1 2 3; do
    # shellcheck disable=SC2086
    kit_unit "$L naive_prop${seed:+ --seed $seed}" 2 60 naive_prop ${seed:+--seed $seed}
done
kit_unit "$L naive_prop --tests 2000" 2 60 naive_prop --tests 2000
kit_unit "$L specialized_prop --tests 1000" 1 60 specialized_prop --tests 1000
kit_unit "$L standard_prop (removes and table invariants; u8/sip13, u8/fx, u16)" 3 60 standard_prop

# naive_weakhash_prop must FAIL: the banner first, get_what_you_give ok, and
# sut_vs_model's FAIL line with the seed to replay and a counterexample shrunk to
# exactly two actions on colliding keys: INSERT a v, then INSERT b w or LOOKUP b,
# with a != b and a & 15 == b & 15.
weak_ok() { # RC
    [ "$1" -eq 1 ] && head -n 1 "$KIT_OUT" | grep -q '^naive_weakhash_prop: BROKEN ON PURPOSE' &&
        grep -q '^ok get_what_you_give holds' "$KIT_OUT" &&
        awk '/^FAIL sut_vs_model holds/ && /\(seed [0-9]+; replay with --seed [0-9]+/ && /shrunk from [0-9]+ to 2 elements/ {
                 s = 1
                 if (match($0, /\[0\] INSERT [0-9]+ /)) { split(substr($0, RSTART, RLENGTH), x, " "); a = x[3] }
                 if (match($0, /\[1\] (INSERT|LOOKUP) [0-9]+/)) { split(substr($0, RSTART, RLENGTH), y, " "); b = y[3] }
             }
             END { exit !(s && a != "" && b != "" && a != b && a % 16 == b % 16) }' "$KIT_OUT"
}
for seed in "" 1 2 3 4; do
    # shellcheck disable=SC2086
    kit_run 60 naive_weakhash_prop ${seed:+--seed $seed}; rc=$?
    kit_check "$L naive_weakhash_prop${seed:+ --seed $seed}: sut_vs_model FAILs with its seed, shrunk to 2 actions on colliding keys" weak_ok $rc
done
kit_run 60 naive_weakhash_prop --seed 5; cp "$KIT_OUT" "$TMP/w1"
kit_run 60 naive_weakhash_prop --seed 5
kit_check "$L naive_weakhash_prop --seed 5: replaying the seed gives the same failure and counterexample" cmp -s "$TMP/w1" "$KIT_OUT"

# --- interpreters: corpus and hostile input -----------------------------------------------
silent_all() { # PROG FILE...: each file on stdin exits 0 with no output
    local p=$1 f rc; shift
    for f in "$@"; do
        kit_run 30 "$p" <"$f"; rc=$?
        if [ $rc -ne 0 ] || [ -s "$KIT_OUT" ]; then echo "      $p < ${f##*/}: exit $rc: $(head -c 200 "$KIT_OUT")"; return 1; fi
    done
}
kit_check "$L naive_interpreter: every corpus file runs to exit 0 with no output" silent_all naive_interpreter corpus/naive_interpreter_fuzz/*
kit_check "$L specialized_interpreter: every corpus file runs to exit 0 with no output" silent_all specialized_interpreter corpus/specialized_interpreter_fuzz/*
kit_expect "$L naive_interpreter --stats: mixed_gets_puts is 1 insert and 2 lookups" 10 0 \
    '+^inserts: 1$' '+^lookups: 2$' -- naive_interpreter --stats <$SEEDS/mixed_gets_puts
printf 'INSERT 256 x\nINSERT -1 y\nINSERT abc z\nLOOKUP 1000000000000000000000\nINSERT 255 ok\nLOOKUP +7\nLOOKUP\nINSERT 3\nFROB 1 2\n' >"$TMP/keys"
kit_expect "$L specialized_interpreter: keys 256, -1, abc, 10^21 are ignored (4 bad keys), 255 and +7 accepted, short lines skipped" 10 0 \
    '+^bad keys: 4$' '+^inserts: 4$' '+^skipped: 3$' -- specialized_interpreter --stats <"$TMP/keys"
# hostile inputs, kept as files for the sanitizer runs below
head -c 200000 /dev/zero | tr '\0' 'A' >"$TMP/h_longline"
{ printf 'INSERT a b\n'; head -c 70000 /dev/zero | tr '\0' 'k'; printf ' v\nLOOKUP a\n'; } >"$TMP/h_toolong"
printf 'INSERT a b\r\nLOOKUP a\r\nINSERT  x y\n\n\nLOOKUP \n' >"$TMP/h_crlf"
printf 'INSERT a b\nINSERT \xff\xfe c\nINSERT never seen\n' >"$TMP/h_utf8"
printf 'INSERT k v' >"$TMP/h_nonl"
: >"$TMP/h_empty"
head -c 65536 /dev/urandom >"$TMP/h_random"
for i in $(seq 1 300); do printf 'INSERT key%d value%d\nLOOKUP key%d\n' "$i" "$i" $((i / 2)); done >"$TMP/h_many"
kit_expect "$L naive_interpreter: a 70 kB line is skipped whole, the lines around it run" 10 0 \
    '+^too long: 1$' '+^inserts: 1$' '+^lookups: 1$' -- naive_interpreter --stats <"$TMP/h_toolong"
kit_expect "$L naive_interpreter: invalid UTF-8 ends the input (as the book's read error does)" 10 0 \
    '+^inserts: 1$' '+stopped: invalid UTF-8' -- naive_interpreter --stats <"$TMP/h_utf8"
kit_expect "$L naive_interpreter: CRLF lines, empty tokens and empty lines follow the book's split(' ')" 10 0 \
    '+^inserts: 2$' '+^lookups: 2$' '+^skipped: 2$' -- naive_interpreter --stats <"$TMP/h_crlf"
both_silent() { silent_all naive_interpreter "$TMP"/h_* && silent_all specialized_interpreter "$TMP"/h_*; }
kit_check "$L naive_interpreter, specialized_interpreter: hostile inputs (200 kB line, random bytes, no newline, empty...) exit 0 silently" both_silent
banner_first() { [ "$1" -eq 0 ] && head -n 1 "$KIT_OUT" | grep -q "^$2: BROKEN ON PURPOSE: "; } # RC PROG
kit_run 10 naive_interpreter_buggy <$SEEDS/puts; rc=$?
kit_check "$L naive_interpreter_buggy: says BROKEN ON PURPOSE first (stderr), runs the corpus" \
    banner_first $rc naive_interpreter_buggy
kit_run 10 naive_interpreter_buggy_fuzz $SEEDS/puts; rc=$?
kit_check "$L naive_interpreter_buggy_fuzz: says BROKEN ON PURPOSE first (stderr), replays the corpus" \
    banner_first $rc naive_interpreter_buggy_fuzz
# fuzz_replay_all [SAN]: the twin-free fuzz entry points replay their corpus and
# the hostile files with exit 0, no output (no sanitizer report)
fuzz_replay_all() {
    local p rc
    for p in naive_interpreter_fuzz specialized_interpreter_fuzz; do
        kit_run 60 "$p" corpus/"$p"/* "$TMP"/h_*; rc=$?
        if [ $rc -ne 0 ] || [ -s "$KIT_OUT" ]; then echo "      $p: exit $rc: $(head -c 200 "$KIT_OUT")"; return 1; fi
    done
}
kit_check "$L naive_interpreter_fuzz, specialized_interpreter_fuzz: the entry points replay corpus and hostile files cleanly" fuzz_replay_all

# --- sanitizers: runners, tests and interpreters clean; the buggy interpreter's overflow reported
interps_clean() { # the interpreters on the corpus and the hostile files, then the fuzz entry points
    silent_all naive_interpreter $SEEDS/* "$TMP"/h_* && silent_all specialized_interpreter $SEEDS/* "$TMP"/h_* && fuzz_replay_all
}
if [ "$KIT_NATIVE" = 1 ]; then
    for san in address undefined thread; do
        kit_san_build $san || continue
        kit_san_clean "$L" $san "standard" "naive --ops 20000" "specialized" "standard_u8" \
            "naive_prop" "specialized_prop" "standard_prop" "siphash_test"
        kit_expect "$L naive_weakhash_prop: fails as built to, with no report under SAN=$san" 60 1 \
            '+^FAIL sut_vs_model' '-Sanitizer|runtime error' -- naive_weakhash_prop --seed 1
        kit_check "$L interpreters and fuzz entry points: corpus and hostile inputs run clean under SAN=$san" interps_clean
        if [ $san = address ]; then
            kit_expect "$L naive_interpreter_buggy: ASan reports stack-buffer-overflow in naive_interp_apply on crashes/long_key_overflow" 30 1 \
                '+ERROR: AddressSanitizer: stack-buffer-overflow' '+naive_interp_apply' -- naive_interpreter_buggy <crashes/long_key_overflow
            kit_expect "$L naive_interpreter_buggy_fuzz: the committed crash replays as stack-buffer-overflow" 30 1 \
                '+ERROR: AddressSanitizer: stack-buffer-overflow' -- naive_interpreter_buggy_fuzz crashes/long_key_overflow
            kit_expect "$L naive_interpreter (the twin): the same input is clean under ASan" 30 0 \
                '-Sanitizer|runtime error' -- naive_interpreter <crashes/long_key_overflow
        fi
    done
    kit_env .
else
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
fi

# --- fuzzing: libFuzzer finds the buggy interpreter's overflow; the twins survive ------------
kit_libfuzzer "$L naive_interpreter_fuzz: libFuzzer (ASan+UBSan, up to 300,000 runs or 12 s) finds no crash" \
    naive_interpreter_fuzz 300000 12 4096
kit_libfuzzer "$L specialized_interpreter_fuzz: libFuzzer (ASan+UBSan, up to 300,000 runs or 12 s) finds no crash" \
    specialized_interpreter_fuzz 300000 12 4096
# The broken twin must crash, which kit_libfuzzer counts as a failure: run it here,
# on the libFuzzer build kit_libfuzzer made, from a copy of its corpus.
LF=$KIT_TOP/build/$KIT_ARCH-libfuzzer/$KIT_LAB/naive_interpreter_buggy_fuzz
if ! kit_long "$L naive_interpreter_buggy_fuzz: a fuzzer finds the overflow"; then
    : # the committed crash's replay above still shows the flaw
elif [ "$KIT_NATIVE" = 1 ] && kit_have clang && kit_build . libfuzzer 2>/dev/null; then
    rm -rf "$TMP/lfb" && mkdir -p "$TMP/lfb/corpus" "$TMP/lfb/art" && cp corpus/naive_interpreter_buggy_fuzz/* "$TMP/lfb/corpus/"
    (cd "$TMP/lfb" && timeout -k 5 60 "$LF" -seed=1 -runs=2000000 -max_total_time=30 -artifact_prefix=art/ corpus) >"$KIT_OUT" 2>&1
    art=$(find "$TMP/lfb/art" -name 'crash-*' | head -n 1)
    kit_check "$L naive_interpreter_buggy_fuzz: libFuzzer (seed 1, <= 30 s) finds the stack-buffer-overflow from the corpus" \
        test -n "$art" -a -n "$(grep -m 1 'ERROR: AddressSanitizer: stack-buffer-overflow' "$KIT_OUT")"
    if [ -n "$art" ] && kit_san_build address; then
        kit_expect "$L naive_interpreter_buggy_fuzz: the crash libFuzzer found replays under ASan as stack-buffer-overflow" 30 1 \
            '+ERROR: AddressSanitizer: stack-buffer-overflow' -- naive_interpreter_buggy_fuzz "$art"
        kit_env .
    fi
elif [ "$KIT_NATIVE" = 1 ] && kit_have afl-fuzz && kit_have afl-clang-fast &&
        CFLAGS="-O2 -g -gdwarf-4 -fsanitize=address" LDFLAGS=-fsanitize=address kit_build . afl 2>"$TMP/afl-build.txt"; then
    # no libFuzzer runtime: AFL++ must find a crash instead, on an ASan build (set
    # through CFLAGS, which the build stamp records, rather than AFL_USE_ASAN, which it does not)
    rm -rf "$TMP/afl" && mkdir -p "$TMP/afl"
    AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
        timeout -k 5 60 afl-fuzz -V 20 -i corpus/naive_interpreter_buggy_fuzz -o "$TMP/afl" -- \
        "$KIT_TOP/build/$KIT_ARCH-afl/$KIT_LAB/naive_interpreter_buggy_fuzz" >"$KIT_OUT" 2>&1
    kit_check "$L naive_interpreter_buggy_fuzz: AFL++ (20 s) finds a crash" \
        test -n "$(find "$TMP/afl/default/crashes" -name 'id:*' 2>/dev/null | head -n 1)"
else
    kit_skip "$L naive_interpreter_buggy_fuzz: a fuzzer finds the overflow" "neither libFuzzer nor AFL++ is usable (ARCH=$KIT_ARCH)"
fi

# --- valgrind: memcheck clean; cachegrind instruction counts order the maps ----------------
cg() { # PROG ARGS...: I refs of one run (cachegrind, cache and branch simulation on); log in $TMP/cg_PROG.txt
    kit_valgrind 120 "cachegrind --cache-sim=yes --branch-sim=yes --cachegrind-out-file=/dev/null" "$TMP/cg_$1.txt" "$@" || return 1
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$TMP/cg_$1.txt" | tr -d ,
}
d1() { sed -n 's/.*D1  miss rate: *\([0-9.]*\)%.*/\1/p' "$TMP/cg_$1.txt"; }
if kit_vg_ready "$L memcheck and cachegrind verdicts"; then
    for run in "standard" "naive --ops 20000" "specialized" "standard_u8" "naive_interpreter" "specialized_interpreter"; do
        rm -f "$TMP/mc.log"   # the next check reads this run's log, never an earlier one
        # shellcheck disable=SC2086
        kit_memcheck_clean "$L ${run%% *}: memcheck 0 errors, nothing lost, exit 0 ($run)" 120 $run <$SEEDS/mixed_gets_puts
        kit_check "$L ${run%% *}: memcheck says 'All heap blocks were freed' ($run)" grep -q "All heap blocks were freed" "$TMP/mc.log"
    done
    OPS=40000   # naive is O(n^2): the ratio to standard grows with n (book, 100k: 598x)
    i_std=$(cg standard --ops $OPS --hash-seed 1); i_naive=$(cg naive --ops $OPS --hash-seed 1)
    i_spec=$(cg specialized --ops $OPS); i_std8=$(cg standard_u8 --ops $OPS --hash-seed 1)
    if [ -n "$i_std" ] && [ -n "$i_naive" ] && [ -n "$i_spec" ] && [ -n "$i_std8" ]; then
        kit_check "$L cachegrind: naive/standard I refs = $((i_naive / i_std))x >= 100x ($i_naive / $i_std, $OPS ops; book 598x at 100k)" \
            test $((i_naive / i_std)) -ge 100
        kit_check "$L cachegrind: specialized < standard I refs ($i_spec < $i_std; book 0.20x)" test "$i_spec" -lt "$i_std"
        kit_check "$L cachegrind: specialized < standard_u8 I refs, same u8 workload ($i_spec < $i_std8)" test "$i_spec" -lt "$i_std8"
        dn=$(d1 naive); ds=$(d1 specialized)
        kit_check "$L cachegrind: naive D1 miss rate ${dn}% in 15-35% (book 24.8%), specialized ${ds}% <= 2% (book 1.1%)" \
            awk -v n="$dn" -v s="$ds" 'BEGIN {exit !(n >= 15 && n <= 35 && s <= 2)}'
    else
        kit_fail "$L cachegrind runs" "$(tail -n 3 "$TMP"/cg_*.txt)"
    fi
fi

# --- benchmark harness: criterion-style output; orderings as ratios within one run -----------
kit_expect "$L hashmap_bench --size 100000: criterion lines and METRIC lines (ns) for the 3 maps" 120 0 \
    '+^HashMap/100000/naive +time: +\[.* .* .*\]$' '+^HashMap/100000/standard +time: +\[.* .* .*\]$' \
    '+^HashMap/100000/specialized +time: +\[.* .* .*\]$' '+^METRIC naive_ns [0-9.e+]+ ns$' \
    '+^METRIC standard_ns [0-9.e+]+ ns$' '+^METRIC specialized_ns [0-9.e+]+ ns$' -- \
    hashmap_bench --size 100000 --samples 10 --warmup-ms 50 --measure-ms 150 --csv "$TMP/b.csv"
kit_check "$L hashmap_bench --csv: one CSV row per map after the header" \
    test "$(grep -c '^HashMap/100000/' "$TMP/b.csv")" -eq 3 -a "$(head -c 13 "$TMP/b.csv")" = "name,samples,"
med() { sed -n "s/^METRIC $1_ns \([0-9.e+]*\) ns/\1/p" "$KIT_OUT"; }
if [ "$KIT_NATIVE" = 1 ]; then
    n=$(med naive) s=$(med standard) p=$(med specialized)
    kit_check "$L hashmap_bench n=100000: specialized < standard < naive, naive/standard >= 2x, standard/specialized >= 1.5x ($p < $s < $n ns)" \
        awk -v n="$n" -v s="$s" -v p="$p" 'BEGIN {exit !(p > 0 && p < s && s < n && n / s >= 2 && s / p >= 1.5)}'
else
    kit_skip "$L hashmap_bench timing ratios" "no timing under qemu (ARCH=$KIT_ARCH)"
fi

# --- the README's fuzz commands, run as written (full tier: they need the libFuzzer build) ---
# Each line of the README's block that makes a folder or runs a libFuzzer target,
# continuation lines joined, run from the kit's top for 300 inputs: the new
# inputs must land under build/ (checked below: corpus/ stays as committed).
readme_fuzz() {
    awk '/^```/ { inb = !inb; next } inb' README.md | sed -e ':a' -e '/\\$/N; s/\\\n *//; ta' |
        grep -E '^(mkdir -p build/|build/x86_64-libfuzzer/)' | sed "s|x86_64|$KIT_ARCH|g" >"$TMP/readme_fuzz.sh"
    [ "$(grep -c '^build/' "$TMP/readme_fuzz.sh")" -ge 1 ] || { echo "no libFuzzer command in README.md" >"$KIT_OUT"; return 1; }
    (cd "$KIT_TOP" && sed 's|^build/.*_fuzz .*|& -runs=300 -seed=1|' "$TMP/readme_fuzz.sh" | timeout -k 5 120 bash -e) >"$KIT_OUT" 2>&1 &&
        [ -n "$(ls -A "$KIT_TOP/build/$KIT_ARCH-libfuzzer/$KIT_LAB/corpus/naive_interpreter_fuzz" 2>/dev/null)" ]
}
if kit_long "$L README.md: the libFuzzer commands run as written and write under build/"; then
    if [ "$KIT_NATIVE" = 1 ] && kit_have clang && kit_build . libfuzzer 2>/dev/null; then
        kit_check "$L README.md: the libFuzzer commands run as written and write their new inputs under build/" readme_fuzz
    else
        kit_skip "$L README.md: the libFuzzer commands run as written" "needs clang's libFuzzer and a native build"
    fi
fi

# --- the demo: readable, bounded output whose counts can be checked -------------------------
# (make lab-2 once printed 6,622 lines, mostly the binary files a fuzzer had left in corpus/)
timeout -k 5 300 ./demo.sh >"$TMP/demo.txt" 2>&1; rc=$?
cp "$TMP/demo.txt" "$KIT_OUT"
demo_ok() {
    local n ctl
    n=$(wc -l <"$TMP/demo.txt"); ctl=$(LC_ALL=C tr -d '\11\12\40-\377' <"$TMP/demo.txt" | wc -c)
    echo "      demo: exit $rc, $n lines, $ctl control bytes"
    [ "$rc" -eq 0 ] && [ "$n" -le 200 ] && [ "$ctl" -eq 0 ]
}
kit_check "$L demo.sh: exit 0, at most 200 lines, no raw control bytes" demo_ok
# every interpreter run shows its stdin, and the counts printed after it match that input
counts_after() { awk -v s="stdin: $1 (" 'index($0, s) == 1 { f = 1; next } f && /inserts: / { print; exit }' "$TMP/demo.txt"; }
demo_counts_ok() {
    [ "$(counts_after corpus/naive_interpreter_fuzz/gets)" = "inserts: 0, lookups: 3, skipped: 0, too long: 0" ] &&
        [ "$(counts_after corpus/naive_interpreter_fuzz/puts)" = "inserts: 3, lookups: 0, skipped: 0, too long: 0" ] &&
        [ "$(counts_after corpus/naive_interpreter_fuzz/mixed_gets_puts)" = "inserts: 1, lookups: 2, skipped: 0, too long: 0" ] &&
        [ "$(counts_after keys)" = "inserts: 3, lookups: 2, skipped: 1, too long: 0, bad keys: 3" ]
}
kit_check "$L demo.sh steps 6 and 11: each --stats run follows the stdin it counts (gets, puts, mixed_gets_puts, the bad keys)" demo_counts_ok
demo_fuzz_line_ok() {
    ! grep -q "crashing input libFuzzer found" "$TMP/demo.txt" ||
        grep -Eq "crashing input libFuzzer found \(from the [0-9]+-file corpus, [0-9]+ executions;" "$TMP/demo.txt"
}
kit_check "$L demo.sh step 7: the libFuzzer line gives its corpus size and execution count (or libFuzzer was not usable)" demo_fuzz_line_ok

# --- last: neither the tests nor the demo left anything in the committed corpus ------------
corpus_as_committed() {
    local extra
    extra=$(comm -3 <(find corpus crashes -type f | LC_ALL=C sort) <(git ls-files corpus crashes | LC_ALL=C sort))
    echo "corpus/ and crashes/: $(find corpus crashes -type f | wc -l) files, $(git ls-files corpus crashes | wc -l) committed${extra:+; differ: $(printf "%s " "$extra" | tr "\n" " " | head -c 200)}" >"$KIT_OUT"
    [ -z "$extra" ] && git diff --quiet -- corpus crashes
}
if command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    kit_check "$L corpus/ and crashes/ hold exactly the committed files, unchanged (generated corpora go under build/)" corpus_as_committed
else
    kit_skip "$L corpus/ holds exactly the committed files" "not a git work tree"
fi
