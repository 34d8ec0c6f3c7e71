/* prop.h - a small QuickCheck-style property tester (Claessen and Hughes 2000;
 * Hughes 2016 for model-based, stateful testing), shared by the labs.
 *
 * A test case is a SEQUENCE of fixed-size elements: the actions of a
 * model-based test (INSERT k v, LOOKUP k, push, pop ...), or a single tuple for
 * a plain property such as get_what_you_give(k, v) (min_len = max_len = 1).
 * The user passes callbacks over their own state (ctx):
 *
 *   gen(g, elem, ctx)             fill one element with random values from g
 *   shrink(elem, k, out, ctx)     the k-th smaller candidate of elem (k = 0, 1, ...),
 *                                 return 0 when there is none; NULL: no shrinking
 *   check(elems, n, ctx, why, w)  run the case (e.g. against the system and a
 *                                 model); return 0 if the property holds, else
 *                                 non-zero with a reason written into why[w]
 *   show(f, elem, ctx)            print one element, e.g. "INSERT 1 0"
 *
 * prop_check() runs opts.tests random cases (default 100, like quickcheck);
 * prop_as_check() runs one and reports it as a common/check.h check (the
 * *_prop test programs).
 * On a failure it shrinks the case - deleting chunks of elements (halves,
 * quarters, ..., single ones) while it still fails, then shrinking each element
 * through shrink() - and prints the minimal counterexample and the seed:
 *
 *   prop sut_vs_model: FAILED on test 1 of 100 (seed 42; replay with --seed 42)
 *   prop sut_vs_model: shrunk from 57 to 2 elements in 12 steps:
 *     [0] INSERT 0 0
 *     [1] LOOKUP 16
 *   prop sut_vs_model: why: ...
 *
 * Seeds, counts and sizes come from prop_opts_default(): PROP_SEED (else a
 * random seed from getrandom(2)), PROP_TESTS (100), PROP_SIZE (100); programs
 * usually also take --seed/--tests/--size.  The same seed replays the same
 * cases.  Generators follow quickcheck 0.6: prop_uint(g, max) draws in
 * [0, min(size, max + 1)), a sequence's length in [0, size).
 *
 * Header-only; not for hot paths (the callbacks go through pointers).
 */
#ifndef PROP_H
#define PROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "check.h"
#include "kit.h"

/* ---- generators ------------------------------------------------------------ */

/* The generator: a PRNG plus quickcheck's "size" (the bound of generated values). */
struct prop_gen {
    struct kit_xorshift128 rng;
    uint64_t size;
};

static inline uint32_t prop_u32(struct prop_gen *g) { return kit_xorshift128_next(&g->rng); }
static inline uint64_t prop_u64(struct prop_gen *g)
{
    uint64_t hi = prop_u32(g);
    return hi << 32 | prop_u32(g);
}
/* Uniform in [0, n); n must be > 0.  (Modulo bias below 2^-32 for n < 2^32.) */
static inline uint64_t prop_below(struct prop_gen *g, uint64_t n) { return prop_u64(g) % n; }
static inline bool prop_bool(struct prop_gen *g) { return prop_u32(g) & 1; }
/* quickcheck's unsigned arbitrary: uniform in [0, max(1, min(size, type_max))),
 * so 0..99 at the default size 100.  type_max: e.g. UINT8_MAX. */
static inline uint64_t prop_uint(struct prop_gen *g, uint64_t type_max)
{
    uint64_t n = g->size < type_max ? g->size : type_max;
    return prop_below(g, n ? n : 1);
}

/* ---- shrinking helpers ------------------------------------------------------ */

/* The k-th shrink candidate of an unsigned x, in quickcheck's order: 0, then
 * x - x/2, x - x/4, ..., x - 1.  Returns 1 and stores *out, or 0 when k is past
 * the last candidate (x = 0 has none). */
static inline int prop_shrink_uint(uint64_t x, unsigned k, uint64_t *out)
{
    if (x == 0)
        return 0;
    if (k == 0) {
        *out = 0;
        return 1;
    }
    if (k >= 64 || (x >> k) == 0)
        return 0;
    *out = x - (x >> k);
    return 1;
}

/* The k-th shrink candidate of an index x that the property reduces modulo a
 * size the shrinker cannot see (a pool, the guards held): first the small
 * values 0 .. min(x, 8) - 1, then prop_shrink_uint's.  Without the small ones,
 * halving can skip over every value that still fails and stall early. */
static inline int prop_shrink_index(uint64_t x, unsigned k, uint64_t *out)
{
    unsigned small = x < 8 ? (unsigned)x : 8;
    if (k < small) {
        *out = k;
        return 1;
    }
    return prop_shrink_uint(x, k - small, out);
}

/* Number of shrink candidates of x (to enumerate several fields in turn). */
static inline unsigned prop_shrink_uint_count(uint64_t x)
{
    unsigned k = 0;
    uint64_t o;
    while (prop_shrink_uint(x, k, &o))
        k++;
    return k;
}

/* ---- the property runner ---------------------------------------------------- */

struct prop_spec {
    const char *name;                /* printed in every report line */
    size_t elem_size;                /* bytes of one element */
    size_t min_len, max_len;         /* case length in [min_len, max_len]; max_len 0: [0, size) */
    void (*gen)(struct prop_gen *g, void *elem, void *ctx);
    int (*shrink)(const void *elem, unsigned k, void *out, void *ctx);
    int (*check)(const void *elems, size_t n, void *ctx, char *why, size_t whylen);
    void (*show)(FILE *f, const void *elem, void *ctx);
    void *ctx;                       /* the user's state, passed to every callback */
};

struct prop_opts {
    uint64_t tests;      /* passing cases required (PROP_TESTS, default 100) */
    uint64_t size;       /* generator size (PROP_SIZE, default 100) */
    uint64_t seed;       /* PROP_SEED, default random */
    uint64_t max_shrink; /* property runs allowed while shrinking (default 100000) */
    FILE *out;           /* reports (default stdout) */
};

static inline uint64_t prop_env_u64(const char *name, uint64_t def, uint64_t min, uint64_t max)
{
    const char *s = getenv(name);
    uint64_t v;
    if (s == NULL || *s == '\0')
        return def;
    if (kit_parse_u64(s, min, max, &v) != 0)
        kit_usage_error("%s: expected an integer in [%" PRIu64 ", %" PRIu64 "], got '%s'", name, min, max, s);
    return v;
}

/* Defaults, overridden by the PROP_TESTS, PROP_SIZE and PROP_SEED environment
 * variables (a bad value exits 2 naming it). */
static inline struct prop_opts prop_opts_default(void)
{
    struct prop_opts o;
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = kit_now_ns() ^ (uint64_t)getpid() << 32;
    o.tests = prop_env_u64("PROP_TESTS", 100, 1, 100000000);
    o.size = prop_env_u64("PROP_SIZE", 100, 1, 100000);
    o.seed = prop_env_u64("PROP_SEED", r % 1000000000u, 0, UINT64_MAX);
    o.max_shrink = 100000;
    o.out = stdout;
    return o;
}

/* The generator for a run: xorshift128 state expanded from seed with splitmix64. */
static inline struct prop_gen prop_gen_seed(uint64_t seed, uint64_t size)
{
    struct prop_gen g;
    uint64_t s = seed, a = kit_splitmix64(&s), b = kit_splitmix64(&s);
    g.rng = kit_xorshift128_seed((uint32_t)a, (uint32_t)(a >> 32), (uint32_t)b, (uint32_t)(b >> 32) | 1);
    g.size = size;
    return g;
}

/* Shrink the failing case c[0..*n) in place (greedy, restarting after every
 * accepted step).  Returns the number of accepted steps; why holds the last
 * failure's reason. */
static inline unsigned long prop_shrink_case(const struct prop_spec *s, const struct prop_opts *o,
                                             unsigned char *c, size_t *n, char *why, size_t whylen)
{
    size_t es = s->elem_size;
    unsigned char *cand = malloc((*n ? *n : 1) * es), *elem = malloc(es);
    char *cwhy = malloc(whylen);
    unsigned long steps = 0;
    uint64_t runs = 0;
    KIT_CHECK(cand != NULL && elem != NULL && cwhy != NULL);
restart:
    while (runs < o->max_shrink) {
        /* 1. delete a chunk: n, n/2, n/4, ..., 1 elements at every aligned start */
        for (size_t chunk = *n; chunk >= 1; chunk /= 2) {
            if (*n - chunk < s->min_len)
                continue;
            for (size_t start = 0; start + chunk <= *n && runs < o->max_shrink; start += chunk) {
                size_t m = *n - chunk;
                memcpy(cand, c, start * es);
                memcpy(cand + start * es, c + (start + chunk) * es, (*n - start - chunk) * es);
                runs++;
                cwhy[0] = '\0';
                if (s->check(cand, m, s->ctx, cwhy, whylen) != 0) {
                    memcpy(c, cand, m * es);
                    *n = m;
                    memcpy(why, cwhy, whylen);
                    steps++;
                    goto restart;
                }
            }
        }
        /* 2. shrink one element at a time */
        if (s->shrink != NULL) {
            for (size_t i = 0; i < *n; i++) {
                for (unsigned k = 0; runs < o->max_shrink && s->shrink(c + i * es, k, elem, s->ctx); k++) {
                    memcpy(cand, c, *n * es);
                    memcpy(cand + i * es, elem, es);
                    runs++;
                    cwhy[0] = '\0';
                    if (s->check(cand, *n, s->ctx, cwhy, whylen) != 0) {
                        memcpy(c, cand, *n * es);
                        memcpy(why, cwhy, whylen);
                        steps++;
                        goto restart;
                    }
                }
            }
        }
        break;
    }
    free(cand);
    free(elem);
    free(cwhy);
    return steps;
}

/* prop_check(spec, opts): run opts->tests random cases of the property.
 * Returns 0 when all pass ("prop NAME: OK, passed N tests (seed S)"), 1 on a
 * failure, after printing the failing seed, the shrunk counterexample and the
 * reason.  Aborts on OOM. */
static inline int prop_check(const struct prop_spec *s, const struct prop_opts *o)
{
    struct prop_gen g = prop_gen_seed(o->seed, o->size);
    size_t maxn = s->max_len ? s->max_len : (o->size > s->min_len ? o->size : s->min_len + 1);
    unsigned char *c = malloc(maxn * s->elem_size + 1);
    char why[512];
    KIT_CHECK(c != NULL);
    for (uint64_t t = 1; t <= o->tests; t++) {
        size_t n = s->max_len ? s->min_len + (size_t)prop_below(&g, s->max_len - s->min_len + 1)
                              : (size_t)prop_below(&g, maxn);
        if (n < s->min_len)
            n = s->min_len;
        for (size_t i = 0; i < n; i++)
            s->gen(&g, c + i * s->elem_size, s->ctx);
        why[0] = '\0';
        if (s->check(c, n, s->ctx, why, sizeof why) == 0)
            continue;
        size_t n0 = n;
        fprintf(o->out, "prop %s: FAILED on test %" PRIu64 " of %" PRIu64 " (seed %" PRIu64
                "; replay with --seed %" PRIu64 " or PROP_SEED=%" PRIu64 ")\n",
                s->name, t, o->tests, o->seed, o->seed, o->seed);
        unsigned long steps = prop_shrink_case(s, o, c, &n, why, sizeof why);
        fprintf(o->out, "prop %s: shrunk from %zu to %zu elements in %lu steps; minimal counterexample:\n",
                s->name, n0, n, steps);
        for (size_t i = 0; i < n; i++) {
            fprintf(o->out, "  [%zu] ", i);
            s->show(o->out, c + i * s->elem_size, s->ctx);
            fputc('\n', o->out);
        }
        fprintf(o->out, "prop %s: why: %s\n", s->name, why[0] ? why : "(no reason given)");
        fflush(o->out);
        free(c);
        return 1;
    }
    fprintf(o->out, "prop %s: OK, passed %" PRIu64 " tests (seed %" PRIu64 ")\n", s->name, o->tests, o->seed);
    fflush(o->out);
    free(c);
    return 0;
}

/* prop_as_check(spec, opts): run one property (prop_check) and report it as one
 * check.h check, "ok NAME holds for N cases (seed S)".  prop.h's report goes
 * to a memory stream: on a failure it is printed as '#' note lines, and the
 * FAIL line's detail carries the same report on one line - the failing test,
 * the seed to replay, the shrunk counterexample and the reason - so a test
 * log shows the counterexample even where only check lines are kept.
 * Returns 0 when the property held, 1 when it failed. */
static inline int prop_as_check(const struct prop_spec *s, struct prop_opts o)
{
    char *rep = NULL, what[160], detail[480] = "", *line, *save = NULL;
    size_t replen = 0, used = 0, plen = strlen(s->name) + 7;   /* "prop NAME: " */
    FILE *f = open_memstream(&rep, &replen);
    KIT_CHECK(f != NULL);
    o.out = f;
    int failed = prop_check(s, &o);
    KIT_CHECK(fclose(f) == 0);
    for (line = strtok_r(rep, "\n", &save); failed && line; line = strtok_r(NULL, "\n", &save)) {
        check_note("%s", line);
        const char *t = strncmp(line, "prop ", 5) == 0 && strlen(line) >= plen ? line + plen : line;
        while (*t == ' ')
            t++;
        const char *sep = used == 0 ? "" : detail[used - 1] == ':' ? " " : "; ";
        int n = snprintf(detail + used, sizeof detail - used, "%s%s", sep, t);
        if (n > 0)
            used = used + (size_t)n < sizeof detail ? used + (size_t)n : sizeof detail - 1;
    }
    snprintf(what, sizeof what, "%s holds for %" PRIu64 " cases (seed %" PRIu64 ")", s->name, o.tests, o.seed);
    CHECK_THAT(!failed, what, "%s", detail);
    free(rep);
    return failed;
}

#endif /* PROP_H */
