/* chan_test - property and semantics tests of chan.c, the kit's MPSC channel.
 *
 *  model:     random single-threaded operation sequences (try_send, try_recv,
 *             sender clone/drop, receiver drop) on bounded and unbounded
 *             channels, checked step by step against a simple model queue;
 *  mpsc:      P producers x M messages through bounded and unbounded
 *             channels: every message delivered exactly once, per-producer FIFO;
 *  semantics: send blocks while full; try_send returns FULL; a blocked send
 *             fails once the receiver is dropped; recv blocks while empty and
 *             returns CLOSED once every sender is gone and the queue drained.
 * Reports through common/check.h (one ok/FAIL line per check, a closing
 * count); a failing case names its seed in the FAIL line. */
#include "chan.h"
#include "check.h"
#include "kit.h"

static unsigned scale = 1; /* --quick divides the work, for valgrind */

/* ---- model-based: one random sequence per seed ------------------------------ */

/* Returns 0 if the channel matched the model for every step, else the failing
 * step (1-based) with a description in detail. */
static int model_run(uint64_t seed, size_t cap, size_t steps, char *detail, size_t dn)
{
    uint64_t st = seed;
    struct chan *c = chan_new(sizeof(uint64_t), cap);
    KIT_CHECK(c != NULL);
    uint64_t *q = malloc((steps + 1) * sizeof *q); /* the model: a FIFO of values */
    KIT_CHECK(q != NULL);
    size_t qh = 0, qt = 0, senders = 1;
    int receiver = 1, fail = 0;
    uint64_t next = 1;
    for (size_t i = 0; i < steps && !fail; i++) {
        unsigned op = (unsigned)(kit_splitmix64(&st) % 100);
        if (op < 45 && senders > 0) { /* try_send */
            int want = !receiver ? CHAN_CLOSED : (cap && qt - qh == cap) ? CHAN_FULL : CHAN_OK;
            int got = chan_try_send(c, &next);
            if (got != want)
                fail = snprintf(detail, dn, "step %zu try_send: got %d, want %d", i + 1, got, want);
            if (want == CHAN_OK)
                q[qt++] = next;
            next++;
        } else if (op < 85 && receiver) { /* try_recv */
            uint64_t v = 0;
            int want = qt > qh ? CHAN_OK : senders ? CHAN_EMPTY : CHAN_CLOSED;
            int got = chan_try_recv(c, &v);
            if (got != want || (want == CHAN_OK && v != q[qh]))
                fail = snprintf(detail, dn, "step %zu try_recv: got %d/%" PRIu64 ", want %d/%" PRIu64,
                                i + 1, got, v, want, want == CHAN_OK ? q[qh] : 0);
            if (want == CHAN_OK)
                qh++;
        } else if (op < 92 && senders > 0) {
            chan_sender_clone(c);
            senders++;
        } else if (op < 98 && senders > 1) {
            chan_sender_drop(c); /* keep one: the sequence goes on sending */
            senders--;
        } else if (op >= 98 && receiver && i > steps / 2) {
            chan_receiver_drop(c);
            receiver = 0;
        }
        if (!fail && receiver && chan_len(c) != qt - qh)
            fail = snprintf(detail, dn, "step %zu: len %zu, model %zu", i + 1, chan_len(c), qt - qh);
    }
    /* Tear down in an order that frees the channel exactly once. */
    while (senders-- > 0)
        chan_sender_drop(c);
    if (receiver)
        chan_receiver_drop(c);
    free(q);
    return fail;
}

static void model_tests(void)
{
    char detail[256] = "", full[320] = "", what[128];
    static const size_t caps[] = { 0, 1, 2, 3, 10 };
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        int bad = 0;
        for (uint64_t seed = 1; seed <= 300 / scale && !bad; seed++) {
            uint64_t s = seed * 7919 + caps[k];
            if (model_run(s, caps[k], 1 + seed % 200, detail, sizeof detail)) {
                bad = 1;
                snprintf(full, sizeof full, "seed %" PRIu64 ": %s", s, detail);
            }
        }
        snprintf(what, sizeof what, "model: %u random op sequences match a FIFO model (capacity %zu%s)",
                 300 / scale, caps[k], caps[k] ? "" : " = unbounded");
        CHECK_THAT(!bad, what, "%s", full);
    }
}

/* ---- many producers ----------------------------------------------------------- */

struct prod { struct chan *c; uint32_t id, count; int try_mode; };

static void *producer(void *arg)
{
    struct prod *p = arg;
    for (uint32_t s = 0; s < p->count; s++) {
        uint64_t v = (uint64_t)p->id << 32 | s;
        int rc;
        if (p->try_mode) { /* spin on FULL: exercises try_send's FULL path under contention */
            while ((rc = chan_try_send(p->c, &v)) == CHAN_FULL)
                sched_yield();
        } else {
            rc = chan_send(p->c, &v);
        }
        KIT_CHECK(rc == CHAN_OK);
    }
    chan_sender_drop(p->c);
    return NULL;
}

static int mpsc_run(uint32_t producers, uint32_t count, size_t cap, int try_mode, char *detail, size_t dn)
{
    struct chan *c = chan_new(sizeof(uint64_t), cap);
    KIT_CHECK(c != NULL);
    pthread_t t[16];
    struct prod p[16];
    uint32_t next[16] = { 0 };
    for (uint32_t i = 1; i < producers; i++)
        chan_sender_clone(c); /* one handle per producer, cloned before they start */
    for (uint32_t i = 0; i < producers; i++) {
        p[i] = (struct prod){ c, i, count, try_mode };
        kit_thread_create(&t[i], producer, &p[i]);
    }
    uint64_t v, total = 0;
    int fail = 0;
    while (chan_recv(c, &v) == CHAN_OK) {
        uint32_t id = (uint32_t)(v >> 32), s = (uint32_t)v;
        if (!fail && (id >= producers || s != next[id]))
            fail = snprintf(detail, dn, "producer %u: got seq %u, want %u (not FIFO, lost or duplicated)",
                            id, s, id < producers ? next[id] : 0);
        if (id < producers)
            next[id] = s + 1;
        total++;
    }
    for (uint32_t i = 0; i < producers; i++)
        kit_thread_join(t[i]);
    if (!fail && total != (uint64_t)producers * count)
        fail = snprintf(detail, dn, "received %" PRIu64 " of %u", total, producers * count);
    chan_receiver_drop(c); /* last handle: frees the channel */
    return fail;
}

static void mpsc_tests(void)
{
    char detail[256] = "", what[128];
    static const struct { uint32_t p, n; size_t cap; int try_mode; } cases[] = {
        { 1, 100000, 10, 0 }, { 4, 50000, 1, 0 }, { 4, 50000, 10, 0 }, { 8, 20000, 3, 1 },
        { 4, 50000, 0, 0 }, { 16, 5000, 0, 0 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint32_t n = cases[k].n / scale;
        int bad = mpsc_run(cases[k].p, n, cases[k].cap, cases[k].try_mode, detail, sizeof detail);
        snprintf(what, sizeof what, "mpsc: %u producers x %u messages, capacity %zu%s: exactly once, per-producer FIFO",
                 cases[k].p, n, cases[k].cap, cases[k].try_mode ? " (try_send)" : "");
        CHECK_THAT(!bad, what, "%s", detail);
    }
}

/* ---- blocking and closing semantics ---------------------------------------------- */

/* A thread blocked in send or recv.  `done` is guarded by a mutex rather than
 * an atomic so that helgrind, which understands only pthread primitives, can
 * check this test too. */
struct blocker { struct chan *c; uint64_t v; int rc, done; pthread_mutex_t lk; pthread_t t; };

static void *blocking_send(void *arg)
{
    struct blocker *b = arg;
    int rc = chan_send(b->c, &b->v);
    kit_mutex_lock(&b->lk);
    b->rc = rc;
    b->done = 1;
    kit_mutex_unlock(&b->lk);
    return NULL;
}

static void *blocking_recv(void *arg)
{
    struct blocker *b = arg;
    uint64_t v = 0;
    int rc = chan_recv(b->c, &v);
    kit_mutex_lock(&b->lk);
    b->rc = rc;
    b->v = v;
    b->done = 1;
    kit_mutex_unlock(&b->lk);
    return NULL;
}

static void start(struct blocker *b, struct chan *c, uint64_t v, void *(*fn)(void *))
{
    b->c = c;
    b->v = v;
    b->rc = -1;
    b->done = 0;
    kit_mutex_init(&b->lk);
    kit_thread_create(&b->t, fn, b);
}

static int is_done(struct blocker *b)
{
    kit_mutex_lock(&b->lk);
    int d = b->done;
    kit_mutex_unlock(&b->lk);
    return d;
}

/* Wait up to ms for the thread to finish; if it did, join it.  Returns done. */
static int finish(struct blocker *b, unsigned ms)
{
    for (unsigned i = 0; i < ms && !is_done(b); i++)
        kit_sleep_ms(1);
    if (!is_done(b))
        return 0;
    kit_thread_join(b->t);
    kit_mutex_destroy(&b->lk);
    return 1;
}

static void semantics_tests(void)
{
    uint64_t v;
    struct chan *c = chan_new(sizeof v, 2);
    KIT_CHECK(c != NULL);
    v = 1; KIT_CHECK(chan_try_send(c, &v) == CHAN_OK);
    v = 2; KIT_CHECK(chan_try_send(c, &v) == CHAN_OK);
    v = 3;
    int rc = chan_try_send(c, &v);
    CHECK_THAT(rc == CHAN_FULL, "try_send on a full bounded channel returns FULL", "returned %d", rc);

    struct blocker b;
    start(&b, c, 3, blocking_send);
    kit_sleep_ms(100);
    CHECK_THAT(!is_done(&b), "send blocks while the bounded channel is full", "send returned within 100 ms");
    KIT_CHECK(chan_recv(c, &v) == CHAN_OK && v == 1);
    int done = finish(&b, 5000);
    CHECK_THAT(done && b.rc == CHAN_OK, "a recv unblocks the blocked send", "%s, status %d",
               done ? "returned" : "still blocked after 5 s", b.rc);
    KIT_CHECK(chan_recv(c, &v) == CHAN_OK && v == 2);
    KIT_CHECK(chan_recv(c, &v) == CHAN_OK && v == 3);

    start(&b, c, 0, blocking_recv);
    kit_sleep_ms(100);
    CHECK_THAT(!is_done(&b), "recv blocks while the channel is empty", "recv returned within 100 ms");
    v = 42;
    KIT_CHECK(chan_send(c, &v) == CHAN_OK);
    done = finish(&b, 5000);
    CHECK_THAT(done && b.rc == CHAN_OK && b.v == 42, "a send wakes the blocked recv with the value",
               "%s, status %d, value %" PRIu64, done ? "returned" : "still blocked after 5 s", b.rc, b.v);

    /* Every sender gone: recv drains what is queued, then CLOSED. */
    chan_sender_clone(c);
    v = 7; KIT_CHECK(chan_send(c, &v) == CHAN_OK);
    chan_sender_drop(c);
    chan_sender_drop(c);
    int r1 = chan_recv(c, &v), r2 = chan_recv(c, &v), r3 = chan_try_recv(c, &v);
    CHECK_THAT(r1 == CHAN_OK && v == 7 && r2 == CHAN_CLOSED && r3 == CHAN_CLOSED,
               "recv drains the queue, then returns CLOSED once every sender is gone",
               "statuses %d %d %d (want %d %d %d), value %" PRIu64, r1, r2, r3, CHAN_OK, CHAN_CLOSED, CHAN_CLOSED, v);
    chan_receiver_drop(c);

    /* Receiver gone: a blocked send wakes with CLOSED; later sends fail. */
    c = chan_new(sizeof v, 1);
    KIT_CHECK(c != NULL);
    v = 1; KIT_CHECK(chan_send(c, &v) == CHAN_OK);
    start(&b, c, 2, blocking_send);
    kit_sleep_ms(100);
    KIT_CHECK(!is_done(&b));
    chan_receiver_drop(c);
    done = finish(&b, 5000);
    CHECK_THAT(done && b.rc == CHAN_CLOSED, "dropping the receiver fails a blocked send with CLOSED", "%s, status %d",
               done ? "returned" : "still blocked after 5 s", b.rc);
    int s1 = chan_send(c, &v), s2 = chan_try_send(c, &v);
    CHECK_THAT(s1 == CHAN_CLOSED && s2 == CHAN_CLOSED, "send and try_send fail after the receiver is dropped",
               "statuses %d %d, want %d", s1, s2, CHAN_CLOSED);
    chan_sender_drop(c);

    /* Unbounded: never FULL; growth keeps FIFO order across a wrapped ring. */
    c = chan_new(sizeof v, 0);
    KIT_CHECK(c != NULL);
    int pass = 1;
    for (v = 0; v < 10; v++)
        pass &= chan_try_send(c, &v) == CHAN_OK;
    uint64_t w, want = 0;
    for (int i = 0; i < 5; i++)
        pass &= chan_try_recv(c, &w) == CHAN_OK && w == want++;
    for (v = 10; v < 100000; v++)
        pass &= chan_try_send(c, &v) == CHAN_OK;
    while (chan_try_recv(c, &w) == CHAN_OK)
        pass &= w == want++;
    CHECK_THAT(pass && want == 100000, "unbounded: 10^5 try_sends never FULL; order kept across growth",
               "a send failed or the order broke; %" PRIu64 " received in order", want);
    chan_sender_drop(c);
    chan_receiver_drop(c);
    errno = 0;
    struct chan *z = chan_new(0, 4);
    CHECK_THAT(z == NULL && errno == EINVAL, "chan_new rejects a zero element size with EINVAL",
               "returned %p, errno %d", (void *)z, errno);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "quick", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
                                          { NULL, 0, NULL, 0 } };
    opterr = 0;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (o == 'h') {
            puts("usage: chan_test [--quick]\nModel-based, multi-producer and blocking/closing tests of chan.c.\n"
                 "  --quick   a 20th of the cases and messages (for valgrind)");
            return 0;
        }
        if (o == 'q') {
            scale = 20;
            continue;
        }
        kit_bad_option(argc, argv);
    }
    kit_no_operands(argc, argv);
    model_tests();
    mpsc_tests();
    semantics_tests();
    return check_done();
}
