/* lock_bench - every lock of the lab (locks.h) under a thread sweep, with an
 * empty and a small critical section: acquisitions per second per thread and
 * in total, and the fairness spread (max/min acquisitions over the threads;
 * 1.0 = perfectly even).  Not in the book: its "less wasteful mutex" done
 * right and measured.  Read the contended numbers against lab 1's c2c
 * (cache-line round trip): a contended hand-off cannot be faster than that.
 *
 * Every point also checks mutual exclusion: a plain counter incremented inside
 * the critical section must equal the sum of the threads' acquisitions.
 * --iters switches from timed runs to a fixed number of acquisitions per
 * thread (the correctness test). */
#include <stdatomic.h>
#include <stdbool.h>
#include "kit.h"
#include "locks.h"

#define MAX_THREADS 64
struct slot { KIT_ALIGNED uint64_t n; }; /* one cache line per thread */

static struct lock L;
static struct slot counts[MAX_THREADS];
static uint64_t guarded;          /* plain: protected by L */
static uint64_t shared_line[8];   /* the small critical section's data: one cache line */
static atomic_bool stop;
static bool small_cs;
static uint64_t iters;            /* 0: timed */
static pthread_barrier_t start;

static void *worker(void *arg)
{
    struct slot *me = arg;
    uint64_t n = 0;
    kit_barrier_wait(&start);
    while (iters ? n < iters : !atomic_load_explicit(&stop, memory_order_relaxed)) {
        lock_acquire(&L);
        guarded++;
        if (small_cs)
            for (int i = 0; i < 8; i++)
                shared_line[i] += (uint64_t)i + 1;
        lock_release(&L);
        n++;
    }
    me->n = n;
    return NULL;
}

/* One point: returns false if mutual exclusion failed. */
static bool point(enum lock_kind k, bool small, unsigned nthreads, unsigned ms)
{
    pthread_t t[MAX_THREADS];
    lock_init(&L, k);
    small_cs = small;
    guarded = 0;
    atomic_store(&stop, false);
    kit_barrier_init(&start, nthreads + 1);
    for (unsigned i = 0; i < nthreads; i++)
        kit_thread_create(&t[i], worker, &counts[i]);
    kit_barrier_wait(&start);
    uint64_t t0 = kit_now_ns();
    if (!iters) {
        kit_sleep_ms(ms);
        atomic_store_explicit(&stop, true, memory_order_relaxed);
    }
    for (unsigned i = 0; i < nthreads; i++)
        kit_thread_join(t[i]);
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    kit_barrier_destroy(&start);
    lock_destroy(&L);
    uint64_t sum = 0, lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < nthreads; i++) {
        sum += counts[i].n;
        if (counts[i].n < lo) lo = counts[i].n;
        if (counts[i].n > hi) hi = counts[i].n;
    }
    bool ok = guarded == sum;
    double spread = lo ? (double)hi / (double)lo : 0;
    const char *cs = small ? "small" : "empty";
    if (iters) { /* a correctness run: threads may finish one after another, rates mean nothing */
        printf("%-8s %-6s %4u %13s %13s %8s  %s (counter %" PRIu64 ", expected %" PRIu64 ")\n", lock_names[k], cs,
               nthreads, "-", "-", "-", ok ? "exact" : "EXCLUSION BROKEN", guarded, sum);
        return ok;
    }
    printf("%-8s %-6s %4u %13.0f %13.0f %8.2f  %s\n", lock_names[k], cs, nthreads, (double)sum / secs,
           (double)sum / secs / nthreads, spread, ok ? "ok" : "EXCLUSION BROKEN");
    char name[96];
    snprintf(name, sizeof name, "%s_%s_t%u_total_per_s", lock_names[k], cs, nthreads);
    kit_metric(name, (double)sum / secs, "1/s");
    snprintf(name, sizeof name, "%s_%s_t%u_spread", lock_names[k], cs, nthreads);
    kit_metric(name, spread, "ratio");
    return ok;
}

static void usage(void)
{
    printf("usage: lock_bench [--lock NAME|all] [--threads N] [--cs empty|small|both] [--ms M] [--iters N]\n"
           "Acquisitions/s of each lock (swap, ttas, ticket, futex, pthread) under a thread sweep.\n"
           "  --lock NAME    one lock, or all (default)\n"
           "  --threads N    one thread count (default: sweep 1, 2, ..., 2 x CPUs)\n"
           "  --cs WHAT      critical section: empty (a counter), small (+ one cache line\n"
           "                 of updates) or both (default)\n"
           "  --ms M         milliseconds per point (default 300)\n"
           "  --iters N      instead of timing, N acquisitions per thread; checks the\n"
           "                 guarded counter is exact\n"
           "Columns: total/s, per-thread/s, spread = max/min acquisitions over threads.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "lock", required_argument, NULL, 'l' }, { "threads", required_argument, NULL, 't' },
        { "cs", required_argument, NULL, 'c' }, { "ms", required_argument, NULL, 'm' },
        { "iters", required_argument, NULL, 'i' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int only = -1, cs = 2; /* 0 empty, 1 small, 2 both */
    unsigned nthreads = 0, ms = 300;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (strcmp(optarg, "all") != 0 && (only = lock_kind_parse(optarg)) < 0)
                kit_usage_error("--lock: expected swap, ttas, ticket, futex, pthread or all, got '%s'", optarg);
            break;
        case 't': nthreads = (unsigned)kit_arg_u64("threads", optarg, 1, MAX_THREADS); break;
        case 'c':
            if (strcmp(optarg, "empty") == 0) cs = 0;
            else if (strcmp(optarg, "small") == 0) cs = 1;
            else if (strcmp(optarg, "both") == 0) cs = 2;
            else kit_usage_error("--cs: expected empty, small or both, got '%s'", optarg);
            break;
        case 'm': ms = (unsigned)kit_arg_u64("ms", optarg, 10, 600000); break;
        case 'i': iters = kit_arg_u64("iters", optarg, 1, 1000000000); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned maxt = cpus > 0 && 2 * cpus <= MAX_THREADS ? 2 * (unsigned)cpus : 8;
    printf("lock_bench: %ld CPUs; acquisitions per second; spread = max/min over threads\n", cpus);
    printf("%-8s %-6s %4s %13s %13s %8s  %s\n", "lock", "cs", "thr", "total/s", "per-thread/s", "spread", "exclusion");
    bool ok = true;
    for (int k = 0; k < LOCK_NKINDS; k++) {
        if (only >= 0 && k != only)
            continue;
        for (int s = 0; s < 2; s++) {
            if (cs != 2 && s != cs)
                continue;
            for (unsigned t = nthreads ? nthreads : 1; t <= (nthreads ? nthreads : maxt); t++)
                ok &= point((enum lock_kind)k, s == 1, t, ms);
        }
    }
    (void)shared_line;
    return ok ? 0 : 1;
}
