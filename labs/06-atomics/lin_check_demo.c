/* lin_check_demo - is a FIFO-queue history linearizable?  (ch. 6 section 2; the
 * search is lincheck.c's Wing & Gong backtracking.)
 *
 * Histories are written as the book prints them, one event a line, in time
 * order (a trailing event label is allowed and ignored):
 *
 *   A: Enq(x) 0        invocation of enq(x) by thread A
 *   B: Deq()  4        invocation of deq by thread B
 *   B: Ok(x)  5        response: deq returned x  (Ok(()) answers an Enq;
 *                      Err(Empty) is an empty deq)
 *
 * An invocation without a response is pending: the checker may complete it
 * or leave it out.  Built-in fixtures are the book's three histories (Herlihy
 * & Wing's examples): 1 linearizable with a pending Enq(z) completed, 2
 * linearizable with an op taking effect before its response, 3 NOT
 * linearizable (FIFO order violated). */
#include <ctype.h>
#include "kit.h"
#include "lincheck.h"
#include "linhist.h"

static const struct fixture {
    const char *name, *text;
    bool linearizable;
} fixtures[] = {
    { "history 1: two enqueuers, two dequeuers, a pending Enq(z)",
      "A: Enq(x) 0\nB: Enq(y) 1\nB: Ok(()) 2\nA: Ok(()) 3\nB: Deq() 4\nB: Ok(x) 5\n"
      "A: Deq() 6\nA: Ok(y) 7\nA: Enq(z) 8\n", true },
    { "history 2: Deq returns x before Enq(x) responds (the book's 'C: Ok(x)' is B's)",
      "A: Enq(x) 0\nB: Deq() 1\nB: Ok(x) 2\n", true },
    { "history 3: Enq(x) finished before Enq(y) began, but Deq returns y",
      "A: Enq(x) 0\nA: Ok(()) 1\nB: Enq(y) 2\nB: Ok(()) 3\nA: Deq() 4\nA: Ok(y) 5\n", false },
};

static void show_op(const struct lin_history *h, const struct lin_op *o)
{
    const char *th = h->threads[o->thread];
    if (o->kind == LIN_ENQ)
        printf("%s: Enq(%s), %s: Ok(())", th, h->values[o->arg], th);
    else if (o->pending)
        printf("%s: Deq(), %s: (completed)", th, th);
    else if (o->ok)
        printf("%s: Deq(), %s: Ok(%s)", th, th, h->values[o->result]);
    else
        printf("%s: Deq(), %s: Err(Empty)", th, th);
}

/* Check one history and print the verdict and witness; returns linearizable. */
static int check(const struct lin_history *h)
{
    size_t order[LIN_MAX_OPS], n;
    int verdict = lin_check_queue(h->ops, h->n, order, &n);
    bool lin = verdict == LIN_YES;
    if (verdict == LIN_UNKNOWN) {
        printf("  verdict: undecided: the search gave up after %u steps\n", LIN_MAX_STEPS);
    } else if (lin) {
        printf("  verdict: linearizable; equivalent sequential history:\n    ");
        for (size_t i = 0; i < n; i++) {
            show_op(h, &h->ops[order[i]]);
            if (h->ops[order[i]].pending)
                printf(" [pending, completed]");
            printf(i + 1 < n ? ",\n    " : "\n");
        }
    } else {
        printf("  verdict: NOT linearizable: no sequential FIFO order respects the real-time order\n");
    }
    return verdict;
}

/* in, with every byte outside printable ASCII written as \xHH, into out (n bytes). */
static const char *escape(const char *in, char *out, size_t n)
{
    size_t k = 0;
    for (; *in != '\0' && k + 5 <= n; in++) {
        unsigned char c = (unsigned char)*in;
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[k++] = (char)c;
        else
            k += (size_t)snprintf(out + k, n - k, "\\x%02x", c);
    }
    out[k] = '\0';
    return out;
}

static void usage(void)
{
    printf("usage: lin_check_demo [--fixture 1|2|3|all] [--file PATH]\n"
           "Linearizability checker for FIFO-queue histories (Wing & Gong search).\n"
           "  --fixture N   check the book's history N (default: all three), compare with\n"
           "                the book's verdict; exit 1 on a mismatch\n"
           "  --file PATH   check the history in PATH ('-' for stdin): one event a line,\n"
           "                'A: Enq(x)', 'B: Deq()', 'B: Ok(x)', 'A: Ok(())', 'B: Err(Empty)',\n"
           "                at most %d operations; exit 0 linearizable, 1 not, 3 undecided\n"
           "                (the search gives up after %u steps)\n", LIN_MAX_OPS, LIN_MAX_STEPS);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "fixture", required_argument, NULL, 'f' },
        { "file", required_argument, NULL, 'F' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int which = 0; /* 0: all */
    const char *path = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f': which = strcmp(optarg, "all") == 0 ? 0 : (int)kit_arg_u64("fixture", optarg, 1, 3); break;
        case 'F': path = optarg; break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    static struct lin_history h;
    char err[256];
    if (path != NULL) {
        static char text[64 * 1024];
        FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
        if (f == NULL)
            kit_usage_error("--file: cannot open '%s': %s", path, strerror(errno));
        size_t len = fread(text, 1, sizeof text - 1, f);
        bool more = fgetc(f) != EOF;
        /* a directory opens fine and then fails to read (EISDIR): without
         * this it read as an empty, "linearizable" history */
        int rerr = ferror(f) ? errno : 0;
        if (f != stdin)
            fclose(f);
        if (rerr != 0)
            kit_usage_error("--file: cannot read '%s': %s", path, strerror(rerr));
        if (more)
            kit_usage_error("--file: '%s' is longer than %zu bytes", path, sizeof text - 1);
        text[len] = '\0';
        if (lin_parse(text, len, &h, err, sizeof err) != 0) {
            /* err quotes the offending line: a binary file's bytes would reach
             * the terminal raw (escape sequences included) */
            char safe[4 * sizeof err];
            kit_usage_error("--file: '%s': %s", path, escape(err, safe, sizeof safe));
        }
        printf("%s: %zu operations, %zu threads\n", path, h.n, h.nthreads);
        int v = check(&h);
        return v == LIN_YES ? 0 : v == LIN_NO ? 1 : 3;
    }
    int bad = 0;
    for (int i = 0; i < 3; i++) {
        if (which != 0 && which != i + 1)
            continue;
        const struct fixture *fx = &fixtures[i];
        KIT_CHECK(lin_parse(fx->text, strlen(fx->text), &h, err, sizeof err) == 0);
        printf("%s (book: %s)\n", fx->name, fx->linearizable ? "linearizable" : "NOT linearizable");
        for (const char *p = fx->text; *p; ) {
            const char *e = strchr(p, '\n');
            printf("    %.*s\n", (int)(e - p), p);
            p = e + 1;
        }
        bool lin = check(&h) == LIN_YES;
        printf("  %s\n\n", lin == fx->linearizable ? "matches the book" : "DOES NOT MATCH the book");
        bad |= lin != fx->linearizable;
    }
    return bad;
}
