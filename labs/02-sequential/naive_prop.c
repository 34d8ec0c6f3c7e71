/* naive_prop - the book's property tests of the naive map (ch. 2, tests in
 * naive_hashmap/src/lib.rs): get_what_you_give and sut_vs_genuine_article,
 * here sut_vs_model, on common/prop.h; one common/check.h check per property.
 * Its twin naive_weakhash_prop (Makefile: -DWEAK_HASH) is BROKEN ON PURPOSE:
 * the naive map's hash becomes key & 0xF (naive_map.h), and sut_vs_model must
 * fail and shrink to two actions on colliding keys. */
#include "naive_map.h"
#include "qc_actions.h"

#if WEAK_HASH
#define WHAT "naive_weakhash_prop: BROKEN ON PURPOSE - the naive map's tests with WEAK_HASH\n" \
             "(hash = key & 0xF).  EXPECTED TO FAIL: the naive map compares hashes, never\n"   \
             "keys, so two keys with the same weak hash share an entry; sut_vs_model shrinks\n" \
             "it to 2 actions.  Its correct twin is naive_prop."
#else
#define WHAT "naive_prop: property tests of the naive map (SipHash-1-3, key from the seed):\n" \
             "get_what_you_give and sut_vs_model (Insert 51% / Lookup 49%, u8 keys)."
#endif

/* get_what_you_give(k: u16, v: u16): insert into a fresh map returns None,
 * then get(k) == Some(v). */
static void gwyg_gen(struct prop_gen *g, void *elem, void *ctx)
{
    uint16_t *kv = elem;
    (void)ctx;
    kv[0] = (uint16_t)prop_uint(g, UINT16_MAX);
    kv[1] = (uint16_t)prop_uint(g, UINT16_MAX);
}
static int gwyg_shrink(const void *elem, unsigned k, void *out, void *ctx)
{
    const uint16_t *kv = elem;
    uint16_t *o = out;
    uint64_t v = 0;
    unsigned nk = prop_shrink_uint_count(kv[0]);
    (void)ctx;
    o[0] = kv[0]; o[1] = kv[1];
    if (k < nk) { prop_shrink_uint(kv[0], k, &v); o[0] = (uint16_t)v; return 1; }
    if (prop_shrink_uint(kv[1], k - nk, &v)) { o[1] = (uint16_t)v; return 1; }
    return 0;
}
static void gwyg_show(FILE *f, const void *elem, void *ctx)
{
    const uint16_t *kv = elem;
    (void)ctx;
    fprintf(f, "k = %u, v = %u", kv[0], kv[1]);
}
static int gwyg_check(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    const uint16_t *kv = elems;
    struct qc_ctx *q = ctx;
    struct naive_map m;
    uint32_t old;
    int bad = 0;
    if (n != 1)
        return 0;
    naive_init(&m, q->hasher);
    if (naive_insert(&m, kv[0], kv[1], &old)) {
        snprintf(why, whylen, "insert into an empty map returned Some(%" PRIu32 ")", old);
        bad = 1;
    } else {
        const uint32_t *got = naive_get(&m, kv[0]);
        if (got == NULL || *got != kv[1]) {
            snprintf(why, whylen, "get(%u) returned %s", kv[0], got ? "another value" : "None");
            bad = 1;
        }
    }
    naive_free(&m);
    return bad;
}

/* sut_vs_model: every insert's old value and every lookup equal the model's. */
static struct qc_model model;
static int svm_check(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    const struct qc_action *a = elems;
    struct qc_ctx *q = ctx;
    struct naive_map m;
    int bad = 0;
    memset(&model, 0, sizeof model);
    naive_init(&m, q->hasher);
    for (size_t i = 0; i < n && !bad; i++) {
        uint32_t sold = 0, mold;
        bool shad;
        if (a[i].kind == QC_INSERT) {
            shad = naive_insert(&m, a[i].key, a[i].val, &sold);
        } else {
            const uint32_t *p = naive_get(&m, a[i].key);
            shad = p != NULL;
            if (p) sold = *p;
        }
        bool mhad = qc_model_apply(&model, &a[i], &mold);
        bad = qc_compare(i, &a[i], shad, sold, mhad, mold, why, whylen);
    }
    naive_free(&m);
    return bad;
}

int main(int argc, char **argv)
{
    struct prop_opts o = qc_parse(argc, argv, WHAT);
    struct qc_ctx q = { UINT8_MAX, false, map_hasher_make(NULL, 1, o.seed) };
#if WEAK_HASH
    printf("naive_weakhash_prop: BROKEN ON PURPOSE: hash = key & 0xF and the naive map compares hashes, "
           "never keys; sut_vs_model is expected to FAIL\n");
#endif
    struct prop_spec gwyg = { "get_what_you_give", 2 * sizeof(uint16_t), 1, 1,
                              gwyg_gen, gwyg_shrink, gwyg_check, gwyg_show, &q };
    struct prop_spec svm = { "sut_vs_model", sizeof(struct qc_action), 0, 0,
                             qc_gen, qc_shrink, svm_check, qc_show, &q };
    prop_as_check(&gwyg, o);
    prop_as_check(&svm, o);
    return check_done();
}
