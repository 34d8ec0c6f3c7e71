/* refcell_flag.h - RefCell<T>: the aliasing rule checked at run time (book ch. 3.2.16).
 *
 * Rust's RefCell keeps a usize borrow flag beside the value: UNUSED (0) when nothing
 * is borrowed, WRITING (usize::MAX) while one mutable borrow is out, and otherwise the
 * number of shared borrows.  try_borrow / try_borrow_mut hand out guards (Ref, RefMut)
 * or fail; dropping a guard gives its borrow back.  "Many readers or one writer" - the
 * rule &T / &mut T obey at compile time - enforced by a state machine instead.
 * Single-threaded: the flag is a plain size_t (RefCell is not Sync; see lab 4). */
#ifndef REFCELL_FLAG_H
#define REFCELL_FLAG_H
#include <stddef.h>
#include <stdint.h>

#define REFCELL_UNUSED ((size_t)0)
#define REFCELL_WRITING SIZE_MAX

/* RefCell<T>: the flag and the (caller-owned) value it guards. */
struct refcell { size_t borrow; void *value; };
/* Ref<T> and RefMut<T>: a live borrow; value is NULL once dropped. */
struct refcell_ref { struct refcell *cell; const void *value; };
struct refcell_refmut { struct refcell *cell; void *value; };

enum refcell_result {
    REFCELL_OK = 0,
    REFCELL_BORROW_ERROR = -1,     /* try_borrow: already mutably borrowed */
    REFCELL_BORROW_MUT_ERROR = -2, /* try_borrow_mut: already borrowed (shared or mutably) */
    REFCELL_TOO_MANY = -3,         /* try_borrow: WRITING - 1 shared borrows already out */
};

/* RefCell::new(value): flag UNUSED. */
void refcell_init(struct refcell *c, void *value);

/* RefCell::try_borrow (BorrowRef::new): fails with REFCELL_BORROW_ERROR if the flag is
 * WRITING, REFCELL_TOO_MANY if the count would reach WRITING (Rust 2018 let it wrap;
 * later Rust panics); otherwise flag += 1, *out = the guard, REFCELL_OK. */
int refcell_try_borrow(struct refcell *c, struct refcell_ref *out);

/* RefCell::try_borrow_mut (BorrowRefMut::new): only from UNUSED, which becomes
 * WRITING; otherwise REFCELL_BORROW_MUT_ERROR and *out is left alone. */
int refcell_try_borrow_mut(struct refcell *c, struct refcell_refmut *out);

/* Drop for BorrowRef: flag -= 1.  The flag must be a reader count (neither UNUSED
 * nor WRITING) and the guard live; otherwise it is a bug: abort. */
void refcell_ref_drop(struct refcell_ref *r);

/* Drop for BorrowRefMut: the flag must be WRITING; it becomes UNUSED. */
void refcell_refmut_drop(struct refcell_refmut *r);

/* RefCell::borrow / borrow_mut: as the try_ versions, but a failure panics as Rust
 * does - "already mutably borrowed: BorrowError" / "already borrowed: BorrowMutError"
 * on stderr, exit status 101. */
struct refcell_ref refcell_borrow(struct refcell *c);
struct refcell_refmut refcell_borrow_mut(struct refcell *c);

/* A readable name of the flag's state, e.g. "UNUSED", "WRITING", "2 readers". */
const char *refcell_state(const struct refcell *c, char *buf, size_t len);
#endif
