/* count_args.h - the command line of rc_race and arc_count:
 * --threads T, --iters N, --help (and rc_race's --replay). */
#ifndef COUNT_ARGS_H
#define COUNT_ARGS_H
#include "kit.h"

struct count_args { uint64_t threads, iters; int replay; };

static inline void count_args_parse(int argc, char **argv, struct count_args *a,
                                    const char *usage, int allow_replay)
{
    static const struct option opts[] = {
        { "threads", required_argument, NULL, 't' },
        { "iters", required_argument, NULL, 'n' },
        { "replay", no_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': a->threads = kit_arg_u64("threads", optarg, 1, 64); break;
        case 'n': a->iters = kit_arg_u64("iters", optarg, 0, 1000000000); break;
        case 'r':
            if (!allow_replay)
                kit_bad_option(argc, argv);
            a->replay = 1;
            break;
        case 'h':
            printf(usage, (unsigned long long)a->threads, (unsigned long long)a->iters);
            exit(0);
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
}
#endif
