/* rc_weak - Rc and Weak: counts, cycles that leak, weak edges that do not (ch. 3.2.17).
 *
 * (default)        the counts step by step (a new box is strong 1, weak 1; clone,
 *                  downgrade, upgrade, drop), upgrade failing once the last strong
 *                  reference is gone; a tree whose children point back at their
 *                  parent with Weak's, freed whole by dropping the root; then a ring
 *                  of --nodes N nodes owned by a vector with Weak edges node i -> i+1:
 *                  dropping the vector frees every node (memcheck: all heap blocks
 *                  freed).  The correct twin of --strong-cycle.
 * --strong-cycle   BROKEN ON PURPOSE: the same ring with Rc edges.  After the vector
 *                  is dropped every node is still owned by its predecessor: no value
 *                  is dropped and all N boxes leak (memcheck: "definitely lost" plus
 *                  "indirectly lost" = exactly the N node boxes; LeakSanitizer: N
 *                  allocations leaked).  Rust calls this safe: leaks are not UB.
 * --prop           model-based property test of rc_box.c (common/prop.h): random
 *                  new / clone / downgrade / upgrade / drop / read over a pool of
 *                  handles, checked after every step against a model of each box's
 *                  counts: the stored counts, which values are destroyed (exactly
 *                  once, exactly when strong reaches 0), how many boxes are live
 *                  (freed exactly when weak reaches 0), upgrade succeeding iff strong
 *                  > 0; after dropping everything no box is live.
 * --mutant         BROKEN ON PURPOSE: --prop against an rc_drop that frees the box
 *                  at strong 0 even while Weak's remain: the property must fail and
 *                  shrink to [NEW, DOWNGRADE, DROP].  --prop is its correct twin. */
#include "prop.h"
#include "rc_box.h"

/* ---- the graph ------------------------------------------------------------------ */

struct node { unsigned id; int strong_edge; struct rc next; struct weak next_weak; };
static unsigned nodes_dropped;
static int verbose_drops;

static void node_drop(void *value) /* impl Drop for Node: drop its edge */
{
    struct node *n = value;
    nodes_dropped++;
    if (verbose_drops)
        printf("  drop node %u\n", n->id);
    if (n->strong_edge && n->next.box)
        rc_drop(n->next);
    else if (!n->strong_edge && n->next_weak.box)
        weak_drop(n->next_weak);
}

static void counts(const char *what, struct rc r)
{
    printf("%-32s strong %zu, weak %zu (stored: strong %zu, weak %zu)\n", what, rc_strong_count(r),
           rc_weak_count(r), r.box->strong, r.box->weak);
}

static void walkthrough(void)
{
    struct node n1 = { 1, 0, { NULL }, { NULL } };
    printf("Rc::strong_count / Rc::weak_count; the box stores weak + 1: the strong references'\n"
           "implicit weak reference\n");
    struct rc a = rc_new(&n1, sizeof n1, node_drop);
    counts("let a = Rc::new(node 1)", a);
    struct rc b = rc_clone(a);
    counts("let b = a.clone()", a);
    struct weak w = rc_downgrade(a);
    counts("let w = Rc::downgrade(&a)", a);
    rc_drop(b);
    counts("drop(b)", a);
    struct rc up;
    int ok = weak_upgrade(w, &up);
    printf("%-32s %s\n", "w.upgrade()", ok == 0 ? "Some(node 1)" : "None (WRONG)");
    if (ok == 0) {
        counts("  while the upgrade is held", a);
        rc_drop(up);
    }
    struct rc_box *box = a.box;
    rc_drop(a);
    printf("%-32s value dropped (%u node dropped); stored strong %zu, weak %zu: the Weak\n"
           "%-32s keeps the box allocated (%zu box live)\n", "drop(a)", nodes_dropped, box->strong,
           box->weak, "", rc_boxes_live);
    ok = weak_upgrade(w, &up);
    printf("%-32s %s\n", "w.upgrade()", ok == 0 ? "Some (WRONG)" : "None: the value is gone");
    weak_drop(w);
    printf("%-32s box freed (%zu boxes live)\n", "drop(w)", rc_boxes_live);
}

/* A tree: the parent owns its children (Rc), each child points back to its parent
 * with a Weak - the back edge that must not own, or parent and child keep each other. */
struct tnode { unsigned id; struct weak parent; struct rc kids[3]; unsigned nkids; };

static void tnode_drop(void *value)
{
    struct tnode *t = value;
    nodes_dropped++;
    for (unsigned i = 0; i < t->nkids; i++)
        rc_drop(t->kids[i]);
    if (t->parent.box)
        weak_drop(t->parent);
}

static void tree(void)
{
    struct tnode root0 = { 0, { NULL }, { { NULL } }, 0 };
    struct rc root = rc_new(&root0, sizeof root0, tnode_drop);
    for (unsigned i = 1; i <= 3; i++) {
        struct tnode kid = { i, rc_downgrade(root), { { NULL } }, 0 };
        struct tnode *r = rc_get(root);
        r->kids[r->nkids++] = rc_new(&kid, sizeof kid, tnode_drop);
    }
    struct tnode *r = rc_get(root);
    struct tnode *kid1 = rc_get(r->kids[0]);
    struct rc up;
    if (weak_upgrade(kid1->parent, &up) == 0) {
        printf("tree: root owns 3 children (Rc), each child has a Weak to the root; child 1's "
               "parent upgrades to node %u\n", ((struct tnode *)rc_get(up))->id);
        rc_drop(up);
    }
    printf("tree: root strong %zu, weak %zu (the 3 back edges)\n", rc_strong_count(root),
           rc_weak_count(root));
    unsigned before = nodes_dropped;
    rc_drop(root);
    printf("tree: drop(root): %u of 4 nodes dropped, %zu boxes live\n", nodes_dropped - before,
           rc_boxes_live);
}

/* A vector of n Rc<Node>; node i points at node (i+1) % n, strongly or weakly. */
static void ring(unsigned n, int strong)
{
    struct rc *vec = malloc(n * sizeof *vec);
    KIT_CHECK(vec != NULL);
    for (unsigned i = 0; i < n; i++) {
        struct node nd = { i, strong, { NULL }, { NULL } };
        vec[i] = rc_new(&nd, sizeof nd, node_drop);
    }
    for (unsigned i = 0; i < n; i++) {
        struct node *nd = rc_get(vec[i]);
        if (strong)
            nd->next = rc_clone(vec[(i + 1) % n]);
        else
            nd->next_weak = rc_downgrade(vec[(i + 1) % n]);
    }
    printf("built a ring of %u nodes with %s edges; node 0: strong %zu, weak %zu; each box is "
           "%zu bytes\n", n, strong ? "Rc (strong)" : "Weak", rc_strong_count(vec[0]),
           rc_weak_count(vec[0]), sizeof(struct rc_box) + sizeof(struct node));
    unsigned before = nodes_dropped;
    verbose_drops = n <= 8;
    printf("drop(vec):\n");
    for (unsigned i = 0; i < n; i++)
        rc_drop(vec[i]);
    free(vec);
    verbose_drops = 0;
    unsigned dropped = nodes_dropped - before;
    printf("%u of %u nodes dropped, %zu boxes live%s\n", dropped, n, rc_boxes_live,
           rc_boxes_live ? ": LEAKED - each node is still owned by the one before it" : "");
    fflush(stdout); /* before a leak checker's exit handler ends the process */
}

/* ---- the property test ------------------------------------------------------------ */

enum op { NEW, CLONE, DOWNGRADE, UPGRADE, DROP, READ, NOPS };
static const char *const op_names[NOPS] = { "NEW", "CLONE", "DOWNGRADE", "UPGRADE", "DROP", "READ" };
struct action { uint8_t op; uint16_t k; }; /* k: which handle (mod the pool size) */

struct pval { size_t id; uint64_t magic; };
#define MAGIC 0x52635f426f78ull
struct mbox { size_t strong, weak; int alive, freed; struct rc_box *ptr; };
struct handle { int weak; struct rc_box *box; size_t id; };
static unsigned *dropped; /* per box of the current case: times its value was destroyed */

static void pval_drop(void *value)
{
    dropped[((struct pval *)value)->id]++;
}

/* The mutant: frees the box when strong reaches 0, forgetting the Weak's. */
static void mutant_rc_drop(struct rc r)
{
    struct rc_box *b = r.box;
    if (--b->strong == 0) {
        b->drop_value(b->value);
        free(b);
        rc_boxes_live--;
    }
}
static void (*rc_drop_fn)(struct rc) = rc_drop;

static void gen(struct prop_gen *g, void *elem, void *ctx)
{
    (void)ctx;
    struct action *a = elem;
    a->op = (uint8_t)prop_below(g, NOPS);
    a->k = (uint16_t)prop_uint(g, UINT16_MAX);
}
static int shrink(const void *elem, unsigned k, void *out, void *ctx)
{
    (void)ctx;
    const struct action *a = elem;
    struct action *o = out;
    uint64_t v;
    /* k is taken modulo the pool size, which the shrinker cannot see */
    if (!prop_shrink_index(a->k, k, &v))
        return 0;
    *o = *a;
    o->k = (uint16_t)v;
    return 1;
}
static void show(FILE *f, const void *elem, void *ctx)
{
    (void)ctx;
    const struct action *a = elem;
    if (a->op == NEW)
        fprintf(f, "NEW");
    else
        fprintf(f, "%s %u", op_names[a->op], a->k);
}

#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); goto out; } while (0)

/* Drop handle h (by its kind) in the system and in the model. */
static void drop_handle(struct handle h, struct mbox *mb)
{
    struct mbox *m = &mb[h.id];
    if (h.weak) {
        weak_drop((struct weak){ h.box });
        m->weak--;
    } else {
        rc_drop_fn((struct rc){ h.box });
        if (--m->strong == 0) {
            m->alive = 0;
            m->weak--;
        }
    }
    if (m->weak == 0)
        m->freed = 1;
}

/* After every step: the boxes, counts and destroyed values agree with the model. */
static int agree(const struct mbox *mb, size_t nb, size_t base, char *why, size_t whylen)
{
    size_t live = 0;
    for (size_t i = 0; i < nb; i++)
        live += !mb[i].freed;
    if (rc_boxes_live - base != live) { /* check first: a wrongly freed box must not be read */
        snprintf(why, whylen, "%zu boxes live, the model says %zu", rc_boxes_live - base, live);
        return 1;
    }
    for (size_t i = 0; i < nb; i++) {
        if (dropped[i] != (unsigned)!mb[i].alive) {
            snprintf(why, whylen, "box %zu: value destroyed %u times, the model says %d", i,
                     dropped[i], !mb[i].alive);
            return 1;
        }
        if (!mb[i].freed && (mb[i].ptr->strong != mb[i].strong || mb[i].ptr->weak != mb[i].weak)) {
            snprintf(why, whylen, "box %zu: stored strong %zu weak %zu, model %zu %zu", i,
                     mb[i].ptr->strong, mb[i].ptr->weak, mb[i].strong, mb[i].weak);
            return 1;
        }
    }
    return 0;
}

static int check(const void *elems, size_t n, void *ctx, char *why, size_t whylen)
{
    (void)ctx;
    const struct action *as = elems;
    struct handle *hs = malloc((n + 1) * sizeof *hs);
    struct mbox *mb = malloc((n + 1) * sizeof *mb);
    dropped = calloc(n + 1, sizeof *dropped);
    size_t nh = 0, nb = 0, base = rc_boxes_live;
    char reason[256];
    int failed = 1;
    KIT_CHECK(hs != NULL && mb != NULL && dropped != NULL);
    for (size_t i = 0; i < n; i++) {
        const struct action *a = &as[i];
        struct handle *h = nh ? &hs[a->k % nh] : NULL;
        switch (a->op) {
        case NEW: {
            struct pval v = { nb, MAGIC };
            struct rc r = rc_new(&v, sizeof v, pval_drop);
            mb[nb] = (struct mbox){ 1, 1, 1, 0, r.box };
            hs[nh++] = (struct handle){ 0, r.box, nb++ };
            break;
        }
        case CLONE:
            if (!h)
                break;
            if (h->weak) {
                weak_clone((struct weak){ h->box });
                mb[h->id].weak++;
            } else {
                rc_clone((struct rc){ h->box });
                mb[h->id].strong++;
            }
            hs[nh++] = *h;
            break;
        case DOWNGRADE:
            if (!h || h->weak)
                break;
            rc_downgrade((struct rc){ h->box });
            mb[h->id].weak++;
            hs[nh++] = (struct handle){ 1, h->box, h->id };
            break;
        case UPGRADE: {
            if (!h || !h->weak)
                break;
            struct rc r;
            int rc = weak_upgrade((struct weak){ h->box }, &r);
            if ((rc == 0) != (mb[h->id].strong > 0))
                FAIL("step %zu: upgrade %s with model strong %zu", i, rc == 0 ? "succeeded" : "failed",
                     mb[h->id].strong);
            if (rc == 0) {
                mb[h->id].strong++;
                hs[nh++] = (struct handle){ 0, r.box, h->id };
            }
            break;
        }
        case DROP:
            if (!h)
                break;
            drop_handle(*h, mb);
            *h = hs[--nh];
            break;
        case READ: {
            if (!h || h->weak)
                break;
            const struct pval *v = rc_get((struct rc){ h->box });
            if (v->id != h->id || v->magic != MAGIC)
                FAIL("step %zu: read id %zu magic %#" PRIx64 ", expected box %zu", i, v->id,
                     v->magic, h->id);
            break;
        }
        }
        if (agree(mb, nb, base, reason, sizeof reason))
            FAIL("step %zu (%s): %s", i, op_names[a->op], reason);
    }
    while (nh > 0) {
        drop_handle(hs[nh - 1], mb);
        nh--;
        if (agree(mb, nb, base, reason, sizeof reason))
            FAIL("dropping the handles at the end: %s", reason);
    }
    if (rc_boxes_live != base)
        FAIL("%zu boxes live after every handle was dropped", rc_boxes_live - base);
    failed = 0;
out: /* on a failure the remaining handles are leaked: they may point at freed boxes */
    free(hs);
    free(mb);
    free(dropped);
    dropped = NULL;
    return failed;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "nodes", required_argument, NULL, 'n' },
        { "strong-cycle", no_argument, NULL, 'c' },
        { "prop", no_argument, NULL, 'p' },
        { "mutant", no_argument, NULL, 'm' },
        { "tests", required_argument, NULL, 't' },
        { "size", required_argument, NULL, 's' },
        { "seed", required_argument, NULL, 'S' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct prop_opts po = prop_opts_default();
    uint64_t nodes = 2;
    int strong = 0, prop = 0, c;
    po.tests = 1000;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': nodes = kit_arg_u64("nodes", optarg, 1, 1000000); break;
        case 'c': strong = 1; break;
        case 'p': prop = 1; break;
        case 'm': prop = 1; rc_drop_fn = mutant_rc_drop; break;
        case 't': po.tests = kit_arg_u64("tests", optarg, 1, 100000000); break;
        case 's': po.size = kit_arg_u64("size", optarg, 1, 100000); break;
        case 'S': po.seed = kit_arg_u64("seed", optarg, 0, UINT64_MAX); break;
        case 'h':
            printf("usage: rc_weak [--nodes N] [--strong-cycle] | --prop [--mutant] [--tests N] [--size N] [--seed S]\n"
                   "Rc<T>/Weak<T> in C (book ch. 3.2.17, rc_box.c). Default: the counts step by step,\n"
                   "then a ring of --nodes N (default 2) nodes owned by a vector, with Weak edges:\n"
                   "dropping the vector frees every node.\n"
                   "  --strong-cycle  BROKEN ON PURPOSE: Rc edges; the ring leaks all N nodes\n"
                   "                  (memcheck: definitely + indirectly lost = the N boxes)\n"
                   "  --prop          model-based property test of rc_box.c (default 1000 cases of up\n"
                   "                  to --size 100 actions; random --seed, printed; exit 1 on failure)\n"
                   "  --mutant        BROKEN ON PURPOSE: the property test against an rc_drop that\n"
                   "                  ignores Weak's: it must fail and shrink to [NEW, DOWNGRADE, DROP]\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (prop) {
        if (rc_drop_fn == mutant_rc_drop)
            printf("rc_weak: BROKEN ON PURPOSE: --mutant tests an rc_drop that frees the box "
                   "while Weak's remain; the property must fail\n");
        struct prop_spec spec = {
            .name = "rc_box_vs_model", .elem_size = sizeof(struct action),
            .gen = gen, .shrink = shrink, .check = check, .show = show,
        };
        return prop_check(&spec, &po) ? 1 : 0;
    }
    if (strong) {
        printf("rc_weak: BROKEN ON PURPOSE: a ring of %" PRIu64 " nodes linked by Rc (strong) "
               "edges leaks every node (reference cycle)\n", nodes);
        ring((unsigned)nodes, 1);
        return 0;
    }
    walkthrough();
    printf("\n");
    tree();
    printf("\n");
    ring((unsigned)nodes, 0);
    return 0;
}
