/* roundtrip.h - the threaded round trip of hopper's tests (book ch. 5,
 * 2.10.1-2.10.2), shared by hopper_prop and hopper_loop_stress. */
#ifndef HOPPER_ROUNDTRIP_H
#define HOPPER_ROUNDTRIP_H
#include <stddef.h>
#include <stdint.h>

#include "hopper.h"

/* Send vals[0..n) through h (elem_size 8) from `senders` threads - vals cut in
 * chunks of n / senders, one thread a chunk, so one more thread than senders
 * when there is a remainder, as in the book - while one receiver thread takes
 * n values.  Senders retry refused sends (checking the value came back
 * untouched) for up to 20 s, then flush; the receiver waits up to 10 s for each
 * value.  ordered 1: the received sequence must equal vals (one sender);
 * ordered 2: vals are (chunk << 32 | index), and each chunk's values must
 * arrive in their order (per-sender FIFO), each once; ordered 0:
 * sorted(received) must equal sorted(sent) (the book's check).  Returns 0, or 1 with the reason
 * in why.  senders >= 1, n >= senders. */
int hq_round_trip(struct hopper *h, uint64_t senders, const uint64_t *vals, uint64_t n, int ordered, char *why,
                  size_t whylen);
#endif
