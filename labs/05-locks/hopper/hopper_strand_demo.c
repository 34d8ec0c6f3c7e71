/* hopper_strand_demo.c - the lazy flip strands a value (book ch. 5, sections 2.9.6
 * and 2.10.3), and flush() delivers it.
 *
 * One memory slot, one sender, no other traffic.  A scripted schedule in one
 * thread, so the outcome is exact: send 0; then N-1 times "send the next value,
 * receive one" (the sender stays one value ahead).  When a send finds memory
 * full, the value goes to disk and is NOT announced (the lazy flip): only the
 * next send, or flush(), pushes the Disk(n) marker that tells the receiver.
 * With N = 11 the 11th value is such a write, and nothing follows it: without
 * flush the receiver gets 0..9 and waits for value 10 forever (here: 1 s).
 * --flush calls hopper_flush() after the last send, and all 11 arrive. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hopper.h"
#include "kit.h"
#include "tmpdir.h"

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "count", required_argument, 0, 'n' }, { "flush", no_argument, 0, 'f' },
        { "wait-ms", required_argument, 0, 'w' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    uint64_t count = 11, wait_ms = 1000;
    int c, do_flush = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': count = kit_arg_u64("count", optarg, 1, 10000000); break;
        case 'f': do_flush = 1; break;
        case 'w': wait_ms = kit_arg_u64("wait-ms", optarg, 0, 60000); break;
        case 'h':
            printf("usage: %s [--count N] [--flush] [--wait-ms MS]\n"
                   "Hopper's lazy flip (book ch. 5, 2.9.6 and 2.10.3): 1 memory slot, one sender that\n"
                   "stays one value ahead of the receiver.  A send that finds memory full writes to\n"
                   "disk without announcing it; with nothing sent after it, that value is stranded.\n"
                   "  --count N     values to send (default 11: the 11th is stranded)\n"
                   "  --flush       call hopper_flush() after the last send: nothing stranded\n"
                   "  --wait-ms MS  how long the receiver waits for the rest (default 1000)\n",
                   program_invocation_short_name);
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);

    char dir[1024];
    struct hopper *h;
    struct hopper_config cfg = { sizeof(uint64_t), 8, 8, 5, 0 };
    hq_tmpdir_create(dir, sizeof dir, 1);
    int e = hopper_open(&h, dir, "strand", &cfg);
    if (e != 0)
        kit_die("hopper_open: %s", strerror(e));

    uint64_t got = 0, v, bad = 0;
    int r;
    v = 0;
    KIT_CHECK(hopper_send(h, &v) == HQ_OK);
    for (uint64_t i = 1; i < count; i++) {
        v = i;
        KIT_CHECK(hopper_send(h, &v) == HQ_OK);
        r = hopper_recv(h, &v, (long)wait_ms);
        if (r != HQ_OK)
            break;
        bad += v != got;
        got++;
    }
    uint64_t unannounced = hopper_unannounced(h);
    printf("hopper_strand_demo: sent 0..%" PRIu64 " through 1 memory slot; after the last send %" PRIu64
           " value(s) are on disk but unannounced (the lazy flip)\n", count - 1, unannounced);
    if (do_flush) {
        r = hopper_flush(h);
        printf("hopper_strand_demo: flush: %s\n", hopper_status_name(r));
    }
    while ((r = hopper_recv(h, &v, (long)wait_ms)) == HQ_OK) {
        bad += v != got;
        got++;
    }
    if (bad) {
        printf("hopper_strand_demo: FAILED: %" PRIu64 " values out of order\n", bad);
        return 1;
    }
    if (got == count)
        printf("hopper_strand_demo: received all %" PRIu64 " values in order (0..%" PRIu64 ")\n", count, count - 1);
    else
        printf("hopper_strand_demo: received %" PRIu64 " of %" PRIu64 " values in order (0..%" PRIu64 "); "
               "receiver waited %" PRIu64 " ms for value %" PRIu64 ": STRANDED (call flush)\n",
               got, count, got ? got - 1 : 0, wait_ms, got);
    hopper_close(h, 1);
    return 0;
}
