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

/* Record why; HQ_CORRUPT (damaged data) is sticky, HQ_IO (an operation that
 * may succeed later) is not: the caller's next hopper_recv retries it. */
static int fail(struct hopper *h, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct hopper *h, int status, const char *fmt, ...)
{
    va_list ap;
    int e = errno;
    va_start(ap, fmt);
    vsnprintf(h->rcv_msg, sizeof h->rcv_msg, fmt, ap);
    va_end(ap);
    if (status == HQ_CORRUPT)
        h->rcv_err = status;
    errno = e;
    return status;
}

/* Delete the finished, fully read files rcv_del_seq .. rcv_seq - 1, oldest
 * first, giving each one's slot back to the senders.  A failed unlink loses
 * nothing (every record in the file has been delivered), so it is not an
 * error of the receive: it is counted, noted in hopper_last_error, and
 * retried at the next hopper_recv; meanwhile the file keeps its slot, so the
 * senders see one file fewer (FULL sooner), never a reused number. */
static void delete_finished(struct hopper *h)
{
    char path[HQ_PATH_MAX];
    while (h->rcv_del_seq < h->rcv_seq) {
        hq_qfile_path(path, sizeof path, h->root, h->rcv_del_seq);
        if ((HQ_FAULT(HQ_FAULT_UNLINK) || unlink(path) != 0) && errno != ENOENT) {
            int e = errno;
            atomic_fetch_add_explicit(&h->delete_failures, 1, memory_order_relaxed);
            snprintf(h->rcv_msg, sizeof h->rcv_msg,
                     "%s: cannot delete finished queue file (all of it was received; retried at the next receive): %s",
                     path, strerror(e));
            return;
        }
        h->rcv_del_seq++;
        atomic_fetch_add_explicit(&h->disk_files_capacity, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&h->files_deleted, 1, memory_order_relaxed);
    }
}

/* The current file is finished and wholly read: open the next one FIRST, so a
 * failure there (HQ_IO: EMFILE, EINTR, ...) changes nothing and the next call
 * retries it; then switch to it and delete the finished one.  The sender
 * creates file n + 1 before it marks n finished, so a missing successor
 * (ENOENT) is damage: HQ_CORRUPT. */
static int next_file(struct hopper *h)
{
    char path[HQ_PATH_MAX];
    int fd, e;
    hq_qfile_path(path, sizeof path, h->root, h->rcv_seq + 1);
    fd = HQ_FAULT(HQ_FAULT_OPEN) ? -1 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        return fail(h, e == ENOENT ? HQ_CORRUPT : HQ_IO, "%s: cannot open next queue file: %s", path, strerror(e));
    }
    close(h->rcv_fd);
    h->rcv_fd = fd;
    h->rcv_seq++;
    h->rcv_off = 0;
    h->rcv_buf.len = 0;
    delete_finished(h);
    return HQ_OK;
}

/* Announced records remain but the current file has none at rcv_off (its end,
 * or the most records its size limit allows).  Go on only if the file is
 * finished (read-only) and whole: exactly file_limit / (4 + elem_size)
 * records, all read.  Hopper moved on from any read-only file, so a finished
 * file cut at a record boundary lost its tail silently. */
static int end_of_file(struct hopper *h, const char *path)
{
    uint64_t rec = 4 + (uint64_t)h->elem_size, full = h->file_limit / rec * rec;
    off_t size = 0;
    int ro = hq_qfile_is_readonly(h->rcv_fd, &size);
    if (ro < 0)
        return fail(h, HQ_IO, "%s: fstat: %s", path, strerror(errno));
    /* Still the senders' file, yet an announced record is not there: every
     * record is written before its Disk(n) marker is pushed, and a full file
     * is marked finished before the next record goes to its successor, so
     * the file was cut short behind our back.  (Hopper spins here.) */
    if (!ro)
        return fail(h, HQ_CORRUPT, "%s: offset %lld: %llu announced record(s) missing (file truncated?)", path,
                    (long long)h->rcv_off, (unsigned long long)h->disk_to_read);
    if ((uint64_t)size != full || (uint64_t)h->rcv_off != full)
        return fail(h, HQ_CORRUPT,
                    "%s: offset %lld: finished queue file is %lld bytes, not %llu (%llu records): cut short or extended",
                    path, (long long)h->rcv_off, (long long)size, (unsigned long long)full,
                    (unsigned long long)(full / rec));
    return next_file(h);
}

/* read_disk_value: the next announced record. */
static int read_disk_value(struct hopper *h, void *val)
{
    char path[HQ_PATH_MAX];
    uint64_t full = h->file_limit / (4 + (uint64_t)h->elem_size) * (4 + (uint64_t)h->elem_size);
    uint32_t len = 0;
    for (;;) {
        off_t at = h->rcv_off;
        enum hq_read r;
        int s;
        hq_qfile_path(path, sizeof path, h->root, h->rcv_seq);
        /* a file holds at most `full` bytes of records: never read past them */
        r = (uint64_t)at >= full ? HQ_READ_EOF
                                 : hq_qfile_read(h->rcv_fd, &h->rcv_buf, &h->rcv_off, val, (uint32_t)h->elem_size, &len);
        switch (r) {
        case HQ_READ_OK:
            h->disk_to_read--;
            return HQ_OK;
        case HQ_READ_EOF:
            if ((s = end_of_file(h, path)) != HQ_OK)
                return s;
            continue;
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
    if (h->rcv_del_seq < h->rcv_seq)
        delete_finished(h); /* an earlier delete failed: retry it */
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
