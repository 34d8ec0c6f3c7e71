/* semaphore_test - destroying the semaphore as soon as the last wait returns,
 * as POSIX allows (glibc bug 12674 was this bug in sem_post): the last access
 * qsem_signal makes to *s must happen before any waiter can return from
 * qsem_wait.  Built with the test hooks (-DQSEM_TEST_HOOKS -DMSQ_TEST_HOOKS),
 * which pause the signaller P at a chosen point, so the schedule is forced,
 * not hoped for:
 *
 *   main: s = malloc; qsem_init(s, 1); qsem_wait(s)   (the one token is taken)
 *   P:    qsem_signal(s), paused inside it once its token is visible
 *   W:    qsem_wait(s); qsem_destroy(s); free(s)       (run while P is paused)
 *
 * P stays paused until W has freed s (then P's remaining accesses touch freed
 * memory: ASan's heap-use-after-free, test.sh runs this under ASan) or until W
 * reports that it holds the token and waits for the signallers in flight.
 * Checked in every build: W did not return while P was paused inside
 * qsem_signal.  The windows:
 *   linked     inside msq_enq, between the link and the tail swing
 *   published  after msq_enq returned, before the sleeper count is read
 *   handoff    (no pause) W already sleeps; P hands the token over directly */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include "check.h"
#include "kit.h"
#include "semaphore.h"

enum window { NONE, LINKED, PUBLISHED };
enum wstate { W_START, P_PAUSED, W_HOLDS_TOKEN, W_FREED };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER; /* guards everything below */
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static enum window pause_at;
static enum wstate state;
static bool p_paused;        /* P is inside its pause, inside qsem_signal */
static bool w_returned_in_window;
static bool pause_timed_out;
static bool paused;         /* P did pause (the schedule happened) */

static void set_state(enum wstate st)
{
    kit_mutex_lock(&mu);
    state = st;
    pthread_cond_broadcast(&cv);
    kit_mutex_unlock(&mu);
}

/* P's pause: at most once, 5 s at most (a W that does neither is a failure, not a hang). */
static void pause_signaller(void)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += 5;
    kit_mutex_lock(&mu);
    if (state == W_START) {
        state = P_PAUSED;
        p_paused = paused = true;
        pthread_cond_broadcast(&cv);
        int rc = 0;
        while (state == P_PAUSED && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&cv, &mu, &dl);
        pause_timed_out = state == P_PAUSED;
        p_paused = false;
    }
    kit_mutex_unlock(&mu);
}

static void on_linked(struct msq *q)
{
    (void)q;
    if (pause_at == LINKED)
        pause_signaller();
}

static void on_qsem(struct qsem *s, enum qsem_point where)
{
    (void)s;
    if (where == QSEM_SIGNAL_PUBLISHED && pause_at == PUBLISHED)
        pause_signaller();
    else if (where == QSEM_WAIT_SIGNALLERS) {
        kit_mutex_lock(&mu);
        if (state == P_PAUSED) {
            state = W_HOLDS_TOKEN;
            pthread_cond_broadcast(&cv);
        }
        kit_mutex_unlock(&mu);
    }
}

static void *signaller(void *arg)
{
    qsem_signal(arg);
    return NULL;
}

static void *waiter(void *arg)
{
    struct qsem *s = arg;
    if (pause_at != NONE) { /* start inside P's window */
        kit_mutex_lock(&mu);
        while (state == W_START)
            kit_cond_wait(&cv, &mu);
        kit_mutex_unlock(&mu);
    }
    qsem_wait(s);
    kit_mutex_lock(&mu);
    w_returned_in_window = p_paused;
    kit_mutex_unlock(&mu);
    qsem_destroy(s); /* allowed: nobody waits on s any more */
    free(s);
    set_state(W_FREED);
    return NULL;
}

static void run(enum window w, const char *name)
{
    struct qsem *s = malloc(sizeof *s);
    KIT_CHECK(s != NULL);
    qsem_init(s, 1);
    qsem_wait(s);
    kit_mutex_lock(&mu);
    pause_at = w; /* after init: its msq_enq calls must not pause */
    state = W_START;
    p_paused = paused = w_returned_in_window = pause_timed_out = false;
    kit_mutex_unlock(&mu);
    pthread_t p, wt;
    kit_thread_create(&wt, waiter, s);
    if (w == NONE) {
        /* the hand-off: W must sleep before P signals (a sleeper is in the list) */
        for (bool asleep = false; !asleep; sched_yield()) {
            kit_mutex_lock(&s->m);
            asleep = s->head != NULL;
            kit_mutex_unlock(&s->m);
        }
    }
    kit_thread_create(&p, signaller, s);
    kit_thread_join(p);
    kit_thread_join(wt);
    if (w != NONE)
        CHECK(paused, "%s: the signaller was held in the window while the waiter ran", name);
    CHECK(!pause_timed_out, "%s: the waiter either returned or waited for the signaller within 5 s", name);
    CHECK(!w_returned_in_window,
          "%s: the waiter (then destroying and freeing the semaphore) did not return while the signaller was inside qsem_signal",
          name);
}

int main(int argc, char **argv)
{
    check_args(argc, argv, "usage: semaphore_test\nA waiter destroys and frees the semaphore right after its wait returns, while the\n"
                           "signaller is held (test hooks) inside qsem_signal: no access to the freed semaphore.\n");
    msq_test_linked = on_linked;
    qsem_test_hook = on_qsem;
    run(LINKED, "linked (inside msq_enq, before the tail swing)");
    run(PUBLISHED, "published (after msq_enq, before the sleeper count)");
    run(NONE, "handoff (a sleeping waiter gets the token directly)");
    return check_done();
}
