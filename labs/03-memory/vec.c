/* vec.c - RawVec's allocation policy and Vec's push/insert (book ch. 3.2.18). */
#include "vec.h"
#include "kit.h"

uint64_t vec_elems_moved;
size_t vec_failed_bytes;

/* Unique::empty(): an aligned, non-NULL address standing for "no allocation".  The
 * alignment of a size is its lowest set bit, capped at max_align_t's. */
static void *dangling(size_t elem_size)
{
    size_t a = elem_size & -elem_size;
    if (a == 0 || a > _Alignof(max_align_t))
        a = _Alignof(max_align_t);
    return (void *)(uintptr_t)a;
}

/* alloc_guard: on targets with a size_t narrower than 64 bits, no object may be
 * larger than PTRDIFF_MAX; 64-bit targets leave that to the allocator. */
static int alloc_guard(size_t bytes)
{
    if (sizeof(size_t) < 8 && bytes > (size_t)PTRDIFF_MAX) {
        vec_failed_bytes = bytes;
        return VEC_CAPACITY_OVERFLOW;
    }
    return VEC_OK;
}

void vec_new(struct vec *v, size_t elem_size)
{
    v->ptr = dangling(elem_size);
    v->cap = elem_size == 0 ? SIZE_MAX : 0;
    v->len = 0;
}

int vec_with_capacity(struct vec *v, size_t elem_size, size_t cap)
{
    size_t bytes;
    if (__builtin_mul_overflow(cap, elem_size, &bytes)) {
        vec_failed_bytes = SIZE_MAX;
        return VEC_CAPACITY_OVERFLOW;
    }
    int rc = alloc_guard(bytes);
    if (rc != VEC_OK)
        return rc;
    if (bytes == 0) {
        vec_new(v, elem_size);
        return VEC_OK;
    }
    void *p = malloc(bytes);
    if (p == NULL) {
        vec_failed_bytes = bytes;
        return VEC_OOM;
    }
    v->ptr = p;
    v->cap = cap;
    v->len = 0;
    return VEC_OK;
}

size_t vec_next_cap(size_t cap, size_t elem_size)
{
    if (cap == 0)
        return elem_size > SIZE_MAX / 8 ? 1 : 4;
    return cap > SIZE_MAX / 2 ? SIZE_MAX : 2 * cap;
}

int vec_double(struct vec *v, size_t elem_size)
{
    if (elem_size == 0) /* cap is SIZE_MAX: "overfull" */
        return VEC_CAPACITY_OVERFLOW;
    size_t new_cap = vec_next_cap(v->cap, elem_size), bytes;
    if (__builtin_mul_overflow(new_cap, elem_size, &bytes)) {
        vec_failed_bytes = SIZE_MAX;
        return VEC_CAPACITY_OVERFLOW;
    }
    int rc = alloc_guard(bytes);
    if (rc != VEC_OK)
        return rc;
    void *p = v->cap == 0 ? malloc(bytes) : realloc(v->ptr, bytes);
    if (p == NULL) {
        vec_failed_bytes = bytes;
        return VEC_OOM;
    }
    v->ptr = p;
    v->cap = new_cap;
    return VEC_OK;
}

int vec_push(struct vec *v, size_t elem_size, const void *elem)
{
    if (v->len == v->cap) {
        int rc = vec_double(v, elem_size);
        if (rc != VEC_OK)
            return rc;
    }
    if (elem_size) /* a zero-sized element is never written: ptr may be dangling */
        memcpy((unsigned char *)v->ptr + v->len * elem_size, elem, elem_size);
    v->len++;
    return VEC_OK;
}

int vec_insert(struct vec *v, size_t elem_size, size_t index, const void *elem)
{
    if (index > v->len)
        return VEC_BAD_INDEX;
    if (v->len == v->cap) {
        int rc = vec_double(v, elem_size);
        if (rc != VEC_OK)
            return rc;
    }
    if (elem_size) {
        unsigned char *p = (unsigned char *)v->ptr + index * elem_size;
        memmove(p + elem_size, p, (v->len - index) * elem_size); /* ptr::copy: overlapping */
        memcpy(p, elem, elem_size);
        vec_elems_moved += v->len - index;
    }
    v->len++;
    return VEC_OK;
}

void vec_drop(struct vec *v, size_t elem_size)
{
    if (elem_size != 0 && v->cap != 0)
        free(v->ptr);
    vec_new(v, elem_size);
}
