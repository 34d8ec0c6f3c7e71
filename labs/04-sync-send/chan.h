/* chan.h - the MPSC channel C lacks: Rust's std::sync::mpsc in ~200 lines.
 *
 * One mutex guards a ring of fixed-size elements; two condition variables
 * (not_full, not_empty) put blocked senders and the receiver to sleep.
 * Bounded (cap > 0, like sync_channel: send blocks while full) or unbounded
 * (cap == 0, like channel(): the ring doubles as needed, memory is the limit).
 * Senders are reference counted: the channel starts with one sender and one
 * receiver; chan_sender_clone adds a sender, and the channel is freed when the
 * last handle is dropped.  All memory ordering comes from the mutex.
 * Book: ch. 4, data_race03 and the telemetry server (sections 4.7, 4.8). */
#ifndef CHAN_H
#define CHAN_H
#include <stddef.h>

enum chan_status {
    CHAN_OK = 0,
    CHAN_FULL,   /* try_send: bounded channel at capacity (the value was not taken) */
    CHAN_EMPTY,  /* try_recv: nothing queued, senders still alive */
    CHAN_CLOSED, /* send: receiver gone; recv: every sender gone and the queue drained */
};

struct chan;

/* New channel of elements of elem_size bytes (> 0); cap > 0 bounds it, 0 makes
 * it unbounded.  Returns NULL with errno = EINVAL or ENOMEM. */
struct chan *chan_new(size_t elem_size, size_t cap);

/* Copy *elem in; blocks while a bounded channel is full.  CHAN_OK, or
 * CHAN_CLOSED if the receiver was dropped (the value is not queued).
 * Unbounded sends abort on allocation failure, as Rust's would. */
int chan_send(struct chan *c, const void *elem);
/* Never blocks: CHAN_OK, CHAN_FULL or CHAN_CLOSED. */
int chan_try_send(struct chan *c, const void *elem);

/* Copy the oldest element to *out; blocks while empty.  CHAN_OK, or
 * CHAN_CLOSED when every sender is gone and nothing is left. */
int chan_recv(struct chan *c, void *out);
/* Never blocks: CHAN_OK, CHAN_EMPTY or CHAN_CLOSED. */
int chan_try_recv(struct chan *c, void *out);

/* Number of queued elements (a snapshot). */
size_t chan_len(struct chan *c);

/* Handle management.  Each thread that sends owns one sender reference. */
void chan_sender_clone(struct chan *c);
void chan_sender_drop(struct chan *c);   /* last sender: wakes the receiver */
void chan_receiver_drop(struct chan *c); /* wakes blocked senders with CLOSED */

#endif
