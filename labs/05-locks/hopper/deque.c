/* deque.c - hopper's two-lock ring deque; see deque.h (book section 2.9.3). */
#include "deque.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hb.h"
#include "kit.h"

/* Helgrind models pthread calls, not C11 atomics: without happens-before
 * annotations it reports every slot hand-off through `size` as a race.
 * common/hb.h compiles them in only in the valgrind flavour (make
 * SAN=valgrind), and an -DHB_NO_ANNOTATE twin (hopper_deque_unannotated_stress)
 * leaves them out there too, to show those false positives.  The orderings of
 * `size`: acquire/release, or relaxed in the broken-on-purpose twin
 * (-DDEQUE_RELAXED, hopper_deque_relaxed_stress). */
#if DEQUE_RELAXED
#define HQ_ACQ memory_order_relaxed
#define HQ_REL memory_order_relaxed
#else
#define HQ_ACQ memory_order_acquire
#define HQ_REL memory_order_release
#endif

const char *hq_deque_variant(void)
{
#if DEQUE_RELAXED
    return "size accessed with memory_order_relaxed, slot hand-off unordered";
#else
    return "acquire/release on size";
#endif
}

int hq_deque_is_relaxed(void)
{
#if DEQUE_RELAXED
    return 1;
#else
    return 0;
#endif
}

static inline struct hq_place *slot(struct hq_deque *d, size_t i)
{
    return (struct hq_place *)(void *)(d->data + i * d->stride);
}

int hq_deque_init(struct hq_deque *d, size_t capacity, size_t elem_size)
{
    pthread_condattr_t ca;
    memset(d, 0, sizeof *d);
    if (capacity == 0 || elem_size > 4096)
        return EINVAL;
    d->stride = (sizeof(struct hq_place) + elem_size + 7) & ~(size_t)7;
    if (capacity > SIZE_MAX / d->stride)
        return ENOMEM;
    d->data = calloc(capacity, d->stride); /* all tags HQ_NONE (0) */
    if (d->data == NULL)
        return ENOMEM;
    d->capacity = capacity;
    d->elem_size = elem_size;
    atomic_init(&d->size, 0);
    kit_mutex_init(&d->back_lock);
    kit_mutex_init(&d->front_lock);
    KIT_PT(pthread_condattr_init(&ca));
    KIT_PT(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC));
    KIT_PT(pthread_cond_init(&d->not_empty, &ca));
    KIT_PT(pthread_condattr_destroy(&ca));
    return 0;
}

void hq_deque_destroy(struct hq_deque *d)
{
    if (d->data == NULL)
        return;
    kit_mutex_destroy(&d->back_lock);
    kit_mutex_destroy(&d->front_lock);
    kit_cond_destroy(&d->not_empty);
    free(d->data);
    d->data = NULL;
}

void hq_deque_lock_back(struct hq_deque *d) { kit_mutex_lock(&d->back_lock); }
void hq_deque_unlock_back(struct hq_deque *d) { kit_mutex_unlock(&d->back_lock); }

int hq_deque_push_back(struct hq_deque *d, uint32_t tag, uint64_t disk_n, const void *val, bool *must_wake)
{
    *must_wake = false;
    /* acquire: pairs with pop's release fetch_sub, so the slot the receiver
     * freed is seen empty before we reuse it */
    if (atomic_load_explicit(&d->size, HQ_ACQ) == d->capacity)
        return -1;
    HB_AFTER(&d->hb_freed);
    struct hq_place *p = slot(d, d->back_offset);
    if (p->tag != HQ_NONE) {
        fprintf(stderr, "hopper deque: slot %zu not empty at push_back (tag %u): unordered hand-off (%s)\n",
                d->back_offset, (unsigned)p->tag, hq_deque_variant());
        abort();
    }
    p->disk_n = disk_n;
    if (tag == HQ_MEMORY)
        memcpy(p + 1, val, d->elem_size);
    p->tag = tag;
    d->back_offset = (d->back_offset + 1) % d->capacity;
    HB_BEFORE(&d->hb_filled);
    /* release: publishes the slot write to the pop that acquires size */
    if (atomic_fetch_add_explicit(&d->size, 1, HQ_REL) == 0)
        *must_wake = true;
    return 0;
}

int hq_deque_pop_front(struct hq_deque *d, uint32_t *tag, uint64_t *disk_n, void *val, uint64_t deadline_ns)
{
    struct timespec ts;
    kit_mutex_lock(&d->front_lock);
    if (deadline_ns) {
        ts.tv_sec = (time_t)(deadline_ns / 1000000000u);
        ts.tv_nsec = (long)(deadline_ns % 1000000000u);
    }
    /* acquire: pairs with push's release fetch_add (the slot's contents) */
    while (atomic_load_explicit(&d->size, HQ_ACQ) == 0) {
        if (deadline_ns == 0) {
            kit_cond_wait(&d->not_empty, &d->front_lock);
        } else {
            int e = pthread_cond_timedwait(&d->not_empty, &d->front_lock, &ts);
            if (e == ETIMEDOUT && atomic_load_explicit(&d->size, HQ_ACQ) == 0) {
                kit_mutex_unlock(&d->front_lock);
                return ETIMEDOUT;
            }
            if (e != 0 && e != ETIMEDOUT)
                kit_die("pthread_cond_timedwait: error %d", e);
        }
    }
    HB_AFTER(&d->hb_filled);
    struct hq_place *p = slot(d, d->front_offset);
    if (p->tag == HQ_NONE) {
        fprintf(stderr, "hopper deque: slot %zu empty at pop_front with size > 0: unordered hand-off (%s)\n",
                d->front_offset, hq_deque_variant());
        abort();
    }
    *tag = p->tag;
    *disk_n = p->disk_n;
    if (p->tag == HQ_MEMORY)
        memcpy(val, p + 1, d->elem_size);
    p->tag = HQ_NONE;
    d->front_offset = (d->front_offset + 1) % d->capacity;
    HB_BEFORE(&d->hb_freed);
    /* release: the slot is seen empty by the push that acquires size */
    atomic_fetch_sub_explicit(&d->size, 1, HQ_REL);
    kit_mutex_unlock(&d->front_lock);
    return 0;
}

void hq_deque_notify_not_empty(struct hq_deque *d)
{
    kit_mutex_lock(&d->front_lock);
    kit_cond_broadcast(&d->not_empty);
    kit_mutex_unlock(&d->front_lock);
}

size_t hq_deque_size(struct hq_deque *d)
{
    return atomic_load_explicit(&d->size, memory_order_relaxed);
}
