/* copy_mission - Copy types: a plain struct duplicated bit for bit (ch. 3.2.4).
 *
 * The book's flights_total_copy: #[derive(Clone, Copy)] struct Mission {project,
 * number, duration_days}; flight() returns Mission{Apollo, 8, 6}; main asserts
 * size_of::<Mission>() == 3 and, for Apollo 8, duration_days == 6.  It prints
 * nothing.  Every C struct is Copy: assignment duplicates the bytes and the two
 * copies are independent - harmless here, because Mission owns no heap memory.
 * A struct that does own memory must not be copied like this: double_free_demo. */
#include "kit.h"

enum { APOLLO, GEMINI, MERCURY };
/* A u8 tag, because Rust stores a field-less enum in one byte (a C enum is int). */
struct mission { uint8_t project; uint8_t number; uint8_t duration_days; };
_Static_assert(sizeof(struct mission) == 3, "assert_eq!(mem::size_of::<Mission>(), 3)");

/* "a poor random generator", as the book says. */
static struct mission flight(void)
{
    return (struct mission){ APOLLO, 8, 6 };
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int verbose = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
        switch (c) {
        case 'v': verbose = 1; break;
        case 'h':
            printf("usage: copy_mission [--verbose]\n"
                   "The Copy analogue (book ch. 3.2.4): Mission{project: u8 tag, number, duration_days}\n"
                   "is 3 bytes; flight() returns Apollo 8 by value (a bitwise copy) and the program\n"
                   "asserts duration_days == 6 for Apollo 8. Like the book's program it prints nothing;\n"
                   "exit status 0 means the assertions held.\n"
                   "  --verbose   say what was checked\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);

    struct mission mission = flight();
    if (mission.project == APOLLO && mission.number == 8)
        KIT_CHECK(mission.duration_days == 6); /* assert!(mission.duration_days == 6) */
    /* A copy is a separate value: changing it leaves the original alone. */
    struct mission copy = mission;
    copy.number = 9;
    copy.duration_days = 3;
    KIT_CHECK(mission.number == 8 && mission.duration_days == 6);
    KIT_CHECK(memcmp(&mission, &(struct mission){ APOLLO, 8, 6 }, sizeof mission) == 0);
    if (verbose)
        printf("size_of Mission = %zu; Apollo %u flew %u days; the copy (Apollo %u, %u days) "
               "is independent\n", sizeof mission, mission.number, mission.duration_days,
               copy.number, copy.duration_days);
    return 0;
}
