/* swap_bytes - Cell::swap's machinery, property-tested (book ch. 3.2.15).
 *
 * Three properties (common/prop.h), each over --tests random cases (default 10^4):
 *   block_vs_naive   swap_nonoverlapping_bytes (32-byte blocks + tail) leaves two
 *                    buffers exactly as the byte-at-a-time swap does, for lengths
 *                    0..4096 at any byte offsets (alignments) - and touches nothing
 *                    outside the two ranges;
 *   ptr_swap_overlap ptr_swap on two ranges of ONE buffer that may overlap (or be
 *                    the same) gives what a step-by-step model of Rust's ptr::swap
 *                    gives: tmp = x; x = old y (memmove semantics); y = tmp;
 *   replace          mem_replace moves src into dest and hands dest's old value
 *                    back; replacing twice restores both.
 * --mutant runs block_vs_naive against a block swap that is BROKEN ON PURPOSE (its
 * tail loses the last byte): the property must fail and shrink to a 1-byte swap;
 * the default run is its correct twin.
 * --bench times the naive and the block swap of --len bytes: METRIC
 * swap_naive_mib_per_s and swap_block_mib_per_s (MiB/s).  The book gives no
 * numbers for this. */
#include "prop.h"
#include "swap.h"

#define MAXLEN 4096
#define SLACK 64 /* room for offsets and for catching writes past the range */

struct case_ { uint32_t len, xoff, yoff, seed; };

static void fill(unsigned char *buf, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)kit_splitmix64(&seed);
}

static void gen_nonoverlap(struct prop_gen *g, void *elem, void *ctx)
{
    (void)ctx;
    struct case_ *c = elem;
    c->len = (uint32_t)prop_below(g, MAXLEN + 1);
    c->xoff = (uint32_t)prop_below(g, SLACK / 2);
    c->yoff = (uint32_t)prop_below(g, SLACK / 2);
    c->seed = prop_u32(g);
}
static void gen_overlap(struct prop_gen *g, void *elem, void *ctx)
{
    (void)ctx;
    struct case_ *c = elem;
    c->len = (uint32_t)prop_below(g, MAXLEN + 1);
    c->xoff = (uint32_t)prop_below(g, MAXLEN);
    /* often close to x, so that the ranges overlap; sometimes exactly x (self-swap) */
    uint32_t r = (uint32_t)prop_below(g, 8);
    c->yoff = r == 0 ? c->xoff : r < 5 ? (uint32_t)((c->xoff + prop_below(g, 64)) % MAXLEN)
                                       : (uint32_t)prop_below(g, MAXLEN);
    c->seed = prop_u32(g);
}
static int shrink(const void *elem, unsigned k, void *out, void *ctx)
{
    (void)ctx;
    const struct case_ *c = elem;
    struct case_ *o = out;
    uint64_t v = 0;
    unsigned nl = prop_shrink_uint_count(c->len), nx = prop_shrink_uint_count(c->xoff);
    *o = *c;
    if (k < nl) { prop_shrink_uint(c->len, k, &v); o->len = (uint32_t)v; return 1; }
    k -= nl;
    if (k < nx) { prop_shrink_uint(c->xoff, k, &v); o->xoff = (uint32_t)v; return 1; }
    k -= nx;
    if (prop_shrink_uint(c->yoff, k, &v)) { o->yoff = (uint32_t)v; return 1; }
    return 0;
}
static void show(FILE *f, const void *elem, void *ctx)
{
    (void)ctx;
    const struct case_ *c = elem;
    fprintf(f, "len %" PRIu32 ", x at +%" PRIu32 ", y at +%" PRIu32 ", data seed %" PRIu32, c->len,
            c->xoff, c->yoff, c->seed);
}

static unsigned char a1[MAXLEN + SLACK], b1[MAXLEN + SLACK], a2[MAXLEN + SLACK], b2[MAXLEN + SLACK];
static unsigned char one[2 * MAXLEN + SLACK], model[2 * MAXLEN + SLACK], tmp[MAXLEN];

/* The mutant: the 32-byte blocks right, the tail one byte short. */
static void mutant_block_swap(void *x, void *y, size_t len)
{
    size_t whole = len - len % 32;
    swap_nonoverlapping_bytes(x, y, whole);
    if (len > whole)
        swap_nonoverlapping_bytes((char *)x + whole, (char *)y + whole, len - whole - 1);
}
static void (*block_swap)(void *, void *, size_t) = swap_nonoverlapping_bytes;

static int check_block(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    (void)n; (void)ctx;
    const struct case_ *c = elems;
    fill(a1, sizeof a1, c->seed);
    fill(b1, sizeof b1, (uint64_t)c->seed << 32 | 1);
    for (size_t i = 0; i < sizeof b1; i++) /* every byte differs, so a missed one shows */
        b1[i] = (unsigned char)(b1[i] == a1[i] ? ~b1[i] : b1[i]);
    memcpy(a2, a1, sizeof a1);
    memcpy(b2, b1, sizeof b1);
    swap_naive(a1 + c->xoff, b1 + c->yoff, c->len);
    block_swap(a2 + c->xoff, b2 + c->yoff, c->len);
    for (size_t i = 0; i < sizeof a1; i++)
        if (a1[i] != a2[i] || b1[i] != b2[i]) {
            snprintf(why, whylen, "byte %zu of %s differs from the naive swap", i,
                     a1[i] != a2[i] ? "x's buffer" : "y's buffer");
            return 1;
        }
    return 0;
}

static int check_overlap(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    (void)n; (void)ctx;
    const struct case_ *c = elems;
    fill(one, sizeof one, c->seed);
    memcpy(model, one, sizeof one);
    /* the model, step by step on plain arrays */
    if (c->xoff != c->yoff) {
        for (size_t i = 0; i < c->len; i++) tmp[i] = model[c->xoff + i];
        unsigned char *snap = malloc(sizeof model);
        KIT_CHECK(snap != NULL);
        memcpy(snap, model, sizeof model);
        for (size_t i = 0; i < c->len; i++) model[c->xoff + i] = snap[c->yoff + i];
        for (size_t i = 0; i < c->len; i++) model[c->yoff + i] = tmp[i];
        free(snap);
    }
    ptr_swap(one + c->xoff, one + c->yoff, c->len);
    for (size_t i = 0; i < sizeof one; i++)
        if (one[i] != model[i]) {
            snprintf(why, whylen, "byte %zu: %u, the model says %u", i, one[i], model[i]);
            return 1;
        }
    return 0;
}

static int check_replace(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    (void)n; (void)ctx;
    const struct case_ *c = elems;
    fill(a1, sizeof a1, c->seed);
    fill(b1, sizeof b1, (uint64_t)c->seed << 32 | 3);
    memcpy(a2, a1, sizeof a1);
    memcpy(b2, b1, sizeof b1);
    mem_replace(a1 + c->xoff, b1 + c->yoff, c->len); /* old = replace(&mut a, b) */
    if (memcmp(a1 + c->xoff, b2 + c->yoff, c->len) != 0 || memcmp(b1 + c->yoff, a2 + c->xoff, c->len) != 0) {
        snprintf(why, whylen, "after replace, dest is not src or the old value did not come back");
        return 1;
    }
    mem_replace(a1 + c->xoff, b1 + c->yoff, c->len);
    if (memcmp(a1, a2, sizeof a1) != 0 || memcmp(b1, b2, sizeof b1) != 0) {
        snprintf(why, whylen, "replacing twice did not restore both buffers");
        return 1;
    }
    return 0;
}

static void bench(size_t len)
{
    unsigned char *x = malloc(len), *y = malloc(len);
    KIT_CHECK(x != NULL && y != NULL);
    fill(x, len, 1);
    fill(y, len, 2);
    uint64_t total = 64u << 20; /* bytes swapped per variant */
    uint64_t reps = total / (len ? len : 1);
    struct { const char *name; void (*fn)(void *, void *, size_t); } v[] = {
        { "swap_naive", swap_naive }, { "swap_block", swap_nonoverlapping_bytes },
    };
    printf("swapping %zu-byte values %" PRIu64 " times each\n", len, reps);
    for (int k = 0; k < 2; k++) {
        uint64_t t0 = kit_now_ns();
        for (uint64_t r = 0; r < reps; r++)
            v[k].fn(x, y, len);
        double ns = (double)(kit_now_ns() - t0);
        char name[64];
        snprintf(name, sizeof name, "%s_mib_per_s", v[k].name);
        /* bytes per ns * 1e9 = bytes per second; / 2^20 = MiB/s */
        kit_metric(name, (double)reps * (double)len / ns * 1e9 / 1048576.0, "MiB/s");
    }
    free(x);
    free(y);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "tests", required_argument, NULL, 't' },
        { "seed", required_argument, NULL, 'S' },
        { "bench", no_argument, NULL, 'b' },
        { "mutant", no_argument, NULL, 'm' },
        { "len", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct prop_opts po = prop_opts_default();
    uint64_t len = 4096;
    int do_bench = 0, c;
    po.tests = 10000;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': po.tests = kit_arg_u64("tests", optarg, 1, 100000000); break;
        case 'S': po.seed = kit_arg_u64("seed", optarg, 0, UINT64_MAX); break;
        case 'b': do_bench = 1; break;
        case 'm': block_swap = mutant_block_swap; break;
        case 'l': len = kit_arg_u64("len", optarg, 1, 1 << 24); break;
        case 'h':
            printf("usage: swap_bytes [--tests N] [--seed S] [--mutant] | --bench [--len BYTES]\n"
                   "Property tests of swap.c (book ch. 3.2.15): the 32-byte block swap against the\n"
                   "naive byte swap, the overlap-safe ptr_swap against a model of Rust's ptr::swap,\n"
                   "mem_replace round trips; lengths 0..4096 at random offsets, --tests cases each\n"
                   "(default 10000; random --seed, printed; exit 1 on a failure).\n"
                   "  --mutant      BROKEN ON PURPOSE: test a block swap whose tail drops its last\n"
                   "                byte: block_vs_naive must fail and shrink to len 1\n"
                   "  --bench       time the naive and the block swap instead (METRIC MiB/s)\n"
                   "  --len BYTES   value size for --bench (default 4096)\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (do_bench) {
        bench((size_t)len);
        return 0;
    }
    struct prop_spec specs[] = {
        { .name = "block_vs_naive", .elem_size = sizeof(struct case_), .min_len = 1, .max_len = 1,
          .gen = gen_nonoverlap, .shrink = shrink, .check = check_block, .show = show },
        { .name = "ptr_swap_overlap", .elem_size = sizeof(struct case_), .min_len = 1, .max_len = 1,
          .gen = gen_overlap, .shrink = shrink, .check = check_overlap, .show = show },
        { .name = "replace", .elem_size = sizeof(struct case_), .min_len = 1, .max_len = 1,
          .gen = gen_nonoverlap, .shrink = shrink, .check = check_replace, .show = show },
    };
    if (block_swap == mutant_block_swap)
        printf("swap_bytes: BROKEN ON PURPOSE: --mutant tests a block swap whose tail misses "
               "its last byte; block_vs_naive must fail\n");
    int failed = 0;
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        failed |= prop_check(&specs[i], &po);
    return failed;
}
