/* sender.c - hopper's Sender: memory mode, disk mode, the lazy flip and flush
 * (book section 2.9.5, hopper src/sender.rs).  All sender state lives under the
 * deque's back lock ("smuggled" state), so concurrent senders take turns. */
#include "hopper.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Notify after releasing the back lock (hopper notifies while holding it):
 * the no-lost-wake-up argument needs only that front_lock is taken after the
 * size increment, and a notify that makes a system call (the receiver is
 * asleep) then no longer holds every other sender up. */
static void wake(struct hopper *h, bool must_wake)
{
    if (must_wake)
        hq_deque_notify_not_empty(&h->dq);
}

/* Roll over to file snd_seq + 1.  Capacity check FIRST, so a FULL changes
 * nothing (hopper 0.4.2 bumped the sequence number before it, skipping a file
 * number; the receiver could then delete unread data: notes 2.9.6).  The next
 * file is created before the old one is marked read-only, so a receiver that
 * finds the old file finished always finds its successor. */
static int roll_over(struct hopper *h)
{
    char path[HQ_PATH_MAX];
    int fd, err;
    /* acquire: pairs with nothing that carries data (the receiver's fetch_add
     * is relaxed); kept as in hopper.  Only senders decrement, under back_lock,
     * so "not zero" cannot go stale between this load and the fetch_sub. */
    if (atomic_load_explicit(&h->disk_files_capacity, memory_order_acquire) == 0) {
        atomic_fetch_add_explicit(&h->full_returns, 1, memory_order_relaxed);
        return HQ_FULL;
    }
    if ((err = hq_qfile_path(path, sizeof path, h->root, h->snd_seq + 1)) != 0) {
        errno = err;
        return HQ_IO;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return HQ_IO;
    if ((err = hq_qfile_mark_readonly(h->snd_fd)) != 0) {
        close(fd);
        unlink(path);
        errno = err;
        return HQ_IO;
    }
    close(h->snd_fd);
    h->snd_fd = fd;
    h->snd_seq++;
    h->bytes_written = 0;
    atomic_fetch_sub_explicit(&h->disk_files_capacity, 1, memory_order_release);
    atomic_fetch_add_explicit(&h->files_created, 1, memory_order_relaxed);
    return HQ_OK;
}

/* write_to_disk: append one record to the current file, rolling over first if
 * it would pass the per-file limit.  Caller holds back_lock. */
static int write_to_disk(struct hopper *h, const void *val)
{
    uint64_t need = 4 + (uint64_t)h->elem_size;
    int r, err;
    if (h->bytes_written + need > h->file_limit && (r = roll_over(h)) != HQ_OK)
        return r;
    if ((err = hq_qfile_append(h->snd_fd, (off_t)h->bytes_written, val, (uint32_t)h->elem_size)) != 0) {
        errno = err;
        return HQ_IO;
    }
    h->bytes_written += need;
    atomic_fetch_add_explicit(&h->disk_writes, 1, memory_order_relaxed);
    return HQ_OK;
}

int hopper_send(struct hopper *h, const void *val)
{
    bool must_wake = false;
    int r = HQ_OK;
    hq_deque_lock_back(&h->dq);
    if (h->total_disk_writes == 0) {
        /* memory mode */
        if (hq_deque_push_back(&h->dq, HQ_MEMORY, 0, val, &must_wake) == 0) {
            hq_deque_unlock_back(&h->dq);
            wake(h, must_wake);
            return HQ_OK;
        }
        /* full: to disk, and NOT announced yet: the lazy flip */
        if ((r = write_to_disk(h, val)) == HQ_OK)
            h->total_disk_writes++;
    } else {
        /* disk mode: everything goes to disk until a Disk(n) marker fits */
        if ((r = write_to_disk(h, val)) == HQ_OK)
            h->total_disk_writes++;
        /* Announce even when this write failed (FULL or IO): hopper 0.4.2
         * returned early here, and a sender whose files were all full then
         * never announced its earlier writes, so the receiver could never read
         * and free a file - every later send was FULL, forever. */
        if (hq_deque_push_back(&h->dq, HQ_DISK, h->total_disk_writes, NULL, &must_wake) == 0)
            h->total_disk_writes = 0; /* back to memory mode */
    }
    hq_deque_unlock_back(&h->dq);
    wake(h, must_wake);
    return r;
}

int hopper_flush(struct hopper *h)
{
    bool must_wake = false;
    int r = HQ_OK;
    hq_deque_lock_back(&h->dq);
    if (h->total_disk_writes != 0) {
        if (hq_deque_push_back(&h->dq, HQ_DISK, h->total_disk_writes, NULL, &must_wake) == 0)
            h->total_disk_writes = 0;
        else
            r = HQ_NOFLUSH;
    }
    hq_deque_unlock_back(&h->dq);
    wake(h, must_wake);
    return r;
}
