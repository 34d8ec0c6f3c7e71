/* namemap.c - see namemap.h. */
#include "namemap.h"
#include <stdlib.h>
#include <string.h>

/* FNV-1a, 64-bit.  Not keyed: the name cap, not the hash, bounds the harm a
 * hostile sender can do with colliding names. */
static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    return h;
}

void namemap_init(struct namemap *m, size_t max)
{
    memset(m, 0, sizeof *m);
    m->max = max;
}

void namemap_free(struct namemap *m, void (*free_val)(void *))
{
    for (size_t i = 0; i < m->len; i++) {
        if (free_val)
            free_val(m->e[i].val);
        free(m->e[i].name);
    }
    free(m->e);
    free(m->idx);
    memset(m, 0, sizeof *m);
}

static int rehash(struct namemap *m, size_t icap)
{
    size_t *idx = calloc(icap, sizeof *idx);
    if (!idx)
        return -1;
    for (size_t i = 0; i < m->len; i++) {
        size_t j = m->e[i].hash & (icap - 1);
        while (idx[j])
            j = (j + 1) & (icap - 1);
        idx[j] = i + 1;
    }
    free(m->idx);
    m->idx = idx;
    m->icap = icap;
    return 0;
}

struct namemap_entry *namemap_get(struct namemap *m, const char *name, size_t len)
{
    uint64_t h = fnv1a(name, len);
    if (m->icap) {
        for (size_t j = h & (m->icap - 1); m->idx[j]; j = (j + 1) & (m->icap - 1)) {
            struct namemap_entry *e = &m->e[m->idx[j] - 1];
            if (e->hash == h && e->len == len && memcmp(e->name, name, len) == 0)
                return e;
        }
    }
    if (m->len >= m->max)
        return NULL;
    if (2 * (m->len + 1) > m->icap && rehash(m, m->icap ? 2 * m->icap : 16) != 0)
        return NULL;
    if (m->len == m->ecap) {
        size_t ncap = m->ecap ? 2 * m->ecap : 8;
        struct namemap_entry *ne = realloc(m->e, ncap * sizeof *ne);
        if (!ne)
            return NULL;
        m->e = ne;
        m->ecap = ncap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, name, len);
    copy[len] = '\0';
    m->e[m->len] = (struct namemap_entry){ copy, len, h, NULL };
    size_t j = h & (m->icap - 1);
    while (m->idx[j])
        j = (j + 1) & (m->icap - 1);
    m->idx[j] = ++m->len;
    return &m->e[m->len - 1];
}
