/* hopper_loop_stress.c - the book's repeat-loop tests (ch. 5, section
 * 2.10.4), a stress by repetition: the same small threaded scenario run again
 * and again, 1 ms apart, hunting the rare schedule that breaks it:
 *   single: single_sender_single_rcv_round_trip(8 B memory = 1 slot, 8 B disk
 *           (-> 1 MiB files), 5 files, 10 values), in order, x 2,501
 *   multi:  multi_thread_concurrent_snd_and_rcv_round_trip(10 senders, 50 B
 *           memory = 6 slots, 10 B disk, 100 files, values 0..9), x 2,501
 * The book keeps 2,501 for CI and raises it in development: --iters N or
 * HOPPER_LOOP_ITERS=N.  Each run has its own queue directory and must finish
 * (a hang is caught by the round trip's 10 s receive timeout).  The book's
 * structure is kept (a fresh channel and threads per run, so not
 * common/stress.h's long-running workers); the invariant, checked after each
 * run's join, is hq_round_trip's: every value once, in order where the
 * variant promises order.  Exit 1 if any run failed. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hopper.h"
#include "kit.h"
#include "roundtrip.h"
#include "tmpdir.h"

static char tmp[1024];

/* One variant, iters times; returns the number of failed runs. */
static uint64_t loop(const char *name, uint64_t iters, uint64_t sleep_ms, uint64_t senders, uint64_t mem,
                     uint64_t disk, uint64_t files)
{
    uint64_t vals[10], failed = 0, t0 = kit_now_ns();
    char why[256], qname[64];
    for (int i = 0; i < 10; i++)
        vals[i] = (uint64_t)i;
    for (uint64_t it = 0; it < iters; it++) {
        struct hopper *h;
        struct hopper_config cfg = { 8, mem, disk, files, 0 };
        snprintf(qname, sizeof qname, "%s%" PRIu64, name, it);
        int e = hopper_open(&h, tmp, qname, &cfg);
        if (e != 0) {
            /* the book's tests pass over channel setup errors (fd exhaustion);
             * here they count as failures: nothing else runs in parallel */
            printf("hopper_loop_stress %s: run %" PRIu64 ": hopper_open: %s\n", name, it, strerror(e));
            failed++;
            continue;
        }
        if (hq_round_trip(h, senders, vals, 10, senders == 1, why, sizeof why) != 0) {
            if (failed < 5)
                printf("hopper_loop_stress %s: run %" PRIu64 " FAILED: %s\n", name, it, why);
            failed++;
        }
        hopper_close(h, 1);
        if (sleep_ms)
            kit_sleep_ms(sleep_ms);
    }
    printf("hopper_loop_stress %s: %" PRIu64 " runs, %" PRIu64 " failed (%.1f s)\n", name, iters, failed,
           (double)(kit_now_ns() - t0) / 1e9);
    fflush(stdout);
    return failed;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "iters", required_argument, 0, 'n' }, { "sleep-ms", required_argument, 0, 's' },
        { "only", required_argument, 0, 'o' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    uint64_t iters = 2501, sleep_ms = 1;
    const char *only = NULL, *env = getenv("HOPPER_LOOP_ITERS");
    int c;
    if (env && *env)
        iters = kit_arg_u64("iters (HOPPER_LOOP_ITERS)", env, 1, UINT64_MAX / 2);
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': iters = kit_arg_u64("iters", optarg, 1, UINT64_MAX / 2); break;
        case 's': sleep_ms = kit_arg_u64("sleep-ms", optarg, 0, 1000); break;
        case 'o':
            if (strcmp(optarg, "single") && strcmp(optarg, "multi"))
                kit_usage_error("--only: expected 'single' or 'multi', got '%s'", optarg);
            only = optarg;
            break;
        case 'h':
            printf("usage: %s [--iters N] [--sleep-ms MS] [--only single|multi]\n"
                   "The book's repeat-loop tests (ch. 5, 2.10.4): the same hopper round trip again and\n"
                   "again, looking for the rare failing schedule.\n"
                   "  single: 1 sender, 8 B memory, 8 B disk, 5 files, values 0..9, in order\n"
                   "  multi:  10 senders, 50 B memory, 10 B disk, 100 files, values 0..9, none lost\n"
                   "  --iters N     runs of each (default 2501, the book's; HOPPER_LOOP_ITERS=N too)\n"
                   "  --sleep-ms MS pause between runs (default 1, the book's)\n",
                   program_invocation_short_name);
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    hq_tmpdir_create(tmp, sizeof tmp, 1);
    uint64_t failed = 0;
    if (!only || strcmp(only, "single") == 0)
        failed += loop("single", iters, sleep_ms, 1, 8, 8, 5);
    if (!only || strcmp(only, "multi") == 0)
        failed += loop("multi", iters, sleep_ms, 10, 50, 10, 100);
    return failed ? 1 : 0;
}
