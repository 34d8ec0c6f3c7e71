/* condvar_flag - the book's condvar_example01 (ch. 5, section 2.3): a
 * "data available" flag under one mutex and one condition variable, signalled
 * in one direction only.
 *
 * A detached writer loops forever: lock, value += 1 (u16), avail = true,
 * broadcast, unlock.  Five readers loop: lock, wait while !avail, consume the
 * flag (avail = false), count the wake, count a zero when value == 0, unlock,
 * until each has seen 100 zeros.  Nothing tells the writer a value was read,
 * so it races ahead: a reader sees 0 only if it happens to wake while the
 * value is exactly 0, and most zeros pass unseen.  The book's fix is
 * condvar_pingpong.  The book's version runs until done, which can take
 * minutes; --seconds caps it (default 5).  Deviation: the book orphans the
 * writer; here main stops and joins it once the readers are done, so the
 * writer never dies holding the mutex and helgrind's verdict is 0 errors.
 * Prints each reader's total_wakes (and zeros seen, if it was cut short). */
#include "kit.h"

#define READERS 5

static struct {
    pthread_mutex_t lk;
    pthread_cond_t cv;
    int avail, stop;
    uint16_t value;
} sh = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };

static uint64_t deadline_ns;

static void *writer(void *arg)
{
    (void)arg;
    for (;;) {
        kit_mutex_lock(&sh.lk);
        if (sh.stop) {
            kit_mutex_unlock(&sh.lk);
            return NULL;
        }
        sh.value = (uint16_t)(sh.value + 1);
        sh.avail = 1;
        kit_cond_broadcast(&sh.cv);
        kit_mutex_unlock(&sh.lk);
    }
    return NULL;
}

struct tally { uint64_t wakes, zeros; };

static void *reader(void *arg)
{
    struct tally *t = arg;
    while (t->zeros < 100 && kit_now_ns() < deadline_ns) {
        kit_mutex_lock(&sh.lk);
        while (!sh.avail)
            kit_cond_wait(&sh.cv, &sh.lk);
        sh.avail = 0;
        t->wakes++;
        if (sh.value == 0)
            t->zeros++;
        kit_mutex_unlock(&sh.lk);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "seconds", required_argument, NULL, 's' },
                                          { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    uint64_t seconds = 5;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 's') {
            seconds = kit_arg_u64("seconds", optarg, 1, 3600);
        } else if (c == 'h') {
            printf("usage: condvar_flag [--seconds S]\n"
                   "The book's condvar_example01 (ch. 5): a writer bumps a u16 and broadcasts 'avail';\n"
                   "5 readers consume the flag until each has seen 100 zeros, or --seconds (default %llu)\n"
                   "pass. Prints each reader's total_wakes. Compare condvar_pingpong, the book's fix.\n",
                   (unsigned long long)seconds);
            return 0;
        } else {
            kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    deadline_ns = kit_now_ns() + seconds * 1000000000u;

    pthread_t r[READERS], w;
    struct tally t[READERS] = { { 0, 0 } };
    for (int i = 0; i < READERS; i++)
        kit_thread_create(&r[i], reader, &t[i]);
    kit_thread_create(&w, writer, NULL);
    uint64_t wakes = 0;
    for (int i = 0; i < READERS; i++) {
        kit_thread_join(r[i]);
        if (t[i].zeros >= 100)
            printf("%" PRIu64 "\n", t[i].wakes);
        else
            printf("%" PRIu64 " (cut at %llu s after %" PRIu64 " zeros)\n", t[i].wakes,
                   (unsigned long long)seconds, t[i].zeros);
        wakes += t[i].wakes;
    }
    kit_mutex_lock(&sh.lk);
    sh.stop = 1;
    kit_mutex_unlock(&sh.lk);
    kit_thread_join(w);
    kit_metric("reader_wakes", (double)wakes, "count"); /* wakes, all readers */
    return 0;
}
