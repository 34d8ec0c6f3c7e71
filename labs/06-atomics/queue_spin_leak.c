/* queue_spin_leak - BROKEN ON PURPOSE: queue_spin on the book repository's
 * variant of the queue, which never frees the old head (no use-after-free,
 * no crash - an unbounded leak instead). */
#define MSQUEUE_BAD_LEAK 1
#include "msqueue_bad.c"
#include "queue_spin.c"
