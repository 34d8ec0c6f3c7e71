/* layout_sizes - sizeof, _Alignof and offsetof of every type of chapter 3, in C.
 *
 * Rust chooses the layout of a repr(Rust) type itself (it reorders fields and packs
 * enum tags); C fixes it by the declaration order and the platform ABI.  This program
 * prints the C layout of each of the chapter's types next to the size Rust gives it
 * (ch. 3.2.1, 3.2.2, 3.2.4, 3.2.9, 3.2.10, 3.2.15-3.2.18), checks the ones that are
 * the same on every target with _Static_assert, and checks the ones that differ
 * between x86_64, aarch64 and armv7 (anything holding a pointer or a size_t, long,
 * long double, max_align_t) at run time against a table of the three ABIs.
 * The METRIC lines make a results-table row per architecture (scripts/measure.sh). */
#include <stdalign.h>
#include <stddef.h>
#include "kit.h"

#if defined(__x86_64__)
#define THIS_ARCH "x86_64"
#elif defined(__aarch64__)
#define THIS_ARCH "aarch64"
#elif defined(__arm__)
#define THIS_ARCH "armv7"
#else
#define THIS_ARCH "unknown"
#endif

/* ---- the chapter's types, as C declares them ----------------------------------- */

/* 3.2.1 AGC: 14 bytes of fields, aligned to its u32, 2 bytes of tail padding. */
struct agc {
    uint16_t elapsed_time2, elapsed_time1;
    uint32_t wait_list_upper;
    uint16_t wait_list_lower, digital_autopilot, fine_scale;
};
/* 3.2.1: C never reorders; Rust would turn the first into the second itself. */
struct bad_order { uint8_t a; uint32_t b; uint8_t c; };
struct sorted_order { uint32_t b; uint8_t a, c; };
/* 3.2.2 repr(packed): no padding, byte alignment, unaligned loads (GNU C, not ISO C). */
struct __attribute__((packed)) packed_order { uint8_t a; uint32_t b; uint8_t c; };

/* 3.2.2 AGCInstruction {TC, TCF, CCS(u8), B(u16), BZF}: a tagged union.  With a C
 * enum as the tag it is int-sized; with a u8 tag it is Rust's 4 bytes. */
enum agc_op { TC, TCF, CCS, B, BZF };
struct agc_instruction_enum_tag { enum agc_op tag; union { uint8_t ccs; uint16_t b; } u; };
struct agc_instruction { uint8_t tag; union { uint8_t ccs; uint16_t b; } u; };
/* 3.2.2 Option<u32>: a 4-byte tag and a 4-byte payload (the ring slots of ch. 4). */
struct option_u32 { uint32_t is_some; uint32_t value; };

/* 3.2.4 Mission: Rust packs the field-less enum into one byte. */
enum project { APOLLO, GEMINI, MERCURY };
struct mission_enum_tag { enum project project; uint8_t number, duration_days; };
struct mission { uint8_t project; uint8_t number, duration_days; };

/* 3.2.9 enum Project { Mercury{mission: u8}, ... }: a 1-byte tag and a 1-byte payload. */
struct project_payload { uint8_t tag; uint8_t mission; };

/* 3.2.9 / 3.2.18 Vec<T>: pointer, capacity, length, whatever T is. */
struct vec_header { void *ptr; size_t cap; size_t len; };
/* 3.2.10 &[T]: a fat pointer, pointer plus length. */
struct slice { const void *ptr; size_t len; };
/* 3.2.10 struct ImportantThing { tag: u8, data: [u8] }: a flexible array member. */
struct important_thing { uint8_t tag; uint8_t data[]; };
struct important_u32 { uint8_t tag; uint32_t data[]; };
/* 3.2.15 Cell<u32>: UnsafeCell<T> is T itself; no overhead. */
struct cell_u32 { uint32_t value; };
/* 3.2.15 the 32-byte block swap_nonoverlapping_bytes moves at a time. */
struct swap_block { uint64_t w[4]; };
/* 3.2.16 RefCell<u32>: a usize borrow flag, then the value. */
struct refcell_u32 { size_t borrow; uint32_t value; };
/* 3.2.17 RcBox<u32>: strong and weak counts, then the value. */
struct rcbox_u32 { size_t strong, weak; uint32_t value; };
/* Not Rust types: 8-byte fields are 8-aligned on all three targets (i386 differs). */
struct u8_u64 { uint8_t a; uint64_t b; };
struct u8_double { uint8_t a; double b; };

/* ---- the same on every target: checked by the compiler ---------------------- */
_Static_assert(sizeof(struct agc) == 16 && alignof(struct agc) == 4, "AGC is 16 bytes, align 4");
_Static_assert(offsetof(struct agc, wait_list_upper) == 4 && offsetof(struct agc, fine_scale) == 12,
               "AGC field offsets");
_Static_assert(sizeof(struct bad_order) == 12 && sizeof(struct sorted_order) == 8, "{u8,u32,u8}");
_Static_assert(sizeof(struct packed_order) == 6 && alignof(struct packed_order) == 1, "packed");
_Static_assert(sizeof(struct agc_instruction) == 4, "AGCInstruction with a u8 tag: Rust's 4");
_Static_assert(sizeof(struct agc_instruction_enum_tag) == 8, "AGCInstruction with an enum tag");
_Static_assert(sizeof(struct option_u32) == 8, "Option<u32> is 8 bytes");
_Static_assert(sizeof(struct mission) == 3 && alignof(struct mission) == 1, "Mission: Rust's 3");
_Static_assert(sizeof(struct mission_enum_tag) == 8, "Mission with a C enum tag");
_Static_assert(sizeof(struct project_payload) == 2, "Project with payload: 2");
_Static_assert(sizeof(struct important_thing) == 1, "a flexible array member adds no size");
_Static_assert(sizeof(struct important_u32) == 4 && offsetof(struct important_u32, data) == 4,
               "a u32 flexible array member is aligned");
_Static_assert(sizeof(struct cell_u32) == 4 && sizeof(struct swap_block) == 32, "Cell, Block");
_Static_assert(sizeof(struct u8_u64) == 16 && sizeof(struct u8_double) == 16,
               "u64 and double are 8-aligned on all three targets (not on i386)");
_Static_assert(sizeof(struct vec_header) == 3 * sizeof(size_t), "Vec header is three words");

/* ---- the ones that differ: checked at run time against each ABI's table ------ */
enum { PTR, VEC, SLICE, REFCELL, RCBOX, LONG, LDOUBLE, LDOUBLE_ALIGN, MAXALIGN, MAXALIGN_SIZE, NDIFF };
static const char *const diff_names[NDIFF] = {
    "pointer (Option<&T>)", "Vec header", "slice (fat pointer)", "RefCell<u32>", "RcBox<u32>",
    "long", "long double", "alignof(long double)", "alignof(max_align_t)", "max_align_t",
};
struct abi { const char *arch; size_t v[NDIFF]; };
static const struct abi abis[] = {
    /*                ptr vec slice refcell rcbox long ldbl ldbl_al maxal maxal_sz */
    { "x86_64",  {    8,  24,  16,    16,    24,   8,   16,    16,    16,    32 } },
    { "aarch64", {    8,  24,  16,    16,    24,   8,   16,    16,    16,    32 } },
    { "armv7",   {    4,  12,   8,     8,    12,   4,    8,     8,     8,    16 } },
};

static void row(const char *name, size_t size, size_t align, const char *note)
{
    printf("%-34s %5zu %5zu  %s\n", name, size, align, note);
}
#define ROW(type, note) row(#type, sizeof(type), alignof(type), note)

static void usage(void)
{
    printf("usage: layout_sizes [--expect ARCH]\n"
           "Print sizeof/alignof/offsetof of the C equivalents of chapter 3's types (AGC,\n"
           "{u8,u32,u8} unsorted/sorted/packed, AGCInstruction, Option<u32>, Mission, Project,\n"
           "Vec, slice, flexible array member, Cell, RefCell, RcBox) beside Rust's sizes, and\n"
           "check them: fixed sizes by _Static_assert, pointer- and ABI-dependent ones at run\n"
           "time against the table for this build's architecture (%s).\n"
           "  --expect ARCH   check against x86_64, aarch64 or armv7's table instead (a\n"
           "                  mismatch lists the differing types and exits 1)\n"
           "Prints METRIC size_* / align_* lines (bytes) for scripts/measure.sh.\n", THIS_ARCH);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "expect", required_argument, NULL, 'e' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *expect = THIS_ARCH;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'e': expect = optarg; break;
        case 'h': usage(); return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    const struct abi *want = NULL;
    for (size_t i = 0; i < sizeof abis / sizeof abis[0]; i++)
        if (strcmp(abis[i].arch, expect) == 0)
            want = &abis[i];
    if (want == NULL)
        kit_usage_error("--expect: expected x86_64, aarch64 or armv7, got '%s'", expect);

    printf("layout_sizes: C layouts of the chapter 3 types on %s (%zu-bit pointers)\n", THIS_ARCH,
           sizeof(void *) * 8);
    printf("%-34s %5s %5s  %s\n", "type", "size", "align", "Rust (book) / note");
    ROW(struct agc, "AGC: Rust 16, align 4 (14 B of fields + 2 B tail padding)");
    ROW(struct bad_order, "{u8 a; u32 b; u8 c}: C keeps the order, 6 B of padding");
    ROW(struct sorted_order, "the same fields largest first: what Rust picks, 8");
    ROW(struct packed_order, "repr(packed): no padding, b is unaligned");
    ROW(struct agc_instruction_enum_tag, "AGCInstruction with a C enum (int) tag");
    ROW(struct agc_instruction, "AGCInstruction with a u8 tag: Rust 4");
    ROW(struct option_u32, "Option<u32>: Rust 8 (4 B tag + 4 B payload)");
    ROW(struct mission_enum_tag, "Mission with a C enum tag");
    ROW(struct mission, "Mission with a u8 tag: Rust 3");
    ROW(struct project_payload, "enum Project { Mercury{mission: u8}, .. }: Rust 2");
    ROW(struct project_payload *, "Option<&Project>: a nullable pointer, no tag");
    ROW(struct vec_header, "Vec<T>: 2 x usize + pointer (24 on 64-bit, 12 on ARM32)");
    ROW(struct slice, "&[T]: pointer + length");
    ROW(struct important_thing, "ImportantThing {tag: u8, data: [u8]}: data not counted");
    ROW(struct important_u32, "the same with u32 data: padded before data[]");
    ROW(struct cell_u32, "Cell<u32>: no overhead");
    ROW(struct swap_block, "swap_nonoverlapping_bytes' Block (4 x u64)");
    ROW(struct refcell_u32, "RefCell<u32>: usize borrow flag + value");
    ROW(struct rcbox_u32, "RcBox<u32>: usize strong + usize weak + value");
    ROW(struct u8_u64, "u64 is 8-aligned on all three targets");
    ROW(struct u8_double, "double too (ARM EABI; i386 would give 12)");
    ROW(long, "LP64 on x86_64 and aarch64, ILP32 on armv7");
    ROW(long double, "x87 80-bit / IEEE binary128 / plain double");
    ROW(max_align_t, "what malloc's alignment guarantees");

    printf("\noffsets (offsetof)\n");
    printf("  struct agc:          elapsed_time2 %zu, elapsed_time1 %zu, wait_list_upper %zu, "
           "wait_list_lower %zu, digital_autopilot %zu, fine_scale %zu\n",
           offsetof(struct agc, elapsed_time2), offsetof(struct agc, elapsed_time1),
           offsetof(struct agc, wait_list_upper), offsetof(struct agc, wait_list_lower),
           offsetof(struct agc, digital_autopilot), offsetof(struct agc, fine_scale));
    printf("  struct bad_order:    a %zu, b %zu, c %zu\n", offsetof(struct bad_order, a),
           offsetof(struct bad_order, b), offsetof(struct bad_order, c));
    printf("  struct sorted_order: b %zu, a %zu, c %zu\n", offsetof(struct sorted_order, b),
           offsetof(struct sorted_order, a), offsetof(struct sorted_order, c));
    printf("  struct packed_order: a %zu, b %zu, c %zu\n", offsetof(struct packed_order, a),
           offsetof(struct packed_order, b), offsetof(struct packed_order, c));
    printf("  struct agc_instruction: tag %zu, payload %zu\n", offsetof(struct agc_instruction, tag),
           offsetof(struct agc_instruction, u));
    printf("  struct important_u32: tag %zu, data %zu\n", offsetof(struct important_u32, tag),
           offsetof(struct important_u32, data));
    printf("  struct rcbox_u32:    strong %zu, weak %zu, value %zu\n", offsetof(struct rcbox_u32, strong),
           offsetof(struct rcbox_u32, weak), offsetof(struct rcbox_u32, value));

    const size_t got[NDIFF] = {
        sizeof(struct project_payload *), sizeof(struct vec_header), sizeof(struct slice),
        sizeof(struct refcell_u32), sizeof(struct rcbox_u32), sizeof(long), sizeof(long double),
        alignof(long double), alignof(max_align_t), sizeof(max_align_t),
    };
    int bad = 0;
    for (int i = 0; i < NDIFF; i++) {
        if (got[i] != want->v[i]) {
            printf("MISMATCH %s: %zu here, %zu on %s\n", diff_names[i], got[i], want->v[i], want->arch);
            bad++;
        }
    }
    if (bad) {
        printf("layout_sizes: %d of %d ABI-dependent layouts differ from the %s table\n", bad, NDIFF,
               want->arch);
        return 1;
    }
    printf("\nchecked: the fixed layouts by _Static_assert, the %d ABI-dependent ones against the %s "
           "table: all match\n", NDIFF, want->arch);

    kit_metric("size_agc", (double)sizeof(struct agc), "B");
    kit_metric("size_u8_u32_u8", (double)sizeof(struct bad_order), "B");
    kit_metric("size_u8_u32_u8_sorted", (double)sizeof(struct sorted_order), "B");
    kit_metric("size_u8_u32_u8_packed", (double)sizeof(struct packed_order), "B");
    kit_metric("size_agc_instruction", (double)sizeof(struct agc_instruction), "B");
    kit_metric("size_mission", (double)sizeof(struct mission), "B");
    kit_metric("size_mission_enum_tag", (double)sizeof(struct mission_enum_tag), "B");
    kit_metric("size_project", (double)sizeof(struct project_payload), "B");
    kit_metric("size_pointer", (double)sizeof(void *), "B");
    kit_metric("size_vec_header", (double)sizeof(struct vec_header), "B");
    kit_metric("size_slice", (double)sizeof(struct slice), "B");
    kit_metric("size_refcell_u32", (double)sizeof(struct refcell_u32), "B");
    kit_metric("size_rcbox_u32", (double)sizeof(struct rcbox_u32), "B");
    kit_metric("size_long_double", (double)sizeof(long double), "B");
    kit_metric("align_max_align_t", (double)alignof(max_align_t), "B");
    return 0;
}
