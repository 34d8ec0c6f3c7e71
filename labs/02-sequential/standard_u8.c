/* standard_u8 - kit addition for a fair comparison (notes B.10): the
 * "standard" Robin Hood map under the specialized runner's u8-key workload.
 * Same output as specialized: 256 / 50032 / 199 / 49513. */
#include "rh_map.h"
#include "runner.h"

int main(int argc, char **argv)
{
    struct runner_opts o;
    struct runner_counts c = { 0, 0, 0, 0 };
    struct rh_map m;
    runner_parse(argc, argv, "standard_u8: Robin Hood hashing with u8 keys, to compare with specialized.", "u8", 1, &o);
    rh_init(&m, o.hasher);
    RUNNER_WORKLOAD(&c, o.ops, uint8_t, rh_insert(&m, key, val, &old), rh_get(&m, key) != NULL);
    runner_print(&c);
    if (o.stats)
        fprintf(stderr, "standard_u8: %zu entries, %zu buckets, longest probe %zu\n",
                m.size, rh_capacity(&m), rh_max_displacement(&m));
    rh_free(&m);
    return 0;
}
