/* test_sweep.c - the estimator over the whole embedded catalog: every device
 * x every model x every quant its default backend runs x contexts from 512
 * to the model's native context. Every figure must be finite and >= 0 (the
 * headroom may be negative), and the estimator's monotonic properties hold:
 * the KV cache and the memory needed never shrink as the context grows, and
 * decoding never gets faster as the cache fills (position P = depth + prompt).
 *
 * Contexts step by powers of 4 (512, 2048, 8192, ...) plus the native context,
 * so that the sweep also runs in the sanitizer build in reasonable time;
 * FITCHECK_SWEEP_STEP=2 in the environment steps by powers of 2 instead. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fitcheck/fitcheck.h"

static fc_catalog *cat;
static unsigned long n_runs, n_failures;

#define MAX_REPORTS 20

/* Report the first failures in full, count the rest: one bad formula would
 * otherwise print a million lines. */
static void failure(const fc_request *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void failure(const fc_request *r, const char *fmt, ...)
{
    if (n_failures++ < MAX_REPORTS) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        print_error("%s x%d / %s / %s / %s / ctx %ld depth %ld: %s\n", r->hardware->info.id,
                    r->gpus, r->model->info.id, r->quant->info.id, r->backend->info.id,
                    r->context, r->depth, msg);
    }
}

static int setup(void **state)
{
    (void)state;
    fc_error err;
    cat = fc_catalog_new();
    if (!cat || fc_catalog_add_embedded(cat, &err) != FC_OK ||
        fc_catalog_validate(cat, &err) != FC_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fc_catalog_free(cat);
    return 0;
}

/* Every number of one estimate: finite, >= 0 except the headroom. */
static void check_numbers(const fc_request *r, const fc_estimate *e)
{
    const struct {
        const char *name;
        double v;
    } f[] = {
#define F(x) { #x, e->x }
        F(weights_bytes), F(weights_gpu_bytes), F(kv_cache_bytes), F(kv_bytes_per_token),
        F(state_bytes), F(overhead_bytes), F(total_bytes), F(gpu_needed_bytes),
        F(device_bytes), F(reserve_bytes), F(available_bytes), F(offloaded_bytes),
        F(host_available_bytes), F(wired_limit_default_bytes), F(wired_limit_max_bytes),
        F(decode_tps_layer_offload), F(decode_tps_expert_offload), F(active_weight_bytes),
        F(decode_tokens_per_s), F(decode_tokens_per_s_start), F(prefill_tokens_per_s),
        F(time_to_first_token_s), F(bandwidth_efficiency), F(effective_bandwidth_gbs),
        F(interconnect_ms_per_token),
#undef F
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!isfinite(f[i].v) || f[i].v < 0)
            failure(r, "%s = %g (must be finite and >= 0)", f[i].name, f[i].v);
    if (!isfinite(e->headroom_bytes))
        failure(r, "headroom_bytes = %g (must be finite)", e->headroom_bytes);
    if (e->max_context < 0 || e->wired_limit_mb < 0 || e->cpu_moe_layers < 0 ||
        e->gpu_layers < 0 || e->gpu_layers > r->model->layers)
        failure(r, "max_context %ld, wired_limit_mb %ld, gpu_layers %d, cpu_moe_layers %d",
                e->max_context, e->wired_limit_mb, e->gpu_layers, e->cpu_moe_layers);
    if (e->n_terms < 0 || e->n_terms > FC_MAX_TERMS)
        failure(r, "n_terms = %d", e->n_terms);
    for (int i = 0; i < e->n_terms && i < FC_MAX_TERMS; i++)
        if (!isfinite(e->terms[i].value))
            failure(r, "term '%s' = %g", e->terms[i].name ? e->terms[i].name : "?",
                    e->terms[i].value);
    if (e->fits != (e->verdict == FC_VERDICT_FITS || e->verdict == FC_VERDICT_TIGHT))
        failure(r, "fits = %d but verdict %s", e->fits, fc_verdict_name(e->verdict));
    /* a setup that runs at all decodes at some speed */
    if (e->verdict != FC_VERDICT_NO && !(e->decode_tokens_per_s > 0))
        failure(r, "verdict %s but decode %g tokens/s", fc_verdict_name(e->verdict),
                e->decode_tokens_per_s);
}

static bool run(fc_request *r, fc_estimate *e)
{
    fc_error err;
    n_runs++;
    if (fc_estimate_run(r, e, &err) != FC_OK) {
        failure(r, "fc_estimate_run failed: %s", err.msg);
        return false;
    }
    check_numbers(r, e);
    return true;
}

/* Slack for floating-point noise in the monotonic comparisons. */
static bool less(double a, double b) { return a < b * (1 - 1e-9) - 1e-6; }

static void sweep_one(fc_request *r, long step)
{
    const fc_model *m = r->model;
    long ctx[32];
    int n = 0;
    for (long c = 512; c < m->context && n < 30; c *= step)
        ctx[n++] = c;
    ctx[n++] = m->context;
    fc_estimate e, prev;
    for (int i = 0; i < n; i++) {
        r->context = ctx[i];
        r->depth = 0;
        if (!run(r, &e))
            return;
        if (i > 0) {
            if (less(e.kv_cache_bytes, prev.kv_cache_bytes))
                failure(r, "KV cache %g < %g at context %ld", e.kv_cache_bytes,
                        prev.kv_cache_bytes, ctx[i - 1]);
            if (less(e.gpu_needed_bytes, prev.gpu_needed_bytes))
                failure(r, "memory needed %g < %g at context %ld", e.gpu_needed_bytes,
                        prev.gpu_needed_bytes, ctx[i - 1]);
            if (less(e.total_bytes, prev.total_bytes))
                failure(r, "total memory %g < %g at context %ld", e.total_bytes,
                        prev.total_bytes, ctx[i - 1]);
        }
        prev = e;
    }
    /* at the native context, fill the cache: decode at position P never speeds up */
    long room = r->context - r->prompt - r->gen;
    long depths[4] = { 0, room / 4, room / 2, room };
    double last = 0;
    for (int i = 0; i < 4; i++) {
        r->depth = depths[i];
        if (!run(r, &e))
            return;
        if (i > 0 && less(last, e.decode_tokens_per_s_start))
            failure(r, "decode at position %ld is %g tokens/s, faster than %g at %ld",
                    depths[i] + r->prompt, e.decode_tokens_per_s_start, last,
                    depths[i - 1] + r->prompt);
        if (i > 0 && e.decode_tokens_per_s > e.decode_tokens_per_s_start * (1 + 1e-9))
            failure(r, "average decode %g faster than the first token's %g",
                    e.decode_tokens_per_s, e.decode_tokens_per_s_start);
        last = e.decode_tokens_per_s_start;
    }
    r->depth = 0;
}

static void test_sweep(void **state)
{
    (void)state;
    const char *s = getenv("FITCHECK_SWEEP_STEP");
    long step = s && atol(s) >= 2 ? atol(s) : 4;
    const fc_host *host = fc_find_host(cat, "ddr5-5600-2ch", NULL);
    assert_non_null(host);
    size_t nh = fc_catalog_count(cat, FC_KIND_HARDWARE);
    size_t nm = fc_catalog_count(cat, FC_KIND_MODEL);
    size_t nq = fc_catalog_count(cat, FC_KIND_QUANT);
    unsigned long combos = 0;
    for (size_t h = 0; h < nh; h++) {
        const fc_hardware *hw = fc_catalog_hardware(cat, h);
        const fc_backend *b = fc_find_backend(cat, hw->backend, NULL);
        assert_non_null(b);
        for (size_t q = 0; q < nq; q++) {
            const fc_quant *qu = fc_catalog_quant(cat, q);
            if (b->quant_format && strcmp(qu->format, b->quant_format) != 0)
                continue;
            for (size_t mi = 0; mi < nm; mi++) {
                fc_request r = FC_REQUEST_INIT;
                r.hardware = hw;
                r.backend = b;
                r.link = fc_default_link(cat, hw);
                r.host = host;
                r.quant = qu;
                r.model = fc_catalog_model(cat, mi);
                r.prompt = 256;
                r.gen = 128;
                sweep_one(&r, step);
                combos++;
            }
        }
    }
    print_message("sweep: %zu devices, %zu models, %zu quants: %lu combinations, %lu "
                  "estimates, %lu failures\n",
                  nh, nm, nq, combos, n_runs, n_failures);
    assert_true(combos > 10000);
    assert_int_equal(n_failures, 0);
}

/* Multi-GPU and the request knobs on a slice of the catalog: every tenth
 * device and model, 2 and 8 devices, both splits, every KV type. */
static void test_sweep_multi(void **state)
{
    (void)state;
    const fc_host *host = fc_find_host(cat, "ddr5-5600-2ch", NULL);
    const fc_quant *q4 = fc_find_quant(cat, "q4_k_m", NULL);
    const fc_quant *mlx4 = fc_find_quant(cat, "mlx-4bit", NULL);
    assert_non_null(host);
    assert_non_null(q4);
    unsigned long before = n_failures;
    for (size_t h = 0; h < fc_catalog_count(cat, FC_KIND_HARDWARE); h += 10) {
        const fc_hardware *hw = fc_catalog_hardware(cat, h);
        const fc_backend *b = fc_find_backend(cat, hw->backend, NULL);
        const fc_quant *q = b->quant_format && strcmp(b->quant_format, "mlx") == 0 ? mlx4 : q4;
        if (!q)
            continue;
        for (size_t mi = 0; mi < fc_catalog_count(cat, FC_KIND_MODEL); mi += 10)
            for (int gpus = 2; gpus <= 8; gpus *= 4)
                for (int split = 0; split < 2; split++)
                    for (int kv = 0; kv < 3; kv++) {
                        fc_request r = FC_REQUEST_INIT;
                        r.hardware = hw;
                        r.backend = b;
                        r.link = fc_default_link(cat, hw);
                        r.host = host;
                        r.quant = q;
                        r.model = fc_catalog_model(cat, mi);
                        r.gpus = gpus;
                        r.split = split ? FC_SPLIT_TENSOR : FC_SPLIT_LAYER;
                        r.kv_type = (fc_kv_type)kv;
                        r.prompt = 256;
                        r.gen = 128;
                        sweep_one(&r, 16);
                    }
    }
    assert_int_equal(n_failures, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_sweep_multi),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
