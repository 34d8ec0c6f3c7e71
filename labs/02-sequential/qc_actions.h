/* qc_actions.h - the actions of the book's model-based test
 * sut_vs_genuine_article (ch. 2, after Hughes 2016), for common/prop.h:
 * Insert(k, v) 51% and Lookup(k) 49% (the book's match arm 0...50 of 0..100),
 * keys and values from quickcheck's unsigned generator (0..99 at size 100),
 * checked against a model that is obviously right: a direct-address table.
 * standard_prop adds Remove for the Robin Hood map's backward-shift deletion.
 * Also what the *_prop programs share: their options (qc_parse).
 */
#ifndef QC_ACTIONS_H
#define QC_ACTIONS_H

#include <stdbool.h>
#include "prop.h"

enum qc_kind { QC_INSERT, QC_LOOKUP, QC_REMOVE };
struct qc_action { uint8_t kind; uint16_t key; uint16_t val; };

/* What the generator draws: key type bound, and whether Remove is included. */
struct qc_ctx { uint64_t key_max; bool removes; struct map_hasher hasher; };

static void qc_gen(struct prop_gen *g, void *elem, void *ctx)
{
    struct qc_ctx *q = ctx;
    struct qc_action *a = elem;
    uint64_t i = prop_below(g, 100);
    if (q->removes)   /* 45% insert, 35% lookup, 20% remove */
        a->kind = i < 45 ? QC_INSERT : i < 80 ? QC_LOOKUP : QC_REMOVE;
    else
        a->kind = i <= 50 ? QC_INSERT : QC_LOOKUP;
    a->key = (uint16_t)prop_uint(g, q->key_max);
    a->val = a->kind == QC_INSERT ? (uint16_t)prop_uint(g, UINT16_MAX) : 0;
}

/* Shrink the key first, then an insert's value, each toward 0.  (The book's
 * Action has no shrinker; shrinking fields too gives smaller counterexamples.) */
static int qc_shrink(const void *elem, unsigned k, void *out, void *ctx)
{
    const struct qc_action *a = elem;
    struct qc_action *o = out;
    uint64_t v = 0;
    unsigned nk = prop_shrink_uint_count(a->key);
    (void)ctx;
    *o = *a;
    if (k < nk) {
        prop_shrink_uint(a->key, k, &v);
        o->key = (uint16_t)v;
        return 1;
    }
    if (a->kind == QC_INSERT && prop_shrink_uint(a->val, k - nk, &v)) {
        o->val = (uint16_t)v;
        return 1;
    }
    return 0;
}

static void qc_show(FILE *f, const void *elem, void *ctx)
{
    const struct qc_action *a = elem;
    (void)ctx;
    if (a->kind == QC_INSERT)
        fprintf(f, "INSERT %u %u", a->key, a->val);
    else
        fprintf(f, "%s %u", a->kind == QC_LOOKUP ? "LOOKUP" : "REMOVE", a->key);
}

/* The model: a direct-address table over all u16 keys. */
struct qc_model { bool present[65536]; uint32_t val[65536]; };

/* Apply a to the model; returns whether a value was there, *old its value. */
static bool qc_model_apply(struct qc_model *m, const struct qc_action *a, uint32_t *old)
{
    bool had = m->present[a->key];
    *old = m->val[a->key];
    if (a->kind == QC_INSERT) {
        m->present[a->key] = true;
        m->val[a->key] = a->val;
    } else if (a->kind == QC_REMOVE) {
        m->present[a->key] = false;
    }
    return had;
}

/* Compare one step's results; on a mismatch write the reason, return 1. */
static int qc_compare(size_t i, const struct qc_action *a, bool sut_had, uint32_t sut_old,
                      bool model_had, uint32_t model_old, char *why, size_t whylen)
{
    if (sut_had == model_had && (!sut_had || sut_old == model_old))
        return 0;
    char s[32], m[32];
    if (sut_had) snprintf(s, sizeof s, "Some(%" PRIu32 ")", sut_old); else snprintf(s, sizeof s, "None");
    if (model_had) snprintf(m, sizeof m, "Some(%" PRIu32 ")", model_old); else snprintf(m, sizeof m, "None");
    int n = snprintf(why, whylen, "action [%zu] ", i);
    if (n > 0 && (size_t)n < whylen) {
        FILE *f = fmemopen(why + n, whylen - (size_t)n, "w");
        if (f) { qc_show(f, a, NULL); fclose(f); }
    }
    size_t used = strlen(why);
    snprintf(why + used, whylen - used, ": system under test returned %s, model %s", s, m);
    return 1;
}


/* The *_prop programs' options: --seed, --tests, --size (defaults from prop.h). */
static struct prop_opts qc_parse(int argc, char **argv, const char *what)
{
    static const struct option lo[] = {
        { "seed", required_argument, 0, 's' }, { "tests", required_argument, 0, 't' },
        { "size", required_argument, 0, 'z' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    struct prop_opts o = prop_opts_default();
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 's': o.seed = kit_arg_u64("seed", optarg, 0, UINT64_MAX); break;
        case 't': o.tests = kit_arg_u64("tests", optarg, 1, 100000000); break;
        case 'z': o.size = kit_arg_u64("size", optarg, 1, 100000); break;
        case 'h':
            printf("usage: %s [--seed S] [--tests N] [--size N]\n\n%s\n\n"
                   "Property tests (common/prop.h, QuickCheck-style): N random cases (default 100,\n"
                   "or PROP_TESTS), values below the size (default 100, or PROP_SIZE), from seed S\n"
                   "(default random, or PROP_SEED; the same seed replays the same cases).  One\n"
                   "'ok'/'FAIL' line per property (common/check.h); a failure is shrunk to a minimal\n"
                   "counterexample, printed with its seed ('#' lines and the FAIL line); exit status 1.\n",
                   program_invocation_short_name, what);
            exit(0);
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    return o;
}

#endif /* QC_ACTIONS_H */
