/* condvar_pingpong - condvar_flag with the book's fix (ch. 5, section 2.3): a
 * second condition variable carries the signal back, so the writer waits
 * until its value has been consumed before writing the next one.
 *
 * The writer publishes --writes values (default 2 x 65,536: two wraps of a u16;
 * each is one hand-off and a few context switches, so the book's 100 zeros
 * per reader would take minutes); five readers each take whatever is
 * available.  Every write is consumed exactly once: the readers' wakes sum to
 * the writes, and the values they saw sum to the values written. */
#include "kit.h"

#define READERS 5

static struct {
    pthread_mutex_t lk;
    pthread_cond_t avail_cv, consumed_cv;
    int avail, done;
    uint16_t value;
} sh = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };

struct tally { uint64_t wakes, zeros, sum; };

static void *reader(void *arg)
{
    struct tally *t = arg;
    for (;;) {
        kit_mutex_lock(&sh.lk);
        while (!sh.avail && !sh.done)
            kit_cond_wait(&sh.avail_cv, &sh.lk);
        if (!sh.avail) { /* done and nothing left */
            kit_mutex_unlock(&sh.lk);
            return NULL;
        }
        sh.avail = 0;
        t->wakes++;
        t->sum += sh.value;
        if (sh.value == 0)
            t->zeros++;
        kit_cond_signal(&sh.consumed_cv); /* the reverse signal the book asks for */
        kit_mutex_unlock(&sh.lk);
    }
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "writes", required_argument, NULL, 'n' },
                                          { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    uint64_t writes = 2 * 65536;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'n') {
            writes = kit_arg_u64("writes", optarg, 0, 100000000);
        } else if (c == 'h') {
            printf("usage: condvar_pingpong [--writes N]\n"
                   "condvar_flag with the book's fix (ch. 5): a second condvar tells the writer its value\n"
                   "was consumed. N values (default %llu) are each read exactly once by one of 5 readers.\n"
                   "Prints each reader's wakes, then the totals.\n", (unsigned long long)writes);
            return 0;
        } else {
            kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);

    pthread_t r[READERS];
    struct tally t[READERS] = { { 0, 0, 0 } };
    for (int i = 0; i < READERS; i++)
        kit_thread_create(&r[i], reader, &t[i]);
    uint64_t t0 = kit_now_ns(), written_sum = 0;
    for (uint64_t i = 0; i < writes; i++) {
        kit_mutex_lock(&sh.lk);
        while (sh.avail)
            kit_cond_wait(&sh.consumed_cv, &sh.lk);
        sh.value = (uint16_t)(sh.value + 1);
        written_sum += sh.value;
        sh.avail = 1;
        kit_cond_signal(&sh.avail_cv);
        kit_mutex_unlock(&sh.lk);
    }
    kit_mutex_lock(&sh.lk);
    sh.done = 1;
    kit_cond_broadcast(&sh.avail_cv);
    kit_mutex_unlock(&sh.lk);
    uint64_t wakes = 0, sum = 0, zeros = 0;
    for (int i = 0; i < READERS; i++) {
        kit_thread_join(r[i]);
        printf("%" PRIu64 "\n", t[i].wakes);
        wakes += t[i].wakes;
        sum += t[i].sum;
        zeros += t[i].zeros;
    }
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    printf("writes %" PRIu64 ", consumed %" PRIu64 ", zeros seen %" PRIu64 " of %" PRIu64 ", value sums %s\n",
           writes, wakes, zeros, writes / 65536, sum == written_sum ? "match" : "DIFFER");
    kit_metric("handoffs_per_s", secs > 0 ? (double)writes / secs : 0, "1/s");
    return wakes == writes && sum == written_sum && zeros == writes / 65536 ? 0 : 1;
}
