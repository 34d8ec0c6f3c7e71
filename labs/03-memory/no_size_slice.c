/* no_size_slice - a slice whose length is known only at run time (ch. 3.2.10).
 *
 * The book's no_size_slice.rs: values = vec![0,1,2,3,4,5,7,8,9,10] (6 is missing on
 * purpose), cap = (seconds since the Unix epoch) % values.len(), and it prints
 * &values[0..cap] with {:?}: e.g. [0, 1, 2], or [] when cap is 0.  The slice is a
 * pointer and a length computed at run time; its type does not say how long it is.
 * --now SECONDS replaces the clock, so the output can be checked. */
#include "kit.h"

struct slice_i32 { const int32_t *ptr; size_t len; };

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "now", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t now = 0;
    int have_now = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': now = kit_arg_u64("now", optarg, 0, UINT64_MAX); have_now = 1; break;
        case 'h':
            printf("usage: no_size_slice [--now SECONDS]\n"
                   "Print values[0..cap] for values = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10] and\n"
                   "cap = seconds since the Unix epoch %% 10 (book ch. 3.2.10): a slice whose\n"
                   "length is only known at run time.\n"
                   "  --now SECONDS   use this instead of time(NULL)\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (!have_now) {
        time_t t = time(NULL);
        KIT_CHECK(t != (time_t)-1);
        now = (uint64_t)t;
    }
    static const int32_t values[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10 };
    size_t len = sizeof values / sizeof values[0];
    struct slice_i32 s = { values, (size_t)(now % len) };
    putchar('[');
    for (size_t i = 0; i < s.len; i++)
        printf(i ? ", %" PRId32 : "%" PRId32, s.ptr[i]);
    puts("]");
    return 0;
}
