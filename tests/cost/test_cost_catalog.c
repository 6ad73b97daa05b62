/* test_cost_catalog.c - the catalog's price and power fields, which 'fitcheck
 * cost' reads, against the reference sheet (tests/reference/hardware.csv:
 * launch_msrp_usd and tdp_w) and against the pricing rule of docs/model.md
 * section 8: whole machines carry price_kind "system", cards "msrp"; a price
 * that is not known is absent (0), never guessed, and an Apple configuration
 * without one says so and lists price_usd as unverified. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/refsheet.h"

static bool differs(const cJSON *raw, const char *field)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(raw, "ref_differs");
    return d && cJSON_GetObjectItemCaseSensitive(d, field);
}

static bool lists(const cJSON *raw, const char *list, const char *field)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(raw, list))
        if (cJSON_IsString(it) && strcmp(it->valuestring, field) == 0)
            return true;
    return false;
}

static double num(const cJSON *raw, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(raw, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static const char *str(const cJSON *raw, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(raw, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_prices_and_power(void **state)
{
    (void)state;
    char err[512];
    ref_sheet sheet;
    if (ref_sheet_load(&sheet, "tests/reference/hardware.csv", err, sizeof err) != 0)
        fail_msg("%s", err);
    cJSON *doc = xref_load_json("data/hardware.json", err, sizeof err);
    if (!doc)
        fail_msg("%s", err);
    long id_col = ref_sheet_col(&sheet, "id"), msrp_col = ref_sheet_col(&sheet, "launch_msrp_usd"),
         tdp_col = ref_sheet_col(&sheet, "tdp_w");
    assert_true(id_col >= 0 && msrp_col >= 0 && tdp_col >= 0);
    int failures = 0, prices_checked = 0, powers_checked = 0, entries = 0;
    const cJSON *raw;
    cJSON_ArrayForEach(raw, cJSON_GetObjectItemCaseSensitive(doc, "hardware"))
    {
        const char *id = str(raw, "id"), *ref = str(raw, "ref"), *kind = str(raw, "price_kind");
        double price = num(raw, "price_usd"), power = num(raw, "power_w"), idle = num(raw, "idle_w");
        bool unified = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(raw, "unified_memory"));
        entries++;
#define FAIL(...)                                                                            \
    do {                                                                                     \
        fprintf(stderr, "FAIL: hardware '%s': ", id);                                        \
        fprintf(stderr, __VA_ARGS__);                                                        \
        fputc('\n', stderr);                                                                 \
        failures++;                                                                          \
    } while (0)
        /* cost needs watts for every device; idle below load */
        if (!(power > 0) || !(idle > 0) || idle >= power)
            FAIL("power_w %g and idle_w %g must be > 0 with idle below load", power, idle);
        /* the pricing rule is explicit in the data */
        if (kind && strcmp(kind, "system") != 0 && strcmp(kind, "msrp") != 0 &&
            strcmp(kind, "estimate") != 0)
            FAIL("price_kind '%s' is none of system, msrp, estimate", kind);
        if (price > 0 && !kind)
            FAIL("price_usd %g without a price_kind", price);
        if (unified && (!kind || strcmp(kind, "system") != 0))
            FAIL("unified memory: a whole machine, price_kind must be \"system\"");
        if (!unified && kind && strcmp(kind, "system") == 0)
            FAIL("price_kind \"system\" on a card (host power and price would be left out)");
        /* an unpriced Apple configuration says so */
        if (unified && !(price > 0)) {
            const char *notes = str(raw, "notes");
            if (!lists(raw, "unverified", "price_usd"))
                FAIL("no price: price_usd must be listed in unverified");
            if (!notes || !strstr(notes, "--system-price"))
                FAIL("no price: the notes must say why and point to --system-price");
        }
        if (!ref)
            continue;
        long row = ref_sheet_find(&sheet, (size_t)id_col, ref);
        if (row < 0)
            continue; /* catalog_xref reports refs without a row */
        double want;
        /* launch_msrp_usd: a plain number is the launch price */
        if (ref_leading_number(ref_sheet_cell(&sheet, (size_t)row, (size_t)msrp_col), &want)) {
            prices_checked++;
            if (price != want && !differs(raw, "price_usd"))
                FAIL("price_usd %g, the reference's launch_msrp_usd is %g", price, want);
        } else if (price > 0 && !differs(raw, "price_usd")) {
            FAIL("price_usd %g where the reference has none ('%s'): ref_differs must say why",
                 price, ref_sheet_cell(&sheet, (size_t)row, (size_t)msrp_col));
        }
        /* tdp_w: the board power (a range's maximum, named in ref_differs) */
        if (ref_leading_number(ref_sheet_cell(&sheet, (size_t)row, (size_t)tdp_col), &want)) {
            powers_checked++;
            if (power != want && !differs(raw, "power_w"))
                FAIL("power_w %g, the reference's tdp_w is %g", power, want);
        }
#undef FAIL
    }
    printf("cost catalog: %d entries, %d prices and %d powers compared with the reference, "
           "%d failures\n",
           entries, prices_checked, powers_checked, failures);
    cJSON_Delete(doc);
    ref_sheet_free(&sheet);
    /* the sheet prices 30 rows (21 NVIDIA cards, DGX Spark, Jetson, 5 AMD, 2 Intel) */
    assert_true(prices_checked >= 30);
    assert_true(powers_checked >= 45);
    if (failures)
        fail_msg("%d price/power problems in data/hardware.json (see FAIL lines)", failures);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prices_and_power),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
