/* siphash.h - SipHash-c-d (Aumasson and Bernstein, "SipHash: a fast short-input
 * PRF", 2012), the keyed hash Rust's HashMap uses against HashDoS (Crosby and
 * Wallach 2003).  Rust's std of 2018 used SipHash-1-3 (one compression round
 * per 8-byte block, three finalization rounds); the paper's reference is
 * SipHash-2-4.  One implementation serves both, the round counts being
 * arguments the compiler folds away.  Header-only so the maps inline it.
 */
#ifndef SIPHASH_H
#define SIPHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "kit.h"

/* The 128-bit key: k0 = key bytes 0-7, k1 = bytes 8-15, both little-endian. */
struct sip_key { uint64_t k0, k1; };

static inline uint64_t sip_rotl(uint64_t x, unsigned b) { return (x << b) | (x >> (64 - b)); }

#define SIP_ROUND(v0, v1, v2, v3)                                              \
    do {                                                                       \
        v0 += v1; v1 = sip_rotl(v1, 13); v1 ^= v0; v0 = sip_rotl(v0, 32);      \
        v2 += v3; v3 = sip_rotl(v3, 16); v3 ^= v2;                             \
        v0 += v3; v3 = sip_rotl(v3, 21); v3 ^= v0;                             \
        v2 += v1; v1 = sip_rotl(v1, 17); v1 ^= v2; v2 = sip_rotl(v2, 32);      \
    } while (0)

/* Little-endian 64-bit load, independent of the host's byte order. */
static inline uint64_t sip_load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* siphash_cd(c, d, key, msg, len): SipHash-c-d of len bytes (paper, section 2):
 * c compression rounds per 8-byte block, d finalization rounds.  Returns the
 * 64-bit tag.  Never fails. */
static inline uint64_t siphash_cd(unsigned c, unsigned d, struct sip_key key,
                                  const void *msg, size_t len)
{
    const uint8_t *p = msg;
    uint64_t v0 = key.k0 ^ 0x736f6d6570736575u, v1 = key.k1 ^ 0x646f72616e646f6du;
    uint64_t v2 = key.k0 ^ 0x6c7967656e657261u, v3 = key.k1 ^ 0x7465646279746573u;
    size_t blocks = len / 8;
    for (size_t i = 0; i < blocks; i++, p += 8) {
        uint64_t m = sip_load_le64(p);
        v3 ^= m;
        for (unsigned r = 0; r < c; r++)
            SIP_ROUND(v0, v1, v2, v3);
        v0 ^= m;
    }
    /* last block: the 0-7 remaining bytes, and len mod 256 in the top byte */
    uint64_t b = (uint64_t)(len & 0xff) << 56;
    for (size_t i = 0; i < (len & 7); i++)
        b |= (uint64_t)p[i] << (8 * i);
    v3 ^= b;
    for (unsigned r = 0; r < c; r++)
        SIP_ROUND(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    for (unsigned r = 0; r < d; r++)
        SIP_ROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

/* SipHash-1-3, Rust std's DefaultHasher of 2018 (src/libcore/hash/sip.rs). */
static inline uint64_t siphash13(struct sip_key key, const void *msg, size_t len)
{ return siphash_cd(1, 3, key, msg, len); }

/* SipHash-2-4, the paper's recommended parameters and its test vectors. */
static inline uint64_t siphash24(struct sip_key key, const void *msg, size_t len)
{ return siphash_cd(2, 4, key, msg, len); }

/* SipHash-1-3 of a u16 key as Rust hashes it (write_u16: 2 bytes, here
 * little-endian on every host so hashes agree across architectures). */
static inline uint64_t siphash13_u16(struct sip_key key, uint16_t k)
{
    uint8_t b[2] = { (uint8_t)k, (uint8_t)(k >> 8) };
    return siphash13(key, b, 2);
}

/* sip_key_random(): a fresh key from getrandom(2), as Rust's RandomState draws
 * one per process, so an attacker cannot precompute colliding keys.  Aborts if
 * the kernel has no entropy source (never on a supported system). */
static inline struct sip_key sip_key_random(void)
{
    uint8_t b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t n = getrandom(b + got, sizeof b - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        KIT_CHECK(n > 0);
        got += (size_t)n;
    }
    struct sip_key k = { sip_load_le64(b), sip_load_le64(b + 8) };
    return k;
}

/* sip_key_from_seed(seed): a fixed key expanded from a 64-bit seed with
 * splitmix64, for repeatable runs (--hash-seed). */
static inline struct sip_key sip_key_from_seed(uint64_t seed)
{
    struct sip_key k;
    k.k0 = kit_splitmix64(&seed);
    k.k1 = kit_splitmix64(&seed);
    return k;
}

/* FxHash (rustc's FxHasher, after Firefox): one multiply per word.  Fast and
 * unkeyed, hence open to HashDoS: the "--hash fx" choice of the runners. */
static inline uint64_t fxhash_u16(uint16_t k) { return (uint64_t)k * 0x517cc1b727220a95u; }
static inline uint64_t fxhash_bytes(const void *msg, size_t len)
{
    const uint8_t *p = msg;
    uint64_t h = 0;
    for (size_t i = 0; i < len; i++)
        h = (sip_rotl(h, 5) ^ p[i]) * 0x517cc1b727220a95u;
    return h;
}



/* ---- the hasher a map carries (Rust's BuildHasher, as data, not a pointer) ---- */

/* Which hash a map uses.  A switch on this enum, not a function pointer, keeps
 * the hash inlined in the maps' hot paths (cachegrind compares them). */
enum map_hash_kind { MAP_HASH_SIP13, MAP_HASH_FX };
struct map_hasher { enum map_hash_kind kind; struct sip_key key; };

static inline uint64_t map_hash_u16(const struct map_hasher *h, uint16_t k)
{
    return h->kind == MAP_HASH_FX ? fxhash_u16(k) : siphash13_u16(h->key, k);
}
static inline uint64_t map_hash_bytes(const struct map_hasher *h, const void *p, size_t n)
{
    return h->kind == MAP_HASH_FX ? fxhash_bytes(p, n) : siphash13(h->key, p, n);
}

/* map_hasher_make(name, seeded, seed): the hasher for "--hash NAME" ("sip13",
 * the default, or "fx") and "--hash-seed SEED" (seeded != 0; otherwise the
 * SipHash key is random).  A bad name exits 2 naming it. */
static inline struct map_hasher map_hasher_make(const char *name, int seeded, uint64_t seed)
{
    struct map_hasher h;
    if (name == NULL || strcmp(name, "sip13") == 0)
        h.kind = MAP_HASH_SIP13;
    else if (strcmp(name, "fx") == 0)
        h.kind = MAP_HASH_FX;
    else
        kit_usage_error("--hash: expected 'sip13' or 'fx', got '%s'", name);
    h.key = seeded ? sip_key_from_seed(seed) : sip_key_random();
    return h;
}
#endif /* SIPHASH_H */
