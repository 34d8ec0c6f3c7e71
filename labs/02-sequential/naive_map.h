/* naive_map.h - the book's naive_hashmap::HashMap (ch. 2, "naive"): a vector
 * of (hash, key, value) entries kept sorted by hash and scanned linearly.
 *
 * Kept faithful to the book, including its latent bug: insert and get compare
 * 64-bit HASHES ONLY, never keys.  With SipHash over at most 65,536 keys a
 * collision is astronomically unlikely, so the book never sees it; compile with
 * -DWEAK_HASH (hash = key & 0xF) and naive_weakhash_prop's model-based property
 * test finds it and shrinks it to two actions.  Insert is O(n) scan + O(n)
 * memmove; get scans the whole vector even past larger hashes, as the book's does.
 */
#ifndef NAIVE_MAP_H
#define NAIVE_MAP_H

#include <stdbool.h>
#include "siphash.h"

/* One entry: 16 bytes with padding, like the Rust tuple (u64, u16, u32). */
struct naive_entry { uint64_t hash; uint16_t key; uint32_t val; };

struct naive_map {
    struct map_hasher hasher;
    struct naive_entry *data;
    size_t len, cap;
};

static inline void naive_init(struct naive_map *m, struct map_hasher h)
{
    m->hasher = h;
    m->data = NULL;
    m->len = m->cap = 0;
}
static inline void naive_free(struct naive_map *m) { free(m->data); m->data = NULL; m->len = m->cap = 0; }

static inline uint64_t naive_hash(const struct naive_map *m, uint16_t k)
{
#if WEAK_HASH
    (void)m;
    return k & 0xF;    /* 16 buckets: keys 1 and 17 collide */
#else
    return map_hash_u16(&m->hasher, k);
#endif
}

/* naive_insert(m, k, v, &old): put k -> v.  Returns true and stores the
 * replaced value in *old when an entry with k's HASH was present (book:
 * Some(old)), false when a new entry was added (None).  Aborts on OOM. */
static inline bool naive_insert(struct naive_map *m, uint16_t k, uint32_t v, uint32_t *old)
{
    uint64_t h = naive_hash(m, k);
    size_t idx;
    for (idx = 0; idx < m->len; idx++) {
        if (m->data[idx].hash > h)
            break;                          /* insert before the first larger hash */
        if (m->data[idx].hash == h) {       /* the book's bug: no key comparison */
            *old = m->data[idx].val;
            m->data[idx].val = v;
            return true;
        }
    }
    if (m->len == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 4;    /* Vec's doubling, from 4 */
        struct naive_entry *nd = realloc(m->data, ncap * sizeof *nd);
        KIT_CHECK(nd != NULL);
        m->data = nd;
        m->cap = ncap;
    }
    memmove(&m->data[idx + 1], &m->data[idx], (m->len - idx) * sizeof *m->data);
    m->data[idx].hash = h;
    m->data[idx].key = k;
    m->data[idx].val = v;
    m->len++;
    return false;
}

/* naive_get(m, k): the value of the first entry with k's hash, or NULL.  Scans
 * the whole vector on a miss, as the book's get does. */
static inline const uint32_t *naive_get(const struct naive_map *m, uint16_t k)
{
    uint64_t h = naive_hash(m, k);
    for (size_t i = 0; i < m->len; i++)
        if (m->data[i].hash == h)
            return &m->data[i].val;
    return NULL;
}

#endif /* NAIVE_MAP_H */
