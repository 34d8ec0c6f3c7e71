/* vec.h - Vec<T> / RawVec<T>: Rust's growth policy in C (book ch. 3.2.18; liballoc
 * raw_vec.rs and vec.rs, 2018).
 *
 * The header is Rust's three words: pointer, capacity, length.  The element size is
 * passed to every call, as Rust's monomorphisation bakes size_of::<T>() into each
 * Vec<T>; wrap the calls in small typed functions.  Errors are returned, not
 * panicked: the caller decides (vec_growth prints Rust's panic).
 * Rules, exactly as RawVec of the book's era:
 *   new:      no allocation; ptr is a dangling, aligned, non-NULL address that is
 *             never dereferenced; cap 0, or SIZE_MAX for zero-sized elements
 *             ("never reallocate");
 *   grow:     from 0 to 4 ("tiny Vecs are dumb"), or to 1 for elements larger than
 *             SIZE_MAX / 8; then doubling with realloc: 0, 4, 8, 16, 32, ...;
 *   overflow: cap * elem_size overflowing size_t is "capacity overflow"; and where
 *             size_t is narrower than 64 bits (armv7) so is any size above
 *             PTRDIFF_MAX (alloc_guard: pointer differences must fit in isize);
 *   insert:   memmove the tail one slot right - O(len - index). */
#ifndef VEC_H
#define VEC_H
#include <stddef.h>
#include <stdint.h>

struct vec { void *ptr; size_t cap; size_t len; };

enum vec_result {
    VEC_OK = 0,
    VEC_CAPACITY_OVERFLOW = -1, /* Rust: panic "capacity overflow" */
    VEC_OOM = -2,               /* Rust: "memory allocation of N bytes failed", abort */
    VEC_BAD_INDEX = -3,         /* Rust: panic "insertion index (is i) should be <= len (is n)" */
};

/* Elements moved by vec_insert's memmove since the start (a statistic: exact and
 * deterministic, unlike a time). */
extern uint64_t vec_elems_moved;
/* The size of the last allocation request that failed or overflowed, in bytes
 * (SIZE_MAX when the multiplication itself overflowed), for the error message. */
extern size_t vec_failed_bytes;

/* Vec::new(): never allocates. */
void vec_new(struct vec *v, size_t elem_size);

/* Vec::with_capacity(cap): VEC_OK, VEC_CAPACITY_OVERFLOW or VEC_OOM (v untouched). */
int vec_with_capacity(struct vec *v, size_t elem_size, size_t cap);

/* The capacity RawVec::double moves to from cap (0 -> 4 or 1, else 2 * cap). */
size_t vec_next_cap(size_t cap, size_t elem_size);

/* RawVec::double: grow to vec_next_cap.  VEC_OK, VEC_CAPACITY_OVERFLOW (also for
 * zero-sized elements, whose capacity is already SIZE_MAX) or VEC_OOM. */
int vec_double(struct vec *v, size_t elem_size);

/* Vec::push: double when full, then copy elem_size bytes from elem to the end. */
int vec_push(struct vec *v, size_t elem_size, const void *elem);

/* Vec::insert(index, elem): VEC_BAD_INDEX if index > len; else double when full,
 * move [index, len) one slot right, copy elem to index. */
int vec_insert(struct vec *v, size_t elem_size, size_t index, const void *elem);

/* drop(Vec): free the buffer if one was allocated; v becomes Vec::new(). */
void vec_drop(struct vec *v, size_t elem_size);
#endif
