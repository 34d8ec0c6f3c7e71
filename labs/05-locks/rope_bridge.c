/* rope_bridge - the rope bridge problem (ch. 5, section 2.6), Downey's baboon
 * crossing (The Little Book of Semaphores, 6.3): a rope across a canyon holds
 * at most 5 baboons, and two going opposite ways must never be on it at once.
 *
 * The state is the book's sum type, EMPTY | LEFT(n) | RIGHT(n), under one
 * mutex.  Two threads stand for the two sides; each loop iteration locks and
 * makes one transition, exactly the book's:
 *   left side:  EMPTY -> RIGHT(1); RIGHT(i<5) -> RIGHT(i+1); LEFT(0) -> EMPTY; LEFT(i) -> LEFT(i-1)
 *   right side: EMPTY -> LEFT(1);  LEFT(i<5)  -> LEFT(i+1);  RIGHT(0) -> EMPTY; RIGHT(i) -> RIGHT(i-1)
 * (RIGHT(n): n baboons travelling left to right; the far side receives them.)
 * C cannot make a mixed state unrepresentable, so every transition checks
 * the invariants: n <= 5, and the direction changes only through EMPTY.
 * The book's program runs forever and prints nothing; this one runs for
 * --seconds or --iters and prints crossings each way, the maximum occupancy
 * and the longest run of crossings in one direction (a fairness measure).
 * --yield makes each side sched_yield() after unlocking. */
#include "kit.h"

enum dir { EMPTY, LEFT, RIGHT };
static const char *const dir_name[] = { "EMPTY", "LEFT", "RIGHT" };

static struct {
    pthread_mutex_t lk;
    enum dir dir;
    unsigned n;
    /* statistics, guarded by lk */
    uint64_t crossed[3];      /* arrivals travelling LEFT / RIGHT */
    unsigned max_n;
    uint64_t streak, longest, direction_changes;
    enum dir streak_dir;
    int violation;
} b = { .lk = PTHREAD_MUTEX_INITIALIZER };

static uint64_t iters, deadline_ns;
static int do_yield;

/* Apply one transition; checks the invariants.  Lock held. */
static void set_state(enum dir d, unsigned n)
{
    if (d != EMPTY && b.dir != EMPTY && d != b.dir && !b.violation) {
        fprintf(stderr, "rope_bridge: INVARIANT BROKEN: %s(%u) -> %s(%u) without passing EMPTY\n",
                dir_name[b.dir], b.n, dir_name[d], n);
        b.violation = 1;
    }
    if (n > 5 && !b.violation) {
        fprintf(stderr, "rope_bridge: INVARIANT BROKEN: %u baboons on the rope\n", n);
        b.violation = 1;
    }
    if (d != EMPTY && b.dir == EMPTY && d != b.streak_dir && b.streak_dir != EMPTY)
        b.direction_changes++;
    b.dir = d;
    b.n = n;
    if (n > b.max_n)
        b.max_n = n;
}

/* A baboon travelling `d` reached the far side. */
static void arrived(enum dir d)
{
    b.crossed[d]++;
    if (d == b.streak_dir) {
        b.streak++;
    } else {
        b.streak_dir = d;
        b.streak = 1;
    }
    if (b.streak > b.longest)
        b.longest = b.streak;
}

/* One side of the canyon: `out` is the direction its own baboons travel. */
static void *side(void *arg)
{
    enum dir out = (enum dir)(intptr_t)arg, in = out == RIGHT ? LEFT : RIGHT;
    for (uint64_t i = 0; (iters == 0 || i < iters) && (deadline_ns == 0 || (i & 1023) || kit_now_ns() < deadline_ns); i++) {
        kit_mutex_lock(&b.lk);
        if (b.dir == EMPTY) {
            set_state(out, 1);                 /* send one out */
        } else if (b.dir == out) {
            if (b.n < 5)
                set_state(out, b.n + 1);       /* another, while there is room */
        } else if (b.n == 0) {
            set_state(EMPTY, 0);               /* the last arrival was received */
        } else {
            set_state(in, b.n - 1);            /* receive one arriving baboon */
            arrived(in);
        }
        kit_mutex_unlock(&b.lk);
        if (do_yield)
            sched_yield();
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "seconds", required_argument, NULL, 's' },
                                          { "iters", required_argument, NULL, 'n' },
                                          { "yield", no_argument, NULL, 'y' },
                                          { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    uint64_t seconds = 2;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': seconds = kit_arg_u64("seconds", optarg, 0, 3600); break;
        case 'n': iters = kit_arg_u64("iters", optarg, 1, UINT64_MAX / 2); seconds = 0; break;
        case 'y': do_yield = 1; break;
        case 'h':
            printf("usage: rope_bridge [--seconds S | --iters N] [--yield]\n"
                   "The rope bridge problem (book ch. 5): two sides send baboons across a rope holding 5,\n"
                   "never two directions at once, with one mutex over EMPTY | LEFT(n) | RIGHT(n).\n"
                   "  --seconds S   run time (default %llu)\n"
                   "  --iters N     instead, N loop iterations per side\n"
                   "  --yield       sched_yield() after each unlock (compare the fairness line)\n"
                   "Prints crossings per direction, max occupancy, longest one-direction streak.\n",
                   (unsigned long long)seconds);
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (seconds)
        deadline_ns = kit_now_ns() + seconds * 1000000000u;
    uint64_t t0 = kit_now_ns();
    pthread_t l, r;
    kit_thread_create(&l, side, (void *)(intptr_t)RIGHT); /* the left side sends baboons rightwards */
    kit_thread_create(&r, side, (void *)(intptr_t)LEFT);
    kit_thread_join(l);
    kit_thread_join(r);
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    uint64_t total = b.crossed[LEFT] + b.crossed[RIGHT];
    printf("crossed left->right %" PRIu64 ", right->left %" PRIu64 " in %.2f s\n", b.crossed[RIGHT],
           b.crossed[LEFT], secs);
    printf("max on rope %u (limit 5), direction changes %" PRIu64 ", longest one-direction streak %" PRIu64 "\n",
           b.max_n, b.direction_changes, b.longest);
    printf("invariants: %s\n", b.violation ? "BROKEN" : "held on every transition");
    kit_metric("crossings_per_s", secs > 0 ? (double)total / secs : 0, "1/s");
    kit_metric("longest_streak", (double)b.longest, "count"); /* crossings one way in a row */
    kit_metric("direction_changes", (double)b.direction_changes, "count");
    return b.violation ? 1 : 0;
}
