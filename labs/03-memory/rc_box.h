/* rc_box.h - Rc<T> and Weak<T>: single-threaded reference counting (book ch. 3.2.17).
 *
 * One allocation, the RcBox, holds a strong count, a weak count and the value.  An
 * Rc owns one strong reference, a Weak one weak reference; all the strong references
 * together also own ONE weak reference (so a new box starts at strong 1, weak 1).
 * Dropping the last Rc destroys the value and gives up that implicit weak reference;
 * the memory is freed when the weak count reaches 0.  A Weak can be upgraded back to
 * an Rc only while the value is alive.  A cycle of Rc's never reaches strong 0 and
 * leaks; with Weak back-edges it does not.  Counts are plain size_t: not thread-safe
 * (that is lab 4's rc_race). */
#ifndef RC_BOX_H
#define RC_BOX_H
#include <stddef.h>

/* RcBox<T>: counts, the value's destructor, then the value (maximally aligned). */
struct rc_box {
    size_t strong, weak;
    void (*drop_value)(void *value);
    _Alignas(max_align_t) unsigned char value[];
};
struct rc { struct rc_box *box; };   /* Rc<T> */
struct weak { struct rc_box *box; }; /* Weak<T> */

/* Boxes allocated and not yet freed by this module (a statistic for tests). */
extern size_t rc_boxes_live;

/* Rc::new(value): allocate a box of sizeof(struct rc_box) + size bytes, copy size
 * bytes from init into it, strong = weak = 1.  drop_value (may be NULL) is called
 * with the value when the last strong reference goes.  Aborts on out of memory. */
struct rc rc_new(const void *init, size_t size, void (*drop_value)(void *value));

/* &*rc: the value.  Valid while this Rc is. */
void *rc_get(struct rc r);

/* Rc::clone: strong += 1 (no allocation).  Aborts if the count would overflow. */
struct rc rc_clone(struct rc r);

/* drop(Rc): strong -= 1; at 0 destroy the value, weak -= 1, and free at weak 0. */
void rc_drop(struct rc r);

/* Rc::downgrade: weak += 1, a Weak to the same box. */
struct weak rc_downgrade(struct rc r);

/* Weak::upgrade: while strong > 0, strong += 1, *out = the Rc, return 0; after the
 * value is gone return -1 (Rust's None). */
int weak_upgrade(struct weak w, struct rc *out);

/* Weak::clone: weak += 1. */
struct weak weak_clone(struct weak w);

/* drop(Weak): weak -= 1; free the box at 0 (only possible once strong is 0). */
void weak_drop(struct weak w);

/* Rc::strong_count and Rc::weak_count (Rust's: not counting the implicit weak
 * reference of the strong ones). */
size_t rc_strong_count(struct rc r);
size_t rc_weak_count(struct rc r);
#endif
