/* specialized_interp.h - the book's specialized_interpreter map (ch. 2):
 * HashMapU8<String>, 256 slots indexed by the key, and its apply step.  Keys
 * must parse as u8 like Rust's u8::from_str: an optional '+', then decimal
 * digits, value 0-255; anything else ("256", "-1", "abc", "") skips the line. */
#ifndef SPECIALIZED_INTERP_H
#define SPECIALIZED_INTERP_H

#include "interp.h"

struct u8_smap { char *val[256]; size_t vlen[256]; };

static struct u8_smap spec_interp_map;
static volatile size_t spec_interp_sink;
static uint64_t spec_interp_badkeys;

/* interp_parse_u8(s, n, &out): 1 and *out if s[0..n) is a u8 per Rust's from_str. */
static inline int interp_parse_u8(const char *s, size_t n, uint8_t *out)
{
    unsigned v = 0;
    if (n > 0 && s[0] == '+') {
        s++;
        n--;
    }
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
        if (v > 255)
            return 0;           /* checked every digit: no overflow on long inputs */
    }
    *out = (uint8_t)v;
    return 1;
}

static inline void spec_interp_apply(const struct interp_line *l)
{
    uint8_t k;
    if (!interp_parse_u8(l->key, l->klen, &k)) {
        spec_interp_badkeys++;
        return;
    }
    if (l->cmd == INTERP_INSERT) {
        char *v = malloc(l->vlen + 1);
        KIT_CHECK(v != NULL);
        memcpy(v, l->val, l->vlen);
        v[l->vlen] = '\0';
        free(spec_interp_map.val[k]);        /* mem::replace drops the old String */
        spec_interp_map.val[k] = v;
        spec_interp_map.vlen[k] = l->vlen;
    } else {
        spec_interp_sink += spec_interp_map.val[k] != NULL;
    }
}

static inline void spec_interp_free(void)
{
    for (int i = 0; i < 256; i++) {
        free(spec_interp_map.val[i]);
        spec_interp_map.val[i] = NULL;
    }
}

#endif /* SPECIALIZED_INTERP_H */
