/* telem_parse.h - the telemetry server's wire format, parsed strictly (ch. 4.8.5).
 *
 * One datagram holds one point: NAME <whitespace> VALUE, UTF-8.  Tokens are
 * split on Unicode whitespace (Rust's split_whitespace: runs collapse, leading
 * and trailing whitespace is ignored); VALUE is a decimal u32 with an optional
 * leading '+' (Rust's u32::from_str); tokens after the second are ignored, as
 * in the book.  Every byte is treated as hostile: the parser never reads past
 * len and allocates nothing. */
#ifndef TELEM_PARSE_H
#define TELEM_PARSE_H
#include <stddef.h>
#include <stdint.h>

enum telem_parse_status {
    TELEM_OK = 0,
    TELEM_BAD_UTF8,  /* not valid UTF-8 (the book's server panics here; we drop) */
    TELEM_MALFORMED, /* no name, no value, or a value that is not a u32 */
};

struct telem_point {
    const unsigned char *name; /* points into the datagram; not NUL-terminated */
    size_t name_len;           /* > 0 */
    uint32_t value;
};

/* Parse buf[0..len).  Returns TELEM_OK and fills *out, or an error status. */
int telem_parse(const unsigned char *buf, size_t len, struct telem_point *out);

#endif
