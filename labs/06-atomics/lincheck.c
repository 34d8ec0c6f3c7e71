/* lincheck.c - the Wing & Gong search for queue histories; see lincheck.h. */
#include <stdlib.h>
#include <string.h>
#include "kit.h"
#include "lincheck.h"

#define MEMO_BITS 16

struct search {
    const struct lin_op *ops;
    size_t n;
    uint64_t done_mask;       /* completed ops: all must be linearized */
    long q[2 * LIN_MAX_OPS + 2];
    size_t qh, qt;            /* model queue = q[qh..qt) */
    size_t *order, depth;
    uint64_t steps;           /* search() calls, against LIN_MAX_STEPS */
    uint64_t memo[1u << MEMO_BITS][2]; /* (mask, state hash) seen and failed */
};

static uint64_t state_hash(const struct search *s, uint64_t mask)
{
    uint64_t h = 1469598103934665603u ^ mask;
    for (size_t i = s->qh; i < s->qt; i++)
        h = (h ^ (uint64_t)s->q[i]) * 1099511628211u;
    return h | 1; /* 0 marks an empty memo slot */
}

static bool seen(struct search *s, uint64_t mask, uint64_t h, bool insert)
{
    size_t slot = (size_t)(h ^ (h >> 29) ^ mask) & ((1u << MEMO_BITS) - 1);
    for (size_t k = 0; k < 8; k++) {
        uint64_t *e = s->memo[(slot + k) & ((1u << MEMO_BITS) - 1)];
        if (e[1] == 0) {
            if (insert) { e[0] = mask; e[1] = h; }
            return false;
        }
        if (e[0] == mask && e[1] == h)
            return true;
    }
    return false; /* full neighbourhood: just search again */
}

static bool search(struct search *s, uint64_t mask)
{
    if ((mask & s->done_mask) == s->done_mask)
        return true;
    if (++s->steps > LIN_MAX_STEPS)
        return false; /* out of budget: unwinds without recording anything */
    uint64_t h = state_hash(s, mask);
    if (seen(s, mask, h, false))
        return false;
    /* the earliest response among the remaining completed ops: a candidate
     * must be invoked before it (else that op precedes the candidate) */
    uint64_t min_res = UINT64_MAX;
    for (size_t i = 0; i < s->n; i++)
        if (!(mask >> i & 1) && !s->ops[i].pending && s->ops[i].res < min_res)
            min_res = s->ops[i].res;
    for (size_t i = 0; i < s->n; i++) {
        const struct lin_op *o = &s->ops[i];
        if ((mask >> i & 1) || o->inv > min_res)
            continue;
        s->order[s->depth++] = i;
        if (o->kind == LIN_ENQ) {
            s->q[s->qt++] = o->arg;
            if (search(s, mask | 1ull << i))
                return true;
            s->qt--;
        } else if (s->qh == s->qt) {
            if ((o->pending || !o->ok) && search(s, mask | 1ull << i))
                return true;
        } else {
            long front = s->q[s->qh];
            if (o->pending || (o->ok && o->result == front)) {
                s->qh++;
                if (search(s, mask | 1ull << i))
                    return true;
                s->q[--s->qh] = front;
            }
        }
        s->depth--;
    }
    if (s->steps <= LIN_MAX_STEPS)
        seen(s, mask, h, true);
    return false;
}

int lin_check_queue(const struct lin_op *ops, size_t n, size_t *order, size_t *norder)
{
    KIT_CHECK(n <= LIN_MAX_OPS);
    struct search *s = calloc(1, sizeof *s);
    KIT_CHECK(s != NULL);
    s->ops = ops;
    s->n = n;
    for (size_t i = 0; i < n; i++)
        if (!ops[i].pending)
            s->done_mask |= 1ull << i;
    s->qh = s->qt = LIN_MAX_OPS + 1;
    s->order = order;
    bool ok = search(s, 0);
    if (ok) {
        /* Complete the pending ops left out (the book's H' adds their
         * responses): after everything else they can always take effect. */
        uint64_t in = 0;
        for (size_t i = 0; i < s->depth; i++)
            in |= 1ull << order[i];
        for (size_t i = 0; i < n; i++)
            if (!(in >> i & 1))
                order[s->depth++] = i;
    }
    *norder = ok ? s->depth : 0;
    int verdict = ok ? LIN_YES : s->steps > LIN_MAX_STEPS ? LIN_UNKNOWN : LIN_NO;
    free(s);
    return verdict;
}
