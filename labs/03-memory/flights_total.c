/* flights_total - move semantics: a heap vector returned by value (ch. 3.2.3).
 *
 * The book's project_flights() builds Vec<(u16, u8)> [(1968,2), (1969,4), (1970,1),
 * (1971,2), (1972,2)] and returns it; main sums the second fields into a u8 and
 * prints 11.  Returning moves only the pointer/capacity/length header out of the
 * callee's frame; the heap buffer is never copied: one allocation, one free.
 *
 * --use-after-move is BROKEN ON PURPOSE: main moves the vector into a function
 * that drops (frees) it and then reads it again through its stale copy of the
 * header - the use after move that Rust's borrow checker rejects at compile time
 * (error[E0382]: use of moved value).  memcheck reports "Invalid read", ASan
 * "heap-use-after-free". */
#include "kit.h"

struct flight { uint16_t year; uint8_t count; };
struct flights { struct flight *ptr; size_t cap, len; }; /* Vec<(u16, u8)> */

/* Vec::with_capacity(5) + 5 pushes, as vec![...] does: exactly one allocation.
 * noinline: clang removes a malloc/free pair it can see whole (heap elision), and
 * the lesson is the allocation the move does not copy. */
__attribute__((noinline)) static struct flights project_flights(void)
{
    static const struct flight book[] = { { 1968, 2 }, { 1969, 4 }, { 1970, 1 }, { 1971, 2 }, { 1972, 2 } };
    struct flights v = { malloc(sizeof book), 5, 0 };
    KIT_CHECK(v.ptr != NULL);
    for (size_t i = 0; i < 5; i++)
        v.ptr[v.len++] = book[i];
    return v; /* the header is copied out; the buffer stays where it is */
}

/* Taking the vector by value: the callee owns it now and drops it on return.
 * noinline so the compiler cannot see the free() from main (and warn). */
__attribute__((noinline)) static void consume(struct flights v)
{
    printf("consume: took ownership of %zu flights and dropped them\n", v.len);
    free(v.ptr);
}

static uint8_t total(const struct flights *v)
{
    uint8_t sum = 0; /* the book sums into a u8 */
    for (size_t i = 0; i < v->len; i++)
        sum += v->ptr[i].count;
    return sum;
}

static char stdout_buf[4096]; /* static, so memcheck's heap total is the program's own */

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "use-after-move", no_argument, NULL, 'u' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int broken = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'u': broken = 1; break;
        case 'h':
            printf("usage: flights_total [--use-after-move]\n"
                   "Build a heap vector of (year, flights) in a function, return it by value (a\n"
                   "move: only the 3-word header is copied), sum the flights and print 11 (book\n"
                   "ch. 3.2.3). One allocation, one free: memcheck reports no leak.\n"
                   "  --use-after-move   BROKEN ON PURPOSE: move the vector into a function that\n"
                   "                     frees it, then read it again (memcheck: Invalid read;\n"
                   "                     ASan: heap-use-after-free). Rust rejects this at compile\n"
                   "                     time (E0382). The default mode is its correct twin.\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);

    if (!broken) {
        struct flights v = project_flights();
        printf("%u\n", total(&v));
        free(v.ptr); /* v goes out of scope: Drop */
        return 0;
    }
    printf("flights_total: BROKEN ON PURPOSE: reads a vector after moving it into a function "
           "that freed it (use after move)\n");
    fflush(stdout);
    struct flights v = project_flights();
    /* The caller's header still points at the buffer; volatile so that the
     * compiler keeps the stale read it cannot prove is wrong. */
    struct flight *volatile stale = v.ptr;
    consume(v);
    struct flights after = { stale, 5, 5 };
    printf("after the move: %u flights (garbage: the buffer was freed)\n", total(&after));
    return 0;
}
