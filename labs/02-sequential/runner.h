/* runner.h - what the book's runner programs share (ch. 2, bin/standard.rs,
 * bin/naive.rs, bin/specialized.rs): options, the workload, the output.
 *
 * The workload: xorshift128 seeded [1981, 1986, 2003, 2011] (bit-exact with
 * Rust rand 0.4's XorShiftRng, kit.h); per operation draw a key (u16 or u8:
 * next_u32 truncated), then a bool (low bit of a u8 draw): true inserts a
 * fresh u32 value, false looks the key up.  The counts depend only on this
 * sequence, so every correct map prints the same four numbers.
 */
#ifndef RUNNER_H
#define RUNNER_H

#include "siphash.h"

struct runner_counts { uint64_t insert_empty, insert_present, get_fail, get_success; };

struct runner_opts {
    uint64_t ops;               /* --ops, default 100000 (the book's) */
    struct map_hasher hasher;   /* --hash, --hash-seed */
    int stats;                  /* --stats: map statistics on stderr */
};

/* RUNNER_WORKLOAD(counts, ops, KEY_T, INSERTED_OVER, FOUND): run the book's loop.
 * In the two expressions `key` (KEY_T), `val` (uint32_t) and `old` (uint32_t)
 * are in scope: INSERTED_OVER inserts key -> val and is true when a value was
 * replaced (storing it in old); FOUND looks key up and is true when present.
 * A macro, not a function taking callbacks, so each map's calls inline. */
#define RUNNER_WORKLOAD(c, ops, KEY_T, INSERTED_OVER, FOUND)                         \
    do {                                                                            \
        struct kit_xorshift128 rng_ = kit_xorshift128_seed(1981, 1986, 2003, 2011); \
        for (uint64_t i_ = 0; i_ < (ops); i_++) {                                   \
            KEY_T key = (KEY_T)kit_xorshift128_next(&rng_);                         \
            if ((uint8_t)kit_xorshift128_next(&rng_) & 1) {                         \
                uint32_t val = kit_xorshift128_next(&rng_), old = 0;                \
                if (INSERTED_OVER)                                                  \
                    (c)->insert_present++;                                          \
                else                                                                \
                    (c)->insert_empty++;                                            \
                (void)old;                                                          \
            } else {                                                                \
                if (FOUND)                                                          \
                    (c)->get_success++;                                             \
                else                                                                \
                    (c)->get_fail++;                                                \
            }                                                                       \
        }                                                                           \
    } while (0)

/* The book's output, spacing from the book's repository. */
static inline void runner_print(const struct runner_counts *c)
{
    printf("INSERT\n  empty:   %" PRIu64 "\n  present: %" PRIu64 "\n"
           "LOOKUP\n  fail:    %" PRIu64 "\n  success: %" PRIu64 "\n",
           c->insert_empty, c->insert_present, c->get_fail, c->get_success);
}

/* runner_parse(argc, argv, what, keys, hashed, &o): the runners' command line.
 * what: --help's description; keys: "u16" or "u8"; hashed: the map hashes
 * (--hash/--hash-seed apply).  Exits 0 after --help, 2 on bad input. */
static inline void runner_parse(int argc, char **argv, const char *what, const char *keys,
                                int hashed, struct runner_opts *o)
{
    static const struct option lo[] = {
        { "ops", required_argument, 0, 'n' }, { "hash", required_argument, 0, 'H' },
        { "hash-seed", required_argument, 0, 's' }, { "stats", no_argument, 0, 'S' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    const char *hash = NULL;
    int seeded = 0, c;
    uint64_t seed = 0;
    o->ops = 100000;
    o->stats = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'n': o->ops = kit_arg_u64("ops", optarg, 0, 1000000000); break;
        case 'H': hash = optarg; break;
        case 's': seed = kit_arg_u64("hash-seed", optarg, 0, UINT64_MAX); seeded = 1; break;
        case 'S': o->stats = 1; break;
        case 'h':
            printf("usage: %s [--ops N]%s [--stats]\n\n%s\n\n"
                   "The book's runner (ch. 2): N operations (default 100000) with %s keys from\n"
                   "xorshift128 seeded [1981, 1986, 2003, 2011]; each is an insert of a random\n"
                   "u32 value or a lookup.  Prints how many inserts found the key empty or\n"
                   "present and how many lookups failed or succeeded; with the book's N:\n%s\n",
                   program_invocation_short_name,
                   hashed ? " [--hash sip13|fx] [--hash-seed S]" : "", what, keys,
                   keys[1] == '8' ? "  256 / 50032 / 199 / 49513" : "  35217 / 15071 / 34551 / 15161");
            if (hashed)
                printf("\n  --hash sip13   SipHash-1-3 with a random key (default; Rust's HashDoS defence)\n"
                       "  --hash fx      FxHash: one multiply, unkeyed, fast\n"
                       "  --hash-seed S  fixed SipHash key from S (repeatable instruction counts)\n");
            printf("  --stats        map statistics on stderr at the end\n");
            exit(0);
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (!hashed && (hash != NULL || seeded))
        kit_usage_error("--hash/--hash-seed: this map does not hash");
    o->hasher = map_hasher_make(hash, seeded, seed);
}

#endif /* RUNNER_H */
