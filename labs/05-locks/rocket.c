/* rocket - the rocket preparation problem (ch. 5, section 2.5), the book's
 * rewording of the cigarette smokers problem (Downey, The Little Book of
 * Semaphores, 4.5).
 *
 * A detached producer publishes one resource at random, forever: under one
 * mutex it clears all three flags, sets one (xorshift32 seeded 2005 picks
 * fuel, oxidizer or astronauts) and broadcasts that resource's condition
 * variable.  Three rockets, KSC, VAB and WSMR, each take fuel, then oxidizer,
 * then astronauts, waiting on the matching condvar; then all three and main
 * meet at a barrier, main counts down T-11, 10 .. 1 (one tick a line), and
 * all four meet at a second barrier before the LIFT OFF lines.
 * Deviation: the book's main returns with the producer still spinning, which
 * ends the producer while it may hold the mutex (helgrind: "Exiting thread
 * still holds 1 lock").  Here main tells the producer to stop (a flag under
 * the mutex) and joins it after lift-off, so helgrind's verdict is 0 errors.
 * --tick-ms (or ROCKET_TICK_MS) shortens the book's 1 s tick for tests.
 *
 * Twin: rocket_racy (Makefile: rocket_racy_FROM := rocket.c, -DROCKET_RACY) is
 * BROKEN ON PURPOSE: the producer clears and sets the resource flags *outside*
 * the mutex the rockets read and clear them under.  The book's "causality
 * gate" remark is about exactly this: with the write inside the lock, its
 * order against the broadcast does not matter; outside, it is a data race
 * (helgrind and ThreadSanitizer report it) and a rocket can miss or
 * double-take a resource.  Its --seconds watchdog bounds a hang.  The
 * differences are the #if ROCKET_RACY blocks below. */
#include "kit.h"

#ifndef ROCKET_RACY
#define ROCKET_RACY 0
#endif
#if ROCKET_RACY
#define PROG "rocket_racy"
#else
#define PROG "rocket"
#endif

enum { FUEL, OXIDIZER, ASTRONAUTS };
static const char *const res_name[] = { "FUEL", "OXIDIZER", "ASTRONAUTS" };

static struct {
    pthread_mutex_t lk;
    pthread_cond_t cv[3];
    int flag[3];
    int stop; /* main: the launch is over */
} res = { PTHREAD_MUTEX_INITIALIZER,
          { PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER }, { 0, 0, 0 }, 0 };

static pthread_barrier_t all_go, lift_off;

static void *producer(void *arg)
{
    (void)arg;
    uint32_t rng = 2005;
    for (;;) {
#if ROCKET_RACY
        /* BROKEN ON PURPOSE: the flags are written outside the mutex the rockets
         * read and clear them under - no happens-before with a rocket's access. */
        res.flag[FUEL] = res.flag[OXIDIZER] = res.flag[ASTRONAUTS] = 0;
        int r = (int)(kit_xorshift32(&rng) % 3);
        res.flag[r] = 1;
        kit_mutex_lock(&res.lk);
#else
        kit_mutex_lock(&res.lk);
        res.flag[FUEL] = res.flag[OXIDIZER] = res.flag[ASTRONAUTS] = 0; /* unconsumed: lost */
        int r = (int)(kit_xorshift32(&rng) % 3);
        res.flag[r] = 1; /* set before the broadcast, under the lock */
#endif
        if (res.stop) {
            kit_mutex_unlock(&res.lk);
            return NULL;
        }
        kit_cond_broadcast(&res.cv[r]);
        kit_mutex_unlock(&res.lk);
    }
    return NULL;
}

static void *rocket(void *arg)
{
    const char *name = arg;
    for (int r = FUEL; r <= ASTRONAUTS; r++) {
        kit_mutex_lock(&res.lk);
        while (!res.flag[r])
            kit_cond_wait(&res.cv[r], &res.lk);
        res.flag[r] = 0;
        printf("%-6s ACQUIRE %s\n", name, res_name[r]);
        kit_mutex_unlock(&res.lk);
    }
    kit_barrier_wait(&all_go);
    kit_barrier_wait(&lift_off);
    printf("%-6s LIFT OFF\n", name);
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "tick-ms", required_argument, NULL, 't' },
                                          { "seconds", required_argument, NULL, 's' },
                                          { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    uint64_t tick_ms = 1000, seconds = 0;
    const char *env = getenv("ROCKET_TICK_MS");
    if (env && *env)
        tick_ms = kit_arg_u64("tick-ms (ROCKET_TICK_MS)", env, 0, 60000);
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': tick_ms = kit_arg_u64("tick-ms", optarg, 0, 60000); break;
        case 's': seconds = kit_arg_u64("seconds", optarg, 0, 3600); break;
        case 'h':
            printf("usage: " PROG " [--tick-ms MS] [--seconds S]\n"
#if ROCKET_RACY
                   "BROKEN ON PURPOSE: rocket with the producer's flag written outside the mutex - a data\n"
                   "race helgrind and ThreadSanitizer report.\n"
#endif
                   "The rocket preparation problem (book ch. 5): a producer publishes fuel, oxidizer or\n"
                   "astronauts at random (xorshift32, seed 2005); rockets KSC, VAB and WSMR each acquire\n"
                   "them in that order; then a countdown T-11, 10..1 and LIFT OFF.\n"
                   "  --tick-ms MS   countdown tick (default %llu, the book's 1 s; env ROCKET_TICK_MS)\n"
                   "  --seconds S    watchdog: give up as hung after S seconds (default 0 = none)\n",
                   (unsigned long long)tick_ms);
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
#if ROCKET_RACY
    printf(PROG ": BROKEN ON PURPOSE: the producer writes the resource flag outside the mutex (a data race)\n");
#endif
    kit_barrier_init(&all_go, 4);
    kit_barrier_init(&lift_off, 4);
    static char *names[] = { "KSC", "VAB", "WSMR" };
    pthread_t r[3], p;
    for (int i = 0; i < 3; i++)
        kit_thread_create(&r[i], rocket, names[i]);
    kit_thread_create(&p, producer, NULL);
    if (seconds)
        kit_watchdog((unsigned)seconds, "the launch");

    kit_barrier_wait(&all_go);
    printf("T-11\n");
    for (int i = 0; i < 10; i++) {
        printf("%4d\n", 10 - i);
        kit_sleep_ms(tick_ms);
    }
    kit_barrier_wait(&lift_off);
    for (int i = 0; i < 3; i++)
        kit_thread_join(r[i]);
    /* The book stops here, the producer "still producing, drawing CPU and power". */
    kit_mutex_lock(&res.lk);
    res.stop = 1;
    kit_mutex_unlock(&res.lk);
    kit_thread_join(p);
    return 0;
}
