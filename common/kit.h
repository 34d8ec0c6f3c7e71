/* kit.h - the tiny header every program of the kit includes.
 *
 * Error handling that survives -DNDEBUG, checked pthread wrappers, a monotonic
 * clock, the deterministic PRNGs the book's programs depend on, cache-line
 * helpers, a CPU-relax hint, strict argument parsing and the METRIC line that
 * scripts/measure.sh collects.  Header-only: everything is static inline.
 * Compile with -D_GNU_SOURCE (common/lab.mk does) for program_invocation_short_name.
 */
#ifndef KIT_H
#define KIT_H

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- errors --------------------------------------------------------------- */

/* Print "prog: file:line: message" (plus strerror(err) when err != 0) to stderr
 * and abort().  For failures that are bugs or resource exhaustion, not bad input. */
static inline void kit_die_at(const char *file, int line, int err, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));
static inline void kit_die_at(const char *file, int line, int err, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: %s:%d: ", program_invocation_short_name, file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (err)
        fprintf(stderr, ": %s (%d)", strerror(err), err);
    fputc('\n', stderr);
    abort();
}

/* kit_die("fmt", ...): abort with file:line and strerror(errno) when errno is set. */
#define kit_die(...) kit_die_at(__FILE__, __LINE__, errno, __VA_ARGS__)

/* KIT_CHECK(expr): evaluate expr always (unlike assert) and abort if it is false. */
#define KIT_CHECK(expr)                                                        \
    do {                                                                       \
        if (!(expr))                                                           \
            kit_die_at(__FILE__, __LINE__, errno, "check failed: %s", #expr); \
    } while (0)

/* KIT_PT(call): run a pthread call; a non-zero return aborts naming the call
 * and its error code (pthread calls return the error, they do not set errno). */
#define KIT_PT(call)                                                           \
    do {                                                                       \
        int kit_rc_ = (call);                                                  \
        if (kit_rc_ != 0)                                                      \
            kit_die_at(__FILE__, __LINE__, kit_rc_, "%s", #call);              \
    } while (0)

/* Bad command-line input: one line on stderr, exit status 2 (CONTRIBUTING.md). */
static inline void kit_usage_error(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
static inline void kit_usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", program_invocation_short_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (try --help)\n", stderr);
    exit(2);
}

/* ---- checked pthread wrappers ---------------------------------------------- */

static inline void kit_thread_create(pthread_t *t, void *(*fn)(void *), void *arg)
{ KIT_PT(pthread_create(t, NULL, fn, arg)); }
static inline void *kit_thread_join(pthread_t t)
{ void *ret; KIT_PT(pthread_join(t, &ret)); return ret; }
static inline void kit_mutex_init(pthread_mutex_t *m) { KIT_PT(pthread_mutex_init(m, NULL)); }
static inline void kit_mutex_destroy(pthread_mutex_t *m) { KIT_PT(pthread_mutex_destroy(m)); }
static inline void kit_mutex_lock(pthread_mutex_t *m) { KIT_PT(pthread_mutex_lock(m)); }
static inline void kit_mutex_unlock(pthread_mutex_t *m) { KIT_PT(pthread_mutex_unlock(m)); }
static inline void kit_cond_init(pthread_cond_t *c) { KIT_PT(pthread_cond_init(c, NULL)); }
static inline void kit_cond_destroy(pthread_cond_t *c) { KIT_PT(pthread_cond_destroy(c)); }
static inline void kit_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { KIT_PT(pthread_cond_wait(c, m)); }
static inline void kit_cond_signal(pthread_cond_t *c) { KIT_PT(pthread_cond_signal(c)); }
static inline void kit_cond_broadcast(pthread_cond_t *c) { KIT_PT(pthread_cond_broadcast(c)); }
static inline void kit_barrier_init(pthread_barrier_t *b, unsigned n) { KIT_PT(pthread_barrier_init(b, NULL, n)); }
static inline void kit_barrier_destroy(pthread_barrier_t *b) { KIT_PT(pthread_barrier_destroy(b)); }
/* Returns 1 in exactly one thread per round (the "leader"), 0 in the others. */
static inline int kit_barrier_wait(pthread_barrier_t *b)
{
    int rc = pthread_barrier_wait(b);
    if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
        return 1;
    KIT_PT(rc);
    return 0;
}

/* ---- time ----------------------------------------------------------------- */

/* Nanoseconds on CLOCK_MONOTONIC (never jumps; the origin is arbitrary). */
static inline uint64_t kit_now_ns(void)
{
    struct timespec ts;
    KIT_CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleep at least ns nanoseconds, resuming after signal interruptions. */
static inline void kit_sleep_ns(uint64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
static inline void kit_sleep_ms(uint64_t ms) { kit_sleep_ns(ms * 1000000u); }

/* kit_watchdog(seconds, what): start a detached thread that, if the process is
 * still running after `seconds`, prints "prog: watchdog: <what> still running
 * after N s: hung" on stderr and _exit(124)s (124 = timeout(1)'s "timed out").
 * For the broken-on-purpose programs that can hang, so every program ends by itself. */
struct kit_watchdog_arg { unsigned seconds; const char *what; };
static inline void *kit_watchdog_main(void *p)
{
    struct kit_watchdog_arg *a = p;
    kit_sleep_ns((uint64_t)a->seconds * 1000000000u);
    fprintf(stderr, "%s: watchdog: %s still running after %u s: hung\n",
            program_invocation_short_name, a->what, a->seconds);
    _exit(124);
}
static inline void kit_watchdog(unsigned seconds, const char *what)
{
    static struct kit_watchdog_arg a;
    pthread_t t;
    pthread_attr_t attr;
    a.seconds = seconds;
    a.what = what;
    KIT_PT(pthread_attr_init(&attr));
    KIT_PT(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
    KIT_PT(pthread_create(&t, &attr, kit_watchdog_main, &a));
    KIT_PT(pthread_attr_destroy(&attr));
}

/* ---- deterministic PRNGs ---------------------------------------------------- */

/* Marsaglia's xorshift32 (13, 17, 5), as the book's rocket program (ch. 5) has it.
 * The state must not be 0.  Seed 2005 gives 531518120, 1788621557, ... */
static inline uint32_t kit_xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* Marsaglia's xorshift128, bit-exact with Rust rand 0.4's XorShiftRng
 * (from_seed([x, y, z, w]), next_u32).  The book's hashmap runners (ch. 2) use
 * the seed [1981, 1986, 2003, 2011]; their printed counts depend on this.
 * rand 0.4 derives gen::<u16>/<u8> by truncating next_u32, gen::<bool> as its low bit. */
struct kit_xorshift128 { uint32_t x, y, z, w; };

static inline struct kit_xorshift128 kit_xorshift128_seed(uint32_t x, uint32_t y, uint32_t z, uint32_t w)
{
    struct kit_xorshift128 r = { x, y, z, w };
    return r;
}

static inline uint32_t kit_xorshift128_next(struct kit_xorshift128 *r)
{
    uint32_t t = r->x ^ (r->x << 11);
    r->x = r->y;
    r->y = r->z;
    r->z = r->w;
    r->w = r->w ^ (r->w >> 19) ^ (t ^ (t >> 8));
    return r->w;
}

/* splitmix64 (Steele, Lea, Flood 2014): a good 64-bit generator from any seed,
 * also used to expand one seed into the state of other generators. */
static inline uint64_t kit_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* ---- cache lines and spinning --------------------------------------------- */

/* 64 bytes on the x86 and ARM cores the kit targets.  Some cores prefetch line
 * pairs (128 B); lab 1's false_sharing program measures what matters here. */
#define KIT_CACHELINE 64
/* Put a variable or struct member on its own cache line. */
#define KIT_ALIGNED _Alignas(KIT_CACHELINE)

/* Hint to the CPU that this is a spin-wait loop: PAUSE on x86 (saves power and
 * avoids a memory-order pipeline flush on exit), YIELD on ARM. */
static inline void kit_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

/* ---- argument parsing ------------------------------------------------------ */

/* Parse a decimal unsigned integer in [min, max].  Rejects empty strings, signs,
 * leading spaces, trailing garbage, and overflow.  Returns 0 and stores *out on
 * success, -1 otherwise (errno untouched). */
static inline int kit_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (s == NULL || *s == '\0')
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Option value parser for getopt loops: returns the value or exits 2 with
 * "prog: --name: expected an integer in [min, max], got 'str'". */
static inline uint64_t kit_arg_u64(const char *name, const char *s, uint64_t min, uint64_t max)
{
    uint64_t v;
    if (kit_parse_u64(s, min, max, &v) != 0)
        kit_usage_error("--%s: expected an integer in [%" PRIu64 ", %" PRIu64 "], got '%s'",
                        name, min, max, s);
    return v;
}

/* The getopt_long convention of every program: set opterr = 0, hand getopt's
 * '?' return here (unknown option or missing value), and call kit_no_operands()
 * after the loop to reject leftovers.  Exits 2. */
static inline void kit_bad_option(int argc, char **argv)
{
    const char *bad = (optind > 0 && optind <= argc) ? argv[optind - 1] : "?";
    kit_usage_error("unknown option or missing value: '%s'", bad);
}
static inline void kit_no_operands(int argc, char **argv)
{
    if (optind < argc)
        kit_usage_error("unexpected argument '%s'", argv[optind]);
}

/* ---- metrics --------------------------------------------------------------- */

/* The units a METRIC line may carry (CONTRIBUTING.md, "METRIC lines"): time,
 * rate (anything per second), bandwidth, size, ratio (speedups, fairness),
 * percent, parts per million, plain counts, and the units perf's own figures
 * come in.  One name for each, so tables and plots line up across labs. */
#define KIT_UNITS "s ms us ns 1/s MiB/s B KiB MiB x % ppm count insn/cycle CPUs status"

/* Print the machine-readable line "METRIC <name> <value> <unit>" on stdout
 * (CONTRIBUTING.md), e.g. kit_metric("reads_per_s", 1.2e6, "1/s").  A unit
 * outside KIT_UNITS is a bug in the program: it aborts, so tests catch it. */
static inline void kit_metric(const char *name, double value, const char *unit)
{
    const char *u = KIT_UNITS, *e;
    size_t n = strlen(unit);
    for (; *u; u = *e ? e + 1 : e) {
        e = strchr(u, ' ');
        if (!e)
            e = u + strlen(u);
        if ((size_t)(e - u) == n && strncmp(u, unit, n) == 0)
            break;
    }
    if (n == 0 || !*u) {
        fprintf(stderr, "kit_metric: unit '%s' of %s is not one of: %s\n", unit, name, KIT_UNITS);
        abort();
    }
    printf("METRIC %s %.10g %s\n", name, value, unit);
    fflush(stdout);
}

#endif /* KIT_H */
