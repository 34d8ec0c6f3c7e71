/* static_leak - Box::leak: heap memory that lives for the rest of the program (ch. 3.2.8).
 *
 * The book: let static_ref: &'static mut usize = Box::leak(Box::new(41));
 * *static_ref += 1; assert_eq!(*static_ref, 42).  A leaked box is never freed, on
 * purpose - the embedded pattern of allocating everything at start-up.  In C that is
 * a malloc whose pointer is kept in a global: at exit memcheck calls it "still
 * reachable" (a pointer to it still exists), not "definitely lost".
 *   --forget   BROKEN ON PURPOSE: the other leak Rust calls safe (mem::forget): the
 *              only pointer is dropped, so memcheck reports the 8 (4 on armv7) bytes
 *              "definitely lost" and LeakSanitizer a direct leak.  Leaks are not
 *              memory-unsafe; Rust's rules do not rule them out.  The default run is
 *              its correct twin: the leaked box stays reachable. */
#include "kit.h"

size_t *static_ref; /* external linkage: a root that memcheck and LSan scan */

/* Box::leak(Box::new(value)) */
static size_t *box_leak(size_t value)
{
    size_t *p = malloc(sizeof *p);
    KIT_CHECK(p != NULL);
    *p = value;
    return p;
}

/* mem::forget(Box::new(value)): noinline, so no copy of the pointer survives in
 * main's frame for the leak checker to find. */
__attribute__((noinline)) static size_t forget_box(size_t value)
{
    size_t *volatile p = box_leak(value);
    size_t v = *p;
    p = NULL;
    return v;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "forget", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int forget = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': forget = 1; break;
        case 'h':
            printf("usage: static_leak [--forget]\n"
                   "Box::leak in C (book ch. 3.2.8): malloc 41, keep the pointer in a global,\n"
                   "add 1, print 42, never free. memcheck: \"still reachable\", 0 bytes\n"
                   "\"definitely lost\".\n"
                   "  --forget   BROKEN ON PURPOSE: also mem::forget a box: its only pointer is\n"
                   "             dropped, so memcheck reports it \"definitely lost\" and LSan a\n"
                   "             direct leak (a leak: safe in Rust, lost for good)\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (forget)
        printf("static_leak: BROKEN ON PURPOSE: mem::forget drops the only pointer to a box "
               "(a definite leak)\n");

    static_ref = box_leak(41);
    *static_ref += 1;
    KIT_CHECK(*static_ref == 42); /* assert_eq!(*static_ref, 42) */
    printf("%zu\n", *static_ref);
    if (forget)
        printf("forgot a box holding %zu: its memory is lost for good\n", forget_box(7));
    return 0;
}
