/* hopper_prop.c - hopper's QuickCheck properties in C (book ch. 5, sections
 * 2.10.1-2.10.2, hopper src/lib.rs), on common/prop.h, reporting through
 * common/check.h (one ok/FAIL line per property and per ingress_shedding
 * figure; prop.h's own lines say the seed and, on a failure, the shrunk case):
 *
 *   single_sender_round_trip(mem, disk, files, total_vals): one sender thread
 *       sends 0..n-1 (retrying refused sends) and flushes, one receiver thread
 *       must get exactly 0..n-1 in order.  Discard: n == 0, mem/8 == 0, disk/8 == 0.
 *   multi_sender_round_trip(senders, mem, disk, files, vals): vals split in
 *       chunks of len/senders, one sender thread a chunk; sorted(sent) ==
 *       sorted(received).  Discard: senders == 0 or > 10, vals empty,
 *       len < senders, mem/8 == 0, disk/8 == 0.
 *   multi_sender_fifo (not in the book; same tuples and rules as the
 *       multi-sender one): each sender's values are tagged (sender, index),
 *       and each sender's must arrive in its order, each exactly once - the
 *       per-sender FIFO guarantee the sorted comparison cannot see.
 *   round_trip(mem, disk, files, vals): one thread sends, and on FULL drains
 *       what is there before retrying; everything in order.
 *   ingress_shedding: 8 B memory, 32 B disk, 2 files, no receiver, 655,410
 *       sends: the FULL count is exact (393,266 with this port's 12-byte
 *       records; the book's 383,981 depends on DEFLATE), every FULL hands the
 *       value back, and after draining everything accepted arrives in order.
 *
 * A case is one tuple; discarded tuples are redrawn (quickcheck's discard),
 * and counted.  Defaults are quickcheck 0.6's: 100 cases, size 100, so memory
 * is 1..12 slots and disk < 100 B is always clamped to 1 MiB: no roll-over.
 * --large (size 1000: up to 999 values; memory < 100 B, disk < 200 B with a
 * 32-byte minimum file, i.e. 2..16 records a file, 0..3 extra files) makes
 * roll-over and FULL-then-resume happen, and the run reports how often and
 * checks that each property exercised both. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hopper.h"
#include "kit.h"
#include "prop.h"
#include "roundtrip.h"
#include "tmpdir.h"

struct tuple {
    uint64_t senders, mem, disk, files, nvals, valseed;
};

struct qc {
    const char *name;
    int kind; /* 0 single, 1 multi, 2 round_trip */
    uint64_t floor;
    uint64_t discards, cases, fulls, rolls;
};

static char tmp[1024];
static uint64_t case_no;

static int discard(const struct qc *q, const struct tuple *t)
{
    if (t->mem / 8 == 0 || t->disk / 8 == 0 || t->nvals == 0)
        return 1;
    if ((q->kind == 1 || q->kind == 3) && (t->senders == 0 || t->senders > 10 || t->nvals < t->senders))
        return 1;
    return 0;
}

static void gen(struct prop_gen *g, void *elem, void *ctx)
{
    struct qc *q = ctx;
    struct tuple *t = elem;
    for (;;) {
        t->senders = prop_uint(g, UINT64_MAX);
        t->mem = prop_uint(g, UINT64_MAX);
        t->disk = prop_uint(g, UINT64_MAX);
        t->files = prop_uint(g, UINT64_MAX);
        t->nvals = prop_uint(g, UINT64_MAX); /* Vec length or usize: [0, size) */
        t->valseed = prop_u64(g);
        if (q->floor) {
            /* large mode: small budgets, so values outnumber memory and files */
            t->mem = prop_below(g, 100);
            t->disk = prop_below(g, 200);
            t->files = prop_below(g, 4);
        }
        if (!discard(q, t))
            return;
        q->discards++;
    }
}

static int shrink(const void *elem, unsigned k, void *out, void *ctx)
{
    (void)ctx;
    const struct tuple *t = elem;
    struct tuple *o = out;
    uint64_t f[5] = { t->nvals, t->senders, t->mem, t->disk, t->files }, v = 0;
    for (int i = 0; i < 5; i++) {
        unsigned n = prop_shrink_uint_count(f[i]);
        if (k < n) {
            prop_shrink_uint(f[i], k, &v);
            *o = *t;
            uint64_t *dst[5] = { &o->nvals, &o->senders, &o->mem, &o->disk, &o->files };
            *dst[i] = v;
            return 1;
        }
        k -= n;
    }
    return 0;
}

static void show(FILE *f, const void *elem, void *ctx)
{
    const struct qc *q = ctx;
    const struct tuple *t = elem;
    if (q->kind == 1 || q->kind == 3)
        fprintf(f, "senders %" PRIu64 ", ", t->senders);
    fprintf(f, "in_memory_bytes %" PRIu64 ", disk_bytes %" PRIu64 ", max_disk_files %" PRIu64 ", values %" PRIu64
            " (value seed %" PRIu64 ")", t->mem, t->disk, t->files, t->nvals, t->valseed);
}

/* State of one case (the sequential property fills it in place). */
struct run {
    struct hopper *h;
    uint64_t *vals, n;
    int failed;
    char why[256];
};

static void set_fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_fail(struct run *r, const char *fmt, ...)
{
    va_list ap;
    if (r->failed)
        return;
    r->failed = 1;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

/* prop.h's check callback: run one case; 0 if the property held. */
static int prop_case(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    struct qc *q = ctx;
    const struct tuple *t = elems;
    struct run r;
    char name[32];
    (void)n;
    if (discard(q, t))
        return 0; /* shrink candidates outside the rules do not count */
    q->cases++;
    memset(&r, 0, sizeof r);
    r.n = t->nvals;
    r.vals = malloc(r.n * sizeof *r.vals);
    KIT_CHECK(r.vals != NULL);
    uint64_t s = t->valseed;
    for (uint64_t i = 0; i < r.n; i++)
        r.vals[i] = q->kind == 0 ? i : kit_splitmix64(&s) % (q->floor ? 1000 : 100);
    if (q->kind == 3) { /* tag each value with its sender (chunk) and position */
        uint64_t chunk = r.n / t->senders;
        for (uint64_t i = 0; i < r.n; i++)
            r.vals[i] = (i / chunk) << 32 | (i % chunk);
    }
    struct hopper_config cfg = { 8, t->mem, t->disk, t->files, q->floor };
    snprintf(name, sizeof name, "tst%" PRIu64, case_no++);
    int e = hopper_open(&r.h, tmp, name, &cfg);
    if (e != 0) {
        snprintf(why, whylen, "hopper_open: %s", strerror(e));
        return 1;
    }
    if (q->kind == 2) {
        /* sequential: send in order; on FULL take everything that is there */
        uint64_t next = 0;
        for (uint64_t i = 0; i < r.n && !r.failed; i++) {
            uint64_t v = r.vals[i];
            int st;
            while ((st = hopper_send(r.h, &v)) == HQ_FULL) {
                if (v != r.vals[i]) {
                    set_fail(&r, "a refused send changed the caller's value");
                    break;
                }
                uint64_t got;
                int rs;
                hopper_flush(r.h);
                while ((rs = hopper_recv(r.h, &got, 0)) == HQ_OK) {
                    if (got != r.vals[next])
                        set_fail(&r, "value %" PRIu64 " is %" PRIu64 ", expected %" PRIu64, next, got, r.vals[next]);
                    next++;
                    hopper_flush(r.h);
                }
                if (rs != HQ_TIMEDOUT) {
                    set_fail(&r, "recv: %s: %s", hopper_status_name(rs), hopper_last_error(r.h));
                    break;
                }
            }
            if (st != HQ_OK && st != HQ_FULL)
                set_fail(&r, "send: %s", hopper_status_name(st));
        }
        while (next < r.n && !r.failed) {
            uint64_t got;
            hopper_flush(r.h);
            int rs = hopper_recv(r.h, &got, 2000);
            if (rs != HQ_OK) {
                set_fail(&r, "recv %" PRIu64 " of %" PRIu64 ": %s", next, r.n, hopper_status_name(rs));
                break;
            }
            if (got != r.vals[next])
                set_fail(&r, "value %" PRIu64 " is %" PRIu64 ", expected %" PRIu64, next, got, r.vals[next]);
            next++;
        }
    } else {
        r.failed = hq_round_trip(r.h, q->kind == 0 ? 1 : t->senders, r.vals, r.n,
                                 q->kind == 0 ? 1 : q->kind == 3 ? 2 : 0, r.why, sizeof r.why);
    }
    struct hopper_stats hs;
    hopper_get_stats(r.h, &hs);
    q->fulls += hs.full_returns;
    q->rolls += hs.files_created;
    hopper_close(r.h, 1);
    free(r.vals);
    if (r.failed)
        snprintf(why, whylen, "%s", r.why);
    return r.failed;
}

/* One property: prop.h runs and shrinks it; the verdict is one check.  In
 * large mode a second check: the cases did reach FULL and file roll-over,
 * what --large is for. */
static void run_prop(struct qc *q, const struct prop_opts *o)
{
    struct prop_spec s = { q->name, sizeof(struct tuple), 1, 1, gen, shrink, prop_case, show, q };
    int failed = prop_check(&s, o);
    check_note("prop %s: %" PRIu64 " cases ran, %" PRIu64 " tuples discarded by the book's rules and redrawn; "
               "exercised: %" PRIu64 " FULL returns, %" PRIu64 " file roll-overs",
               q->name, q->cases, q->discards, q->fulls, q->rolls);
    char what[160];
    snprintf(what, sizeof what, "prop %s%s: %" PRIu64 " cases hold", q->name, q->floor ? " --large" : " (the book's rules)",
             o->tests);
    CHECK_THAT(!failed, what, "seed %" PRIu64 ": see the shrunk case above", o->seed);
    if (q->floor) {
        snprintf(what, sizeof what, "prop %s --large: the cases exercised FULL-then-resume and file roll-over", q->name);
        CHECK_THAT(q->fulls > 0 && q->rolls > 0, what, "%" PRIu64 " FULL returns, %" PRIu64 " roll-overs", q->fulls, q->rolls);
    }
}

/* ingress_shedding: exact FULL count, values handed back, accepted all
 * delivered (three checks).  The same in book and large mode. */
static void ingress_shedding(void)
{
    struct hopper *h;
    struct hopper_config cfg = { 8, 8, 32, 2, 0 };
    uint64_t total = 5 * 131082, fulls = 0, accepted = 0, bad = 0;
    uint64_t *acc = malloc(total * sizeof *acc);
    KIT_CHECK(acc != NULL);
    KIT_CHECK(hopper_open(&h, tmp, "shed", &cfg) == 0);
    for (uint64_t i = 0; i < total; i++) {
        uint64_t v = i;
        int s = hopper_send(h, &v);
        if (s == HQ_FULL) {
            fulls++;
            bad += v != i;
        } else if (s == HQ_OK) {
            acc[accepted++] = i;
        } else {
            bad++;
        }
    }
    /* per file: floor(1 MiB / 12) records; 1 in memory + 3 files (0, 1, 2) */
    uint64_t expect_acc = 1 + 3 * (1048576 / 12);
    uint64_t got = 0, v;
    int s = HQ_OK;
    while (got < accepted) {
        s = hopper_recv(h, &v, 0);
        if (s == HQ_TIMEDOUT)
            s = hopper_flush(h) == HQ_OK ? hopper_recv(h, &v, 2000) : HQ_TIMEDOUT;
        if (s != HQ_OK || v != acc[got])
            break;
        got++;
    }
    hopper_close(h, 1);
    free(acc);
    check_note("ingress_shedding: %" PRIu64 " sends, %" PRIu64 " FULL, %" PRIu64 " accepted, %" PRIu64
               " delivered in order after draining%s%s", total, fulls, accepted, got, s == HQ_OK ? "" : ": ",
               s == HQ_OK ? "" : hopper_status_name(s));
    /* 655,410 - 262,144 accepted; the book's 383,981 depends on DEFLATE */
    CHECK_EQ_U64(fulls, total - expect_acc, "prop ingress_shedding: exactly 393266 FULL returns of 655410 sends (12-byte records)");
    CHECK_EQ_U64(bad, 0, "prop ingress_shedding: every refused value handed back untouched, no other error");
    CHECK_EQ_U64(got, expect_acc, "prop ingress_shedding: all 262144 accepted values delivered in order after draining");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "seed", required_argument, 0, 's' }, { "tests", required_argument, 0, 't' },
        { "size", required_argument, 0, 'z' }, { "large", no_argument, 0, 'l' },
        { "only", required_argument, 0, 'o' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    struct prop_opts o = prop_opts_default();
    int c, large = 0, size_set = 0;
    const char *only = NULL;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': o.seed = kit_arg_u64("seed", optarg, 0, UINT64_MAX); break;
        case 't': o.tests = kit_arg_u64("tests", optarg, 1, 100000000); break;
        case 'z': o.size = kit_arg_u64("size", optarg, 1, 100000); size_set = 1; break;
        case 'l': large = 1; break;
        case 'o':
            if (strcmp(optarg, "single_sender_round_trip") && strcmp(optarg, "multi_sender_round_trip") &&
                strcmp(optarg, "multi_sender_fifo") &&
                strcmp(optarg, "round_trip") && strcmp(optarg, "ingress_shedding"))
                kit_usage_error("--only: unknown property '%s'", optarg);
            only = optarg;
            break;
        case 'h':
            printf("usage: %s [--seed N] [--tests N] [--size N] [--large] [--only NAME]\n"
                   "Hopper's QuickCheck properties (book ch. 5, 2.10.1-2.10.2) with the book's discard\n"
                   "rules: single_sender_round_trip, multi_sender_round_trip, multi_sender_fifo\n"
                   "(per-sender order, not in the book), round_trip, ingress_shedding.  quickcheck\n"
                   "0.6's defaults: 100 cases, size 100 (PROP_TESTS, PROP_SIZE, PROP_SEED also work).\n"
                   "One ok/FAIL line per property (check.h); exit 1 if any failed.\n"
                   "  --large      size 1000 and 32-byte minimum queue files: roll-over and\n"
                   "               FULL-then-resume happen (counted and checked)\n"
                   "  --only NAME  one property\n",
                   program_invocation_short_name);
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (large && !size_set && getenv("PROP_SIZE") == NULL)
        o.size = 1000;
    hq_tmpdir_create(tmp, sizeof tmp, 1);
    struct qc props[4] = {
        { "single_sender_round_trip", 0, large ? 32 : 0, 0, 0, 0, 0 },
        { "multi_sender_round_trip", 1, large ? 32 : 0, 0, 0, 0, 0 },
        { "multi_sender_fifo", 3, large ? 32 : 0, 0, 0, 0, 0 },
        { "round_trip", 2, large ? 32 : 0, 0, 0, 0, 0 },
    };
    printf("hopper_prop: %s mode, %" PRIu64 " cases per property, size %" PRIu64 ", seed %" PRIu64 "\n",
           large ? "large" : "book", o.tests, o.size, o.seed);
    for (int i = 0; i < 4; i++)
        if (!only || strcmp(only, props[i].name) == 0)
            run_prop(&props[i], &o);
    if (!only || strcmp(only, "ingress_shedding") == 0)
        ingress_shedding();
    return check_done();
}
