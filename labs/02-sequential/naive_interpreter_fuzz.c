/* naive_interpreter_fuzz - the libFuzzer / AFL++ entry point of
 * naive_interpreter: one input = one whole stdin, run over a fresh map (fixed
 * SipHash key, so runs are repeatable: AFL's "stability").  Seeds in
 * corpus/naive_interpreter_fuzz/ (the book's three files).  `make` links the
 * replay main() of common/fuzz_driver.c; `make SAN=libfuzzer` and `make SAN=afl`
 * build the fuzzer targets into build/<arch>-<flavour>/02-sequential/.
 *
 * Its twin naive_interpreter_buggy_fuzz (Makefile: -DNAIVE_INTERP_BUGGY) is
 * the entry point of the BROKEN ON PURPOSE interpreter: a fuzzer should find a
 * key of 16+ bytes, and ASan reports the stack-buffer-overflow. */
#include "naive_interp.h"

#if NAIVE_INTERP_BUGGY
/* printed by common/fuzz_driver.c with the first input */
const char *const fuzz_entry_banner = "naive_interpreter_buggy_fuzz: BROKEN ON PURPOSE: keys are copied "
                                      "into a 16-byte stack buffer unchecked";
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct interp_stats st = { 0, 0, 0, 0, false };
    naive_smap_init(&naive_interp_map, map_hasher_make(NULL, 1, 0));
    INTERP_FEED(data, size, &st, naive_interp_apply);
    naive_smap_free(&naive_interp_map);
    return 0;
}
