/* qfile.c - queue files: naming, framing, the read-only marker; see qfile.h. */
#include "qfile.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if HQ_FAULTS
struct hq_fault hq_faults[HQ_FAULT_OPS];

int hq_fault_hit(enum hq_fault_op op)
{
    if (hq_faults[op].count == 0)
        return 0;
    hq_faults[op].count--;
    errno = hq_faults[op].err;
    return 1;
}
#endif

int hq_qfile_path(char *buf, size_t len, const char *root, uint64_t seq)
{
    int n = snprintf(buf, len, "%s/%llu", root, (unsigned long long)seq);
    return (n < 0 || (size_t)n >= len) ? ENAMETOOLONG : 0;
}

static int all_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Delete the queue files in root. */
static int wipe(const char *root)
{
    DIR *dir = opendir(root);
    struct dirent *e;
    char path[HQ_PATH_MAX];
    int err = 0;
    if (dir == NULL)
        return errno;
    for (;;) {
        errno = 0;
        if ((e = readdir(dir)) == NULL) {
            if (errno != 0)
                err = errno; /* e.g. EOVERFLOW: do not pretend the directory was wiped */
            break;
        }
        if (!all_digits(e->d_name))
            continue;
        if (snprintf(path, sizeof path, "%s/%s", root, e->d_name) >= (int)sizeof path) {
            err = ENAMETOOLONG;
            continue;
        }
        if (unlink(path) != 0 && errno != ENOENT)
            err = errno;
    }
    closedir(dir);
    return err;
}

int hq_qfile_prepare_dir(const char *root)
{
    struct stat st;
    if (mkdir(root, 0700) != 0 && errno != EEXIST)
        return errno;
    if (stat(root, &st) != 0)
        return errno;
    if (!S_ISDIR(st.st_mode))
        return ENOTDIR;
    return wipe(root);
}

int hq_qfile_remove_dir(const char *root)
{
    int err = wipe(root);
    if (err == 0 && rmdir(root) != 0)
        err = errno;
    return err;
}

int hq_qfile_append(int fd, off_t at, const void *payload, uint32_t len)
{
    unsigned char hdr[4] = { (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                             (unsigned char)(len >> 8), (unsigned char)len };
    unsigned char buf[4 + 4096];
    size_t total = 4 + (size_t)len, done = 0;
    if (len > 4096)
        return EINVAL;
    memcpy(buf, hdr, 4);
    memcpy(buf + 4, payload, len);
    /* one write(2) per record: a record is either all there or (after the
     * truncate below) not at all */
    while (done < total) {
        ssize_t w = pwrite(fd, buf + done, total - done, at + (off_t)done);
        if (w < 0) {
            int err = errno;
            if (err == EINTR)
                continue;
            if (done > 0 && ftruncate(fd, at) != 0) { /* keep the file record-aligned */
            }
            return err;
        }
        if (w == 0) {
            if (done > 0 && ftruncate(fd, at) != 0) {
            }
            return EIO;
        }
        done += (size_t)w;
    }
    return 0;
}

/* Read exactly n bytes at off, as far as the file goes; returns bytes read or -1. */
static ssize_t read_full(int fd, off_t off, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = HQ_FAULT(HQ_FAULT_READ) ? -1 : pread(fd, (unsigned char *)buf + got, n - got, off + (off_t)got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

enum hq_read hq_qfile_read(int fd, struct hq_rbuf *rb, off_t *off, void *buf, uint32_t want, uint32_t *len)
{
    size_t need = 4 + (size_t)want, avail;
    if (need > sizeof rb->buf)
        return HQ_READ_BADLEN;
    if (rb->len == 0 || *off < rb->start || (size_t)(*off - rb->start) + need > rb->len) {
        ssize_t r = read_full(fd, *off, rb->buf, sizeof rb->buf);
        rb->len = 0;
        if (r < 0)
            return HQ_READ_ERR;
        rb->start = *off;
        rb->len = (size_t)r;
    }
    const unsigned char *p = rb->buf + (*off - rb->start);
    avail = rb->len - (size_t)(*off - rb->start);
    if (avail == 0)
        return HQ_READ_EOF;
    if (avail < 4)
        return HQ_READ_SHORT;
    *len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    if (*len != want)
        return HQ_READ_BADLEN; /* hostile or corrupt: never allocate or skip by it */
    if (avail < need)
        return HQ_READ_SHORT;
    memcpy(buf, p + 4, want);
    *off += (off_t)need;
    return HQ_READ_OK;
}

int hq_qfile_is_readonly(int fd, off_t *size)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    if (size != NULL)
        *size = st.st_size;
    return (st.st_mode & 0222) == 0;
}

int hq_qfile_mark_readonly(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return errno;
    if (fchmod(fd, st.st_mode & 07555) != 0)
        return errno;
    return 0;
}
