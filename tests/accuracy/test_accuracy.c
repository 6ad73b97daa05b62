#define _POSIX_C_SOURCE 200809L
/* test_accuracy.c - the estimator against the measured runs in
 * tests/measured/, the test-description parser, the optimiser and the
 * calibration round trip. Run from the source tree. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "internal.h"
#include "measured.h"

#define MEASURED "tests/measured/measured-public.csv"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

static double pct(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp);
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    return i + 1 < n ? v[i] + (pos - (double)i) * (v[i + 1] - v[i]) : v[n - 1];
}

static void load(cli *c, measured_set *set)
{
    memset(c, 0, sizeof *c);
    c->cmd = "test";
    assert_int_equal(cli_load_catalog(c), EXIT_OK);
    assert_int_equal(measured_load(c, MEASURED, set, true), EXIT_OK);
}

/* ---- the targets of issue 5, on the repo copy of the public set --------------- */

static void test_targets(void **state)
{
    (void)state;
    cli c;
    measured_set set;
    load(&c, &set);
    double *dec = calloc(set.n, sizeof *dec), *pre = calloc(set.n, sizeof *pre);
    size_t nd = 0, np = 0, unresolved = 0;
    for (size_t i = 0; i < set.n; i++) {
        measured_row *r = &set.rows[i];
        if (!r->resolved) {
            unresolved++;
            assert_true(r->why[0] != '\0'); /* listed with a reason */
            continue;
        }
        if (r->excluded)
            continue;
        double p = fc_sample_predict(&r->s, r->s.req.backend);
        assert_true(p > 0);
        double e = fabs(p / r->s.measured - 1.0) * 100.0;
        if (r->s.metric == FC_METRIC_DECODE)
            dec[nd++] = e;
        else
            pre[np++] = e;
    }
    assert_true(set.n > 900);
    assert_true(nd > 300);
    assert_true(np > 300);
    assert_true(unresolved < 60);
    double dmed = pct(dec, nd, 0.5), dp90 = pct(dec, nd, 0.9), pmed = pct(pre, np, 0.5);
    printf("decode median %.1f%% p90 %.1f%% (%zu rows); prefill median %.1f%% (%zu rows)\n",
           dmed, dp90, nd, pmed, np);
    assert_true(dmed <= 10.0);
    assert_true(dp90 <= 25.0);
    assert_true(pmed <= 20.0);
    free(dec);
    free(pre);
    measured_free(&set);
    fc_catalog_free(c.cat);
}

/* ---- resolution ---------------------------------------------------------------- */

static void test_resolution(void **state)
{
    (void)state;
    cli c;
    measured_set set;
    load(&c, &set);
    bool saw_apple_bin = false, saw_mlx_mem = false, saw_cpu = false, saw_series = false;
    for (size_t i = 0; i < set.n; i++) {
        measured_row *r = &set.rows[i];
        if (strcmp(r->f[MF_HARDWARE], "M2 Ultra (76-core GPU)") == 0 && r->resolved) {
            assert_int_equal(r->s.req.hardware->compute_units, 76);
            assert_string_equal(r->s.req.backend->info.id, "metal");
            saw_apple_bin = true;
        }
        if (strcmp(r->f[MF_SOURCE], "mlx_issue1029") == 0) {
            assert_true(r->resolved); /* "M3 Max" + "64GB" in the notes: the 40-core bin */
            assert_string_equal(r->s.req.hardware->info.id, "m3max-64");
            assert_string_equal(r->s.req.backend->info.id, "mlx");
            saw_mlx_mem = true;
        }
        if (strcmp(r->f[MF_RUNTIME], "llama.cpp (CPU)") == 0) {
            assert_false(r->resolved);
            saw_cpu = true;
        }
        if (strstr(r->f[MF_HARDWARE], " Series")) {
            assert_false(r->resolved && !r->excluded);
            saw_series = true;
        }
        if (r->resolved && strcmp(r->f[MF_SOURCE], "llamacpp_d15013_cuda") == 0)
            assert_string_equal(r->s.req.model->info.id, "llama2-7b");
    }
    assert_true(saw_apple_bin && saw_mlx_mem && saw_cpu && saw_series);
    measured_free(&set);
    fc_catalog_free(c.cat);
}

/* ---- test descriptions ------------------------------------------------------------ */

static void parse_ok(const char *s, fc_metric m, long d, long p, long g, int ub)
{
    long dd, pp, gg;
    int u;
    assert_int_equal(measured_parse_test(s, m, &dd, &pp, &gg, &u), 0);
    assert_int_equal(dd, d);
    assert_int_equal(pp, p);
    assert_int_equal(gg, g);
    assert_int_equal(u, ub);
}

static void test_parse(void **state)
{
    (void)state;
    parse_ok("tg128", FC_METRIC_DECODE, 0, 0, 128, 512);
    parse_ok("pp512", FC_METRIC_PREFILL, 0, 512, 0, 512);
    parse_ok("tg1024 via ./main (~500-token prompt, -n 1024, mean of 3 runs)", FC_METRIC_DECODE,
             0, 500, 1024, 512);
    parse_ok("pp~500 via ./main (~500-token prompt, mean of 3 runs)", FC_METRIC_PREFILL, 0, 500,
             0, 512);
    parse_ok("pp2048@d4096 (llama-bench, fa=1, ub=2048)", FC_METRIC_PREFILL, 4096, 2048, 0, 2048);
    parse_ok("tg32@d8192 (llama-bench, fa=1, ub=2048)", FC_METRIC_DECODE, 8192, 0, 32, 2048);
    parse_ok("pp2048 (llama-bench, fa=1, ub=2048)", FC_METRIC_PREFILL, 0, 2048, 0, 2048);
    parse_ok("generate 744 tokens after 1171-token prompt", FC_METRIC_DECODE, 0, 1171, 744, 512);
    parse_ok("prompt 1171 tokens", FC_METRIC_PREFILL, 0, 1171, 0, 512);
    parse_ok("decode (unspecified length)", FC_METRIC_DECODE, 0, 0, 128, 512);
    long d, p, g;
    int u;
    assert_int_equal(measured_parse_test("batch 8 throughput", FC_METRIC_PREFILL, &d, &p, &g, &u),
                     -1);
    assert_int_equal(measured_parse_test("", FC_METRIC_DECODE, &d, &p, &g, &u), -1);
}

/* ---- the optimiser ---------------------------------------------------------------- */

static double rosen(const double *x, void *ctx)
{
    (void)ctx;
    return 100.0 * pow(x[1] - x[0] * x[0], 2) + pow(1.0 - x[0], 2);
}

static void test_nelder_mead(void **state)
{
    (void)state;
    double x[2] = { -1.2, 1.0 }, f = 1;
    for (int i = 0; i < 3; i++)
        fc__nelder_mead(rosen, NULL, x, 2, 0.5, 4000, 1e-14, &f);
    assert_true(fabs(x[0] - 1.0) < 1e-3);
    assert_true(fabs(x[1] - 1.0) < 1e-3);
    assert_true(f < 1e-6);
}

/* Synthetic runs generated with known parameters: the fit must find them. */
static void test_recover(void **state)
{
    (void)state;
    cli c;
    memset(&c, 0, sizeof c);
    c.cmd = "test";
    assert_int_equal(cli_load_catalog(&c), EXIT_OK);
    const fc_backend *cuda = fc_find_backend(c.cat, "cuda", NULL);
    assert_non_null(cuda);
    fc_backend truth = *cuda;
    truth.bw_efficiency = 0.72;
    truth.hbm_efficiency_scale = 0.6;
    truth.token_overhead_us = 450;
    truth.prefill_efficiency = 0.31;
    truth.cu_bandwidth_gbs = 0;
    truth.dequant_ops_per_weight = 0;
    const char *hws[] = { "rtx3060-12", "rtx4090", "rtx5090", "a100-80-sxm", "h100-sxm",
                          "rtx-a4000", "l40s", "v100-16-pcie" };
    const char *models[] = { "llama2-7b", "llama2-13b" };
    fc_sample s[64];
    size_t n = 0;
    for (size_t h = 0; h < sizeof hws / sizeof hws[0]; h++)
        for (size_t m = 0; m < 2; m++)
            for (int metric = 0; metric < 2; metric++) {
                fc_request r = FC_REQUEST_INIT;
                r.hardware = fc_find_hardware(c.cat, hws[h], NULL);
                r.model = fc_find_model(c.cat, models[m], NULL);
                r.quant = fc_find_quant(c.cat, "q4_0", NULL);
                r.backend = &truth;
                assert_non_null(r.hardware);
                assert_non_null(r.model);
                r.prompt = metric ? 512 : 0;
                r.gen = metric ? 0 : 128;
                r.allow_offload = false;
                s[n].req = r;
                s[n].metric = metric ? FC_METRIC_PREFILL : FC_METRIC_DECODE;
                s[n].weight = 1;
                s[n].measured = fc_sample_predict(&s[n], &truth);
                assert_true(s[n].measured > 0);
                n++;
            }
    fc_backend start = truth;
    start.bw_efficiency = 0.5;
    start.hbm_efficiency_scale = 1.0;
    start.token_overhead_us = 1500;
    start.prefill_efficiency = 0.6;
    fc_fit_result fr;
    fc_error err;
    assert_int_equal(fc_calibrate_backend(&start, s, n, FC_FIT_DEFAULT, &fr, &err), FC_OK);
    assert_true(fr.fitted & FC_FIT_BW);
    assert_true(fr.fitted & FC_FIT_HBM);
    assert_false(fr.fitted & FC_FIT_CU);      /* switched off by a zero start */
    assert_false(fr.fitted & FC_FIT_DEQUANT); /* likewise */
    assert_true(fabs(fr.backend.bw_efficiency - 0.72) < 0.01);
    assert_true(fabs(fr.backend.hbm_efficiency_scale - 0.6) < 0.01);
    assert_true(fabs(fr.backend.token_overhead_us - 450) < 15);
    assert_true(fabs(fr.backend.prefill_efficiency - 0.31) < 0.005);
    assert_true(fr.rms_log_error < 1e-3);
    /* deterministic: the same input, the same answer */
    fc_fit_result fr2;
    assert_int_equal(fc_calibrate_backend(&start, s, n, FC_FIT_DEFAULT, &fr2, &err), FC_OK);
    assert_true(fr2.backend.bw_efficiency == fr.backend.bw_efficiency);
    assert_true(fr2.backend.token_overhead_us == fr.backend.token_overhead_us);
    /* bad input */
    s[0].measured = -1;
    assert_int_equal(fc_calibrate_backend(&start, s, n, FC_FIT_DEFAULT, &fr, &err), FC_ERR_RANGE);
    fc_catalog_free(c.cat);
}

/* calibrate writes JSON that loads back as a catalog file */
static void test_roundtrip(void **state)
{
    (void)state;
    char path[] = "/tmp/fitcheck-calXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    FILE *saved = freopen("/dev/null", "w", stdout); /* the report goes nowhere */
    assert_non_null(saved);
    char *argv[] = { "fitcheck", "calibrate", MEASURED, "--output", path, NULL };
    int rc = cli_main(5, argv);
    assert_int_equal(rc, EXIT_OK);
    fc_catalog *cat = fc_catalog_new();
    fc_error err;
    assert_int_equal(fc_catalog_add_embedded(cat, &err), FC_OK);
    assert_int_equal(fc_catalog_add_file(cat, path, &err), FC_OK);
    assert_int_equal(fc_catalog_validate(cat, &err), FC_OK);
    const fc_backend *b = fc_find_backend(cat, "metal", NULL);
    assert_non_null(b);
    assert_true(b->bw_efficiency > 0.1 && b->bw_efficiency <= 1.0);
    assert_true(strstr(b->info.source, "llamacpp_d4167_apple") != NULL);
    fc_catalog_free(cat);
    /* and every estimating command takes it */
    char *argv2[] = { "fitcheck", "estimate", "rtx4090", "llama2-7b", "--calibration", path, NULL };
    assert_int_equal(cli_main(6, argv2), EXIT_OK);
    char *argv3[] = { "fitcheck", "validate", MEASURED, "--summary", "--calibration", path, NULL };
    assert_int_equal(cli_main(6, argv3), EXIT_OK);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_nelder_mead),
        cmocka_unit_test(test_recover),
        cmocka_unit_test(test_resolution),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
