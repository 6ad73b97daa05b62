/* bench_sweep.c - estimates per second over the full sweep: every device x
 * every model x every quant its default backend runs x contexts 512, 1024,
 * ... up to the model's native context (powers of 2), prompt 256, gen 128. Repeats the sweep and
 * prints the median rate. Usage: fc_bench_sweep [REPEATS] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fitcheck/fitcheck.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 5;
    if (repeats < 1 || repeats > 100)
        repeats = 5;
    fc_error err;
    fc_catalog *cat = fc_catalog_new();
    if (!cat || fc_catalog_add_embedded(cat, &err) != FC_OK) {
        fprintf(stderr, "fc_bench_sweep: cannot load the catalog\n");
        return 2;
    }
    const fc_host *host = fc_find_host(cat, "ddr5-5600-2ch", NULL);
    double rates[100];
    unsigned long n = 0, failed = 0;
    double sink = 0;
    for (int rep = 0; rep < repeats; rep++) {
        n = 0;
        double t0 = now();
        for (size_t h = 0; h < fc_catalog_count(cat, FC_KIND_HARDWARE); h++) {
            const fc_hardware *hw = fc_catalog_hardware(cat, h);
            const fc_backend *b = fc_find_backend(cat, hw->backend, NULL);
            const fc_link *link = fc_default_link(cat, hw);
            for (size_t q = 0; q < fc_catalog_count(cat, FC_KIND_QUANT); q++) {
                const fc_quant *qu = fc_catalog_quant(cat, q);
                if (!b || (b->quant_format && strcmp(qu->format, b->quant_format) != 0))
                    continue;
                for (size_t m = 0; m < fc_catalog_count(cat, FC_KIND_MODEL); m++) {
                    fc_request r = FC_REQUEST_INIT;
                    fc_estimate e;
                    r.hardware = hw;
                    r.backend = b;
                    r.link = link;
                    r.host = host;
                    r.quant = qu;
                    r.model = fc_catalog_model(cat, m);
                    r.prompt = 256;
                    r.gen = 128;
                    for (long c = 512; ; c *= 2) {
                        r.context = c < r.model->context ? c : r.model->context;
                        if (fc_estimate_run(&r, &e, NULL) == FC_OK)
                            sink += e.decode_tokens_per_s;
                        else
                            failed++;
                        n++;
                        if (c >= r.model->context)
                            break;
                    }
                }
            }
        }
        rates[rep] = (double)n / (now() - t0);
    }
    qsort(rates, (size_t)repeats, sizeof rates[0], cmp_double);
    printf("sweep: %lu estimates per pass, median %.0f estimates/s over %d passes "
           "(min %.0f, max %.0f)%s\n",
           n, rates[repeats / 2], repeats, rates[0], rates[repeats - 1], sink < 0 ? "!" : "");
    if (failed) {
        fprintf(stderr, "fc_bench_sweep: %lu estimates failed\n", failed);
        return 1;
    }
    fc_catalog_free(cat);
    return 0;
}
