/* tmpdir.c - scratch queue directories; see tmpdir.h. */
#include "tmpdir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kit.h"

static char exit_dir[4096];

static void remove_at_exit(void)
{
    if (exit_dir[0])
        hq_tmpdir_remove(exit_dir);
}

void hq_tmpdir_create(char *buf, size_t len, int at_exit)
{
    const char *t = getenv("TMPDIR");
    if (t == NULL || *t == '\0')
        t = "/tmp";
    if (snprintf(buf, len, "%s/hopper-XXXXXX", t) >= (int)len)
        kit_die("TMPDIR too long: %s", t);
    if (mkdtemp(buf) == NULL)
        kit_die("mkdtemp %s", buf);
    if (at_exit && !exit_dir[0] && strlen(buf) < sizeof exit_dir) {
        strcpy(exit_dir, buf);
        atexit(remove_at_exit);
    }
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int hq_tmpdir_remove(const char *path)
{
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
