/* rh_map.h - the "standard" map: Robin Hood open addressing modelled on Rust's
 * std HashMap of 2018 (src/libstd/collections/hash/{map,table}.rs at
 * da569fa9; book ch. 2 "Study: HashMap internals").
 *
 *  - linear probing with Robin Hood bucket stealing (Celis 1986): an element
 *    that has probed further than a resident steals its bucket, so probe
 *    lengths stay short and even (< 2.6 probes per successful search);
 *  - "unzipped" storage: one allocation holding the hash array then the
 *    (key, value) pair array; hash 0 marks an empty bucket, stored hashes have
 *    the top bit forced on (std's SafeHash);
 *  - raw capacity a power of two, at least 32; usable capacity 10/11 of it;
 *    growth by doubling, plus std's adaptive early resize when a probe
 *    displacement above 128 was seen and the table is at least half full;
 *  - resize walks the old table from its head bucket (first full bucket at
 *    displacement 0) and reinserts in order, needing no Robin Hood checks;
 *  - removal by backward-shift deletion (std's pop_internal): later elements of
 *    the cluster move back one bucket, so no tombstones are needed;
 *  - keys hashed with SipHash-1-3 under a random key (HashDoS resistance), or
 *    FxHash with --hash fx.
 * Keys are u16 (the book's runners), values u32.  Header-only so the hot path
 * inlines; concrete types instead of void* + function pointers.
 */
#ifndef RH_MAP_H
#define RH_MAP_H

#include <stdbool.h>
#include "siphash.h"

#define RH_MIN_CAP 32
#define RH_DISPLACEMENT_THRESHOLD 128
#define RH_SAFE_BIT (UINT64_C(1) << 63)

struct rh_pair { uint16_t key; uint32_t val; };

struct rh_map {
    struct map_hasher hasher;
    uint64_t *hashes;        /* cap entries, 0 = empty; NULL while cap == 0 */
    struct rh_pair *pairs;   /* cap entries, right after hashes in the same block */
    size_t mask;             /* cap - 1 */
    size_t size;
    bool long_probe;         /* std's tag bit: a displacement > 128 was recorded */
};

static inline void rh_init(struct rh_map *m, struct map_hasher h)
{
    m->hasher = h;
    m->hashes = NULL;
    m->pairs = NULL;
    m->mask = 0;
    m->size = 0;
    m->long_probe = false;
}
static inline void rh_free(struct rh_map *m) { free(m->hashes); m->hashes = NULL; m->size = 0; m->mask = 0; }
static inline size_t rh_capacity(const struct rh_map *m) { return m->hashes ? m->mask + 1 : 0; }

static inline uint64_t rh_hash(const struct rh_map *m, uint16_t k)
{
    return map_hash_u16(&m->hasher, k) | RH_SAFE_BIT;
}

/* How far the element with hash h sits from its ideal bucket at idx. */
static inline size_t rh_displacement(const struct rh_map *m, size_t idx, uint64_t h)
{
    return (idx - (size_t)h) & m->mask;
}

/* Allocate an empty table of cap buckets (a power of two). */
static inline void rh_alloc(struct rh_map *m, size_t cap)
{
    void *block = malloc(cap * (sizeof(uint64_t) + sizeof(struct rh_pair)));
    KIT_CHECK(block != NULL);
    m->hashes = block;
    m->pairs = (struct rh_pair *)(m->hashes + cap);
    memset(m->hashes, 0, cap * sizeof(uint64_t));   /* only the hashes need zeroing */
    m->mask = cap - 1;
}

/* Resize to new_cap buckets (std's resize, marked cold there too). */
static __attribute__((noinline, cold, unused)) void rh_resize(struct rh_map *m, size_t new_cap)
{
    uint64_t *oh = m->hashes;
    struct rh_pair *op = m->pairs;
    size_t omask = m->mask, left = m->size;
    KIT_CHECK(m->size <= new_cap && (new_cap & (new_cap - 1)) == 0);
    rh_alloc(m, new_cap);
    m->long_probe = false;
    if (oh == NULL)
        return;
    if (left > 0) {
        size_t i = 0;   /* the head bucket: full, displacement 0, so no cluster wraps */
        while (oh[i] == 0 || ((i - (size_t)oh[i]) & omask) != 0)
            i = (i + 1) & omask;
        for (; left > 0; i = (i + 1) & omask) {
            if (oh[i] == 0)
                continue;
            /* insert_hashed_ordered: elements arrive in probe order, so the
             * first empty bucket from the ideal one is the right place */
            size_t j = (size_t)oh[i] & m->mask;
            while (m->hashes[j] != 0)
                j = (j + 1) & m->mask;
            m->hashes[j] = oh[i];
            m->pairs[j] = op[i];
            left--;
        }
    }
    free(oh);
}

/* std's reserve(1): grow when full at 10/11, or early when probes got long. */
static inline void rh_reserve_one(struct rh_map *m)
{
    size_t cap = rh_capacity(m);
    if (m->size + 1 > cap * 10 / 11) {
        size_t want = (m->size + 1) * 11 / 10, raw = RH_MIN_CAP;
        while (raw < want)
            raw *= 2;
        if (raw <= cap)
            raw = cap * 2;
        rh_resize(m, raw);
    } else if (m->long_probe && m->size >= cap / 2) {
        rh_resize(m, cap * 2);
    }
}

/* rh_insert(m, k, v, &old): put k -> v.  Returns true and stores the replaced
 * value in *old if k was present (Rust: Some(old)), false if k is new (None).
 * Aborts on OOM. */
static inline bool rh_insert(struct rh_map *m, uint16_t k, uint32_t v, uint32_t *old)
{
    uint64_t h = rh_hash(m, k);
    rh_reserve_one(m);
    size_t idx = (size_t)h & m->mask, disp = 0;
    for (;; idx = (idx + 1) & m->mask, disp++) {
        uint64_t eh = m->hashes[idx];
        if (eh == 0)
            break;                                      /* empty: put here */
        size_t their = rh_displacement(m, idx, eh);
        if (their < disp) {
            /* Robin Hood: the resident is richer (closer to home); take its
             * bucket and carry it forward until an empty bucket takes it. */
            if (disp > RH_DISPLACEMENT_THRESHOLD)
                m->long_probe = true;
            struct rh_pair carry = { k, v };
            uint64_t ch = h;
            for (;;) {
                uint64_t th = m->hashes[idx];
                struct rh_pair tp = m->pairs[idx];
                m->hashes[idx] = ch;
                m->pairs[idx] = carry;
                ch = th;
                carry = tp;
                disp = their;
                for (;;) {
                    idx = (idx + 1) & m->mask;
                    disp++;
                    uint64_t nh = m->hashes[idx];
                    if (nh == 0) {
                        m->hashes[idx] = ch;
                        m->pairs[idx] = carry;
                        m->size++;
                        return false;
                    }
                    their = rh_displacement(m, idx, nh);
                    if (their < disp)
                        break;                          /* steal again */
                }
            }
        }
        if (eh == h && m->pairs[idx].key == k) {
            *old = m->pairs[idx].val;
            m->pairs[idx].val = v;
            return true;
        }
    }
    if (disp > RH_DISPLACEMENT_THRESHOLD)
        m->long_probe = true;
    m->hashes[idx] = h;
    m->pairs[idx].key = k;
    m->pairs[idx].val = v;
    m->size++;
    return false;
}

/* Bucket index of k, or -1 (SIZE_MAX) if absent.  Stops as soon as the probe
 * is further from home than the resident (Robin Hood's early exit). */
static inline size_t rh_find(const struct rh_map *m, uint16_t k)
{
    if (m->size == 0)
        return SIZE_MAX;
    uint64_t h = rh_hash(m, k);
    size_t idx = (size_t)h & m->mask;
    for (size_t disp = 0;; idx = (idx + 1) & m->mask, disp++) {
        uint64_t eh = m->hashes[idx];
        if (eh == 0 || rh_displacement(m, idx, eh) < disp)
            return SIZE_MAX;
        if (eh == h && m->pairs[idx].key == k)
            return idx;
    }
}

/* rh_get(m, k): pointer to k's value, or NULL if absent (valid until the next insert). */
static inline const uint32_t *rh_get(const struct rh_map *m, uint16_t k)
{
    size_t i = rh_find(m, k);
    return i == SIZE_MAX ? NULL : &m->pairs[i].val;
}

/* rh_remove(m, k, &old): delete k by backward-shift deletion.  Returns true and
 * stores the removed value in *old if k was present, false otherwise. */
static inline bool rh_remove(struct rh_map *m, uint16_t k, uint32_t *old)
{
    size_t i = rh_find(m, k);
    if (i == SIZE_MAX)
        return false;
    *old = m->pairs[i].val;
    for (;;) {
        size_t next = (i + 1) & m->mask;
        uint64_t nh = m->hashes[next];
        if (nh == 0 || rh_displacement(m, next, nh) == 0)
            break;                  /* end of the cluster: nothing to pull back */
        m->hashes[i] = nh;
        m->pairs[i] = m->pairs[next];
        i = next;
    }
    m->hashes[i] = 0;
    m->size--;
    return true;
}

/* rh_max_displacement(m): the longest probe distance in the table (tests and
 * the --stats of the runners: Robin Hood keeps it small). */
static inline size_t rh_max_displacement(const struct rh_map *m)
{
    size_t mx = 0;
    for (size_t i = 0; i < rh_capacity(m); i++)
        if (m->hashes[i] != 0 && rh_displacement(m, i, m->hashes[i]) > mx)
            mx = rh_displacement(m, i, m->hashes[i]);
    return mx;
}

#endif /* RH_MAP_H */
