/* refcell_flag.c - RefCell's borrow flag (book ch. 3.2.16; Rust libcore/cell.rs, 2018). */
#include "refcell_flag.h"
#include "panic.h"

void refcell_init(struct refcell *c, void *value)
{
    c->borrow = REFCELL_UNUSED;
    c->value = value;
}

int refcell_try_borrow(struct refcell *c, struct refcell_ref *out)
{
    if (c->borrow == REFCELL_WRITING)
        return REFCELL_BORROW_ERROR;
    if (c->borrow == REFCELL_WRITING - 1) /* one more would read as WRITING */
        return REFCELL_TOO_MANY;
    c->borrow += 1;
    out->cell = c;
    out->value = c->value;
    return REFCELL_OK;
}

int refcell_try_borrow_mut(struct refcell *c, struct refcell_refmut *out)
{
    if (c->borrow != REFCELL_UNUSED)
        return REFCELL_BORROW_MUT_ERROR;
    c->borrow = REFCELL_WRITING;
    out->cell = c;
    out->value = c->value;
    return REFCELL_OK;
}

void refcell_ref_drop(struct refcell_ref *r)
{
    KIT_CHECK(r->value != NULL); /* dropped twice */
    KIT_CHECK(r->cell->borrow != REFCELL_UNUSED && r->cell->borrow != REFCELL_WRITING);
    r->cell->borrow -= 1;
    r->value = NULL;
}

void refcell_refmut_drop(struct refcell_refmut *r)
{
    KIT_CHECK(r->value != NULL);
    KIT_CHECK(r->cell->borrow == REFCELL_WRITING);
    r->cell->borrow = REFCELL_UNUSED;
    r->value = NULL;
}

struct refcell_ref refcell_borrow(struct refcell *c)
{
    struct refcell_ref r;
    int rc = refcell_try_borrow(c, &r);
    if (rc == REFCELL_BORROW_ERROR)
        rust_panic("already mutably borrowed: BorrowError");
    if (rc != REFCELL_OK)
        rust_panic("too many immutable borrows");
    return r;
}

struct refcell_refmut refcell_borrow_mut(struct refcell *c)
{
    struct refcell_refmut r;
    if (refcell_try_borrow_mut(c, &r) != REFCELL_OK)
        rust_panic("already borrowed: BorrowMutError");
    return r;
}

const char *refcell_state(const struct refcell *c, char *buf, size_t len)
{
    if (c->borrow == REFCELL_UNUSED)
        snprintf(buf, len, "UNUSED");
    else if (c->borrow == REFCELL_WRITING)
        snprintf(buf, len, "WRITING");
    else
        snprintf(buf, len, "%zu reader%s", c->borrow, c->borrow == 1 ? "" : "s");
    return buf;
}
