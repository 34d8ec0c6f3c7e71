/* hopper_test.c - hopper's semantics, scenario by scenario (book sections
 * 2.9.2-2.9.6), single-threaded so every outcome is exact:
 *   clamps       slots = max(1, mem/elem), per-file limit = max(1 MiB, disk)
 *   layout       dir/name/<seq>, 4-byte big-endian length, read-only when finished
 *   full_resume  FULL changes nothing and hands the value back; the receiver
 *                drains, sending resumes, nothing missing, no file number
 *                skipped (hopper 0.4.2's defect, notes end of 2.9.6), 5 cycles
 *   rlimit       a write past RLIMIT_FSIZE (SIGXFSZ ignored -> EFBIG, even a
 *                partial one) returns HQ_IO with the value; no partial record
 *                stays behind; sending resumes once the limit is lifted
 *   open_error   the next queue file cannot be created (a directory is in its
 *                place): HQ_IO, nothing changed; works as root
 *   corrupt      wrong length prefix, record cut short, records missing: the
 *                receiver reports HQ_CORRUPT at the right offset, sticky,
 *                after delivering every value before the damage
 *   cut_finished a finished file cut at a record boundary, cut to 0 bytes, or
 *                with a record added: HQ_CORRUPT, never a skipped or extra value
 *   transient    injected receive-side failures (-DHQ_FAULTS): deleting a
 *                finished file fails (3 times; for 3 whole cycles), opening the
 *                next file fails (EMFILE), a read fails (EIO): nothing lost,
 *                nothing sticky, every accepted value delivered once, in order
 *   open_args    missing dir, bad name, a file in place of the directory
 * Reports through common/check.h: one "ok ..." / "FAIL ...: detail" line per
 * check, then "# N checks, F failed"; exit 1 if any failed. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "hopper.h"
#include "kit.h"
#include "tmpdir.h"

static char tmp[1024];

static struct hopper *open_q(const char *name, size_t elem, uint64_t mem, uint64_t disk, uint64_t files, uint64_t floor)
{
    struct hopper_config c = { elem, mem, disk, files, floor };
    struct hopper *h;
    int e = hopper_open(&h, tmp, name, &c);
    if (e != 0) {
        /* nothing after this can run: report it as a failed check and stop */
        CHECK_THAT(0, "hopper_open of a scenario's queue", "%s: %s", name, strerror(e));
        exit(check_done());
    }
    return h;
}

static void path_of(char *buf, const char *name, uint64_t seq)
{
    snprintf(buf, 4096, "%s/%s/%" PRIu64, tmp, name, seq);
}

static int exists(const char *name, uint64_t seq)
{
    char p[4096];
    struct stat st;
    path_of(p, name, seq);
    return stat(p, &st) == 0;
}

static void test_clamps(void)
{
    struct hopper_stats st;
    struct hopper *h = open_q("clamp1", 4, 40, 400000, 1, 0);
    hopper_get_stats(h, &st);
    CHECK_THAT(st.mem_slots == 10 && st.file_limit == 1048576, "clamps: u32, 40 B, 400,000 B (the book's example) -> 10 slots, 1 MiB files",
          "%" PRIu64 " slots, %" PRIu64 " B", st.mem_slots, st.file_limit);
    hopper_close(h, 1);
    h = open_q("clamp2", 8, 7, 3u << 20, 1, 0);
    hopper_get_stats(h, &st);
    CHECK_THAT(st.mem_slots == 1 && st.file_limit == 3u << 20, "clamps: 7 B for a u64 -> 1 slot; 3 MiB per file kept",
          "%" PRIu64 " slots, %" PRIu64 " B", st.mem_slots, st.file_limit);
    hopper_close(h, 1);
}

static void test_layout(void)
{
    struct hopper *h = open_q("layout", 8, 8, 0, 3, 40); /* 1 slot; 40 B files = 3 records */
    char p[4096];
    unsigned char b[12];
    struct stat st;
    uint64_t v;
    int ok = 1;
    for (v = 0; v < 8; v++)
        ok &= hopper_send(h, &v) == HQ_OK; /* 0 in memory, 1..7 on disk: files 0,1,2 */
    CHECK_THAT(ok, "layout: 8 sends into 1 slot + 40-byte files accepted", "a send failed");
    path_of(p, "layout", 0);
    int fd = open(p, O_RDONLY);
    ok = fd >= 0 && pread(fd, b, 12, 0) == 12 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 8 && b[4] == 1 &&
         fstat(fd, &st) == 0 && st.st_size == 36 && (st.st_mode & 0222) == 0;
    CHECK_THAT(ok, "layout: file 0 = 3 records [00 00 00 08][8 bytes LE], 36 bytes, read-only (finished)",
          "size %lld mode %o first bytes %02x %02x %02x %02x %02x", (long long)st.st_size, (unsigned)st.st_mode, b[0], b[1], b[2], b[3], b[4]);
    if (fd >= 0)
        close(fd);
    path_of(p, "layout", 2);
    ok = stat(p, &st) == 0 && (st.st_mode & 0222) != 0 && st.st_size == 12 && exists("layout", 1) && !exists("layout", 3);
    CHECK_THAT(ok, "layout: files named 0, 1, 2; the current one (2) still writable", "file 2 missing, read-only or wrong size");
    /* receive all: files 0 and 1 are deleted as they are finished */
    ok = 1;
    hopper_recv(h, &v, 1000);
    ok &= v == 0;
    ok &= hopper_flush(h) == HQ_OK;
    for (uint64_t i = 1; i < 8; i++)
        ok &= hopper_recv(h, &v, 1000) == HQ_OK && v == i;
    ok &= !exists("layout", 0) && !exists("layout", 1) && exists("layout", 2);
    CHECK_THAT(ok, "layout: 0..7 received in order; finished files 0 and 1 deleted, 2 kept", "order or files wrong");
    hopper_close(h, 1);
}

static void test_full_resume(void)
{
    /* 1 slot, 64-byte files (5 records of 12 B), 1 extra file: 11 values fit */
    struct hopper *h = open_q("full", 8, 8, 0, 1, 64);
    uint64_t next_send = 0, next_recv = 0, v;
    int ok_order = 1, ok_fit = 1, ok_untouched = 1, ok_files = 1;
    struct hopper_stats st;
    for (int cycle = 0; cycle < 5; cycle++) {
        uint64_t accepted = 0;
        for (;;) {
            v = next_send;
            int r = hopper_send(h, &v);
            if (r == HQ_FULL) {
                ok_untouched &= v == next_send;
                break;
            }
            if (r != HQ_OK) {
                ok_fit = 0;
                break;
            }
            next_send++;
            accepted++;
        }
        /* in cycle 0: 1 in memory + 2 files x 5; later the receiver's file is
         * partly read, so fewer fit; at least one always does */
        if (cycle == 0)
            ok_fit &= accepted == 11;
        else
            ok_fit &= accepted >= 1;
        /* drain completely: flush announces the lazy writes once there is room */
        while (next_recv < next_send) {
            int r = hopper_recv(h, &v, 0);
            if (r == HQ_TIMEDOUT) {
                if (hopper_flush(h) != HQ_OK || hopper_recv(h, &v, 1000) != HQ_OK) {
                    ok_order = 0;
                    break;
                }
            } else if (r != HQ_OK) {
                ok_order = 0;
                check_note("full_resume: recv: %s: %s", hopper_status_name(r), hopper_last_error(h));
                break;
            }
            ok_order &= v == next_recv;
            next_recv++;
        }
        ok_order &= hopper_recv(h, &v, 0) == HQ_TIMEDOUT;
    }
    hopper_get_stats(h, &st);
    /* contiguous numbering: every file the senders created was found and deleted in turn */
    ok_files = st.files_created >= 5 && st.files_deleted + 1 >= st.files_created && exists("full", st.files_created) &&
               !exists("full", st.files_created + 1);
    CHECK_THAT(ok_fit, "full_resume: 11 values fit (1 slot + 2 files x 5 records), then FULL; every later cycle accepts some", "accepted count wrong");
    CHECK_THAT(ok_untouched, "full_resume: FULL hands the value back untouched", "value changed");
    CHECK_THAT(ok_order, "full_resume: 5 cycles of fill-until-FULL then drain: every accepted value received once, in order",
          "order broken at %" PRIu64, next_recv);
    CHECK_THAT(ok_files, "full_resume: no file number skipped after FULL (created files = deleted + current)",
          "created %" PRIu64 " deleted %" PRIu64, st.files_created, st.files_deleted);
    CHECK_THAT(st.full_returns >= 5, "full_resume: FULL counted once per cycle", "%" PRIu64, st.full_returns);
    hopper_close(h, 1);
}

static void test_rlimit(void)
{
    struct rlimit old, lim;
    struct hopper *h = open_q("rlimit", 8, 8, 0, 1, 0); /* 1 MiB files */
    uint64_t v, sent = 0, got = 0;
    int r = HQ_OK, err = 0, ok = 1;
    signal(SIGXFSZ, SIG_IGN); /* so write(2) fails with EFBIG instead of killing us */
    KIT_CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    lim = old;
    lim.rlim_cur = 65536; /* 5461 records + 4 bytes: the 5462nd write is partial */
    KIT_CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    while (sent < 100000) {
        v = sent;
        r = hopper_send(h, &v);
        err = errno;
        if (r != HQ_OK)
            break;
        sent++;
    }
    KIT_CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
    CHECK_THAT(r == HQ_IO && err == EFBIG && v == sent && sent == 1 + 5461,
          "rlimit: the write past RLIMIT_FSIZE returns HQ_IO (EFBIG) with the value, after exactly 1 + 5461 accepted",
          "status %s errno %s after %" PRIu64, hopper_status_name(r), strerror(err), sent);
    char p[4096];
    struct stat st;
    path_of(p, "rlimit", 0);
    CHECK_THAT(stat(p, &st) == 0 && st.st_size == 5461 * 12, "rlimit: the partial record was cut off (file = 5461 whole records)",
          "size %lld", (long long)st.st_size);
    /* limit lifted: sending resumes with the same value */
    for (int i = 0; i < 10; i++) {
        v = sent;
        ok &= hopper_send(h, &v) == HQ_OK;
        sent++;
    }
    CHECK_THAT(ok, "rlimit: sending resumes once the limit is lifted", "send failed");
    ok = 1;
    while (got < sent) {
        r = hopper_recv(h, &v, 0);
        if (r == HQ_TIMEDOUT)
            r = hopper_flush(h) == HQ_OK ? hopper_recv(h, &v, 1000) : HQ_TIMEDOUT;
        if (r != HQ_OK || v != got) {
            ok = 0;
            break;
        }
        got++;
    }
    CHECK_THAT(ok, "rlimit: every accepted value received once, in order, none of the failed one's bytes",
          "at %" PRIu64 ": %s %s", got, hopper_status_name(r), hopper_last_error(h));
    hopper_close(h, 1);
}

static void test_open_error(void)
{
    struct hopper *h = open_q("openerr", 8, 8, 0, 5, 40); /* 3 records per file */
    char p[4096];
    uint64_t v;
    int ok = 1, r;
    path_of(p, "openerr", 1);
    KIT_CHECK(mkdir(p, 0700) == 0); /* file 1 cannot be created: a directory is there */
    for (v = 0; v < 4; v++)
        ok &= hopper_send(h, &v) == HQ_OK; /* 0 memory; 1,2,3 fill file 0 */
    v = 4;
    r = hopper_send(h, &v);
    CHECK_THAT(ok && r == HQ_IO && errno == EEXIST && v == 4,
          "open_error: roll-over onto an unusable name returns HQ_IO with the value", "status %s", hopper_status_name(r));
    path_of(p, "openerr", 0);
    struct stat st;
    CHECK_THAT(stat(p, &st) == 0 && (st.st_mode & 0222) != 0, "open_error: nothing changed (file 0 still the writable current file)", "file 0 marked finished");
    path_of(p, "openerr", 1);
    rmdir(p);
    ok = hopper_send(h, &v) == HQ_OK;
    for (v = 5; v < 8; v++)
        ok &= hopper_send(h, &v) == HQ_OK;
    uint64_t got = 0;
    while (got < 8) {
        r = hopper_recv(h, &v, 0);
        if (r == HQ_TIMEDOUT)
            r = hopper_flush(h) == HQ_OK ? hopper_recv(h, &v, 1000) : HQ_TIMEDOUT;
        if (r != HQ_OK || v != got) {
            ok = 0;
            break;
        }
        got++;
    }
    CHECK_THAT(ok, "open_error: after the obstacle is gone, the same value is accepted; 0..7 received in order", "at %" PRIu64, got);
    hopper_close(h, 1);
}

/* Send 0..5 (0 in memory, 1..5 on disk in file 0), take 0, flush; then damage. */
static struct hopper *corrupt_setup(const char *name)
{
    struct hopper *h = open_q(name, 8, 8, 0, 1, 0);
    uint64_t v;
    for (v = 0; v < 6; v++)
        KIT_CHECK(hopper_send(h, &v) == HQ_OK);
    KIT_CHECK(hopper_recv(h, &v, 1000) == HQ_OK && v == 0);
    KIT_CHECK(hopper_flush(h) == HQ_OK);
    return h;
}

static void corrupt_case(const char *name, const char *what, off_t off, const void *bytes, size_t n, off_t trunc,
                         int readonly, int want_status, uint64_t good, const char *msg)
{
    struct hopper *h = corrupt_setup(name);
    char p[4096];
    uint64_t v;
    int ok = 1, r = HQ_OK;
    path_of(p, name, 0);
    int fd = open(p, O_RDWR);
    KIT_CHECK(fd >= 0);
    if (bytes)
        KIT_CHECK(pwrite(fd, bytes, n, off) == (ssize_t)n);
    if (trunc >= 0)
        KIT_CHECK(ftruncate(fd, trunc) == 0);
    if (readonly)
        KIT_CHECK(fchmod(fd, 0400) == 0);
    close(fd);
    for (uint64_t i = 1; i <= good; i++)
        ok &= hopper_recv(h, &v, 1000) == HQ_OK && v == i;
    r = hopper_recv(h, &v, 1000);
    int r2 = hopper_recv(h, &v, 1000);
    ok &= r == want_status && r2 == want_status && strstr(hopper_last_error(h), msg) != NULL;
    CHECK_THAT(ok, what, "%s then %s: %s", hopper_status_name(r), hopper_status_name(r2), hopper_last_error(h));
    hopper_close(h, 1);
}

static void test_corrupt(void)
{
    static const unsigned char badlen[4] = { 0, 0, 0, 9 }, huge[4] = { 0xff, 0xff, 0xff, 0xf0 };
    corrupt_case("c1", "corrupt: length prefix 9 in record 3 -> 1, 2 delivered, then HQ_CORRUPT at offset 24 (sticky)",
                 24, badlen, 4, -1, 0, HQ_CORRUPT, 2, "offset 24: length prefix 9, expected 8");
    corrupt_case("c2", "corrupt: length prefix 4294967280 -> HQ_CORRUPT, nothing allocated or skipped",
                 0, huge, 4, -1, 0, HQ_CORRUPT, 0, "offset 0: length prefix 4294967280");
    corrupt_case("c3", "corrupt: file cut inside record 4 -> 1..3 delivered, then 'truncated record' at offset 36",
                 0, NULL, 0, 36 + 7, 0, HQ_CORRUPT, 3, "offset 36: truncated record");
    corrupt_case("c4", "corrupt: file cut inside a length prefix -> 'truncated record'",
                 0, NULL, 0, 12 + 2, 0, HQ_CORRUPT, 1, "offset 12: truncated record");
    corrupt_case("c5", "corrupt: writable file cut at a record boundary -> 'announced record(s) missing'",
                 0, NULL, 0, 24, 0, HQ_CORRUPT, 2, "3 announced record(s) missing");
    corrupt_case("c6", "corrupt: file cut and marked finished -> HQ_CORRUPT 'finished queue file is 24 bytes'",
                 0, NULL, 0, 24, 1, HQ_CORRUPT, 2, "finished queue file is 24 bytes, not 1048572");
}

/* 1 slot, 48-byte files (4 records of 12 B), 5 extra files; send 0..16 (0 in
 * memory, 1..16 on disk: file 0 = 1-4, 1 = 5-8, 2 = 9-12, 3 = 13-16, the
 * current one), take 0 and flush, so 1..16 are announced. */
static struct hopper *setup17(const char *name)
{
    struct hopper *h = open_q(name, 8, 8, 0, 5, 48);
    uint64_t v;
    for (v = 0; v < 17; v++)
        KIT_CHECK(hopper_send(h, &v) == HQ_OK);
    KIT_CHECK(hopper_recv(h, &v, 1000) == HQ_OK && v == 0);
    KIT_CHECK(hopper_flush(h) == HQ_OK);
    return h;
}

/* A finished file cut at a record boundary (or to 0 bytes), or one with a
 * record added: the receiver delivers what comes before, then HQ_CORRUPT
 * (sticky); hopper moved on to the next file and delivered 13 after 11. */
static void cut_case(const char *name, const char *what, uint64_t file, off_t size, uint64_t last_good, const char *msg)
{
    static const unsigned char extra[12] = { 0, 0, 0, 8, 99 };
    struct hopper *h = setup17(name);
    char p[4096];
    uint64_t v = 0, v1, i;
    int ok = 1, r = HQ_OK, r2;
    path_of(p, name, file);
    KIT_CHECK(chmod(p, 0600) == 0); /* a finished file is read-only: as a non-root user too */
    if (size >= 0) {
        KIT_CHECK(truncate(p, size) == 0);
    } else {
        int fd = open(p, O_WRONLY | O_APPEND);
        KIT_CHECK(fd >= 0 && write(fd, extra, sizeof extra) == (ssize_t)sizeof extra);
        close(fd);
    }
    KIT_CHECK(chmod(p, 0400) == 0);
    for (i = 1; i <= last_good && ok; i++)
        ok &= (r = hopper_recv(h, &v, 1000)) == HQ_OK && v == i;
    r = hopper_recv(h, &v, 1000);
    v1 = v;
    r2 = hopper_recv(h, &v, 1000);
    ok &= r == HQ_CORRUPT && r2 == HQ_CORRUPT && strstr(hopper_last_error(h), msg) != NULL;
    CHECK_THAT(ok, what, "after %" PRIu64 ": %s (value %" PRIu64 ") then %s: %s", i - 1, hopper_status_name(r), v1,
               hopper_status_name(r2), hopper_last_error(h));
    hopper_close(h, 1);
}

static void test_cut_finished(void)
{
    cut_case("cut1", "cut_finished: finished file 2 (9-12) loses its last record -> 1..11, then HQ_CORRUPT (sticky), never 13",
             2, 36, 11, "/2: offset 36: finished queue file is 36 bytes, not 48 (4 records)");
    cut_case("cut2", "cut_finished: finished file 2 cut to 0 bytes -> 1..8, then HQ_CORRUPT (sticky), never 13",
             2, 0, 8, "/2: offset 0: finished queue file is 0 bytes, not 48");
    cut_case("cut3", "cut_finished: a well-formed record appended to finished file 1 -> 1..8, then HQ_CORRUPT, never the extra 99",
             1, -1, 8, "/1: offset 48: finished queue file is 60 bytes, not 48");
}

/* Item: a transient disk error on the receive side must not lose what is
 * queued behind it.  The failures are injected (hq_faults, this program's
 * -DHQ_FAULTS build), so they are exact and work as root. */
static void test_transient_unlink(void)
{
    struct hopper *h = setup17("unlinkf");
    struct hopper_stats st;
    uint64_t v = 0, got;
    int ok = 1, r = HQ_OK;
    hq_faults[HQ_FAULT_UNLINK] = (struct hq_fault){ 3, EPERM };
    for (got = 1; got <= 16 && ok; got++)
        ok &= (r = hopper_recv(h, &v, 1000)) == HQ_OK && v == got;
    ok &= hopper_recv(h, &v, 0) == HQ_TIMEDOUT;
    CHECK_THAT(ok, "transient: deleting finished file 0 fails 3 times (EPERM): 1..16 delivered in order, exactly once, all HQ_OK",
               "at %" PRIu64 ": %s (value %" PRIu64 "): %s", got - 1, hopper_status_name(r), v, hopper_last_error(h));
    hopper_get_stats(h, &st);
    CHECK_THAT(st.delete_failures == 3 && st.files_deleted == 3 && !exists("unlinkf", 0) && !exists("unlinkf", 1) &&
                   !exists("unlinkf", 2) && exists("unlinkf", 3) &&
                   strstr(hopper_last_error(h), "/0: cannot delete finished queue file") != NULL,
               "transient: the failed delete is reported and retried: 3 failures counted, files 0-2 deleted, 3 (current) kept",
               "%" PRIu64 " failures, %" PRIu64 " deleted; %s", st.delete_failures, st.files_deleted, hopper_last_error(h));
    hq_faults[HQ_FAULT_UNLINK] = (struct hq_fault){ 0, 0 };
    hopper_close(h, 1);
}

/* The delete fails for as long as it takes (the directory immutable for a
 * while): the undeletable file keeps its slot, so the senders meet FULL
 * sooner, but nothing accepted is lost; once the delete works, the next
 * receive (even one that times out) frees the slot and sending resumes. */
static void test_transient_unlink_lasting(void)
{
    /* 1 slot + 2 files of 4 records (1 extra file) */
    struct hopper *h = open_q("unlinkl", 8, 8, 0, 1, 48);
    static const uint64_t want[4] = { 9, 1, 1, 5 };
    uint64_t next_send = 0, next_recv = 0, v, acc[4] = { 0 };
    int ok = 1, r = HQ_OK;
    hq_faults[HQ_FAULT_UNLINK] = (struct hq_fault){ ~0u, EPERM };
    for (int cycle = 0; cycle < 4 && ok; cycle++) {
        if (cycle == 3) {
            hq_faults[HQ_FAULT_UNLINK] = (struct hq_fault){ 0, 0 }; /* writable again */
            ok &= hopper_recv(h, &v, 0) == HQ_TIMEDOUT;             /* retries the delete */
        }
        for (v = next_send; (r = hopper_send(h, &v)) == HQ_OK; v = next_send) {
            next_send++;
            acc[cycle]++;
        }
        ok &= r == HQ_FULL;
        while (ok && next_recv < next_send) {
            r = hopper_recv(h, &v, 0);
            if (r == HQ_TIMEDOUT && hopper_flush(h) == HQ_OK)
                r = hopper_recv(h, &v, 1000);
            ok &= r == HQ_OK && v == next_recv++;
        }
        ok &= hopper_recv(h, &v, 0) == HQ_TIMEDOUT;
    }
    CHECK_THAT(ok, "transient: delete failing for 3 fill-and-drain cycles: every accepted value delivered in order, exactly once",
               "at %" PRIu64 ": %s: %s", next_recv, hopper_status_name(r), hopper_last_error(h));
    CHECK_THAT(acc[0] == want[0] && acc[1] == want[1] && acc[2] == want[2] && acc[3] == want[3] && !exists("unlinkl", 0) &&
                   !exists("unlinkl", 1),
               "transient: the undeletable file holds its slot (9, 1, 1 accepted), then is deleted and sending resumes (5)",
               "accepted %" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64, acc[0], acc[1], acc[2], acc[3]);
    hq_faults[HQ_FAULT_UNLINK] = (struct hq_fault){ 0, 0 };
    hopper_close(h, 1);
}

/* Opening the next file (EMFILE) and reading (EIO) fail once: HQ_IO with
 * errno, nothing taken, and the next receive goes on from the same record. */
static void test_transient_open_read(void)
{
    struct hopper *h = setup17("openreadf");
    uint64_t v = 0, got;
    int ok = 1, r, e1, e2, r1, r2;
    for (got = 1; got <= 4; got++)
        ok &= hopper_recv(h, &v, 1000) == HQ_OK && v == got;
    hq_faults[HQ_FAULT_OPEN] = (struct hq_fault){ 1, EMFILE }; /* opening file 1 */
    r1 = hopper_recv(h, &v, 1000);
    e1 = errno;
    for (got = 5; got <= 8; got++)
        ok &= hopper_recv(h, &v, 1000) == HQ_OK && v == got;
    hq_faults[HQ_FAULT_READ] = (struct hq_fault){ 1, EIO };    /* reading file 2 */
    r2 = hopper_recv(h, &v, 1000);
    e2 = errno;
    for (got = 9; got <= 16; got++)
        ok &= (r = hopper_recv(h, &v, 1000)) == HQ_OK && v == got;
    ok &= hopper_recv(h, &v, 0) == HQ_TIMEDOUT;
    CHECK_THAT(ok && r1 == HQ_IO && e1 == EMFILE && r2 == HQ_IO && e2 == EIO,
               "transient: open (EMFILE) and read (EIO) fail once: HQ_IO with errno, not sticky; 1..16 delivered in order, exactly once",
               "open: %s (%s), read: %s (%s), order %s; %s", hopper_status_name(r1), strerror(e1), hopper_status_name(r2),
               strerror(e2), ok ? "ok" : "broken", hopper_last_error(h));
    hq_faults[HQ_FAULT_OPEN] = hq_faults[HQ_FAULT_READ] = (struct hq_fault){ 0, 0 };
    hopper_close(h, 1);
}

static void test_open_args(void)
{
    struct hopper_config c = { 8, 8, 0, 1, 0 };
    struct hopper *h;
    char p[1100];
    int e1 = hopper_open(&h, "/nonexistent-hopper-dir", "x", &c);
    int e2 = hopper_open(&h, tmp, "a/b", &c);
    int e3 = hopper_open(&h, tmp, "", &c);
    snprintf(p, sizeof p, "%s/plainfile", tmp);
    int fd = open(p, O_WRONLY | O_CREAT, 0600);
    KIT_CHECK(fd >= 0);
    close(fd);
    int e4 = hopper_open(&h, tmp, "plainfile", &c); /* a file in place of the queue directory */
    int e5 = hopper_open(&h, p, "x", &c);          /* a file in place of dir */
    struct hopper_config z = { 0, 8, 0, 1, 0 };
    int e6 = hopper_open(&h, tmp, "x", &z);
    CHECK_THAT(e1 == ENOENT && e2 == EINVAL && e3 == EINVAL && e4 == ENOTDIR && e5 == ENOTDIR && e6 == EINVAL,
          "open_args: missing dir ENOENT, bad names EINVAL, a file in place of a directory ENOTDIR, elem 0 EINVAL",
          "%d %d %d %d %d %d", e1, e2, e3, e4, e5, e6);
    unlink(p);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = { { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h') {
            printf("usage: %s\n"
                   "Hopper's semantics scenario by scenario (book ch. 5, sections 2.9.2-2.9.6): size\n"
                   "clamps, queue-file layout, FULL then drain then resume, disk write errors\n"
                   "(RLIMIT_FSIZE), roll-over errors, corrupt and truncated queue files, transient\n"
                   "receive-side errors (injected: unlink, open, read).  Queue\n"
                   "directories go under $TMPDIR and are removed.  Prints ok/FAIL lines (check.h).\n",
                   program_invocation_short_name);
            return 0;
        }
        kit_bad_option(argc, argv);
    }
    kit_no_operands(argc, argv);
    hq_tmpdir_create(tmp, sizeof tmp, 1);
    test_clamps();
    test_layout();
    test_full_resume();
    test_rlimit();
    test_open_error();
    test_corrupt();
    test_cut_finished();
    test_transient_unlink();
    test_transient_unlink_lasting();
    test_transient_open_read();
    test_open_args();
    return check_done();
}
