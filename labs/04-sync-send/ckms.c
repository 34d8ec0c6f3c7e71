/* ckms.c - see ckms.h.  Every step follows quantiles 0.7's CKMS (notes 4.8.8),
 * including its quirks, so the book's output comes out exactly. */
#include "ckms.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The error invariant f(r) = floor(2 eps r), at least 1, at most UINT32_MAX.
 * The conversion to an integer is the floor (x >= 1 here, so truncation
 * rounds down), which keeps the module free of libm for the labs that use it. */
static uint32_t invariant(double r, double eps)
{
    double x = 2.0 * eps * r;
    return x < 1.0 ? 1u : x >= 4294967295.0 ? UINT32_MAX : (uint32_t)x;
}

void ckms_init(struct ckms *c, double eps)
{
    memset(c, 0, sizeof *c);
    if (eps <= 1e-10)
        eps = 1e-10;
    else if (eps >= 1.0)
        eps = 0.99;
    c->eps = eps;
    double t = 1.0 / (2.0 * eps);
    c->insert_threshold = t < 1.0 ? 1 : t > 1e9 ? 1000000000u : (size_t)t;
}

void ckms_free(struct ckms *c)
{
    free(c->s);
    c->s = NULL;
    c->len = c->cap = 0;
}

static void compress(struct ckms *c)
{
    if (c->len < 3)
        return;
    /* The crate walks cur/nxt and removes each merged sample from its Vec;
     * this is the same walk as one compaction pass (j reads, cur writes), so
     * a compress costs O(len) rather than O(len) per merge. */
    size_t cur = 0, r = 1;
    struct ckms_entry *s = c->s;
    for (size_t j = 1; j < c->len; j++) {
        uint64_t merged = (uint64_t)s[cur].g + s[j].g + s[j].delta;
        if (merged <= invariant((double)r, c->eps)) {
            s[cur].v = s[j].v;
            s[cur].g += s[j].g;
            s[cur].delta = s[j].delta;
        } else {
            s[++cur] = s[j];
        }
        r++; /* advances on every step, merged or not: the crate's rule */
    }
    c->len = cur + 1;
}

int ckms_insert(struct ckms *c, uint32_t x)
{
    if (c->len == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 64;
        struct ckms_entry *ns = realloc(c->s, ncap * sizeof *ns);
        if (!ns) {
            errno = ENOMEM;
            return -1;
        }
        c->s = ns;
        c->cap = ncap;
    }
    size_t i;
    uint32_t delta = 0;
    if (c->len == 0 || c->s[0].v >= x) {
        i = 0; /* ties with the minimum go first */
    } else if (c->s[c->len - 1].v < x) {
        i = c->len;
    } else {
        size_t lo = 0, hi = c->len; /* first index with v >= x */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (c->s[mid].v < x)
                lo = mid + 1;
            else
                hi = mid;
        }
        i = lo;
        /* r is the number of stored samples below x, not the sum of their g:
         * the crate's choice, kept for identical output. */
        delta = invariant((double)i, c->eps) - 1;
    }
    memmove(&c->s[i + 1], &c->s[i], (c->len - i) * sizeof *c->s);
    c->s[i] = (struct ckms_entry){ x, 1, delta };
    c->len++;
    c->n++;
    c->inserts = (c->inserts + 1) % c->insert_threshold;
    if (c->inserts == 0)
        compress(c);
    return 0;
}

int ckms_query(const struct ckms *c, double q, size_t *rank, uint32_t *value)
{
    if (c->len == 0)
        return -1;
    double nphi = q * (double)c->n;
    double bound = nphi + (double)invariant(nphi, c->eps) / 2.0;
    uint64_t r = 0;
    for (size_t i = 1; i < c->len; i++) {
        r += c->s[i - 1].g;
        if ((double)(r + c->s[i].g + c->s[i].delta) > bound) {
            *rank = (size_t)r;
            *value = c->s[i - 1].v;
            return 0;
        }
    }
    *rank = c->len; /* the crate reports the stored-sample count here */
    *value = c->s[c->len - 1].v;
    return 0;
}
