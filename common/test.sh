#!/usr/bin/env bash
# Tests of common/: kit.h and check.h (kit_test), stress.h (stress_test),
# prop.h (prop_test); the last two under the sanitizers too.
set -u
. ../scripts/lib.sh
kit_test_init
kit_unit "common kit_test" 25 60 kit_test
kit_unit "common stress_test" 6 60 stress_test --pin
kit_expect "common stress_test: METRIC lines for the rate and the fairness" 60 0 \
    '+^METRIC stress_test_per_s [0-9.e+]+ 1/s$' '+^METRIC stress_test_fairness [0-9.e+-]+ x$' -- stress_test
kit_bad_values "common" "stress_test --threads 0" "stress_test --seconds 0" "stress_test --seconds 1s" "stress_test --iters -3"
kit_unit "common prop_test" 7 30 prop_test
if [ "$KIT_NATIVE" = 1 ]; then
    for san in address undefined thread; do
        kit_san_build $san || continue
        kit_san_clean "common" $san "stress_test" "prop_test"
    done
    kit_env .
else
    kit_skip "common: sanitizer runs" "not run under qemu (ARCH=$KIT_ARCH)"
fi
