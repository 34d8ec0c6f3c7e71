#!/usr/bin/env bash
# Lab 2 tests (scripts/test.sh runs this; `make test LAB=2`).
# Exact runner outputs (the book's counts), property tests (pass with SipHash;
# fail and shrink to a 2-action counterexample with WEAK_HASH), the prop.h and
# SipHash self-tests, the interpreters on the corpus and on hostile input,
# ASan/UBSan replays, the fuzzers finding the buggy interpreter's overflow,
# memcheck, cachegrind instruction-count orderings, perf and benchmark ratios.
set -u
. ../../scripts/lib.sh
kit_test_init
L="lab2"
RUNNERS="standard naive specialized standard_u8"
QC="qc_naive qc_naive_weakhash qc_specialized qc_standard"
INTERPS="naive_interpreter specialized_interpreter naive_interpreter_buggy"
FUZZ="fuzz_naive_interpreter fuzz_specialized_interpreter fuzz_naive_interpreter_buggy"

# --- conventions: --help, and bad input is one line + exit 2 ---------------------
kit_conventions "$L" $RUNNERS $QC $INTERPS bench_hashmap
for p in $FUZZ; do
    kit_run 10 "$p" --help; rc=$?
    kit_run 10 "$p" --bogus; rc2=$?
    kit_check "$L $p: --help exits 0; '--bogus' exits 2 with one line" \
        eval '[ $rc -eq 0 ] && [ $rc2 -eq 2 ] && [ "$(wc -l <"$KIT_OUT")" -eq 1 ]'
done
for a in "--ops -1" "--ops 12x" "--ops 99999999999999999999" "--hash md5" "--hash-seed x"; do
    # shellcheck disable=SC2086
    kit_run 10 standard $a; rc=$?
    kit_check "$L standard: '$a' exits 2 naming the value" test "$rc" -eq 2 -a -n "$(grep -F -- "'${a#* }'" "$KIT_OUT")"
done
kit_run 10 specialized --hash fx; rc=$?
kit_check "$L specialized: --hash is refused (this map does not hash)" test "$rc" -eq 2
kit_run 10 qc_naive --tests 0; rc=$?
kit_check "$L qc_naive: '--tests 0' exits 2" test "$rc" -eq 2
PROP_SEED=abc kit_run 10 qc_naive; rc=$?
kit_check "$L qc_naive: PROP_SEED=abc exits 2 naming it" eval '[ $rc -eq 2 ] && grep -q "PROP_SEED.*abc" "$KIT_OUT"'

# --- the runners: the book's exact output -------------------------------------------
exact() { # NAME EXPECTED PROG ARGS...: byte-exact stdout, exit 0
    local name=$1 exp=$2; shift 2
    # shellcheck disable=SC2086
    timeout -k 5 120 $KIT_RUN "$KIT_BIN/$1" "${@:2}" >"$KIT_OUT" 2>"$TMP/err"; local rc=$?
    kit_check "$L $name" eval '[ $rc -eq 0 ] && cmp -s "$exp" "$KIT_OUT"'
}
exact "standard: prints the book's INSERT 35217/15071, LOOKUP 34551/15161 exactly" expected/runner_u16.txt standard
exact "naive: prints the same counts exactly (100,000 ops over a sorted vector)" expected/runner_u16.txt naive
exact "specialized: prints the book's 256/50032/199/49513 exactly" expected/runner_u8.txt specialized
exact "standard_u8: prints specialized's counts exactly (fair comparison)" expected/runner_u8.txt standard_u8
exact "standard --hash fx: same counts with FxHash" expected/runner_u16.txt standard --hash fx
exact "standard --hash-seed 7: same counts under another SipHash key" expected/runner_u16.txt standard --hash-seed 7
exact "naive --hash fx: same counts with FxHash" expected/runner_u16.txt naive --hash fx
kit_run 10 standard --ops 0; rc=$?
kit_check "$L standard --ops 0: all four counts 0" eval '[ $rc -eq 0 ] && [ "$(grep -c ": *0$" "$KIT_OUT")" -eq 4 ]'
kit_run 30 standard --stats; rc=$?
kit_check "$L standard --stats: 35217 entries in 65536 buckets (10/11 load, power of two)" \
    eval '[ $rc -eq 0 ] && grep -q "35217 entries, 65536 buckets" "$KIT_OUT"'

# --- SipHash and prop.h self-tests ------------------------------------------------
kit_run 10 siphash_check; rc=$?
kit_check "$L siphash_check: SipHash-2-4 passes the paper's 64 vectors; SipHash-1-3 pinned vectors; LE u16" \
    eval '[ $rc -eq 0 ] && grep -q "64 of 64 paper vectors match" "$KIT_OUT"'
kit_run 30 prop_selftest; rc=$?
kit_check "$L prop_selftest: prop.h counts cases, shrinks to known minima ([50]; a pair summing to 100), replays by seed" \
    eval '[ $rc -eq 0 ] && [ "$(grep -c "^ok" "$KIT_OUT")" -eq 6 ]'

# --- property tests ----------------------------------------------------------------
for seed in "" 1 2 3; do
    sarg=""; [ -n "$seed" ] && sarg="--seed $seed"
    # shellcheck disable=SC2086
    kit_run 60 qc_naive $sarg; rc=$?
    kit_check "$L qc_naive${seed:+ --seed $seed}: get_what_you_give and sut_vs_model pass 100 cases each" \
        eval '[ $rc -eq 0 ] && grep -q "get_what_you_give: OK, passed 100 tests" "$KIT_OUT" && grep -q "sut_vs_model: OK, passed 100 tests" "$KIT_OUT"'
done
kit_run 60 qc_naive --tests 2000; rc=$?
kit_check "$L qc_naive --tests 2000: both properties pass 2000 cases" \
    eval '[ $rc -eq 0 ] && [ "$(grep -c "OK, passed 2000 tests" "$KIT_OUT")" -eq 2 ]'
kit_run 60 qc_specialized --tests 1000; rc=$?
kit_check "$L qc_specialized: sut_vs_model passes 1000 cases" eval '[ $rc -eq 0 ] && grep -q "OK, passed 1000 tests" "$KIT_OUT"'
kit_run 60 qc_standard; rc=$?
kit_check "$L qc_standard: Robin Hood map vs model with removes and invariants (u8/sip13, u8/fx, u16) pass" \
    eval '[ $rc -eq 0 ] && [ "$(grep -c "OK, passed 100 tests" "$KIT_OUT")" -eq 3 ]'

# qc_naive_weakhash must FAIL, shrunk to exactly two actions on colliding keys:
# INSERT a v, then INSERT b w or LOOKUP b, with a != b and a & 15 == b & 15.
weak_ok() {
    awk '/sut_vs_model: shrunk from [0-9]+ to 2 elements/ {s = 1}
         s && /^  \[0\] INSERT / {a = $3}
         s && /^  \[1\] (INSERT|LOOKUP) / {b = $3}
         END {exit !(s && a != "" && b != "" && a != b && a % 16 == b % 16)}' "$KIT_OUT"
}
for seed in "" 1 2 3 4; do
    sarg=""; [ -n "$seed" ] && sarg="--seed $seed"
    # shellcheck disable=SC2086
    kit_run 60 qc_naive_weakhash $sarg; rc=$?
    kit_check "$L qc_naive_weakhash${seed:+ --seed $seed}: sut_vs_model fails, seed printed, shrunk to 2 actions on colliding keys" \
        eval '[ $rc -eq 1 ] && grep -q "sut_vs_model: FAILED on test .*(seed [0-9]*; replay with --seed" "$KIT_OUT" && weak_ok && grep -q "get_what_you_give: OK" "$KIT_OUT"'
done
kit_run 60 qc_naive_weakhash --seed 5; cp "$KIT_OUT" "$TMP/w1"
kit_run 60 qc_naive_weakhash --seed 5
kit_check "$L qc_naive_weakhash --seed 5: replaying the seed gives the same failure and counterexample" cmp -s "$TMP/w1" "$KIT_OUT"

# --- interpreters: corpus and hostile input ---------------------------------------------
for p in naive_interpreter specialized_interpreter; do
    ok=1
    for f in corpus/*; do
        kit_run 10 "$p" <"$f"; rc=$?
        [ $rc -eq 0 ] && [ ! -s "$KIT_OUT" ] || { ok=0; break; }
    done
    kit_check "$L $p: every corpus file runs to exit 0 with no output" test $ok = 1
done
kit_run 10 naive_interpreter --stats <corpus/mixed_gets_puts; rc=$?
kit_check "$L naive_interpreter --stats: mixed_gets_puts is 1 insert and 2 lookups" \
    eval '[ $rc -eq 0 ] && grep -q "^inserts: 1$" "$KIT_OUT" && grep -q "^lookups: 2$" "$KIT_OUT"'
printf 'INSERT 256 x\nINSERT -1 y\nINSERT abc z\nLOOKUP 1000000000000000000000\nINSERT 255 ok\nLOOKUP +7\nLOOKUP\nINSERT 3\nFROB 1 2\n' >"$TMP/keys"
kit_run 10 specialized_interpreter --stats <"$TMP/keys"; rc=$?
kit_check "$L specialized_interpreter: keys 256, -1, abc, 10^21 are ignored (4 bad keys), 255 and +7 accepted, short lines skipped" \
    eval '[ $rc -eq 0 ] && grep -q "^bad keys: 4$" "$KIT_OUT" && grep -q "^inserts: 4$" "$KIT_OUT" && grep -q "^skipped: 3$" "$KIT_OUT"'
# hostile inputs, kept as files for the sanitizer runs below
head -c 200000 /dev/zero | tr '\0' 'A' >"$TMP/h_longline"
{ printf 'INSERT a b\n'; head -c 70000 /dev/zero | tr '\0' 'k'; printf ' v\nLOOKUP a\n'; } >"$TMP/h_toolong"
printf 'INSERT a b\r\nLOOKUP a\r\nINSERT  x y\n\n\nLOOKUP \n' >"$TMP/h_crlf"
printf 'INSERT a b\nINSERT \xff\xfe c\nINSERT never seen\n' >"$TMP/h_utf8"
printf 'INSERT k v' >"$TMP/h_nonl"
: >"$TMP/h_empty"
head -c 65536 /dev/urandom >"$TMP/h_random"
for i in $(seq 1 300); do printf 'INSERT key%d value%d\nLOOKUP key%d\n' "$i" "$i" $((i / 2)); done >"$TMP/h_many"
kit_run 10 naive_interpreter --stats <"$TMP/h_toolong"; rc=$?
kit_check "$L naive_interpreter: a 70 kB line is skipped whole, the lines around it run" \
    eval '[ $rc -eq 0 ] && grep -q "^too long: 1$" "$KIT_OUT" && grep -q "^inserts: 1$" "$KIT_OUT" && grep -q "^lookups: 1$" "$KIT_OUT"'
kit_run 10 naive_interpreter --stats <"$TMP/h_utf8"; rc=$?
kit_check "$L naive_interpreter: invalid UTF-8 ends the input (as the book's read error does)" \
    eval '[ $rc -eq 0 ] && grep -q "^inserts: 1$" "$KIT_OUT" && grep -q "stopped: invalid UTF-8" "$KIT_OUT"'
kit_run 10 naive_interpreter --stats <"$TMP/h_crlf"; rc=$?
kit_check "$L naive_interpreter: CRLF lines, empty tokens and empty lines follow the book's split(' ')" \
    eval '[ $rc -eq 0 ] && grep -q "^inserts: 2$" "$KIT_OUT" && grep -q "^lookups: 2$" "$KIT_OUT" && grep -q "^skipped: 2$" "$KIT_OUT"'
ok=1
for f in "$TMP"/h_*; do
    for p in naive_interpreter specialized_interpreter; do
        kit_run 30 "$p" <"$f"; rc=$?
        [ $rc -eq 0 ] && [ ! -s "$KIT_OUT" ] || { ok=0; echo "      $p < ${f##*/}: exit $rc"; }
    done
done
kit_check "$L naive_interpreter, specialized_interpreter: hostile inputs (200 kB line, random bytes, no newline, empty...) exit 0 silently" test $ok = 1
kit_run 10 naive_interpreter_buggy <corpus/puts; rc=$?
kit_check "$L naive_interpreter_buggy: says BROKEN ON PURPOSE first (stderr), runs the corpus" \
    eval '[ $rc -eq 0 ] && head -1 "$KIT_OUT" | grep -q "BROKEN ON PURPOSE"'
ok=1
for p in fuzz_naive_interpreter fuzz_specialized_interpreter; do
    kit_run 30 "$p" corpus/* "$TMP"/h_*; rc=$?
    [ $rc -eq 0 ] && [ ! -s "$KIT_OUT" ] || ok=0
done
kit_check "$L fuzz_*_interpreter: the fuzz entry points replay corpus and hostile files cleanly" test $ok = 1

# --- sanitizers: corpus replays clean, the buggy interpreter's overflow reported -------
clean() { ! grep -q "Sanitizer\|runtime error" "$KIT_OUT"; }
if [ "$KIT_NATIVE" = 1 ]; then
    for san in address undefined thread; do
        if ! kit_build . $san 2>"$TMP/build.txt"; then
            kit_skip "$L SAN=$san checks" "sanitizer build failed: $(head -c 200 "$TMP/build.txt")"; continue
        fi
        kit_env . $san
        ok=1; bad=""
        for run in "standard" "naive --ops 20000" "specialized" "standard_u8" "qc_naive" "qc_specialized" "qc_standard" "prop_selftest" "siphash_check"; do
            # shellcheck disable=SC2086
            kit_run 120 $run; rc=$?
            [ $rc -eq 0 ] && clean || { ok=0; bad="$bad [$run: exit $rc]"; }
        done
        kit_run 60 qc_naive_weakhash --seed 1; rc=$?
        [ $rc -eq 1 ] && clean || { ok=0; bad="$bad [qc_naive_weakhash: exit $rc]"; }
        kit_check "$L runners and property tests: clean under SAN=$san$bad" test $ok = 1
        ok=1; bad=""
        for f in corpus/* "$TMP"/h_*; do
            for p in naive_interpreter specialized_interpreter; do
                kit_run 60 "$p" <"$f"; rc=$?
                [ $rc -eq 0 ] && clean || { ok=0; bad="$bad [$p < ${f##*/}: exit $rc]"; }
            done
        done
        for p in fuzz_naive_interpreter fuzz_specialized_interpreter; do
            kit_run 60 "$p" corpus/* "$TMP"/h_*; rc=$?
            [ $rc -eq 0 ] && clean || { ok=0; bad="$bad [$p: exit $rc]"; }
        done
        kit_check "$L interpreters and fuzz entry points: corpus and hostile inputs replay clean under SAN=$san$bad" test $ok = 1
        if [ $san = address ]; then
            kit_run 30 naive_interpreter_buggy <crashes/long_key_overflow; rc=$?
            kit_check "$L naive_interpreter_buggy: ASan reports stack-buffer-overflow on crashes/long_key_overflow" \
                eval '[ $rc -ne 0 ] && grep -q "ERROR: AddressSanitizer: stack-buffer-overflow" "$KIT_OUT" && grep -q "naive_interp_apply" "$KIT_OUT"'
            kit_run 30 fuzz_naive_interpreter_buggy crashes/long_key_overflow; rc=$?
            kit_check "$L fuzz_naive_interpreter_buggy: the committed crash replays as stack-buffer-overflow" \
                eval '[ $rc -ne 0 ] && grep -q "ERROR: AddressSanitizer: stack-buffer-overflow" "$KIT_OUT"'
            kit_run 30 naive_interpreter <crashes/long_key_overflow; rc=$?
            kit_check "$L naive_interpreter (the twin): the same input is clean under ASan" eval '[ $rc -eq 0 ] && clean'
        fi
        kit_env .
    done
else
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
fi

# --- fuzzing: the fuzzer finds the buggy interpreter's overflow; the twin survives -------
fuzz_libfuzzer() {
    local d=$KIT_BIN/fuzz art rc
    make -s --no-print-directory fuzz-libfuzzer >"$TMP/fbuild.txt" 2>&1 || return 1
    mkdir -p "$TMP/lf/corpus" "$TMP/lf/art" && cp corpus/* "$TMP/lf/corpus/"
    (cd "$TMP/lf" && timeout -k 5 60 "$d/libfuzzer_naive_interpreter_buggy" -seed=1 -runs=2000000 \
        -max_total_time=30 -artifact_prefix=art/ corpus >"$KIT_OUT" 2>&1)
    art=$(find "$TMP/lf/art" -name 'crash-*' | head -1)
    kit_check "$L naive_interpreter_buggy: libFuzzer (seed 1, <= 30 s) finds the stack-buffer-overflow from the corpus" \
        eval '[ -n "$art" ] && grep -q "ERROR: AddressSanitizer: stack-buffer-overflow" "$KIT_OUT"'
    if [ -n "$art" ] && kit_build . address 2>/dev/null; then
        kit_env . address
        kit_run 30 fuzz_naive_interpreter_buggy "$art"
        kit_check "$L naive_interpreter_buggy: the crash libFuzzer found replays under ASan as stack-buffer-overflow" \
            grep -q "ERROR: AddressSanitizer: stack-buffer-overflow" "$KIT_OUT"
        kit_env .
    fi
    for t in naive_interpreter specialized_interpreter; do
        rm -rf "$TMP/lf/corpus2" && mkdir -p "$TMP/lf/corpus2" && cp corpus/* "$TMP/lf/corpus2/"
        (cd "$TMP/lf" && timeout -k 5 60 "$d/libfuzzer_$t" -seed=1 -runs=300000 -max_total_time=12 \
            -artifact_prefix=art/ corpus2 >"$KIT_OUT" 2>&1); rc=$?
        kit_check "$L $t: libFuzzer (ASan+UBSan, up to 300,000 runs or 12 s) finds no crash" \
            eval '[ $rc -eq 0 ] && grep -q "^Done [0-9]* runs" "$KIT_OUT"'
    done
}
fuzz_afl() {
    local d=$KIT_BIN/fuzz
    AFL_USE_ASAN=1 make -s --no-print-directory fuzz-afl >"$TMP/fbuild.txt" 2>&1 || return 1
    rm -rf "$TMP/afl" && mkdir -p "$TMP/afl"
    AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
        timeout -k 5 60 afl-fuzz -V 20 -i corpus -o "$TMP/afl" -- "$d/afl_naive_interpreter_buggy" >"$KIT_OUT" 2>&1
    kit_check "$L naive_interpreter_buggy: AFL++ (20 s) finds a crash" \
        eval 'ls "$TMP"/afl/default/crashes/id:* >/dev/null 2>&1'
}
if [ "$KIT_NATIVE" != 1 ]; then
    kit_skip "$L fuzzing" "not run under qemu (ARCH=$KIT_ARCH)"
elif kit_have clang && printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$TMP/t.c" &&
        clang -fsanitize=fuzzer "$TMP/t.c" -o "$TMP/t" 2>/dev/null; then
    fuzz_libfuzzer || kit_fail "$L libFuzzer build" "$(tail -3 "$TMP/fbuild.txt")"
elif kit_have afl-fuzz && kit_have afl-clang-fast; then
    fuzz_afl || kit_fail "$L AFL++ build" "$(tail -3 "$TMP/fbuild.txt")"
else
    kit_skip "$L fuzzing" "neither clang's libFuzzer nor AFL++ is usable"
fi

# --- valgrind: memcheck clean; cachegrind instruction counts order the maps -------------
if kit_have valgrind; then
    cd "$TMP" || exit 1
    for run in "standard" "naive --ops 20000" "specialized" "standard_u8" "naive_interpreter" "specialized_interpreter"; do
        # shellcheck disable=SC2086
        timeout -k 5 120 valgrind --leak-check=full --error-exitcode=9 --log-file=mc.txt "$KIT_BIN/"$run \
            <"$KIT_TOP/labs/02-sequential/corpus/mixed_gets_puts" >"$KIT_OUT" 2>&1; rc=$?
        kit_check "$L ${run%% *}: memcheck 0 errors, no leaks ($run)" \
            eval '[ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" mc.txt && grep -q "All heap blocks were freed\|no leaks are possible" mc.txt'
    done
    cg() { # PROG ARGS...: I refs of one run (cachegrind, cache and branch simulation on)
        timeout -k 5 120 valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes --cachegrind-out-file=/dev/null \
            --log-file="cg_$1.txt" "$KIT_BIN/$1" "${@:2}" >"$KIT_OUT" 2>&1 || return 1
        sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "cg_$1.txt" | tr -d ,
    }
    d1() { sed -n 's/.*D1  miss rate: *\([0-9.]*\)%.*/\1/p' "cg_$1.txt"; }
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
        kit_fail "$L cachegrind runs" "$(tail -3 cg_*.txt)"
    fi
    cd - >/dev/null || exit 1
else
    kit_skip "$L memcheck/cachegrind verdicts" "valgrind not available for ARCH=$KIT_ARCH"
fi

# --- perf: task-clock ratio naive/standard ------------------------------------------------
if kit_have perf && perf stat -e task-clock true >/dev/null 2>&1; then
    tc() { perf stat -x, -e task-clock "$KIT_BIN/$1" 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}'; }
    tmin() { local a b c; a=$(tc "$1"); b=$(tc "$1"); c=$(tc "$1"); printf '%s\n' "$a" "$b" "$c" | sort -g | head -1; }
    smin=$(tmin standard); pmin=$(tmin specialized); n1=$(tc naive)
    kit_check "$L perf: task-clock naive/standard >= 50x ($n1 ms / $smin ms; book 191x)" \
        awk -v n="$n1" -v s="$smin" 'BEGIN {exit !(s > 0 && n / s >= 50)}'
    kit_check "$L perf: task-clock specialized < standard < naive (min of 3: $pmin < $smin < $n1 ms; book 1.43 < 6.92 < 1324)" \
        awk -v n="$n1" -v s="$smin" -v p="$pmin" 'BEGIN {exit !(p > 0 && p < s && s < n)}'
else
    kit_skip "$L perf task-clock ratio" "perf not usable for ARCH=$KIT_ARCH"
fi

# --- benchmark harness: criterion-style output; orderings as ratios within one run ----------
kit_run 120 bench_hashmap --filter /100000/ --samples 10 --warmup-ms 50 --measure-ms 150 --csv "$TMP/b.csv"; rc=$?
med() { sed -n "s/^METRIC hashmap_100000_$1_ns \([0-9.e+]*\) ns/\1/p" "$KIT_OUT"; }
kit_check "$L bench_hashmap: criterion-format lines, METRIC lines and CSV rows for the 3 maps at n=100000" \
    eval '[ $rc -eq 0 ] && [ "$(grep -c "^HashMap/100000/[a-z]* *time: *\[.* .* .*\]$" "$KIT_OUT")" -eq 3 ] && [ "$(grep -c "^HashMap/100000/" "$TMP/b.csv")" -eq 3 ]'
if [ "$KIT_NATIVE" = 1 ]; then
    n=$(med naive) s=$(med standard) p=$(med specialized)
    kit_check "$L bench_hashmap n=100000: specialized < standard < naive, naive/standard >= 2x, standard/specialized >= 1.5x ($p < $s < $n ns)" \
        awk -v n="$n" -v s="$s" -v p="$p" 'BEGIN {exit !(p > 0 && p < s && s < n && n / s >= 2 && s / p >= 1.5)}'
else
    kit_skip "$L bench_hashmap timing ratios" "no timing under qemu (ARCH=$KIT_ARCH)"
fi
