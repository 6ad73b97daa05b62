/* test_catalog.c - the catalog loader and name lookup: a valid catalog, and
 * every kind of bad input with the file, entry and field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fitcheck/fitcheck.h"

#define BACKENDS                                                                     \
    "\"backends\":[{\"id\":\"cuda\",\"name\":\"CUDA\",\"runtime\":\"llama.cpp\","      \
    "\"quant_format\":\"gguf\",\"bw_efficiency\":0.8,\"token_overhead_us\":100,"      \
    "\"layer_overhead_us\":5,\"prefill_efficiency\":0.5}]"

#define HW(id, extra)                                                                \
    "{\"id\":\"" id "\",\"name\":\"Test GPU " id "\",\"vendor\":\"nvidia\","           \
    "\"category\":\"desktop_gpu\",\"memory_gb\":24,\"memory_type\":\"GDDR6X\","        \
    "\"bandwidth_gbs\":1008,\"fp16_tflops\":330,\"backend\":\"cuda\","                 \
    "\"release_year\":2022,\"source\":\"test\"" extra "}"

#define MODEL(id, extra)                                                             \
    "{\"id\":\"" id "\",\"name\":\"Model " id "\",\"arch\":\"dense\",\"params_b\":8.03," \
    "\"layers\":32,\"hidden_size\":4096,\"heads\":32,\"kv_heads\":8,\"head_dim\":128,"  \
    "\"intermediate_size\":14336,\"vocab_size\":128256,\"tie_embeddings\":false,"      \
    "\"context\":131072,\"source\":\"test\"" extra "}"

static const char valid[] =
    "{\"schema_version\":1," BACKENDS ","
    "\"hardware\":[" HW("rtx4090", ",\"aliases\":[\"RTX 4090\",\"4090\"]") ","
    HW("rtx4080", "") "," HW("rtx4090d", "") "],"
    "\"models\":[" MODEL("llama3.1-8b", ",\"aliases\":[\"Llama 3.1 8B Instruct\"]") ","
    "{\"id\":\"llama3.1-8b-instruct\",\"name\":\"Llama 3.1 8B Instruct variant\","
    "\"same_as\":\"llama3.1-8b\",\"source\":\"test\",\"context\":8192}],"
    "\"quants\":[{\"id\":\"q4_k_m\",\"name\":\"Q4_K_M\",\"family\":\"k-quant\","
    "\"format\":\"gguf\",\"bpw\":4.89,\"ladder\":5,\"source\":\"test\"}]}";

static fc_catalog *load(const char *json, fc_status *st, fc_error *err)
{
    fc_catalog *cat = fc_catalog_new();
    assert_non_null(cat);
    *st = fc_catalog_add_json(cat, json, strlen(json), "test.json", err);
    return cat;
}

static void valid_catalog_loads(void **state)
{
    (void)state;
    fc_error err;
    fc_status st;
    fc_catalog *cat = load(valid, &st, &err);
    assert_int_equal(st, FC_OK);
    assert_int_equal(fc_catalog_count(cat, FC_KIND_HARDWARE), 3);
    assert_int_equal(fc_catalog_count(cat, FC_KIND_MODEL), 2);
    assert_int_equal(fc_catalog_validate(cat, &err), FC_OK);
    const fc_hardware *h = fc_catalog_hardware(cat, 0);
    assert_string_equal(h->info.id, "rtx4090");
    assert_true(h->memory_gb == 24.0);
    assert_true(h->bandwidth_gbs == 1008.0);
    assert_string_equal(h->info.origin, "test.json");
    /* a same_as entry inherits the architecture and overrides what it sets */
    const fc_model *v = fc_catalog_model(cat, 1);
    assert_string_equal(v->same_as, "llama3.1-8b");
    assert_int_equal(v->layers, 32);
    assert_int_equal(v->kv_heads, 8);
    assert_int_equal(v->context, 8192);
    /* active params derived from the architecture when not given:
     * (8,030,261,248 - 525,336,576 input embedding) / 8,030,261,248 x 8.03 B */
    assert_float_equal(v->active_params_b, 8.03 * 7504924672.0 / 8030261248.0, 1e-6);
    fc_catalog_free(cat);
}

static void lookup_ignores_case_spaces_dashes(void **state)
{
    (void)state;
    fc_error err;
    fc_status st;
    fc_catalog *cat = load(valid, &st, &err);
    assert_int_equal(st, FC_OK);
    const char *names[] = { "rtx4090", "RTX 4090", "rtx-4090", "Rtx_40.90", "4090",
                            "Test GPU rtx4090" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const fc_hardware *h = fc_find_hardware(cat, names[i], &err);
        assert_non_null(h);
        assert_string_equal(h->info.id, "rtx4090");
    }
    /* exact id wins over a prefix of a longer id */
    assert_string_equal(fc_find_hardware(cat, "rtx4090", &err)->info.id, "rtx4090");
    /* an alias resolves; an id outranks another entry's alias with the same key */
    assert_string_equal(fc_find_model(cat, "Model llama3.1-8b", &err)->info.id, "llama3.1-8b");
    assert_string_equal(fc_find_model(cat, "llama 3.1 8b instruct", &err)->info.id,
                        "llama3.1-8b-instruct");
    fc_catalog_free(cat);
}

static void unknown_name_suggests_closest(void **state)
{
    (void)state;
    fc_error err;
    fc_status st;
    fc_catalog *cat = load(valid, &st, &err);
    assert_null(fc_find_hardware(cat, "rtx4099", &err));
    assert_int_equal(err.code, FC_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "unknown hardware 'rtx4099'"));
    assert_non_null(strstr(err.msg, "did you mean"));
    assert_non_null(strstr(err.msg, "rtx4090"));
    /* "rtx40" is a prefix of three ids: ambiguous, all listed */
    assert_null(fc_find_hardware(cat, "rtx40", &err));
    assert_int_equal(err.code, FC_ERR_AMBIGUOUS);
    assert_non_null(strstr(err.msg, "rtx4080"));
    assert_non_null(strstr(err.msg, "rtx4090d"));
    fc_catalog_free(cat);
}

static void later_file_overrides_and_extends(void **state)
{
    (void)state;
    fc_error err;
    fc_status st;
    fc_catalog *cat = load(valid, &st, &err);
    const char *user = "{\"schema_version\":1,\"hardware\":["
                       HW("rtx4090", ",\"notes\":\"mine\"") "," HW("mygpu", "") "]}";
    assert_int_equal(fc_catalog_add_json(cat, user, strlen(user), "user.json", &err), FC_OK);
    assert_int_equal(fc_catalog_count(cat, FC_KIND_HARDWARE), 4);
    const fc_hardware *h = fc_find_hardware(cat, "rtx4090", &err);
    assert_string_equal(h->info.origin, "user.json");
    assert_string_equal(h->info.notes, "mine");
    assert_string_equal(h->info.name, "Test GPU rtx4090");
    assert_non_null(fc_find_hardware(cat, "mygpu", &err));
    fc_catalog_free(cat);
}

/* one bad document: the status, and the words the message must contain */
typedef struct bad_case {
    const char *json;
    fc_status code;
    const char *must[3];
} bad_case;

static const bad_case bad_cases[] = {
    { "{\"schema_version\":1,\"hardware\":[", FC_ERR_PARSE,
      { "test.json", "malformed JSON at line 1, column", NULL } },
    { "", FC_ERR_PARSE, { "test.json", "empty", NULL } },
    { "[1,2]", FC_ERR_PARSE, { "test.json", "must be a JSON object", NULL } },
    { "{\"hardware\":[]}", FC_ERR_FIELD, { "test.json", "schema_version", NULL } },
    { "{\"schema_version\":2,\"hardware\":[]}", FC_ERR_FIELD, { "schema_version", "must be 1", NULL } },
    { "{\"schema_version\":1}", FC_ERR_FIELD, { "no catalog section", NULL, NULL } },
    { "{\"schema_version\":1,\"hardware\":{}}", FC_ERR_FIELD, { "section 'hardware' must be an array", NULL, NULL } },
    { "{\"schema_version\":1,\"hardware\":[" HW("rtx4090", ",\"bandwidth_gbs\":-5") "]}",
      FC_ERR_FIELD, { "entry 'rtx4090'", "field 'bandwidth_gbs' appears more than once", NULL } },
    { "{\"schema_version\":1,\"hardware\":[{\"id\":\"x\",\"name\":\"X\",\"vendor\":\"nvidia\","
      "\"category\":\"desktop_gpu\",\"memory_gb\":8,\"memory_type\":\"G\",\"bandwidth_gbs\":-5,"
      "\"fp16_tflops\":1,\"backend\":\"cuda\",\"release_year\":2020,\"source\":\"s\"}]}",
      FC_ERR_FIELD, { "entry 'x'", "field 'bandwidth_gbs' must be a positive number", NULL } },
    { "{\"schema_version\":1,\"hardware\":[{\"id\":\"x\",\"name\":\"X\",\"vendor\":\"nvidia\","
      "\"category\":\"desktop_gpu\",\"memory_gb\":0,\"memory_type\":\"G\",\"bandwidth_gbs\":1,"
      "\"fp16_tflops\":1,\"backend\":\"cuda\",\"release_year\":2020,\"source\":\"s\"}]}",
      FC_ERR_FIELD, { "entry 'x'", "field 'memory_gb' must be a positive number", NULL } },
    { "{\"schema_version\":1,\"hardware\":[{\"id\":\"x\",\"name\":\"X\",\"vendor\":\"nvidia\","
      "\"category\":\"desktop_gpu\",\"memory_gb\":\"24\",\"memory_type\":\"G\",\"bandwidth_gbs\":1,"
      "\"fp16_tflops\":1,\"backend\":\"cuda\",\"release_year\":2020,\"source\":\"s\"}]}",
      FC_ERR_FIELD, { "entry 'x'", "field 'memory_gb' must be a positive number", NULL } },
    { "{\"schema_version\":1,\"hardware\":[{\"id\":\"x\",\"name\":\"X\",\"vendor\":\"nvidia\","
      "\"category\":\"desktop_gpu\",\"memory_type\":\"G\",\"bandwidth_gbs\":1,"
      "\"fp16_tflops\":1,\"backend\":\"cuda\",\"release_year\":2020,\"source\":\"s\"}]}",
      FC_ERR_FIELD, { "entry 'x'", "field 'memory_gb' is required", NULL } },
    { "{\"schema_version\":1,\"hardware\":[{\"id\":\"x\",\"name\":\"X\",\"vendor\":\"nvidia\","
      "\"category\":\"desktop_gpu\",\"memory_gb\":1e300,\"memory_type\":\"G\",\"bandwidth_gbs\":1,"
      "\"fp16_tflops\":1,\"backend\":\"cuda\",\"release_year\":2020,\"source\":\"s\"}]}",
      FC_ERR_RANGE, { "entry 'x'", "field 'memory_gb' is out of range", NULL } },
    { "{\"schema_version\":1,\"hardware\":[" HW("rtx4090", "") "," HW("rtx4090", "") "]}",
      FC_ERR_DUPLICATE, { "entry 'rtx4090'", "duplicate id", NULL } },
    { "{\"schema_version\":1,\"hardware\":[" HW("RTX 4090", "") "]}",
      FC_ERR_FIELD, { "field 'id'", "lowercase", NULL } },
    { "{\"schema_version\":1,\"hardware\":[3]}", FC_ERR_FIELD,
      { "hardware entry #1", "must be an object", NULL } },
    { "{\"schema_version\":1,\"models\":[{\"id\":\"m\",\"name\":\"M\",\"arch\":\"dense\","
      "\"params_b\":1,\"layers\":2,\"hidden_size\":8,\"heads\":1,\"kv_heads\":64,\"head_dim\":8,"
      "\"intermediate_size\":8,\"vocab_size\":8,\"tie_embeddings\":true,\"context\":8,"
      "\"source\":\"s\"}]}",
      FC_ERR_RANGE, { "entry 'm'", "field 'kv_heads' must not exceed heads", NULL } },
    { "{\"schema_version\":1,\"models\":[{\"id\":\"m\",\"name\":\"M\",\"arch\":\"dense\","
      "\"params_b\":1,\"layers\":2.5,\"hidden_size\":8,\"heads\":1,\"kv_heads\":1,\"head_dim\":8,"
      "\"intermediate_size\":8,\"vocab_size\":8,\"tie_embeddings\":true,\"context\":8,"
      "\"source\":\"s\"}]}",
      FC_ERR_FIELD, { "entry 'm'", "field 'layers' must be a positive integer", NULL } },
    { "{\"schema_version\":1,\"models\":[{\"id\":\"m\",\"name\":\"M\",\"arch\":\"moe\","
      "\"params_b\":1,\"layers\":2,\"hidden_size\":8,\"heads\":1,\"kv_heads\":1,\"head_dim\":8,"
      "\"intermediate_size\":8,\"vocab_size\":8,\"tie_embeddings\":true,\"context\":8,"
      "\"source\":\"s\"}]}",
      FC_ERR_FIELD, { "entry 'm'", "field 'moe' is required", NULL } },
    { "{\"schema_version\":1,\"models\":[{\"id\":\"v\",\"name\":\"V\",\"same_as\":\"nope\","
      "\"source\":\"s\"}]}",
      FC_ERR_REFERENCE, { "entry 'v'", "same_as", "unknown model 'nope'" } },
    { "{\"schema_version\":1,\"models\":[" MODEL("m", "") "]} trailing", FC_ERR_PARSE,
      { "test.json", "text after the document", NULL } },
    { "{\"schema_version\":1,\"quants\":[{\"id\":\"q\",\"name\":\"Q\",\"family\":\"f\","
      "\"format\":\"gguf\",\"bpw\":0,\"source\":\"s\"}]}",
      FC_ERR_FIELD, { "entry 'q'", "field 'bpw' must be a positive number", NULL } },
    { "{\"schema_version\":1,\"links\":[{\"id\":\"l\",\"name\":\"L\",\"bandwidth_gbs\":1,"
      "\"latency_us\":-1,\"source\":\"s\"}]}",
      FC_ERR_FIELD, { "entry 'l'", "field 'latency_us' must be a number >= 0", NULL } },
};

static void bad_input_names_file_entry_field(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *bc = &bad_cases[i];
        fc_error err;
        memset(&err, 0, sizeof err);
        fc_status st;
        fc_catalog *cat = load(valid, &st, &err);
        assert_int_equal(st, FC_OK);
        size_t before = fc_catalog_count(cat, FC_KIND_HARDWARE);
        st = fc_catalog_add_json(cat, bc->json, strlen(bc->json), "test.json", &err);
        if (st != bc->code)
            fail_msg("case %zu: status %d (%s), expected %d", i, st, err.msg, bc->code);
        for (int k = 0; k < 3 && bc->must[k]; k++)
            if (!strstr(err.msg, bc->must[k]))
                fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg, bc->must[k]);
        if (st != FC_OK) {
            /* one line, and the catalog is exactly as it was */
            assert_null(strchr(err.msg, '\n'));
            assert_int_equal(fc_catalog_count(cat, FC_KIND_HARDWARE), before);
            assert_string_equal(fc_catalog_hardware(cat, 0)->info.origin, "test.json");
        }
        fc_catalog_free(cat);
    }
}

static void failed_document_leaves_catalog_unchanged(void **state)
{
    (void)state;
    fc_error err;
    fc_status st;
    fc_catalog *cat = load(valid, &st, &err);
    /* the first entry is fine and would override; the second is broken */
    const char *doc = "{\"schema_version\":1,\"hardware\":[" HW("rtx4090", "")
                      ",{\"id\":\"bad\"}]}";
    assert_int_not_equal(fc_catalog_add_json(cat, doc, strlen(doc), "user.json", &err), FC_OK);
    assert_non_null(strstr(err.msg, "entry 'bad'"));
    assert_string_equal(fc_find_hardware(cat, "rtx4090", NULL)->info.origin, "test.json");
    assert_int_equal(fc_catalog_count(cat, FC_KIND_HARDWARE), 3);
    fc_catalog_free(cat);
}

static void validate_catches_unknown_references(void **state)
{
    (void)state;
    fc_error err;
    fc_status st;
    fc_catalog *cat = load(valid, &st, &err);
    const char *doc = "{\"schema_version\":1,\"models\":[" MODEL("m", ",\"quants\":[\"q9_z\"]") "]}";
    assert_int_equal(fc_catalog_add_json(cat, doc, strlen(doc), "user.json", &err), FC_OK);
    assert_int_equal(fc_catalog_validate(cat, &err), FC_ERR_REFERENCE);
    assert_non_null(strstr(err.msg, "user.json: entry 'm': field 'quants' names unknown quant 'q9_z'"));
    fc_catalog_free(cat);

    cat = load(valid, &st, &err);
    doc = "{\"schema_version\":1,\"hardware\":[" HW("x1", ",\"link\":\"warp\"") "]}";
    assert_int_equal(fc_catalog_add_json(cat, doc, strlen(doc), "user.json", &err), FC_OK);
    assert_int_equal(fc_catalog_validate(cat, &err), FC_ERR_REFERENCE);
    assert_non_null(strstr(err.msg, "entry 'x1': field 'link' names unknown link 'warp'"));
    fc_catalog_free(cat);
}

static void missing_file_is_an_io_error(void **state)
{
    (void)state;
    fc_error err;
    fc_catalog *cat = fc_catalog_new();
    assert_int_equal(fc_catalog_add_file(cat, "tests/fixtures/does-not-exist.json", &err),
                     FC_ERR_IO);
    assert_non_null(strstr(err.msg, "tests/fixtures/does-not-exist.json: cannot open"));
    fc_catalog_free(cat);
}

static void embedded_catalog_loads_and_validates(void **state)
{
    (void)state;
    fc_error err;
    fc_catalog *cat = fc_catalog_new();
    assert_int_equal(fc_catalog_add_embedded(cat, &err), FC_OK);
    assert_int_equal(fc_catalog_validate(cat, &err), FC_OK);
    /* the devices and models of the reference comparison page */
    const char *hw[] = { "rtx4090", "m4pro-48", "rtx5090", "rtx3090", "m3ultra-512" };
    for (size_t i = 0; i < sizeof hw / sizeof hw[0]; i++)
        assert_non_null(fc_find_hardware(cat, hw[i], &err));
    const char *models[] = { "llama3.1-8b", "llama3.3-70b", "qwen2.5-7b", "qwen2.5-32b",
                             "qwen3-30b-a3b", "gemma3-27b", "mixtral-8x7b", "deepseek-r1" };
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        assert_non_null(fc_find_model(cat, models[i], &err));
    assert_non_null(fc_find_quant(cat, "q4_k_m", &err));
    assert_non_null(fc_find_host(cat, "ddr5-5600-2ch", &err));
    fc_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_catalog_loads),
        cmocka_unit_test(lookup_ignores_case_spaces_dashes),
        cmocka_unit_test(unknown_name_suggests_closest),
        cmocka_unit_test(later_file_overrides_and_extends),
        cmocka_unit_test(bad_input_names_file_entry_field),
        cmocka_unit_test(failed_document_leaves_catalog_unchanged),
        cmocka_unit_test(validate_catches_unknown_references),
        cmocka_unit_test(missing_file_is_an_io_error),
        cmocka_unit_test(embedded_catalog_loads_and_validates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
