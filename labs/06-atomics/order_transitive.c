/* order_transitive - release/acquire is transitive (ch. 6 section 4.4, the
 * book's three-thread AcqRel example, reconstructed; the StackExchange
 * question "are acquire-release semantics transitive?").  Run on lab 1's
 * litmus harness (labs/01-machine/litmus.c, through USES):
 *
 *   A: x = 1; flag1 = 1 (release)
 *   B: while !flag1 (acquire); flag2 = 1 (release)
 *   C: while !flag2 (acquire); r1 = x
 *
 * 1 hb 2 sw 3 hb 5 sw 6 hb 7, so C must read x == 1 (r1=0 is the weak
 * outcome).  C11 forbids r1=0 for acq_rel, seq_cst and fences; with every
 * access relaxed it is allowed (and x86-TSO still never shows it). */
#include "litmus.h"

static KIT_ALIGNED atomic_int x;
static KIT_ALIGNED atomic_int flag1;
static KIT_ALIGNED atomic_int flag2;

static void reset(void)
{
    atomic_store_explicit(&x, 0, memory_order_relaxed);
    atomic_store_explicit(&flag1, 0, memory_order_relaxed);
    atomic_store_explicit(&flag2, 0, memory_order_relaxed);
}

/* Wait for a flag; yield now and then, the harness may run 3 threads on fewer CPUs. */
#define AWAIT(f, ld)                                          \
    for (unsigned spins_ = 0; !atomic_load_explicit(&f, ld); spins_++) { \
        if (spins_ % 64 == 63) sched_yield(); else kit_cpu_relax(); }

#define CHAIN(st, ld, fence_after_load, fence_before_store)             \
    do {                                                                \
        if (tid == 0) {                                                 \
            atomic_store_explicit(&x, 1, memory_order_relaxed);         \
            fence_before_store;                                         \
            atomic_store_explicit(&flag1, 1, st);                       \
        } else if (tid == 1) {                                          \
            AWAIT(flag1, ld);                                           \
            fence_after_load;                                           \
            fence_before_store;                                         \
            atomic_store_explicit(&flag2, 1, st);                       \
        } else {                                                        \
            AWAIT(flag2, ld);                                           \
            fence_after_load;                                           \
            r[0] = atomic_load_explicit(&x, memory_order_relaxed);      \
        }                                                               \
    } while (0)

static void thread(int tid, enum litmus_order o, int *r)
{
    switch (o) {
    case LITMUS_RELAXED: CHAIN(memory_order_relaxed, memory_order_relaxed, (void)0, (void)0); break;
    case LITMUS_ACQ_REL: CHAIN(memory_order_release, memory_order_acquire, (void)0, (void)0); break;
    case LITMUS_SEQ_CST: CHAIN(memory_order_seq_cst, memory_order_seq_cst, (void)0, (void)0); break;
    default: CHAIN(memory_order_relaxed, memory_order_relaxed, LITMUS_FULL_FENCE(), LITMUS_FULL_FENCE()); break;
    }
}

int main(int argc, char **argv)
{
    static const struct litmus_shape s = {
        .name = "ACQREL3", .title = "transitive release/acquire chain", .prog = "order_transitive",
        .code = "A: x = 1; flag1 = 1    B: await flag1; flag2 = 1    C: await flag2; r1 = x",
        .nthreads = 3, .nregs = 1, .weak = { 0 },
        .weak_why = "C saw flag2 but not the x = 1 that happens before it",
        .c11_forbids = 1u << LITMUS_ACQ_REL | 1u << LITMUS_SEQ_CST | 1u << LITMUS_FENCE,
        .tso_forbids = 1,
        .default_iters = 100000,
        .reset = reset, .thread = thread,
    };
    return litmus_main(argc, argv, &s);
}
