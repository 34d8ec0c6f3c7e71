/* hello - the book's ch. 1 hello world, the program the tools are tried on:
 * `make asm` (-O0 vs -O2 assembly), gdb, and valgrind memcheck, massif and
 * cachegrind (see README and demo.sh). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        puts("usage: hello\nPrints \"Hello, world!\" - the program lab 1 runs the tools on (book ch. 1).");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "hello: unexpected argument '%s' (try --help)\n", argv[1]);
        return 2;
    }
    puts("Hello, world!");
    return 0;
}
