/* interp.h - the command language of the book's interpreters (ch. 2,
 * bin/naive_interpreter.rs, the AFL target), shared by naive_interpreter,
 * specialized_interpreter, naive_interpreter_buggy and their fuzz entry points.
 *
 * Input: lines (split on '\n'; a trailing '\r' is dropped, as Rust's lines()
 * does); a line that is not valid UTF-8 ends the input, as a read error ends
 * the book's loop.  Each line is split on single spaces (two spaces make an
 * empty token).  "INSERT k v" inserts, "LOOKUP k" looks up and discards the
 * result; a missing token, another command or anything else skips the line;
 * extra tokens are ignored.  Nothing is printed.
 *
 * Every byte is hostile: lines longer than INTERP_MAX_LINE are skipped whole
 * (never buffered), and memory grows only with what was inserted.
 */
#ifndef INTERP_H
#define INTERP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "kit.h"

#define INTERP_MAX_LINE 65536

enum interp_cmd { INTERP_SKIP, INTERP_INSERT, INTERP_LOOKUP };

struct interp_line {
    enum interp_cmd cmd;
    const char *key, *val;   /* not NUL-terminated: use the lengths */
    size_t klen, vlen;
};

struct interp_stats { uint64_t inserts, lookups, skipped, long_lines; bool stopped_on_utf8; };

/* interp_utf8_valid(s, n): 1 if s[0..n) is well-formed UTF-8 (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF), as Rust's String needs. */
static inline int interp_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) { i++; continue; }
        else if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
        else return 0;
        if (n - i < len)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t j = 2; j < len; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF)
                return 0;
        i += len;
    }
    return 1;
}

/* Next ' '-separated token of [*p, end): returns 0 when none is left. */
static inline int interp_token(const char **p, const char *end, const char **tok, size_t *len)
{
    if (*p == NULL)
        return 0;
    const char *s = *p, *sp = memchr(s, ' ', (size_t)(end - s));
    *tok = s;
    if (sp == NULL) {
        *len = (size_t)(end - s);
        *p = NULL;                  /* that was the last token */
    } else {
        *len = (size_t)(sp - s);
        *p = sp + 1;
    }
    return 1;
}

/* interp_parse(line, len, &out): parse one line (without its '\n'). */
static inline void interp_parse(const char *line, size_t len, struct interp_line *out)
{
    const char *p = line, *end = line + len, *cmd;
    size_t clen;
    out->cmd = INTERP_SKIP;
    out->key = out->val = NULL;
    out->klen = out->vlen = 0;
    if (len > 0 && line[len - 1] == '\r')
        end--;
    if (!interp_token(&p, end, &cmd, &clen))
        return;
    if (clen == 6 && memcmp(cmd, "LOOKUP", 6) == 0) {
        if (interp_token(&p, end, &out->key, &out->klen))
            out->cmd = INTERP_LOOKUP;
    } else if (clen == 6 && memcmp(cmd, "INSERT", 6) == 0) {
        if (interp_token(&p, end, &out->key, &out->klen) && interp_token(&p, end, &out->val, &out->vlen))
            out->cmd = INTERP_INSERT;
    }
}

/* INTERP_FEED(data, n, st, APPLY): run every line of the buffer data[0..n)
 * through APPLY(const struct interp_line *l) - a macro so each interpreter's
 * apply inlines.  Counts go to *st.  A final line without '\n' counts. */
#define INTERP_FEED(data, n, st, APPLY)                                               \
    do {                                                                              \
        const char *p_ = (const char *)(data), *e_ = p_ + (n);                        \
        while (p_ < e_) {                                                             \
            const char *nl_ = memchr(p_, '\n', (size_t)(e_ - p_));                    \
            size_t len_ = nl_ ? (size_t)(nl_ - p_) : (size_t)(e_ - p_);               \
            if (len_ > INTERP_MAX_LINE) {                                             \
                (st)->long_lines++;                                                   \
            } else if (!interp_utf8_valid((const unsigned char *)p_, len_)) {         \
                (st)->stopped_on_utf8 = true;                                         \
                break;                                                                \
            } else {                                                                  \
                struct interp_line l_;                                                \
                interp_parse(p_, len_, &l_);                                          \
                if (l_.cmd == INTERP_INSERT) (st)->inserts++;                         \
                else if (l_.cmd == INTERP_LOOKUP) (st)->lookups++;                    \
                else (st)->skipped++;                                                 \
                if (l_.cmd != INTERP_SKIP) APPLY(&l_);                                \
            }                                                                         \
            p_ += len_ + 1;                                                           \
        }                                                                             \
    } while (0)

/* interp_read_line(f, buf, &len): read one line of at most INTERP_MAX_LINE
 * bytes into buf (INTERP_MAX_LINE + 1 bytes).  Returns 1 with a line, 2 for a
 * line that was too long (its bytes discarded, never stored), 0 at EOF. */
static inline int interp_read_line(FILE *f, char *buf, size_t *len)
{
    size_t n = 0;
    int c, any = 0, toolong = 0;
    while ((c = getc_unlocked(f)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (n < INTERP_MAX_LINE)
            buf[n++] = (char)c;
        else
            toolong = 1;
    }
    *len = n;
    if (!any)
        return 0;
    return toolong ? 2 : 1;
}

/* INTERP_STDIN(st, APPLY): INTERP_FEED over stdin, one bounded line at a time. */
#define INTERP_STDIN(st, APPLY)                                                       \
    do {                                                                              \
        static char buf_[INTERP_MAX_LINE + 1];                                        \
        size_t n_;                                                                    \
        int r_;                                                                       \
        while ((r_ = interp_read_line(stdin, buf_, &n_)) != 0) {                      \
            if (r_ == 2) { (st)->long_lines++; continue; }                            \
            if (n_ == 0) { (st)->skipped++; continue; }                               \
            INTERP_FEED(buf_, n_, st, APPLY);                                         \
            if ((st)->stopped_on_utf8) break;                                         \
        }                                                                             \
    } while (0)

/* interp_parse_args(argc, argv, what, &stats_flag): the interpreters' options
 * (--stats, --help).  Exits 0 after --help, 2 on anything else. */
static inline void interp_parse_args(int argc, char **argv, const char *what, int *stats)
{
    static const struct option lo[] = {
        { "stats", no_argument, 0, 's' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    int c;
    *stats = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 's': *stats = 1; break;
        case 'h':
            printf("usage: %s [--stats] < commands\n\n%s\n\n"
                   "Reads lines 'INSERT <key> <value>' and 'LOOKUP <key>' from stdin (split on\n"
                   "single spaces; other lines are skipped; invalid UTF-8 ends the input; lines\n"
                   "over %d bytes are skipped) and prints nothing, like the book's AFL target.\n"
                   "  --stats   print counts of inserts, lookups and skipped lines at the end\n",
                   program_invocation_short_name, what, INTERP_MAX_LINE);
            exit(0);
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
}

static inline void interp_print_stats(const struct interp_stats *st)
{
    printf("inserts: %" PRIu64 "\nlookups: %" PRIu64 "\nskipped: %" PRIu64 "\ntoo long: %" PRIu64 "\n%s",
           st->inserts, st->lookups, st->skipped, st->long_lines,
           st->stopped_on_utf8 ? "stopped: invalid UTF-8\n" : "");
}

#endif /* INTERP_H */
