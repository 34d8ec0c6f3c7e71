/* amdahl - Amdahl's and Gustafson's laws (book ch. 2.1; a kit addition that
 * turns the book's worked example into a program).
 *
 * Amdahl (1967): with serial fraction s and N processors the speedup is
 *   1 / (s + (1 - s) / N), which tends to 1/s as N grows.
 * Gustafson (1988, "Reevaluating Amdahl's law"): if the parallel part grows
 *   with N at fixed run time, the scaled speedup is s + (1 - s) * N.
 * The book's example: a 24-hour job whose serial parts take 1 hour, s = 1/24,
 * can never run more than 24 times faster.
 * --measure runs a synthetic job (serial spin on main, then the parallel spin
 * split over T threads) on 1 thread and on T = --threads threads and prints
 * the measured speedup next to Amdahl's prediction: one sweep point per run
 * (measure.conf sweeps T).  The job's time includes creating and joining its
 * threads, as a real job's would: that cost is part of what Amdahl calls the
 * serial fraction, so the program keeps its own threads (no stress.h). */
#include "machine.h"
#include <math.h>

/* Parse "a/b" or a decimal in [0, 1]; returns 0 on success. */
static int parse_fraction(const char *s, double *out, char *text, size_t n)
{
    uint64_t a, b;
    const char *slash = strchr(s, '/');
    if (slash) {
        char num[32];
        size_t len = (size_t)(slash - s);
        if (len == 0 || len >= sizeof num)
            return -1;
        memcpy(num, s, len);
        num[len] = '\0';
        if (kit_parse_u64(num, 0, 1000000000, &a) || kit_parse_u64(slash + 1, 1, 1000000000, &b) || a > b)
            return -1;
        *out = (double)a / (double)b;
        snprintf(text, n, "%s = %.6f", s, *out);
        return 0;
    }
    if (!*s || strspn(s, "0123456789.") != strlen(s))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || end == s || !(v >= 0 && v <= 1))
        return -1;
    *out = v;
    snprintf(text, n, "%.6f", v);
    return 0;
}

static double amdahl(double s, double n) { return 1.0 / (s + (1.0 - s) / n); }
static double gustafson(double s, double n) { return s + (1.0 - s) * n; }

static volatile uint64_t sink;
static uint64_t spin(uint64_t units)
{
    uint64_t x = units + 1;
    for (uint64_t i = 0; i < units * 1000000; i++) /* a unit: ~1 ms on a 3-4 GHz core */
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}
struct part { uint64_t units, result; };
static void *worker(void *arg)
{
    struct part *p = arg;
    p->result = spin(p->units); /* read by main after the join */
    return NULL;
}

/* The synthetic job: serial units on this thread, then parallel units split
 * over t threads; returns seconds. */
static double job(double s, uint64_t work, int t)
{
    uint64_t serial = (uint64_t)llround(s * (double)work), par = work - serial;
    pthread_t th[64];
    struct part parts[64];
    uint64_t t0 = kit_now_ns();
    sink = spin(serial);
    for (int i = 0; i < t; i++) {
        parts[i].units = par / (uint64_t)t + ((uint64_t)i < par % (uint64_t)t);
        kit_thread_create(&th[i], worker, &parts[i]);
    }
    uint64_t sum = 0;
    for (int i = 0; i < t; i++) {
        kit_thread_join(th[i]);
        sum += parts[i].result;
    }
    sink = sum;
    return (double)(kit_now_ns() - t0) / 1e9;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "serial", required_argument, NULL, 's' },
        { "procs", required_argument, NULL, 'n' },
        { "measure", no_argument, NULL, 'm' },
        { "threads", required_argument, NULL, 't' },
        { "work", required_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    double s = 1.0 / 24;
    char stext[64] = "1/24 = 0.041667";
    int book = 1, measure = 0, c;
    uint64_t procs = 0, threads = (uint64_t)machine_cpus(), work = 500;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (parse_fraction(optarg, &s, stext, sizeof stext))
                kit_usage_error("--serial: expected a fraction a/b or a decimal in [0, 1], got '%s'", optarg);
            book = 0;
            break;
        case 'n': procs = kit_arg_u64("procs", optarg, 1, 1000000000); break;
        case 'm': measure = 1; break;
        case 't': threads = kit_arg_u64("threads", optarg, 1, 64); break;
        case 'w': work = kit_arg_u64("work", optarg, 1, 10000000); break;
        case 'h':
            printf("usage: amdahl [--serial S] [--procs N] [--measure [--threads T] [--work W]]\n"
                   "Amdahl's law, speedup = 1 / (s + (1 - s) / N), and Gustafson's scaled\n"
                   "speedup, s + (1 - s) * N, for serial fraction s (book ch. 2).\n"
                   "  --serial S    serial fraction, a/b or decimal (default 1/24: the book's\n"
                   "                24-hour job with 1 hour that cannot run in parallel)\n"
                   "  --procs N     only this N (default: 1 2 4 8 16 24 64 1024)\n"
                   "  --measure     also run a synthetic job with that serial fraction on 1\n"
                   "                thread and on T threads; print the measured speedup\n"
                   "                (METRIC speedup) and Amdahl's (METRIC amdahl_speedup)\n"
                   "  --threads T   threads for --measure (default: the CPUs, %d)\n"
                   "  --work W      the job's size in units of about 1 ms of spinning (default 500)\n",
                   machine_cpus());
            return 0;
        default: kit_bad_option(argc, argv);
        }
    }
    kit_no_operands(argc, argv);

    printf("Amdahl's law: speedup(N) = 1 / (s + (1 - s) / N)\n");
    printf("Gustafson's law: scaled speedup(N) = s + (1 - s) * N\n");
    printf("serial fraction s = %s%s\n", stext,
           book ? " (the book's 24-hour job with 1 hour that cannot run in parallel)" : "");
    printf("%10s %10s %10s\n", "N", "Amdahl", "Gustafson");
    static const uint64_t table[] = { 1, 2, 4, 8, 16, 24, 64, 1024 };
    size_t rows = procs ? 1 : sizeof table / sizeof table[0];
    for (size_t i = 0; i < rows; i++) {
        uint64_t n = procs ? procs : table[i];
        printf("%10" PRIu64 " %10.2f %10.2f\n", n, amdahl(s, (double)n), gustafson(s, (double)n));
    }
    if (s > 0)
        printf("Amdahl's limit as N grows: 1/s = %.2f\n", 1.0 / s);
    else
        printf("Amdahl's limit as N grows: none (s = 0: speedup = N)\n");

    if (!measure)
        return 0;
    if (machine_emulated())
        machine_note_emulated("the timing");
    if (threads == 1)
        printf("\nmeasured: a job of %" PRIu64 " units, %.1f%% serial, on 1 thread (%d CPUs)\n", work, 100 * s,
               machine_cpus());
    else
        printf("\nmeasured: a job of %" PRIu64 " units, %.1f%% serial, on 1 and %" PRIu64 " threads (%d CPUs)\n",
               work, 100 * s, threads, machine_cpus());
    printf("%10s %10s %10s %10s\n", "threads", "seconds", "speedup", "Amdahl");
    double base = job(s, work, 1), speedup = 1;
    printf("%10d %10.3f %10.2f %10.2f\n", 1, base, 1.0, 1.0);
    if (threads > 1) {
        double secs = job(s, work, (int)threads);
        speedup = base / secs;
        printf("%10" PRIu64 " %10.3f %10.2f %10.2f\n", threads, secs, speedup, amdahl(s, (double)threads));
    }
    kit_metric("speedup", speedup, "x");
    kit_metric("amdahl_speedup", amdahl(s, (double)threads), "x");
    return 0;
}
