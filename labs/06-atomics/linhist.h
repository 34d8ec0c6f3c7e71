/* linhist.h - parse a FIFO-queue history written as the book prints it
 * (ch. 6 section 2), one event a line, in time order:
 *
 *   A: Enq(x) 0        invocation of enq(x) by thread A (the label is optional)
 *   B: Deq()           invocation of deq by thread B
 *   B: Ok(x)           response: deq returned x; Ok(()) answers an Enq,
 *                      Err(Empty) is an empty deq
 *   # comment, blank lines
 *
 * Names (threads, values) are 1-15 characters of [A-Za-z0-9_].  The input is
 * untrusted (lin_check_demo --file): every length is checked, nothing is allocated,
 * and the fuzz entry point lin_fuzz.c exercises it. */
#ifndef LINHIST_H
#define LINHIST_H
#include <stddef.h>
#include "lincheck.h"

#define LIN_MAX_NAMES 64
#define LIN_NAME_LEN 16

struct lin_history {
    struct lin_op ops[LIN_MAX_OPS];
    size_t n;
    char threads[LIN_MAX_NAMES][LIN_NAME_LEN], values[LIN_MAX_NAMES][LIN_NAME_LEN];
    size_t nthreads, nvalues;
};

/* Parse text[0..len) into *h.  Returns 0, or -1 with a one-line message
 * naming the line in err.  Each event's time stamp is its position in the text. */
int lin_parse(const char *text, size_t len, struct lin_history *h, char *err, size_t errlen);
#endif
