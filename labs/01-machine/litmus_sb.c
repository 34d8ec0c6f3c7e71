/* litmus_sb - the store buffering (SB) litmus test, the shape that shows
 * x86's store buffer (the corrected version of the book's ch. 1 x/y example;
 * see README "The x/y example, corrected").
 *
 *   T0: x = 1; r1 = y        T1: y = 1; r2 = x
 *
 * r1=0 r2=0 needs each load to run before the other thread's store is visible:
 * on x86 the stores wait in the store buffers while the loads go ahead.  C11
 * allows it for relaxed and for release/acquire; seq_cst accesses or a seq_cst
 * fence (a full barrier on x86: gcc emits lock orq $0,(%rsp), clang mfence; not
 * the book's SFENCE) between store and load forbid it. */
#include "litmus.h"

static struct litmus_loc x, y;

static void reset(void)
{
    atomic_store_explicit(&x.v, 0, memory_order_relaxed);
    atomic_store_explicit(&y.v, 0, memory_order_relaxed);
}

/* Each ordering gets its own constant memory_order arguments: a variable one
 * would make the compiler fall back to seq_cst. */
#define SB(mine, other, reg, st, ld, fence)                   \
    do {                                                      \
        atomic_store_explicit(&mine.v, 1, st);                  \
        fence;                                                \
        r[reg] = atomic_load_explicit(&other.v, ld);            \
    } while (0)

static void thread(int tid, enum litmus_order o, int *r)
{
    switch (o) {
    case LITMUS_RELAXED:
        if (tid == 0) SB(x, y, 0, memory_order_relaxed, memory_order_relaxed, (void)0);
        else          SB(y, x, 1, memory_order_relaxed, memory_order_relaxed, (void)0);
        break;
    case LITMUS_ACQ_REL:
        if (tid == 0) SB(x, y, 0, memory_order_release, memory_order_acquire, (void)0);
        else          SB(y, x, 1, memory_order_release, memory_order_acquire, (void)0);
        break;
    case LITMUS_SEQ_CST:
        if (tid == 0) SB(x, y, 0, memory_order_seq_cst, memory_order_seq_cst, (void)0);
        else          SB(y, x, 1, memory_order_seq_cst, memory_order_seq_cst, (void)0);
        break;
    default:
        if (tid == 0) SB(x, y, 0, memory_order_relaxed, memory_order_relaxed, LITMUS_FULL_FENCE());
        else          SB(y, x, 1, memory_order_relaxed, memory_order_relaxed, LITMUS_FULL_FENCE());
        break;
    }
}

int main(int argc, char **argv)
{
    static const struct litmus_shape sb = {
        .name = "SB", .title = "store buffering", .prog = "litmus_sb",
        .code = "T0: x = 1; r1 = y    T1: y = 1; r2 = x",
        .nthreads = 2, .nregs = 2, .weak = { 0, 0 },
        .weak_why = "both loads ran before the other thread's store left its store buffer",
        .c11_forbids = 1u << LITMUS_SEQ_CST | 1u << LITMUS_FENCE,
        .tso_forbids = 0,
        .default_iters = 1000000,
        .reset = reset, .thread = thread,
    };
    return litmus_main(argc, argv, &sb);
}
