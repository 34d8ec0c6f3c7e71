/* bench.h - a small criterion-style benchmark harness (after criterion 0.1,
 * itself after Bryan O'Sullivan's Haskell criterion), shared by the labs.
 *
 * For each benchmark: a warm-up (iteration counts doubling until warmup_s has
 * passed) estimates the time per iteration; then `samples` samples are taken,
 * each timing the routine over the same number of iterations (chosen so all
 * samples together take about measure_s; "flat sampling").  Reported: the
 * median time per iteration with a 95% bootstrap confidence interval of the
 * median, and outliers by Tukey's fences (mild beyond 1.5 IQR, severe beyond
 * 3 IQR from the quartiles), in criterion's format:
 *
 *   HashMap/100000/standard  time:   [2.3471 ms 2.3521 ms 2.3583 ms]
 *   Found 7 outliers among 100 measurements (7.00%)
 *     1 (1.00%) low severe
 *     ...
 *
 * plus a METRIC line (ns per iteration) and, when a CSV stream is given, one
 * row per benchmark (bench_csv_header for the header).
 *
 * The routine gets the iteration count and loops itself, so the function
 * pointer is called once per sample, never per iteration.  Routines must keep
 * their results alive (a volatile sink) so -O2 cannot delete the work.
 * Timing: kit_now_ns (CLOCK_MONOTONIC).  Header-only.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"

struct bench_config {
    double warmup_s;      /* warm-up time, seconds (criterion: 3) */
    double measure_s;     /* target total measurement time, seconds (criterion: 5) */
    unsigned samples;     /* samples per benchmark (criterion: 100) */
    unsigned resamples;   /* bootstrap resamples for the confidence interval */
    FILE *csv;            /* NULL: no CSV */
};

struct bench_stats {
    double lo, est, hi;   /* ns per iteration: 95% CI of the median, the median */
    double mean, min, max;
    unsigned samples;
    uint64_t iters;       /* iterations per sample */
    unsigned low_severe, low_mild, high_mild, high_severe;
};

/* The benchmark body: run `iters` iterations. */
typedef void (*bench_routine)(void *ctx, uint64_t iters);

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear-interpolated quantile q (0..1) of sorted v[0..n). */
static inline double bench_quantile(const double *v, unsigned n, double q)
{
    double pos = q * (n - 1);
    unsigned i = (unsigned)pos;
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

/* bench_run(cfg, fn, ctx, &st): warm up, sample, and compute the statistics
 * (nanoseconds per iteration).  Aborts on OOM. */
static inline void bench_run(const struct bench_config *cfg, bench_routine fn, void *ctx, struct bench_stats *st)
{
    unsigned n = cfg->samples ? cfg->samples : 1;
    double *t = malloc(n * sizeof *t), *sorted = malloc(n * sizeof *t), *boot = malloc(n * sizeof *t);
    unsigned nres = cfg->resamples ? cfg->resamples : 1000;
    double *meds = malloc(nres * sizeof *meds);
    KIT_CHECK(t && sorted && boot && meds);

    /* warm-up: doubling iteration counts until warmup_s has passed */
    uint64_t total_iters = 0, total_ns = 0, it = 1;
    uint64_t warm_end = kit_now_ns() + (uint64_t)(cfg->warmup_s * 1e9);
    do {
        uint64_t t0 = kit_now_ns();
        fn(ctx, it);
        total_ns += kit_now_ns() - t0;
        total_iters += it;
        it *= 2;
    } while (kit_now_ns() < warm_end);
    double per_iter = (double)total_ns / (double)total_iters;
    double want = cfg->measure_s * 1e9 / n / (per_iter > 1 ? per_iter : 1);
    st->iters = want < 1 ? 1 : (uint64_t)want;

    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = kit_now_ns();
        fn(ctx, st->iters);
        t[i] = (double)(kit_now_ns() - t0) / (double)st->iters;
    }
    memcpy(sorted, t, n * sizeof *t);
    qsort(sorted, n, sizeof *sorted, bench_cmp_double);
    st->samples = n;
    st->est = bench_quantile(sorted, n, 0.5);
    st->min = sorted[0];
    st->max = sorted[n - 1];
    st->mean = 0;
    for (unsigned i = 0; i < n; i++)
        st->mean += t[i] / n;

    /* bootstrap: the median of n draws with replacement, nres times */
    uint64_t seed = 0x5eed;
    for (unsigned r = 0; r < nres; r++) {
        for (unsigned i = 0; i < n; i++)
            boot[i] = t[kit_splitmix64(&seed) % n];
        qsort(boot, n, sizeof *boot, bench_cmp_double);
        meds[r] = bench_quantile(boot, n, 0.5);
    }
    qsort(meds, nres, sizeof *meds, bench_cmp_double);
    st->lo = bench_quantile(meds, nres, 0.025);
    st->hi = bench_quantile(meds, nres, 0.975);

    /* Tukey's fences */
    double q1 = bench_quantile(sorted, n, 0.25), q3 = bench_quantile(sorted, n, 0.75), iqr = q3 - q1;
    st->low_severe = st->low_mild = st->high_mild = st->high_severe = 0;
    for (unsigned i = 0; i < n; i++) {
        if (t[i] < q1 - 3 * iqr) st->low_severe++;
        else if (t[i] < q1 - 1.5 * iqr) st->low_mild++;
        else if (t[i] > q3 + 3 * iqr) st->high_severe++;
        else if (t[i] > q3 + 1.5 * iqr) st->high_mild++;
    }
    free(t);
    free(sorted);
    free(boot);
    free(meds);
}

/* Format ns as criterion does: 5 significant digits and ns/us/ms/s. */
static inline const char *bench_fmt_time(double ns, char *buf, size_t len)
{
    static const char *unit[] = { "ns", "us", "ms", "s" };
    int u = 0;
    while (ns >= 1000 && u < 3) {
        ns /= 1000;
        u++;
    }
    int digits = ns >= 100 ? 2 : ns >= 10 ? 3 : 4;
    snprintf(buf, len, "%.*f %s", digits, ns, unit[u]);
    return buf;
}

/* bench_report(name, st, metric): print criterion's lines for one benchmark
 * and "METRIC <metric> <median ns> ns" (metric NULL: none). */
static inline void bench_report(const char *name, const struct bench_stats *st, const char *metric)
{
    char a[32], b[32], c[32];
    unsigned out = st->low_severe + st->low_mild + st->high_mild + st->high_severe;
    printf("%-26s time:   [%s %s %s]\n", name, bench_fmt_time(st->lo, a, sizeof a),
           bench_fmt_time(st->est, b, sizeof b), bench_fmt_time(st->hi, c, sizeof c));
    if (out) {
        printf("Found %u outliers among %u measurements (%.2f%%)\n", out, st->samples, 100.0 * out / st->samples);
        const char *what[] = { "low severe", "low mild", "high mild", "high severe" };
        unsigned cnt[] = { st->low_severe, st->low_mild, st->high_mild, st->high_severe };
        for (int i = 0; i < 4; i++)
            if (cnt[i])
                printf("  %u (%.2f%%) %s\n", cnt[i], 100.0 * cnt[i] / st->samples, what[i]);
    }
    if (metric)
        kit_metric(metric, st->est, "ns");
    fflush(stdout);
}

static inline void bench_csv_header(FILE *f)
{
    fprintf(f, "name,samples,iters_per_sample,median_ns,ci_lo_ns,ci_hi_ns,mean_ns,min_ns,max_ns,"
               "low_severe,low_mild,high_mild,high_severe\n");
}

static inline void bench_csv_row(FILE *f, const char *name, const struct bench_stats *st)
{
    fprintf(f, "%s,%u,%" PRIu64 ",%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%u,%u,%u,%u\n", name, st->samples, st->iters,
            st->est, st->lo, st->hi, st->mean, st->min, st->max,
            st->low_severe, st->low_mild, st->high_mild, st->high_severe);
    fflush(f);
}

#endif /* BENCH_H */
