/* fuzz_naive_interpreter_buggy - the fuzz entry point of the BROKEN ON
 * PURPOSE interpreter (naive_interpreter_buggy): a fuzzer should find a key
 * of 16+ bytes; ASan reports the stack-buffer-overflow. */
#define NAIVE_INTERP_BUGGY 1
#include "fuzz_naive_interpreter.c"

const char *const fuzz_entry_banner =
    "fuzz_naive_interpreter_buggy: BROKEN ON PURPOSE: keys are copied into a 16-byte stack buffer unchecked";
