/* queue_bench - multi-producer, single-consumer throughput of three queues:
 *   msq     the lab's lock-free Michael-Scott queue (msqueue_ok.c)
 *   mutex   a ring buffer under one pthread_mutex_t
 *   chan    lab 4's channel (labs/04-sync-send/chan.c, through USES: mutex +
 *           two condvars), as the book's ch. 6 builds on ch. 4/5's tools
 * P producers each send M values; one consumer receives all P x M and checks
 * that each producer's values arrive in order and none is lost.  All three
 * hold at most --cap values.  msq and mutex never block: a full enq or empty
 * deq yields the CPU and retries; chan sleeps on its condvars.
 *
 * On common/stress.h: the consumer is worker 0 and the producers workers
 * 1..P, all released together from the start barrier, so thread creation is
 * not timed; the clock stops when the consumer has everything.  One producer
 * count per run (measure.conf sweeps --producers).  Prints transfers per
 * second for each queue, METRIC <queue>_per_s. */
#include <stdatomic.h>
#include <stdbool.h>
#include "chan.h"
#include "kit.h"
#include "msqueue_ok.h"
#include "stress.h"

enum qkind { Q_MSQ, Q_MUTEX, Q_CHAN, Q_N };
static const char *const qnames[Q_N] = { "msq", "mutex", "chan" };
#define MAX_PRODUCERS 64

struct ring { pthread_mutex_t m; long *buf; size_t cap, head, len; };
static bool ring_push(struct ring *r, long v)
{
    kit_mutex_lock(&r->m);
    bool ok = r->len < r->cap;
    if (ok) { r->buf[(r->head + r->len) % r->cap] = v; r->len++; }
    kit_mutex_unlock(&r->m);
    return ok;
}
static bool ring_pop(struct ring *r, long *v)
{
    kit_mutex_lock(&r->m);
    bool ok = r->len > 0;
    if (ok) { *v = r->buf[r->head]; r->head = (r->head + 1) % r->cap; r->len--; }
    kit_mutex_unlock(&r->m);
    return ok;
}

struct bench {
    enum qkind kind;
    struct msq *mq;
    struct ring rq;
    struct chan *cq;
    uint64_t per;        /* values per producer */
    unsigned producers;
    uint64_t bad;        /* written by the consumer, read after the join */
};

static void produce(struct bench *b, struct stress_thread *t)
{
    long p = (long)t->id - 1;
    while (stress_more(t)) { /* --iters = per: t->ops counts this producer's values */
        long v = p * (long)b->per + (long)t->ops;
        switch (b->kind) {
        case Q_MSQ: while (!msq_enq(b->mq, v)) sched_yield(); break;
        case Q_MUTEX: while (!ring_push(&b->rq, v)) sched_yield(); break;
        default: KIT_CHECK(chan_send(b->cq, &v) == CHAN_OK); break;
        }
        t->ops++;
    }
}

/* The consumer counts nothing in t->ops: total_ops is the values sent. */
static void consume(struct bench *b)
{
    long last[MAX_PRODUCERS];
    for (unsigned i = 0; i < b->producers; i++) last[i] = -1;
    uint64_t total = b->per * b->producers, got = 0;
    while (got < total) {
        long v;
        bool ok;
        switch (b->kind) {
        case Q_MSQ: ok = msq_deq(b->mq, &v); break;
        case Q_MUTEX: ok = ring_pop(&b->rq, &v); break;
        default: ok = chan_recv(b->cq, &v) == CHAN_OK; break;
        }
        if (!ok) { sched_yield(); continue; }
        got++;
        long p = v / (long)b->per, i = v % (long)b->per;
        if (p < 0 || p >= (long)b->producers || i <= last[p]) b->bad++;
        else last[p] = i;
    }
}

static void body(struct stress_thread *t)
{
    struct bench *b = t->arg;
    if (t->id == 0)
        consume(b);
    else
        produce(b, t);
}

static bool run(enum qkind k, unsigned producers, uint64_t per, size_t cap)
{
    static struct bench b;
    b = (struct bench){ .kind = k, .per = per, .producers = producers };
    if (k == Q_MSQ) b.mq = msq_new((uint32_t)cap);
    if (k == Q_MUTEX) { kit_mutex_init(&b.rq.m); b.rq.buf = malloc(cap * sizeof(long)); KIT_CHECK(b.rq.buf); b.rq.cap = cap; }
    if (k == Q_CHAN) { b.cq = chan_new(sizeof(long), cap); KIT_CHECK(b.cq != NULL); }
    struct stress_opts o = STRESS_DEFAULTS;
    o.threads = producers + 1;
    o.iters = per;
    struct stress_result r;
    stress_run(&o, body, &b, &r);
    if (k == Q_MSQ) msq_free(b.mq);
    if (k == Q_MUTEX) { free(b.rq.buf); kit_mutex_destroy(&b.rq.m); }
    if (k == Q_CHAN) { chan_sender_drop(b.cq); chan_receiver_drop(b.cq); }
    bool ok = b.bad == 0 && r.total_ops == per * producers;
    printf("%-6s %9u %14.0f  %s\n", qnames[k], producers, r.per_s, ok ? "in order, none lost" : "OUT OF ORDER");
    char name[64];
    snprintf(name, sizeof name, "%s_per_s", qnames[k]);
    kit_metric(name, r.per_s, "1/s");
    return ok;
}

static void usage(void)
{
    printf("usage: queue_bench [--queue msq|mutex|chan|all] [--producers N] [--per N] [--cap N]\n"
           "MPSC throughput: the lock-free Michael-Scott queue vs a mutex ring vs lab 4's channel.\n"
           "  --queue Q       one queue or all (default)\n"
           "  --producers N   producer threads, one consumer (default 2)\n"
           "  --per N         values per producer (default 200000)\n"
           "  --cap N         queue capacity (default 1024)\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "queue", required_argument, NULL, 'q' }, { "producers", required_argument, NULL, 'p' },
        { "per", required_argument, NULL, 'n' }, { "cap", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    int only = -1;
    unsigned producers = 2;
    uint64_t cap = 1024, per = 200000;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'q':
            if (strcmp(optarg, "all") == 0) only = -1;
            else if (strcmp(optarg, "msq") == 0) only = Q_MSQ;
            else if (strcmp(optarg, "mutex") == 0) only = Q_MUTEX;
            else if (strcmp(optarg, "chan") == 0) only = Q_CHAN;
            else kit_usage_error("--queue: expected msq, mutex, chan or all, got '%s'", optarg);
            break;
        case 'p': producers = (unsigned)kit_arg_u64("producers", optarg, 1, MAX_PRODUCERS); break;
        case 'n': per = kit_arg_u64("per", optarg, 1, 10000000); break;
        case 'c': cap = kit_arg_u64("cap", optarg, 1, 1u << 20); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    printf("queue_bench: %d CPUs, %u producers, 1 consumer, %" PRIu64 " values per producer, capacity %" PRIu64 "\n",
           machine_cpus(), producers, per, cap);
    printf("%-6s %9s %14s\n", "queue", "producers", "transfers/s");
    bool ok = true;
    for (int k = 0; k < Q_N; k++)
        if (only < 0 || k == only)
            ok &= run((enum qkind)k, producers, per, (size_t)cap);
    return ok ? 0 : 1;
}
