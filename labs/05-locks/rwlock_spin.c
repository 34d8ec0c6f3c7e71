/* rwlock_spin - the book's rwlock_example00 (ch. 5, section 2.1): how much work
 * readers waste polling a read/write lock with try_read while a writer hammers it.
 *
 * Five reader threads loop on pthread_rwlock_tryrdlock until each has seen the
 * value 0 a hundred times, counting failures (EBUSY) and successes.  The main
 * thread is the writer: it takes the write lock for every single increment of
 * a u16 and stops after it has wrapped 100 times (100 x 65,536 = 6,553,600
 * writes).  Prints each reader's (failures, successes) in spawn order.
 * A reader that ran before the writer started prints (0, 100); one scheduled
 * just after it can spin millions of times. */
#include "kit.h"

#define READERS 5

static pthread_rwlock_t lock;
static uint16_t value;

struct tally { uint64_t failure, success; };

static void *reader(void *arg)
{
    struct tally *t = arg;
    unsigned zeros = 0;
    while (zeros < 100) {
        int rc = pthread_rwlock_tryrdlock(&lock);
        if (rc == EBUSY) {
            t->failure++;
            continue;
        }
        KIT_PT(rc);
        t->success++;
        if (value == 0)
            zeros++;
        KIT_PT(pthread_rwlock_unlock(&lock));
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "prefer-writer", no_argument, NULL, 'w' },
                                          { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int prefer_writer = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'w') {
            prefer_writer = 1;
        } else if (c == 'h') {
            puts("usage: rwlock_spin [--prefer-writer]\n"
                 "The book's rwlock_example00 (ch. 5): 5 readers poll a pthread rwlock with tryrdlock\n"
                 "until each has read 0 a hundred times, while main write-locks it for each of\n"
                 "6,553,600 u16 increments. Prints each reader's (failures, successes).\n"
                 "  --prefer-writer   glibc's writer-preferring rwlock (default: glibc's reader preference)");
            return 0;
        } else {
            kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);

    pthread_rwlockattr_t attr;
    KIT_PT(pthread_rwlockattr_init(&attr));
    if (prefer_writer)
        KIT_PT(pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP));
    KIT_PT(pthread_rwlock_init(&lock, &attr));
    KIT_PT(pthread_rwlockattr_destroy(&attr));

    pthread_t t[READERS];
    struct tally tally[READERS] = { { 0, 0 } };
    for (int i = 0; i < READERS; i++)
        kit_thread_create(&t[i], reader, &tally[i]);
    unsigned loops = 0;
    while (loops < 100) {
        KIT_PT(pthread_rwlock_wrlock(&lock));
        value = (uint16_t)(value + 1);
        if (value == 0)
            loops++;
        KIT_PT(pthread_rwlock_unlock(&lock));
    }
    uint64_t fails = 0;
    for (int i = 0; i < READERS; i++) {
        kit_thread_join(t[i]);
        printf("(%" PRIu64 ", %" PRIu64 ")\n", tally[i].failure, tally[i].success);
        fails += tally[i].failure;
    }
    KIT_PT(pthread_rwlock_destroy(&lock));
    kit_metric("reader_failures", (double)fails, "count"); /* failed tryrdlock calls, all readers */
    return 0;
}
