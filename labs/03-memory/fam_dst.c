/* fam_dst - a dynamically sized struct: the C99 flexible array member (ch. 3.2.10).
 *
 * Rust's struct ImportantThing { tag: u8, data: [u8] } ends in a slice and so is
 * itself unsized: a reference to it is a fat pointer (address + length of data).
 * C99's flexible array member is the same shape: sizeof covers the header only, the
 * allocation is header + n, and the length must travel beside the pointer.  With a
 * u32 array the header is padded up to the array's alignment: allocate
 * offsetof(data) + n * sizeof elem, and sizeof(struct) happens to equal that offset. */
#include <stddef.h>
#include "kit.h"

struct important_thing { uint8_t tag; uint8_t data[]; };
struct important_u32 { uint8_t tag; uint32_t data[]; };
/* &ImportantThing: a fat pointer - the thin pointer plus the length of data. */
struct important_ref { struct important_thing *ptr; size_t len; };

static struct important_ref important_new(uint8_t tag, size_t n)
{
    struct important_thing *p = malloc(sizeof *p + n); /* header + n bytes */
    KIT_CHECK(p != NULL);
    p->tag = tag;
    for (size_t i = 0; i < n; i++)
        p->data[i] = (uint8_t)(tag + i);
    return (struct important_ref){ p, n };
}

static char stdout_buf[4096]; /* static, so memcheck's heap total is the program's own */

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "len", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t n = 16;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': n = kit_arg_u64("len", optarg, 0, 1 << 20); break;
        case 'h':
            printf("usage: fam_dst [--len N]\n"
                   "The flexible array member as Rust's dynamically sized struct (book ch. 3.2.10,\n"
                   "struct ImportantThing { tag: u8, data: [u8] }): sizeof excludes data[], one\n"
                   "allocation of header + N bytes holds both, and the length rides beside the\n"
                   "pointer (a fat pointer). Default --len 16; memcheck then counts exactly one\n"
                   "allocation of 17 bytes.\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);

    printf("sizeof(struct important_thing) = %zu (tag only: data[] is not counted)\n",
           sizeof(struct important_thing));
    printf("offsetof(struct important_thing, data) = %zu\n", offsetof(struct important_thing, data));
    printf("sizeof(struct important_u32) = %zu, offsetof(data) = %zu (padded to data's alignment)\n",
           sizeof(struct important_u32), offsetof(struct important_u32, data));
    printf("sizeof(struct important_ref) = %zu (a fat pointer: address + length)\n",
           sizeof(struct important_ref));

    struct important_ref r = important_new(42, (size_t)n);
    printf("allocated %zu + %zu = %zu bytes for tag %u and %zu data bytes\n",
           sizeof(struct important_thing), r.len, sizeof(struct important_thing) + r.len,
           r.ptr->tag, r.len);
    unsigned sum = 0;
    for (size_t i = 0; i < r.len; i++)
        sum += r.ptr->data[i];
    printf("data = [");
    for (size_t i = 0; i < r.len && i < 8; i++)
        printf(i ? ", %u" : "%u", r.ptr->data[i]);
    printf("%s], sum %u\n", r.len > 8 ? ", ..." : "", sum);
    free(r.ptr);
    return 0;
}
