/* rc_race - BROKEN ON PURPOSE: why Rust's Rc<T> is neither Send nor Sync (ch. 4.2).
 *
 * Rc's reference count is a plain integer.  Incrementing is LOAD, ADD 1, STORE;
 * two threads interleaving those steps lose updates.
 *   --replay   replays the book's 7-step schedule deterministically, one step a
 *              line, and ends in the lost update: counter = 9, expected 12.
 *   (default)  T threads each clone (count++) N times, then drop (count--) N
 *              times, on a shared plain counter; the final count is wrong.
 * The counter is volatile only so that each ++/-- really is one load and one
 * store, as in the book's model (otherwise -O2 folds the loop into one add);
 * volatile gives no atomicity and no ordering.  The correct twin: arc_count. */
#include "count_args.h"

static volatile size_t refcount = 1; /* main's own reference */
static uint64_t iters;
static pthread_barrier_t start; /* all threads begin together, so they overlap */

/* Stands for the work a thread does with the count in its register between
 * LOAD and STORE (the book's "A keeps working"): it widens the window the race
 * needs, so lost updates show even on a busy machine.  A plain loop, not a
 * PAUSE/YIELD instruction, which qemu-user handles by leaving its fast path. */
static inline void keep_working(void)
{
    for (volatile int k = 0; k < 64; k++)
        ;
}

static void *clone_and_drop(void *arg)
{
    (void)arg;
    kit_barrier_wait(&start);
    for (uint64_t i = 0; i < iters; i++) {
        size_t tmp = refcount; /* Rc::clone: LOAD */
        keep_working();
        refcount = tmp + 1;    /* ADD 1, STORE */
    }
    for (uint64_t i = 0; i < iters; i++) {
        size_t tmp = refcount; /* drop(Rc): LOAD */
        keep_working();
        refcount = tmp - 1;    /* SUB 1, STORE */
    }
    return NULL;
}

/* The book's schedule: each thread has its own register (tmp) and shares counter. */
enum op { LOAD, ADD_STORE, SUB, STORE };
struct step { char thread; enum op op; };

static void replay(void)
{
    static const struct step steps[] = {
        { 'A', LOAD }, { 'B', LOAD }, { 'B', SUB },
        { 'A', ADD_STORE }, { 'A', ADD_STORE }, { 'A', ADD_STORE }, { 'B', STORE },
    };
    static const char *names[] = { "LOAD", "ADD 1; STORE", "SUB 1", "STORE" };
    long counter = 10, tmp[2] = { 0, 0 }, expected = counter;
    int loaded[2] = { 0, 0 };
    printf("rc_race --replay: the book's schedule of two threads on a plain counter (ch. 4.2)\n");
    printf("increment = LOAD, ADD 1, STORE; decrement = LOAD, SUB 1, STORE; counter starts at %ld\n\n",
           counter);
    printf("step  thread  action        tmp_a  tmp_b  counter\n");
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int t = steps[i].thread - 'A';
        switch (steps[i].op) {
        case LOAD: tmp[t] = counter; loaded[t] = 1; break;
        case ADD_STORE: tmp[t] += 1; counter = tmp[t]; expected += 1; break;
        case SUB: tmp[t] -= 1; expected -= 1; break;
        case STORE: counter = tmp[t]; break;
        }
        printf("%4zu  %-6c  %-12s  ", i + 1, steps[i].thread, names[steps[i].op]);
        for (int k = 0; k < 2; k++) {
            if (loaded[k])
                printf("%-5ld  ", tmp[k]);
            else
                printf("%-5s  ", "-");
        }
        printf("%ld\n", counter);
    }
    printf("\ncounter = %ld (expected %ld): the lost update - %ld references vanished,\n"
           "so a later drop frees the value while references to it still exist.\n",
           counter, expected, expected - counter);
}

int main(int argc, char **argv)
{
    struct count_args a = { .threads = 2, .iters = 1000000 };
    count_args_parse(argc, argv, &a,
        "usage: rc_race [--replay] [--threads T] [--iters N]\n"
        "BROKEN ON PURPOSE: a plain (non-atomic) reference count shared by threads, the\n"
        "reason Rust's Rc is neither Send nor Sync (book ch. 4.2).\n"
        "  --replay      replay the book's 7-step interleaving and its lost update\n"
        "  --threads T   threads that clone then drop (default %llu)\n"
        "  --iters N     clones and drops per thread (default %llu)\n"
        "The final count should equal 1 and, with 2 or more threads, usually does not; with\n"
        "--threads 1 there is no race and it always does. Correct twin: arc_count.\n", 1);
    if (a.replay) {
        replay();
        return 0;
    }
    /* A data race needs two threads: with one, every access is ordered by
     * program order and the plain counter is simply correct.  Say so rather
     * than call a race-free run "correct by luck". */
    int alone = a.threads == 1;
    if (alone)
        printf("rc_race: BROKEN ON PURPOSE: a plain counter with no synchronization, but this run has "
               "1 thread: no other thread touches it, so there is no data race\n");
    else
        printf("rc_race: BROKEN ON PURPOSE: %llu threads update a plain counter with no "
               "synchronization (a data race: undefined behaviour)\n", (unsigned long long)a.threads);
    fflush(stdout);
    iters = a.iters;
    kit_barrier_init(&start, (unsigned)a.threads);
    pthread_t t[64];
    for (uint64_t i = 0; i < a.threads; i++)
        kit_thread_create(&t[i], clone_and_drop, NULL);
    for (uint64_t i = 0; i < a.threads; i++)
        kit_thread_join(t[i]);
    kit_barrier_destroy(&start);
    long long got = (long long)refcount; /* below 0 it wrapped: print it signed */
    printf("refcount = %lld after %llu thread%s x %llu clones and drops (expected 1): %s\n", got,
           (unsigned long long)a.threads, alone ? "" : "s", (unsigned long long)a.iters,
           got != 1 ? "LOST UPDATES"
           : alone  ? "correct, and not by luck: one thread has no race (try --threads 2)"
                    : "correct this time, by luck");
    return 0;
}
