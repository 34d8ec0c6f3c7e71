/* hopper_deque_stress.c - hopper's deque alone, hammered (book section 2.9.3),
 * on common/stress.h.
 *
 * N producers (the harness's workers, released together from its start
 * barrier) push (producer, sequence) pairs through the two-lock ring deque;
 * one consumer thread pops them and checks, as they come, that each
 * producer's values arrive in order with no gap and no duplicate.  A slot
 * written twice or read empty (what an unordered hand-off produces) aborts in
 * the deque itself.  After the join the invariant is checked whole: every
 * producer's count of pushes equals the count the consumer took from it, so
 * nothing was lost or duplicated.  The producers' pushes per second and their
 * fairness spread are the METRIC lines.
 *
 * Twins built from this file (Makefile _FROM/_CPPFLAGS; deque.c shows where):
 *   hopper_deque_relaxed_stress      -DDEQUE_RELAXED: BROKEN ON PURPOSE,
 *                                    relaxed size; TSan reports the slot race
 *                                    anywhere, real ARM hardware shows it as a
 *                                    failed check
 *   hopper_deque_unannotated_stress  -DHB_NO_ANNOTATE: correct code without
 *                                    helgrind's happens-before annotations, so
 *                                    helgrind (which cannot see C11 atomics
 *                                    order the slots) reports false races
 */
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deque.h"
#include "hb.h"
#include "kit.h"
#include "stress.h"

#define SEQ_BITS 48
#define END_MARK UINT64_MAX   /* pushed by main after the join: producer id 0xffff, never a real one */

static struct hq_deque dq;
static unsigned producers;
static uint64_t *pushed;      /* per producer, written by it when it stops; read after the join */
static uint64_t *next_seq;    /* per producer, the consumer's next expected sequence */
static uint64_t got, bad;     /* the consumer's; read after it is joined */

/* One push, retried while the deque is full.  Notify after a 0 -> 1 push,
 * still holding back_lock: the lock order is back, then front. */
static void push(uint64_t v)
{
    for (;;) {
        bool wake;
        hq_deque_lock_back(&dq);
        int full = hq_deque_push_back(&dq, HQ_MEMORY, 0, &v, &wake);
        if (!full && wake)
            hq_deque_notify_not_empty(&dq);
        hq_deque_unlock_back(&dq);
        if (!full)
            return;
        sched_yield();
    }
}

static void producer(struct stress_thread *t)
{
    uint64_t id = t->id;
    while (stress_more(t)) {
        push(id << SEQ_BITS | t->ops);
        t->ops++;
    }
    pushed[id] = t->ops;
}

static void *consumer(void *arg)
{
    (void)arg;
    const char *me = program_invocation_short_name;
    for (;;) {
        uint32_t tag;
        uint64_t n, v = 0;
        /* 30 s with nothing: a lost wake-up or a lost item; the producers may
         * be stuck on a full deque, so end the process here */
        if (hq_deque_pop_front(&dq, &tag, &n, &v, kit_now_ns() + 30000000000ull) != 0) {
            printf("%s: FAILED: stalled after %" PRIu64 " items (lost item or lost wake-up)\n", me, got);
            fflush(stdout);
            exit(1);
        }
        if (tag == HQ_MEMORY && v == END_MARK)
            return NULL;
        uint64_t id = v >> SEQ_BITS, seq = v & ((1ull << SEQ_BITS) - 1);
        if (tag != HQ_MEMORY || id >= producers || seq != next_seq[id]) {
            if (bad++ < 5)
                printf("%s: FAILED: item %" PRIu64 ": got producer %" PRIu64 " seq %" PRIu64 ", expected seq %" PRIu64
                       "\n", me, got, id, seq, id < producers ? next_seq[id] : 0);
            if (id < producers)
                next_seq[id] = seq + 1;
        } else {
            next_seq[id]++;
        }
        got++;
    }
}

/* What this build is, for --help: each twin says its difference. */
#if DEQUE_RELAXED
#define BUILD_IS "BROKEN ON PURPOSE, size is relaxed (the slot hand-off is unordered)"
#elif defined(HB_NO_ANNOTATE)
#define BUILD_IS "BROKEN ON PURPOSE for helgrind: no happens-before annotations (correct code; helgrind reports false races)"
#else
#define BUILD_IS "acquire/release on size, helgrind annotations in the valgrind flavour"
#endif

static void usage(void)
{
    printf("usage: %s [--producers N] [--iters N | --seconds S] [--capacity N] [--pin]\n"
           "Hopper's two-lock ring deque (book ch. 5, section 2.9.3) alone: N producers push\n"
           "(producer, sequence) pairs, one consumer checks FIFO per producer; after the join,\n"
           "every producer's pushes must all have been taken, none twice.  METRIC items_per_s\n"
           "(pushes per second) and items_fairness.\n"
           "This build: %s.\n"
           "  --producers N  producer threads (default 1; 1..64)\n"
           "  --iters N      items per producer (default 1000000) ...\n"
           "  --seconds S    ... or push for S seconds, decimals allowed\n"
           "  --capacity N   deque slots (default 16; small = many full/empty transitions)\n"
           "  --pin          pin producer i to CPU i (modulo the CPUs this process may use)\n",
           program_invocation_short_name, BUILD_IS);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "producers", required_argument, 0, 'p' },
        { "iters", required_argument, 0, STRESS_OPT_ITERS },
        { "seconds", required_argument, 0, STRESS_OPT_SECONDS },
        { "capacity", required_argument, 0, 'c' },
        { "pin", no_argument, 0, STRESS_OPT_PIN },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    struct stress_opts o = STRESS_DEFAULTS;
    uint64_t capacity = 16;
    int c, iters_set = 0, seconds_set = 0;
    const char *me = program_invocation_short_name;
    o.threads = 1;
    o.iters = 1000000;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p': o.threads = (unsigned)kit_arg_u64("producers", optarg, 1, 64); break;
        case 'c': capacity = kit_arg_u64("capacity", optarg, 1, 1u << 24); break;
        /* the sequence number has SEQ_BITS bits */
        case STRESS_OPT_ITERS: o.iters = kit_arg_u64("iters", optarg, 1, (1ull << SEQ_BITS) - 1); iters_set = 1; break;
        case 'h': usage(); return 0;
        default:
            if (!stress_opt(c, optarg, &o))
                kit_bad_option(argc, argv);
            seconds_set |= c == STRESS_OPT_SECONDS;
        }
    }
    kit_no_operands(argc, argv);
    if (iters_set && seconds_set)
        kit_usage_error("--iters and --seconds: give one of them");
    if (seconds_set)
        o.iters = 0;
    producers = o.threads;

#if DEQUE_RELAXED
    printf("%s: BROKEN ON PURPOSE: %s\n", me, hq_deque_variant());
#elif defined(HB_NO_ANNOTATE)
    printf("%s: BROKEN ON PURPOSE: no helgrind annotations (correct code: %s; helgrind reports false races on the slots)\n",
           me, hq_deque_variant());
#else
    printf("%s: deque variant: %s; helgrind annotations %s\n", me, hq_deque_variant(),
           HB_ANNOTATED ? "compiled in" : "not in this build (valgrind flavour only)");
#endif
    fflush(stdout);
    if (hq_deque_init(&dq, (size_t)capacity, sizeof(uint64_t)) != 0)
        kit_die("hq_deque_init");
    pushed = calloc(producers, sizeof *pushed);
    next_seq = calloc(producers, sizeof *next_seq);
    KIT_CHECK(pushed && next_seq);

    pthread_t ct;
    struct stress_result r;
    kit_thread_create(&ct, consumer, NULL);
    stress_run(&o, producer, NULL, &r);
    push(END_MARK); /* after every producer's last push: the consumer's end */
    kit_thread_join(ct);

    /* the invariant, now that everyone is joined */
    uint64_t short_by = 0;
    for (unsigned p = 0; p < producers; p++)
        if (next_seq[p] != pushed[p]) {
            if (short_by++ < 5)
                printf("%s: FAILED: producer %u pushed %" PRIu64 " items, the consumer took %" PRIu64 " in order\n", me,
                       p, pushed[p], next_seq[p]);
        }
    if (bad || short_by || got != r.total_ops) {
        printf("%s: FAILED: %" PRIu64 " items pushed, %" PRIu64 " taken, %" PRIu64 " out of order, %" PRIu64
               " producer(s) with items lost or duplicated\n", me, r.total_ops, got, bad, short_by);
        return 1;
    }
    if (o.iters)
        printf("%s: %u producer(s) x %" PRIu64 " items through %" PRIu64 " slots: FIFO per producer, none lost, none duplicated\n",
               me, producers, o.iters, capacity);
    else
        printf("%s: %u producer(s), %" PRIu64 " items in %.1f s through %" PRIu64
               " slots: FIFO per producer, none lost, none duplicated\n",
               me, producers, got, o.seconds, capacity);
    stress_report("items", &o, &r);
    hq_deque_destroy(&dq);
    free(pushed);
    free(next_seq);
    return 0;
}
