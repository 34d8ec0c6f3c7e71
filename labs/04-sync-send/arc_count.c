/* arc_count - the correct twin of rc_race: an atomic reference count, as
 * Rust's Arc<T> keeps it (ch. 4.2; the orderings are std's Arc, ch. 6).
 *
 * T threads each clone N times then drop N times; main keeps one reference,
 * so the count must end at exactly 1, and main's final drop frees the value.
 * The structure is rc_race's (the lesson is the one difference: the count is
 * atomic), including the start barrier: the clock starts when every thread
 * is created and waiting, so thread creation is not timed and no thread runs
 * alone while the others are still being created.
 * Prints the count and METRIC elapsed_s and refcount_ops_per_s (clones +
 * drops per second, all threads). */
#include "count_args.h"
#include "hb.h"
#include <stdatomic.h>

struct arc { atomic_size_t strong; uint64_t payload; };

static int freed;

/* Take another reference.  Relaxed is enough: the caller already holds a
 * reference, so the object cannot be freed under it, and no other data is
 * published by the increment (std's Arc::clone does the same). */
static void arc_clone(struct arc *a)
{
    size_t old = atomic_fetch_add_explicit(&a->strong, 1, memory_order_relaxed);
    KIT_CHECK(old < SIZE_MAX / 2); /* overflow guard, like Arc's abort */
}

/* Drop a reference; the last one frees.  The decrement is release so that
 * every use of the object by this thread happens before the free; the thread
 * that sees 1 issues an acquire fence so it sees all other threads' uses
 * before freeing (std's Arc::drop). */
static void arc_drop(struct arc *a)
{
    /* helgrind does not see the release/acquire edge through the count: tell
     * it (common/hb.h; empty outside the valgrind build flavour). */
    HB_BEFORE(&a->strong);
    if (atomic_fetch_sub_explicit(&a->strong, 1, memory_order_release) != 1)
        return;
#if defined(__SANITIZE_THREAD__)
    /* ThreadSanitizer does not model fences (gcc refuses them with -Werror=tsan);
     * an acquire load of the count is equivalent here, and is what Rust's Arc
     * does under TSan too. */
    (void)atomic_load_explicit(&a->strong, memory_order_acquire);
#else
    atomic_thread_fence(memory_order_acquire);
#endif
    HB_AFTER(&a->strong);
    free(a);
    freed = 1;
}

static uint64_t iters;
static pthread_barrier_t start; /* the threads and main: all begin together */

static void *clone_and_drop(void *arg)
{
    struct arc *a = arg;
    kit_barrier_wait(&start);
    for (uint64_t i = 0; i < iters; i++)
        arc_clone(a);
    for (uint64_t i = 0; i < iters; i++)
        arc_drop(a);
    return NULL;
}

int main(int argc, char **argv)
{
    struct count_args args = { .threads = 2, .iters = 1000000 };
    count_args_parse(argc, argv, &args,
        "usage: arc_count [--threads T] [--iters N]\n"
        "The fix for rc_race: an atomic reference count like Rust's Arc (book ch. 4.2).\n"
        "Clone: relaxed fetch_add. Drop: release fetch_sub, acquire fence before the free.\n"
        "  --threads T   threads that clone then drop (default %llu)\n"
        "  --iters N     clones and drops per thread (default %llu)\n"
        "The count always ends at 1 (main's reference); main's drop frees the value.\n"
        "Prints METRIC elapsed_s and refcount_ops_per_s, timed from a start barrier.\n", 0);
    iters = args.iters;
    struct arc *a = malloc(sizeof *a);
    KIT_CHECK(a != NULL);
    atomic_init(&a->strong, 1);
    a->payload = 42;

    kit_barrier_init(&start, (unsigned)args.threads + 1);
    pthread_t t[64];
    for (uint64_t i = 0; i < args.threads; i++)
        kit_thread_create(&t[i], clone_and_drop, a);
    kit_barrier_wait(&start); /* every thread is created: start the clock */
    uint64_t t0 = kit_now_ns();
    for (uint64_t i = 0; i < args.threads; i++)
        kit_thread_join(t[i]);
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    kit_barrier_destroy(&start);

    size_t got = atomic_load_explicit(&a->strong, memory_order_relaxed);
    printf("refcount = %zu after %llu threads x %llu clones and drops (expected 1): %s\n", got,
           (unsigned long long)args.threads, (unsigned long long)args.iters,
           got == 1 ? "exact" : "WRONG");
    arc_drop(a);
    printf("main dropped the last reference: value %s\n", freed ? "freed" : "NOT freed");
    kit_metric("elapsed_s", secs, "s");
    if (secs > 0)
        kit_metric("refcount_ops_per_s", (double)(2 * args.threads * args.iters) / secs, "1/s");
    return got == 1 && freed ? 0 : 1;
}
