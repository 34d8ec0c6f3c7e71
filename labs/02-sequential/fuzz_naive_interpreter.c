/* fuzz_naive_interpreter - libFuzzer / AFL++ entry point of naive_interpreter:
 * one input = one whole stdin, run over a fresh map (fixed SipHash key, so
 * runs are repeatable: AFL's "stability").  Build: make fuzz (see Makefile). */
#include "naive_interp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct interp_stats st = { 0, 0, 0, 0, false };
    naive_smap_init(&naive_interp_map, map_hasher_make(NULL, 1, 0));
    INTERP_FEED(data, size, &st, naive_interp_apply);
    naive_smap_free(&naive_interp_map);
    return 0;
}
