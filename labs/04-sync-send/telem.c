/* telem - the book's telemetry server (ch. 4.8): UDP points in, per-name
 * statistics out, seven threads wired by four unbounded MPSC channels.
 *
 *                             _--> low filter  --> CKMS egress  ([CKMS] name q:value)
 *   UDP --> ingest listener --
 *                             \_--> high filter --> CMA egress   ([CMA] name mean)
 *
 * main is the clock: every --flush-ms it sends Flush down both filter
 * channels (low first), and each egress prints its summary if new data came
 * in since the last one.  Values <= limit go low, >= limit go high, so the
 * limit itself (100) goes to both.
 *
 * Beyond the book: malformed, non-UTF-8 and oversize datagrams are counted
 * and dropped (the book's listener panics on invalid UTF-8); names per egress
 * are capped; SIGINT/SIGTERM shut everything down cleanly: the listeners read
 * what the socket already holds, a final Flush reports every point received
 * since the last tick, and the counters go to stderr; --bounded N is the
 * back-pressure fix the book proposes (bounded channels, try_send, points
 * dropped and counted when a channel is full). */
#include "chan.h"
#include "ckms.h"
#include "kit.h"
#include "namemap.h"
#include "telem_parse.h"
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>

#define UDP_BUF 16250 /* the book's "16 KB buffer" */
#define MAX_LISTENERS 8
#define DRAIN_MAX 65536 /* datagrams a listener reads after the stop byte */

enum { EV_TELEMETRY, EV_FLUSH };
struct event { int kind; uint32_t value; size_t name_len; char name[]; };

static struct {
    const char *host, *port;
    uint64_t limit, flush_ms, bounded, max_names, slow_us;
    double eps;
} opt = { "127.0.0.1", "1990", 100, 1000, 0, 100000, 0, 0.01 };

/* Counters, relaxed: independent event counts read once at exit, after join. */
static atomic_ulong n_datagrams, n_points, n_malformed, n_bad_utf8, n_oversize, n_dropped_full,
    n_names_refused;
static int stop_pipe[2]; /* main writes one byte to stop the listeners */
static atomic_int stopping; /* shutdown began: the simulated slow sink stops sleeping */

static struct event *event_new(int kind, const void *name, size_t len, uint32_t value)
{
    struct event *e = malloc(sizeof *e + len);
    KIT_CHECK(e != NULL);
    e->kind = kind;
    e->value = value;
    e->name_len = len;
    memcpy(e->name, name, len);
    return e;
}

/* Send an event down a channel.  Telemetry is dropped (and counted) when a
 * bounded channel is full; Flush always waits, so ticks are never lost. */
static void deliver_to(struct chan *c, struct event *e)
{
    int rc = (opt.bounded && e->kind == EV_TELEMETRY) ? chan_try_send(c, &e) : chan_send(c, &e);
    if (rc == CHAN_FULL)
        atomic_fetch_add_explicit(&n_dropped_full, 1, memory_order_relaxed);
    if (rc != CHAN_OK)
        free(e);
}

/* util::send: fan an event out to every channel, each getting its own copy
 * (Rust clones the event, String and all). */
static void fan_out(struct chan **chans, size_t n, const struct event *e)
{
    for (size_t i = 0; i < n; i++)
        deliver_to(chans[i], event_new(e->kind, e->name, e->name_len, e->value));
}

/* ---- ingest ------------------------------------------------------------------ */

struct listener { int fd; struct chan *chans[2]; pthread_t t; };

static void *handle_udp(void *arg)
{
    struct listener *l = arg;
    unsigned char *buf = malloc(UDP_BUF);
    KIT_CHECK(buf != NULL);
    struct pollfd p[2] = { { l->fd, POLLIN, 0 }, { stop_pipe[0], POLLIN, 0 } };
    /* After the stop byte, datagrams the kernel already queued are still read
     * (up to DRAIN_MAX, so a client that keeps sending cannot hold shutdown
     * open): a point sent before SIGTERM is reported, not lost in the buffer. */
    unsigned long draining = 0; /* 0 = serving; else 1 + datagrams drained */
    for (;;) {
        if (!draining) {
            if (poll(p, 2, -1) < 0) {
                KIT_CHECK(errno == EINTR);
                continue;
            }
            if (p[1].revents)
                draining = 1;
        } else if (draining++ > DRAIN_MAX) {
            break;
        }
        ssize_t n = recv(l->fd, buf, UDP_BUF, MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0) {
            KIT_CHECK(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNREFUSED);
            if (draining && (errno == EAGAIN || errno == EWOULDBLOCK))
                break; /* the socket is empty */
            continue;
        }
        atomic_fetch_add_explicit(&n_datagrams, 1, memory_order_relaxed);
        if (n > UDP_BUF) { /* MSG_TRUNC reports the real length */
            atomic_fetch_add_explicit(&n_oversize, 1, memory_order_relaxed);
            continue;
        }
        struct telem_point pt;
        int rc = telem_parse(buf, (size_t)n, &pt);
        if (rc != TELEM_OK) {
            atomic_fetch_add_explicit(rc == TELEM_BAD_UTF8 ? &n_bad_utf8 : &n_malformed, 1, memory_order_relaxed);
            continue;
        }
        atomic_fetch_add_explicit(&n_points, 1, memory_order_relaxed);
        struct event *e = event_new(EV_TELEMETRY, pt.name, pt.name_len, pt.value);
        fan_out(l->chans, 2, e);
        free(e);
    }
    free(buf);
    chan_sender_drop(l->chans[0]);
    chan_sender_drop(l->chans[1]);
    return NULL;
}

struct ingest { struct listener l[MAX_LISTENERS]; size_t n; };

/* IngestPoint::init: resolve host:port and bind a UDP socket per address.
 * Exits 1 with a message if nothing can be bound (the book panics). */
static void ingest_bind(struct ingest *in, struct chan **chans)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_PASSIVE };
    struct addrinfo *res;
    int rc = getaddrinfo(opt.host, opt.port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "telem: cannot resolve %s:%s: %s\n", opt.host, opt.port, gai_strerror(rc));
        exit(1);
    }
    for (struct addrinfo *a = res; a && in->n < MAX_LISTENERS; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
            fprintf(stderr, "telem: unable to bind to UDP socket %s:%s: %s\n", opt.host, opt.port, strerror(errno));
            close(fd);
            continue;
        }
        char host[NI_MAXHOST], serv[NI_MAXSERV];
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        KIT_CHECK(getsockname(fd, (struct sockaddr *)&ss, &sl) == 0);
        KIT_CHECK(getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv, sizeof serv,
                              NI_NUMERICHOST | NI_NUMERICSERV) == 0);
        fprintf(stderr, "telem: listening on udp %s port %s\n", host, serv);
        struct listener *l = &in->l[in->n++];
        l->fd = fd;
        for (int i = 0; i < 2; i++) {
            chan_sender_clone(chans[i]);
            l->chans[i] = chans[i];
        }
    }
    freeaddrinfo(res);
    if (in->n == 0) {
        fprintf(stderr, "telem: nothing to listen on at %s:%s\n", opt.host, opt.port);
        exit(1);
    }
}

/* IngestPoint::run: one thread per bound address, joined. */
static void *ingest_run(void *arg)
{
    struct ingest *in = arg;
    for (size_t i = 0; i < in->n; i++)
        kit_thread_create(&in->l[i].t, handle_udp, &in->l[i]);
    for (size_t i = 0; i < in->n; i++) {
        kit_thread_join(in->l[i].t);
        close(in->l[i].fd);
    }
    return NULL;
}

/* ---- filters ------------------------------------------------------------------ */

struct filter { struct chan *in, *out; int high; };

/* Filter::run: forward Flush; keep a point iff value <= limit (low) or
 * >= limit (high).  Ends when every upstream sender is gone. */
static void *filter_run(void *arg)
{
    struct filter *f = arg;
    struct event *e;
    while (chan_recv(f->in, &e) == CHAN_OK) {
        int keep = e->kind == EV_FLUSH || (f->high ? e->value >= opt.limit : e->value <= opt.limit);
        if (keep)
            deliver_to(f->out, e);
        else
            free(e);
    }
    chan_receiver_drop(f->in);
    chan_sender_drop(f->out);
    return NULL;
}

/* ---- egresses ------------------------------------------------------------------ */

struct cma { uint64_t n; double cma; };

/* Rust's Display for f64: the shortest fixed-point decimal that reads back as
 * x, never an exponent (notes 4.8.7). */
static void rust_f64(char *out, size_t n, double x)
{
    for (int p = 0; p <= 17; p++) {
        snprintf(out, n, "%.*f", p, x);
        if (strtod(out, NULL) == x)
            return;
    }
}

/* One output line "prefix name suffix", written with a single fwrite so the
 * two egress threads' lines never interleave (Rust's println! is atomic). */
static void emit(const char *prefix, const struct namemap_entry *e, const char *suffix)
{
    size_t pl = strlen(prefix), sl = strlen(suffix), n = pl + e->len + sl + 2;
    char *line = malloc(n);
    KIT_CHECK(line != NULL);
    memcpy(line, prefix, pl);
    memcpy(line + pl, e->name, e->len);
    memcpy(line + pl + e->len, suffix, sl);
    line[pl + e->len + sl] = '\n';
    fwrite(line, 1, n - 1, stdout);
    free(line);
}

static void free_ckms(void *p) { if (p) { ckms_free(p); free(p); } }

struct egress { struct chan *in; int cma; };

static void *egress_thread(void *arg)
{
    struct egress *g = arg;
    struct namemap m;
    int fresh = 0; /* new data since the last report (one flag for all names, as the book) */
    namemap_init(&m, opt.max_names);
    struct event *e;
    while (chan_recv(g->in, &e) == CHAN_OK) {
        if (e->kind == EV_TELEMETRY) {
            if (opt.slow_us && !atomic_load_explicit(&stopping, memory_order_relaxed))
                kit_sleep_ns(opt.slow_us * 1000);
            struct namemap_entry *ent = namemap_get(&m, e->name, e->name_len);
            if (!ent) {
                atomic_fetch_add_explicit(&n_names_refused, 1, memory_order_relaxed);
            } else if (g->cma) {
                struct cma *c = ent->val ? ent->val : (ent->val = calloc(1, sizeof(struct cma)));
                KIT_CHECK(c != NULL);
                c->n++;
                c->cma += ((double)e->value - c->cma) / (double)c->n;
                fresh = 1;
            } else {
                struct ckms *c = ent->val;
                if (!c) {
                    KIT_CHECK((c = ent->val = malloc(sizeof *c)) != NULL);
                    ckms_init(c, opt.eps);
                }
                KIT_CHECK(ckms_insert(c, e->value) == 0);
                fresh = 1;
            }
        } else if (fresh) {
            static const double qs[] = { 0.0, 0.25, 0.5, 0.75, 0.9, 0.99 };
            char suffix[64];
            for (size_t i = 0; i < m.len; i++) {
                if (!m.e[i].val)
                    continue;
                if (g->cma) {
                    suffix[0] = ' ';
                    rust_f64(suffix + 1, sizeof suffix - 1, ((struct cma *)m.e[i].val)->cma);
                    emit("[CMA] ", &m.e[i], suffix);
                } else {
                    for (int k = 0; k < 6; k++) {
                        size_t r;
                        uint32_t v;
                        KIT_CHECK(ckms_query(m.e[i].val, qs[k], &r, &v) == 0);
                        snprintf(suffix, sizeof suffix, " %g:%u", qs[k], v);
                        emit("[CKMS] ", &m.e[i], suffix);
                    }
                }
            }
            fflush(stdout);
            fresh = 0;
        }
        free(e);
    }
    chan_receiver_drop(g->in);
    namemap_free(&m, g->cma ? free : free_ckms);
    return NULL;
}

/* ---- main: wiring and the clock ----------------------------------------------- */

static void usage_and_exit(void) __attribute__((noreturn));
static void usage_and_exit(void)
{
    printf("usage: telem [--host H] [--port P] [--limit N] [--error E] [--flush-ms MS]\n"
           "             [--bounded N] [--max-names N] [--slow-egress-us US]\n"
           "The book's telemetry server (ch. 4.8): UDP datagrams 'NAME VALUE' in; values <= limit\n"
           "go to a CKMS quantile egress, values >= limit to a cumulative-moving-average egress;\n"
           "every flush each egress prints its summary if new data arrived:\n"
           "  [CKMS] name q:value   for q in 0 0.25 0.5 0.75 0.9 0.99\n"
           "  [CMA] name mean\n"
           "  --host H            address to bind (default 127.0.0.1; loopback only by default)\n"
           "  --port P            UDP port, 0 = any free one (default 1990)\n"
           "  --limit N           low/high split (default 100; N itself goes to both)\n"
           "  --error E           CKMS rank error in (0, 1) (default 0.01)\n"
           "  --flush-ms MS       flush period (default 1000)\n"
           "  --bounded N         channels hold at most N events; points are dropped (and counted)\n"
           "                      when one is full: the book's back-pressure fix (default: unbounded)\n"
           "  --max-names N       distinct names per egress (default 100000); more are refused\n"
           "  --slow-egress-us US sleep US microseconds per point in the egresses: a slow sink\n"
           "Stops cleanly on SIGINT/SIGTERM: reports every point received since the last flush,\n"
           "then prints its counters on stderr.\n");
    exit(0);
}

static void parse_args(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host", required_argument, NULL, 'H' }, { "port", required_argument, NULL, 'p' },
        { "limit", required_argument, NULL, 'l' }, { "error", required_argument, NULL, 'e' },
        { "flush-ms", required_argument, NULL, 'f' }, { "bounded", required_argument, NULL, 'b' },
        { "max-names", required_argument, NULL, 'm' }, { "slow-egress-us", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'H': opt.host = optarg; break;
        case 'p': (void)kit_arg_u64("port", optarg, 0, 65535); opt.port = optarg; break;
        case 'l': opt.limit = kit_arg_u64("limit", optarg, 0, UINT32_MAX); break;
        case 'e': {
            char *end;
            errno = 0;
            opt.eps = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(opt.eps > 0 && opt.eps < 1))
                kit_usage_error("--error: expected a number in (0, 1), got '%s'", optarg);
            break;
        }
        case 'f': opt.flush_ms = kit_arg_u64("flush-ms", optarg, 1, 3600000); break;
        case 'b': opt.bounded = kit_arg_u64("bounded", optarg, 1, 1u << 24); break;
        case 'm': opt.max_names = kit_arg_u64("max-names", optarg, 1, 1u << 24); break;
        case 's': opt.slow_us = kit_arg_u64("slow-egress-us", optarg, 0, 1000000); break;
        case 'h': usage_and_exit();
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* Signals go to main alone, which waits for them between ticks. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    KIT_PT(pthread_sigmask(SIG_BLOCK, &sigs, NULL));
    KIT_CHECK(pipe(stop_pipe) == 0);

    size_t cap = opt.bounded; /* 0 = unbounded, as the book */
    struct chan *lp = chan_new(sizeof(struct event *), cap), *hp = chan_new(sizeof(struct event *), cap);
    struct chan *ck = chan_new(sizeof(struct event *), cap), *cm = chan_new(sizeof(struct event *), cap);
    KIT_CHECK(lp && hp && ck && cm);
    struct chan *filter_sends[2] = { lp, hp }; /* low first, then high */

    static struct ingest in;
    ingest_bind(&in, filter_sends);
    struct filter lf = { lp, ck, 0 }, hf = { hp, cm, 1 };
    struct egress ge = { ck, 0 }, gm = { cm, 1 };
    pthread_t ti, tl, th, tc, tm;
    kit_thread_create(&ti, ingest_run, &in);
    kit_thread_create(&tl, filter_run, &lf);
    kit_thread_create(&th, filter_run, &hf);
    kit_thread_create(&tc, egress_thread, &ge);
    kit_thread_create(&tm, egress_thread, &gm);

    struct event flush = { EV_FLUSH, 0, 0 };
    struct timespec period = { (time_t)(opt.flush_ms / 1000), (long)(opt.flush_ms % 1000) * 1000000L };
    int sig;
    for (;;) {
        fan_out(filter_sends, 2, &flush);
        while ((sig = sigtimedwait(&sigs, NULL, &period)) < 0 && errno == EINTR)
            ;
        if (sig > 0)
            break;
        KIT_CHECK(errno == EAGAIN);
    }

    /* Shutdown: stop the listeners, send a final Flush, drop main's senders;
     * each stage then sees CLOSED after draining its input and closes the next. */
    atomic_store_explicit(&stopping, 1, memory_order_relaxed);
    KIT_CHECK(write(stop_pipe[1], "x", 1) == 1);
    kit_thread_join(ti);
    /* Every point the listeners accepted is now queued ahead of this last
     * Flush (the channels are FIFO): the egresses report them before they
     * see CLOSED.  Without it, points since the last tick were never shown. */
    fan_out(filter_sends, 2, &flush);
    chan_sender_drop(lp);
    chan_sender_drop(hp);
    kit_thread_join(tl);
    kit_thread_join(th);
    kit_thread_join(tc);
    kit_thread_join(tm);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    fprintf(stderr, "telem: stopped by %s; datagrams %lu, points %lu, malformed %lu, bad_utf8 %lu, "
                    "oversize %lu, dropped_full %lu, names_refused %lu\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM", atomic_load(&n_datagrams), atomic_load(&n_points),
            atomic_load(&n_malformed), atomic_load(&n_bad_utf8), atomic_load(&n_oversize),
            atomic_load(&n_dropped_full), atomic_load(&n_names_refused));
    return 0;
}
