/* telem_bench - telem under a UDP flood: the back-pressure lesson in numbers.
 *
 * Starts the telem next to this program (same build folder) on a free port,
 * floods it from a sender thread for --seconds, samples its resident memory,
 * stops it with SIGTERM and reads its counters.  Prints METRIC lines:
 * sent_per_s, ingested_per_s (datagrams telem took off the socket),
 * sent, received and dropped_kernel (counts: datagrams sent, datagrams telem
 * read, and the difference, lost by the kernel when telem's socket buffer
 * was full; telem reads its buffer empty at SIGTERM, so sent = received +
 * dropped_kernel exactly), dropped_full (points a --bounded server refused
 * past the socket), rss_start_kib, rss_end_kib, rss_growth_kib.  With a slow sink (--slow-egress-us) the
 * unbounded server's memory grows with the backlog; the bounded one's stays
 * flat and it drops instead (ch. 4.8.10).  Native only: under qemu-user it
 * cannot exec telem. */
#include "kit.h"
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

static long rss_kib(pid_t pid)
{
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* The value after "key " in telem's closing stderr line, or 0. */
static unsigned long counter(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtoul(p + strlen(key), NULL, 10) : 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "seconds", required_argument, NULL, 's' }, { "bounded", required_argument, NULL, 'b' },
        { "slow-egress-us", required_argument, NULL, 'w' }, { "names", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    const char *bounded = NULL, *slow = "100";
    uint64_t seconds = 3, names = 1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': seconds = kit_arg_u64("seconds", optarg, 1, 600); break;
        case 'b': (void)kit_arg_u64("bounded", optarg, 1, 1u << 24); bounded = optarg; break;
        case 'w': (void)kit_arg_u64("slow-egress-us", optarg, 0, 1000000); slow = optarg; break;
        case 'n': names = kit_arg_u64("names", optarg, 1, 100000); break;
        case 'h':
            puts("usage: telem_bench [--seconds S] [--bounded N] [--slow-egress-us US] [--names K]\n"
                 "Floods telem (from this program's folder) over loopback UDP for S seconds (default 3)\n"
                 "with a slow sink of US microseconds per point (default 100), then reports METRIC\n"
                 "sent_per_s, ingested_per_s, sent, received, dropped_kernel (sent - received: lost in\n"
                 "the kernel's socket buffer), dropped_full (refused by full channels) and resident\n"
                 "memory (rss_*_kib).\n"
                 "--bounded N runs telem with bounded channels: the book's back-pressure fix.");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);

    char self[PATH_MAX], telem[PATH_MAX + 8];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    KIT_CHECK(n > 0);
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    KIT_CHECK(slash != NULL);
    *slash = '\0';
    snprintf(telem, sizeof telem, "%s/telem", self);

    int errp[2];
    KIT_CHECK(pipe(errp) == 0);
    pid_t pid = fork();
    KIT_CHECK(pid >= 0);
    if (pid == 0) {
        dup2(errp[1], 2);
        close(errp[0]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        char *args[] = { telem, "--port", "0", "--slow-egress-us", (char *)slow, bounded ? "--bounded" : NULL,
                         (char *)bounded, NULL };
        execv(telem, args);
        fprintf(stderr, "telem_bench: cannot run %s: %s\n", telem, strerror(errno));
        _exit(127);
    }
    close(errp[1]);
    FILE *err = fdopen(errp[0], "r");
    char line[512], closing[512] = "";
    unsigned port = 0;
    while (!port && fgets(line, sizeof line, err))
        if (sscanf(line, "telem: listening on udp 127.0.0.1 port %u", &port) != 1)
            fputs(line, stderr);
    if (!port) {
        waitpid(pid, NULL, 0);
        fprintf(stderr, "telem_bench: telem did not start\n");
        return 1;
    }

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    KIT_CHECK(fd >= 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    KIT_CHECK(connect(fd, (struct sockaddr *)&to, sizeof to) == 0);
    long rss0 = rss_kib(pid);
    uint64_t t0 = kit_now_ns(), end = t0 + seconds * 1000000000u, sent = 0;
    char buf[64];
    while (kit_now_ns() < end) {
        int len = snprintf(buf, sizeof buf, "flood%" PRIu64 " %" PRIu64, sent % names, sent % 1000);
        if (send(fd, buf, (size_t)len, 0) == len)
            sent++;
    }
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    long rss1 = rss_kib(pid);
    close(fd);
    kill(pid, SIGTERM);
    while (fgets(line, sizeof line, err))
        if (strncmp(line, "telem: stopped", 14) == 0)
            snprintf(closing, sizeof closing, "%s", line);
    fclose(err);
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !closing[0]) {
        fprintf(stderr, "telem_bench: telem did not stop cleanly (status %#x)\n", st);
        return 1;
    }
    printf("telem_bench: %s channels, sink %s us/point: sent %" PRIu64 " points in %.2f s; %s", bounded ? "bounded" : "unbounded",
           slow, sent, secs, closing);
    unsigned long ingested = counter(closing, "datagrams "), dropped = counter(closing, "dropped_full ");
    /* A UDP send succeeds even when the receiver's socket buffer is full: the
     * kernel then drops the datagram silently.  telem counts only what it read,
     * so what it never saw is the difference (signed: a stray sender to the
     * port would make it negative, and that should show, not wrap). */
    double kernel = (double)sent - (double)ingested;
    printf("telem_bench: sent %" PRIu64 ", telem received %lu, lost in the kernel %.0f (%.1f%%: telem's socket "
           "buffer was full), dropped by full channels %lu\n",
           sent, ingested, kernel, sent ? 100.0 * kernel / (double)sent : 0.0, dropped);
    kit_metric("sent_per_s", (double)sent / secs, "1/s");
    kit_metric("ingested_per_s", (double)ingested / secs, "1/s");
    kit_metric("sent", (double)sent, "count");
    kit_metric("received", (double)ingested, "count");
    kit_metric("dropped_kernel", kernel, "count");
    kit_metric("dropped_full", (double)dropped, "count");
    kit_metric("rss_start_kib", (double)rss0, "KiB");
    kit_metric("rss_end_kib", (double)rss1, "KiB");
    kit_metric("rss_growth_kib", (double)(rss1 - rss0), "KiB");
    return 0;
}
