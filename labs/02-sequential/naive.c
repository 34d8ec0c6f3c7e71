/* naive - the book's bin/naive.rs (ch. 2): the runner over the naive map, a
 * vector sorted by hash and scanned linearly (naive_map.h), u16 keys.  Same
 * output as standard; ~190x slower in the book (perf), 598x the instructions. */
#include "naive_map.h"
#include "runner.h"

int main(int argc, char **argv)
{
    struct runner_opts o;
    struct runner_counts c = { 0, 0, 0, 0 };
    struct naive_map m;
    runner_parse(argc, argv, "naive: the book's naive map, a vector sorted by hash, linear scans.", "u16", 1, &o);
    naive_init(&m, o.hasher);
    RUNNER_WORKLOAD(&c, o.ops, uint16_t, naive_insert(&m, key, val, &old), naive_get(&m, key) != NULL);
    runner_print(&c);
    if (o.stats)
        fprintf(stderr, "naive: %zu entries, capacity %zu\n", m.len, m.cap);
    naive_free(&m);
    return 0;
}
