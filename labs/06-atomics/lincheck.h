/* lincheck.h - a linearizability checker for short FIFO-queue histories
 * (Herlihy & Wing 1990; the search is Wing & Gong's 1993 "Testing and
 * verifying concurrent objects", with Lowe's 2017 memoization of visited
 * (linearized set, queue state) pairs).
 *
 * A history is a set of operations, each with an invocation and (unless
 * pending) a response time stamp; op A precedes op B when res(A) < inv(B).
 * The history is linearizable iff some order of its completed operations, plus
 * any subset of its pending ones, respects that precedence and is a legal run
 * of a sequential FIFO queue giving the recorded results (ch. 6 section 2). */
#ifndef LINCHECK_H
#define LINCHECK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIN_MAX_OPS 64

enum lin_kind { LIN_ENQ, LIN_DEQ };

struct lin_op {
    int thread;         /* for printing */
    enum lin_kind kind;
    long arg;           /* ENQ: the value */
    bool pending;       /* no response recorded */
    bool ok;            /* DEQ: true = returned `result`, false = returned empty */
    long result;
    uint64_t inv, res;  /* time stamps; res is ignored when pending */
};

/* Verdicts of lin_check_queue. */
enum { LIN_NO = 0, LIN_YES = 1, LIN_UNKNOWN = -1 };
/* The search gives up (LIN_UNKNOWN) after this many steps: a hostile 64-op
 * history must not run for hours. */
#define LIN_MAX_STEPS 5000000u

/* Search for a linearization of ops[0..n) (n <= LIN_MAX_OPS).  Returns LIN_YES
 * if one exists and writes it into order[] (indices into ops, all n of them:
 * pending operations are completed, at the end if nothing forced them earlier).
 * LIN_NO if none exists, LIN_UNKNOWN if the step budget ran out.
 * Exponential in the worst case; fine for the short histories it is meant for. */
int lin_check_queue(const struct lin_op *ops, size_t n, size_t *order, size_t *norder);
#endif
