/* telem_fuzz - fuzz entry point for telem's datagram parser (telem_parse.c).
 *
 * LLVMFuzzerTestOneInput is the libFuzzer/AFL++ entry; it also checks the
 * parser's contract on every input it accepts (a non-empty name with no
 * whitespace, inside the buffer), so a fuzzer finds wrong answers as well
 * as crashes.  The Makefile lists it in FUZZ: the normal build links
 * common/fuzz_driver.c, which replays files given as arguments (or stdin),
 * how `make test` replays corpus/telem_fuzz/ under ASan and UBSan;
 * `make SAN=libfuzzer` builds the libFuzzer target and `make SAN=afl` the
 * AFL++ one (see the lab README). */
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
