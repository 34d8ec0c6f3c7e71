/* spawn_cost - what starting a thread costs (a kit addition to the book's
 * ch. 2.1, which times 100 launches of sequential_hello_world against
 * parallel_hello_world: 0.091 s vs 0.115 s, about 0.24 ms a thread).
 *
 * Default: N pthread_create + pthread_join pairs of an empty thread in one
 * process, mean microseconds per pair - the cost without process launch noise.
 * --launches L: also the book's experiment, L launches each of hello_seq and
 * hello_par (found next to this program) with stdout to /dev/null, timed like
 * `time for i in {1..L}; do ./prog > /dev/null; done`. */
#include "machine.h"
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

static void *empty(void *arg) { return arg; }

struct launch_time { double real, user, sys; int ok; };

/* Launch `path` n times in a row, each waited for; real, user and sys time of
 * all n (the children's rusage), like bash's `time` around the loop. */
static struct launch_time launch(const char *path, uint64_t n)
{
    struct launch_time lt = { 0, 0, 0, 1 };
    posix_spawn_file_actions_t fa;
    KIT_PT(posix_spawn_file_actions_init(&fa));
    KIT_PT(posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0));
    uint64_t t0 = kit_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        pid_t pid;
        char *args[] = { (char *)path, NULL };
        int e = posix_spawn(&pid, path, &fa, NULL, args, environ);
        if (e != 0) {
            printf("cannot launch %s: %s\n", path, strerror(e));
            lt.ok = 0;
            break;
        }
        int status;
        struct rusage ru;
        KIT_CHECK(wait4(pid, &status, 0, &ru) == pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("%s did not exit 0 (status 0x%x)\n", path, (unsigned)status);
            lt.ok = 0;
            break;
        }
        lt.user += (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
        lt.sys += (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    }
    lt.real = (double)(kit_now_ns() - t0) / 1e9;
    posix_spawn_file_actions_destroy(&fa);
    return lt;
}

static void print_time(const char *what, uint64_t n, struct launch_time lt)
{
    printf("%s (%" PRIu64 " runs)\n", what, n);
    printf("real\t%dm%.3fs\nuser\t%dm%.3fs\nsys\t%dm%.3fs\n", (int)(lt.real / 60), lt.real - 60 * (int)(lt.real / 60),
           (int)(lt.user / 60), lt.user - 60 * (int)(lt.user / 60), (int)(lt.sys / 60), lt.sys - 60 * (int)(lt.sys / 60));
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "spawns", required_argument, NULL, 'n' },
        { "launches", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t spawns = 10000, launches = 0;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': spawns = kit_arg_u64("spawns", optarg, 1, 10000000); break;
        case 'l': launches = kit_arg_u64("launches", optarg, 1, 100000); break;
        case 'h':
            printf("usage: spawn_cost [--spawns N] [--launches L]\n"
                   "The cost of starting a thread (book ch. 2.1: about 0.24 ms, from 100 launches\n"
                   "of sequential vs parallel hello world, 0.091 s vs 0.115 s).\n"
                   "  --spawns N     pthread_create + pthread_join pairs timed in-process (default 10000)\n"
                   "  --launches L   also launch hello_seq and hello_par L times each (the book: 100)\n"
                   "                 and print real/user/sys like bash's time\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    kit_watchdog(600, "spawn_cost");
    if (machine_emulated())
        machine_note_emulated("the timing");

    uint64_t t0 = kit_now_ns();
    for (uint64_t i = 0; i < spawns; i++) {
        pthread_t t;
        kit_thread_create(&t, empty, NULL);
        kit_thread_join(t);
    }
    double us = (double)(kit_now_ns() - t0) / 1e3 / (double)spawns;
    printf("spawn_cost: %" PRIu64 " pthread_create + pthread_join pairs: %.1f us each\n", spawns, us);
    kit_metric("spawn_join_us", us, "us");

    if (launches == 0)
        return 0;
    char self[4096], seq[4200], par[4200];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        printf("cannot find my own path (/proc/self/exe): %s\n", strerror(errno));
        return 1;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    KIT_CHECK(slash != NULL);
    *slash = '\0';
    snprintf(seq, sizeof seq, "%s/hello_seq", self);
    snprintf(par, sizeof par, "%s/hello_par", self);
    struct launch_time a = launch(seq, launches);
    struct launch_time b = launch(par, launches);
    if (!a.ok || !b.ok)
        return 1;
    print_time("hello_seq", launches, a);
    print_time("hello_par", launches, b);
    double ms = (b.real - a.real) * 1e3 / (double)launches;
    printf("difference per launch: %.3f ms (book: 0.24 ms; launch noise is often larger than this)\n", ms);
    kit_metric("hello_seq_launch_ms", a.real * 1e3 / (double)launches, "ms");
    kit_metric("hello_par_launch_ms", b.real * 1e3 / (double)launches, "ms");
    kit_metric("launch_diff_ms", ms, "ms");
    return 0;
}
