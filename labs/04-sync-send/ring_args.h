/* ring_args.h - the command line the four ring programs share:
 * --capacity N, --reads N, --seconds S (watchdog), --help, plus one optional
 * program-specific flag.  Bad values exit 2 (kit_arg_u64). */
#ifndef RING_ARGS_H
#define RING_ARGS_H
#include "kit.h"

struct ring_args {
    uint64_t capacity;  /* slots in the ring (book: 10) */
    uint64_t reads;     /* values the reader takes before it stops */
    uint64_t seconds;   /* watchdog: give up as hung after this long (0 = none) */
    int flag;           /* the program's extra flag (extra_flag), if given */
};

/* Parse argv into *a (which holds the defaults on entry).  usage is printed
 * for --help; extra_flag names an optional "--name" switch or is NULL. */
static inline void ring_args_parse(int argc, char **argv, struct ring_args *a,
                                   const char *usage, const char *extra_flag)
{
    struct option opts[] = {
        { "capacity", required_argument, NULL, 'c' },
        { "reads", required_argument, NULL, 'n' },
        { "seconds", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { extra_flag ? extra_flag : "help", no_argument, NULL, extra_flag ? 'x' : 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->capacity = kit_arg_u64("capacity", optarg, 1, 1u << 20); break;
        case 'n': a->reads = kit_arg_u64("reads", optarg, 0, UINT32_MAX); break;
        case 's': a->seconds = kit_arg_u64("seconds", optarg, 0, 3600); break;
        case 'x': a->flag = 1; break;
        case 'h':
            printf(usage, (unsigned long long)a->capacity, (unsigned long long)a->reads,
                   (unsigned long long)a->seconds);
            exit(0);
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
}

/* Rust prints this when a child thread's assert_eq! fails; the kit keeps the
 * book's format so its page and the terminal can be read side by side. */
static inline void ring_panic_eq(uint64_t left, uint64_t right, const char *file, int line)
{
    fprintf(stderr, "thread '<unnamed>' panicked at 'assertion failed: `(left == right)`\n"
                    "  left: `%llu`,\n right: `%llu`', %s:%d\n",
            (unsigned long long)left, (unsigned long long)right, file, line);
}
/* main's side of Rust's join().unwrap() on a thread that panicked: one more
 * "panicked" line, and Rust's exit status for a panic, 101. */
static inline void ring_main_panic(void) __attribute__((noreturn));
static inline void ring_main_panic(void)
{
    fprintf(stderr, "thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Any'\n");
    exit(101);
}

/* The success line of the ring programs that are right ("PROG: read N values
 * in order (0..N-1), DETAIL") and their METRIC lines since t0_ns. */
static inline void ring_report(const char *prog, uint32_t reads, const char *detail, uint64_t t0_ns)
{
    double secs = (double)(kit_now_ns() - t0_ns) / 1e9;
    printf("%s: read %u values in order (0..%u), %s\n", prog, reads, reads ? reads - 1 : 0, detail);
    kit_metric("elapsed_s", secs, "s");
    if (secs > 0)
        kit_metric("reads_per_s", reads / secs, "1/s");
}
#endif
