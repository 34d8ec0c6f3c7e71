/* naive_interpreter_buggy - BROKEN ON PURPOSE (kit addition, notes B.7): the
 * naive interpreter with a C bug Rust would not let through - each key is
 * copied into a 16-byte stack buffer without a length check.  A key of 16
 * bytes or more overflows it: AFL++/libFuzzer find such an input from the
 * corpus, ASan reports stack-buffer-overflow.  Its twin: naive_interpreter. */
#define NAIVE_INTERP_BUGGY 1
#include "naive_interp.h"

int main(int argc, char **argv)
{
    struct interp_stats st = { 0, 0, 0, 0, false };
    int stats;
    interp_parse_args(argc, argv,
        "naive_interpreter_buggy: BROKEN ON PURPOSE - copies every key into a 16-byte\n"
        "stack buffer without a length check; keys of 16+ bytes overflow it (ASan:\n"
        "stack-buffer-overflow).  The warning goes to stderr: stdout stays the\n"
        "interpreter's (empty).  Its correct twin is naive_interpreter.", &stats);
    fprintf(stderr, "naive_interpreter_buggy: BROKEN ON PURPOSE: keys are copied into a 16-byte stack buffer unchecked\n");
    naive_smap_init(&naive_interp_map, map_hasher_make(NULL, 0, 0));
    INTERP_STDIN(&st, naive_interp_apply);
    if (stats)
        interp_print_stats(&st);
    naive_smap_free(&naive_interp_map);
    return 0;
}
