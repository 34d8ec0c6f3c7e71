/* swap_mutex - the book's swap_mutex binary (ch. 6 section 8): chapter 5's
 * rope bridge (baboon crossing) problem run on the SwapMutex spin lock, with
 * relaxed atomic counters of the baboons that arrive on each side.  Every
 * second main prints, as the book does,
 *
 *   Transfers per second:
 *       LHS: 787790
 *       RHS: 719371
 *
 * The lhs thread sends baboons rightwards (Empty -> Right(1), up to Right(5))
 * and lands leftward ones (Left(i) -> Left(i-1), counting an LHS transfer);
 * rhs mirrors it.  At most 5 on the rope, one direction at a time: checked on
 * every transition inside the lock.  The book runs forever; --seconds bounds it. */
#include <stdatomic.h>
#include <stdbool.h>
#include "kit.h"
#include "swap_mutex.h"

enum dir { EMPTY, LEFT, RIGHT };
struct bridge { enum dir dir; unsigned n; };

static struct swap_mutex rope = SWAP_MUTEX_INIT;
static struct bridge bridge;        /* guarded by rope */
static unsigned max_on_rope;        /* guarded by rope */
static atomic_size_t lhs_transfers; /* relaxed: counts, ordered by nothing */
static atomic_size_t rhs_transfers;
static atomic_bool stop;
static uint64_t gap;                /* kit_cpu_relax() calls between unlock and lock */

#define ROPE_LIMIT 5

/* One step of one side, under the lock.  `me` is the direction this side sends
 * baboons in; `arrive` the direction of baboons arriving on this side. */
static void step(enum dir me, enum dir arrive, atomic_size_t *landed)
{
    swap_mutex_lock(&rope);
    struct bridge *b = &bridge;
    if (b->dir == EMPTY) {
        b->dir = me;
        b->n = 1;
    } else if (b->dir == me) {
        if (b->n < ROPE_LIMIT)
            b->n++;
    } else if (b->dir == arrive) {
        if (b->n == 0) {
            b->dir = EMPTY;
        } else {
            atomic_fetch_add_explicit(landed, 1, memory_order_relaxed);
            b->n--;
        }
    }
    KIT_CHECK(b->n <= ROPE_LIMIT);
    KIT_CHECK(b->dir != EMPTY || b->n == 0 || b->n == 1);
    if (b->n > max_on_rope)
        max_on_rope = b->n;
    swap_mutex_unlock(&rope);
}

static void *lhs(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        step(RIGHT, LEFT, &lhs_transfers);
        for (uint64_t i = 0; i < gap; i++)
            kit_cpu_relax();
    }
    return NULL;
}

static void *rhs(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        step(LEFT, RIGHT, &rhs_transfers);
        for (uint64_t i = 0; i < gap; i++)
            kit_cpu_relax();
    }
    return NULL;
}

static void usage(void)
{
    printf("usage: swap_mutex [--seconds N]\n"
           "The rope bridge (ch. 5) on the book's SwapMutex: an atomic-exchange spin lock\n"
           "that sched_yield()s while it waits.  Prints the transfers of each second in the\n"
           "book's format, then the fairness figure (LHS/RHS) and METRIC lines.\n"
           "  --seconds N   run N seconds (default 5; the book runs forever)\n"
           "  --gap N       N pause/yield instructions between unlock and the next lock\n"
           "                (default 0).  At -O2 the unlocking side re-takes the lock before\n"
           "                the yielding side wakes: the unfair lock starves it.  The book's\n"
           "                debug build spent time there; --gap 200 models that.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "seconds", required_argument, NULL, 's' },
        { "gap", required_argument, NULL, 'g' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t seconds = 5;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': seconds = kit_arg_u64("seconds", optarg, 1, 3600); break;
        case 'g': gap = kit_arg_u64("gap", optarg, 0, 1000000); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);

    swap_mutex_init(&rope);
    pthread_t tl, tr;
    kit_thread_create(&tl, lhs, NULL);
    kit_thread_create(&tr, rhs, NULL);
    uint64_t sum_l = 0, sum_r = 0, both = 0;
    double rmin = 0, rmax = 0;
    for (uint64_t s = 0; s < seconds; s++) {
        kit_sleep_ms(1000);
        size_t l = atomic_exchange_explicit(&lhs_transfers, 0, memory_order_relaxed);
        size_t r = atomic_exchange_explicit(&rhs_transfers, 0, memory_order_relaxed);
        printf("Transfers per second:\n    LHS: %zu\n    RHS: %zu\n", l, r);
        fflush(stdout);
        sum_l += l;
        sum_r += r;
        if (l > 0 && r > 0) {
            double q = (double)l / (double)r;
            if (both == 0 || q < rmin) rmin = q;
            if (both == 0 || q > rmax) rmax = q;
            both++;
        }
    }
    atomic_store_explicit(&stop, true, memory_order_relaxed);
    kit_thread_join(tl);
    kit_thread_join(tr);
    printf("max on rope %u (limit %d); seconds with crossings both ways %" PRIu64 " of %" PRIu64
           "; LHS/RHS %.3f-%.3f (book, debug build: 1.08-1.10)\n",
           max_on_rope, ROPE_LIMIT, both, seconds, rmin, rmax);
    kit_metric("lhs_per_s", (double)sum_l / (double)seconds, "1/s");
    kit_metric("rhs_per_s", (double)sum_r / (double)seconds, "1/s");
    kit_metric("lhs_rhs_ratio", sum_r ? (double)sum_l / (double)sum_r : 0, "x");
    return 0;
}
