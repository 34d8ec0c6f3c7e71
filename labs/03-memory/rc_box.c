/* rc_box.c - Rc<T> / Weak<T> (book ch. 3.2.17; Rust liballoc/rc.rs, 2018). */
#include "rc_box.h"
#include "kit.h"

size_t rc_boxes_live;

struct rc rc_new(const void *init, size_t size, void (*drop_value)(void *value))
{
    struct rc_box *b = malloc(sizeof *b + size);
    KIT_CHECK(b != NULL);
    b->strong = 1;
    b->weak = 1; /* the implicit weak reference held by all the strong ones */
    b->drop_value = drop_value;
    if (size)
        memcpy(b->value, init, size);
    rc_boxes_live++;
    return (struct rc){ b };
}

void *rc_get(struct rc r)
{
    return r.box->value;
}

struct rc rc_clone(struct rc r)
{
    KIT_CHECK(r.box->strong != 0 && r.box->strong != SIZE_MAX); /* Rust aborts too */
    r.box->strong += 1;
    return r;
}

static void box_free(struct rc_box *b)
{
    free(b);
    rc_boxes_live--;
}

void rc_drop(struct rc r)
{
    struct rc_box *b = r.box;
    KIT_CHECK(b->strong > 0);
    b->strong -= 1;
    if (b->strong == 0) {
        /* The value's destructor may drop other Rc's and Weak's - even Weak's to
         * this box; the implicit weak reference keeps the box alive through it. */
        if (b->drop_value)
            b->drop_value(b->value);
        b->weak -= 1;
        if (b->weak == 0)
            box_free(b);
    }
}

struct weak rc_downgrade(struct rc r)
{
    KIT_CHECK(r.box->weak != SIZE_MAX);
    r.box->weak += 1;
    return (struct weak){ r.box };
}

int weak_upgrade(struct weak w, struct rc *out)
{
    if (w.box->strong == 0)
        return -1;
    KIT_CHECK(w.box->strong != SIZE_MAX);
    w.box->strong += 1;
    out->box = w.box;
    return 0;
}

struct weak weak_clone(struct weak w)
{
    KIT_CHECK(w.box->weak != SIZE_MAX);
    w.box->weak += 1;
    return w;
}

void weak_drop(struct weak w)
{
    struct rc_box *b = w.box;
    KIT_CHECK(b->weak > 0);
    b->weak -= 1;
    if (b->weak == 0)
        box_free(b);
}

size_t rc_strong_count(struct rc r)
{
    return r.box->strong;
}

size_t rc_weak_count(struct rc r)
{
    return r.box->weak - 1;
}
