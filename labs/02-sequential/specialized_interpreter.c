/* specialized_interpreter - the book's bin/specialized_interpreter.rs (ch. 2):
 * the interpreter over HashMapU8 with String values; keys must be u8 (0-255,
 * strictly parsed), other lines are skipped.  Prints nothing (--stats: counts). */
#include "specialized_interp.h"

int main(int argc, char **argv)
{
    struct interp_stats st = { 0, 0, 0, 0, false };
    int stats;
    interp_parse_args(argc, argv,
        "specialized_interpreter: the interpreter over HashMapU8 (256 slots, u8 keys);\n"
        "keys that are not 0-255 (\"256\", \"-1\", \"abc\") skip the line.", &stats);
    INTERP_STDIN(&st, spec_interp_apply);
    if (stats) {
        interp_print_stats(&st);
        printf("bad keys: %" PRIu64 "\n", spec_interp_badkeys);
    }
    spec_interp_free();
    return 0;
}
