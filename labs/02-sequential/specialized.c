/* specialized - the book's bin/specialized.rs (ch. 2): the runner over
 * HashMapU8, a 256-slot direct-address table (u8_map.h), with u8 keys.
 * Book output: 256 / 50032 / 199 / 49513. */
#include "kit.h"
#include "u8_map.h"
#include "runner.h"

int main(int argc, char **argv)
{
    struct runner_opts o;
    struct runner_counts c = { 0, 0, 0, 0 };
    struct u8_map m;
    runner_parse(argc, argv, "specialized: the key is the index of a 256-slot array; no hashing.", "u8", 0, &o);
    u8_init(&m);
    RUNNER_WORKLOAD(&c, o.ops, uint8_t, u8_insert(&m, key, val, &old), u8_get(&m, key) != NULL);
    runner_print(&c);
    if (o.stats) {
        unsigned n = 0;
        for (unsigned i = 0; i < 256; i++)
            n += m.present[i];
        fprintf(stderr, "specialized: %u of 256 slots used\n", n);
    }
    return 0;
}
