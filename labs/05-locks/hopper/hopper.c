/* hopper.c - channel construction, teardown and statistics; see hopper.h. */
#include "hopper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hopper_open(struct hopper **out, const char *dir, const char *name, const struct hopper_config *cfg)
{
    struct stat st;
    char path[HQ_PATH_MAX];
    struct hopper *h;
    int err;
    uint64_t floor = cfg->file_floor ? cfg->file_floor : HQ_FILE_FLOOR, slots;

    *out = NULL;
    if (name == NULL || name[0] == '\0' || strchr(name, '/') || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0 || cfg->elem_size == 0 || cfg->elem_size > 4096 ||
        floor < 4 + cfg->elem_size)
        return EINVAL;
    if (stat(dir, &st) != 0)
        return errno;
    if (!S_ISDIR(st.st_mode))
        return ENOTDIR;
    h = calloc(1, sizeof *h);
    if (h == NULL)
        return ENOMEM;
    h->snd_fd = h->rcv_fd = -1;
    if (snprintf(h->root, sizeof h->root, "%s/%s", dir, name) >= (int)sizeof h->root - 24) {
        free(h);
        return ENAMETOOLONG;
    }
    h->elem_size = cfg->elem_size;
    /* the book's clamps: at least one slot; at least 1 MiB per file */
    slots = cfg->mem_bytes / cfg->elem_size;
    if (slots == 0)
        slots = 1;
    if (slots > SIZE_MAX / 2) {
        free(h);
        return ENOMEM;
    }
    h->file_limit = cfg->disk_bytes > floor ? cfg->disk_bytes : floor;
    atomic_init(&h->disk_files_capacity, cfg->max_disk_files);
    atomic_init(&h->files_created, 0);
    atomic_init(&h->files_deleted, 0);
    atomic_init(&h->disk_writes, 0);
    atomic_init(&h->full_returns, 0);
    atomic_init(&h->delete_failures, 0);
    if ((err = hq_qfile_prepare_dir(h->root)) != 0) {
        free(h);
        return err;
    }
    if ((err = hq_deque_init(&h->dq, (size_t)slots, cfg->elem_size)) != 0)
        goto fail;
    hq_qfile_path(path, sizeof path, h->root, 0);
    h->snd_fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (h->snd_fd < 0 || (h->rcv_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        err = errno;
        goto fail;
    }
    *out = h;
    return 0;
fail:
    if (h->snd_fd >= 0)
        close(h->snd_fd);
    hq_deque_destroy(&h->dq);
    hq_qfile_remove_dir(h->root);
    free(h);
    return err;
}

void hopper_close(struct hopper *h, int remove_files)
{
    if (h == NULL)
        return;
    if (h->snd_fd >= 0)
        close(h->snd_fd);
    if (h->rcv_fd >= 0)
        close(h->rcv_fd);
    hq_deque_destroy(&h->dq);
    if (remove_files) {
        /* finished files are read-only; unlink needs only the directory's write bit */
        hq_qfile_remove_dir(h->root);
    }
    free(h);
}

const char *hopper_last_error(struct hopper *h)
{
    return h->rcv_msg[0] ? h->rcv_msg : "no error";
}

const char *hopper_status_name(int status)
{
    static const char *const names[] = { "OK", "FULL", "IO", "NOFLUSH", "CORRUPT", "TIMEDOUT" };
    return status >= 0 && status <= HQ_TIMEDOUT ? names[status] : "?";
}

void hopper_get_stats(struct hopper *h, struct hopper_stats *st)
{
    st->mem_slots = h->dq.capacity;
    st->file_limit = h->file_limit;
    st->files_created = atomic_load_explicit(&h->files_created, memory_order_relaxed);
    st->files_deleted = atomic_load_explicit(&h->files_deleted, memory_order_relaxed);
    st->disk_writes = atomic_load_explicit(&h->disk_writes, memory_order_relaxed);
    st->full_returns = atomic_load_explicit(&h->full_returns, memory_order_relaxed);
    st->delete_failures = atomic_load_explicit(&h->delete_failures, memory_order_relaxed);
}

uint64_t hopper_unannounced(struct hopper *h)
{
    uint64_t n;
    hq_deque_lock_back(&h->dq);
    n = h->total_disk_writes;
    hq_deque_unlock_back(&h->dq);
    return n;
}
