/* receiver.c - hopper's Receiver: memory mode and disk mode (book section
 * 2.9.4, hopper src/receiver.rs).  While disk_to_read > 0 the receiver reads
 * only the queue files and takes no lock. */
#include "hopper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kit.h"

static int fail(struct hopper *h, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct hopper *h, int status, const char *fmt, ...)
{
    va_list ap;
    int e = errno;
    va_start(ap, fmt);
    vsnprintf(h->rcv_msg, sizeof h->rcv_msg, fmt, ap);
    va_end(ap);
    h->rcv_err = status;
    errno = e;
    return status;
}

/* The current file is finished (read-only and read to its end): delete it,
 * give its slot back to the senders, open the next one. */
static int next_file(struct hopper *h)
{
    char path[HQ_PATH_MAX];
    hq_qfile_path(path, sizeof path, h->root, h->rcv_seq);
    if (unlink(path) != 0)
        return fail(h, HQ_IO, "%s: cannot delete finished queue file: %s", path, strerror(errno));
    close(h->rcv_fd);
    h->rcv_fd = -1;
    atomic_fetch_add_explicit(&h->disk_files_capacity, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->files_deleted, 1, memory_order_relaxed);
    h->rcv_seq++;
    h->rcv_off = 0;
    h->rcv_buf.len = 0;
    hq_qfile_path(path, sizeof path, h->root, h->rcv_seq);
    h->rcv_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (h->rcv_fd < 0)
        return fail(h, HQ_IO, "%s: cannot open next queue file: %s", path, strerror(errno));
    return HQ_OK;
}

/* read_disk_value: the next announced record. */
static int read_disk_value(struct hopper *h, void *val)
{
    char path[HQ_PATH_MAX];
    uint32_t len = 0;
    for (;;) {
        off_t at = h->rcv_off;
        enum hq_read r = hq_qfile_read(h->rcv_fd, &h->rcv_buf, &h->rcv_off, val, (uint32_t)h->elem_size, &len);
        int ro;
        hq_qfile_path(path, sizeof path, h->root, h->rcv_seq);
        switch (r) {
        case HQ_READ_OK:
            h->disk_to_read--;
            return HQ_OK;
        case HQ_READ_EOF:
            ro = hq_qfile_is_readonly(h->rcv_fd);
            if (ro < 0)
                return fail(h, HQ_IO, "%s: fstat: %s", path, strerror(errno));
            if (ro) {
                int s = next_file(h);
                if (s != HQ_OK)
                    return s;
                continue;
            }
            /* Still the senders' file, yet an announced record is not there:
             * every record is written before its Disk(n) marker is pushed, so
             * the file was cut short behind our back.  (Hopper spins here.) */
            return fail(h, HQ_CORRUPT, "%s: offset %lld: %llu announced record(s) missing (file truncated?)",
                        path, (long long)at, (unsigned long long)h->disk_to_read);
        case HQ_READ_SHORT:
            return fail(h, HQ_CORRUPT, "%s: offset %lld: truncated record (file ends inside it)", path,
                        (long long)at);
        case HQ_READ_BADLEN:
            return fail(h, HQ_CORRUPT, "%s: offset %lld: length prefix %u, expected %zu", path,
                        (long long)at, len, h->elem_size);
        case HQ_READ_ERR:
            return fail(h, HQ_IO, "%s: offset %lld: read: %s", path, (long long)at, strerror(errno));
        }
    }
}

int hopper_recv(struct hopper *h, void *val, long timeout_ms)
{
    uint64_t deadline = timeout_ms < 0 ? 0 : kit_now_ns() + (uint64_t)timeout_ms * 1000000u + 1;
    if (h->rcv_err)
        return h->rcv_err;
    for (;;) {
        if (h->disk_to_read == 0) {
            uint32_t tag;
            uint64_t n;
            if (hq_deque_pop_front(&h->dq, &tag, &n, val, deadline) == ETIMEDOUT)
                return HQ_TIMEDOUT;
            if (tag == HQ_MEMORY)
                return HQ_OK;
            h->disk_to_read = n; /* flip to disk mode */
        } else {
            return read_disk_value(h, val);
        }
    }
}
