/* chan.h - the MPSC channel C lacks: Rust's std::sync::mpsc in ~200 lines.
 * A lesson module of lab 4 (ring_chan, telem); labs 5, 6, 8 and 9 link it
 * through `USES := 04-sync-send/chan`.
 *
 * One mutex guards a ring of fixed-size elements; two condition variables
 * (not_full, not_empty) put blocked senders and the receiver to sleep.
 * Bounded (cap > 0, like sync_channel: send blocks while full) or unbounded
 * (cap == 0, like channel(): the ring doubles as needed, memory is the limit).
 * Senders are reference counted: the channel starts with one sender and one
 * receiver; chan_sender_clone adds a sender, and the channel is freed when the
 * last handle is dropped.
 * Book: ch. 4, data_race03 and the telemetry server (sections 4.7, 4.8).
 *
 * Memory ordering: every operation takes the channel's mutex, so the mutex
 * orders everything; there are no atomics.  A send happens before the recv
 * that returns its element (the element's bytes and whatever the sender wrote
 * before sending are visible to the receiver), and the drop of the last
 * sender happens before the recv that returns CHAN_CLOSED.  Plain pthreads,
 * so helgrind and ThreadSanitizer check it without annotations.
 *
 * Synchronization: which operations may run at the same time on one channel.
 *
 *   operation            concurrently with                  note
 *   chan_new             -                                  before any sharing
 *   chan_send/try_send   any operation but chan_new         any number of sender threads
 *   chan_recv/try_recv   sends, sender clone/drop, len      ONE receiving thread (MPSC):
 *                                                           not with another recv
 *   chan_len             anything but the last drop         a snapshot, stale on return
 *   chan_sender_clone    anything but the last drop         the caller holds a live sender
 *   chan_sender_drop     anything; each reference once      the last handle frees c
 *   chan_receiver_drop   sends, sender clone/drop           once, by the receiver; not
 *                                                           with recv (same thread)
 *
 * After a thread drops its last handle (sender or receiver) it must not touch
 * the channel again: the other side's final drop frees it.  Every function
 * takes the mutex, so none may be called from a signal handler. */
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

/* New channel of elements of elem_size bytes (> 0); cap > 0 bounds it to cap
 * elements, 0 makes it unbounded.  The caller holds one sender and the
 * receiver.  Returns NULL with errno = EINVAL (elem_size 0, or cap * elem_size
 * overflows) or ENOMEM. */
struct chan *chan_new(size_t elem_size, size_t cap);

/* Copy elem_size bytes from *elem in; blocks while a bounded channel is full.
 * CHAN_OK, or CHAN_CLOSED if the receiver was dropped (the value is not
 * queued; a sender blocked when the receiver drops wakes with CHAN_CLOSED).
 * Wakes the receiver.  Unbounded sends abort on allocation failure, as
 * Rust's would.  Ordering: the mutex; see above. */
int chan_send(struct chan *c, const void *elem);
/* chan_send that never blocks: CHAN_OK, CHAN_FULL (bounded and at capacity;
 * nothing queued) or CHAN_CLOSED. */
int chan_try_send(struct chan *c, const void *elem);

/* Copy the oldest element (FIFO; per-sender order is kept) to *out, which
 * has room for elem_size bytes; blocks while empty.  CHAN_OK, or CHAN_CLOSED
 * when every sender is gone and nothing is left: queued elements are always
 * drained first.  Wakes one blocked sender. */
int chan_recv(struct chan *c, void *out);
/* chan_recv that never blocks: CHAN_OK, CHAN_EMPTY (nothing queued, a sender
 * still alive) or CHAN_CLOSED. */
int chan_try_recv(struct chan *c, void *out);

/* Number of queued elements: a snapshot taken under the mutex, which other
 * threads may change before the caller looks at it. */
size_t chan_len(struct chan *c);

/* Handle management (Rust's Sender::clone, drop(Sender), drop(Receiver)).
 * Each thread that sends owns one sender reference: clone it for the thread
 * before starting it, and drop it when the thread is done sending.
 * chan_sender_clone: one more sender; the caller must hold a live one
 * (cloning while no sender is alive aborts).
 * chan_sender_drop: one sender fewer; the last one wakes the receiver, whose
 * recv then drains the queue and returns CHAN_CLOSED.  Frees the channel when
 * the receiver is already gone.
 * chan_receiver_drop: the receiver is gone; blocked and later sends return
 * CHAN_CLOSED, and queued elements are discarded.  Frees the channel when
 * every sender is already gone. */
void chan_sender_clone(struct chan *c);
void chan_sender_drop(struct chan *c);
void chan_receiver_drop(struct chan *c);

#endif
