/* double_free_demo - what Rust's "Drop types cannot be Copy" rule prevents (ch. 3.2.4).
 *
 * struct crew owns a heap array of names.  In Rust a type with a destructor cannot be
 * Copy, so assigning it either moves it (the source is dead, only one destructor runs)
 * or clones it explicitly (a deep copy with its own buffer).  C copies every struct
 * bit for bit:
 *   (default)  the correct twin: one move (the source gives its buffer up) and one
 *              deep clone; three values dropped, two buffers freed, each once.
 *   --broken   BROKEN ON PURPOSE: a shallow copy, then both copies are dropped - the
 *              same buffer is freed twice.  glibc usually aborts ("free(): double free
 *              detected in tcache 2", SIGABRT); memcheck reports "Invalid free()",
 *              ASan "attempting double-free". */
#include "kit.h"

struct crew { char *names; size_t len; }; /* owns names[0..len) */

static struct crew crew_new(const char *names)
{
    struct crew c = { strdup(names), strlen(names) };
    KIT_CHECK(c.names != NULL);
    return c;
}

/* Drop: free the buffer.  noinline: the compiler must not see both free()s of one
 * pointer in the broken mode (it would warn, and might fold them). */
__attribute__((noinline)) static void crew_drop(struct crew *c)
{
    free(c->names);
}

/* Move: the destination takes the buffer, the source is left empty (NULL frees
 * nothing), which is what Rust's compile-time "moved value" tracking amounts to. */
static struct crew crew_move(struct crew *src)
{
    struct crew dst = *src;
    src->names = NULL;
    src->len = 0;
    return dst;
}

/* Clone: a deep copy with its own buffer. */
static struct crew crew_clone(const struct crew *src)
{
    struct crew c = { malloc(src->len + 1), src->len };
    KIT_CHECK(c.names != NULL);
    memcpy(c.names, src->names, src->len + 1);
    return c;
}

static char stdout_buf[4096]; /* static, so memcheck's heap total is the program's own */

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "broken", no_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int broken = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'b': broken = 1; break;
        case 'h':
            printf("usage: double_free_demo [--broken]\n"
                   "A struct that owns heap memory, copied. Rust forbids Copy for types with a\n"
                   "destructor (book ch. 3.2.4); C copies every struct bit for bit.\n"
                   "  (default)  correct: a move (source emptied) and a deep clone; every buffer\n"
                   "             freed once (memcheck: 0 errors, all heap blocks freed)\n"
                   "  --broken   BROKEN ON PURPOSE: shallow copy, both copies dropped: the buffer\n"
                   "             is freed twice (glibc aborts with 'double free detected';\n"
                   "             memcheck: Invalid free(); ASan: attempting double-free)\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);

    struct crew apollo11 = crew_new("Armstrong, Aldrin, Collins");
    if (broken) {
        printf("double_free_demo: BROKEN ON PURPOSE: copies a struct that owns heap memory and "
               "drops both copies (double free)\n");
        struct crew copy = apollo11; /* what `let copy = apollo11;` would be if Crew were Copy */
        printf("copy shares the buffer: %s\n", copy.names == apollo11.names ? "yes" : "no");
        printf("drop(copy); drop(apollo11);\n");
        fflush(stdout); /* glibc may abort in the second free */
        crew_drop(&copy);
        crew_drop(&apollo11); /* the second free of the same buffer */
        printf("both dropped: the heap is now corrupt (glibc did not notice this time)\n");
        return 0;
    }
    struct crew moved = crew_move(&apollo11); /* let moved = apollo11; */
    struct crew cloned = crew_clone(&moved);  /* let cloned = moved.clone(); */
    printf("moved:  \"%s\" (the source gave up its buffer: %s)\n", moved.names,
           apollo11.names == NULL ? "empty" : "STILL OWNS IT");
    printf("cloned: \"%s\" (its own buffer: %s)\n", cloned.names,
           cloned.names != moved.names ? "yes" : "NO");
    crew_drop(&cloned);
    crew_drop(&moved);
    crew_drop(&apollo11); /* the moved-from value: frees nothing */
    printf("dropped 3 values, freed 2 buffers, each once\n");
    return 0;
}
