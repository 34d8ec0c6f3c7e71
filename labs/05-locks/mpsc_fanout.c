/* mpsc_fanout - the book's writer_example01 (ch. 5, section 2.2): when every
 * reader must see every write, give each reader its own bounded channel.
 *
 * Five readers, each with a channel of capacity 64 (lab 4's chan.c, the C
 * sync_channel, reached through the Makefile's USES).  The writer sends u16
 * values 1, 2, ... 65535, 0, 1, ... to every channel and stops after the
 * 100th wrap; each reader stops at its 100th zero.  Deterministic: every
 * reader prints 6553600.  That is 33 million channel operations, most of a
 * minute on a small machine, so the default is 10 wraps (655360 each) and
 * --book restores the book's 100. */
#include "chan.h"
#include "kit.h"

#define READERS 5

static unsigned wraps = 10;

static void *reader(void *arg)
{
    struct chan *c = arg;
    uint16_t v;
    uint64_t seen = 0;
    unsigned zeros = 0;
    while (chan_recv(c, &v) == CHAN_OK) {
        seen++;
        if (v == 0 && ++zeros >= wraps)
            break;
    }
    chan_receiver_drop(c);
    return (void *)(uintptr_t)seen;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "capacity", required_argument, NULL, 'c' },
                                          { "wraps", required_argument, NULL, 'w' },
                                          { "book", no_argument, NULL, 'b' },
                                          { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    uint64_t cap = 64;
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (o == 'c') {
            cap = kit_arg_u64("capacity", optarg, 1, 1u << 20);
        } else if (o == 'w') {
            wraps = (unsigned)kit_arg_u64("wraps", optarg, 1, 10000);
        } else if (o == 'b') {
            wraps = 100;
        } else if (o == 'h') {
            puts("usage: mpsc_fanout [--capacity N] [--wraps W | --book]\n"
                 "The book's writer_example01 (ch. 5): one bounded channel per reader (default capacity\n"
                 "64, lab 4's chan.c); the writer sends W wraps of a u16 (65,536 values each) to all 5\n"
                 "readers; each counts what it saw up to its W-th zero and prints W x 65536.\n"
                 "  --wraps W   default 10 (655360 each); --book: the book's 100 (6553600 each)");
            return 0;
        } else {
            kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    struct chan *c[READERS];
    pthread_t t[READERS];
    for (int i = 0; i < READERS; i++) {
        KIT_CHECK((c[i] = chan_new(sizeof(uint16_t), cap)) != NULL);
        kit_thread_create(&t[i], reader, c[i]);
    }
    uint64_t t0 = kit_now_ns();
    uint16_t cur = 0;
    unsigned loops = 0;
    while (loops < wraps) {
        cur = (uint16_t)(cur + 1);
        for (int i = 0; i < READERS; i++)
            KIT_CHECK(chan_send(c[i], &cur) == CHAN_OK); /* the book panics on a send error */
        if (cur == 0)
            loops++;
    }
    for (int i = 0; i < READERS; i++)
        chan_sender_drop(c[i]);
    for (int i = 0; i < READERS; i++)
        printf("%" PRIuPTR "\n", (uintptr_t)kit_thread_join(t[i]));
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    kit_metric("elapsed_s", secs, "s");
    kit_metric("sends_per_s", 5.0 * 65536 * wraps / secs, "1/s");
    return 0;
}
