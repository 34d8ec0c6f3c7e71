/* roundtrip.c - the threaded round trip of hopper's tests; see roundtrip.h. */
#include "roundtrip.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"

struct run {
    struct hopper *h;
    uint64_t *vals, n;   /* what to send (a copy: sorted at the end) */
    uint64_t *got, ngot; /* what the receiver got */
    int failed;
    char why[256];
    pthread_mutex_t lock;
};

struct chunk {
    struct run *r;
    uint64_t from, to;
};

static void set_fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_fail(struct run *r, const char *fmt, ...)
{
    va_list ap;
    kit_mutex_lock(&r->lock);
    if (!r->failed) {
        r->failed = 1;
        va_start(ap, fmt);
        vsnprintf(r->why, sizeof r->why, fmt, ap);
        va_end(ap);
    }
    kit_mutex_unlock(&r->lock);
}

/* Retry a refused send until accepted (the book's test loop); give up after 20 s. */
static int send_retry(struct run *r, uint64_t v)
{
    uint64_t t0 = kit_now_ns();
    for (;;) {
        uint64_t copy = v;
        int s = hopper_send(r->h, &copy);
        if (s == HQ_OK)
            return 0;
        if (copy != v) {
            set_fail(r, "a refused send changed the caller's value");
            return -1;
        }
        if (s != HQ_FULL) {
            set_fail(r, "send %" PRIu64 ": %s: %s", v, hopper_status_name(s), strerror(errno));
            return -1;
        }
        if (kit_now_ns() - t0 > 20000000000ull) {
            set_fail(r, "send %" PRIu64 ": FULL for 20 s", v);
            return -1;
        }
        sched_yield();
    }
}

/* The book flushes up to 10 times, 100 ms apart; here up to 20 s, 1 ms apart. */
static void flush_retry(struct run *r)
{
    for (int i = 0; i < 20000; i++) {
        if (hopper_flush(r->h) == HQ_OK)
            return;
        kit_sleep_ms(1);
    }
    set_fail(r, "flush refused for 20 s");
}

static void *sender(void *arg)
{
    struct chunk *c = arg;
    for (uint64_t i = c->from; i < c->to; i++)
        if (send_retry(c->r, c->r->vals[i]) != 0)
            return NULL;
    flush_retry(c->r);
    return NULL;
}

static void *receiver(void *arg)
{
    struct run *r = arg;
    while (r->ngot < r->n) {
        uint64_t v;
        int s = hopper_recv(r->h, &v, 10000);
        if (s != HQ_OK) {
            set_fail(r, "receiver: %s after %" PRIu64 " of %" PRIu64 " values%s%s", hopper_status_name(s), r->ngot,
                     r->n, s == HQ_TIMEDOUT ? " (lost or stranded)" : ": ",
                     s == HQ_TIMEDOUT ? "" : hopper_last_error(r->h));
            return NULL;
        }
        r->got[r->ngot++] = v;
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int hq_round_trip(struct hopper *h, uint64_t senders, const uint64_t *vals, uint64_t n, int ordered, char *why,
                  size_t whylen)
{
    struct run r;
    memset(&r, 0, sizeof r);
    kit_mutex_init(&r.lock);
    r.h = h;
    r.n = n;
    r.vals = malloc((n ? n : 1) * sizeof *r.vals);
    r.got = malloc((n ? n : 1) * sizeof *r.got);
    KIT_CHECK(r.vals && r.got);
    memcpy(r.vals, vals, n * sizeof *vals);
    uint64_t chunk = n / senders ? n / senders : 1;
    uint64_t nthreads = (n + chunk - 1) / chunk;
    pthread_t rt, *st = malloc((nthreads ? nthreads : 1) * sizeof *st);
    struct chunk *c = malloc((nthreads ? nthreads : 1) * sizeof *c);
    KIT_CHECK(st && c);
    kit_thread_create(&rt, receiver, &r);
    for (uint64_t i = 0; i < nthreads; i++) {
        c[i].r = &r;
        c[i].from = i * chunk;
        c[i].to = (i + 1) * chunk < n ? (i + 1) * chunk : n;
        kit_thread_create(&st[i], sender, &c[i]);
    }
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_join(st[i]);
    kit_thread_join(rt);
    free(st);
    free(c);
    if (!r.failed && ordered == 2) {
        /* values are (chunk << 32 | index in chunk): each chunk's must arrive in order */
        uint64_t *next = calloc(nthreads ? nthreads : 1, sizeof *next);
        KIT_CHECK(next != NULL);
        for (uint64_t i = 0; i < n && !r.failed; i++) {
            uint64_t s = r.got[i] >> 32, k = r.got[i] & 0xffffffffu;
            if (s >= nthreads || k != next[s])
                set_fail(&r, "sender %" PRIu64 "'s value %" PRIu64 " arrived when %" PRIu64 " was due (received #%" PRIu64 ")",
                         s, k, s < nthreads ? next[s] : 0, i);
            else
                next[s]++;
        }
        free(next);
    } else if (!r.failed && ordered) {
        for (uint64_t i = 0; i < n; i++)
            if (r.got[i] != r.vals[i]) {
                set_fail(&r, "FAILED TO GET ALL IN ORDER: value %" PRIu64 " is %" PRIu64 ", expected %" PRIu64, i,
                         r.got[i], r.vals[i]);
                break;
            }
    } else if (!r.failed) {
        qsort(r.vals, n, sizeof *r.vals, cmp_u64);
        qsort(r.got, n, sizeof *r.got, cmp_u64);
        if (memcmp(r.vals, r.got, n * sizeof *r.vals) != 0)
            set_fail(&r, "sorted(received) != sorted(sent): lost or duplicated values");
    }
    if (r.failed)
        snprintf(why, whylen, "%s", r.why);
    free(r.vals);
    free(r.got);
    kit_mutex_destroy(&r.lock);
    return r.failed;
}
