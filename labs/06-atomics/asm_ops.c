/* asm_ops.c - one function per C11 atomic operation and ordering the lab
 * uses, for asm_compare.sh to compile for x86-64, ARMv7 and AArch64 and show
 * what each becomes (ch. 6 section 12).  Not a program: compiled with -S only. */
#include <stdatomic.h>
#include <stdbool.h>

atomic_bool flag;
_Atomic(void *) ptr;
atomic_long word;

/* the swap mutex: lock and unlock, and the unlock's assert */
bool xchg_acq_rel(void) { return atomic_exchange_explicit(&flag, true, memory_order_acq_rel); }
void store_release(void) { atomic_store_explicit(&flag, false, memory_order_release); }
bool load_relaxed(void) { return atomic_load_explicit(&flag, memory_order_relaxed); }
/* the queue: head/tail loads, the link CAS (relaxed in the book) and the swing (release) */
void *load_acquire(void) { return atomic_load_explicit(&ptr, memory_order_acquire); }
bool cas_relaxed(void *e, void *d) { return atomic_compare_exchange_strong_explicit(&ptr, &e, d, memory_order_relaxed, memory_order_relaxed); }
bool cas_release(void *e, void *d) { return atomic_compare_exchange_strong_explicit(&ptr, &e, d, memory_order_release, memory_order_relaxed); }
bool cas_acq_rel(void *e, void *d) { return atomic_compare_exchange_strong_explicit(&ptr, &e, d, memory_order_acq_rel, memory_order_acquire); }
/* mpmc_seqcst */
void store_seq_cst(void) { atomic_store_explicit(&flag, true, memory_order_seq_cst); }
bool load_seq_cst(void) { return atomic_load_explicit(&flag, memory_order_seq_cst); }
/* counters and the ticket lock */
long fetch_add_relaxed(void) { return atomic_fetch_add_explicit(&word, 1, memory_order_relaxed); }
long fetch_add_acq_rel(void) { return atomic_fetch_add_explicit(&word, 1, memory_order_acq_rel); }
/* the fence lab 1's litmus tests use */
void fence_seq_cst(void) { atomic_thread_fence(memory_order_seq_cst); }
