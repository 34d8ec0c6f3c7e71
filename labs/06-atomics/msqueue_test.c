/* msqueue_test - the book's queue tests (ch. 6 section 9.5) and more, run on
 * either queue: --queue ok (msqueue_ok, the correct one) or bad (msqueue_bad,
 * the book's; its tests "usually pass", as the book says - queue_spin is what
 * breaks it).
 *
 *   sequential  property test (prop.h): random Enq(u32)/Deq sequences against
 *               a FIFO model; every Deq must agree (the book's `sequential`)
 *   repeated    parallel_exp(73, 2, 2) --reps times (the book's `repeated`)
 *   parallel    parallel_exp with random total/enqs/deqs (the book's `parallel`)
 *   fifo        P producers, C consumers: nothing lost, nothing duplicated, and
 *               each consumer sees each producer's values in order
 *   lin         short 3-thread histories recorded from the queue, each checked
 *               by lin_check_demo's search (lincheck.c)
 *
 * One check.h line per test ("ok msqueue_ok fifo: ..."), then the closing
 * count; the exit status is 1 if any failed. */
#include <stdatomic.h>
#include <stdbool.h>
#include "check.h"
#include "kit.h"
#include "lincheck.h"
#include "msqueue_bad.h"
#include "msqueue_ok.h"
#include "prop.h"

static bool use_bad;

/* One interface over both queues.  The bad queue is unbounded; the good one
 * gets a pool of `cap` nodes. */
struct anyq { struct msq *ok; struct msqb *bad; };
static struct anyq q_new(uint32_t cap)
{
    struct anyq q = { NULL, NULL };
    if (use_bad) q.bad = msqb_new(); else q.ok = msq_new(cap);
    return q;
}
static void q_free(struct anyq q) { if (use_bad) msqb_free(q.bad); else msq_free(q.ok); }
static bool q_enq(struct anyq q, long v) { if (use_bad) { msqb_enq(q.bad, v); return true; } return msq_enq(q.ok, v); }
static bool q_deq(struct anyq q, long *v) { return use_bad ? msqb_deq(q.bad, v) : msq_deq(q.ok, v); }

/* ---- sequential ---------------------------------------------------------- */
struct op { uint8_t deq; uint32_t v; };
static void gen_op(struct prop_gen *g, void *e, void *ctx)
{
    (void)ctx;
    struct op *o = e;
    o->deq = (uint8_t)prop_below(g, 2); /* the book's gen_range(0, 2): 50/50 */
    o->v = prop_u32(g);
}
static int shrink_op(const void *e, unsigned k, void *out, void *ctx)
{
    (void)ctx;
    const struct op *o = e;
    struct op *r = out;
    *r = *o;
    if (o->deq)
        return 0;
    uint64_t v;
    if (!prop_shrink_uint(o->v, k, &v))
        return 0;
    r->v = (uint32_t)v;
    return 1;
}
static void show_op(FILE *f, const void *e, void *ctx)
{
    (void)ctx;
    const struct op *o = e;
    if (o->deq) fprintf(f, "Deq"); else fprintf(f, "Enq(%" PRIu32 ")", o->v);
}
static int check_seq(const void *elems, size_t n, void *ctx, char *why, size_t wl)
{
    (void)ctx;
    const struct op *ops = elems;
    long *model = malloc((n + 1) * sizeof *model);
    KIT_CHECK(model != NULL);
    size_t mh = 0, mt = 0;
    struct anyq q = q_new((uint32_t)n + 1);
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        long v;
        if (!ops[i].deq) {
            model[mt++] = ops[i].v;
            if (!q_enq(q, ops[i].v)) { snprintf(why, wl, "op %zu: enq failed", i); bad = 1; }
        } else {
            bool got = q_deq(q, &v), want = mh < mt;
            if (got != want || (got && v != model[mh])) {
                snprintf(why, wl, "op %zu: deq gave %s%ld, the model %s%ld", i, got ? "" : "empty ",
                         got ? v : 0, want ? "" : "empty ", want ? model[mh] : 0);
                bad = 1;
            }
            if (want) mh++;
        }
    }
    q_free(q);
    free(model);
    return bad;
}

/* ---- parallel_exp ---------------------------------------------------------- */
struct pexp { struct anyq q; uint64_t total, expected; atomic_ullong retrieved; };
static void *pexp_enq(void *a)
{
    struct pexp *p = a;
    for (uint64_t i = 0; i < p->total; i++)
        KIT_CHECK(q_enq(p->q, (long)i));
    return NULL;
}
static void *pexp_deq(void *a)
{
    struct pexp *p = a;
    long v;
    /* `<`, not the book's `!=`: a queue that delivered extra values would
     * make `!=` spin forever instead of failing */
    while (atomic_load_explicit(&p->retrieved, memory_order_relaxed) < p->expected)
        if (q_deq(p->q, &v))
            atomic_fetch_add_explicit(&p->retrieved, 1, memory_order_relaxed);
        else
            sched_yield();
    return NULL;
}
/* The book's parallel_exp(total, enqs, deqs): true if exactly total * enqs
 * values came out. */
static bool parallel_exp(uint64_t total, unsigned enqs, unsigned deqs)
{
    static struct pexp p;
    pthread_t t[64];
    p.q = q_new((uint32_t)(total * enqs + deqs + 1));
    p.total = total;
    p.expected = total * enqs;
    atomic_store(&p.retrieved, 0);
    for (unsigned i = 0; i < enqs; i++) kit_thread_create(&t[i], pexp_enq, &p);
    for (unsigned i = 0; i < deqs; i++) kit_thread_create(&t[enqs + i], pexp_deq, &p);
    for (unsigned i = 0; i < enqs + deqs; i++) kit_thread_join(t[i]);
    long v;
    bool extra = q_deq(p.q, &v);
    q_free(p.q);
    return atomic_load(&p.retrieved) == p.expected && !extra;
}

/* ---- fifo: per-producer order, nothing lost or duplicated ------------------ */
struct fifo { struct anyq q; unsigned producers; uint64_t per; atomic_ullong got; atomic_uchar *seen; atomic_uint errors; };
static struct fifo F;
static void *fifo_prod(void *a)
{
    long p = (long)(intptr_t)a;
    for (uint64_t i = 0; i < F.per; i++)
        while (!q_enq(F.q, p * (long)F.per + (long)i)) /* fits a 32-bit long */
            sched_yield(); /* pool momentarily exhausted */
    return NULL;
}
static void *fifo_cons(void *a)
{
    (void)a;
    long last[64];
    for (unsigned i = 0; i < F.producers; i++) last[i] = -1;
    long v;
    while (atomic_load_explicit(&F.got, memory_order_relaxed) < F.producers * F.per) {
        if (!q_deq(F.q, &v)) { sched_yield(); continue; }
        atomic_fetch_add_explicit(&F.got, 1, memory_order_relaxed);
        long p = v / (long)F.per, i = v % (long)F.per;
        if (p < 0 || p >= (long)F.producers || i >= (long)F.per || i <= last[p]) {
            atomic_fetch_add(&F.errors, 1); /* out of range or out of order */
            continue;
        }
        last[p] = i;
        if (atomic_exchange(&F.seen[(uint64_t)p * F.per + (uint64_t)i], 1))
            atomic_fetch_add(&F.errors, 1); /* duplicate */
    }
    return NULL;
}

/* ---- lin: record short histories and check them ----------------------------- */
static atomic_ullong stamp;
struct rec { struct anyq q; struct lin_op ops[8]; int tid; uint64_t seed; };
static void *lin_thread(void *a)
{
    struct rec *r = a;
    uint64_t s = r->seed;
    for (int k = 0; k < 8; k++) {
        struct lin_op *o = &r->ops[k];
        o->thread = r->tid;
        o->kind = kit_splitmix64(&s) & 1 ? LIN_DEQ : LIN_ENQ;
        o->arg = r->tid * 100 + k;
        o->inv = atomic_fetch_add(&stamp, 1);
        if (o->kind == LIN_ENQ)
            KIT_CHECK(q_enq(r->q, o->arg));
        else
            o->ok = q_deq(r->q, &o->result);
        o->res = atomic_fetch_add(&stamp, 1);
    }
    return NULL;
}

static void usage(void)
{
    printf("usage: msqueue_test [--queue ok|bad] [--test NAME] [--seed S] [--tests N] [--reps N] [--histories N]\n"
           "The book's queue tests plus FIFO and linearizability checks.\n"
           "  --queue Q       ok (msqueue_ok, default) or bad (the book's msqueue_bad:\n"
           "                  BROKEN ON PURPOSE; its tests usually pass, as in the book)\n"
           "  --test NAME     sequential, repeated, parallel, fifo, lin or all (default)\n"
           "  --seed S        property-test seed (default random; PROP_SEED too)\n"
           "  --tests N       property-test cases (default 100)\n"
           "  --reps N        repetitions of parallel_exp(73, 2, 2) (default 1000; book 10000)\n"
           "  --histories N   recorded histories for lin (default 200)\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "queue", required_argument, NULL, 'q' }, { "test", required_argument, NULL, 't' },
        { "seed", required_argument, NULL, 's' }, { "tests", required_argument, NULL, 'n' },
        { "reps", required_argument, NULL, 'r' }, { "histories", required_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    struct prop_opts po = prop_opts_default();
    const char *test = "all";
    uint64_t reps = 1000, histories = 200;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'q':
            if (strcmp(optarg, "ok") == 0) use_bad = false;
            else if (strcmp(optarg, "bad") == 0) use_bad = true;
            else kit_usage_error("--queue: expected ok or bad, got '%s'", optarg);
            break;
        case 't':
            if (strstr(",sequential,repeated,parallel,fifo,lin,all,", optarg) == NULL || strchr(optarg, ',') || !*optarg)
                kit_usage_error("--test: expected sequential, repeated, parallel, fifo, lin or all, got '%s'", optarg);
            test = optarg;
            break;
        case 's': po.seed = kit_arg_u64("seed", optarg, 0, UINT64_MAX); break;
        case 'n': po.tests = kit_arg_u64("tests", optarg, 1, 1000000); break;
        case 'r': reps = kit_arg_u64("reps", optarg, 1, 1000000); break;
        case 'H': histories = kit_arg_u64("histories", optarg, 1, 1000000); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    const char *qn = use_bad ? "msqueue_bad" : "msqueue_ok";
    if (use_bad) /* a lost element would make parallel_exp's dequeuers wait forever */
        kit_watchdog(600, "msqueue_test --queue bad");
    if (use_bad)
        check_note("msqueue_test: testing msqueue_bad, BROKEN ON PURPOSE (use-after-free, ABA); its tests usually pass");
    bool all = strcmp(test, "all") == 0;

    if (all || strcmp(test, "sequential") == 0) {
        struct prop_spec spec = { .name = "sequential", .elem_size = sizeof(struct op), .min_len = 0, .max_len = 0,
                                  .gen = gen_op, .shrink = shrink_op, .check = check_seq, .show = show_op };
        int r = prop_check(&spec, &po);
        CHECK_THAT(r == 0, use_bad ? "msqueue_bad sequential: random Enq/Deq sequences agree with a FIFO model"
                                   : "msqueue_ok sequential: random Enq/Deq sequences agree with a FIFO model",
                   "prop_check failed (seed %" PRIu64 ", shrunk case above)", po.seed);
    }
    if (all || strcmp(test, "repeated") == 0) {
        uint64_t good = 0;
        for (uint64_t i = 0; i < reps; i++)
            good += parallel_exp(73, 2, 2);
        CHECK_EQ_U64(good, reps, "%s repeated: parallel_exp(73, 2, 2) x %" PRIu64 " all right", qn, reps);
    }
    if (all || strcmp(test, "parallel") == 0) {
        struct prop_gen g = prop_gen_seed(po.seed, po.size);
        uint64_t good = 0, n = 0;
        for (uint64_t i = 0; i < po.tests; i++) {
            uint64_t total = prop_uint(&g, 1000);
            unsigned enqs = (unsigned)prop_below(&g, 8), deqs = (unsigned)prop_below(&g, 8);
            if (enqs == 0 || deqs == 0)
                continue; /* the book's TestResult::discard() */
            n++;
            good += parallel_exp(total, enqs, deqs);
        }
        CHECK_EQ_U64(good, n, "%s parallel: %" PRIu64 " random (total, enqs, deqs) runs right (seed %" PRIu64 ")", qn, n,
                     po.seed);
    }
    if (all || strcmp(test, "fifo") == 0) {
        F.producers = 4;
        F.per = 200000;
        F.q = q_new(1024);
        F.seen = calloc(F.producers * F.per, 1);
        KIT_CHECK(F.seen != NULL);
        pthread_t t[8];
        for (unsigned i = 0; i < 4; i++) kit_thread_create(&t[i], fifo_prod, (void *)(intptr_t)i);
        for (unsigned i = 0; i < 3; i++) kit_thread_create(&t[4 + i], fifo_cons, NULL);
        for (unsigned i = 0; i < 7; i++) kit_thread_join(t[i]);
        uint64_t missing = 0;
        for (uint64_t i = 0; i < F.producers * F.per; i++) missing += !F.seen[i];
        unsigned err = atomic_load(&F.errors);
        CHECK_THAT(err == 0 && missing == 0,
                   use_bad ? "msqueue_bad fifo: 4 producers, 3 consumers: per-producer order, none lost or duplicated"
                           : "msqueue_ok fifo: 4 producers, 3 consumers: per-producer order, none lost or duplicated",
                   "%u out-of-order or duplicate, %" PRIu64 " lost of 4 x %" PRIu64, err, missing, F.per);
        free(F.seen);
        q_free(F.q);
    }
    if (all || strcmp(test, "lin") == 0) {
        uint64_t good = 0, s = po.seed;
        int shown = 0;
        static struct rec r[3];
        for (uint64_t h = 0; h < histories; h++) {
            struct anyq q = q_new(64);
            pthread_t t[3];
            for (int i = 0; i < 3; i++) {
                r[i].q = q; r[i].tid = i; r[i].seed = kit_splitmix64(&s);
                kit_thread_create(&t[i], lin_thread, &r[i]);
            }
            for (int i = 0; i < 3; i++) kit_thread_join(t[i]);
            struct lin_op all_ops[24];
            for (int i = 0; i < 3; i++) memcpy(&all_ops[i * 8], r[i].ops, sizeof r[i].ops);
            size_t order[24], n;
            bool ok = lin_check_queue(all_ops, 24, order, &n) == LIN_YES;
            good += ok;
            if (!ok && !shown++) {
                check_note("%s lin: history %" PRIu64 " NOT linearizable:", qn, h);
                for (int i = 0; i < 24; i++)
                    check_note("  t%d %s %ld -> %s %ld [%" PRIu64 ", %" PRIu64 "]", all_ops[i].thread,
                               all_ops[i].kind == LIN_ENQ ? "enq" : "deq", all_ops[i].arg,
                           all_ops[i].ok ? "ok" : "-", all_ops[i].result, all_ops[i].inv, all_ops[i].res);
            }
            q_free(q);
        }
        CHECK_EQ_U64(good, histories, "%s lin: %" PRIu64 " recorded 3-thread histories (24 ops) linearizable", qn,
                     histories);
    }
    return check_done();
}
