/* check.h - the one protocol for the kit's C test programs (CONTRIBUTING.md,
 * "Test programs").  Modelled on TAP as liburcu's tests/utils/tap.h uses it,
 * reduced to what scripts/lib.sh's kit_unit reads:
 *
 *   ok <what was checked>
 *   FAIL <what was checked>: <file>:<line>: <detail>
 *   # <a note>                   (diagnostics; ignored by kit_unit)
 *
 * one line per check on stdout, and a closing "# N checks, F failed".  A
 * program ends with `return check_done();`: exit status 0 when nothing failed,
 * 1 otherwise.  kit_unit fails a program that exits non-zero without a FAIL
 * line (a crash mid-way) or that ran fewer checks than the test expects.
 *
 *   CHECK(cond, "fmt", ...)          ok if cond holds; the FAIL line quotes cond
 *   CHECK_EQ_U64(got, want, "fmt", ...)  ok if equal; FAIL shows both values
 *   CHECK_EQ_I64, CHECK_EQ_STR       the same for signed and string values
 *   CHECK_THAT(cond, what, "detail fmt", ...)  ok "what"; FAIL adds the formatted detail
 *   check_note("fmt", ...)           a "# ..." line
 *   check_args(argc, argv, usage)    the command line of a test without options
 *
 * Single-threaded: call the checks from the test's main thread (workers
 * record, main checks), so the lines never interleave.  The counters are
 * per translation unit: one test program is one file with its checks. */
#ifndef CHECK_H
#define CHECK_H
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "kit.h"

static unsigned check_total_, check_failed_;

__attribute__((format(printf, 5, 0))) static inline int
check_report_(int pass, const char *file, int line, const char *detail, const char *fmt, va_list ap)
{
    check_total_++;
    fputs(pass ? "ok " : "FAIL ", stdout);
    vprintf(fmt, ap);
    if (!pass) {
        check_failed_++;
        printf(": %s:%d: %s", file, line, detail);
    }
    putchar('\n');
    fflush(stdout);   /* a crash after this check must not lose the line */
    return pass;
}

__attribute__((format(printf, 5, 6))) static inline int
check_at_(int pass, const char *file, int line, const char *detail, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    check_report_(pass, file, line, detail, fmt, ap);
    va_end(ap);
    return pass;
}

/* CHECK(cond, fmt, ...): one check; returns cond (0 or 1). */
#define CHECK(cond, ...) check_at_(!!(cond), __FILE__, __LINE__, "failed: " #cond, __VA_ARGS__)

__attribute__((format(printf, 5, 6))) static inline int
check_that_at_(int pass, const char *file, int line, const char *what, const char *fmt, ...)
{
    char d[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d, sizeof d, fmt, ap);
    va_end(ap);
    return check_at_(pass, file, line, d, "%s", what);
}
/* CHECK_THAT(cond, what, detail_fmt, ...): for checks whose failure needs the
 * values that made it fail; returns cond (0 or 1). */
#define CHECK_THAT(cond, what, ...) check_that_at_(!!(cond), __FILE__, __LINE__, what, __VA_ARGS__)

#define CHECK_EQ_U64(got, want, ...)                                                         \
    __extension__({                                                                          \
        uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                                \
        char d_[96];                                                                         \
        snprintf(d_, sizeof d_, "got %" PRIu64 ", want %" PRIu64, g_, w_);                   \
        check_at_(g_ == w_, __FILE__, __LINE__, d_, __VA_ARGS__);                            \
    })
#define CHECK_EQ_I64(got, want, ...)                                                         \
    __extension__({                                                                          \
        int64_t g_ = (int64_t)(got), w_ = (int64_t)(want);                                   \
        char d_[96];                                                                         \
        snprintf(d_, sizeof d_, "got %" PRId64 ", want %" PRId64, g_, w_);                   \
        check_at_(g_ == w_, __FILE__, __LINE__, d_, __VA_ARGS__);                            \
    })
#define CHECK_EQ_STR(got, want, ...)                                                         \
    __extension__({                                                                          \
        const char *g_ = (got), *w_ = (want);                                                \
        char d_[256];                                                                        \
        snprintf(d_, sizeof d_, "got \"%.100s\", want \"%.100s\"", g_ ? g_ : "(null)", w_);  \
        check_at_(g_ != NULL && strcmp(g_, w_) == 0, __FILE__, __LINE__, d_, __VA_ARGS__);   \
    })

/* check_note(fmt, ...): a diagnostic "# ..." line (a seed, a count, a hint). */
__attribute__((format(printf, 1, 2))) static inline void check_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
}

/* check_args(argc, argv, usage): the whole command line of a test program
 * that takes no options: --help prints usage (on stdout) and exits 0; any
 * other option or an operand gets one line on stderr and exit 2. */
static inline void check_args(int argc, char **argv, const char *usage)
{
    static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c != 'h')
            kit_bad_option(argc, argv);
        fputs(usage, stdout);
        exit(0);
    }
    kit_no_operands(argc, argv);
}

/* check_failed(): how many checks have failed so far (to skip dependent ones). */
static inline unsigned check_failed(void) { return check_failed_; }

/* check_done(): the closing line; the program's exit status (0 all passed, 1 not). */
static inline int check_done(void)
{
    printf("# %u checks, %u failed\n", check_total_, check_failed_);
    fflush(stdout);
    return check_failed_ ? 1 : 0;
}
#endif
