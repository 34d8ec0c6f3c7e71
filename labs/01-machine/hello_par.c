/* hello_par - the book's parallel_hello_world (ch. 2.1): spawn one thread
 * that prints the line, and join it (Rust's spawn + join().unwrap()). */
#include "kit.h"

static void *greet(void *arg)
{
    (void)arg;
    puts("GREETINGS, HUMANS");
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        puts("usage: hello_par\nPrints GREETINGS, HUMANS from one spawned thread, then joins it\n"
             "(book ch. 2, parallel_hello_world). Compare with hello_seq.");
        return 0;
    }
    if (argc > 1)
        kit_usage_error("unexpected argument '%s'", argv[1]);
    pthread_t t;
    kit_thread_create(&t, greet, NULL);
    kit_thread_join(t);
    return 0;
}
