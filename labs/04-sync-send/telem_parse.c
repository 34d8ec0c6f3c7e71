/* telem_parse.c - see telem_parse.h. */
#include "telem_parse.h"

/* Decode one UTF-8 scalar at s[0..n): returns its length (1-4) and stores the
 * code point, or 0 if the bytes are not valid UTF-8 (overlongs, surrogates,
 * code points above U+10FFFF and truncated sequences are all invalid). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t len;
    uint32_t c, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    } else if ((b & 0xe0) == 0xc0) {
        len = 2; c = b & 0x1f; min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
        len = 3; c = b & 0x0f; min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
        len = 4; c = b & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* Unicode White_Space, the set Rust's char::is_whitespace uses. */
static int is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
           c == 0x205f || c == 0x3000;
}

/* Find the next token at or after *pos: stores its bounds and advances *pos
 * past it.  Returns 0 when there is none.  The buffer is already valid UTF-8. */
static int next_token(const unsigned char *buf, size_t len, size_t *pos, size_t *start, size_t *end)
{
    size_t i = *pos;
    uint32_t c;
    size_t k;
    while (i < len && (k = utf8_decode(buf + i, len - i, &c)) && is_space(c))
        i += k;
    if (i >= len)
        return 0;
    *start = i;
    while (i < len && (k = utf8_decode(buf + i, len - i, &c)) && !is_space(c))
        i += k;
    *end = i;
    *pos = i;
    return 1;
}

/* u32::from_str: optional '+', then one or more ASCII digits, no overflow. */
static int parse_u32(const unsigned char *s, size_t n, uint32_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    if (n > 0 && s[0] == '+')
        i = 1;
    if (i == n)
        return -1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > UINT32_MAX)
            return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int telem_parse(const unsigned char *buf, size_t len, struct telem_point *out)
{
    uint32_t c;
    for (size_t i = 0, k; i < len; i += k)
        if (!(k = utf8_decode(buf + i, len - i, &c)))
            return TELEM_BAD_UTF8;
    size_t pos = 0, ns, ne, vs, ve;
    if (!next_token(buf, len, &pos, &ns, &ne) || !next_token(buf, len, &pos, &vs, &ve))
        return TELEM_MALFORMED;
    if (parse_u32(buf + vs, ve - vs, &out->value) != 0)
        return TELEM_MALFORMED;
    out->name = buf + ns;
    out->name_len = ne - ns;
    return TELEM_OK;
}
