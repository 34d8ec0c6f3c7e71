/* ring_chan - the book's data_race03 (ch. 4.7): the same writer/reader
 * pipeline over a bounded MPSC channel of capacity 10 (chan.c: one mutex, two
 * condition variables), C's stand-in for Rust's sync_channel.
 *
 * The writer sends 0, 1, 2, ... until send fails because the receiver is
 * gone; the reader receives --reads values, checks their order, and drops the
 * receiver, which is what ends the writer.  Expect about 2 x reads / capacity
 * context switches: each side sleeps once per fill or drain of the channel. */
#include "chan.h"
#include "ring_args.h"

static uint32_t read_limit;

static void *writer(void *arg)
{
    struct chan *c = arg;
    uint32_t cur = 0;
    while (chan_send(c, &cur) == CHAN_OK)
        cur++;
    chan_sender_drop(c);
    return NULL;
}

static void *reader(void *arg)
{
    struct chan *c = arg;
    uint32_t cur = 0, num;
    while (cur < read_limit) {
        if (chan_recv(c, &num) != CHAN_OK) {
            fprintf(stderr, "thread '<unnamed>' panicked at 'called `Result::unwrap()` on an `Err` value: RecvError'\n");
            chan_receiver_drop(c);
            return (void *)1;
        }
        if (num != cur) {
            ring_panic_eq(num, cur, __FILE__, __LINE__);
            chan_receiver_drop(c);
            return (void *)1;
        }
        cur++;
    }
    chan_receiver_drop(c);
    return NULL;
}

int main(int argc, char **argv)
{
    struct ring_args a = { .capacity = 10, .reads = 1000000, .seconds = 0 };
    ring_args_parse(argc, argv, &a,
        "usage: ring_chan [--capacity N] [--reads N] [--seconds S]\n"
        "The book's data_race03 (ch. 4.7): the ring replaced by a bounded channel\n"
        "(sync_channel) built from a mutex and two condition variables (chan.c).\n"
        "  --capacity N   channel capacity (default %llu)\n"
        "  --reads N      values the reader takes, checked in order (default %llu)\n"
        "  --seconds S    watchdog limit, 0 = none (default %llu)\n"
        "Prints the result and METRIC lines (elapsed_s, reads_per_s).\n", NULL);
    read_limit = (uint32_t)a.reads;
    struct chan *c = chan_new(sizeof(uint32_t), a.capacity);
    KIT_CHECK(c != NULL);
    if (a.seconds)
        kit_watchdog((unsigned)a.seconds, "ring_chan");

    uint64_t t0 = kit_now_ns();
    pthread_t rd, wr;
    kit_thread_create(&rd, reader, c);
    kit_thread_create(&wr, writer, c);
    void *bad = kit_thread_join(rd);
    kit_thread_join(wr);
    if (bad) {
        ring_main_panic();
    }
    char detail[48];
    snprintf(detail, sizeof detail, "channel capacity %llu", (unsigned long long)a.capacity);
    ring_report("ring_chan", read_limit, detail, t0);
    return 0;
}
