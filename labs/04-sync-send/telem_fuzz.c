/* telem_fuzz - fuzz entry point for telem's datagram parser (telem_parse.c).
 *
 * LLVMFuzzerTestOneInput is the libFuzzer/AFL++ entry; it also checks the
 * parser's contract on every input it accepts (a non-empty name with no
 * whitespace, inside the buffer), so a fuzzer finds wrong answers as well
 * as crashes.  Built without -fsanitize=fuzzer, main() replays files given
 * as arguments (or stdin), which is how `make test` replays the corpus under
 * ASan/UBSan and how AFL++ runs it (afl-clang-fast; see the lab README). */
#include "kit.h"
#include "telem_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct telem_point p;
    if (telem_parse(data, size, &p) == TELEM_OK) {
        KIT_CHECK(p.name_len > 0);
        KIT_CHECK(p.name >= data && p.name + p.name_len <= data + size);
        for (size_t i = 0; i < p.name_len; i++)
            KIT_CHECK(p.name[i] != ' ' && p.name[i] != '\n' && p.name[i] != '\t' && p.name[i] != '\r');
    }
    return 0;
}

#ifndef TELEM_LIBFUZZER
static int run_file(FILE *f, const char *name)
{
    static uint8_t buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    if (ferror(f)) {
        fprintf(stderr, "telem_fuzz: %s: read error\n", name);
        return 1;
    }
    /* Copy to an exact-size heap block so ASan catches any read past the end. */
    uint8_t *copy = malloc(n ? n : 1);
    KIT_CHECK(copy != NULL);
    memcpy(copy, buf, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        puts("usage: telem_fuzz [FILE...]\nRuns telem's datagram parser on each file (or stdin) and checks its\n"
             "contract; the fuzz entry point is LLVMFuzzerTestOneInput (see the lab README).");
        return 0;
    }
    if (argc == 1)
        return run_file(stdin, "stdin");
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "telem_fuzz: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        rc |= run_file(f, argv[i]);
        fclose(f);
    }
    printf("telem_fuzz: %d input(s) parsed, contract held\n", argc - 1);
    return rc;
}
#endif
