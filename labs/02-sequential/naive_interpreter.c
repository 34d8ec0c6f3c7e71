/* naive_interpreter - the book's bin/naive_interpreter.rs (ch. 2), the AFL
 * target: INSERT/LOOKUP commands from stdin over the naive map with string
 * keys and values (naive_interp.h, interp.h).  Prints nothing (--stats: counts).
 * Fuzz it with the corpus in corpus/: see fuzz_naive_interpreter.c. */
#include "naive_interp.h"

int main(int argc, char **argv)
{
    struct interp_stats st = { 0, 0, 0, 0, false };
    int stats;
    interp_parse_args(argc, argv, "naive_interpreter: the book's AFL target over the naive map (SipHash-1-3, random key).", &stats);
    naive_smap_init(&naive_interp_map, map_hasher_make(NULL, 0, 0));
    INTERP_STDIN(&st, naive_interp_apply);
    if (stats)
        interp_print_stats(&st);
    naive_smap_free(&naive_interp_map);
    return 0;
}
