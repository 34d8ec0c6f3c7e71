/* ckms.h - the CKMS approximate quantile summary, as the book's telem uses it
 * through the Rust crate quantiles 0.7 (ch. 4.8.8).
 *
 * Cormode, Korn, Muthukrishnan, Srivastava, "Effective Computation of Biased
 * Quantiles over Data Streams" (ICDE 2005), in the crate's flat form: samples
 * {v, g, delta} sorted by v; an insert adds {x, 1, invariant(r) - 1}; every
 * 1/(2 eps) inserts, compress() merges neighbours whose combined g + delta fit
 * the invariant.  Bit-exact with the crate while at most 2,048 samples are
 * stored (the crate then switches to blocks with quirks of its own); beyond
 * that, ckms_test checks the eps rank bound instead.  Not thread-safe: each
 * summary belongs to one thread (telem's CKMS egress). */
#ifndef CKMS_H
#define CKMS_H
#include <stddef.h>
#include <stdint.h>

struct ckms_entry { uint32_t v, g, delta; };

struct ckms {
    double eps;                /* rank error, clamped to [1e-10, 0.99] */
    size_t insert_threshold;   /* compress every this many inserts: 1/(2 eps) */
    size_t inserts;            /* inserts since the last compress, mod threshold */
    uint64_t n;                /* values inserted */
    struct ckms_entry *s;      /* samples, ascending by v */
    size_t len, cap;
};

/* Initialize an empty summary with error eps (book: 0.01). */
void ckms_init(struct ckms *c, double eps);
/* Free the samples; the summary may be re-initialized. */
void ckms_free(struct ckms *c);
/* Add one value.  Returns 0, or -1 with errno = ENOMEM (summary unchanged). */
int ckms_insert(struct ckms *c, uint32_t x);
/* Approximate q-quantile, q in [0, 1]: stores the value and the crate's
 * reported rank (see ckms.c) and returns 0; -1 when the summary is empty. */
int ckms_query(const struct ckms *c, double q, size_t *rank, uint32_t *value);

#endif
