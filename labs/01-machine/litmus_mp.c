/* litmus_mp - the message passing (MP) litmus test: the book's ch. 1 x/y
 * example done right (the reader loads the flag y first, then the data x).
 *
 *   T0: x = 1; y = 1         T1: r1 = y; r2 = x
 *
 * r1=1 r2=0 means the reader saw the flag but not the data.  x86-TSO forbids
 * it (stores leave the store buffer in order, loads are not reordered with
 * loads); ARM allows it for relaxed accesses.  A release store of y and an
 * acquire load of y forbid it everywhere (C11 happens-before). */
#include "litmus.h"

static struct litmus_loc x, y;

static void reset(void)
{
    atomic_store_explicit(&x.v, 0, memory_order_relaxed);
    atomic_store_explicit(&y.v, 0, memory_order_relaxed);
}

/* The data accesses (x) stay relaxed in every variant except seq_cst: the
 * flag's ordering (or the fences) is what must carry the message. */
#define WRITER(dst, fst, fence)                                   \
    do {                                                          \
        atomic_store_explicit(&x.v, 1, dst);                        \
        fence;                                                    \
        atomic_store_explicit(&y.v, 1, fst);                        \
    } while (0)
#define READER(fld, dld, fence)                                   \
    do {                                                          \
        r[0] = atomic_load_explicit(&y.v, fld);                     \
        fence;                                                    \
        r[1] = atomic_load_explicit(&x.v, dld);                     \
    } while (0)

static void thread(int tid, enum litmus_order o, int *r)
{
    switch (o) {
    case LITMUS_RELAXED:
        if (tid == 0) WRITER(memory_order_relaxed, memory_order_relaxed, (void)0);
        else          READER(memory_order_relaxed, memory_order_relaxed, (void)0);
        break;
    case LITMUS_ACQ_REL:
        if (tid == 0) WRITER(memory_order_relaxed, memory_order_release, (void)0);
        else          READER(memory_order_acquire, memory_order_relaxed, (void)0);
        break;
    case LITMUS_SEQ_CST:
        if (tid == 0) WRITER(memory_order_seq_cst, memory_order_seq_cst, (void)0);
        else          READER(memory_order_seq_cst, memory_order_seq_cst, (void)0);
        break;
    default:
        if (tid == 0) WRITER(memory_order_relaxed, memory_order_relaxed, LITMUS_FULL_FENCE());
        else          READER(memory_order_relaxed, memory_order_relaxed, LITMUS_FULL_FENCE());
        break;
    }
}

int main(int argc, char **argv)
{
    static const struct litmus_shape mp = {
        .name = "MP", .title = "message passing", .prog = "litmus_mp",
        .code = "T0: x = 1; y = 1    T1: r1 = y; r2 = x",
        .nthreads = 2, .nregs = 2, .weak = { 1, 0 },
        .weak_why = "the reader saw the flag y but not the data x written before it",
        .c11_forbids = 1u << LITMUS_ACQ_REL | 1u << LITMUS_SEQ_CST | 1u << LITMUS_FENCE,
        .tso_forbids = 1,
        .default_iters = 1000000,
        .reset = reset, .thread = thread,
    };
    return litmus_main(argc, argv, &mp);
}
