/* tmpdir.h - scratch queue directories for hopper's programs and tests:
 * mkdtemp under $TMPDIR (else /tmp), removed with everything in it. */
#ifndef HOPPER_TMPDIR_H
#define HOPPER_TMPDIR_H
#include <stddef.h>

/* Create $TMPDIR/hopper-XXXXXX into buf (len bytes).  Exits 1 with a message
 * on failure.  With at_exit set, the directory is removed when the process
 * exits normally (exit or return from main). */
void hq_tmpdir_create(char *buf, size_t len, int at_exit);

/* Remove path and everything under it (no symlinks followed).  Returns 0 or -1. */
int hq_tmpdir_remove(const char *path);
#endif
