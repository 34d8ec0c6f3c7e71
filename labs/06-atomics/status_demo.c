/* status_demo - the book's status demos (ch. 6 section 14): 4 threads loop
 * { acquire; STATUS[id] = true; COUNTS[id] += 1; STATUS[id] = false; release }
 * and main prints, once a second, each thread's status and count of that
 * second in the book's format:
 *
 *   | false; 0000170580/sec |  true; 0000170889/sec | ...
 *
 * One executable per book binary, each a twin of this file with one switch
 * (the Makefile's _CPPFLAGS; the #if blocks below are the differences):
 *   status_demo              the queue semaphore, capacity 2  (book x86 ~170k/s per thread)
 *   binary_sem_status_demo   -DSTATUS_BINARY_SEM: the queue semaphore, capacity 1 (book ~90k/s)
 *   mutex_status_demo        -DSTATUS_MUTEX: pthread_mutex_t                      (book ~2M/s)
 *   spin_mutex_status_demo   -DSTATUS_SPIN_MUTEX: the SwapMutex spin lock         (book ~12M/s)
 *   posix_sem_status_demo    -DSTATUS_POSIX_SEM: POSIX sem_t, capacity 1 (not in the book: a baseline)
 * STATUS and COUNTS are relaxed atomics, not the book's `static mut`: with
 * plain globals gcc -O2 deletes STATUS[id] = true as a dead store (notes 14.1).
 * main reads them racily on purpose: a row is not a consistent snapshot, and
 * may show more `true`s than the capacity.  The real check is a separate
 * atomic count of threads inside the section, never above the capacity. */
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "kit.h"
#include "semaphore.h"
#include "swap_mutex.h"

#if STATUS_BINARY_SEM
#define PROG "binary_sem_status_demo"
#define CAPACITY 1
#define WHAT "the book's queue semaphore with capacity 1 (a binary semaphore)"
#define BOOK_FIGURE "x86 ~90k-91k per thread per second"
#elif STATUS_MUTEX
#define PROG "mutex_status_demo"
#define CAPACITY 1
#define WHAT "pthread_mutex_t"
#define BOOK_FIGURE "x86 ~1.85M-2.18M per thread per second (the book says 2,000,000/sec)"
#elif STATUS_SPIN_MUTEX
#define PROG "spin_mutex_status_demo"
#define CAPACITY 1
#define WHAT "the book's SwapMutex spin lock"
#define BOOK_FIGURE "x86 ~11.86M-12.60M per thread per second (the book says 11,000,000/sec)"
#elif STATUS_POSIX_SEM
#define PROG "posix_sem_status_demo"
#define CAPACITY 1
#define WHAT "POSIX sem_t with capacity 1 (not in the book: a baseline)"
#define BOOK_FIGURE "not in the book"
#else
#define PROG "status_demo"
#define CAPACITY 2
#define WHAT "the book's queue semaphore with capacity 2"
#define BOOK_FIGURE "x86 ~168k-171k, ARMv7 ~64k-76k per thread per second"
#endif

#define MAX_THREADS 64
static atomic_bool status[MAX_THREADS];
static atomic_ullong counts[MAX_THREADS];
static atomic_uint inside, max_inside;
static atomic_bool stop;

#if STATUS_MUTEX
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static void gate_init(void) {}
static void acquire(void) { kit_mutex_lock(&gate); }
static void release(void) { kit_mutex_unlock(&gate); }
#elif STATUS_SPIN_MUTEX
static struct swap_mutex gate = SWAP_MUTEX_INIT;
static void gate_init(void) { swap_mutex_init(&gate); }
static void acquire(void) { swap_mutex_lock(&gate); }
static void release(void) { swap_mutex_unlock(&gate); }
#elif STATUS_POSIX_SEM
static sem_t gate;
static void gate_init(void) { KIT_CHECK(sem_init(&gate, 0, CAPACITY) == 0); }
static void acquire(void) { while (sem_wait(&gate) != 0) KIT_CHECK(errno == EINTR); }
static void release(void) { KIT_CHECK(sem_post(&gate) == 0); }
#else /* the book's queue semaphore: status_demo and binary_sem_status_demo */
static struct qsem gate;
static void gate_init(void) { qsem_init(&gate, CAPACITY); }
static void acquire(void) { qsem_wait(&gate); }
static void release(void) { qsem_signal(&gate); }
#endif

static void *worker(void *arg)
{
    size_t id = (size_t)(uintptr_t)arg;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        acquire();
        unsigned in = atomic_fetch_add_explicit(&inside, 1, memory_order_relaxed) + 1;
        unsigned mx = atomic_load_explicit(&max_inside, memory_order_relaxed);
        while (in > mx && !atomic_compare_exchange_weak_explicit(&max_inside, &mx, in, memory_order_relaxed,
                                                                 memory_order_relaxed))
            ; /* a running maximum: a CAS loop, so a concurrent smaller store cannot hide a violation */
        atomic_store_explicit(&status[id], true, memory_order_relaxed);
        atomic_store_explicit(&counts[id], atomic_load_explicit(&counts[id], memory_order_relaxed) + 1,
                              memory_order_relaxed);
        atomic_store_explicit(&status[id], false, memory_order_relaxed);
        atomic_fetch_sub_explicit(&inside, 1, memory_order_relaxed);
        release();
    }
    return NULL;
}

static void usage(void)
{
    printf("usage: " PROG " [--seconds N] [--threads N]\n"
           "The book's status demo on " WHAT ".\n"
           "Book: " BOOK_FIGURE ".\n"
           "Each second: | STATUS; COUNT/sec | per thread (STATUS is read racily, on purpose).\n"
           "  --seconds N   rows to print (default 5; the book runs forever)\n"
           "  --threads N   worker threads (default 4, the book's)\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "seconds", required_argument, NULL, 's' },
        { "threads", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t seconds = 5, nthreads = 4;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': seconds = kit_arg_u64("seconds", optarg, 1, 3600); break;
        case 't': nthreads = kit_arg_u64("threads", optarg, 1, MAX_THREADS); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    gate_init();
    pthread_t t[MAX_THREADS];
    unsigned long long prev[MAX_THREADS] = { 0 };
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_create(&t[i], worker, (void *)(uintptr_t)i);
    double lo = 0, hi = 0, sum = 0;
    for (uint64_t s = 0; s < seconds; s++) {
        kit_sleep_ms(1000);
        printf("|");
        for (uint64_t i = 0; i < nthreads; i++) {
            unsigned long long n = atomic_load_explicit(&counts[i], memory_order_relaxed);
            bool st = atomic_load_explicit(&status[i], memory_order_relaxed);
            double d = (double)(n - prev[i]);
            printf(" %5s; %010llu/sec |", st ? "true" : "false", n - prev[i]);
            prev[i] = n;
            if ((s == 0 && i == 0) || d < lo) lo = d;
            if ((s == 0 && i == 0) || d > hi) hi = d;
            sum += d;
        }
        printf("\n");
        fflush(stdout);
    }
    atomic_store_explicit(&stop, true, memory_order_relaxed);
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_join(t[i]);
    unsigned mx = atomic_load(&max_inside);
    printf(PROG ": per thread per second min %.0f, max %.0f; at most %u of %" PRIu64
           " threads inside at once (capacity %d): %s\n", lo, hi, mx, nthreads, CAPACITY,
           mx <= CAPACITY ? "ok" : "EXCLUSION BROKEN");
    kit_metric("per_thread_per_s", sum / (double)(seconds * nthreads), "1/s");
    kit_metric("spread_max_min", lo > 0 ? hi / lo : 0, "x");
    return mx <= CAPACITY ? 0 : 1;
}
