/* fuzz_csv.c - libFuzzer target: a measured-runs CSV (the reader behind
 * 'fitcheck validate' and 'fitcheck calibrate', src/cli/cmd_validate.c) from
 * the input. measured_parse() must either fail with one line naming the file
 * or give rows whose metric, tokens/s and GPU count are usable; the rows are
 * then resolved against the embedded catalog (loaded once), every resolved
 * row is predicted (finite, > 0), and the rows of each backend are fitted
 * (fc_calibrate_backend) when there are few enough to keep the target fast.
 * Build: -DFITCHECK_FUZZ=ON; run: scripts/fuzz.sh csv SECONDS. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "measured.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static fc_catalog *cat;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fc_error err;
    cat = fc_catalog_new();
    if (!cat || fc_catalog_add_embedded(cat, &err) != FC_OK) {
        fprintf(stderr, "fuzz_csv: embedded catalog: %s\n", cat ? err.msg : "out of memory");
        abort();
    }
    return 0;
}

#define MAX_FIT 6 /* the fit is slow: only backends with this many rows or fewer */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    measured_set set;
    char err[400];
    if (measured_parse((const char *)data, size, "fuzz.csv", &set, err, sizeof err) != 0) {
        /* one line, naming the file (or out of memory) */
        if (strchr(err, '\n') || (strncmp(err, "fuzz.csv: ", 10) != 0 &&
                                  strcmp(err, "out of memory") != 0)) {
            fprintf(stderr, "fuzz_csv: bad message: %s\n", err);
            abort();
        }
        if (set.n != 0 || set.rows)
            abort(); /* nothing left behind */
        return 0;
    }
    if (set.n == 0)
        abort(); /* a file without rows is an error */
    measured_resolve(cat, &set, true);
    fc_sample samples[MAX_FIT];
    for (size_t b = 0; b < fc_catalog_count(cat, FC_KIND_BACKEND); b++) {
        const fc_backend *be = fc_catalog_backend(cat, b);
        size_t n = 0, total = 0;
        for (size_t i = 0; i < set.n; i++) {
            measured_row *r = &set.rows[i];
            if (!(r->s.measured > 0) || !isfinite(r->s.measured) || r->s.req.gpus < 1)
                abort(); /* measured_parse checked them */
            if (!r->resolved) {
                if (!r->why[0])
                    abort(); /* an unresolved row says why */
                continue;
            }
            if (r->s.req.backend != be)
                continue;
            double p = fc_sample_predict(&r->s, be);
            if (!isfinite(p) || p < 0) {
                fprintf(stderr, "fuzz_csv: line %ld predicted %g\n", r->line, p);
                abort();
            }
            if (n < MAX_FIT)
                samples[n++] = r->s;
            total++;
        }
        if (n == 0 || total > MAX_FIT)
            continue;
        fc_fit_result fr;
        fc_error ferr;
        if (fc_calibrate_backend(be, samples, n, FC_FIT_DEFAULT, &fr, &ferr) == FC_OK &&
            (!isfinite(fr.rms_log_error) || !isfinite(fr.backend.bw_efficiency) ||
             !isfinite(fr.backend.token_overhead_us) || !isfinite(fr.backend.prefill_efficiency)))
            abort();
    }
    measured_free(&set);
    return 0;
}
