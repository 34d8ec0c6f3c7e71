/* litmus.h - a small litmus-test harness in the style of litmus7 (Alglave,
 * Maranget et al., "Litmus: running tests against hardware", TACAS 2011):
 * the test's threads are created once, meet at a fast spin barrier before and
 * after every iteration, shift their relative timing by a random small delay,
 * and one thread counts which outcome each iteration produced.  The result is
 * a histogram of every outcome, printed with a verdict against the C11 model
 * and, on native x86, against x86-TSO (Sewell et al., CACM 2010).
 *
 * A program (litmus_sb.c, ...) describes its shape in a struct litmus_shape
 * and calls litmus_main().  Lesson code of lab 1; other labs link it with
 * `USES := 01-machine/litmus` (CONTRIBUTING.md).
 *
 * Synchronization: litmus_main() runs one test at a time from the program's
 * main thread and is not reentrant (the run's state is static).  Inside a run,
 * the shape's thread() callbacks run concurrently, one per test thread, between
 * two spin-barrier meetings; reset() and the outcome count run on thread 0
 * alone, ordered with the other threads by the barrier's release/acquire
 * (litmus.c). */
#ifndef LITMUS_H
#define LITMUS_H
#include "kit.h"
#include <stdatomic.h>

/* A shared location of a litmus test, alone on its cache line (aligned and
 * padded), so that no other variable's traffic touches the line. */
struct litmus_loc {
    KIT_ALIGNED atomic_int v;
    char pad[KIT_CACHELINE - sizeof(atomic_int)];
};

/* The variants every shape is run with. */
enum litmus_order {
    LITMUS_RELAXED,  /* every access memory_order_relaxed */
    LITMUS_ACQ_REL,  /* stores release, loads acquire */
    LITMUS_SEQ_CST,  /* every access memory_order_seq_cst */
    LITMUS_FENCE,    /* relaxed accesses + atomic_thread_fence(seq_cst) between them */
    LITMUS_NORDERS
};

#define LITMUS_MAX_THREADS 4
#define LITMUS_MAX_REGS 4

/* gcc rejects atomic_thread_fence under -fsanitize=thread (-Werror=tsan) and
 * ThreadSanitizer does not model fences: the fence variant is left out there. */
#if defined(__SANITIZE_THREAD__)
#define LITMUS_HAVE_FENCE 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LITMUS_HAVE_FENCE 0
#endif
#endif
#ifndef LITMUS_HAVE_FENCE
#define LITMUS_HAVE_FENCE 1
#endif
#if LITMUS_HAVE_FENCE
#define LITMUS_FULL_FENCE() atomic_thread_fence(memory_order_seq_cst)
#else
#define LITMUS_FULL_FENCE() kit_die("fence variant not built under ThreadSanitizer")
#endif

struct litmus_shape {
    const char *name;          /* "SB" */
    const char *title;         /* "store buffering" */
    const char *prog;          /* "litmus_sb" */
    const char *code;          /* the threads' code, one line, for the output */
    int nthreads;              /* 2..LITMUS_MAX_THREADS */
    int nregs;                 /* registers r1..rN, each 0 or 1 */
    int weak[LITMUS_MAX_REGS]; /* the outcome the test is about (register values) */
    const char *weak_why;      /* what seeing it means, one phrase */
    unsigned c11_forbids;      /* bit (1u << order): C11 forbids the weak outcome */
    int tso_forbids;           /* 1: x86-TSO forbids it under every order */
    uint64_t default_iters;
    /* Zero the shared locations.  Called by one thread while the others wait
     * at the barrier (so plain or relaxed stores are enough). */
    void (*reset)(void);
    /* Run thread `tid`'s part of the test with ordering `o`, writing its
     * registers into regs[] (indices of the shape's r1..rN it owns). */
    void (*thread)(int tid, enum litmus_order o, int *regs);
};

/* Parse the common options (--order, --iters, --seed, --delay, --no-pin,
 * --help), run the chosen variants and print each one's histogram and
 * verdict.  Returns the exit status: 0, or 1 if an outcome that C11 (or, on
 * native x86, x86-TSO) forbids was observed.  Bad options exit 2. */
int litmus_main(int argc, char **argv, const struct litmus_shape *s);

#endif
