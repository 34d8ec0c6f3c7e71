/* specialized_prop - the model-based property test (sut_vs_model) for the
 * specialized map, HashMapU8 (u8_map.h): Insert 51% / Lookup 49%, u8 keys.
 * One common/check.h check. */
#include "siphash.h"
#include "u8_map.h"
#include "qc_actions.h"

static struct qc_model model;
static int svm_check(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    const struct qc_action *a = elems;
    struct u8_map m;
    int bad = 0;
    (void)ctx;
    memset(&model, 0, sizeof model);
    u8_init(&m);
    for (size_t i = 0; i < n && !bad; i++) {
        uint32_t sold = 0, mold;
        bool shad;
        if (a[i].kind == QC_INSERT) {
            shad = u8_insert(&m, (uint8_t)a[i].key, a[i].val, &sold);
        } else {
            const uint32_t *p = u8_get(&m, (uint8_t)a[i].key);
            shad = p != NULL;
            if (p) sold = *p;
        }
        bool mhad = qc_model_apply(&model, &a[i], &mold);
        bad = qc_compare(i, &a[i], shad, sold, mhad, mold, why, whylen);
    }
    return bad;
}

int main(int argc, char **argv)
{
    struct prop_opts o = qc_parse(argc, argv,
        "specialized_prop: sut_vs_model for HashMapU8, the 256-slot direct-address map.");
    struct qc_ctx q = { UINT8_MAX, false, map_hasher_make(NULL, 1, o.seed) };
    struct prop_spec svm = { "sut_vs_model", sizeof(struct qc_action), 0, 0,
                             qc_gen, qc_shrink, svm_check, qc_show, &q };
    prop_as_check(&svm, o);
    return check_done();
}
