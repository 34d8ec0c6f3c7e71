/* swap_mutex_counter - threads x iterations of lock; counter++; unlock on the
 * book's SwapMutex (ch. 6 section 7).  The final count must be exact.
 *
 * This build annotates the lock's hand-off for helgrind (hb.h), so helgrind
 * reports nothing.  Its twin swap_mutex_counter_unannotated is the same code
 * without the annotations: helgrind, which only understands pthread calls,
 * then reports "Possible data race" on the lock byte and on the counter - false
 * positives, because the acquire exchange does synchronize with the release
 * store.  ThreadSanitizer models C11 atomics and is clean on both. */
#include "kit.h"
#include "swap_mutex.h"

#ifndef PROG
#define PROG "swap_mutex_counter"
#endif

static struct swap_mutex lock = SWAP_MUTEX_INIT;
static uint64_t counter; /* guarded by lock: a plain variable on purpose */
static uint64_t iters = 1000000;

static void *worker(void *arg)
{
    (void)arg;
    for (uint64_t i = 0; i < iters; i++) {
        swap_mutex_lock(&lock);
        counter++;
        swap_mutex_unlock(&lock);
    }
    return NULL;
}

static void usage(void)
{
    printf("usage: " PROG " [--threads N] [--iters N]\n"
           "N threads each lock the SwapMutex, increment a plain counter and unlock,\n"
           "ITERS times; the final count must be threads x iters.  %s\n"
           "  --threads N   threads (default 4)\n"
           "  --iters N     increments per thread (default 1000000)\n",
           HB_ANNOTATED ? "Annotated for helgrind (hb.h)."
                        : "NOT annotated for helgrind: helgrind reports false data races here.");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "threads", required_argument, NULL, 't' },
        { "iters", required_argument, NULL, 'i' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t nthreads = 4;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': nthreads = kit_arg_u64("threads", optarg, 1, 256); break;
        case 'i': iters = kit_arg_u64("iters", optarg, 1, 1000000000); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (!HB_ANNOTATED)
        printf(PROG ": helgrind annotations off: helgrind's race reports here are false positives\n");
    swap_mutex_init(&lock);
    pthread_t t[256];
    uint64_t t0 = kit_now_ns();
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_create(&t[i], worker, NULL);
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_join(t[i]);
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    uint64_t want = nthreads * iters;
    printf("counter %" PRIu64 ", expected %" PRIu64 " (%" PRIu64 " threads x %" PRIu64 "): %s\n",
           counter, want, nthreads, iters, counter == want ? "exact" : "WRONG");
    kit_metric("lock_unlock_per_s", (double)want / secs, "1/s");
    return counter == want ? 0 : 1;
}
