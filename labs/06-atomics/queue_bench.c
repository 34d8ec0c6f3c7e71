/* queue_bench - multi-producer, single-consumer throughput of three queues:
 *   msq     the lab's lock-free Michael-Scott queue (msqueue_ok.c)
 *   mutex   a ring buffer under one pthread_mutex_t
 *   chan    lab 4's channel (../04-sync-send/chan.c: mutex + two condvars),
 *           used by path, as the book's ch. 6 builds on ch. 4/5's tools
 * P producers each send M values; one consumer receives all P x M and checks
 * that each producer's values arrive in order and none is lost.  All three
 * hold at most --cap values.  msq and mutex never block: a full enq or empty
 * deq yields the CPU and retries; chan sleeps on its condvars.
 * Prints transfers per second for each queue and producer count. */
#include <stdatomic.h>
#include <stdbool.h>
#include "../04-sync-send/chan.h"
#include "kit.h"
#include "msqueue_ok.h"

enum qkind { Q_MSQ, Q_MUTEX, Q_CHAN, Q_N };
static const char *const qnames[Q_N] = { "msq", "mutex", "chan" };

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

static enum qkind kind;
static struct msq *mq;
static struct ring rq;
static struct chan *cq;
static uint64_t per; /* values per producer */

static void *producer(void *arg)
{
    long p = (long)(intptr_t)arg;
    for (uint64_t i = 0; i < per; i++) {
        long v = p * (long)per + (long)i;
        switch (kind) {
        case Q_MSQ: while (!msq_enq(mq, v)) sched_yield(); break;
        case Q_MUTEX: while (!ring_push(&rq, v)) sched_yield(); break;
        default: KIT_CHECK(chan_send(cq, &v) == CHAN_OK); break;
        }
    }
    return NULL;
}

static bool run(enum qkind k, unsigned producers, size_t cap)
{
    kind = k;
    if (k == Q_MSQ) mq = msq_new((uint32_t)cap);
    if (k == Q_MUTEX) { kit_mutex_init(&rq.m); rq.buf = malloc(cap * sizeof(long)); KIT_CHECK(rq.buf); rq.cap = cap; rq.head = rq.len = 0; }
    if (k == Q_CHAN) { cq = chan_new(sizeof(long), cap); KIT_CHECK(cq != NULL); }
    long last[64];
    for (unsigned i = 0; i < producers; i++) last[i] = -1;
    pthread_t t[64];
    uint64_t t0 = kit_now_ns();
    for (unsigned i = 0; i < producers; i++)
        kit_thread_create(&t[i], producer, (void *)(intptr_t)i);
    uint64_t total = per * producers, got = 0, bad = 0;
    while (got < total) {
        long v;
        bool ok;
        switch (k) {
        case Q_MSQ: ok = msq_deq(mq, &v); break;
        case Q_MUTEX: ok = ring_pop(&rq, &v); break;
        default: ok = chan_recv(cq, &v) == CHAN_OK; break;
        }
        if (!ok) { sched_yield(); continue; }
        got++;
        long p = v / (long)per, i = v % (long)per;
        if (p < 0 || p >= (long)producers || i <= last[p]) bad++;
        else last[p] = i;
    }
    for (unsigned i = 0; i < producers; i++)
        kit_thread_join(t[i]);
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    if (k == Q_MSQ) msq_free(mq);
    if (k == Q_MUTEX) { free(rq.buf); kit_mutex_destroy(&rq.m); }
    if (k == Q_CHAN) { chan_sender_drop(cq); chan_receiver_drop(cq); }
    printf("%-6s %9u %14.0f  %s\n", qnames[k], producers, (double)total / secs,
           bad ? "OUT OF ORDER" : "in order, none lost");
    char name[64];
    snprintf(name, sizeof name, "%s_p%u_per_s", qnames[k], producers);
    kit_metric(name, (double)total / secs, "1/s");
    return bad == 0;
}

static void usage(void)
{
    printf("usage: queue_bench [--queue msq|mutex|chan|all] [--producers N] [--per N] [--cap N]\n"
           "MPSC throughput: the lock-free Michael-Scott queue vs a mutex ring vs lab 4's channel.\n"
           "  --queue Q       one queue or all (default)\n"
           "  --producers N   one producer count (default: sweep 1, 2, ..., 2 x CPUs)\n"
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
    unsigned producers = 0;
    uint64_t cap = 1024;
    per = 200000;
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
        case 'p': producers = (unsigned)kit_arg_u64("producers", optarg, 1, 64); break;
        case 'n': per = kit_arg_u64("per", optarg, 1, 10000000); break;
        case 'c': cap = kit_arg_u64("cap", optarg, 1, 1u << 20); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned maxp = cpus > 0 && 2 * cpus <= 64 ? 2 * (unsigned)cpus : 8;
    printf("queue_bench: %ld CPUs, 1 consumer, %" PRIu64 " values per producer, capacity %" PRIu64 "\n", cpus, per, cap);
    printf("%-6s %9s %14s\n", "queue", "producers", "transfers/s");
    bool ok = true;
    for (int k = 0; k < Q_N; k++) {
        if (only >= 0 && k != only)
            continue;
        for (unsigned p = producers ? producers : 1; p <= (producers ? producers : maxp); p++)
            ok &= run((enum qkind)k, p, (size_t)cap);
    }
    return ok ? 0 : 1;
}
