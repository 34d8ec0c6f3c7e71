/* litmus_lb - the load buffering (LB) litmus test.
 *
 *   T0: r1 = x; y = 1        T1: r2 = y; x = 1
 *
 * r1=1 r2=1 means each load read a store that comes later in the other
 * thread's program order: a store overtook an earlier load.  x86-TSO forbids
 * it (no store is reordered before an earlier load); ARM's model allows it for
 * relaxed accesses, though hardware rarely shows it.  Acquire loads with
 * release stores, seq_cst, or a fence between load and store forbid it. */
#include "litmus.h"

static struct litmus_loc x, y;

static void reset(void)
{
    atomic_store_explicit(&x.v, 0, memory_order_relaxed);
    atomic_store_explicit(&y.v, 0, memory_order_relaxed);
}

#define LB(src, dst, reg, ld, st, fence)                      \
    do {                                                      \
        r[reg] = atomic_load_explicit(&src.v, ld);              \
        fence;                                                \
        atomic_store_explicit(&dst.v, 1, st);                   \
    } while (0)

static void thread(int tid, enum litmus_order o, int *r)
{
    switch (o) {
    case LITMUS_RELAXED:
        if (tid == 0) LB(x, y, 0, memory_order_relaxed, memory_order_relaxed, (void)0);
        else          LB(y, x, 1, memory_order_relaxed, memory_order_relaxed, (void)0);
        break;
    case LITMUS_ACQ_REL:
        if (tid == 0) LB(x, y, 0, memory_order_acquire, memory_order_release, (void)0);
        else          LB(y, x, 1, memory_order_acquire, memory_order_release, (void)0);
        break;
    case LITMUS_SEQ_CST:
        if (tid == 0) LB(x, y, 0, memory_order_seq_cst, memory_order_seq_cst, (void)0);
        else          LB(y, x, 1, memory_order_seq_cst, memory_order_seq_cst, (void)0);
        break;
    default:
        if (tid == 0) LB(x, y, 0, memory_order_relaxed, memory_order_relaxed, LITMUS_FULL_FENCE());
        else          LB(y, x, 1, memory_order_relaxed, memory_order_relaxed, LITMUS_FULL_FENCE());
        break;
    }
}

int main(int argc, char **argv)
{
    static const struct litmus_shape lb = {
        .name = "LB", .title = "load buffering", .prog = "litmus_lb",
        .code = "T0: r1 = x; y = 1    T1: r2 = y; x = 1",
        .nthreads = 2, .nregs = 2, .weak = { 1, 1 },
        .weak_why = "each thread's store became visible before its own earlier load completed",
        .c11_forbids = 1u << LITMUS_ACQ_REL | 1u << LITMUS_SEQ_CST | 1u << LITMUS_FENCE,
        .tso_forbids = 1,
        .default_iters = 1000000,
        .reset = reset, .thread = thread,
    };
    return litmus_main(argc, argv, &lb);
}
