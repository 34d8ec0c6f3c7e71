/* queue_spin - BROKEN ON PURPOSE: the book's queue_spin (ch. 6 section 10).
 * Four threads each loop { enq(i); i++; deq(); } on msqueue_bad, the book's
 * incorrect Michael-Scott queue.  deq frees the old head while other threads
 * still hold pointers to it: expect a SIGSEGV within about a second (the book:
 * 0.588 s), the fault in msqb_deq reading next->value through a NULL next
 * (address 0x0) or loading ->next through a dead node (0x8).  ASan reports the
 * heap-use-after-free.  The program that is right: msqueue_stress.
 * Its twin queue_spin_leak (-DMSQUEUE_BAD_LEAK, the Makefile) never frees:
 * no crash, memory grows. */
#include <stdatomic.h>
#include <stdbool.h>
#include "kit.h"
#include "msqueue_bad.h"

#if MSQUEUE_BAD_LEAK
#define PROG "queue_spin_leak"
#define FLAW "the queue never frees a node (no crash, memory grows)"
#else
#define PROG "queue_spin"
#define FLAW "the queue frees nodes other threads still use: expect SIGSEGV or an abort"
#endif

static struct msqb *q;
static atomic_bool stop;
static atomic_ullong ops;
static atomic_uint finished;

static void *spin(void *arg)
{
    (void)arg;
    long i = 0;
    unsigned long long n = 0;
    long v;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        msqb_enq(q, i);
        i++;
        msqb_deq(q, &v);
        if (++n == 256) {
            atomic_fetch_add_explicit(&ops, n, memory_order_relaxed);
            n = 0;
        }
    }
    atomic_fetch_add_explicit(&ops, n, memory_order_relaxed);
    atomic_fetch_add_explicit(&finished, 1, memory_order_release);
    return NULL;
}

/* Resident set size in MiB, from /proc/self/statm (0 if unreadable). */
static double rss_mib(void)
{
    unsigned long size = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &res) != 2)
        res = 0;
    fclose(f);
    return (double)res * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static void usage(void)
{
    printf("usage: " PROG " [--threads N] [--seconds N] [--max-mib N]\n"
           "BROKEN ON PURPOSE: " FLAW ".\n"
           "N threads loop { enq(i); i++; deq(); } on the book's incorrect Michael-Scott queue\n"
           "(msqueue_bad).  Prints RSS once a second; stops after --seconds if still alive.\n"
           "  --threads N   threads (default 4, the book's; at least 2 to break it)\n"
           "  --seconds N   give up after N seconds (default 20)\n"
           "  --max-mib N   stop early when RSS passes N MiB (default 256; the leak grows fast)\n"
           "Exit status: killed by a signal (the crash), 3 if the threads livelock in a\n"
           "corrupted list, 0 if it survived.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "threads", required_argument, NULL, 't' },
        { "seconds", required_argument, NULL, 's' },
        { "max-mib", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t nthreads = 4, seconds = 20, max_mib = 256;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': nthreads = kit_arg_u64("threads", optarg, 1, 64); break;
        case 's': seconds = kit_arg_u64("seconds", optarg, 1, 3600); break;
        case 'm': max_mib = kit_arg_u64("max-mib", optarg, 16, 65536); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    printf(PROG ": BROKEN ON PURPOSE: " FLAW "\n");
    fflush(stdout);
    q = msqb_new();
    pthread_t t[64];
    uint64_t t0 = kit_now_ns();
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_create(&t[i], spin, NULL);
    double rss0 = rss_mib(), rss = rss0;
    const char *why = "time limit";
    unsigned long long last = 0;
    unsigned still = 0;
    for (uint64_t tick = 0; tick < seconds * 10; tick++) {
        kit_sleep_ms(100);
        rss = rss_mib();
        /* A corrupted list (a cycle, a node whose tail never advances) can
         * trap every thread in the queue's retry loops instead of crashing. */
        unsigned long long now = atomic_load_explicit(&ops, memory_order_relaxed);
        still = now == last ? still + 1 : 0;
        last = now;
        if (still == 30) {
            printf(PROG ": no enq/deq completed for 3 s: the threads are stuck in the queue's loops "
                   "(the freed nodes corrupted the list: livelock)\n");
            fflush(stdout);
            _exit(3);
        }
        if (tick % 10 == 9) {
            printf("%" PRIu64 " s: alive, %llu ops, RSS %.1f MiB\n", (tick + 1) / 10,
                   atomic_load_explicit(&ops, memory_order_relaxed), rss);
            fflush(stdout);
        }
        if (rss > (double)max_mib) {
            why = "RSS limit";
            break;
        }
    }
    atomic_store_explicit(&stop, true, memory_order_relaxed);
    for (int w = 0; w < 50 && atomic_load_explicit(&finished, memory_order_acquire) < nthreads; w++)
        kit_sleep_ms(100);
    if (atomic_load_explicit(&finished, memory_order_acquire) < nthreads) {
        printf(PROG ": threads did not stop within 5 s: stuck in the queue's loops (livelock)\n");
        fflush(stdout);
        _exit(3);
    }
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_join(t[i]);
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    printf("survived %.1f s (%s): %llu enq/deq pairs, RSS %.1f -> %.1f MiB\n", secs, why,
           atomic_load_explicit(&ops, memory_order_relaxed), rss0, rss);
    kit_metric("rss_growth_mib_per_s", (rss - rss0) / secs, "MiB/s");
    return 0;
}
