#!/usr/bin/env bash
# Tests of common/kit.h: runs kit_test and reports each of its checks.
set -u
. ../scripts/lib.sh
kit_test_init
kit_unit "common kit_test" 20 60 kit_test
kit_run 10 kit_test --bogus; rc=$?
kit_check "common kit_test: bad option exits 2 with one line" test "$rc" -eq 2 -a "$(wc -l <"$KIT_OUT")" -eq 1
