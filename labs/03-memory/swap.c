/* swap.c - the swap routines of Rust's libcore/ptr.rs and mem.rs (2018), in C. */
#include "swap.h"
#include "kit.h"

void swap_naive(void *x, void *y, size_t len)
{
    unsigned char *a = x, *b = y;
    for (size_t i = 0; i < len; i++) {
        unsigned char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* 32 bytes: "swapping 32 or 64 byte blocks was fastest on Intel Haswell-E" (libcore). */
struct block { uint64_t w[4]; };

void swap_nonoverlapping_bytes(void *x, void *y, size_t len)
{
    unsigned char *a = x, *b = y;
    size_t i = 0;
    while (i + sizeof(struct block) <= len) {
        struct block t;
        memcpy(&t, a + i, sizeof t); /* memcpy: x and y need not be aligned */
        memcpy(a + i, b + i, sizeof t);
        memcpy(b + i, &t, sizeof t);
        i += sizeof t;
    }
    if (i < len) { /* the tail, through an "UnalignedBlock" */
        struct block t;
        size_t rest = len - i;
        memcpy(&t, a + i, rest);
        memcpy(a + i, b + i, rest);
        memcpy(b + i, &t, rest);
    }
}

void ptr_swap(void *x, void *y, size_t len)
{
    if (x == y || len == 0)
        return;
    unsigned char *tmp = malloc(len);
    KIT_CHECK(tmp != NULL);
    memcpy(tmp, x, len);  /* copy_nonoverlapping(x, &mut tmp, 1) */
    memmove(x, y, len);   /* copy(y, x, 1): may overlap */
    memcpy(y, tmp, len);  /* copy_nonoverlapping(&tmp, y, 1) */
    free(tmp);
}

void mem_replace(void *dest, void *src, size_t len)
{
    swap_nonoverlapping_bytes(dest, src, len); /* mem::swap(dest, &mut src) */
}
