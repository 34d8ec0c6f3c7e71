/* fuzz_driver.c - main() for a fuzz entry point (LLVMFuzzerTestOneInput)
 * outside libFuzzer: AFL++ (built with afl-clang-fast; input on stdin, or the
 * file afl-fuzz names with @@) and replay of corpus or crash files.  Each
 * argument is a file run as one input; with none, stdin is.  Inputs are capped
 * at 1 MiB (the rest is ignored) and handed over in a heap block of exactly
 * their size, so ASan catches a read one byte past the end.  Prints nothing
 * on success; exit 2 when a file cannot be read.  Link it with the entry
 * point's file for replay and AFL++ builds; libFuzzer brings its own main(). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* An entry point that is broken on purpose defines this to say so. */
extern const char *const fuzz_entry_banner __attribute__((weak));

static int run_file(FILE *f, const char *name)
{
    static uint8_t buf[FUZZ_MAX_INPUT];
    size_t n = fread(buf, 1, sizeof buf, f);
    if (ferror(f)) {
        fprintf(stderr, "fuzz driver: cannot read '%s'\n", name);
        return 2;
    }
    uint8_t *copy = malloc(n ? n : 1);
    if (copy == NULL) {
        fprintf(stderr, "fuzz driver: out of memory\n");
        return 2;
    }
    memcpy(copy, buf, n);
    /* The banner comes with the first input, not before the files are opened:
     * a bad operand still gets exactly one line (CONTRIBUTING.md). */
    static int bannered;
    if (!bannered++ && &fuzz_entry_banner != NULL && fuzz_entry_banner != NULL)
        fprintf(stderr, "%s\n", fuzz_entry_banner);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 0, i = 1;
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: %s [--] [FILE...]\n\n"
               "A fuzz entry point (LLVMFuzzerTestOneInput) with a replay main(): runs each\n"
               "FILE (or stdin) as one input, at most 1 MiB.  The same source built with\n"
               "clang -fsanitize=fuzzer is a libFuzzer target and with afl-clang-fast an\n"
               "AFL++ target (make SAN=libfuzzer / make SAN=afl).\n", argv[0]);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--") == 0)
        i = 2;
    else if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
        fprintf(stderr, "%s: unknown option '%s' (try --help)\n", program_invocation_short_name, argv[1]);
        return 2;
    }
    if (i >= argc)
        return run_file(stdin, "stdin");
    for (; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            fprintf(stderr, "%s: cannot open '%s'\n", program_invocation_short_name, argv[i]);
            return 2;
        }
        rc |= run_file(f, argv[i]);
        fclose(f);
    }
    return rc;
}
