/* prop_test - unit tests of common/prop.h itself, with properties whose
 * answers are known: a passing property runs exactly --tests cases; "every
 * element < 50" over u8 lists shrinks to exactly [50]; "no pair sums to
 * 100 or more" shrinks to two elements summing to exactly 100; a fixed-arity
 * property (min_len = max_len = 1) shrinks its fields to the boundary; the
 * same seed replays the same failure; the integer and index shrink candidates
 * come in their documented order.  One common/check.h line per check. */
#include "check.h"
#include "prop.h"

static unsigned long calls;
static void gen_u8(struct prop_gen *g, void *e, void *ctx) { (void)ctx; *(uint8_t *)e = (uint8_t)prop_uint(g, UINT8_MAX); }
static void gen_u8_full(struct prop_gen *g, void *e, void *ctx) { (void)ctx; *(uint8_t *)e = (uint8_t)prop_u32(g); }
static int shrink_u8(const void *e, unsigned k, void *out, void *ctx)
{
    uint64_t v = 0;
    (void)ctx;
    if (!prop_shrink_uint(*(const uint8_t *)e, k, &v))
        return 0;
    *(uint8_t *)out = (uint8_t)v;
    return 1;
}
static void show_u8(FILE *f, const void *e, void *ctx) { (void)ctx; fprintf(f, "%u", *(const uint8_t *)e); }

static int always(const void *e, size_t n, void *ctx, char *why, size_t w)
{ (void)e; (void)n; (void)ctx; (void)why; (void)w; calls++; return 0; }
static int all_below_50(const void *e, size_t n, void *ctx, char *why, size_t w)
{
    const uint8_t *v = e;
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= 50) { snprintf(why, w, "element %zu is %u", i, v[i]); return 1; }
    return 0;
}
static int no_big_pair(const void *e, size_t n, void *ctx, char *why, size_t w)
{
    const uint8_t *v = e;
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (v[i] + v[j] >= 100) { snprintf(why, w, "%u + %u >= 100", v[i], v[j]); return 1; }
    return 0;
}

/* Run spec with output captured into buf; returns prop_check's result. */
static int run_captured(const struct prop_spec *s, struct prop_opts o, char *buf, size_t len)
{
    FILE *f = fmemopen(buf, len, "w");
    KIT_CHECK(f != NULL);
    o.out = f;
    int r = prop_check(s, &o);
    fclose(f);
    return r;
}

/* The captured report on one line, for a FAIL line's detail. */
static const char *flat(const char *out)
{
    static char buf[400];
    size_t i;
    for (i = 0; out[i] && i + 1 < sizeof buf; i++)
        buf[i] = out[i] == '\n' ? '|' : out[i];
    buf[i] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    static char out1[8192], out2[8192];
    check_args(argc, argv, "usage: prop_test\n\nUnit tests of common/prop.h with properties whose answers are known\n"
                           "(no options; common/check.h lines).\n");
    struct prop_opts o = prop_opts_default();
    o.seed = 7;     /* fixed: the checks below know what this seed does */
    o.tests = 250;
    o.size = 100;   /* not PROP_SIZE: the expected minima assume values up to 99 */
    struct prop_spec pass = { "always", 1, 0, 0, gen_u8, shrink_u8, always, show_u8, NULL };
    int r = run_captured(&pass, o, out1, sizeof out1);
    CHECK_THAT(r == 0 && calls == 250 && strstr(out1, "OK, passed 250 tests (seed 7)"),
               "a passing property runs exactly --tests cases and says OK", "returned %d after %lu calls: %s", r,
               calls, flat(out1));

    struct prop_spec below = { "all_below_50", 1, 0, 0, gen_u8, shrink_u8, all_below_50, show_u8, NULL };
    o.tests = 100;
    r = run_captured(&below, o, out1, sizeof out1);
    CHECK_THAT(r == 1 && strstr(out1, "FAILED") && strstr(out1, "seed 7") && strstr(out1, "to 1 elements") &&
                   strstr(out1, "  [0] 50\n"),
               "'every element < 50' fails, prints the seed, shrinks to exactly [50]", "returned %d: %s", r,
               flat(out1));
    run_captured(&below, o, out2, sizeof out2);
    CHECK_THAT(strcmp(out1, out2) == 0, "the same seed replays the same failure and shrink", "second run: %s",
               flat(out2));

    struct prop_spec pair = { "no_big_pair", 1, 0, 0, gen_u8_full, shrink_u8, no_big_pair, show_u8, NULL };
    r = run_captured(&pair, o, out1, sizeof out1);
    unsigned a = 0, b = 0;
    const char *p = strstr(out1, "  [0] "), *q = strstr(out1, "  [1] ");
    int ok = r == 1 && strstr(out1, "to 2 elements") && p && q && sscanf(p, "  [0] %u", &a) == 1 &&
             sscanf(q, "  [1] %u", &b) == 1;
    CHECK_THAT(ok && a + b == 100, "'no pair sums to >= 100' shrinks to two elements summing to exactly 100",
               "returned %d: %s", r, flat(out1));

    struct prop_spec one = { "fixed_arity", 1, 1, 1, gen_u8_full, shrink_u8, all_below_50, show_u8, NULL };
    r = run_captured(&one, o, out1, sizeof out1);
    CHECK_THAT(r == 1 && strstr(out1, "to 1 elements") && strstr(out1, "  [0] 50\n"),
               "a fixed-arity case (min_len = max_len = 1) keeps its length and shrinks to 50", "returned %d: %s", r,
               flat(out1));

    uint64_t v = 0;
    int seq = prop_shrink_uint(100, 0, &v) && v == 0 && prop_shrink_uint(100, 1, &v) && v == 50 &&
              prop_shrink_uint(100, 2, &v) && v == 75 && prop_shrink_uint_count(100) == 7 && !prop_shrink_uint(0, 0, &v);
    CHECK(seq, "integer shrink candidates follow quickcheck: 0, x - x/2, x - x/4, ..., x - 1");

    /* prop_shrink_index(20, k): 0..7 first, then 0, 10, 15, 18, 19 (prop_shrink_uint's). */
    static const uint64_t want[] = { 0, 1, 2, 3, 4, 5, 6, 7, 0, 10, 15, 18, 19 };
    unsigned k, good = 0;
    for (k = 0; prop_shrink_index(20, k, &v); k++)
        good += k < sizeof want / sizeof *want && v == want[k];
    CHECK_THAT(k == sizeof want / sizeof *want && good == k,
               "index shrink candidates: the small values 0..7 first, then the integer ones",
               "%u candidates, %u as expected", k, good);
    return check_done();
}
