/* telem_send - the client for telem (ch. 4.8.9): what the book does with
 * `echo "a 10" | nc -u 127.0.0.1 1990`, without nc's variations.
 *
 *   telem_send a 10                      one datagram "a 10"
 *   telem_send --raw 'a 10 junk'         exactly these bytes as one datagram
 *   telem_send --file points.txt         each line of the file as a datagram
 *   telem_send --datagram-file f.bin     the whole file as one datagram (binary ok)
 *   telem_send --flood --rate 50000 --seconds 3 [--names 10]
 *                                        points "floodK N" as fast as --rate allows
 * Prints METRIC lines for --flood (sent, sent_per_s). */
#include "kit.h"
#include "telem_parse.h"
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define MAX_DGRAM 65507 /* the largest UDP payload over IPv4 */

static int udp_connect(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM };
    struct addrinfo *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "telem_send: cannot resolve %s:%s: %s\n", host, port, gai_strerror(rc));
        exit(1);
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    KIT_CHECK(fd >= 0);
    if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        fprintf(stderr, "telem_send: connect %s:%s: %s\n", host, port, strerror(errno));
        exit(1);
    }
    freeaddrinfo(res);
    return fd;
}

/* Send one datagram; a refused send (nobody listening: ICMP port
 * unreachable from the previous one) is reported but not fatal. */
static int send_one(int fd, const void *buf, size_t len)
{
    if (send(fd, buf, len, 0) == (ssize_t)len)
        return 0;
    if (errno != ECONNREFUSED)
        fprintf(stderr, "telem_send: send: %s\n", strerror(errno));
    return -1;
}

/* Open the file an option names, or exit 2 with one line quoting the path.
 * A directory opens for reading under glibc and then reads as an error (or
 * nothing), so it is refused here: sending nothing and exiting 0 would hide
 * the mistake. */
static FILE *open_arg(const char *opt, const char *path, const char *mode)
{
    FILE *f = fopen(path, mode);
    if (!f)
        kit_usage_error("%s: cannot open '%s': %s", opt, path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
        kit_usage_error("%s: '%s' is a directory, not a file", opt, path);
    return f;
}

/* A read error after a successful open (an I/O error, a file gone bad):
 * one line, exit 1 (an environment error, not a bad argument). */
static void read_failed(const char *opt, const char *path)
{
    fprintf(stderr, "telem_send: %s: cannot read '%s': %s\n", opt, path, strerror(errno));
    exit(1);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = open_arg("--datagram-file", path, "rb");
    char *buf = malloc(MAX_DGRAM + 1);
    KIT_CHECK(buf != NULL);
    *len = fread(buf, 1, MAX_DGRAM + 1, f);
    if (ferror(f))
        read_failed("--datagram-file", path);
    fclose(f);
    if (*len > MAX_DGRAM)
        kit_usage_error("--datagram-file: '%s' is larger than one UDP datagram (%d bytes)", path, MAX_DGRAM);
    return buf;
}

/* The datagram "NAME VALUE", checked by telem's own parser (telem_parse.h:
 * NAME a non-empty UTF-8 token without whitespace, VALUE a decimal u32 with
 * an optional leading '+', Rust's u32::from_str).  A point telem would drop
 * is a bad argument here: exit 2 naming it.  Returns the datagram's length. */
static size_t point_datagram(char *buf, size_t cap, const char *name, const char *value)
{
    uint64_t v;
    if (kit_parse_u64(value + (value[0] == '+'), 0, UINT32_MAX, &v) != 0)
        kit_usage_error("VALUE: expected an integer in [0, %u] (optional leading '+'), got '%s'",
                        (unsigned)UINT32_MAX, value);
    int n = snprintf(buf, cap, "%s %s", name, value);
    if (n < 0 || (size_t)n >= cap)
        kit_usage_error("NAME VALUE longer than one datagram (%d bytes): '%.20s...'", MAX_DGRAM, name);
    struct telem_point p;
    if (telem_parse((const unsigned char *)buf, (size_t)n, &p) != TELEM_OK || p.name_len != strlen(name) ||
        p.value != v)
        kit_usage_error("NAME: expected one UTF-8 token without whitespace, got '%s'", name);
    return (size_t)n;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host", required_argument, NULL, 'H' }, { "port", required_argument, NULL, 'p' },
        { "raw", required_argument, NULL, 'r' }, { "file", required_argument, NULL, 'f' },
        { "datagram-file", required_argument, NULL, 'd' }, { "flood", no_argument, NULL, 'F' },
        { "rate", required_argument, NULL, 'R' }, { "seconds", required_argument, NULL, 's' },
        { "names", required_argument, NULL, 'n' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *host = "127.0.0.1", *port = "1990", *raw = NULL, *file = NULL, *dfile = NULL;
    int flood = 0;
    uint64_t rate = 0, seconds = 3, names = 1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'H': host = optarg; break;
        case 'p': (void)kit_arg_u64("port", optarg, 1, 65535); port = optarg; break;
        case 'r': raw = optarg; break;
        case 'f': file = optarg; break;
        case 'd': dfile = optarg; break;
        case 'F': flood = 1; break;
        case 'R': rate = kit_arg_u64("rate", optarg, 0, 100000000); break;
        case 's': seconds = kit_arg_u64("seconds", optarg, 1, 3600); break;
        case 'n': names = kit_arg_u64("names", optarg, 1, 1000000); break;
        case 'h':
            puts("usage: telem_send [--host H] [--port P] NAME VALUE\n"
                 "       telem_send [--host H] [--port P] --raw TEXT | --file F | --datagram-file F\n"
                 "       telem_send [--host H] [--port P] --flood [--rate R] [--seconds S] [--names K]\n"
                 "Sends points to telem over UDP (default 127.0.0.1:1990).\n"
                 "  NAME VALUE          one datagram \"NAME VALUE\"; checked as telem parses it: NAME one\n"
                 "                      token without whitespace, VALUE an integer in [0, 4294967295]\n"
                 "                      with an optional leading '+' (exit 2 otherwise)\n"
                 "  --raw TEXT          TEXT as one datagram, byte for byte (malformed input welcome)\n"
                 "  --file F            each line of F (without its newline) as one datagram, unchecked\n"
                 "  --datagram-file F   the whole of F as one datagram (binary ok, up to 65507 bytes)\n"
                 "  --flood             send \"floodK N\" points for --seconds (default 3) at --rate\n"
                 "                      points/s (default 0 = as fast as possible) over --names K names\n"
                 "Prints METRIC sent and sent_per_s after a flood.");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    int modes = (raw != NULL) + (file != NULL) + (dfile != NULL) + flood + (optind < argc);
    if (modes != 1)
        kit_usage_error("give exactly one of NAME VALUE, --raw, --file, --datagram-file, --flood");
    if (optind < argc && argc - optind != 2)
        kit_usage_error("expected NAME VALUE, got %d operand(s)", argc - optind);

    /* Arguments are checked before anything is sent. */
    static char point[MAX_DGRAM];
    size_t point_len = 0;
    if (optind < argc)
        point_len = point_datagram(point, sizeof point, argv[optind], argv[optind + 1]);
    size_t dlen = 0;
    char *dbuf = dfile ? read_file(dfile, &dlen) : NULL;
    FILE *f = file ? open_arg("--file", file, "r") : NULL;

    int fd = udp_connect(host, port);
    if (raw)
        return send_one(fd, raw, strlen(raw)) ? 1 : 0;
    if (dfile) {
        int rc = send_one(fd, dbuf, dlen);
        free(dbuf);
        return rc ? 1 : 0;
    }
    if (file) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        int rc = 0;
        while ((n = getline(&line, &cap, f)) >= 0) {
            if (n > 0 && line[n - 1] == '\n')
                n--;
            rc |= send_one(fd, line, (size_t)n);
            kit_sleep_ms(1); /* keep order and spare the receiver's socket buffer */
        }
        if (ferror(f))
            read_failed("--file", file);
        free(line);
        fclose(f);
        return rc ? 1 : 0;
    }
    if (!flood)
        return send_one(fd, point, point_len) ? 1 : 0;

    uint64_t t0 = kit_now_ns(), end = t0 + seconds * 1000000000u, sent = 0, failed = 0;
    char buf[64];
    for (uint64_t now = t0; now < end; now = kit_now_ns()) {
        if (rate && sent * 1000000000u / rate > now - t0) { /* ahead of schedule */
            kit_sleep_ns(50000);
            continue;
        }
        int n = snprintf(buf, sizeof buf, "flood%" PRIu64 " %" PRIu64, sent % names, sent % 1000);
        if (send_one(fd, buf, (size_t)n) == 0)
            sent++;
        else
            failed++;
        if (failed > 1000000)
            break;
    }
    double secs = (double)(kit_now_ns() - t0) / 1e9;
    printf("telem_send: flooded %" PRIu64 " points in %.2f s (%" PRIu64 " sends failed)\n", sent, secs, failed);
    kit_metric("sent", (double)sent, "count");
    kit_metric("sent_per_s", (double)sent / secs, "1/s");
    close(fd);
    return 0;
}
