/* hopper.h - an MPSC channel bounded in bytes that spills to disk, in order:
 * a C re-creation of postmates/hopper 0.4.2 as the book studies it (ch. 5,
 * sections 2.8-2.9).
 *
 * Values are fixed-size blobs of elem_size bytes.  Up to mem_bytes of them
 * (max(1, mem_bytes / elem_size) slots: the book's size clamp) wait in a
 * two-lock ring deque (deque.h).  When the deque is full, send writes the value
 * to the queue files dir/name/<seq> (qfile.h), and an in-band Disk(n)
 * placement pushed later tells the receiver "the next n values are on disk",
 * which keeps one global FIFO order across the memory and disk paths.
 *
 * Any number of threads may send on the same struct hopper (all senders share
 * the one disk writer state under the deque's back lock, as hopper's Sender
 * clones do); exactly one thread may receive.
 *
 * Semantics this port guarantees (and tests):
 *   - every value a send accepted (HQ_OK) is received exactly once, in each
 *     sender's order, across memory/disk transitions and file roll-overs;
 *   - HQ_FULL: memory full and the file cap reached; the value was not taken
 *     and no file state changed (the capacity check comes before any state
 *     change, unlike hopper 0.4.2 which skipped a file number after Full and
 *     could later delete unread data: notes section 2.9.6); the caller still
 *     owns its value.  (A sender in disk mode does announce its earlier
 *     writes, see below.);
 *   - HQ_IO: the disk write failed (errno says why, e.g. EFBIG past
 *     RLIMIT_FSIZE); nothing was queued, no partial record is left behind;
 *   - the receiver reports a corrupt or truncated queue file (HQ_CORRUPT) and
 *     stops there: it never reads past it, and HQ_CORRUPT is sticky.  A
 *     finished file must hold exactly the records its size limit implies
 *     (file_limit / (4 + elem_size)); one cut short, even at a record
 *     boundary or to 0 bytes, is corrupt, never skipped;
 *   - a receive-side disk error that can pass (a failed open, fstat or read:
 *     HQ_IO) is not sticky: nothing was taken, the receiver's position is
 *     kept, and the next hopper_recv retries at the same record.  A finished,
 *     fully read file that cannot be deleted is no loss at all: the receiver
 *     goes on to the next file, keeps the file's slot (the senders see one
 *     file fewer), retries the delete at every later hopper_recv, and counts
 *     and reports the failure (stats.delete_failures, hopper_last_error);
 *   - the lazy flip (section 2.10.3): the first value that goes to disk is not
 *     announced until the next send or hopper_flush(); a receiver can block
 *     with that value "stranded".  Call hopper_flush() when done sending.
 * Deviations from hopper 0.4.2, on purpose: no bincode/DEFLATE (payloads are
 * the value's bytes, so files roll over at different points); every disk write
 * goes straight to the file with one pwrite(2) (no user-space buffer that a
 * failed flush could lose); the receiver treats "announced record missing" as
 * corruption rather than spinning on it; a sender in disk mode announces its
 * pending writes even when a send fails, which removes a livelock of 0.4.2
 * once every file is full (see sender.c); not_empty is notified after the
 * back lock is released.
 */
#ifndef HOPPER_H
#define HOPPER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "deque.h"
#include "qfile.h"

enum hq_status {
    HQ_OK = 0,
    HQ_FULL,      /* send: memory and disk both full; the value was not taken */
    HQ_IO,        /* send/recv: a file operation failed; errno holds the cause; nothing taken, retry */
    HQ_NOFLUSH,   /* flush: the deque is full, the Disk(n) marker could not be pushed yet */
    HQ_CORRUPT,   /* recv: a queue file is corrupt or truncated (see hopper_last_error) */
    HQ_TIMEDOUT,  /* recv with a timeout: nothing arrived in time */
};

#define HQ_FILE_FLOOR 0x100000u /* hopper's minimum per-file limit: 1 MiB */

struct hopper_config {
    size_t elem_size;        /* bytes per value, 1..4096 */
    uint64_t mem_bytes;      /* in-memory budget: slots = max(1, mem_bytes / elem_size) */
    uint64_t disk_bytes;     /* per-file limit before roll-over: max(file_floor, disk_bytes) */
    uint64_t max_disk_files; /* queue files beyond the first (file 0 is not counted) */
    uint64_t file_floor;     /* 0: HQ_FILE_FLOOR (the book's clamp); tests lower it to force roll-over */
};

struct hopper_stats {
    uint64_t mem_slots, file_limit;
    uint64_t files_created, files_deleted; /* beyond file 0 / by the receiver */
    uint64_t delete_failures;              /* failed deletes of finished files (retried) */
    uint64_t disk_writes, full_returns;
};

struct hopper {
    char root[HQ_PATH_MAX];       /* dir/name */
    size_t elem_size;
    uint64_t file_limit;
    struct hq_deque dq;
    /* Files the senders may still open.  Senders: load acquire, fetch_sub
     * release under back_lock; the receiver: fetch_add relaxed after unlink
     * (no data travels with it, as in hopper). */
    _Atomic uint64_t disk_files_capacity;
    /* Sender state ("SenderSync"), guarded by dq.back_lock. */
    int snd_fd;
    uint64_t snd_seq, bytes_written, total_disk_writes;
    /* Receiver state: the receiving thread's only. */
    int rcv_fd;
    uint64_t rcv_seq, disk_to_read;
    uint64_t rcv_del_seq;         /* first finished file not deleted yet (== rcv_seq: none) */
    off_t rcv_off;
    struct hq_rbuf rcv_buf;       /* read-ahead: one pread for many records */
    int rcv_err;                  /* sticky HQ_CORRUPT (HQ_IO is not sticky) */
    char rcv_msg[HQ_PATH_MAX + 200];
    /* Statistics (relaxed counters). */
    _Atomic uint64_t files_created, files_deleted, disk_writes, full_returns, delete_failures;
};

/* Create the queue directory dir/name (dir must exist), delete the queue files
 * left in it, open file 0 and build the channel (hopper's
 * channel_with_explicit_capacity).  Returns 0 and *out, or an errno value:
 * ENOENT (dir missing: hopper's NoSuchDirectory), EINVAL (bad name or config),
 * ENOMEM, or the file system's error. */
int hopper_open(struct hopper **out, const char *dir, const char *name, const struct hopper_config *cfg);

/* Close the channel (no thread may still use it).  remove_files: delete the
 * queue files and dir/name. */
void hopper_close(struct hopper *h, int remove_files);

/* send (any number of threads): copy elem_size bytes from val into the queue.
 * HQ_OK, HQ_FULL (nothing changed) or HQ_IO (errno set; nothing queued).
 * Blocks only on the back lock and file writes. Book section 2.9.5. */
int hopper_send(struct hopper *h, const void *val);

/* flush: announce values written to disk but not yet announced (the lazy
 * flip).  HQ_OK, or HQ_NOFLUSH when the deque is full (retry after the
 * receiver has taken something). */
int hopper_flush(struct hopper *h);

/* recv (one thread): the next value into val (elem_size bytes).  Blocks while
 * empty; timeout_ms >= 0 bounds the wait (then HQ_TIMEDOUT, nothing taken), -1
 * waits forever.  HQ_IO (errno set): a file operation failed, nothing was
 * taken and the position is kept; call again to retry.  HQ_CORRUPT: the data
 * is damaged; sticky, every later call returns it.  hopper_last_error() says
 * which file, offset and why.  Before anything else, retries deleting finished
 * files an earlier delete failed on.  Book section 2.9.4. */
int hopper_recv(struct hopper *h, void *val, long timeout_ms);

/* The receiver's last error or warning (an HQ_IO, HQ_CORRUPT, or a finished
 * file it could not delete yet), or "no error". */
const char *hopper_last_error(struct hopper *h);
const char *hopper_status_name(int status);
void hopper_get_stats(struct hopper *h, struct hopper_stats *st);
/* Values written to disk but not announced (takes the back lock). */
uint64_t hopper_unannounced(struct hopper *h);

#endif
