/* standard - the book's bin/standard.rs (ch. 2): the runner over the
 * "standard" map, a Robin Hood table like Rust's std HashMap (rh_map.h),
 * with u16 keys.  Book output: 35217 / 15071 / 34551 / 15161. */
#include "rh_map.h"
#include "runner.h"

int main(int argc, char **argv)
{
    struct runner_opts o;
    struct runner_counts c = { 0, 0, 0, 0 };
    struct rh_map m;
    runner_parse(argc, argv, "standard: Robin Hood hashing (std HashMap's algorithm), u16 keys.", "u16", 1, &o);
    rh_init(&m, o.hasher);
    RUNNER_WORKLOAD(&c, o.ops, uint16_t, rh_insert(&m, key, val, &old), rh_get(&m, key) != NULL);
    runner_print(&c);
    if (o.stats)
        fprintf(stderr, "standard: %zu entries, %zu buckets, longest probe %zu\n",
                m.size, rh_capacity(&m), rh_max_displacement(&m));
    rh_free(&m);
    return 0;
}
