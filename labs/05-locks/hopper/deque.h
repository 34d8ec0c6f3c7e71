/* deque.h - hopper's two-lock ring deque (book section 2.9.3, hopper src/deque.rs).
 *
 * A ring of `capacity` fixed-size slots.  Enqueuers are serialised by
 * back_lock, the single dequeuer by front_lock; the ONLY state both ends touch
 * is the atomic element count `size`:
 *   - push_back writes the slot, then size.fetch_add(1, release): a pop that
 *     reads a non-zero size with load(acquire) sees the slot's contents;
 *   - pop_front clears the slot, then size.fetch_sub(1, release): a push that
 *     reads size < capacity with load(acquire) sees the slot empty before reuse.
 *   - "size == capacity" cannot go stale dangerously: only the receiver changes
 *     size concurrently with a pusher, and only downwards.
 *   - No lost wake-up: the receiver tests size == 0 and waits holding
 *     front_lock; the pusher that moved size 0 -> 1 takes front_lock to notify.
 *
 * Each slot holds a Placement (section 2.9.4): Memory(value) or Disk(n), "the
 * next n values are in the queue files", plus a NONE tag standing for Rust's
 * Option::None so that a slot written twice or read empty is caught.
 *
 * Synchronization: which operations may run at the same time
 *   push_back  || push_back    no: the caller serialises them with lock_back
 *   push_back  || pop_front    yes: only `size` is shared (orders above)
 *   pop_front  || pop_front    yes, but the deque has one consumer by design
 *                              (front_lock serialises them)
 *   notify_not_empty || any    yes (takes front_lock; lock order back, front)
 *   size       || any          yes (a relaxed snapshot)
 *   init, destroy              no other operation may run
 *
 * Twins (Makefile _FROM/_CPPFLAGS; deque.c shows each difference):
 *   -DDEQUE_RELAXED   BROKEN ON PURPOSE: every access to `size` is relaxed, so
 *                     nothing orders the slot write with the count; fails on
 *                     weakly ordered CPUs (ARM), is reported by TSan everywhere
 *                     (hopper_deque_relaxed_stress).
 *   -DHB_NO_ANNOTATE  no helgrind happens-before annotations (common/hb.h) even
 *                     in the valgrind flavour: helgrind then reports the false
 *                     races on slots it cannot see ordered
 *                     (hopper_deque_unannotated_stress).
 */
#ifndef HOPPER_DEQUE_H
#define HOPPER_DEQUE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hq_tag { HQ_NONE = 0, HQ_MEMORY = 1, HQ_DISK = 2 };

/* One slot's header; the value's bytes follow it (slot stride = header + elem,
 * rounded up to 8). */
struct hq_place {
    uint32_t tag;      /* enum hq_tag */
    uint32_t pad;
    uint64_t disk_n;   /* HQ_DISK: number of values waiting in the queue files */
};

struct hq_deque {
    size_t capacity;            /* slots (> 0) */
    size_t elem_size;           /* value bytes per slot */
    size_t stride;              /* bytes per slot */
    unsigned char *data;        /* capacity * stride bytes, all slots HQ_NONE */
    _Atomic size_t size;        /* element count: the only state shared by both ends */
    pthread_mutex_t back_lock;  /* serialises enqueuers (and the Sender's state) */
    pthread_mutex_t front_lock; /* serialises the dequeuer */
    pthread_cond_t not_empty;   /* paired with front_lock; CLOCK_MONOTONIC */
    size_t back_offset;         /* next slot to push; guarded by back_lock */
    size_t front_offset;        /* next slot to pop; guarded by front_lock */
    char hb_filled, hb_freed;   /* helgrind happens-before tags (their addresses) */
};

/* Initialise d with `capacity` (> 0) slots for values of elem_size bytes.
 * Returns 0, or ENOMEM/EINVAL (nothing allocated). */
int hq_deque_init(struct hq_deque *d, size_t capacity, size_t elem_size);
/* Free the slots and destroy the locks (no thread may still use d); a deque
 * whose init failed may be destroyed too. */
void hq_deque_destroy(struct hq_deque *d);

/* The variant this file was built as: "acquire/release", or a description of
 * the broken-on-purpose relaxed build.  hq_deque_is_relaxed(): 1 for that one. */
const char *hq_deque_variant(void);
int hq_deque_is_relaxed(void);

/* Take / release back_lock, which serialises push_back and the caller's own
 * sender state (hopper's SenderSync).  Lock order: back_lock before front_lock. */
void hq_deque_lock_back(struct hq_deque *d);
void hq_deque_unlock_back(struct hq_deque *d);

/* push_back: the caller holds back_lock.  Copies the placement (tag, disk_n and,
 * for HQ_MEMORY, elem_size bytes from val) into the back slot.  Returns 0 and
 * sets *must_wake when size went 0 -> 1 (the caller MUST then call
 * hq_deque_notify_not_empty, or the receiver may sleep forever: the deque
 * cannot notify itself because the caller may still work under back_lock), or
 * returns -1 when full (nothing changed).  Orders: size load acquire (slot is
 * really empty), fetch_add release (publishes the slot). */
int hq_deque_push_back(struct hq_deque *d, uint32_t tag, uint64_t disk_n, const void *val, bool *must_wake);

/* pop_front: takes front_lock, waits on not_empty while size == 0 (until the
 * absolute CLOCK_MONOTONIC deadline_ns; 0 = forever), moves the front slot into
 * *tag, *disk_n and val (elem_size bytes, HQ_MEMORY only) and frees the slot.
 * Returns 0, or ETIMEDOUT with nothing taken.  Orders: size load acquire (sees
 * the pusher's slot write), fetch_sub release (slot is empty before reuse).
 * Aborts (a broken invariant, never input) if the slot is empty. */
int hq_deque_pop_front(struct hq_deque *d, uint32_t *tag, uint64_t *disk_n, void *val, uint64_t deadline_ns);

/* notify_not_empty: take front_lock, broadcast not_empty, release.  Holding
 * front_lock is what closes the check-then-wait window of pop_front. */
void hq_deque_notify_not_empty(struct hq_deque *d);

/* Element count, relaxed: a snapshot for statistics only. */
size_t hq_deque_size(struct hq_deque *d);

#endif
