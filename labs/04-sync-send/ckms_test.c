/* ckms_test - CKMS (ckms.c) against the quantiles 0.7 crate's test vectors
 * (notes 4.8.8, each verified against the real crate) and, for long random
 * streams, against the eps rank bound.  Reports through common/check.h. */
#include "check.h"
#include "ckms.h"
#include "kit.h"

/* "0:v 0.25:v ..." for the six quantiles telem prints. */
static void six(const struct ckms *c, char *out, size_t n)
{
    static const double qs[] = { 0.0, 0.25, 0.5, 0.75, 0.9, 0.99 };
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < 6; i++) {
        size_t r;
        uint32_t v;
        KIT_CHECK(ckms_query(c, qs[i], &r, &v) == 0);
        used += (size_t)snprintf(out + used, n - used, "%s%g:%u", i ? " " : "", qs[i], v);
    }
}

static void vec_six(double eps, const uint32_t *xs, size_t n, const char *want, const char *what)
{
    struct ckms c;
    char got[256];
    ckms_init(&c, eps);
    for (size_t i = 0; i < n; i++)
        KIT_CHECK(ckms_insert(&c, xs[i]) == 0);
    six(&c, got, sizeof got);
    CHECK_THAT(strcmp(got, want) == 0, what, "got \"%s\", want \"%s\"", got, want);
    ckms_free(&c);
}

struct qr { double q; size_t rank; uint32_t value; };

static void vec_range(double eps, uint32_t from, uint32_t to, const struct qr *want, size_t nq,
                      size_t want_len, const char *what)
{
    struct ckms c;
    char detail[256] = "";
    int pass = 1;
    ckms_init(&c, eps);
    for (uint32_t x = from; x <= to; x++)
        KIT_CHECK(ckms_insert(&c, x) == 0);
    if (want_len && c.len != want_len) {
        pass = 0;
        snprintf(detail, sizeof detail, "stored %zu samples, want %zu", c.len, want_len);
    }
    for (size_t i = 0; i < nq && pass; i++) {
        size_t r;
        uint32_t v;
        KIT_CHECK(ckms_query(&c, want[i].q, &r, &v) == 0);
        if (r != want[i].rank || v != want[i].value) {
            pass = 0;
            snprintf(detail, sizeof detail, "q%g -> (%zu,%u), want (%zu,%u)", want[i].q, r, v,
                     want[i].rank, want[i].value);
        }
    }
    CHECK_THAT(pass, what, "%s", detail);
    ckms_free(&c);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The index of the first element of the ascending xs[0..n) that is >= v
 * (n if none); v is 64-bit so that UINT32_MAX + 1 means "past every value". */
static size_t first_at_least(const uint32_t *xs, size_t n, uint64_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (xs[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* For a stream of n values, every quantile q's answer v must have a true rank
 * (any position v occupies in the sorted stream) within eps*n + 1 of q*n: the
 * CKMS bound eps*n, plus one rank because q*n is rounded to a whole rank (q = 0
 * asks for rank 0, the smallest value is rank 1).  No other slack: measured
 * over every stream below, the largest excess over eps*n is exactly 1. */
static void bound_property(uint64_t seed, int kind, double eps, size_t n, char *detail, size_t dn, int *pass)
{
    uint32_t *xs = malloc(n * sizeof *xs);
    KIT_CHECK(xs != NULL);
    uint64_t st = seed;
    struct ckms c;
    ckms_init(&c, eps);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = kit_splitmix64(&st);
        xs[i] = kind == 0 ? (uint32_t)r : kind == 1 ? (uint32_t)(r % 100) : kind == 2 ? (uint32_t)i
                                                                            : (uint32_t)(n - i);
        KIT_CHECK(ckms_insert(&c, xs[i]) == 0);
    }
    qsort(xs, n, sizeof *xs, cmp_u32);
    for (int k = 0; k <= 100 && *pass; k++) {
        double q = k / 100.0;
        size_t r;
        uint32_t v;
        KIT_CHECK(ckms_query(&c, q, &r, &v) == 0);
        /* ranks of v in the sorted stream: [lo + 1, hi] (1-based); binary
         * searches, so the check costs little next to the inserts even under
         * the sanitizers */
        size_t lo = first_at_least(xs, n, v), hi = first_at_least(xs, n, v + 1ull);
        double target = q * (double)n, err = eps * (double)n;
        double dist = target < (double)lo + 1 ? (double)lo + 1 - target : target > (double)hi ? target - (double)hi : 0;
        if (hi == lo || dist > err + 1) {
            *pass = 0;
            snprintf(detail, dn, "seed %" PRIu64 " kind %d eps %g n %zu: q %g -> %u at ranks [%zu,%zu], off by %.0f > %.0f",
                     seed, kind, eps, n, q, v, lo + 1, hi, dist, err);
        }
    }
    ckms_free(&c);
    free(xs);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "quick", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
                                          { NULL, 0, NULL, 0 } };
    size_t scale = 1; /* --quick: property streams a tenth as long, for the sanitizer builds */
    opterr = 0;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (o == 'h') {
            puts("usage: ckms_test [--quick]\nCKMS (ckms.c) against the quantiles 0.7 crate's vectors and the eps rank bound.\n"
                 "  --quick   property streams of 10^4 instead of 10^5 (for the sanitizer builds)");
            return 0;
        }
        if (o == 'q') {
            scale = 10;
            continue;
        }
        kit_bad_option(argc, argv);
    }
    kit_no_operands(argc, argv);

    static const uint32_t a10[] = { 10 }, a10_55[] = { 10, 55 }, mix[] = { 10, 55, 100, 100, 3 };
    vec_six(0.01, a10, 1, "0:10 0.25:10 0.5:10 0.75:10 0.9:10 0.99:10", "book: eps 0.01, insert 10");
    vec_six(0.01, a10_55, 2, "0:10 0.25:10 0.5:10 0.75:55 0.9:55 0.99:55", "book: eps 0.01, insert 10, 55");
    vec_six(0.01, mix, 5, "0:3 0.25:3 0.5:55 0.75:100 0.9:100 0.99:100", "crate: eps 0.01, insert 10 55 100 100 3");
    static const struct qr r1000[] = { { 0, 1, 1 }, { 0.25, 252, 252 }, { 0.5, 504, 504 }, { 0.75, 754, 754 },
                                       { 0.9, 904, 904 }, { 0.99, 997, 997 }, { 1.0, 322, 1000 } };
    vec_range(0.01, 1, 1000, r1000, 7, 322, "crate: eps 0.01, insert 1..=1000: 322 samples, ranks as the crate");
    static const struct qr d1[] = { { 0, 1, 1 }, { 0.998, 998, 998 }, { 0.999, 999, 999 }, { 1.0, 1000, 1000 } };
    vec_range(0.001, 1, 1000, d1, 4, 0, "crate doc-test: eps 0.001, insert 1..=1000");
    static const struct qr d2[] = { { 0, 1, 0 }, { 0.998, 998, 997 }, { 1.0, 1000, 999 } };
    vec_range(0.001, 0, 999, d2, 3, 0, "crate doc-test: eps 0.001, insert 0..999");
    {
        struct ckms c;
        ckms_init(&c, 0.1);
        int pass = 1;
        for (uint32_t x = 0; x < 10; x++)
            ckms_insert(&c, x);
        pass = c.len == 10;
        for (size_t i = 0; pass && i < 10; i++)
            pass = c.s[i].v == i;
        CHECK_THAT(pass, "crate doc-test: eps 0.1, insert 0..9 keeps exactly [0..9]", "%zu samples, or their values differ",
                   c.len);
        size_t r;
        uint32_t v;
        ckms_free(&c);
        ckms_init(&c, 0.01);
        int rc = ckms_query(&c, 0.5, &r, &v);
        CHECK_THAT(rc == -1, "query of an empty summary fails", "returned %d", rc);
        ckms_free(&c);
    }
    static const char *kinds[] = { "uniform", "duplicates (0..99)", "ascending", "descending" };
    {   /* the stated bound at every small size too, where the rounding rank matters most */
        static const size_t ns[] = { 1, 2, 3, 4, 5, 7, 10, 20, 33, 50, 100, 200, 500, 1000 };
        static const double epss[] = { 0.001, 0.01, 0.05, 0.1, 0.25 };
        char detail[256] = "";
        int pass = 1;
        for (size_t e = 0; e < sizeof epss / sizeof *epss && pass; e++)
            for (size_t k = 0; k < sizeof ns / sizeof *ns && pass; k++)
                for (int kind = 0; kind < 4 && pass; kind++)
                    for (uint64_t seed = 1; seed <= 3 && pass; seed++)
                        bound_property(seed, kind, epss[e], ns[k], detail, sizeof detail, &pass);
        CHECK_THAT(pass, "property: small streams (n = 1..1000, eps 0.001..0.25, 4 kinds), every 1% quantile "
                         "within eps*n + 1 ranks", "%s", detail);
    }
    for (int kind = 0; kind < 4; kind++) {
        char detail[256] = "", what[128];
        int pass = 1;
        for (uint64_t seed = 1; seed <= 3 && pass; seed++)
            bound_property(seed, kind, 0.01, 100000 / scale, detail, sizeof detail, &pass);
        bound_property(7, kind, 0.05, 20000 / scale, detail, sizeof detail, &pass);
        snprintf(what, sizeof what, "property: %s streams of %zu, every 1%% quantile within eps*n + 1 ranks", kinds[kind],
                 100000 / scale);
        CHECK_THAT(pass, what, "%s", detail);
    }
    return check_done();
}
