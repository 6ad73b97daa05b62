/*
 * test_catalog_params.c - every model's parameter counts recomputed from its
 * architecture (fc_model_count_params) must be within 3% of the stated
 * params_b and active_params_b, unless the entry has a params_note that says
 * why not. Runs over the catalog built from the data/ JSON files (same_as resolved).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fitcheck/fitcheck.h"

#define PARAMS_TOLERANCE 0.03

static const char *const data_files[] = { "data/backends.json", "data/hardware.json",
                                          "data/models.json", "data/quants.json" };

static int setup(void **state)
{
    fc_catalog *cat = fc_catalog_new();
    if (!cat)
        return -1;
    fc_error e;
    for (size_t i = 0; i < sizeof data_files / sizeof data_files[0]; i++) {
        if (fc_catalog_add_file(cat, data_files[i], &e) != FC_OK) {
            fprintf(stderr, "setup: %s\n", e.msg);
            fc_catalog_free(cat);
            return -1;
        }
    }
    *state = cat;
    return 0;
}

static int teardown(void **state)
{
    fc_catalog_free(*state);
    return 0;
}

/* Relative difference of the computed count from the stated one. */
static double rel_diff(double computed, double stated)
{
    return stated > 0 ? fabs(computed - stated) / stated : INFINITY;
}

static void test_params_from_architecture(void **state)
{
    const fc_catalog *cat = *state;
    size_t n = fc_catalog_count(cat, FC_KIND_MODEL);
    int compared = 0, excused = 0, failures = 0;
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        const fc_model *m = fc_catalog_model(cat, i);
        fc_param_count c = fc_model_count_params(m);
        double total = c.total / 1e9, active = c.active / 1e9;
        const char *id = m->info.id;
        bool noted = m->params_note && m->params_note[0];
        struct {
            const char *field;
            double stated, computed;
        } checks[2] = { { "params_b", m->params_b, total },
                        { "active_params_b", m->active_params_b, active } };
        bool any_off = false;
        for (int k = 0; k < 2; k++) {
            compared++;
            double d = rel_diff(checks[k].computed, checks[k].stated);
            if (d <= PARAMS_TOLERANCE)
                continue;
            any_off = true;
            if (noted) {
                excused++;
                printf("note: model '%s' field %s: catalog %.4g B vs architecture %.4g B "
                       "(%+.1f%%) - params_note: %s\n",
                       id, checks[k].field, checks[k].stated, checks[k].computed,
                       100.0 * (checks[k].computed - checks[k].stated) / checks[k].stated,
                       m->params_note);
                continue;
            }
            failures++;
            fprintf(stderr,
                    "FAIL: model '%s' field %s: catalog %.6g B vs fc_model_count_params "
                    "%.6g B (%+.2f%%, more than %.0f%%) and no params_note explains it\n",
                    id, checks[k].field, checks[k].stated, checks[k].computed,
                    100.0 * (checks[k].computed - checks[k].stated) / checks[k].stated,
                    100.0 * PARAMS_TOLERANCE);
        }
        if (noted && !any_off)
            printf("note: model '%s' has a params_note but both counts agree within %.0f%% "
                   "(total %.4g vs %.4g, active %.4g vs %.4g)\n",
                   id, 100.0 * PARAMS_TOLERANCE, total, m->params_b, active,
                   m->active_params_b);
    }
    printf("params: %zu models, %d comparisons, %d beyond %.0f%% explained by params_note, "
           "%d failures\n",
           n, compared, excused, 100.0 * PARAMS_TOLERANCE, failures);
    if (failures)
        fail_msg("%d parameter counts more than %.0f%% from the architecture (see FAIL lines)",
                 failures, 100.0 * PARAMS_TOLERANCE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_from_architecture),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
