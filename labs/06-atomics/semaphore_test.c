/* semaphore_test - the token-queue semaphore (semaphore.c) under load: N
 * threads do wait(); holders++; check holders <= capacity; holders--; signal()
 * until PAIRS pairs are done.  Passes if the capacity was never exceeded, no
 * thread deadlocked (the run ends), and every token came back (capacity
 * successful trywaits at the end: none lost, none invented). */
#include <stdatomic.h>
#include "kit.h"
#include "semaphore.h"

static struct qsem sem;
static atomic_uint holders, max_holders;
static atomic_llong left;
static unsigned capacity = 2;

static void *worker(void *arg)
{
    (void)arg;
    while (atomic_fetch_sub_explicit(&left, 1, memory_order_relaxed) > 0) {
        qsem_wait(&sem);
        unsigned h = atomic_fetch_add_explicit(&holders, 1, memory_order_relaxed) + 1;
        unsigned m = atomic_load_explicit(&max_holders, memory_order_relaxed);
        while (h > m && !atomic_compare_exchange_weak_explicit(&max_holders, &m, h, memory_order_relaxed,
                                                               memory_order_relaxed))
            ;
        atomic_fetch_sub_explicit(&holders, 1, memory_order_relaxed);
        qsem_signal(&sem);
    }
    return NULL;
}

static void usage(void)
{
    printf("usage: semaphore_test [--capacity K] [--threads N] [--pairs N]\n"
           "N threads share a token-queue semaphore of capacity K for PAIRS wait/signal pairs;\n"
           "checks that at most K threads ever hold it and that all K tokens come back.\n"
           "  --capacity K   tokens (default 2)\n"
           "  --threads N    threads (default 8)\n"
           "  --pairs N      wait/signal pairs in total (default 1000000)\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "capacity", required_argument, NULL, 'c' },
        { "threads", required_argument, NULL, 't' },
        { "pairs", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t nthreads = 8, pairs = 1000000;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': capacity = (unsigned)kit_arg_u64("capacity", optarg, 1, 1024); break;
        case 't': nthreads = kit_arg_u64("threads", optarg, 1, 64); break;
        case 'p': pairs = kit_arg_u64("pairs", optarg, 1, 1000000000); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    qsem_init(&sem, capacity);
    atomic_store(&left, (long long)pairs);
    pthread_t t[64];
    uint64_t t0 = kit_now_ns();
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_create(&t[i], worker, NULL);
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_join(t[i]);
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    unsigned tokens = 0;
    long tok;
    while (msq_deq(sem.tokens, &tok))
        tokens++;
    unsigned mx = atomic_load(&max_holders);
    bool ok = mx <= capacity && tokens == capacity;
    printf("%" PRIu64 " wait/signal pairs on %" PRIu64 " threads, capacity %u: at most %u holders at once, "
           "%u tokens back at the end: %s\n", pairs, nthreads, capacity, mx, tokens, ok ? "ok" : "WRONG");
    kit_metric("pairs_per_s", (double)pairs / secs, "1/s");
    qsem_destroy(&sem);
    return ok ? 0 : 1;
}
