/* test_hf_config.c - models read from Hugging Face config.json files against
 * the catalog entries built from the same configs. The configs below carry
 * the fields of the real files (values as in the catalog's sources). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fitcheck/fitcheck.h"

/* meta-llama/Llama-3.1-8B */
static const char llama31_8b[] =
    "{\"architectures\":[\"LlamaForCausalLM\"],\"attention_bias\":false,\"hidden_size\":4096,"
    "\"intermediate_size\":14336,\"max_position_embeddings\":131072,\"model_type\":\"llama\","
    "\"num_attention_heads\":32,\"num_hidden_layers\":32,\"num_key_value_heads\":8,"
    "\"rope_scaling\":{\"factor\":8.0,\"rope_type\":\"llama3\"},\"tie_word_embeddings\":false,"
    "\"torch_dtype\":\"bfloat16\",\"vocab_size\":128256}";
/* Qwen/Qwen2.5-7B: q/k/v biases implied by the model type */
static const char qwen25_7b[] =
    "{\"model_type\":\"qwen2\",\"hidden_size\":3584,\"intermediate_size\":18944,"
    "\"num_attention_heads\":28,\"num_key_value_heads\":4,\"num_hidden_layers\":28,"
    "\"vocab_size\":152064,\"max_position_embeddings\":131072,\"sliding_window\":131072,"
    "\"use_sliding_window\":false,\"max_window_layers\":28,\"tie_word_embeddings\":false}";
/* mistralai/Mixtral-8x7B-v0.1 */
static const char mixtral[] =
    "{\"model_type\":\"mixtral\",\"hidden_size\":4096,\"intermediate_size\":14336,"
    "\"num_attention_heads\":32,\"num_key_value_heads\":8,\"num_hidden_layers\":32,"
    "\"num_local_experts\":8,\"num_experts_per_tok\":2,\"vocab_size\":32000,"
    "\"max_position_embeddings\":32768,\"sliding_window\":null,\"tie_word_embeddings\":false}";
/* Qwen/Qwen3-30B-A3B */
static const char qwen3_30b[] =
    "{\"model_type\":\"qwen3_moe\",\"hidden_size\":2048,\"intermediate_size\":6144,"
    "\"moe_intermediate_size\":768,\"num_attention_heads\":32,\"num_key_value_heads\":4,"
    "\"head_dim\":128,\"num_hidden_layers\":48,\"num_experts\":128,\"num_experts_per_tok\":8,"
    "\"decoder_sparse_step\":1,\"mlp_only_layers\":[],\"vocab_size\":151936,"
    "\"max_position_embeddings\":40960,\"sliding_window\":null,\"use_sliding_window\":false,"
    "\"tie_word_embeddings\":false}";
/* deepseek-ai/DeepSeek-V3 */
static const char deepseek_v3[] =
    "{\"model_type\":\"deepseek_v3\",\"hidden_size\":7168,\"intermediate_size\":18432,"
    "\"moe_intermediate_size\":2048,\"num_attention_heads\":128,\"num_key_value_heads\":128,"
    "\"num_hidden_layers\":61,\"n_routed_experts\":256,\"n_shared_experts\":1,"
    "\"num_experts_per_tok\":8,\"first_k_dense_replace\":3,\"kv_lora_rank\":512,"
    "\"q_lora_rank\":1536,\"qk_rope_head_dim\":64,\"qk_nope_head_dim\":128,\"v_head_dim\":128,"
    "\"vocab_size\":129280,\"max_position_embeddings\":163840,\"tie_word_embeddings\":false,"
    "\"quantization_config\":{\"quant_method\":\"fp8\"}}";
/* google/gemma-3-27b-it: the decoder in text_config, 5 local : 1 global */
static const char gemma3_27b[] =
    "{\"model_type\":\"gemma3\",\"architectures\":[\"Gemma3ForConditionalGeneration\"],"
    "\"text_config\":{\"model_type\":\"gemma3_text\",\"hidden_size\":5376,"
    "\"intermediate_size\":21504,\"num_attention_heads\":32,\"num_key_value_heads\":16,"
    "\"head_dim\":128,\"num_hidden_layers\":62,\"sliding_window\":1024,"
    "\"sliding_window_pattern\":6,\"max_position_embeddings\":131072,\"vocab_size\":262144},"
    "\"vision_config\":{\"hidden_size\":1152}}";
/* openai/gpt-oss-20b: layer_types alternate sliding and full attention */
static const char gpt_oss_20b[] =
    "{\"model_type\":\"gpt_oss\",\"hidden_size\":2880,\"intermediate_size\":2880,"
    "\"num_attention_heads\":64,\"num_key_value_heads\":8,\"head_dim\":64,"
    "\"num_hidden_layers\":24,\"num_local_experts\":32,\"num_experts_per_tok\":4,"
    "\"experts_per_token\":4,\"vocab_size\":201088,\"sliding_window\":128,"
    "\"max_position_embeddings\":131072,\"tie_word_embeddings\":false,\"layer_types\":["
    "\"sliding_attention\",\"full_attention\",\"sliding_attention\",\"full_attention\","
    "\"sliding_attention\",\"full_attention\",\"sliding_attention\",\"full_attention\","
    "\"sliding_attention\",\"full_attention\",\"sliding_attention\",\"full_attention\","
    "\"sliding_attention\",\"full_attention\",\"sliding_attention\",\"full_attention\","
    "\"sliding_attention\",\"full_attention\",\"sliding_attention\",\"full_attention\","
    "\"sliding_attention\",\"full_attention\",\"sliding_attention\",\"full_attention\"],"
    "\"quantization_config\":{\"quant_method\":\"mxfp4\"}}";
/* google/gemma-2-9b: no tie_word_embeddings key (Gemma ties by default) */
static const char gemma2_9b[] =
    "{\"model_type\":\"gemma2\",\"hidden_size\":3584,\"intermediate_size\":14336,"
    "\"num_attention_heads\":16,\"num_key_value_heads\":8,\"head_dim\":256,"
    "\"num_hidden_layers\":42,\"vocab_size\":256000,\"sliding_window\":4096,"
    "\"max_position_embeddings\":8192}";
/* mistralai/Mistral-7B-v0.1: every layer attends to a 4096-token window */
static const char mistral_v01[] =
    "{\"model_type\":\"mistral\",\"hidden_size\":4096,\"intermediate_size\":14336,"
    "\"num_attention_heads\":32,\"num_key_value_heads\":8,\"num_hidden_layers\":32,"
    "\"vocab_size\":32000,\"sliding_window\":4096,\"max_position_embeddings\":32768,"
    "\"tie_word_embeddings\":false}";

static fc_catalog *cat;

static int setup(void **state)
{
    (void)state;
    fc_error err;
    cat = fc_catalog_new();
    return cat && fc_catalog_add_embedded(cat, &err) == FC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fc_catalog_free(cat);
    return 0;
}

static void load(const char *json, const char *origin, fc_model *m)
{
    fc_error err;
    fc_status st = fc_model_from_hf_config(cat, json, strlen(json), origin, m, &err);
    if (st != FC_OK)
        fail_msg("%s: %s", origin, err.msg);
}

/* Llama 3.1 8B from its config: every decoder weight, by hand:
 *   embed + lm_head 2 x 128256 x 4096              = 1,050,673,152
 *   per layer: q, o 4096^2; k, v 4096 x 1024; gate, up, down 3 x 4096 x 14336;
 *     2 norms of 4096                               =   218,112,000
 *   32 layers + final norm 4096                     = 8,030,261,248 */
static void llama_params_by_hand(void **state)
{
    (void)state;
    fc_model m;
    load(llama31_8b, "models/Llama-3.1-8B/config.json", &m);
    assert_true(fabs(m.params_b * 1e9 - 8030261248.0) < 1.0);
    assert_string_equal(m.info.name, "Llama-3.1-8B"); /* the directory's name */
    assert_string_equal(m.info.id, "models/Llama-3.1-8B/config.json");
    assert_string_equal(m.family, "llama");
    assert_string_equal(m.native_dtype, "bfloat16");
    assert_int_equal(m.context, 131072);
    assert_false(m.tie_embeddings);
    /* active: all but the input embedding, 8,030,261,248 - 525,336,576 */
    assert_true(fabs(m.active_params_b * 1e9 - 7504924672.0) < 1.0);
}

static void same_estimate(const char *json, const char *id)
{
    fc_model m;
    fc_error err;
    char origin[128];
    snprintf(origin, sizeof origin, "cfg/%s/config.json", id);
    load(json, origin, &m);
    const fc_model *ref = fc_find_model(cat, id, &err);
    assert_non_null(ref);
    /* the architecture, field by field */
    assert_int_equal(m.arch, ref->arch);
    assert_int_equal(m.layers, ref->layers);
    assert_int_equal(m.hidden_size, ref->hidden_size);
    assert_int_equal(m.heads, ref->heads);
    assert_int_equal(m.kv_heads, ref->kv_heads);
    assert_int_equal(m.head_dim, ref->head_dim);
    assert_int_equal(m.vocab_size, ref->vocab_size);
    assert_int_equal(m.tie_embeddings, ref->tie_embeddings);
    assert_int_equal(m.moe_experts, ref->moe_experts);
    assert_int_equal(m.moe_experts_per_token, ref->moe_experts_per_token);
    assert_int_equal(m.moe_expert_intermediate, ref->moe_expert_intermediate);
    assert_int_equal(m.moe_shared_experts, ref->moe_shared_experts);
    assert_int_equal(m.moe_dense_layers, ref->moe_dense_layers);
    assert_int_equal(m.mla_kv_lora_rank, ref->mla_kv_lora_rank);
    assert_int_equal(m.mla_q_lora_rank, ref->mla_q_lora_rank);
    assert_int_equal(m.swa_window, ref->swa_window);
    assert_int_equal(m.swa_local_layers, ref->swa_local_layers);
    assert_int_equal(m.swa_global_layers, ref->swa_global_layers);
    /* the counts within 3% (docs/catalog.md: a params_note explains more) */
    if (fabs(m.params_b - ref->params_b) / ref->params_b > 0.03)
        fail_msg("%s: params %.4g B from config, %.4g B in the catalog", id, m.params_b,
                 ref->params_b);
    /* the same KV cache to the byte, the same weights within 3% */
    assert_true(fabs(fc_kv_cache_bytes(&m, 32768, FC_KV_F16) -
                     fc_kv_cache_bytes(ref, 32768, FC_KV_F16)) < 1.0);
    const fc_model *added;
    assert_int_equal(fc_catalog_add_model(cat, &m, &added, &err), FC_OK);
    ref = fc_find_model(cat, id, &err); /* adding may move entries */
    fc_request r = FC_REQUEST_INIT;
    r.hardware = fc_find_hardware(cat, "h100-sxm", &err);
    if (!r.hardware)
        r.hardware = fc_catalog_hardware(cat, 0);
    r.backend = fc_find_backend(cat, r.hardware->backend, &err);
    r.host = fc_find_host(cat, "ddr5-5600-2ch", &err);
    r.quant = fc_find_quant(cat, "q4_k_m", &err);
    r.model = added;
    fc_request rr = r;
    rr.model = ref;
    fc_estimate e, er;
    assert_int_equal(fc_estimate_run(&r, &e, &err), FC_OK);
    assert_int_equal(fc_estimate_run(&rr, &er, &err), FC_OK);
    assert_true(fabs(e.weights_bytes - er.weights_bytes) / er.weights_bytes < 0.03);
    assert_true(fabs(e.kv_cache_bytes - er.kv_cache_bytes) < 1.0);
}

static void llama(void **s) { (void)s; same_estimate(llama31_8b, "llama3.1-8b"); }
static void qwen2(void **s) { (void)s; same_estimate(qwen25_7b, "qwen2.5-7b"); }
static void mixtral_moe(void **s) { (void)s; same_estimate(mixtral, "mixtral-8x7b"); }
static void qwen3_moe(void **s) { (void)s; same_estimate(qwen3_30b, "qwen3-30b-a3b"); }
static void deepseek(void **s) { (void)s; same_estimate(deepseek_v3, "deepseek-v3"); }
static void gemma3(void **s) { (void)s; same_estimate(gemma3_27b, "gemma3-27b"); }
static void gpt_oss(void **s) { (void)s; same_estimate(gpt_oss_20b, "gpt-oss-20b"); }
static void gemma2(void **s) { (void)s; same_estimate(gemma2_9b, "gemma2-9b"); }
static void mistral(void **s) { (void)s; same_estimate(mistral_v01, "mistral-7b-v0.1"); }

static void details(void **state)
{
    (void)state;
    fc_model m;
    load(qwen25_7b, "q/config.json", &m);
    assert_true(m.attention_bias);
    load(deepseek_v3, "d/config.json", &m);
    assert_string_equal(m.native_dtype, "fp8");
    assert_int_equal(m.mla_qk_rope_head_dim, 64);
    assert_int_equal(m.mla_v_head_dim, 128);
    load(gemma2_9b, "g/config.json", &m);
    assert_true(m.tie_embeddings);
}

static void expect_error(const char *json, const char *needle)
{
    fc_model m;
    fc_error err;
    fc_status st = fc_model_from_hf_config(cat, json, strlen(json), "bad/config.json", &m, &err);
    if (st == FC_OK || !strstr(err.msg, needle) || !strstr(err.msg, "bad/config.json"))
        fail_msg("expected an error with '%s', got %d: %s", needle, st,
                 st == FC_OK ? "ok" : err.msg);
}

static void errors(void **state)
{
    (void)state;
    expect_error("{", "malformed JSON");
    expect_error("[1,2]", "JSON object");
    expect_error("{\"model_type\":\"llama\"}", "'num_hidden_layers' is required");
    expect_error("{\"num_hidden_layers\":2,\"hidden_size\":64,\"num_attention_heads\":4}",
                 "'vocab_size' is required");
    expect_error("{\"num_hidden_layers\":-2}", "'num_hidden_layers' must be a whole number");
    expect_error("{\"num_hidden_layers\":\"2\"}", "'num_hidden_layers' must be a whole number");
    expect_error("{\"num_hidden_layers\":2,\"hidden_size\":64,\"num_attention_heads\":4,"
                 "\"num_key_value_heads\":8,\"vocab_size\":10}",
                 "must not exceed");
    fc_model m;
    fc_error err;
    assert_int_equal(fc_model_from_hf_config(cat, "", 0, "e.json", &m, &err), FC_ERR_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(llama_params_by_hand),
        cmocka_unit_test(llama),
        cmocka_unit_test(qwen2),
        cmocka_unit_test(mixtral_moe),
        cmocka_unit_test(qwen3_moe),
        cmocka_unit_test(deepseek),
        cmocka_unit_test(gemma3),
        cmocka_unit_test(gpt_oss),
        cmocka_unit_test(gemma2),
        cmocka_unit_test(mistral),
        cmocka_unit_test(details),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
