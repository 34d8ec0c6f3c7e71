/* mpmc_seqcst - the book's SeqCst example (ch. 6 section 4.5, after
 * cppreference's memory_order page; the IRIW pattern), on lab 1's litmus
 * harness (labs/01-machine/litmus.c, through USES):
 *
 *   a: X = true    b: Y = true
 *   c: while !X {}; if Y { Z += 1 }      d: while !Y {}; if X { Z += 1 }
 *
 * The book asserts Z != 0.  With seq_cst every thread agrees on one order of
 * the two stores, so at least one of c, d sees both: Z == 0 (r1=0 r2=0 here)
 * is forbidden.  --order acq_rel or relaxed allow it in C11, but x86 (TSO)
 * and ARMv8 are multi-copy atomic and do not show it; POWER can. */
#include "litmus.h"

static KIT_ALIGNED atomic_int X;
static KIT_ALIGNED atomic_int Y;

static void reset(void)
{
    atomic_store_explicit(&X, 0, memory_order_relaxed);
    atomic_store_explicit(&Y, 0, memory_order_relaxed);
}

#define AWAIT(f, ld)                                          \
    for (unsigned spins_ = 0; !atomic_load_explicit(&f, ld); spins_++) { \
        if (spins_ % 64 == 63) sched_yield(); else kit_cpu_relax(); }

#define MPMC(st, ld, fence)                                             \
    do {                                                                \
        if (tid == 0) atomic_store_explicit(&X, 1, st);                 \
        else if (tid == 1) atomic_store_explicit(&Y, 1, st);            \
        else if (tid == 2) { AWAIT(X, ld); fence; r[0] = atomic_load_explicit(&Y, ld); } \
        else { AWAIT(Y, ld); fence; r[1] = atomic_load_explicit(&X, ld); } \
    } while (0)

static void thread(int tid, enum litmus_order o, int *r)
{
    switch (o) {
    case LITMUS_RELAXED: MPMC(memory_order_relaxed, memory_order_relaxed, (void)0); break;
    case LITMUS_ACQ_REL: MPMC(memory_order_release, memory_order_acquire, (void)0); break;
    case LITMUS_SEQ_CST: MPMC(memory_order_seq_cst, memory_order_seq_cst, (void)0); break;
    default: MPMC(memory_order_relaxed, memory_order_relaxed, LITMUS_FULL_FENCE()); break;
    }
}

int main(int argc, char **argv)
{
    static const struct litmus_shape s = {
        .name = "MPMC", .title = "the book's X/Y/Z SeqCst program (IRIW)", .prog = "mpmc_seqcst",
        .code = "a: X = 1   b: Y = 1   c: await X; r1 = Y (Z += r1)   d: await Y; r2 = X (Z += r2)",
        .nthreads = 4, .nregs = 2, .weak = { 0, 0 },
        .weak_why = "Z == 0: c and d saw the stores to X and Y in opposite orders",
        .c11_forbids = 1u << LITMUS_SEQ_CST | 1u << LITMUS_FENCE,
        .tso_forbids = 1,
        .default_iters = 20000,
        .reset = reset, .thread = thread,
    };
    return litmus_main(argc, argv, &s);
}
