/* ring_racy - BROKEN ON PURPOSE: the book's data_race00 (ch. 4.3), and its
 * twin ring_racy_checked (data_race01, ch. 4.5), built from this file with
 * -DRING_CHECKED (the Makefile's ring_racy_checked_FROM/_CPPFLAGS).
 *
 * A writer and a reader share a ring of capacity 10 through plain loads and
 * stores with no synchronization at all.  The writer stores Some(cur) when
 * size != capacity and does size += 1; the reader takes each slot with a
 * read-then-clear (Rust's mem::replace(slot, None)) and does size -= 1.
 * Both read-modify-writes of size race (lost updates), and the reader's
 * read-then-clear can erase a value the writer just stored.  So a run ends in
 * the book's "+10" assertion (left: 31, right: 21: the writer lapped an unread
 * slot), or hangs (the watchdog ends it, exit 124), or passes by luck - and
 * helgrind reports the race every time.  This is undefined behaviour in C11;
 * -O2 keeps the loads and stores because sched_yield() is an opaque call.
 *
 * ring_racy_checked differs where marked #if RING_CHECKED: its name and
 * --help, and the writer, which asserts that the slot it fills is empty (Rust's
 * assert!(mem::replace(slot, Some(cur)).is_none())), so it catches itself
 * stomping an unread value; the reader usually fails on the same +10 value.
 *
 * Exit status: 0 all reads in order, 101 assertion failed (as Rust's panic),
 * 124 hung.  The programs that are right: ring_mutex, ring_chan. */
#include "ring_args.h"

#if RING_CHECKED
#define PROG "ring_racy_checked"
#define BOOK "data_race01"
#else
#define PROG "ring_racy"
#define BOOK "data_race00"
#endif

/* Rust's Option<u32>: 8 bytes, tag 0 = None, 1 = Some. */
struct slot { uint32_t tag; uint32_t val; };
/* The book's InnerRing: 24 bytes on LP64 (12 on armv7), shared by a bare pointer. */
struct inner_ring { intptr_t capacity; size_t size; struct slot *data; };

static void *writer(void *arg)
{
    struct inner_ring *ring = arg;
    intptr_t offset = 0;
    uint32_t cur = 0;
    for (;;) {
        if (ring->size != (size_t)ring->capacity) {
#if RING_CHECKED
            /* data_race01: assert!(mem::replace(slot, Some(cur)).is_none()) */
            struct slot old = ring->data[offset];
            ring->data[offset].tag = 1;
            ring->data[offset].val = cur;
            if (old.tag) {
                fprintf(stderr, "thread '<unnamed>' panicked at 'assertion failed: "
                                "mem::replace(slot, Some(cur)).is_none()' (writer stomped unread "
                                "slot %ld: had %u, writing %u), %s:%d\n",
                        (long)offset, old.val, cur, __FILE__, __LINE__);
                pthread_exit((void *)1);
            }
#else
            ring->data[offset].tag = 1;
            ring->data[offset].val = cur;
#endif
            ring->size += 1;
            cur++;
            offset = (offset + 1) % ring->capacity;
        } else {
            sched_yield();
        }
    }
    return NULL;
}

static uint32_t read_limit;

static void *reader(void *arg)
{
    struct inner_ring *ring = arg;
    intptr_t offset = 0;
    uint32_t cur = 0;
    while (cur < read_limit) {
        struct slot s = ring->data[offset];
        ring->data[offset].tag = 0; /* mem::replace(slot, None): clears the tag only */
        if (s.tag) {
            if (s.val != cur) {
                ring_panic_eq(s.val, cur, __FILE__, __LINE__);
                return (void *)1;
            }
            ring->size -= 1;
            cur++;
            offset = (offset + 1) % ring->capacity;
        } else {
            sched_yield();
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    struct ring_args a = { .capacity = 10, .reads = 1000, .seconds = 10 };
    ring_args_parse(argc, argv, &a,
        "usage: " PROG " [--capacity N] [--reads N] [--seconds S]\n"
        "BROKEN ON PURPOSE: the book's " BOOK " (ch. 4). A writer and a reader share a ring\n"
        "through plain loads and stores with no synchronization: a data race.\n"
#if RING_CHECKED
        "The writer checks that the slot it fills is empty, so it catches its own stomping.\n"
#endif
        "A run fails the reader's order assertion (exit 101), hangs (the watchdog ends it\n"
        "after --seconds, exit 124) or passes by luck (exit 0). helgrind reports the race\n"
        "on every run: valgrind --tool=helgrind " PROG "\n"
        "  --capacity N  ring slots (default %llu)\n"
        "  --reads N     values the reader takes (default %llu)\n"
        "  --seconds S   watchdog limit, 0 = none (default %llu)\n"
        "The correct twins are ring_mutex and ring_chan.\n", NULL);
    read_limit = (uint32_t)a.reads;
    printf(PROG ": BROKEN ON PURPOSE: a writer and a reader share this ring with no "
           "synchronization (a data race: undefined behaviour)\n");
    fflush(stdout);

    struct inner_ring *ring = malloc(sizeof *ring);
    KIT_CHECK(ring != NULL);
    ring->capacity = (intptr_t)a.capacity;
    ring->size = 0;
    ring->data = calloc(a.capacity, sizeof *ring->data); /* every slot None */
    KIT_CHECK(ring->data != NULL);

    pthread_t rd, wr;
    kit_thread_create(&rd, reader, ring); /* helgrind's thread #2, as in the book */
    kit_thread_create(&wr, writer, ring); /* thread #3; never joined, like the book's */
    if (a.seconds)
        kit_watchdog((unsigned)a.seconds, "the reader");
    if (kit_thread_join(rd) != NULL) {
        ring_main_panic();
    }
    printf(PROG ": reader took %u values in order - this run got lucky; the race is still there\n",
           read_limit);
    exit(0); /* the writer still spins; exit ends it, as the book's main does */
}
