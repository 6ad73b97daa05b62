/* test_cost.c - fc_cost_run() against values derived by hand.
 * Every expected number is worked out in the comment beside it from the
 * made-up devices and estimates below and the documented constants
 * (FC_HOST_PRICE_USD 1200, FC_HOST_LOAD_W 80, FC_HOST_IDLE_W 35; defaults
 * 8 h active, 16 h idle, 0.16 USD/kWh, 3 years). A year is 365 days, so
 * 8 h/day = 2920 h/year and 16 h/day = 5840 h/year. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fitcheck/fitcheck.h"

/* a desktop card: 450 W board power, 30 W idle, 1500 USD launch MSRP, 24 GB */
static const fc_hardware card = {
    .info = { .id = "card", .name = "Card" }, .category = "desktop_gpu", .price_kind = "msrp",
    .memory_gb = 24, .bandwidth_gbs = 1000, .fp16_tflops = 100, .power_w = 450, .idle_w = 30,
    .price_usd = 1500, .unified_memory = false };
/* a Mac: whole machine at 1399 USD, 50 W load, 7 W idle, 48 GB of which 36 for the GPU */
static const fc_hardware mac = {
    .info = { .id = "mac", .name = "Mac" }, .category = "apple", .price_kind = "system",
    .memory_gb = 48, .gpu_usable_default_gb = 36, .bandwidth_gbs = 273, .fp16_tflops = 9,
    .power_w = 50, .idle_w = 7, .price_usd = 1399, .unified_memory = true };
/* a unified box with no price_kind and no default GPU limit: priced as a system,
 * 75% of 64 GB usable */
static const fc_hardware box = {
    .info = { .id = "box", .name = "Box" }, .category = "unified_soc", .memory_gb = 64,
    .bandwidth_gbs = 256, .fp16_tflops = 59, .power_w = 120, .idle_w = 10, .price_usd = 2000,
    .unified_memory = true };
/* a card with no price and no power figures */
static const fc_hardware bare = {
    .info = { .id = "bare", .name = "Bare" }, .category = "datacenter_gpu", .memory_gb = 80,
    .bandwidth_gbs = 2000, .fp16_tflops = 500, .unified_memory = false };

static const double eps = 1e-6;

static fc_request request(const fc_hardware *hw)
{
    fc_request r = FC_REQUEST_INIT; /* prompt 512, gen 128 */
    r.hardware = hw;
    return r;
}

/* 100 tok/s decode (one user), 0.5 s to the first token */
static fc_estimate running(void)
{
    fc_estimate e;
    memset(&e, 0, sizeof e);
    e.verdict = FC_VERDICT_FITS;
    e.fits = true;
    e.users = 1;
    e.decode_tokens_per_s = 100;
    e.decode_tokens_per_s_total = 100;
    e.time_to_first_token_s = 0.5;
    return e;
}

static void assert_near(double got, double want, double tol)
{
    if (fabs(got - want) > tol)
        fail_msg("got %.9g, expected %.9g (tolerance %g)", got, want, tol);
}

static void test_card_defaults(void **state)
{
    (void)state;
    fc_request r = request(&card);
    fc_estimate e = running();
    fc_cost_params p = FC_COST_PARAMS_INIT;
    fc_cost k;
    fc_error err;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, &err), FC_OK);
    /* price: 1500 card + 1200 host = 2700, an estimate */
    assert_int_equal(k.price_basis, FC_PRICE_ESTIMATED);
    assert_true(k.has_price);
    assert_near(k.system_price_usd, 2700, eps);
    assert_near(k.devices_price_usd, 1500, eps);
    assert_near(k.host_price_usd, 1200, eps);
    assert_int_equal(k.machines, 1);
    /* 2700 USD / 24 GB = 112.5 USD/GB */
    assert_near(k.usable_gb, 24, eps);
    assert_near(k.price_per_gb_usd, 112.5, eps);
    /* watts: 450 + 80 = 530 at load (an upper bound), 30 + 35 = 65 idle */
    assert_true(k.has_power);
    assert_true(k.load_upper_bound);
    assert_near(k.load_w, 530, eps);
    assert_near(k.idle_w, 65, eps);
    assert_near(k.host_load_w, 80, eps);
    assert_near(k.host_idle_w, 35, eps);
    /* kWh: 530 W x 2920 h / 1000 = 1547.6; 65 W x 5840 h / 1000 = 379.6;
     * total 1927.2 kWh x 0.16 = 308.352 USD a year, 25.696 a month */
    assert_near(k.annual_kwh_active, 1547.6, eps);
    assert_near(k.annual_kwh_idle, 379.6, eps);
    assert_near(k.annual_kwh, 1927.2, eps);
    assert_near(k.annual_electricity_usd, 308.352, eps);
    assert_near(k.monthly_electricity_usd, 25.696, eps);
    /* tokens per joule: 100 tok/s / 530 W = 0.18867925 */
    assert_true(k.has_speed);
    assert_near(k.tokens_per_s, 100, eps);
    assert_near(k.tokens_per_joule, 100.0 / 530.0, 1e-9);
    assert_near(k.tokens_per_joule, 0.18867925, 1e-8);
    /* a request: 0.5 s + 128 / 100 = 1.78 s; 3600 / 1.78 = 2022.47191 an hour;
     * a year: 128 x 2022.47191 x 2920 = 1345536000 / 1.78 = 755919101.12 tokens */
    assert_true(k.has_work);
    assert_near(k.seconds_per_request, 1.78, eps);
    assert_near(k.requests_per_hour, 2022.4719101, 1e-6);
    assert_near(k.tokens_per_year, 755919101.12, 0.01);
    /* electricity per Mtok: 308.352 / 755.91910 = 308.352 x 1.78 / 1345.536
     * = 548.86656 / 1345.536 = 0.40791667 USD */
    assert_true(k.has_electricity_per_mtok);
    assert_near(k.electricity_per_mtok_usd, 0.40791667, 1e-7);
    /* cost per Mtok over 3 years: (2700 + 3 x 308.352) / (3 x 755.91910)
     * = 3625.056 x 1.78 / (3 x 1345.536) = 6452.59968 / 4036.608 = 1.59852026 USD */
    assert_true(k.has_cost_per_mtok);
    assert_near(k.cost_per_mtok_usd, 1.59852026, 1e-7);
    /* no API price given: no comparison */
    assert_false(k.has_api);
    assert_false(k.has_break_even);
}

static void test_api_break_even(void **state)
{
    (void)state;
    fc_request r = request(&card);
    fc_estimate e = running();
    fc_cost_params p = FC_COST_PARAMS_INIT;
    p.api_price_in = 0.2;
    p.api_price_out = 0.6;
    fc_cost k;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    /* a request costs (512 x 0.2 + 128 x 0.6) / 1e6 = 179.2e-6 USD; a month
     * holds 2920 / 12 active hours x 3600 / 1.78 requests = 876000 / 1.78
     * = 492134.83 requests, so 876000 x 179.2e-6 / 1.78 = 156.9792 / 1.78
     * = 88.1905618 USD a month */
    assert_true(k.has_api);
    assert_near(k.api_monthly_usd, 88.1905618, 1e-6);
    /* break even: 2700 / (88.1905618 - 25.696) = 2700 / 62.4945618 = 43.2037592 months */
    assert_true(k.has_break_even);
    assert_true(k.breaks_even);
    assert_near(k.months_to_break_even, 43.2037592, 1e-6);

    /* "never": at 0.01 USD per million either way a request costs 640 x 0.01
     * / 1e6 = 6.4e-6 USD, 876000 x 6.4e-6 / 1.78 = 3.1496629 USD a month,
     * less than the 25.696 USD of electricity */
    p.api_price_in = p.api_price_out = 0.01;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    assert_near(k.api_monthly_usd, 3.1496629, 1e-6);
    assert_true(k.has_break_even);
    assert_false(k.breaks_even);
    assert_near(k.months_to_break_even, 0, 0);

    /* output only: 128 x 0.6 / 1e6 = 76.8e-6 USD a request, 876000 x 76.8e-6
     * / 1.78 = 67.2768 / 1.78 = 37.7959551 USD a month; 2700 / (37.7959551 -
     * 25.696) = 2700 / 12.0999551 = 223.141325 months */
    p.api_price_in = 0;
    p.api_price_out = 0.6;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    assert_near(k.api_monthly_usd, 37.7959551, 1e-6);
    assert_near(k.months_to_break_even, 223.141325, 1e-5);
}

static void test_unified_machine(void **state)
{
    (void)state;
    fc_request r = request(&mac);
    fc_estimate e = running();
    fc_cost k;
    assert_int_equal(fc_cost_run(&r, &e, NULL, &k, NULL), FC_OK); /* NULL = defaults */
    /* a whole machine: its own price and watts, no host */
    assert_int_equal(k.price_basis, FC_PRICE_SYSTEM);
    assert_near(k.system_price_usd, 1399, eps);
    assert_near(k.host_price_usd, 0, 0);
    assert_false(k.load_upper_bound);
    assert_near(k.load_w, 50, eps);
    assert_near(k.idle_w, 7, eps);
    /* GPU-usable: the default limit, 36 GB: 1399 / 36 = 38.8611111 USD/GB */
    assert_near(k.usable_gb, 36, eps);
    assert_near(k.price_per_gb_usd, 38.8611111, 1e-6);
    /* 50 W x 2920 h = 146 kWh, 7 W x 5840 h = 40.88 kWh; 186.88 x 0.16 = 29.9008 USD */
    assert_near(k.annual_kwh, 186.88, eps);
    assert_near(k.annual_electricity_usd, 29.9008, eps);
    /* 100 tok/s / 50 W = 2 tok/J */
    assert_near(k.tokens_per_joule, 2.0, eps);

    /* no price_kind, unified: a system too; usable 75% of 64 = 48 GB, 2000 / 48 = 41.6667 */
    r = request(&box);
    assert_int_equal(fc_cost_run(&r, &e, NULL, &k, NULL), FC_OK);
    assert_int_equal(k.price_basis, FC_PRICE_SYSTEM);
    assert_near(k.system_price_usd, 2000, eps);
    assert_near(k.load_w, 120, eps);
    assert_near(k.usable_gb, 48, eps);
    assert_near(k.price_per_gb_usd, 2000.0 / 48.0, 1e-9);
}

static void test_several_devices(void **state)
{
    (void)state;
    fc_request r = request(&card);
    fc_estimate e = running();
    fc_cost k;
    /* two cards in one machine: 2 x 1500 + 1200 = 4200 USD; 2 x 450 + 80 = 980 W;
     * 2 x 30 + 35 = 95 W; 48 GB, 4200 / 48 = 87.5 USD/GB */
    r.gpus = 2;
    assert_int_equal(fc_cost_run(&r, &e, NULL, &k, NULL), FC_OK);
    assert_near(k.system_price_usd, 4200, eps);
    assert_near(k.load_w, 980, eps);
    assert_near(k.idle_w, 95, eps);
    assert_near(k.usable_gb, 48, eps);
    assert_near(k.price_per_gb_usd, 87.5, eps);
    /* two such machines: everything twice, a host each: 8400 USD, 1960 W, 190 W */
    r.nodes = 2;
    assert_int_equal(fc_cost_run(&r, &e, NULL, &k, NULL), FC_OK);
    assert_int_equal(k.machines, 2);
    assert_near(k.system_price_usd, 8400, eps);
    assert_near(k.host_price_usd, 2400, eps);
    assert_near(k.load_w, 1960, eps);
    assert_near(k.idle_w, 190, eps);
    assert_near(k.host_load_w, 160, eps);
    assert_near(k.usable_gb, 96, eps);
    /* one card beside a card with no price: price unknown, but the watts are known
     * only when every device has them, so a mix with 'bare' has neither */
    r = request(&card);
    r.others[0] = &bare;
    r.n_others = 1;
    assert_int_equal(fc_cost_run(&r, &e, NULL, &k, NULL), FC_OK);
    assert_int_equal(k.price_basis, FC_PRICE_UNKNOWN);
    assert_false(k.has_price);
    assert_false(k.has_power);
    assert_near(k.usable_gb, 104, eps); /* 24 + 80 */
    assert_true(k.has_speed);
    assert_false(k.has_cost_per_mtok);
    /* two priced cards: 1500 + 1500 + 1200 host = 4200 USD */
    r.others[0] = &card;
    assert_int_equal(fc_cost_run(&r, &e, NULL, &k, NULL), FC_OK);
    assert_near(k.system_price_usd, 4200, eps);
    assert_near(k.load_w, 980, eps);
}

static void test_does_not_fit(void **state)
{
    (void)state;
    fc_request r = request(&card);
    fc_estimate e = running();
    e.verdict = FC_VERDICT_NO; /* the estimator still fills a hypothetical speed */
    e.fits = false;
    fc_cost_params p = FC_COST_PARAMS_INIT;
    p.api_price_in = 3;
    p.api_price_out = 15;
    fc_cost k;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    /* price and electricity as in test_card_defaults */
    assert_near(k.system_price_usd, 2700, eps);
    assert_near(k.annual_electricity_usd, 308.352, eps);
    /* nothing speed-derived */
    assert_false(k.has_speed);
    assert_false(k.has_work);
    assert_false(k.has_cost_per_mtok);
    assert_false(k.has_electricity_per_mtok);
    assert_false(k.has_api);
    assert_near(k.tokens_per_s, 0, 0);
    assert_near(k.tokens_per_joule, 0, 0);
    assert_near(k.tokens_per_year, 0, 0);
    /* no estimate at all: the same */
    assert_int_equal(fc_cost_run(&r, NULL, &p, &k, NULL), FC_OK);
    assert_false(k.has_speed);
    assert_near(k.system_price_usd, 2700, eps);
    /* offload runs (slowly): speed figures come out */
    e.verdict = FC_VERDICT_OFFLOAD;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    assert_true(k.has_speed);
    assert_true(k.has_api);
}

static void test_throughput_and_overrides(void **state)
{
    (void)state;
    fc_request r = request(&card);
    fc_estimate e = running();
    /* four users at 50 tok/s each: 200 tok/s together; a request takes
     * 0.5 + 128 / 200 = 1.14 s of the machine; 200 / 530 = 0.37735849 tok/J */
    e.users = 4;
    e.decode_tokens_per_s = 50;
    e.decode_tokens_per_s_total = 200;
    fc_cost_params p = FC_COST_PARAMS_INIT;
    fc_cost k;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    assert_near(k.tokens_per_s, 200, eps);
    assert_near(k.seconds_per_request, 1.14, eps);
    assert_near(k.tokens_per_joule, 0.37735849, 1e-8);

    /* overrides: 5000 USD, 300 W, 20 W. kWh 300 x 2920 / 1000 = 876, 20 x 5840
     * / 1000 = 116.8; 992.8 x 0.16 = 158.848 USD; 5000 / 24 = 208.333 USD/GB */
    e = running();
    p.system_price_usd = 5000;
    p.load_w = 300;
    p.idle_w = 20;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    assert_int_equal(k.price_basis, FC_PRICE_GIVEN);
    assert_near(k.system_price_usd, 5000, eps);
    assert_near(k.host_price_usd, 0, 0);
    assert_true(k.power_given);
    assert_false(k.load_upper_bound);
    assert_near(k.load_w, 300, eps);
    assert_near(k.idle_w, 20, eps);
    assert_near(k.annual_kwh, 992.8, eps);
    assert_near(k.annual_electricity_usd, 158.848, eps);
    assert_near(k.price_per_gb_usd, 5000.0 / 24.0, 1e-9);
    /* a card with no price or watts, given both: figures come out */
    r = request(&bare);
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    assert_true(k.has_price && k.has_power && k.has_cost_per_mtok);
    /* and not given: no price, no watts, no electricity, tokens/s still */
    fc_cost_params d = FC_COST_PARAMS_INIT;
    assert_int_equal(fc_cost_run(&r, &e, &d, &k, NULL), FC_OK);
    assert_int_equal(k.price_basis, FC_PRICE_UNKNOWN);
    assert_false(k.has_price || k.has_power || k.has_electricity_per_mtok);
    assert_near(k.annual_kwh, 0, 0);
    assert_near(k.tokens_per_s, 100, eps);
    assert_near(k.tokens_per_joule, 0, 0);
}

static void test_edge_work(void **state)
{
    (void)state;
    fc_request r = request(&card);
    fc_estimate e = running();
    fc_cost_params p = FC_COST_PARAMS_INIT;
    p.api_price_in = 1;
    p.api_price_out = 1;
    fc_cost k;
    /* --gen 0: a request is the 0.5 s prefill alone, 7200 an hour, no tokens
     * generated, so no per-token cost; the API still bills the input:
     * 7200 x 2920 / 12 x 512 x 1 / 1e6 = 1752000 x 512e-6 = 897.024 USD a month */
    r.gen = 0;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    assert_true(k.has_work);
    assert_near(k.requests_per_hour, 7200, eps);
    assert_near(k.tokens_per_year, 0, 0);
    assert_false(k.has_cost_per_mtok);
    assert_near(k.api_monthly_usd, 897.024, 1e-6);
    /* no prompt and no tokens: no work at all */
    r.prompt = 0;
    e.time_to_first_token_s = 0;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    assert_false(k.has_work);
    assert_true(k.has_speed);
    /* 0 active hours: only idle electricity, 65 W x 24 h x 365 = 569.4 kWh */
    r = request(&card);
    e = running();
    p.active_hours_per_day = 0;
    p.idle_hours_per_day = 24;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
    assert_near(k.annual_kwh, 569.4, eps);
    assert_near(k.tokens_per_year, 0, 0);
    assert_false(k.has_cost_per_mtok);
    assert_near(k.api_monthly_usd, 0, 0);
    assert_false(k.breaks_even);
}

static void expect_range(fc_cost_params p, const char *name)
{
    fc_request r = request(&card);
    fc_estimate e = running();
    fc_cost k;
    fc_error err;
    assert_int_equal(fc_cost_run(&r, &e, &p, &k, &err), FC_ERR_RANGE);
    if (!strstr(err.msg, name))
        fail_msg("message '%s' does not name %s", err.msg, name);
    assert_null(strchr(err.msg, '\n'));
}

static void test_bad_params(void **state)
{
    (void)state;
    fc_cost_params d = FC_COST_PARAMS_INIT, p;
    p = d, p.active_hours_per_day = -1;
    expect_range(p, "active_hours_per_day");
    p = d, p.idle_hours_per_day = 25;
    expect_range(p, "idle_hours_per_day");
    p = d, p.active_hours_per_day = 10; /* 10 + 16 = 26 > 24 */
    expect_range(p, "active_hours_per_day + idle_hours_per_day");
    p = d, p.price_per_kwh = NAN;
    expect_range(p, "price_per_kwh");
    p = d, p.price_per_kwh = -0.1;
    expect_range(p, "price_per_kwh");
    p = d, p.years = 0;
    expect_range(p, "years");
    p = d, p.years = -2;
    expect_range(p, "years");
    p = d, p.api_price_in = -1;
    expect_range(p, "api_price_in");
    p = d, p.api_price_out = INFINITY;
    expect_range(p, "api_price_out");
    p = d, p.system_price_usd = -5;
    expect_range(p, "system_price_usd");
    p = d, p.load_w = NAN;
    expect_range(p, "load_w");
    p = d, p.idle_w = -1;
    expect_range(p, "idle_w");
    /* no hardware */
    fc_request r = FC_REQUEST_INIT;
    fc_cost k;
    fc_error err;
    assert_int_equal(fc_cost_run(&r, NULL, &d, &k, &err), FC_ERR_FIELD);
    assert_non_null(strstr(err.msg, "hardware"));
    assert_string_equal(fc_price_basis_name(FC_PRICE_ESTIMATED), "estimate");
    assert_string_equal(fc_price_basis_name(FC_PRICE_SYSTEM), "system");
    assert_string_equal(fc_price_basis_name(FC_PRICE_GIVEN), "given");
    assert_string_equal(fc_price_basis_name(FC_PRICE_UNKNOWN), "unknown");
}

/* Every figure finite and >= 0 across extreme but valid inputs. */
static void test_all_finite(void **state)
{
    (void)state;
    static const double hours[] = { 0, 1e-9, 8, 24 };
    static const double money[] = { 0, 1e-12, 0.16, 100 };
    static const double tps[] = { 0, 1e-12, 100, 1e12 };
    const fc_hardware *hws[] = { &card, &mac, &box, &bare };
    int runs = 0;
    for (size_t h = 0; h < 4; h++)
        for (size_t m = 0; m < 4; m++)
            for (size_t t = 0; t < 4; t++)
                for (size_t w = 0; w < 4; w++) {
                    fc_request r = request(hws[w]);
                    r.gen = (long)(t * 1000);
                    fc_estimate e = running();
                    e.decode_tokens_per_s_total = tps[t];
                    e.time_to_first_token_s = t == 0 ? 0 : 1e-12;
                    fc_cost_params p = FC_COST_PARAMS_INIT;
                    p.active_hours_per_day = hours[h];
                    p.idle_hours_per_day = 24 - hours[h];
                    p.price_per_kwh = money[m];
                    p.api_price_in = p.api_price_out = money[3 - m];
                    p.years = h + 0.001;
                    fc_cost k;
                    assert_int_equal(fc_cost_run(&r, &e, &p, &k, NULL), FC_OK);
                    const double v[] = { k.system_price_usd, k.devices_price_usd,
                                         k.host_price_usd, k.usable_gb, k.price_per_gb_usd,
                                         k.load_w, k.idle_w, k.host_load_w, k.host_idle_w,
                                         k.annual_kwh_active, k.annual_kwh_idle, k.annual_kwh,
                                         k.annual_electricity_usd, k.monthly_electricity_usd,
                                         k.tokens_per_s, k.tokens_per_joule,
                                         k.seconds_per_request, k.requests_per_hour,
                                         k.tokens_per_year, k.electricity_per_mtok_usd,
                                         k.cost_per_mtok_usd, k.api_monthly_usd,
                                         k.months_to_break_even };
                    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
                        if (!isfinite(v[i]) || v[i] < 0)
                            fail_msg("figure %zu is %g (hours %g, money %g, tps %g, %s)", i,
                                     v[i], hours[h], money[m], tps[t], hws[w]->info.id);
                    runs++;
                }
    assert_int_equal(runs, 256);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_card_defaults),
        cmocka_unit_test(test_api_break_even),
        cmocka_unit_test(test_unified_machine),
        cmocka_unit_test(test_several_devices),
        cmocka_unit_test(test_does_not_fit),
        cmocka_unit_test(test_throughput_and_overrides),
        cmocka_unit_test(test_edge_work),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_all_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
