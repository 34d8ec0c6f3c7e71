/* u8_map.h - the book's HashMapU8 ("specialized", ch. 2): when keys are u8,
 * the key IS the index of a 256-slot array.  No hashing, no probing, no
 * allocation; 1.25 KiB that stays in L1.  C needs no unsafe tricks here: the
 * table is zeroed, and a uint8_t index can never be out of bounds.
 */
#ifndef U8_MAP_H
#define U8_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct u8_map {
    uint32_t val[256];
    bool present[256];   /* Rust's Option<V> tag, kept apart so val stays dense */
};

static inline void u8_init(struct u8_map *m) { memset(m, 0, sizeof *m); }

/* u8_insert(m, k, v, &old): put k -> v; true and *old = previous value if k
 * was present (mem::replace returning Some), false if it was empty. */
static inline bool u8_insert(struct u8_map *m, uint8_t k, uint32_t v, uint32_t *old)
{
    bool had = m->present[k];
    *old = m->val[k];
    m->val[k] = v;
    m->present[k] = true;
    return had;
}

/* u8_get(m, k): pointer to k's value or NULL. */
static inline const uint32_t *u8_get(const struct u8_map *m, uint8_t k)
{
    return m->present[k] ? &m->val[k] : NULL;
}

#endif /* U8_MAP_H */
