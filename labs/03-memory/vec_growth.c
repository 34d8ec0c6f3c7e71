/* vec_growth - Vec's capacity versus length, its growth, its guards (ch. 3.2.18).
 *
 * (default)  Vec::new() allocates nothing; 33 pushes grow the capacity 0, 4, 8, 16,
 *            32, 64 (RawVec::double); a Vec of zero-sized elements has capacity
 *            usize::MAX and never allocates; the overflow guard ("capacity
 *            overflow" when cap * size_of::<T>() overflows, and on 32-bit targets
 *            above isize::MAX); insert past the end is refused; and the read_exact
 *            pitfall: a buffer made with with_capacity(1024) has length 0, so reading
 *            "into it" reads 0 bytes - with 1024 zeros pushed it reads 1024.
 * --with-capacity N   Vec::<u32>::with_capacity(N) and nothing else: the panic
 *            "capacity overflow" (exit 101) or the allocation failure (abort), as Rust.
 * --bench    N pushes versus N inserts at the front (--n N, default 10^5; the
 *            sweep over N lives in measure.conf): ns per operation and the elements
 *            memmove shifted (exactly N(N-1)/2 for the front inserts).  The book
 *            gives no numbers. */
#include <fcntl.h>
#include "panic.h"
#include "vec.h"

/* Vec<u32> and Vec<u8>: the monomorphised wrappers. */
static int push_u32(struct vec *v, uint32_t x) { return vec_push(v, sizeof x, &x); }
static int insert_u32(struct vec *v, size_t i, uint32_t x) { return vec_insert(v, sizeof x, i, &x); }
static int push_u8(struct vec *v, uint8_t x) { return vec_push(v, sizeof x, &x); }

static void must(int rc) /* what Rust's panicking API does with our error codes */
{
    if (rc == VEC_CAPACITY_OVERFLOW)
        rust_panic("capacity overflow");
    if (rc == VEC_OOM) {
        fflush(stdout);
        fprintf(stderr, "memory allocation of %zu bytes failed\n", vec_failed_bytes);
        abort();
    }
    KIT_CHECK(rc == VEC_OK);
}

static const char *result_name(int rc)
{
    switch (rc) {
    case VEC_OK: return "Ok";
    case VEC_CAPACITY_OVERFLOW: return "capacity overflow";
    case VEC_OOM: return "allocation failed";
    default: return "index out of bounds";
    }
}

/* Read::read_exact into a slice: fill exactly len bytes, or fail. */
static size_t read_exact(int fd, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        KIT_CHECK(n > 0);
        got += (size_t)n;
    }
    return got;
}

static void growth(uint64_t pushes)
{
    struct vec v;
    vec_new(&v, sizeof(uint32_t));
    printf("Vec::<u32>::new(): len %zu, cap %zu, ptr %p (dangling: nothing allocated)\n", v.len,
           v.cap, v.ptr);
    printf("capacity after each of %" PRIu64 " pushes:", pushes);
    size_t last = v.cap, grows = 0;
    char seq[256];
    int off = snprintf(seq, sizeof seq, "%zu", v.cap);
    for (uint64_t i = 0; i < pushes; i++) {
        must(push_u32(&v, (uint32_t)i));
        if (i < 64)
            printf(" %zu", v.cap);
        else if (i == 64)
            printf(" ...");
        if (v.cap != last) {
            grows++;
            if (off < (int)sizeof seq - 24)
                off += snprintf(seq + off, sizeof seq - (size_t)off, " -> %zu", v.cap);
            last = v.cap;
        }
    }
    printf("\ncapacity sequence: %s (%zu allocations: 1 malloc, then realloc)\n", seq, grows);
    for (size_t i = 0; i < v.len; i++)
        KIT_CHECK(((uint32_t *)v.ptr)[i] == i);
    vec_drop(&v, sizeof(uint32_t));

    struct vec z;
    vec_new(&z, 0); /* Vec<()> */
    for (int i = 0; i < 1000; i++)
        must(vec_push(&z, 0, NULL));
    printf("Vec::<()>: 1000 pushes, len %zu, cap %zu = usize::MAX: zero-sized, never allocates\n",
           z.len, z.cap);
    printf("first growth: to %zu for u32, to %zu for an element of usize::MAX/8 + 1 bytes\n",
           vec_next_cap(0, 4), vec_next_cap(0, SIZE_MAX / 8 + 1));

    struct vec big;
    size_t n1 = SIZE_MAX / 4 + 1, n2 = (size_t)PTRDIFF_MAX / 4 + 1;
    int rc = vec_with_capacity(&big, 4, n1);
    printf("Vec::<u32>::with_capacity(%zu): %s (cap * 4 overflows usize)\n", n1, result_name(rc));
    rc = vec_with_capacity(&big, 4, n2);
    printf("Vec::<u32>::with_capacity(%zu): %s (%s)\n", n2, result_name(rc),
           sizeof(size_t) < 8 ? "the 32-bit alloc_guard: more than isize::MAX bytes"
                              : "64-bit: no alloc_guard, the allocator refuses isize::MAX + 1 bytes");
    if (rc == VEC_OK)
        vec_drop(&big, 4);

    struct vec s;
    vec_new(&s, 4);
    for (uint32_t i = 0; i < 3; i++)
        must(push_u32(&s, i));
    rc = insert_u32(&s, 5, 9);
    printf("insert(5, ..) into a Vec of len %zu: %s%s\n", s.len, result_name(rc),
           rc == VEC_BAD_INDEX ? " - Rust panics 'insertion index (is 5) should be <= len (is 3)'" : "");
    vec_drop(&s, 4);
}

static void read_exact_pitfall(void)
{
    int fds[2];
    KIT_CHECK(pipe(fds) == 0);
    char data[2048];
    memset(data, 'A', sizeof data);
    KIT_CHECK(write(fds[1], data, sizeof data) == (ssize_t)sizeof data);

    struct vec buf;
    must(vec_with_capacity(&buf, 1, 1024));
    /* &mut buffer[..] is ptr with len, not cap: an empty slice */
    size_t got = read_exact(fds[0], buf.ptr, buf.len);
    printf("Vec::with_capacity(1024): len %zu, cap %zu; read_exact(&mut buffer) read %zu bytes\n",
           buf.len, buf.cap, got);
    for (int i = 0; i < 1024; i++)
        must(push_u8(&buf, 0));
    got = read_exact(fds[0], buf.ptr, buf.len);
    size_t as = 0;
    for (size_t i = 0; i < buf.len; i++)
        as += ((unsigned char *)buf.ptr)[i] == 'A';
    printf("after pushing 1024 zeros: len %zu, cap %zu; read_exact read %zu bytes (%zu of them 'A')\n",
           buf.len, buf.cap, got, as);
    vec_drop(&buf, 1);
    close(fds[0]);
    close(fds[1]);
}

/* --bench: n pushes, then n insert(0)s, each into a new Vec<u32>: ns per operation, their
 * ratio and the elements memmove shifted, then the METRIC lines (one sweep point per run). */
static void push_vs_insert(size_t n)
{
    struct vec v;
    vec_new(&v, 4);
    uint64_t t0 = kit_now_ns();
    for (size_t i = 0; i < n; i++)
        must(push_u32(&v, (uint32_t)i));
    double push_ns = (double)(kit_now_ns() - t0) / (double)n;
    KIT_CHECK(((uint32_t *)v.ptr)[n - 1] == n - 1);
    vec_drop(&v, 4);

    vec_new(&v, 4);
    uint64_t moved0 = vec_elems_moved;
    t0 = kit_now_ns();
    for (size_t i = 0; i < n; i++)
        must(insert_u32(&v, 0, (uint32_t)i));
    double ins_ns = (double)(kit_now_ns() - t0) / (double)n;
    uint64_t moved = vec_elems_moved - moved0;
    KIT_CHECK(((uint32_t *)v.ptr)[0] == n - 1 && ((uint32_t *)v.ptr)[n - 1] == 0);
    vec_drop(&v, 4);

    printf("n = %-7zu push %8.2f ns/op   insert(0) %10.2f ns/op   ratio %8.1f   elements moved %" PRIu64
           " (n(n-1)/2 = %" PRIu64 ")\n", n, push_ns, ins_ns, ins_ns / push_ns, moved,
           (uint64_t)n * (n - 1) / 2);
    kit_metric("push_ns_per_op", push_ns, "ns");
    kit_metric("insert_front_ns_per_op", ins_ns, "ns");
    kit_metric("insert_front_elements_moved", (double)moved, "count");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "pushes", required_argument, NULL, 'p' },
        { "with-capacity", required_argument, NULL, 'w' },
        { "bench", no_argument, NULL, 'b' },
        { "n", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t pushes = 33, cap = 0, n = 100000;
    int bench = 0, with_cap = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': pushes = kit_arg_u64("pushes", optarg, 0, 100000000); break;
        case 'w': cap = kit_arg_u64("with-capacity", optarg, 0, SIZE_MAX); with_cap = 1; break;
        case 'b': bench = 1; break;
        case 'n': n = kit_arg_u64("n", optarg, 1, 1000000); bench = 1; break;
        case 'h':
            printf("usage: vec_growth [--pushes N] | --with-capacity N | --bench [--n N]\n"
                   "Vec<T>'s RawVec policy in C (book ch. 3.2.18, vec.c): no allocation on new,\n"
                   "capacity 0 -> 4 -> 8 -> 16 ... (default --pushes 33), zero-sized elements, the\n"
                   "capacity-overflow guard, insert bounds, the read_exact pitfall (capacity is\n"
                   "not length).\n"
                   "  --with-capacity N   Vec::<u32>::with_capacity(N) only: 'capacity overflow'\n"
                   "                      panic (exit 101) or allocation failure (abort)\n"
                   "  --bench             time N pushes against N insert(0)s (METRIC lines)\n"
                   "  --n N               N for --bench (default 100000; implies --bench)\n");
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);
    if (with_cap) {
        struct vec v;
        must(vec_with_capacity(&v, sizeof(uint32_t), (size_t)cap));
        printf("Vec::<u32>::with_capacity(%zu): len %zu, cap %zu\n", (size_t)cap, v.len, v.cap);
        vec_drop(&v, sizeof(uint32_t));
        return 0;
    }
    if (bench) {
        push_vs_insert((size_t)n);
        return 0;
    }
    growth(pushes);
    read_exact_pitfall();
    return 0;
}
