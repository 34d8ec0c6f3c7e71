/* memlat - memory latency by pointer chasing (a kit addition: the book's
 * ch. 1 quotes L1 0.5 ns, L2 7 ns and DRAM 100 ns and promises to measure
 * them, which it never does; this program does).
 *
 * For each working set from --min-kib to --max-mib (doubling), the buffer's
 * 64-byte lines are linked into one cycle in random order (a shuffled visit
 * order, so no stride a prefetcher could learn), and a chain of dependent
 * loads p = *p walks it: each load's address is the previous load's value,
 * so the loads cannot overlap and the time per load is the latency of
 * whichever level holds the working set.  The plateaus of ns/load are the
 * L1, L2, L3 and DRAM latencies (method after lmbench's lat_mem_rd and
 * Drepper 2007, "What every programmer should know about memory", s. 3.3).
 *
 * METRIC lines: a run over many sizes reports the plateaus (l1_ns, l2_ns,
 * l3_ns, dram_ns); --kib N measures one size and reports ns_per_load, so
 * measure.conf sweeps the size (one sweep point per run, CONTRIBUTING.md). */
#include "machine.h"
#include <sys/mman.h>

struct line { struct line *next; char pad[KIT_CACHELINE - sizeof(struct line *)]; };

static struct line *volatile sink; /* keeps the chase from being optimized out */

/* Link lines[0..n) into one cycle in random order; `order` is scratch for n
 * indices.  Fisher-Yates shuffle with splitmix64 (seeded: reproducible). */
static struct line *link_cycle(struct line *lines, uint32_t *order, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(kit_splitmix64(&seed) % (i + 1));
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < n; i++)
        lines[order[i]].next = &lines[order[(i + 1) % n]];
    return &lines[order[0]];
}

/* Follow the chain for `loads` steps (a multiple of 16) and return where it ends. */
static struct line *chase(struct line *p, uint64_t loads)
{
    for (uint64_t i = 0; i < loads; i += 16) {
#define STEP p = p->next;
        STEP STEP STEP STEP STEP STEP STEP STEP STEP STEP STEP STEP STEP STEP STEP STEP
#undef STEP
    }
    return p;
}

static void size_name(uint64_t bytes, char *buf, size_t n)
{
    if (bytes >= (1u << 20))
        snprintf(buf, n, "%" PRIu64 "MiB", bytes >> 20);
    else
        snprintf(buf, n, "%" PRIu64 "KiB", bytes >> 10);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "min-kib", required_argument, NULL, 'k' },
        { "max-mib", required_argument, NULL, 'm' },
        { "kib", required_argument, NULL, 'K' },
        { "ms", required_argument, NULL, 't' },
        { "seed", required_argument, NULL, 's' },
        { "no-hugepages", no_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t min_kib = 4, max_mib = 256, ms = 40, seed = 1;
    uint64_t one_kib = 0;
    int huge = 1, range = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': min_kib = kit_arg_u64("min-kib", optarg, 4, 1u << 20); range = 1; break;
        case 'm': max_mib = kit_arg_u64("max-mib", optarg, 1, 4096); range = 1; break;
        case 'K': one_kib = kit_arg_u64("kib", optarg, 4, 4096u << 10); break;
        case 't': ms = kit_arg_u64("ms", optarg, 1, 10000); break;
        case 's': seed = kit_arg_u64("seed", optarg, 0, UINT64_MAX); break;
        case 'H': huge = 0; break;
        case 'h':
            printf("usage: memlat [--min-kib K] [--max-mib M | --kib N] [--ms T] [--seed S] [--no-hugepages]\n"
                   "Memory latency by pointer chasing: dependent loads along a random cycle of\n"
                   "64-byte lines, for working sets from K KiB to M MiB (doubling). The plateaus\n"
                   "of ns/load are the L1, L2, L3 and DRAM latencies (book ch. 1: 0.5 / 7 / 100 ns).\n"
                   "  --min-kib K      smallest working set (default 4, a power of two)\n"
                   "  --max-mib M      largest working set (default 256, a power of two)\n"
                   "  --kib N          only a working set of N KiB (a power of two): METRIC ns_per_load\n"
                   "  --ms T           time spent chasing at each size (default 40 ms)\n"
                   "  --seed S         seed of the random cycle (default 1)\n"
                   "  --no-hugepages   do not ask for transparent huge pages: large sets then\n"
                   "                   pay TLB misses on top of the DRAM latency\n"
                   "Prints a table, the plateaus against the book's figures and their METRIC lines\n"
                   "(l1_ns, l2_ns, l3_ns, dram_ns).\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (one_kib) {
        if (range)
            kit_usage_error("--kib %" PRIu64 ": measures one size; leave out --min-kib and --max-mib", one_kib);
        if (one_kib & (one_kib - 1))
            kit_usage_error("--kib: expected a power of two, got '%" PRIu64 "'", one_kib);
        min_kib = one_kib;
    }
    if (min_kib & (min_kib - 1))
        kit_usage_error("--min-kib: expected a power of two, got '%" PRIu64 "'", min_kib);
    if (max_mib & (max_mib - 1))
        kit_usage_error("--max-mib: expected a power of two, got '%" PRIu64 "'", max_mib);
    uint64_t min_b = min_kib << 10, max_b = one_kib ? one_kib << 10 : max_mib << 20;
    if (min_b > max_b)
        kit_usage_error("--min-kib %" PRIu64 " is larger than --max-mib %" PRIu64, min_kib, max_mib);

    struct line *lines = mmap(NULL, max_b, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (lines == MAP_FAILED)
        kit_usage_error("--max-mib %" PRIu64 ": cannot map %" PRIu64 " MiB: %s", max_mib, max_mib, strerror(errno));
#ifdef MADV_HUGEPAGE
    if (huge)
        (void)madvise(lines, max_b, MADV_HUGEPAGE); /* a hint; fine if refused */
#endif
    uint32_t *order = malloc((max_b / sizeof *lines) * sizeof *order);
    KIT_CHECK(order != NULL);

    uint64_t l1 = machine_cache_bytes(1), l2 = machine_cache_bytes(2), l3 = machine_cache_bytes(3);
    int emulated = machine_emulated();
    printf("memlat: dependent loads along a random cycle of %d-byte lines, %" PRIu64 " ms per size\n",
           KIT_CACHELINE, ms);
    printf("caches of cpu0 (sysfs): L1d %" PRIu64 " KiB, L2 %" PRIu64 " KiB, L3 %" PRIu64 " KiB%s\n",
           l1 >> 10, l2 >> 10, l3 >> 10, huge ? "; huge pages requested" : "; 4 KiB pages (--no-hugepages)");
    if (emulated)
        machine_note_emulated("every latency (qemu translates each load)");
    printf("%12s %10s\n", "working set", "ns/load");

    double ns_at[40] = { 0 };
    uint64_t size_at[40] = { 0 };
    int nsizes = 0;
    for (uint64_t b = min_b; b <= max_b && nsizes < 40; b *= 2, nsizes++) {
        size_t n = (size_t)(b / sizeof *lines);
        struct line *p = link_cycle(lines, order, n, seed + b);
        /* Warm up: one lap (bounded) brings a set that fits into its cache level. */
        p = chase(p, n < 16 ? 16 : (n > (1u << 20) ? (1u << 20) : (n + 15) / 16 * 16));
        uint64_t loads = 0, chunk = 1u << 14, t0 = kit_now_ns(), el;
        do {
            p = chase(p, chunk);
            loads += chunk;
            el = kit_now_ns() - t0;
        } while (el < ms * 1000000u);
        sink = p;
        double ns = (double)el / (double)loads;
        printf("%8" PRIu64 " %s %10.2f\n", b >= (1u << 20) ? b >> 20 : b >> 10, b >= (1u << 20) ? "MiB" : "KiB", ns);
        fflush(stdout);
        ns_at[nsizes] = ns;
        size_at[nsizes] = b;
    }

    if (one_kib) {
        kit_metric("ns_per_load", ns_at[0], "ns");
        free(order);
        munmap(lines, max_b);
        return 0;
    }
    /* Plateau of a level: the largest measured size that fills at most half
     * of it (and more than half of the level below, so it misses there). */
    struct { const char *name, *metric; uint64_t lo, hi; double book; } lv[4] = {
        { "L1d", "l1_ns", 0, l1, 0.5 },
        { "L2", "l2_ns", l1, l2, 7 },
        { "L3", "l3_ns", l2, l3, 0 },
        { "DRAM", "dram_ns", l3 ? l3 : l2, 0, 100 },
    };
    int level_pick[4] = { -1, -1, -1, -1 };
    printf("plateaus (the largest size that fits half of the level) against the book's figures:\n");
    for (int k = 0; k < 4; k++) {
        int pick = -1;
        if (k < 3 && lv[k].hi == 0) {
            printf("  %-5s not measured (%s)\n", lv[k].name,
                   k == 2 ? "no L3 reported by sysfs" : "cache size unknown");
            continue;
        }
        for (int i = 0; i < nsizes; i++) {
            if (k < 3) {
                if (size_at[i] * 2 <= lv[k].hi && size_at[i] > lv[k].lo / 2)
                    pick = i;
            } else if (lv[k].lo && size_at[i] >= 4 * lv[k].lo) {
                pick = i; /* DRAM: at least 4x the last cache level */
            }
        }
        if (pick < 0) {
            printf("  %-5s not measured (%s)\n", lv[k].name,
                   k == 3 ? "raise --max-mib above 4x the last cache" : "no measured size fits this level");
            continue;
        }
        char name[32];
        size_name(size_at[pick], name, sizeof name);
        if (lv[k].book > 0)
            printf("  %-5s %8s %8.2f ns   book %g ns\n", lv[k].name, name, ns_at[pick], lv[k].book);
        else
            printf("  %-5s %8s %8.2f ns   (the book gives no figure)\n", lv[k].name, name, ns_at[pick]);
        level_pick[k] = pick;
    }
    for (int k = 0; k < 4; k++)
        if (level_pick[k] >= 0)
            kit_metric(lv[k].metric, ns_at[level_pick[k]], "ns");
    free(order);
    munmap(lines, max_b);
    return 0;
}
