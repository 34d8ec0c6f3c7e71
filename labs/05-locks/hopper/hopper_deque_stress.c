/* hopper_deque_stress.c - hopper's deque alone, hammered (book section 2.9.3).
 *
 * N producers push (producer, sequence) pairs through the two-lock ring deque;
 * one consumer pops them and checks that each producer's values arrive in
 * order with no gap and no duplicate, and that the total is exact.  A slot
 * written twice or read empty (what an unordered hand-off produces) aborts in
 * the deque itself.  Built three ways from this file:
 *   hopper_deque_stress              acquire/release on size, helgrind-annotated
 *   hopper_deque_stress_unannotated  the same code without the annotations:
 *                                    helgrind's false positives (it cannot see
 *                                    C11 atomics order the slots)
 *   hopper_deque_stress_relaxed      BROKEN ON PURPOSE: relaxed size; TSan
 *                                    reports the slot race anywhere, real ARM
 *                                    hardware shows it as a failed check.
 */
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deque.h"
#include "kit.h"

static struct hq_deque dq;
static uint64_t items, producers;

static void *producer(void *arg)
{
    uint64_t id = (uint64_t)(uintptr_t)arg;
    for (uint64_t i = 0; i < items; i++) {
        uint64_t v = id << 48 | i;
        bool wake;
        for (;;) {
            hq_deque_lock_back(&dq);
            int full = hq_deque_push_back(&dq, HQ_MEMORY, 0, &v, &wake);
            if (!full && wake)
                hq_deque_notify_not_empty(&dq); /* back, then front: the lock order */
            hq_deque_unlock_back(&dq);
            if (!full)
                break;
            sched_yield();
        }
    }
    return NULL;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--producers N] [--items N] [--capacity N]\n"
            "Hopper's two-lock ring deque (book ch. 5, section 2.9.3) alone: N producers push\n"
            "(producer, sequence) pairs, one consumer checks FIFO per producer, no loss, no\n"
            "duplicate.  %s\n"
            "  --producers N  producer threads (default 1; 1..64)\n"
            "  --items N      items per producer (default 1000000)\n"
            "  --capacity N   deque slots (default 16; small = many full/empty transitions)\n",
            program_invocation_short_name,
            hq_deque_is_relaxed() ? "THIS BUILD IS BROKEN ON PURPOSE: size is relaxed."
                                  : "size uses acquire/release.");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "producers", required_argument, 0, 'p' }, { "items", required_argument, 0, 'n' },
        { "capacity", required_argument, 0, 'c' },  { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    uint64_t capacity = 16;
    int c;
    const char *me = program_invocation_short_name;
    producers = 1;
    items = 1000000;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p': producers = kit_arg_u64("producers", optarg, 1, 64); break;
        case 'n': items = kit_arg_u64("items", optarg, 1, (1ull << 48) - 1); break;
        case 'c': capacity = kit_arg_u64("capacity", optarg, 1, 1u << 24); break;
        case 'h': usage(stdout); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (hq_deque_is_relaxed())
        printf("%s: BROKEN ON PURPOSE: %s\n", me, hq_deque_variant());
    else
        printf("%s: deque variant: %s\n", me, hq_deque_variant());
    fflush(stdout);
    if (hq_deque_init(&dq, (size_t)capacity, sizeof(uint64_t)) != 0)
        kit_die("hq_deque_init");

    uint64_t *next = calloc(producers, sizeof *next);
    pthread_t *t = calloc(producers, sizeof *t);
    KIT_CHECK(next && t);
    uint64_t t0 = kit_now_ns();
    for (uint64_t p = 0; p < producers; p++)
        kit_thread_create(&t[p], producer, (void *)(uintptr_t)p);
    uint64_t total = producers * items, got = 0, bad = 0;
    while (got < total) {
        uint32_t tag;
        uint64_t n, v = 0;
        /* 30 s with nothing: a lost wake-up or a lost item */
        if (hq_deque_pop_front(&dq, &tag, &n, &v, kit_now_ns() + 30000000000ull) != 0) {
            printf("%s: FAILED: stalled after %" PRIu64 " of %" PRIu64 " items (lost item or lost wake-up)\n",
                   me, got, total);
            return 1;
        }
        uint64_t id = v >> 48, seq = v & ((1ull << 48) - 1);
        if (tag != HQ_MEMORY || id >= producers || seq != next[id]) {
            if (bad++ < 5)
                printf("%s: FAILED: item %" PRIu64 ": got producer %" PRIu64 " seq %" PRIu64
                       ", expected seq %" PRIu64 "\n", me, got, id, seq, id < producers ? next[id] : 0);
            if (id < producers)
                next[id] = seq + 1;
        } else {
            next[id]++;
        }
        got++;
    }
    for (uint64_t p = 0; p < producers; p++)
        kit_thread_join(t[p]);
    double s = (double)(kit_now_ns() - t0) / 1e9;
    if (bad) {
        printf("%s: FAILED: %" PRIu64 " of %" PRIu64 " items out of order, lost or duplicated\n", me, bad, total);
        return 1;
    }
    printf("%s: %" PRIu64 " producer(s) x %" PRIu64 " items through %" PRIu64
           " slots: FIFO per producer, none lost, none duplicated\n",
           me, producers, items, capacity);
    kit_metric("items_per_s", (double)total / s, "1/s");
    hq_deque_destroy(&dq);
    free(next);
    free(t);
    return 0;
}
