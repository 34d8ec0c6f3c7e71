/* ckms.h - the CKMS approximate quantile summary, as the book's telem uses it
 * through the Rust crate quantiles 0.7 (ch. 4.8.8).
 *
 * Cormode, Korn, Muthukrishnan, Srivastava, "Effective Computation of Biased
 * Quantiles over Data Streams" (ICDE 2005), in the crate's flat form: samples
 * {v, g, delta} sorted by v; an insert adds {x, 1, invariant(r) - 1}; every
 * 1/(2 eps) inserts, compress() merges neighbours whose combined g + delta fit
 * the invariant.  Bit-exact with the crate while at most 2,048 samples are
 * stored (the crate then switches to blocks with quirks of its own); beyond
 * that, ckms_test checks the eps rank bound instead.
 * A lesson module of lab 4 (telem's CKMS egress); later labs link it through
 * `USES := 04-sync-send/ckms`.  Needs no libm.
 *
 * Synchronization: none inside, no atomics, no locks; a summary belongs to
 * one thread at a time (telem: the CKMS egress thread), or the caller locks.
 *
 *   operation      concurrently with, on the same summary
 *   ckms_init      nothing
 *   ckms_insert    nothing (it moves samples and may realloc them)
 *   ckms_query     other ckms_query calls only (it only reads)
 *   ckms_free      nothing
 *
 * Different summaries are independent: any operations on distinct struct
 * ckms may run at the same time.  Handing a summary to another thread needs
 * a happens-before edge (a mutex, a channel send/recv, pthread_join). */
#ifndef CKMS_H
#define CKMS_H
#include <stddef.h>
#include <stdint.h>

struct ckms_entry { uint32_t v, g, delta; };

struct ckms {
    double eps;                /* rank error, in [1e-10, 1) */
    size_t insert_threshold;   /* compress every this many inserts: 1/(2 eps) */
    size_t inserts;            /* inserts since the last compress, mod threshold */
    uint64_t n;                /* values inserted */
    struct ckms_entry *s;      /* samples, ascending by v */
    size_t len, cap;
};

/* Initialize an empty summary with rank error eps (book: 0.01; an eps at or
 * below 1e-10 becomes 1e-10, one at or above 1 becomes 0.99).  Allocates
 * nothing. */
void ckms_init(struct ckms *c, double eps);
/* Free the samples; the summary may then be re-initialized with ckms_init. */
void ckms_free(struct ckms *c);
/* Add one value: O(log len) to find its place, O(len) to shift samples, and
 * every 1/(2 eps) inserts an O(len^2)-worst compress.  Returns 0, or -1 with
 * errno = ENOMEM (summary unchanged). */
int ckms_insert(struct ckms *c, uint32_t x);
/* Approximate q-quantile, q in [0, 1]: stores the value and the crate's
 * reported rank (see ckms.c) and returns 0; -1 when the summary is empty
 * (nothing stored).  The value's rank in the stream is within eps * n + 1
 * of q * n, at every n (the + 1: q * n rounded to a whole rank): ckms_test's
 * property. */
int ckms_query(const struct ckms *c, double q, size_t *rank, uint32_t *value);

#endif
