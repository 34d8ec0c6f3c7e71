/* barrier_leader - the barrier of ch. 5, section 2.4, made checkable: N threads
 * meet at a pthread_barrier_t for R rounds.  Each round exactly one thread is
 * told it is the leader (PTHREAD_BARRIER_SERIAL_THREAD, Rust's is_leader), and
 * no thread leaves round r before every thread has arrived at it.  Prints the
 * leader of each round (--verbose) and a summary; exit 1 if either rule broke. */
#include "kit.h"
#include <stdatomic.h>

static pthread_barrier_t barrier;
static pthread_barrier_t start; /* workers + main: the clock starts when all are created */
static uint64_t threads = 4, rounds = 1000;
static atomic_uint *arrived;  /* arrived[r]: threads that reached round r */
static atomic_uint *leaders;  /* leaders[r]: threads told they lead round r */
static atomic_uint early;     /* threads that left a round before all arrived */
static int *leader_of;

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    kit_barrier_wait(&start);
    for (uint64_t r = 0; r < rounds; r++) {
        /* seq_cst is plenty; the barrier itself orders these for the checks */
        atomic_fetch_add(&arrived[r], 1);
        if (kit_barrier_wait(&barrier)) {
            atomic_fetch_add(&leaders[r], 1);
            leader_of[r] = id;
        }
        if (atomic_load(&arrived[r]) != threads)
            atomic_fetch_add(&early, 1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "threads", required_argument, NULL, 't' },
                                          { "rounds", required_argument, NULL, 'r' },
                                          { "verbose", no_argument, NULL, 'v' },
                                          { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int c, verbose = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': threads = kit_arg_u64("threads", optarg, 1, 256); break;
        case 'r': rounds = kit_arg_u64("rounds", optarg, 1, 10000000); break;
        case 'v': verbose = 1; break;
        case 'h':
            printf("usage: barrier_leader [--threads N] [--rounds R] [--verbose]\n"
                   "N threads (default %llu) meet at a pthread barrier R times (default %llu). Checks that\n"
                   "each round has exactly one leader and nobody leaves before all arrive.\n",
                   (unsigned long long)threads, (unsigned long long)rounds);
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    arrived = calloc(rounds, sizeof *arrived);
    leaders = calloc(rounds, sizeof *leaders);
    leader_of = calloc(rounds, sizeof *leader_of);
    KIT_CHECK(arrived && leaders && leader_of);
    kit_barrier_init(&barrier, (unsigned)threads);
    pthread_t *t = calloc(threads, sizeof *t);
    KIT_CHECK(t != NULL);
    kit_barrier_init(&start, (unsigned)threads + 1);
    for (uint64_t i = 0; i < threads; i++)
        kit_thread_create(&t[i], worker, (void *)(intptr_t)i);
    /* Thread creation is not timed: no worker runs its rounds before all exist. */
    kit_barrier_wait(&start);
    uint64_t t0 = kit_now_ns();
    for (uint64_t i = 0; i < threads; i++)
        kit_thread_join(t[i]);
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    uint64_t bad = 0, *led = calloc(threads, sizeof *led);
    KIT_CHECK(led != NULL);
    for (uint64_t r = 0; r < rounds; r++) {
        if (atomic_load(&leaders[r]) != 1)
            bad++;
        else
            led[leader_of[r]]++;
        if (verbose)
            printf("round %" PRIu64 ": leader thread %d\n", r, leader_of[r]);
    }
    printf("%" PRIu64 " threads x %" PRIu64 " rounds: rounds with exactly one leader %" PRIu64 ", "
           "early departures %u\nrounds led per thread:", threads, rounds, rounds - bad, atomic_load(&early));
    for (uint64_t i = 0; i < threads; i++)
        printf(" %" PRIu64, led[i]);
    printf("\n");
    kit_metric("rounds_per_s", (double)rounds / secs, "1/s");
    kit_barrier_destroy(&barrier);
    kit_barrier_destroy(&start);
    int ok = bad == 0 && atomic_load(&early) == 0;
    free(t); free(led); free(arrived); free(leaders); free(leader_of);
    return ok ? 0 : 1;
}
