/* ring_mutex - the book's data_race02 (ch. 4.6): the ring made safe with one
 * pthread mutex, Rust's Arc<Mutex<Ring>> in C.
 *
 * The writer locks, fills the next slot if the ring is not full and otherwise
 * yields *while still holding the lock* (the book's guard lives to the end of
 * the loop body); the reader locks, takes the next slot, and unlocks before it
 * yields.  The reader checks 0, 1, 2, ... in order.
 * Deviation from the book: the book never joins its writer, which exits while
 * holding the lock (helgrind: "Exiting thread still holds 1 lock").  Here the
 * reader sets `done` under the mutex, the writer sees it and returns, and main
 * joins both, so helgrind's verdict is a clean 0 errors.
 * --unlock-before-yield makes the writer unlock first too, to measure the cost
 * of yielding with the lock held. */
#include "ring_args.h"

struct slot { uint32_t tag; uint32_t val; }; /* Option<u32> */

struct ring {                 /* the book's safe Ring */
    size_t size, capacity;
    struct slot *data;
};

struct shared {               /* Arc<Mutex<Ring>>: heap object that never moves */
    pthread_mutex_t lk;
    struct ring r;
    int done;                 /* reader finished (guarded by lk) */
};

static struct shared sh;
static uint32_t read_limit;
static int unlock_before_yield;

/* emplace: size += 1 and put Some(v) in the slot, returning the old slot. */
static struct slot ring_emplace(struct ring *r, size_t off, uint32_t v)
{
    struct slot old = r->data[off];
    r->size += 1;
    r->data[off] = (struct slot){ 1, v };
    return old;
}

/* displace: take the slot (leaving None); size -= 1 if it held a value. */
static struct slot ring_displace(struct ring *r, size_t off)
{
    struct slot old = r->data[off];
    r->data[off].tag = 0;
    if (old.tag)
        r->size -= 1;
    return old;
}

static void *writer(void *arg)
{
    (void)arg;
    size_t offset = 0;
    uint32_t cur = 0;
    for (;;) {
        kit_mutex_lock(&sh.lk);
        if (sh.done) {
            kit_mutex_unlock(&sh.lk);
            return NULL;
        }
        if (sh.r.size != sh.r.capacity) {
            KIT_CHECK(ring_emplace(&sh.r, offset, cur).tag == 0);
            cur++;
            offset = (offset + 1) % sh.r.capacity;
            kit_mutex_unlock(&sh.lk);
        } else if (unlock_before_yield) {
            kit_mutex_unlock(&sh.lk);
            sched_yield();
        } else {
            sched_yield(); /* as the book: the lock is still held */
            kit_mutex_unlock(&sh.lk);
        }
    }
}

static void *reader(void *arg)
{
    (void)arg;
    size_t offset = 0;
    uint32_t cur = 0;
    while (cur < read_limit) {
        kit_mutex_lock(&sh.lk);
        struct slot s = ring_displace(&sh.r, offset);
        if (s.tag) {
            kit_mutex_unlock(&sh.lk);
            if (s.val != cur) {
                ring_panic_eq(s.val, cur, __FILE__, __LINE__);
                return (void *)1;
            }
            cur++;
            offset = (offset + 1) % sh.r.capacity;
        } else {
            kit_mutex_unlock(&sh.lk); /* drop(guard) before yielding */
            sched_yield();
        }
    }
    kit_mutex_lock(&sh.lk);
    sh.done = 1;
    kit_mutex_unlock(&sh.lk);
    return NULL;
}

int main(int argc, char **argv)
{
    struct ring_args a = { .capacity = 10, .reads = 1000000, .seconds = 0 };
    ring_args_parse(argc, argv, &a,
        "usage: ring_mutex [--capacity N] [--reads N] [--seconds S] [--unlock-before-yield]\n"
        "The book's data_race02 (ch. 4.6): the racy ring made safe with one pthread mutex.\n"
        "The writer yields while holding the lock when the ring is full, as in the book.\n"
        "  --capacity N            ring slots (default %llu)\n"
        "  --reads N               values the reader takes, checked in order (default %llu)\n"
        "  --seconds S             watchdog limit, 0 = none (default %llu)\n"
        "  --unlock-before-yield   the writer unlocks before it yields, like the reader\n"
        "Prints the result and METRIC lines (elapsed_s, reads_per_s).\n", "unlock-before-yield");
    read_limit = (uint32_t)a.reads;
    unlock_before_yield = a.flag;
    kit_mutex_init(&sh.lk);
    sh.r.capacity = a.capacity;
    sh.r.data = calloc(a.capacity, sizeof *sh.r.data);
    KIT_CHECK(sh.r.data != NULL);
    if (a.seconds)
        kit_watchdog((unsigned)a.seconds, "ring_mutex");

    uint64_t t0 = kit_now_ns();
    pthread_t rd, wr;
    kit_thread_create(&rd, reader, NULL);
    kit_thread_create(&wr, writer, NULL);
    void *bad = kit_thread_join(rd);
    if (bad) {
        ring_main_panic();
    }
    kit_thread_join(wr);
    char detail[80];
    snprintf(detail, sizeof detail, "capacity %llu%s", (unsigned long long)a.capacity,
             unlock_before_yield ? ", writer unlocks before yield" : "");
    ring_report("ring_mutex", read_limit, detail, t0);
    free(sh.r.data);
    kit_mutex_destroy(&sh.lk);
    return 0;
}
