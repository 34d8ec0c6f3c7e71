/* litmus_iriw - independent reads of independent writes (IRIW).
 *
 *   T0: x = 1    T1: y = 1    T2: r1 = x; r2 = y    T3: r3 = y; r4 = x
 *
 * r1=1 r2=0 r3=1 r4=0 means the two readers saw the two independent writes in
 * opposite orders: there is no single order of all stores.  x86-TSO is
 * multi-copy atomic and forbids it; C11 forbids it only for seq_cst (or with
 * seq_cst fences between the reads) and allows it for acquire loads, because
 * POWER and ARMv7 are not multi-copy atomic.  ARMv8 allows it only when the
 * reads themselves may be reordered (relaxed).  Four threads: on a machine
 * with fewer CPUs the barrier falls back to yielding, and iterations are slow. */
#include "litmus.h"

static struct litmus_loc x, y;

static void reset(void)
{
    atomic_store_explicit(&x.v, 0, memory_order_relaxed);
    atomic_store_explicit(&y.v, 0, memory_order_relaxed);
}

#define READ2(a, b, ra, rb, ld, fence)                        \
    do {                                                      \
        r[ra] = atomic_load_explicit(&a.v, ld);                 \
        fence;                                                \
        r[rb] = atomic_load_explicit(&b.v, ld);                 \
    } while (0)

static void thread(int tid, enum litmus_order o, int *r)
{
    switch (o) {
    case LITMUS_RELAXED:
        if (tid == 0)      atomic_store_explicit(&x.v, 1, memory_order_relaxed);
        else if (tid == 1) atomic_store_explicit(&y.v, 1, memory_order_relaxed);
        else if (tid == 2) READ2(x, y, 0, 1, memory_order_relaxed, (void)0);
        else               READ2(y, x, 2, 3, memory_order_relaxed, (void)0);
        break;
    case LITMUS_ACQ_REL:
        if (tid == 0)      atomic_store_explicit(&x.v, 1, memory_order_release);
        else if (tid == 1) atomic_store_explicit(&y.v, 1, memory_order_release);
        else if (tid == 2) READ2(x, y, 0, 1, memory_order_acquire, (void)0);
        else               READ2(y, x, 2, 3, memory_order_acquire, (void)0);
        break;
    case LITMUS_SEQ_CST:
        if (tid == 0)      atomic_store_explicit(&x.v, 1, memory_order_seq_cst);
        else if (tid == 1) atomic_store_explicit(&y.v, 1, memory_order_seq_cst);
        else if (tid == 2) READ2(x, y, 0, 1, memory_order_seq_cst, (void)0);
        else               READ2(y, x, 2, 3, memory_order_seq_cst, (void)0);
        break;
    default:
        if (tid == 0)      atomic_store_explicit(&x.v, 1, memory_order_relaxed);
        else if (tid == 1) atomic_store_explicit(&y.v, 1, memory_order_relaxed);
        else if (tid == 2) READ2(x, y, 0, 1, memory_order_relaxed, LITMUS_FULL_FENCE());
        else               READ2(y, x, 2, 3, memory_order_relaxed, LITMUS_FULL_FENCE());
        break;
    }
}

int main(int argc, char **argv)
{
    static const struct litmus_shape iriw = {
        .name = "IRIW", .title = "independent reads of independent writes", .prog = "litmus_iriw",
        .code = "T0: x = 1    T1: y = 1    T2: r1 = x; r2 = y    T3: r3 = y; r4 = x",
        .nthreads = 4, .nregs = 4, .weak = { 1, 0, 1, 0 },
        .weak_why = "the readers saw the two writes in opposite orders",
        .c11_forbids = 1u << LITMUS_SEQ_CST | 1u << LITMUS_FENCE,
        .tso_forbids = 1,
        .default_iters = 100000,
        .reset = reset, .thread = thread,
    };
    return litmus_main(argc, argv, &iriw);
}
