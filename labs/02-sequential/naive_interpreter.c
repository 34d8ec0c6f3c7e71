/* naive_interpreter - the book's bin/naive_interpreter.rs (ch. 2), the AFL
 * target: INSERT/LOOKUP commands from stdin over the naive map with string
 * keys and values (naive_interp.h, interp.h).  Prints nothing (--stats: counts).
 * Fuzz it with corpus/naive_interpreter_fuzz/: see naive_interpreter_fuzz.c.
 *
 * Its twin naive_interpreter_buggy (Makefile: -DNAIVE_INTERP_BUGGY) is BROKEN
 * ON PURPOSE (kit addition, notes B.7): a C bug Rust would not let through -
 * each key is copied into a 16-byte stack buffer without a length check
 * (naive_interp.h).  A key of 16 bytes or more overflows it: AFL++/libFuzzer
 * find such an input from the corpus, ASan reports stack-buffer-overflow. */
#include "naive_interp.h"

#if NAIVE_INTERP_BUGGY
#define WHAT "naive_interpreter_buggy: BROKEN ON PURPOSE - copies every key into a 16-byte\n" \
             "stack buffer without a length check; keys of 16+ bytes overflow it (ASan:\n"     \
             "stack-buffer-overflow).  The warning goes to stderr: stdout stays the\n"         \
             "interpreter's (empty).  Its correct twin is naive_interpreter."
#else
#define WHAT "naive_interpreter: the book's AFL target over the naive map (SipHash-1-3, random key)."
#endif

int main(int argc, char **argv)
{
    struct interp_stats st = { 0, 0, 0, 0, false };
    int stats;
    interp_parse_args(argc, argv, WHAT, &stats);
#if NAIVE_INTERP_BUGGY
    fprintf(stderr, "naive_interpreter_buggy: BROKEN ON PURPOSE: keys are copied into a 16-byte stack buffer unchecked\n");
#endif
    naive_smap_init(&naive_interp_map, map_hasher_make(NULL, 0, 0));
    INTERP_STDIN(&st, naive_interp_apply);
    if (stats)
        interp_print_stats(&st);
    naive_smap_free(&naive_interp_map);
    return 0;
}
