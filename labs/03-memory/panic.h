/* panic.h - Rust's panic, as the chapter's programs print it (ch. 3.2.10, 3.2.16, 3.2.18).
 *
 * The book's programs end a violated rule (an out-of-range slice, a second mutable
 * borrow, a capacity overflow) with a panic, not with undefined behaviour:
 *   thread 'main' panicked at '<message>', <file>:<line>:<col>
 *   note: Run with `RUST_BACKTRACE=1` for a backtrace.
 * on stderr, exit status 101.  The C programs of lab 3 print the same two lines
 * (with the C file and line) so that a reader can hold the book next to the terminal. */
#ifndef LAB3_PANIC_H
#define LAB3_PANIC_H
#include "kit.h"

/* Print the panic lines for the message fmt... and exit(101).  Flushes stdout first
 * so that output printed before the panic is not lost. */
static inline void rust_panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
static inline void rust_panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("thread 'main' panicked at '", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "', %s:%d:5\nnote: Run with `RUST_BACKTRACE=1` for a backtrace.\n", file, line);
    exit(101);
}
#define rust_panic(...) rust_panic_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
