/* chan.c - see chan.h. */
#include "chan.h"
#include "kit.h"

struct chan {
    pthread_mutex_t lk;
    pthread_cond_t not_full;  /* senders wait here (bounded only) */
    pthread_cond_t not_empty; /* the receiver waits here */
    unsigned char *buf;       /* ring of slots elements of elem_size bytes */
    size_t elem_size, slots, head, len;
    size_t cap;               /* 0 = unbounded */
    size_t senders;           /* live sender handles */
    int receiver;             /* 1 while the receiver handle lives */
};

struct chan *chan_new(size_t elem_size, size_t cap)
{
    if (elem_size == 0 || (cap && cap > SIZE_MAX / elem_size)) {
        errno = EINVAL;
        return NULL;
    }
    struct chan *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->elem_size = elem_size;
    c->cap = cap;
    c->slots = cap ? cap : 16;
    c->buf = malloc(c->slots * elem_size);
    if (!c->buf) {
        free(c);
        return NULL;
    }
    c->senders = 1;
    c->receiver = 1;
    kit_mutex_init(&c->lk);
    kit_cond_init(&c->not_full);
    kit_cond_init(&c->not_empty);
    return c;
}

static void chan_free(struct chan *c)
{
    kit_cond_destroy(&c->not_full);
    kit_cond_destroy(&c->not_empty);
    kit_mutex_destroy(&c->lk);
    free(c->buf);
    free(c);
}

/* Double an unbounded ring, unwrapping it so head is 0.  Lock held. */
static void chan_grow(struct chan *c)
{
    KIT_CHECK(c->slots <= SIZE_MAX / 2 / c->elem_size);
    unsigned char *nb = malloc(2 * c->slots * c->elem_size);
    KIT_CHECK(nb != NULL);
    size_t first = c->slots - c->head; /* elements from head to the end */
    if (first > c->len)
        first = c->len;
    memcpy(nb, c->buf + c->head * c->elem_size, first * c->elem_size);
    memcpy(nb + first * c->elem_size, c->buf, (c->len - first) * c->elem_size);
    free(c->buf);
    c->buf = nb;
    c->head = 0;
    c->slots *= 2;
}

/* Append *elem.  Lock held, room guaranteed by the caller. */
static void chan_push(struct chan *c, const void *elem)
{
    if (c->len == c->slots)
        chan_grow(c);
    size_t tail = (c->head + c->len) % c->slots;
    memcpy(c->buf + tail * c->elem_size, elem, c->elem_size);
    c->len++;
    kit_cond_signal(&c->not_empty);
}

static void chan_pop(struct chan *c, void *out)
{
    memcpy(out, c->buf + c->head * c->elem_size, c->elem_size);
    c->head = (c->head + 1) % c->slots;
    c->len--;
    if (c->cap)
        kit_cond_signal(&c->not_full);
}

static int chan_send_impl(struct chan *c, const void *elem, int block)
{
    int rc = CHAN_OK;
    kit_mutex_lock(&c->lk);
    while (c->receiver && c->cap && c->len == c->cap) {
        if (!block) {
            rc = CHAN_FULL;
            goto out;
        }
        kit_cond_wait(&c->not_full, &c->lk);
    }
    if (!c->receiver)
        rc = CHAN_CLOSED;
    else
        chan_push(c, elem);
out:
    kit_mutex_unlock(&c->lk);
    return rc;
}

int chan_send(struct chan *c, const void *elem) { return chan_send_impl(c, elem, 1); }
int chan_try_send(struct chan *c, const void *elem) { return chan_send_impl(c, elem, 0); }

static int chan_recv_impl(struct chan *c, void *out, int block)
{
    int rc = CHAN_OK;
    kit_mutex_lock(&c->lk);
    while (c->len == 0 && c->senders > 0) {
        if (!block) {
            rc = CHAN_EMPTY;
            goto out;
        }
        kit_cond_wait(&c->not_empty, &c->lk);
    }
    if (c->len == 0)
        rc = CHAN_CLOSED;
    else
        chan_pop(c, out);
out:
    kit_mutex_unlock(&c->lk);
    return rc;
}

int chan_recv(struct chan *c, void *out) { return chan_recv_impl(c, out, 1); }
int chan_try_recv(struct chan *c, void *out) { return chan_recv_impl(c, out, 0); }

size_t chan_len(struct chan *c)
{
    kit_mutex_lock(&c->lk);
    size_t n = c->len;
    kit_mutex_unlock(&c->lk);
    return n;
}

void chan_sender_clone(struct chan *c)
{
    kit_mutex_lock(&c->lk);
    KIT_CHECK(c->senders > 0); /* cloning needs a live sender */
    c->senders++;
    kit_mutex_unlock(&c->lk);
}

void chan_sender_drop(struct chan *c)
{
    kit_mutex_lock(&c->lk);
    KIT_CHECK(c->senders > 0);
    int last = --c->senders == 0;
    int dead = last && !c->receiver;
    if (last)
        kit_cond_broadcast(&c->not_empty);
    kit_mutex_unlock(&c->lk);
    if (dead)
        chan_free(c);
}

void chan_receiver_drop(struct chan *c)
{
    kit_mutex_lock(&c->lk);
    KIT_CHECK(c->receiver);
    c->receiver = 0;
    int dead = c->senders == 0;
    kit_cond_broadcast(&c->not_full);
    kit_mutex_unlock(&c->lk);
    if (dead)
        chan_free(c);
}
