/* refcell - RefCell's borrow flag, walked through and property-tested (ch. 3.2.16).
 *
 * (default)   a walkthrough of the flag: two readers, a refused writer, a writer, a
 *             refused reader, printing the flag (UNUSED 0, WRITING usize::MAX, n readers).
 * --panic     borrow, then borrow_mut while the reader is out: Rust's panic
 *             "already borrowed: BorrowMutError", exit 101.
 * --prop      a model-based property test (common/prop.h): random sequences of
 *             borrow / borrow_mut / drop a held guard / write through the writer /
 *             read through every reader, run against refcell_flag.c and a model
 *             (held readers, writer held, value).  Checked after every step: the
 *             flag is WRITING exactly when a writer is held and the reader count
 *             otherwise (so never a writer beside readers), try_borrow_mut fails while
 *             any reader is held, readers see the last value written; after dropping
 *             everything the flag is UNUSED again.
 * --mutant    BROKEN ON PURPOSE: run --prop against a try_borrow_mut that only
 *             refuses a second writer (not readers): the property must fail and
 *             shrink to [BORROW, BORROW_MUT].  --prop is its correct twin. */
#include "prop.h"
#include "panic.h"
#include "refcell_flag.h"

enum op { BORROW, BORROW_MUT, DROP, WRITE, READ, NOPS };
static const char *const op_names[NOPS] = { "BORROW", "BORROW_MUT", "DROP", "WRITE", "READ" };
struct action { uint8_t op; uint32_t arg; }; /* DROP: which held guard; WRITE: the value */

/* The mutant: refuses only a second writer - readers and a writer can then coexist. */
static int mutant_try_borrow_mut(struct refcell *c, struct refcell_refmut *out)
{
    if (c->borrow == REFCELL_WRITING)
        return REFCELL_BORROW_MUT_ERROR;
    c->borrow = REFCELL_WRITING;
    out->cell = c;
    out->value = c->value;
    return REFCELL_OK;
}
static int (*try_borrow_mut)(struct refcell *, struct refcell_refmut *) = refcell_try_borrow_mut;

static void gen(struct prop_gen *g, void *elem, void *ctx)
{
    (void)ctx;
    struct action *a = elem;
    a->op = (uint8_t)prop_below(g, NOPS);
    a->arg = (uint32_t)prop_uint(g, UINT32_MAX);
}
static int shrink(const void *elem, unsigned k, void *out, void *ctx)
{
    (void)ctx;
    const struct action *a = elem;
    struct action *o = out;
    uint64_t v;
    /* DROP's arg is taken modulo the guards held, which the shrinker cannot see */
    if (!prop_shrink_index(a->arg, k, &v))
        return 0;
    *o = *a;
    o->arg = (uint32_t)v;
    return 1;
}
static void show(FILE *f, const void *elem, void *ctx)
{
    (void)ctx;
    const struct action *a = elem;
    if (a->op == DROP || a->op == WRITE)
        fprintf(f, "%s %" PRIu32, op_names[a->op], a->arg);
    else
        fprintf(f, "%s", op_names[a->op]);
}

#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); goto out; } while (0)

/* Run one action sequence against the cell and the model. */
static int check(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    (void)ctx;
    const struct action *as = elems;
    uint32_t value = 0, model_value = 0;
    struct refcell cell;
    struct refcell_ref *readers = malloc((n + 1) * sizeof *readers);
    struct refcell_refmut writer = { NULL, NULL };
    size_t nreaders = 0; /* the model: readers held, writer held (writer.value != NULL) */
    int failed = 1;
    KIT_CHECK(readers != NULL);
    refcell_init(&cell, &value);
    for (size_t i = 0; i < n; i++) {
        const struct action *a = &as[i];
        int held = writer.value != NULL;
        switch (a->op) {
        case BORROW: {
            int rc = refcell_try_borrow(&cell, &readers[nreaders]);
            if ((rc == REFCELL_OK) != !held)
                FAIL("step %zu: try_borrow returned %d with %zu readers and %s writer held", i, rc,
                     nreaders, held ? "a" : "no");
            if (rc == REFCELL_OK)
                nreaders++;
            break;
        }
        case BORROW_MUT: {
            struct refcell_refmut w;
            int rc = try_borrow_mut(&cell, &w);
            if ((rc == REFCELL_OK) != (!held && nreaders == 0))
                FAIL("step %zu: try_borrow_mut returned %d with %zu readers and %s writer held", i,
                     rc, nreaders, held ? "a" : "no");
            if (rc == REFCELL_OK)
                writer = w;
            break;
        }
        case DROP: {
            size_t total = nreaders + (size_t)held;
            if (total == 0)
                break;
            size_t k = a->arg % total;
            if (k < nreaders) {
                refcell_ref_drop(&readers[k]);
                readers[k] = readers[--nreaders];
            } else {
                refcell_refmut_drop(&writer);
            }
            break;
        }
        case WRITE:
            if (held) {
                *(uint32_t *)writer.value = a->arg;
                model_value = a->arg;
            }
            break;
        case READ:
            for (size_t r = 0; r < nreaders; r++)
                if (*(const uint32_t *)readers[r].value != model_value)
                    FAIL("step %zu: a reader sees %" PRIu32 ", the last write was %" PRIu32, i,
                         *(const uint32_t *)readers[r].value, model_value);
            break;
        }
        held = writer.value != NULL;
        size_t want = held ? REFCELL_WRITING : nreaders;
        if (held && nreaders > 0)
            FAIL("step %zu (%s): a writer and %zu readers are held at once", i, op_names[a->op],
                 nreaders);
        if (cell.borrow != want)
            FAIL("step %zu (%s): flag %zu, model %zu", i, op_names[a->op], cell.borrow, want);
    }
    while (nreaders > 0)
        refcell_ref_drop(&readers[--nreaders]);
    if (writer.value != NULL)
        refcell_refmut_drop(&writer);
    if (cell.borrow != REFCELL_UNUSED)
        FAIL("flag %zu after every guard was dropped, not UNUSED", cell.borrow);
    failed = 0;
out:
    free(readers);
    return failed;
}

static void walkthrough(void)
{
    uint32_t value = 5;
    struct refcell cell;
    char buf[32];
    struct refcell_refmut w;
    refcell_init(&cell, &value);
#define STATE() refcell_state(&cell, buf, sizeof buf), cell.borrow
    printf("RefCell::new(5)                 flag %-10s (%zu)\n", STATE());
    struct refcell_ref r1 = refcell_borrow(&cell);
    printf("let r1 = cell.borrow()          flag %-10s (%zu)\n", STATE());
    struct refcell_ref r2 = refcell_borrow(&cell);
    printf("let r2 = cell.borrow()          flag %-10s (%zu), *r1 + *r2 = %u\n", STATE(),
           *(const uint32_t *)r1.value + *(const uint32_t *)r2.value);
    int rc = refcell_try_borrow_mut(&cell, &w);
    printf("cell.try_borrow_mut()           %s\n", rc == REFCELL_OK ? "Ok (WRONG)" : "Err(BorrowMutError)");
    refcell_ref_drop(&r1);
    refcell_ref_drop(&r2);
    printf("drop(r1); drop(r2)              flag %-10s (%zu)\n", STATE());
    w = refcell_borrow_mut(&cell);
    *(uint32_t *)w.value = 6;
    printf("let w = cell.borrow_mut(); *w=6 flag %-10s (%zu = usize::MAX)\n", STATE());
    struct refcell_ref r3;
    rc = refcell_try_borrow(&cell, &r3);
    printf("cell.try_borrow()               %s\n", rc == REFCELL_OK ? "Ok (WRONG)" : "Err(BorrowError)");
    refcell_refmut_drop(&w);
    printf("drop(w)                         flag %-10s (%zu), value %u\n", STATE(), value);
    cell.borrow = REFCELL_WRITING - 2; /* pretend usize::MAX - 2 readers are out */
    int ok1 = refcell_try_borrow(&cell, &r1), ok2 = refcell_try_borrow(&cell, &r2);
    printf("with usize::MAX - 2 readers out: one more borrow %s, the next %s\n",
           ok1 == REFCELL_OK ? "Ok" : "Err (WRONG)",
           ok2 == REFCELL_TOO_MANY ? "refused (too many: it would read as WRITING)" : "Ok (WRONG)");
#undef STATE
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "prop", no_argument, NULL, 'p' },
        { "mutant", no_argument, NULL, 'm' },
        { "panic", no_argument, NULL, 'P' },
        { "tests", required_argument, NULL, 't' },
        { "size", required_argument, NULL, 's' },
        { "seed", required_argument, NULL, 'S' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct prop_opts po = prop_opts_default();
    int prop = 0, panic = 0, c;
    po.tests = 1000;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': prop = 1; break;
        case 'm': prop = 1; try_borrow_mut = mutant_try_borrow_mut; break;
        case 'P': panic = 1; break;
        case 't': po.tests = kit_arg_u64("tests", optarg, 1, 100000000); break;
        case 's': po.size = kit_arg_u64("size", optarg, 1, 100000); break;
        case 'S': po.seed = kit_arg_u64("seed", optarg, 0, UINT64_MAX); break;
        case 'h':
            printf("usage: refcell [--panic | --prop [--mutant] [--tests N] [--size N] [--seed S]]\n"
                   "RefCell's borrow flag in C (book ch. 3.2.16): UNUSED = 0, WRITING = SIZE_MAX,\n"
                   "otherwise the number of shared borrows. Default: a walkthrough of the flag.\n"
                   "  --panic    borrow_mut while a borrow is out: Rust's panic, exit 101\n"
                   "  --prop     model-based property test of refcell_flag.c (default 1000 cases of\n"
                   "             up to --size 100 actions; random --seed, printed; exit 1 on failure)\n"
                   "  --mutant   BROKEN ON PURPOSE: the property test against a try_borrow_mut that\n"
                   "             ignores readers: it must fail and shrink to [BORROW, BORROW_MUT]\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (panic) {
        uint32_t value = 5;
        struct refcell cell;
        refcell_init(&cell, &value);
        struct refcell_ref r = refcell_borrow(&cell);
        printf("let r = cell.borrow(); let w = cell.borrow_mut();  // r is still alive\n");
        struct refcell_refmut w = refcell_borrow_mut(&cell); /* panics */
        refcell_refmut_drop(&w);
        refcell_ref_drop(&r);
        return 0;
    }
    if (!prop) {
        walkthrough();
        return 0;
    }
    if (try_borrow_mut == mutant_try_borrow_mut)
        printf("refcell: BROKEN ON PURPOSE: --mutant tests a try_borrow_mut that ignores "
               "readers; the property must fail\n");
    struct prop_spec spec = {
        .name = "refcell_vs_model", .elem_size = sizeof(struct action),
        .gen = gen, .shrink = shrink, .check = check, .show = show,
    };
    return prop_check(&spec, &po) ? 1 : 0;
}
