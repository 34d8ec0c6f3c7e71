/* slice_bounds - a runtime-length slice and its bounds check (ch. 3.2.10).
 *
 * The book's blow_up.rs (run as ./past_the_end): values = vec![0,1,2,3,4,5,7,8,9,10]
 * and &values[0..10_000].  It compiles, and panics at run time:
 *   thread 'main' panicked at 'index 10000 out of range for slice of length 10', ...
 * A slice is a pointer and a length; slice_range() checks the range against the
 * length as Rust's indexing does (exit 101, Rust's panic status).
 *   --unchecked  BROKEN ON PURPOSE: the C habit - take ptr + [start, end) and read it
 *                with no check.  The reads run past the 40-byte heap block: memcheck
 *                reports "Invalid read of size 4 ... 0 bytes after a block of size 40
 *                alloc'd", ASan a heap-buffer-overflow; natively it prints garbage. */
#include "panic.h"

struct slice_i32 { const int32_t *ptr; size_t len; }; /* &[i32] */

/* &s[start..end], with Rust's checks and panic messages (the 2018 wording). */
static struct slice_i32 slice_range(struct slice_i32 s, size_t start, size_t end)
{
    if (start > end)
        rust_panic("slice index starts at %zu but ends at %zu", start, end);
    if (end > s.len)
        rust_panic("index %zu out of range for slice of length %zu", end, s.len);
    return (struct slice_i32){ s.ptr + start, end - start };
}

/* The unchecked twin: what C code does when it trusts the caller. */
static struct slice_i32 slice_range_unchecked(struct slice_i32 s, size_t start, size_t end)
{
    return (struct slice_i32){ s.ptr + start, end - start };
}

static void print_slice(struct slice_i32 s) /* Rust's {:?} of a slice */
{
    putchar('[');
    for (size_t i = 0; i < s.len; i++)
        printf(i ? ", %" PRId32 : "%" PRId32, s.ptr[i]);
    puts("]");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "start", required_argument, NULL, 's' },
        { "end", required_argument, NULL, 'e' },
        { "unchecked", no_argument, NULL, 'u' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t start = 0, end = 10000;
    int unchecked = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': start = kit_arg_u64("start", optarg, 0, 1000000); break;
        case 'e': end = kit_arg_u64("end", optarg, 0, 1000000); break;
        case 'u': unchecked = 1; break;
        case 'h':
            printf("usage: slice_bounds [--start N] [--end N] [--unchecked]\n"
                   "Slice values[start..end] of the 10-element vec [0,1,2,3,4,5,7,8,9,10] (book\n"
                   "ch. 3.2.10, blow_up.rs / ./past_the_end). Defaults: --start 0 --end 10000, which\n"
                   "panics: 'index 10000 out of range for slice of length 10', exit 101. An in-range\n"
                   "slice is printed as [a, b, ...].\n"
                   "  --unchecked  BROKEN ON PURPOSE: no bounds check; reads past the heap block\n"
                   "               (memcheck: Invalid read; ASan: heap-buffer-overflow); prints the\n"
                   "               sum of what it read. Try --end 11.\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);

    static const int32_t init[10] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10 };
    int32_t *heap = malloc(sizeof init); /* vec![...]: on the heap, exactly 10 elements */
    KIT_CHECK(heap != NULL);
    memcpy(heap, init, sizeof init);
    struct slice_i32 values = { heap, 10 };

    if (unchecked) {
        printf("slice_bounds: BROKEN ON PURPOSE: reads values[%" PRIu64 "..%" PRIu64 "] of a "
               "10-element vec with no bounds check (out-of-bounds read)\n", start, end);
        fflush(stdout);
        struct slice_i32 s = slice_range_unchecked(values, (size_t)start, (size_t)end);
        long long sum = 0;
        for (size_t i = 0; i < s.len; i++)
            sum += ((const volatile int32_t *)s.ptr)[i]; /* volatile: keep every read */
        printf("read %zu elements, sum %lld (values[10..] are whatever follows the block)\n",
               s.len, sum);
        free(heap);
        return 0;
    }
    print_slice(slice_range(values, (size_t)start, (size_t)end));
    free(heap);
    return 0;
}
