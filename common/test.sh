#!/usr/bin/env bash
# Tests of common/kit.h: runs kit_test and reports each of its checks.
set -u
. ../scripts/lib.sh
kit_env . ; KIT_OUT=$(mktemp); trap 'rm -f "$KIT_OUT"' EXIT
kit_run 60 kit_test; rc=$?
n=0
while IFS= read -r line; do
    case $line in
        "ok "*) kit_ok "common kit_test: ${line#ok }"; n=$((n+1)) ;;
        "FAIL "*) kit_fail "common kit_test: ${line#FAIL }"; n=$((n+1)) ;;
    esac
done <"$KIT_OUT"
[ "$rc" -eq 0 ] || [ "$n" -gt 0 ] || kit_fail "common kit_test: ran" "exit $rc" "$(tail -n 5 "$KIT_OUT")"
[ "$n" -ge 20 ] || kit_fail "common kit_test: expected at least 20 checks, saw $n"
kit_run 10 kit_test --bogus; rc=$?
kit_check "common kit_test: bad option exits 2 with one line" test "$rc" -eq 2 -a "$(wc -l <"$KIT_OUT")" -eq 1
