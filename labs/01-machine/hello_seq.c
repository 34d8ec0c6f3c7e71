/* hello_seq - the book's sequential_hello_world (ch. 2.1): print one line.
 * Its twin hello_par prints the same line from a spawned thread; timing 100
 * launches of each (spawn_cost --launches, or the book's shell loop) shows
 * what starting a thread costs. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        puts("usage: hello_seq\nPrints GREETINGS, HUMANS from the main thread (book ch. 2, sequential_hello_world).\n"
             "Compare with hello_par, which prints it from a spawned thread.");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "hello_seq: unexpected argument '%s' (try --help)\n", argv[1]);
        return 2;
    }
    puts("GREETINGS, HUMANS");
    return 0;
}
