/* linhist.c - the history parser; see linhist.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "linhist.h"

/* Intern a name (1-15 characters of [A-Za-z0-9_]) into table; -1 if full. */
static int intern(char tab[][LIN_NAME_LEN], size_t *n, const char *s, size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen(tab[i]) == len && memcmp(tab[i], s, len) == 0)
            return (int)i;
    if (*n == LIN_MAX_NAMES)
        return -1;
    memcpy(tab[*n], s, len);
    tab[*n][len] = '\0';
    return (int)(*n)++;
}

static size_t word(const char *p)
{
    size_t k = 0;
    while (k < LIN_NAME_LEN && (isalnum((unsigned char)p[k]) || p[k] == '_'))
        k++;
    return k < LIN_NAME_LEN ? k : 0;
}

int lin_parse(const char *text, size_t len_total, struct lin_history *h, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    int open[LIN_MAX_NAMES];
    for (size_t i = 0; i < LIN_MAX_NAMES; i++)
        open[i] = -1;
    uint64_t t = 0;
    unsigned lineno = 0;
    const char *endp = text + len_total;
    for (const char *line = text; line < endp; ) {
        const char *end = memchr(line, '\n', (size_t)(endp - line));
        size_t len = end ? (size_t)(end - line) : (size_t)(endp - line);
        lineno++;
        char buf[128];
        if (memchr(line, '\0', len) != NULL) {
            snprintf(err, errlen, "line %u: contains a NUL byte", lineno);
            return -1;
        }
        if (len >= sizeof buf) {
            snprintf(err, errlen, "line %u: longer than %zu characters", lineno, sizeof buf - 1);
            return -1;
        }
        memcpy(buf, line, len);
        buf[len] = '\0';
        line = end ? end + 1 : endp;
        char *p = buf;
        while (isspace((unsigned char)*p)) p++;
        if (*p == '\0' || *p == '#')
            continue;
        size_t k = word(p);
        if (k == 0 || p[k] != ':') {
            snprintf(err, errlen, "line %u: expected 'THREAD: EVENT', got '%s'", lineno, buf);
            return -1;
        }
        int th = intern(h->threads, &h->nthreads, p, k);
        if (th < 0) {
            snprintf(err, errlen, "line %u: more than %d threads", lineno, LIN_MAX_NAMES);
            return -1;
        }
        p += k + 1;
        while (*p == ' ' || *p == '\t') p++;
        const char *ev = p;
        size_t vl = 0;
        int val = -1;
        enum { INV_ENQ, INV_DEQ, RES_UNIT, RES_VAL, RES_EMPTY } what;
        if (strncmp(ev, "Enq(", 4) == 0 && (vl = word(ev + 4)) > 0 && ev[4 + vl] == ')') {
            what = INV_ENQ; val = intern(h->values, &h->nvalues, ev + 4, vl); p = (char *)ev + 5 + vl;
        } else if (strncmp(ev, "Deq()", 5) == 0) {
            what = INV_DEQ; p = (char *)ev + 5;
        } else if (strncmp(ev, "Ok(())", 6) == 0) {
            what = RES_UNIT; p = (char *)ev + 6;
        } else if (strncmp(ev, "Err(Empty)", 10) == 0) {
            what = RES_EMPTY; p = (char *)ev + 10;
        } else if (strncmp(ev, "Ok(", 3) == 0 && (vl = word(ev + 3)) > 0 && ev[3 + vl] == ')') {
            what = RES_VAL; val = intern(h->values, &h->nvalues, ev + 3, vl); p = (char *)ev + 4 + vl;
        } else {
            snprintf(err, errlen, "line %u: unknown event '%s' (Enq(v), Deq(), Ok(()), Ok(v), Err(Empty))", lineno, ev);
            return -1;
        }
        if ((what == INV_ENQ || what == RES_VAL) && val < 0) {
            snprintf(err, errlen, "line %u: more than %d distinct values", lineno, LIN_MAX_NAMES);
            return -1;
        }
        while (*p == ' ' || *p == '\t') p++;
        while (isdigit((unsigned char)*p)) p++; /* the event label */
        while (isspace((unsigned char)*p)) p++;
        if (*p != '\0') {
            snprintf(err, errlen, "line %u: trailing text '%s'", lineno, p);
            return -1;
        }
        if (what == INV_ENQ || what == INV_DEQ) {
            if (open[th] >= 0) {
                snprintf(err, errlen, "line %u: thread %s invokes while its previous op is pending", lineno, h->threads[th]);
                return -1;
            }
            if (h->n == LIN_MAX_OPS) {
                snprintf(err, errlen, "line %u: more than %d operations", lineno, LIN_MAX_OPS);
                return -1;
            }
            struct lin_op *o = &h->ops[h->n];
            o->thread = th;
            o->kind = what == INV_ENQ ? LIN_ENQ : LIN_DEQ;
            o->arg = val;
            o->pending = true;
            o->inv = t++;
            open[th] = (int)h->n++;
        } else {
            if (open[th] < 0) {
                snprintf(err, errlen, "line %u: response from %s with no pending invocation", lineno, h->threads[th]);
                return -1;
            }
            struct lin_op *o = &h->ops[open[th]];
            if ((o->kind == LIN_ENQ) != (what == RES_UNIT)) {
                snprintf(err, errlen, "line %u: %s does not answer %s's %s", lineno, ev, h->threads[th],
                         o->kind == LIN_ENQ ? "Enq" : "Deq");
                return -1;
            }
            o->pending = false;
            o->ok = what == RES_VAL;
            o->result = val;
            o->res = t++;
            open[th] = -1;
        }
    }
    return 0;
}

