/* c2c - cache-to-cache transfer latency: two threads on different CPUs hand
 * one cache line back and forth (ping-pong), a kit addition that measures
 * what the book's ch. 1 describes: a write to a line another core holds must
 * first take that line over (MESI coherence), and that costs far more than
 * a cache hit.  Later labs' lock and queue figures are read against this.
 *
 * --op store: ping stores turn = 2i+1 (release) and spins until it reads
 *   2i+2 (acquire); pong waits for 2i+1 and stores 2i+2.  One round trip is
 *   two line transfers (each side's read misses, its write upgrades).
 * --op cas: the same hand-off done with compare-and-swap, as a spin lock
 *   would (each successful CAS takes the line in exclusive state).
 * The round trips are timed in 100 batches; the median batch is the result.
 * Also measures the same loop on one thread alone ("local"): the line never
 * moves, so the difference is the coherence traffic. */
#include "machine.h"
#include <stdatomic.h>

/* The line handed back and forth, aligned and padded so that nothing else
 * (the read-mostly globals below) shares it and adds transfers of its own. */
static struct { KIT_ALIGNED atomic_ulong v; char pad[KIT_CACHELINE - sizeof(atomic_ulong)]; } line;
#define turn (line.v)
static int use_cas;
static uint64_t iters;
static int cpu_a, cpu_b, pin_ok = 1, pin_err;
static unsigned spin_limit = 1u << 16;

/* Spin until turn == want (acquire: what the other side did before its
 * store is visible), yielding now and then so an overloaded or 1-CPU machine
 * still makes progress. */
static void wait_for(unsigned long want)
{
    unsigned spins = 0;
    while (atomic_load_explicit(&turn, memory_order_acquire) != want) {
        /* No pause in the first spins: on some cores (AMD Zen) a PAUSE takes
         * longer than the transfer being measured. */
        if (++spins < 256) {
            continue;
        } else if (spins < spin_limit) {
            kit_cpu_relax();
        } else {
            sched_yield();
            spins = 0;
        }
    }
}

/* Hand the line over: turn goes from `from` to `to`. */
static void hand_over(unsigned long from, unsigned long to)
{
    if (!use_cas) {
        atomic_store_explicit(&turn, to, memory_order_release);
        return;
    }
    unsigned spins = 0;
    unsigned long expect = from;
    while (!atomic_compare_exchange_weak_explicit(&turn, &expect, to, memory_order_acq_rel,
                                                  memory_order_relaxed)) {
        expect = from;
        if (++spins >= spin_limit) {
            sched_yield();
            spins = 0;
        }
    }
}

static void pin(int cpu)
{
    int e = machine_pin(cpu);
    if (e != 0) {
        pin_ok = 0;
        pin_err = e;
    }
}

static void *pong(void *arg)
{
    (void)arg;
    pin(cpu_b);
    for (uint64_t i = 0; i < iters; i++) {
        if (use_cas) {
            hand_over(2 * i + 1, 2 * i + 2); /* the CAS waits for 2i+1 itself */
        } else {
            wait_for(2 * i + 1);
            hand_over(2 * i + 1, 2 * i + 2);
        }
    }
    return NULL;
}

#define BATCHES 100 /* ~0.5 ms each at default --iters: shorter than a time slice */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The round trips, timed in BATCHES batches; returns the median batch's ns
 * per round trip (a batch in which the OS preempted a thread is an outlier,
 * not the hardware's figure) and stores the best batch's in *best. */
static double ping(uint64_t n, double *best)
{
    double per[BATCHES];
    uint64_t i = 0;
    atomic_store_explicit(&turn, 0, memory_order_relaxed);
    for (int b = 0; b < BATCHES; b++) {
        uint64_t end = n * (uint64_t)(b + 1) / BATCHES, start = i;
        uint64_t t0 = kit_now_ns();
        for (; i < end; i++) {
            hand_over(2 * i, 2 * i + 1);
            wait_for(2 * i + 2);
        }
        per[b] = end > start ? (double)(kit_now_ns() - t0) / (double)(end - start) : 0;
    }
    qsort(per, BATCHES, sizeof per[0], cmp_double);
    int first = 0;
    while (first < BATCHES - 1 && per[first] == 0) /* empty batches when n < BATCHES */
        first++;
    *best = per[first];
    return per[first + (BATCHES - first) / 2];
}

/* One thread plays both sides: the same atomics, no line transfer. */
static double local(uint64_t n)
{
    atomic_store_explicit(&turn, 0, memory_order_relaxed);
    uint64_t t0 = kit_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        hand_over(2 * i, 2 * i + 1);
        wait_for(2 * i + 1);
        hand_over(2 * i + 1, 2 * i + 2);
        wait_for(2 * i + 2);
    }
    return (double)(kit_now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "iters", required_argument, NULL, 'n' },
        { "op", required_argument, NULL, 'o' },
        { "cpus", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    iters = 500000;
    cpu_a = 0;
    cpu_b = 1;
    int c, cpus_given = 0;
    const char *cpus_arg = "";
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': iters = kit_arg_u64("iters", optarg, 1, 1000000000); break;
        case 'o':
            if (strcmp(optarg, "store") == 0)
                use_cas = 0;
            else if (strcmp(optarg, "cas") == 0)
                use_cas = 1;
            else
                kit_usage_error("--op: expected store or cas, got '%s'", optarg);
            break;
        case 'c': {
            unsigned a, b;
            cpus_arg = optarg;
            int used = 0;
            if (sscanf(optarg, "%u,%u%n", &a, &b, &used) != 2 || optarg[used] != '\0' ||
                optarg[0] < '0' || optarg[0] > '9' || a == b || a > 1023 || b > 1023)
                kit_usage_error("--cpus: expected two different CPU indices A,B, got '%s'", optarg);
            cpu_a = (int)a;
            cpu_b = (int)b;
            cpus_given = 1;
            break;
        }
        case 'h':
            printf("usage: c2c [--iters N] [--op store|cas] [--cpus A,B]\n"
                   "Cache-line ping-pong: two threads pinned to different CPUs hand one cache line\n"
                   "back and forth; prints the round-trip time (two line transfers) and the same\n"
                   "loop on one thread (no transfer). A kit addition to the book's ch. 1.\n"
                   "  --iters N       round trips (default 500000)\n"
                   "  --op store      hand over with a release store, wait with acquire loads (default)\n"
                   "  --op cas        hand over with compare-and-swap, as a spin lock does\n"
                   "  --cpus A,B      the nth and mth CPUs of the affinity set (default 0,1);\n"
                   "                  an index past the set's end exits 2\n"
                   "When pinning fails (qemu), says so and runs unpinned. With one CPU there is no\n"
                   "transfer: prints the scheduler hand-off and local_ns, no transfer METRIC lines.\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    kit_watchdog(300, "c2c");

    int ncpu = machine_cpus(), emulated = machine_emulated();
    /* machine_pin wraps an index modulo the set's size: on 2 CPUs "0,2" would
     * pin both threads to the same CPU and time no transfer at all. */
    if (cpus_given && (cpu_a >= ncpu || cpu_b >= ncpu))
        kit_usage_error("--cpus: CPU %d is not in the affinity set (this process may use %d CPU%s, "
                        "indices 0-%d), got '%s'",
                        cpu_a >= ncpu ? cpu_a : cpu_b, ncpu, ncpu == 1 ? "" : "s", ncpu - 1, cpus_arg);
    printf("c2c: cache-line ping-pong, %s hand-off, %" PRIu64 " round trips\n",
           use_cas ? "compare-and-swap" : "release-store/acquire-load", iters);
    if (emulated)
        machine_note_emulated("the timing");
    if (ncpu < 2) {
        printf("only 1 CPU available: both threads share it, the line never moves between\n"
               "cores, and every hand-off waits for the scheduler (not a cache-to-cache figure)\n");
        spin_limit = 16;
        if (iters > 20000)
            iters = 20000;
    }

    pin(cpu_a);
    double loc = local(iters);
    pthread_t t;
    kit_thread_create(&t, pong, NULL);
    double best;
    double rt = ping(iters, &best);
    kit_thread_join(t);
    if (ncpu >= 2) {
        if (pin_ok)
            printf("threads pinned to CPUs #%d and #%d of %d\n", cpu_a % ncpu, cpu_b % ncpu, ncpu);
        else
            printf("could not pin the threads (%s): ran unpinned; the OS may put both on one CPU\n",
                   strerror(pin_err));
    }
    if (ncpu < 2) {
        /* Both threads share one CPU: each hand-off is a context switch, and the
         * line never leaves the core, so there is no transfer to report. */
        printf("hand-off through the scheduler:         %8.1f ns  (median of %d batches)\n", rt, BATCHES);
        printf("same loop on one thread (no transfer):  %8.1f ns\n", loc);
        printf("no transfer figure (no METRIC roundtrip_ns, oneway_ns): run on 2 or more CPUs\n");
        kit_metric("local_ns", loc, "ns");
        return 0;
    }
    printf("round trip (line goes there and back): %8.1f ns  (median of %d batches; best %.1f)\n", rt,
           BATCHES, best);
    printf("one way (one cache-to-cache transfer): %8.1f ns\n", rt / 2);
    printf("same loop on one thread (no transfer): %8.1f ns\n", loc);
    printf("transfer cost / local cost:            %8.1f x\n", loc > 0 ? rt / loc : 0);
    kit_metric("roundtrip_ns", rt, "ns");
    kit_metric("roundtrip_best_ns", best, "ns");
    kit_metric("oneway_ns", rt / 2, "ns");
    kit_metric("local_ns", loc, "ns");
    return 0;
}
