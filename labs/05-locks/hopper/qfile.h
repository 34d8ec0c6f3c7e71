/* qfile.h - hopper's queue files (book section 2.9.2): the directory
 * dir/name/, files named by decimal sequence number (0, 1, 2, ... no padding),
 * records framed by a 4-byte big-endian length followed by that many payload
 * bytes, and "read-only" (no write bit in the mode, st_mode & 0222 == 0) as
 * the marker of a finished file.  Read-only is judged by mode bits, so it works
 * when the kit runs as root.  No compression (the original deflates each
 * bincode payload; libc has no zlib): payloads are the value's bytes. */
#ifndef HOPPER_QFILE_H
#define HOPPER_QFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HQ_PATH_MAX 4096

/* Write root/seq into buf (len bytes).  Returns 0, or ENAMETOOLONG. */
int hq_qfile_path(char *buf, size_t len, const char *root, uint64_t seq);

/* Create root (mode 0700 parents must exist) if missing and delete every
 * queue file (entries with an all-digit name) in it, as hopper's constructor
 * does.  Returns 0 or an errno value (ENOTDIR if root is not a directory). */
int hq_qfile_prepare_dir(const char *root);

/* Remove every queue file and then root itself.  Returns 0 or an errno value. */
int hq_qfile_remove_dir(const char *root);

/* Append one record (4-byte big-endian len, then len bytes of payload) with a
 * single write(2) at the end of fd, whose current size is `at`.  On a short or
 * failed write the file is truncated back to `at`, so a failed send leaves no
 * partial record behind.  Returns 0, or the errno value (EFBIG past
 * RLIMIT_FSIZE, ENOSPC, EIO...). */
int hq_qfile_append(int fd, off_t at, const void *payload, uint32_t len);

/* A read-ahead buffer for hq_qfile_read: one pread(2) fetches many records.
 * Only whole records are ever taken from it; a record not wholly inside is
 * read again from the file, so bytes a concurrent writer had not finished are
 * never used.  Set len = 0 to empty it (e.g. on switching files). */
struct hq_rbuf {
    off_t start;          /* file offset of buf[0] */
    size_t len;           /* valid bytes */
    unsigned char buf[65536];
};

/* Outcome of reading one record. */
enum hq_read {
    HQ_READ_OK = 0,     /* *len bytes of payload in buf */
    HQ_READ_EOF,        /* clean end of data at a record boundary */
    HQ_READ_SHORT,      /* end of file inside a record: truncated */
    HQ_READ_BADLEN,     /* length prefix != want: corrupt (nothing allocated from it) */
    HQ_READ_ERR,        /* read(2) failed; errno set */
};

/* Read the record at offset *off of fd (through rb), expecting a payload of exactly `want`
 * bytes (buf holds want bytes).  On HQ_READ_OK advances *off past it; on every
 * other outcome *off is unchanged, so the caller can retry or report. */
enum hq_read hq_qfile_read(int fd, struct hq_rbuf *rb, off_t *off, void *buf, uint32_t want, uint32_t *len);

/* 1 if fd's mode has no write bit (the finished-file marker), 0 if it has one,
 * -1 with errno on fstat failure.  size (if not NULL) gets the file's size. */
int hq_qfile_is_readonly(int fd, off_t *size);

/* Clear the three write bits of fd's mode.  Returns 0 or an errno value. */
int hq_qfile_mark_readonly(int fd);

#if HQ_FAULTS
/* Fault injection, compiled only into test builds (hopper_test's
 * -DHQ_FAULTS): the next hq_faults[op].count calls of that operation on the
 * receive side fail with errno hq_faults[op].err instead of reaching the
 * kernel, so a transient disk error is exact and works as root (directory
 * permissions do not stop root).  Single-threaded use: set it, then receive. */
enum hq_fault_op { HQ_FAULT_UNLINK, HQ_FAULT_OPEN, HQ_FAULT_READ, HQ_FAULT_OPS };
extern struct hq_fault { unsigned count; int err; } hq_faults[HQ_FAULT_OPS];
int hq_fault_hit(enum hq_fault_op op); /* 1 (errno set) if an injected failure is due */
#define HQ_FAULT(op) hq_fault_hit(op)
#else
#define HQ_FAULT(op) 0
#endif

#endif
