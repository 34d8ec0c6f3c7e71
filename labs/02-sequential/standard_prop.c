/* standard_prop - model-based property tests of the Robin Hood map (rh_map.h),
 * a kit addition: the book trusts std's HashMap; here the "standard" map is
 * ours, so it gets the same test plus Remove (backward-shift deletion), run
 * with SipHash and with FxHash, and the table's invariants after every step:
 * size = full buckets, hashes carry the top bit, Robin Hood ordering (a
 * bucket's displacement is at most its predecessor's + 1), every key findable.
 * One common/check.h check per property run (three). */
#include "rh_map.h"
#include "qc_actions.h"

/* Returns NULL if the table is well-formed, else what is wrong. */
static const char *rh_invariants(const struct rh_map *m)
{
    size_t cap = rh_capacity(m), full = 0;
    for (size_t i = 0; i < cap; i++) {
        uint64_t h = m->hashes[i];
        if (h == 0)
            continue;
        full++;
        if (!(h & RH_SAFE_BIT))
            return "a stored hash lacks the top bit";
        size_t d = rh_displacement(m, i, h), prev = (i - 1) & m->mask;
        if (d > 0 && (m->hashes[prev] == 0 || rh_displacement(m, prev, m->hashes[prev]) + 1 < d))
            return "Robin Hood order broken: a displacement grows by more than 1";
        if (rh_find(m, m->pairs[i].key) != i)
            return "a stored key is not found at its bucket";
    }
    if (full != m->size)
        return "size differs from the number of full buckets";
    if (cap && m->size > cap * 10 / 11)
        return "load factor above 10/11";
    return NULL;
}

static struct qc_model model;
static int svm_check(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    const struct qc_action *a = elems;
    struct qc_ctx *q = ctx;
    struct rh_map m;
    int bad = 0;
    memset(&model, 0, sizeof model);
    rh_init(&m, q->hasher);
    for (size_t i = 0; i < n && !bad; i++) {
        uint32_t sold = 0, mold;
        bool shad;
        if (a[i].kind == QC_INSERT) {
            shad = rh_insert(&m, a[i].key, a[i].val, &sold);
        } else if (a[i].kind == QC_REMOVE) {
            shad = rh_remove(&m, a[i].key, &sold);
        } else {
            const uint32_t *p = rh_get(&m, a[i].key);
            shad = p != NULL;
            if (p) sold = *p;
        }
        bool mhad = qc_model_apply(&model, &a[i], &mold);
        bad = qc_compare(i, &a[i], shad, sold, mhad, mold, why, whylen);
        const char *inv = bad ? NULL : rh_invariants(&m);
        if (inv) {
            snprintf(why, whylen, "after action [%zu]: %s", i, inv);
            bad = 1;
        }
    }
    rh_free(&m);
    return bad;
}

int main(int argc, char **argv)
{
    struct prop_opts o = qc_parse(argc, argv,
        "standard_prop: sut_vs_model for the Robin Hood map with Insert/Lookup/Remove,\n"
        "u8 keys and u16 keys (longer sequences: resizes, clusters), SipHash-1-3 and FxHash.");
    struct qc_ctx q8 = { UINT8_MAX, true, map_hasher_make(NULL, 1, o.seed) };
    struct qc_ctx q16 = { UINT16_MAX, true, map_hasher_make(NULL, 1, o.seed) };
    struct qc_ctx qfx = { UINT8_MAX, true, map_hasher_make("fx", 1, o.seed) };
    struct prop_spec s8 = { "sut_vs_model (u8 keys, sip13)", sizeof(struct qc_action), 0, 0,
                            qc_gen, qc_shrink, svm_check, qc_show, &q8 };
    struct prop_spec sfx = s8, s16 = s8;
    sfx.name = "sut_vs_model (u8 keys, fx)";
    sfx.ctx = &qfx;
    s16.name = "sut_vs_model (u16 keys, sip13, size x10)";
    s16.ctx = &q16;
    prop_as_check(&s8, o);
    prop_as_check(&sfx, o);
    struct prop_opts o16 = o;
    o16.size = o.size * 10;   /* up to 999 actions over 0..999: several resizes */
    prop_as_check(&s16, o16);
    return check_done();
}
