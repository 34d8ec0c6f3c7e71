/* false_sharing - per-thread counters in one cache line against counters on
 * separate lines (a kit addition to the book's ch. 1 cache discussion).
 *
 * Each thread increments only its own counter, so there is no sharing in the
 * program - but when counters sit in the same 64-byte line, every write must
 * take the line away from the other cores (MESI), and the threads serialize
 * on the line as if they shared one variable.  Three layouts: counters 8 bytes
 * apart (one line), 64 bytes apart (a line each) and 128 bytes apart (some
 * cores fetch lines in pairs, so 64 may not be enough).  Every counter must end
 * at exactly --iters; the slowdown is packed time / 64-byte-padded time, each
 * the best of three rounds. */
#include "machine.h"
#include <stdatomic.h>

#define MAX_THREADS 64
#define MAX_SPACING 128

static _Alignas(MAX_SPACING) unsigned char area[MAX_THREADS * MAX_SPACING];
static uint64_t iters;
static int use_add;
static pthread_barrier_t start;

struct worker { atomic_ulong *counter; int cpu; uint64_t ns; int pin_err; };

static void *work(void *arg)
{
    struct worker *w = arg;
    w->pin_err = machine_pin(w->cpu);
    atomic_ulong *c = w->counter;
    kit_barrier_wait(&start);
    uint64_t t0 = kit_now_ns();
    if (use_add) {
        for (uint64_t i = 0; i < iters; i++)
            atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
    } else {
        /* One writer per counter, so load + store is exact; relaxed is enough
         * (nothing else is published), and it compiles to plain mov/add/mov. */
        for (uint64_t i = 0; i < iters; i++)
            atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                                  memory_order_relaxed);
    }
    w->ns = kit_now_ns() - t0;
    return NULL;
}

/* Run `threads` threads with counters `spacing` bytes apart; returns the
 * slowest thread's ns per increment, and checks every count is exact. */
static double run(int threads, size_t spacing, int *exact, int *pin_failed)
{
    struct worker w[MAX_THREADS];
    pthread_t t[MAX_THREADS];
    memset(area, 0, sizeof area);
    kit_barrier_init(&start, (unsigned)threads);
    for (int i = 0; i < threads; i++) {
        w[i] = (struct worker){ (atomic_ulong *)(void *)(area + (size_t)i * spacing), i, 0, 0 };
        atomic_init(w[i].counter, 0);
        kit_thread_create(&t[i], work, &w[i]);
    }
    uint64_t worst = 0;
    for (int i = 0; i < threads; i++) {
        kit_thread_join(t[i]);
        if (w[i].ns > worst)
            worst = w[i].ns;
        if (atomic_load_explicit(w[i].counter, memory_order_relaxed) != iters)
            *exact = 0;
        if (w[i].pin_err)
            *pin_failed = w[i].pin_err;
    }
    kit_barrier_destroy(&start);
    return (double)worst / (double)iters;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "threads", required_argument, NULL, 't' },
        { "iters", required_argument, NULL, 'n' },
        { "op", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t threads = 2;
    iters = 10000000;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': threads = kit_arg_u64("threads", optarg, 1, 8); break;
        case 'n': iters = kit_arg_u64("iters", optarg, 1, 10000000000ull); break;
        case 'o':
            if (strcmp(optarg, "store") == 0)
                use_add = 0;
            else if (strcmp(optarg, "add") == 0)
                use_add = 1;
            else
                kit_usage_error("--op: expected store or add, got '%s'", optarg);
            break;
        case 'h':
            printf("usage: false_sharing [--threads T] [--iters N] [--op store|add]\n"
                   "False sharing: T threads each increment their own counter N times, with the\n"
                   "counters 8 bytes apart (one cache line), 64 apart and 128 apart. Prints ns per\n"
                   "increment of each layout and the slowdown packed / padded. A kit addition (ch. 1).\n"
                   "  --threads T   threads, 1..8 so the packed counters fit one line (default 2)\n"
                   "  --iters N     increments per thread (default 10000000)\n"
                   "  --op store    relaxed load + store, one writer per counter (default)\n"
                   "  --op add      relaxed atomic fetch_add (a locked instruction on x86)\n"
                   "Every counter must end at exactly N (exit 1 otherwise).\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    kit_watchdog(600, "false_sharing");

    int ncpu = machine_cpus();
    printf("false_sharing: %" PRIu64 " thread%s x %" PRIu64 " increments (%s), %d CPU%s\n", threads,
           threads == 1 ? "" : "s", iters, use_add ? "atomic fetch_add" : "load + store", ncpu, ncpu == 1 ? "" : "s");
    if (machine_emulated())
        machine_note_emulated("the timing");
    if (threads > (uint64_t)ncpu)
        printf("more threads than CPUs: threads take turns, so little line ping-pong shows\n");
    int exact = 1, pin_failed = 0;
    /* Three rounds of the three layouts, keeping each one's best: the first
     * run of a process also pays page faults and clock ramp-up. */
    double packed = 1e300, pad64 = 1e300, pad128 = 1e300;
    for (int round = 0; round < 3; round++) {
        double a = run((int)threads, 8, &exact, &pin_failed);
        double b = run((int)threads, 64, &exact, &pin_failed);
        double d = run((int)threads, 128, &exact, &pin_failed);
        packed = a < packed ? a : packed;
        pad64 = b < pad64 ? b : pad64;
        pad128 = d < pad128 ? d : pad128;
    }
    if (pin_failed)
        printf("could not pin threads to CPUs (%s): ran unpinned\n", strerror(pin_failed));
    printf("%-34s %8.2f ns per increment\n", "packed (8 B apart, one line):", packed);
    printf("%-34s %8.2f ns per increment\n", "padded (64 B apart, a line each):", pad64);
    printf("%-34s %8.2f ns per increment\n", "padded (128 B apart, line pairs):", pad128);
    printf("false sharing slowdown (packed / 64 B padded): %.1fx\n", packed / pad64);
    printf("every counter = %" PRIu64 ": %s\n", iters, exact ? "exact" : "WRONG");
    kit_metric("packed_ns_per_inc", packed, "ns");
    kit_metric("padded64_ns_per_inc", pad64, "ns");
    kit_metric("padded128_ns_per_inc", pad128, "ns");
    kit_metric("slowdown", packed / pad64, "x");
    return exact ? 0 : 1;
}
