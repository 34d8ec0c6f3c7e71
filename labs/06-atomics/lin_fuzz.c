/* lin_fuzz - fuzz entry point for lin_check_demo's history parser
 * (linhist.c) and the linearizability search behind it (lincheck.c).
 *
 * LLVMFuzzerTestOneInput is the libFuzzer/AFL++ entry.  On every input the
 * parser accepts it also checks the parser's contract (at most LIN_MAX_OPS
 * operations, thread and value indices in range, responses after
 * invocations) and, for histories of at most 12 operations, that the search
 * terminates (with a verdict, or "unknown" when its step budget runs out)
 * and that a YES comes with a witness order using every operation exactly
 * once.  The normal build links common/fuzz_driver.c, which replays the files
 * given as arguments: that is how `make test` replays the seed corpus
 * (corpus/lin_fuzz/) under ASan/UBSan; `make SAN=libfuzzer` and `make
 * SAN=afl` build it for libFuzzer and AFL++. */
#include "kit.h"
#include "lincheck.h"
#include "linhist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lin_history h;
    char err[256];
    if (lin_parse((const char *)data, size, &h, err, sizeof err) != 0) {
        KIT_CHECK(strlen(err) > 0);
        return 0;
    }
    KIT_CHECK(h.n <= LIN_MAX_OPS && h.nthreads <= LIN_MAX_NAMES && h.nvalues <= LIN_MAX_NAMES);
    for (size_t i = 0; i < h.n; i++) {
        const struct lin_op *o = &h.ops[i];
        KIT_CHECK(o->thread >= 0 && (size_t)o->thread < h.nthreads);
        if (o->kind == LIN_ENQ)
            KIT_CHECK(o->arg >= 0 && (size_t)o->arg < h.nvalues);
        if (!o->pending) {
            KIT_CHECK(o->res > o->inv);
            if (o->kind == LIN_DEQ && o->ok)
                KIT_CHECK(o->result >= 0 && (size_t)o->result < h.nvalues);
        }
    }
    if (h.n <= 12) {
        size_t order[LIN_MAX_OPS], n;
        int v = lin_check_queue(h.ops, h.n, order, &n);
        /* Small, but not always cheap: many concurrent pending operations make
         * the search exponential, so running out of budget is an answer too
         * (libFuzzer found such a 12-operation history). */
        KIT_CHECK(v == LIN_YES || v == LIN_NO || v == LIN_UNKNOWN);
        if (v == LIN_YES) {
            uint64_t seen = 0;
            KIT_CHECK(n == h.n);
            for (size_t i = 0; i < n; i++) {
                KIT_CHECK(order[i] < h.n && !(seen >> order[i] & 1));
                seen |= 1ull << order[i];
            }
        }
    }
    return 0;
}
