/* naive_interp.h - the naive map with String keys and values, as the book's
 * naive_interpreter uses it (HashMap<String, String>), and the interpreter's
 * apply step.  Shared by naive_interpreter, naive_interpreter_buggy and their
 * fuzz entry points (naive_interpreter_fuzz, naive_interpreter_buggy_fuzz).
 * Like naive_map.h it compares hashes only (the book's latent bug); with
 * SipHash-1-3 that never shows.
 *
 * Built with -DNAIVE_INTERP_BUGGY (the Makefile's twins naive_interpreter_buggy
 * and naive_interpreter_buggy_fuzz) it is the BROKEN ON PURPOSE variant: keys
 * are copied into a 16-byte stack buffer with no length check.
 */
#ifndef NAIVE_INTERP_H
#define NAIVE_INTERP_H

#include "interp.h"
#include "siphash.h"

struct naive_sentry { uint64_t hash; char *key, *val; size_t klen, vlen; };
struct naive_smap { struct map_hasher hasher; struct naive_sentry *data; size_t len, cap; };

static inline void naive_smap_init(struct naive_smap *m, struct map_hasher h)
{
    m->hasher = h;
    m->data = NULL;
    m->len = m->cap = 0;
}

static inline void naive_smap_free(struct naive_smap *m)
{
    for (size_t i = 0; i < m->len; i++) {
        free(m->data[i].key);
        free(m->data[i].val);
    }
    free(m->data);
    m->data = NULL;
    m->len = m->cap = 0;
}

static inline char *naive_memdup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    KIT_CHECK(p != NULL);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* naive_smap_insert(m, k, klen, v, vlen): insert a copy of k -> v; returns 1 if
 * an entry with k's hash was replaced (its old value freed), 0 if added. */
static inline int naive_smap_insert(struct naive_smap *m, const char *k, size_t klen, const char *v, size_t vlen)
{
    uint64_t h = map_hash_bytes(&m->hasher, k, klen);
    size_t idx;
    for (idx = 0; idx < m->len; idx++) {
        if (m->data[idx].hash > h)
            break;
        if (m->data[idx].hash == h) {           /* hashes only, as in the book */
            free(m->data[idx].val);
            m->data[idx].val = naive_memdup(v, vlen);
            m->data[idx].vlen = vlen;
            return 1;
        }
    }
    if (m->len == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 4;
        struct naive_sentry *nd = realloc(m->data, ncap * sizeof *nd);
        KIT_CHECK(nd != NULL);
        m->data = nd;
        m->cap = ncap;
    }
    memmove(&m->data[idx + 1], &m->data[idx], (m->len - idx) * sizeof *m->data);
    m->data[idx].hash = h;
    m->data[idx].key = naive_memdup(k, klen);
    m->data[idx].klen = klen;
    m->data[idx].val = naive_memdup(v, vlen);
    m->data[idx].vlen = vlen;
    m->len++;
    return 0;
}

/* naive_smap_get(m, k, klen): the entry with k's hash, or NULL. */
static inline const struct naive_sentry *naive_smap_get(const struct naive_smap *m, const char *k, size_t klen)
{
    uint64_t h = map_hash_bytes(&m->hasher, k, klen);
    for (size_t i = 0; i < m->len; i++)
        if (m->data[i].hash == h)
            return &m->data[i];
    return NULL;
}

/* The map the interpreter works on (a global: the APPLY macro argument). */
static struct naive_smap naive_interp_map;
static volatile size_t naive_interp_sink;   /* keeps LOOKUP's result alive at -O2 */

#if NAIVE_INTERP_BUGGY
/* BROKEN ON PURPOSE: a fixed key buffer and no length check - any key of 16
 * bytes or more overflows the stack (ASan: stack-buffer-overflow). */
static __attribute__((noinline)) void naive_interp_apply(const struct interp_line *l)
{
    char key[16];
    memcpy(key, l->key, l->klen);     /* BUG: klen is never checked against 16 */
    key[l->klen] = '\0';
    if (l->cmd == INTERP_INSERT)
        naive_smap_insert(&naive_interp_map, key, strlen(key), l->val, l->vlen);
    else
        naive_interp_sink += naive_smap_get(&naive_interp_map, key, strlen(key)) != NULL;
}
#else
static inline void naive_interp_apply(const struct interp_line *l)
{
    if (l->cmd == INTERP_INSERT)
        naive_smap_insert(&naive_interp_map, l->key, l->klen, l->val, l->vlen);
    else
        naive_interp_sink += naive_smap_get(&naive_interp_map, l->key, l->klen) != NULL;
}
#endif

#endif /* NAIVE_INTERP_H */
