/* specialized_interpreter_fuzz - the libFuzzer / AFL++ entry point of
 * specialized_interpreter: one input = one whole stdin, fresh table.  Seeds
 * in corpus/specialized_interpreter_fuzz/ (the book's three files). */
#include "specialized_interp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct interp_stats st = { 0, 0, 0, 0, false };
    INTERP_FEED(data, size, &st, spec_interp_apply);
    spec_interp_free();
    return 0;
}
