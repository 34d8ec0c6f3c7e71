/* hopper_example.c - the book's hopper example (ch. 5, section 2.8): a writer
 * sends 0, 1, 2, ... (u32) into a hopper channel with 40 bytes of memory (10
 * slots), 400,000 bytes of disk (clamped to 1 MiB per file) and 1 extra queue
 * file; a reader checks that it receives 0..999,999 in order.
 *
 * The book's writer stops at its first error, including FULL; if it ever gets
 * ~2 MiB ahead of the reader, the reader then waits forever.  This port retries
 * on FULL by default; --exit-on-full restores the book's loop, and the reader
 * then gives up after 3 s without a value and says so (exit 3). */
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hopper.h"
#include "kit.h"
#include "tmpdir.h"

static struct hopper *h;
static atomic_int done;
static int exit_on_full;
static uint64_t sends, fulls;
static int writer_error;

static void *writer(void *arg)
{
    (void)arg;
    uint32_t cur = 0;
    while (!atomic_load_explicit(&done, memory_order_relaxed)) {
        int r = hopper_send(h, &cur);
        if (r == HQ_OK) {
            cur++;
            sends++;
        } else if (r == HQ_FULL && !exit_on_full) {
            fulls++;
            sched_yield(); /* the caller decides what FULL means: here, wait */
        } else {
            if (r == HQ_FULL)
                fulls++;
            else
                writer_error = r;
            printf("hopper_example: writer stops at its first error (%s) after %" PRIu64 " sends, as the book's loop does\n",
                   hopper_status_name(r), sends);
            fflush(stdout);
            break;
        }
    }
    /* the value a lazy disk write left unannounced is delivered by flush */
    while (hopper_flush(h) == HQ_NOFLUSH && !atomic_load_explicit(&done, memory_order_relaxed))
        sched_yield();
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "reads", required_argument, 0, 'r' }, { "memory-bytes", required_argument, 0, 'm' },
        { "disk-bytes", required_argument, 0, 'd' }, { "files", required_argument, 0, 'f' },
        { "exit-on-full", no_argument, 0, 'x' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    uint64_t reads = 1000000, mem = 4 * 10, disk = 4 * 100000, files = 1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r': reads = kit_arg_u64("reads", optarg, 1, UINT32_MAX); break;
        case 'm': mem = kit_arg_u64("memory-bytes", optarg, 0, 1ull << 32); break;
        case 'd': disk = kit_arg_u64("disk-bytes", optarg, 0, 1ull << 40); break;
        case 'f': files = kit_arg_u64("files", optarg, 0, 1000000); break;
        case 'x': exit_on_full = 1; break;
        case 'h':
            printf("usage: %s [--reads N] [--memory-bytes B] [--disk-bytes B] [--files N] [--exit-on-full]\n"
                   "The book's hopper example (ch. 5, section 2.8): a writer sends 0, 1, 2, ... (u32)\n"
                   "through hopper; the reader checks --reads values arrive in order.\n"
                   "  --reads N         values to read (default 1000000)\n"
                   "  --memory-bytes B  in-memory budget (default 40 = 10 u32 slots)\n"
                   "  --disk-bytes B    per-file limit, clamped to >= 1 MiB (default 400000)\n"
                   "  --files N         queue files beyond the first (default 1)\n"
                   "  --exit-on-full    the book's writer: stop at the first FULL (the reader then\n"
                   "                    starves; it gives up after 3 s and exits 3)\n"
                   "Queue directory: a fresh $TMPDIR/hopper-XXXXXX, removed at exit.\n",
                   program_invocation_short_name);
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);

    char dir[1024];
    struct hopper_config cfg = { sizeof(uint32_t), mem, disk, files, 0 };
    hq_tmpdir_create(dir, sizeof dir, 1);
    int e = hopper_open(&h, dir, "example", &cfg);
    if (e != 0)
        kit_die("hopper_open %s/example: %s", dir, strerror(e));
    struct hopper_stats st;
    hopper_get_stats(h, &st);
    printf("hopper_example: u32 values, %" PRIu64 " memory slots, %" PRIu64 "-byte queue files, up to %" PRIu64
           " of them beyond file 0\n", st.mem_slots, st.file_limit, files);

    pthread_t w;
    uint64_t t0 = kit_now_ns(), cur = 0;
    int status = 0;
    kit_thread_create(&w, writer, NULL);
    for (; cur < reads; cur++) {
        uint32_t v;
        int r = hopper_recv(h, &v, exit_on_full ? 3000 : 60000);
        if (r != HQ_OK) {
            printf("hopper_example: reader stuck at %" PRIu64 " of %" PRIu64 ": %s%s%s\n", cur, reads,
                   hopper_status_name(r), r == HQ_TIMEDOUT ? " (nothing for 3 s: the writer has stopped)" : ": ",
                   r == HQ_TIMEDOUT ? "" : hopper_last_error(h));
            status = 3;
            break;
        }
        if (v != cur) {
            printf("hopper_example: FAILED: value %" PRIu64 " is %" PRIu32 "\n", cur, v);
            status = 1;
            break;
        }
    }
    atomic_store(&done, 1);
    kit_thread_join(w);
    double s = (double)(kit_now_ns() - t0) / 1e9;
    hopper_get_stats(h, &st);
    if (status == 0)
        printf("hopper_example: read %" PRIu64 " values in order (0..%" PRIu64 ")\n", reads, reads - 1);
    printf("hopper_example: writer: %" PRIu64 " sends accepted, FULL %" PRIu64 " times%s; %" PRIu64
           " values went through disk; queue files created %" PRIu64 ", deleted %" PRIu64 "\n",
           sends, fulls, exit_on_full ? "" : " (retried)", st.disk_writes, st.files_created, st.files_deleted);
    if (writer_error)
        status = status ? status : 1;
    if (status == 0)
        kit_metric("values_per_s", (double)reads / s, "1/s");
    hopper_close(h, 1);
    return status;
}
