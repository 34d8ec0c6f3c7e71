/* swap.h - Rust's swap chain in C: ptr::swap, mem::replace, swap_nonoverlapping_bytes
 * (book ch. 3.2.15, Cell::swap / Cell::replace and the libcore functions under them). */
#ifndef SWAP_H
#define SWAP_H
#include <stddef.h>

/* The obvious loop: swap len bytes one at a time.  x and y must not overlap.
 * The reference the other two are tested against. */
void swap_naive(void *x, void *y, size_t len);

/* ptr::swap_nonoverlapping_bytes: swap len bytes 32 at a time through a 32-byte
 * stack block (Rust's repr(simd) Block of 4 x u64: the compiler may use vector
 * registers), then the tail of len % 32 bytes the same way.  No alignment needed;
 * x and y must not overlap. */
void swap_nonoverlapping_bytes(void *x, void *y, size_t len);

/* ptr::swap for len-byte values that may overlap: tmp = *x; memmove(x, y) (Rust's
 * ptr::copy); *y = tmp.  Uses a heap scratch copy of len bytes (Rust: a stack T);
 * aborts on out of memory.  With x == y it does nothing - Cell::swap checks
 * ptr::eq first to save the copy. */
void ptr_swap(void *x, void *y, size_t len);

/* mem::replace(dest, src): dest takes src's len bytes, and src receives dest's old
 * value (Rust returns it; here it comes back through src).  Non-overlapping. */
void mem_replace(void *dest, void *src, size_t len);
#endif
