/* hopper_fuzz.c - the book's fuzz harness for hopper (ch. 5, section 2.11;
 * blt/hopper-fuzz) as a fuzz entry point, LLVMFuzzerTestOneInput: the normal
 * build links common/fuzz_driver.c (input files or stdin: corpus replay and
 * AFL++, `make SAN=afl`), `make SAN=libfuzzer` builds the libFuzzer target.
 *
 * Input: 22 bytes, little-endian, as bincode laid out the Rust struct:
 *   u32 seed_a, seed_b, seed_c, seed_d   xorshift128 seed (all zero -> a fixed
 *                                        non-zero seed; rand 0.4 would panic)
 *   u32 max_in_memory_bytes              clamped to 2 << 25 (64 MiB)
 *   u16 max_disk_bytes                   (hopper clamps it to 1 MiB per file)
 * Fewer than 22 bytes: nothing happens, as with bincode's rejection.  Then one thread,
 * one channel of u64 in a fresh $TMPDIR/hopper-XXXXXX, and the random loop:
 *   r = gen_range(0, 102):  0..50 read (if anything was written),
 *                           51..100 send a random u64, 101 stop.
 * The original read with a blocking iterator, so reading more than was
 * announced hung (AFL "hangs").  Here a read does not block, and the harness
 * checks hopper against a model FIFO of accepted values instead:
 *   - a received value must be the model's oldest (no phantom, lost,
 *     duplicated or reordered value);
 *   - "nothing to read" is only allowed when every value still in the model is
 *     a lazy-flip write that is not announced yet;
 *   - a refused send leaves the value as it was; receive errors never happen.
 * A violation aborts: AFL and libFuzzer record it as a crash.  A failing disk
 * (HQ_IO on send) ends the run quietly: that is the environment, not hopper.
 * At most 100,000 steps per input, so every run ends.
 * HOPPER_FUZZ_VERBOSE=1 (environment): one line of statistics on stderr. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "hopper.h"
#include "kit.h"
#include "tmpdir.h"

#define MAX_STEPS 100000

static uint64_t st_steps, st_sends, st_recvs, st_empty, st_full; /* for HOPPER_FUZZ_VERBOSE */

/* rand 0.4's gen::<u64>() on XorShiftRng: two next_u32, high word first. */
static uint64_t next_u64(struct kit_xorshift128 *r)
{
    uint64_t hi = kit_xorshift128_next(r);
    return hi << 32 | kit_xorshift128_next(r);
}

/* rand 0.4's gen_range(low, high) for usize (64-bit): rejection above the
 * largest multiple of the range, then modulo. */
static uint64_t gen_range(struct kit_xorshift128 *r, uint64_t low, uint64_t high)
{
    uint64_t range = high - low, zone = UINT64_MAX - UINT64_MAX % range;
    for (;;) {
        uint64_t v = next_u64(r);
        if (v < zone)
            return low + v % range;
    }
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void violated(const char *what, uint64_t step)
{
    fprintf(stderr, "hopper_fuzz: INVARIANT VIOLATED at step %" PRIu64 ": %s\n", step, what);
    abort();
}

/* One input; returns normally (every run must leave no state behind). */
static void run(const uint8_t *data, size_t size)
{
    if (size < 22)
        return;
    uint32_t a = le32(data), b = le32(data + 4), c = le32(data + 8), d = le32(data + 12);
    uint32_t mem = le32(data + 16);
    uint16_t disk = (uint16_t)(data[20] | data[21] << 8);
    if ((a | b | c | d) == 0)
        a = 0x193a6754u; /* rand 0.4 asserts a non-zero seed; map zero to a fixed one */
    struct kit_xorshift128 rng = kit_xorshift128_seed(a, b, c, d);
    if (mem > 2u << 25)
        mem = 2u << 25;

    char dir[1024];
    struct hopper *h;
    struct hopper_config cfg = { sizeof(uint64_t), mem, disk, SIZE_MAX, 0 };
    hq_tmpdir_create(dir, sizeof dir, 0);
    if (hopper_open(&h, dir, "fuzz", &cfg) != 0) {
        hq_tmpdir_remove(dir);
        return;
    }
    /* the model: accepted values not yet received, oldest first */
    uint64_t *model = NULL, head = 0, tail = 0, cap = 0, writes = 0;
    for (uint64_t step = 0; step < MAX_STEPS; step++) {
        uint64_t r = gen_range(&rng, 0, 102);
        st_steps++;
        if (r <= 50) {
            if (writes == 0)
                continue;
            uint64_t v;
            int s = hopper_recv(h, &v, 0);
            if (s == HQ_OK) {
                if (head == tail)
                    violated("received a value that was never accepted (phantom element)", step);
                if (v != model[head])
                    violated("received value is not the oldest accepted one (lost, duplicated or reordered)", step);
                head++;
                st_recvs++;
            } else if (s == HQ_TIMEDOUT) {
                st_empty++;
                if (tail - head > hopper_unannounced(h))
                    violated("announced values could not be read", step);
            } else {
                violated(hopper_last_error(h), step);
            }
        } else if (r <= 100) {
            uint64_t v = next_u64(&rng), orig = v;
            int s = hopper_send(h, &v);
            writes++;
            st_sends += s == HQ_OK;
            st_full += s == HQ_FULL;
            if (v != orig)
                violated("send changed the caller's value", step);
            if (s == HQ_OK) {
                if (tail == cap) {
                    cap = cap ? cap * 2 : 64;
                    model = realloc(model, cap * sizeof *model);
                    KIT_CHECK(model != NULL);
                }
                model[tail++] = v;
            } else if (s == HQ_IO) {
                break; /* the disk failed: not hopper's bug */
            }
        } else {
            break;
        }
    }
    struct hopper_stats hs;
    hopper_get_stats(h, &hs);
    if (getenv("HOPPER_FUZZ_VERBOSE"))
        fprintf(stderr, "hopper_fuzz: %" PRIu64 " slots; %" PRIu64 " steps, %" PRIu64 " sends accepted (%" PRIu64
                " to disk, %" PRIu64 " FULL), %" PRIu64 " values received, %" PRIu64 " reads found nothing; model checked\n",
                hs.mem_slots, st_steps, st_sends, hs.disk_writes, st_full, st_recvs, st_empty);
    free(model);
    hopper_close(h, 1);
    hq_tmpdir_remove(dir);
}

/* The entry point: one input per call (libFuzzer calls it many times in one
 * process; the replay driver once per file). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size);
    return 0;
}
