/* measured.h - measured benchmark runs (the shared/measured CSV format), read
 * with libcsv and resolved against the catalog; shared by 'validate' and
 * 'calibrate' (cmd_validate.c). */
#ifndef FC_MEASURED_H
#define FC_MEASURED_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

enum {
    MF_SOURCE, MF_HARDWARE, MF_NOTES, MF_GPUS, MF_RUNTIME, MF_MODEL, MF_PARAMS, MF_QUANT,
    MF_TEST, MF_METRIC, MF_TPS, MF_COUNT
};

typedef struct measured_row {
    long line;              /* line in the CSV file (header = 1) */
    char *f[MF_COUNT];      /* the fields as read */
    bool resolved;          /* hardware, model, quant, backend and test understood */
    char why[200];          /* why not resolved */
    const char *excluded;   /* reason from the documented exclusion list, or NULL */
    fc_sample s;            /* the run as an estimator request */
    double predicted;       /* with the loaded calibration */
    double cv_predicted;    /* leave-one-source-out, 0 = not computed */
} measured_row;

typedef struct measured_set {
    measured_row *rows;
    size_t n, cap;
} measured_set;

/* Read a measured-runs CSV (header names the columns) and resolve each row.
 * Returns EXIT_OK or an error already reported. */
int measured_load(cli *c, const char *path, measured_set *set, bool use_exclusions);

/* The CSV held in memory (data, len; `name` names it in messages): the rows
 * as read, not resolved. Checks the shape (a header naming the columns, as
 * many fields in every row, no control characters, limits on sizes) and the
 * values every row needs (metric, tokens_per_s, gpu_count). Returns 0, or -1
 * with set empty and a one-line message "NAME: ..." in err. */
int measured_parse(const char *data, size_t len, const char *name, measured_set *set, char *err,
                   size_t err_size);

/* Resolve each row's hardware, model, quant, backend and test against cat
 * (unresolved rows get a reason) and mark the excluded ones. */
void measured_resolve(const fc_catalog *cat, measured_set *set, bool use_exclusions);
void measured_free(measured_set *set);

/* Parse a test description ("tg128", "pp512", "pp2048@d4096", "generate 744
 * tokens after 1171-token prompt", ...) into llama-bench terms. Returns 0, or
 * -1 when the text says nothing the estimator can use. */
int measured_parse_test(const char *text, fc_metric metric, long *depth, long *prompt,
                        long *gen, int *ubatch);

/* The sources the default calibration is fitted on (the newest runs of each
 * backend), NULL-terminated. */
extern const char *const measured_calibration_sources[];
bool measured_is_calibration_source(const char *source_id);

/* Fit every backend that has rows among `rows` (those with use[i] true),
 * starting from `start` backends found in cat; fitted backends are written to
 * out (indexed like the catalog's backends) and *fitted_mask gets a bit per
 * catalog backend that was fitted. */
int measured_fit(cli *c, const measured_set *set, const bool *use, bool from_prior,
                 fc_backend *out, fc_fit_result *results, unsigned long *fitted_mask);

/* The uncalibrated starting point of the cross-validation fits: generic
 * values, so that no held-out row leaks in through the default calibration. */
void measured_prior(const fc_backend *catalog_entry, fc_backend *out);

#endif
