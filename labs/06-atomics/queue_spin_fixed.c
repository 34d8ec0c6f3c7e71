/* queue_spin_fixed - queue_spin on the correct queue (msqueue_ok: node pool,
 * tagged indices): the C analogue of the book's crossbeam_queue_spin (ch. 6
 * section 11).  N threads loop { enq(i); i++; deq(); } for --seconds and must
 * not crash.  Checked at the end: every enq succeeded, every deq found a value
 * (each thread dequeues only after its own enqueue, so a linearizable queue is
 * never empty there), enqueues == dequeues, and the queue is empty. */
#include <stdatomic.h>
#include <stdbool.h>
#include "hb.h"
#include "kit.h"
#include "msqueue_ok.h"

static struct msq *q;
static atomic_bool stop;
static atomic_ullong enqs, deqs, empty_deqs, full_enqs;

static void *spin(void *arg)
{
    (void)arg;
    long i = 0, v;
    unsigned long long e = 0, d = 0, empty = 0, full = 0;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        for (int k = 0; k < 64; k++) {
            if (msq_enq(q, i)) e++; else full++;
            i++;
            if (msq_deq(q, &v)) d++; else empty++;
        }
    }
    atomic_fetch_add_explicit(&enqs, e, memory_order_relaxed);
    atomic_fetch_add_explicit(&deqs, d, memory_order_relaxed);
    atomic_fetch_add_explicit(&empty_deqs, empty, memory_order_relaxed);
    atomic_fetch_add_explicit(&full_enqs, full, memory_order_relaxed);
    return NULL;
}

static void usage(void)
{
    printf("usage: queue_spin_fixed [--threads N] [--seconds N]\n"
           "queue_spin on the correct Michael-Scott queue (node pool, tagged indices):\n"
           "runs the full time without a crash; enq == deq counts checked at the end.\n"
           "  --threads N   threads (default 4)\n"
           "  --seconds N   run time (default 3)\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "threads", required_argument, NULL, 't' },
        { "seconds", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t nthreads = 4, seconds = 3;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': nthreads = kit_arg_u64("threads", optarg, 1, 64); break;
        case 's': seconds = kit_arg_u64("seconds", optarg, 1, 3600); break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    q = msq_new(2 * (uint32_t)nthreads + 2);
    HB_IGNORE(&stop, sizeof stop); /* a relaxed atomic flag, not a race */
    pthread_t t[64];
    uint64_t t0 = kit_now_ns();
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_create(&t[i], spin, NULL);
    kit_sleep_ms(seconds * 1000);
    atomic_store_explicit(&stop, true, memory_order_relaxed);
    for (uint64_t i = 0; i < nthreads; i++)
        kit_thread_join(t[i]);
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    long v;
    bool left = msq_deq(q, &v);
    unsigned long long e = enqs, d = deqs;
    bool ok = e == d && empty_deqs == 0 && full_enqs == 0 && !left;
    printf("ran %.1f s, no crash: %llu enqueues, %llu dequeues, %llu empty deqs, %llu failed enqs, "
           "queue empty at end: %s: %s\n", secs, e, d, (unsigned long long)empty_deqs,
           (unsigned long long)full_enqs, left ? "no" : "yes", ok ? "ok" : "WRONG");
    kit_metric("enq_deq_pairs_per_s", (double)d / secs, "1/s");
    msq_free(q);
    return ok ? 0 : 1;
}
