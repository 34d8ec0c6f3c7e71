/* hashmap_bench - the book's criterion benchmarks (ch. 2, benches/naive.rs
 * and benches/specialized.rs) on common/bench.h: HashMap/N/{naive,standard,
 * specialized} for one size N per run (--size; the book's group, N = 100000,
 * 10000, ..., 1, is a sweep in measure.conf).  One iteration = reseed
 * xorshift128 with [1981, 1986, 2003, 2011], build a fresh map, run N
 * operations with u8 keys (insert a random u32 or look up) - map creation and
 * growth included, as in the book.  u8 keys keep the naive map at <= 256 entries: the book measured
 * naive/standard = 5.44x here, against ~190x in the u16-key runners. */
#include "bench.h"
#include "naive_map.h"
#include "rh_map.h"
#include "u8_map.h"
#include "runner.h"

struct job { uint64_t n; struct map_hasher hasher; };
static volatile uint64_t sink;   /* black_box: the counts stay observable */

static void bench_naive(void *p, uint64_t iters)
{
    struct job *j = p;
    for (uint64_t it = 0; it < iters; it++) {
        struct runner_counts c = { 0, 0, 0, 0 };
        struct naive_map m;
        naive_init(&m, j->hasher);
        RUNNER_WORKLOAD(&c, j->n, uint8_t, naive_insert(&m, key, val, &old), naive_get(&m, key) != NULL);
        naive_free(&m);
        sink += c.get_success + c.insert_present;
    }
}

static void bench_standard(void *p, uint64_t iters)
{
    struct job *j = p;
    for (uint64_t it = 0; it < iters; it++) {
        struct runner_counts c = { 0, 0, 0, 0 };
        struct rh_map m;
        rh_init(&m, j->hasher);
        RUNNER_WORKLOAD(&c, j->n, uint8_t, rh_insert(&m, key, val, &old), rh_get(&m, key) != NULL);
        rh_free(&m);
        sink += c.get_success + c.insert_present;
    }
}

static void bench_specialized(void *p, uint64_t iters)
{
    struct job *j = p;
    for (uint64_t it = 0; it < iters; it++) {
        struct runner_counts c = { 0, 0, 0, 0 };
        struct u8_map m;
        u8_init(&m);
        RUNNER_WORKLOAD(&c, j->n, uint8_t, u8_insert(&m, key, val, &old), u8_get(&m, key) != NULL);
        sink += c.get_success + c.insert_present;
    }
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "warmup-ms", required_argument, 0, 'w' }, { "measure-ms", required_argument, 0, 'm' },
        { "samples", required_argument, 0, 's' }, { "filter", required_argument, 0, 'f' },
        { "size", required_argument, 0, 'n' }, { "csv", required_argument, 0, 'c' },
        { "hash", required_argument, 0, 'H' }, { "book", no_argument, 0, 'b' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    struct bench_config cfg = { 0.1, 0.3, 30, 1000, NULL };
    const char *filter = NULL, *csv = NULL, *hash = NULL;
    uint64_t size = 100000;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'w': cfg.warmup_s = kit_arg_u64("warmup-ms", optarg, 0, 600000) / 1e3; break;
        case 'm': cfg.measure_s = kit_arg_u64("measure-ms", optarg, 1, 600000) / 1e3; break;
        case 's': cfg.samples = (unsigned)kit_arg_u64("samples", optarg, 3, 10000); break;
        case 'f': filter = optarg; break;
        case 'n': size = kit_arg_u64("size", optarg, 1, 10000000); break;
        case 'c': csv = optarg; break;
        case 'H': hash = optarg; break;
        case 'b': cfg.warmup_s = 3; cfg.measure_s = 5; cfg.samples = 100; break;
        case 'h':
            printf("usage: hashmap_bench [--size N] [--filter STR] [--samples N] [--warmup-ms MS]\n"
                   "                     [--measure-ms MS] [--csv FILE] [--hash sip13|fx] [--book]\n\n"
                   "The book's criterion benchmarks of chapter 2 (benches/naive.rs, benches/specialized.rs):\n"
                   "HashMap/N/MAP for MAP in naive, standard, specialized.  An iteration builds a fresh\n"
                   "map and runs N operations with u8 keys (xorshift128 reseeded [1981, 1986, 2003,\n"
                   "2011]).  Prints criterion's 'time: [lo median hi]' (95%% bootstrap CI of the median,\n"
                   "per iteration), outliers by Tukey's fences, and METRIC MAP_ns lines.  The book's\n"
                   "group is N = 100000, 10000, 1000, 100, 10, 1: one run each (measure.conf).\n\n"
                   "  --size N         operations per iteration (default 100000, the book's first row)\n"
                   "  --filter STR     only benchmarks whose name contains STR (e.g. standard)\n"
                   "  --samples N      samples per benchmark (default 30; criterion and --book: 100)\n"
                   "  --warmup-ms MS   warm-up (default 100; --book 3000)\n"
                   "  --measure-ms MS  measurement time per benchmark (default 300; --book 5000)\n"
                   "  --csv FILE       also write one CSV row per benchmark\n"
                   "  --hash H         the hash of naive and standard (default sip13, random key)\n"
                   "  --book           criterion's defaults: 3 s warm-up, 5 s, 100 samples (~25 s a size)\n"
                   "Book (x86, n = 100000): naive 15.840 ms, standard 2.9102 ms (naive 5.44x);\n"
                   "specialized 665.28 us vs standard 2.3521 ms (3.5x).\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    static const char *maps[] = { "naive", "standard", "specialized" };
    bench_routine fns[] = { bench_naive, bench_standard, bench_specialized };
    char names[3][64];
    int todo = 0;
    for (int m = 0; m < 3; m++) {
        snprintf(names[m], sizeof names[m], "HashMap/%" PRIu64 "/%s", size, maps[m]);
        todo += filter == NULL || strstr(names[m], filter) != NULL;
    }
    if (!todo)
        kit_usage_error("--filter: no benchmark of size %" PRIu64 " matches '%s'", size, filter);
    FILE *cf = NULL;
    if (csv) {
        cf = fopen(csv, "w");
        if (cf == NULL)
            kit_usage_error("--csv: cannot write '%s': %s", csv, strerror(errno));
        bench_csv_header(cf);
        cfg.csv = cf;
    }
    struct job j = { size, map_hasher_make(hash, 0, 0) };
    for (int m = 0; m < 3; m++) {
        char metric[32];
        if (filter && strstr(names[m], filter) == NULL)
            continue;
        snprintf(metric, sizeof metric, "%s_ns", maps[m]);
        struct bench_stats st;
        bench_run(&cfg, fns[m], &j, &st);
        bench_report(names[m], &st, metric);
        if (cf)
            bench_csv_row(cf, names[m], &st);
    }
    if (cf && fclose(cf) != 0) {
        fprintf(stderr, "hashmap_bench: --csv: cannot write '%s': %s\n", csv, strerror(errno));
        return 1;
    }
    return 0;
}
