/* test_estimate.c - the estimator against values derived by hand.
 * Every expected number is worked out in the comment beside it from the
 * architecture in the fixture (the models' config.json values). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fitcheck/fitcheck.h"

#define GIB 1073741824.0

static const char fixture[] =
    "{\"schema_version\":1,"
    /* a backend with no fixed costs and round efficiencies, so that speeds
     * can be derived by hand */
    "\"backends\":[{\"id\":\"test\",\"name\":\"T\",\"runtime\":\"llama.cpp\","
    "\"quant_format\":\"gguf\",\"bw_efficiency\":0.5,\"token_overhead_us\":0,"
    "\"layer_overhead_us\":0,\"prefill_efficiency\":0.5,\"context_mib_base\":0,"
    "\"context_mib_per_cu\":0,\"cpu_bw_efficiency\":0.5}],"
    "\"hardware\":["
    "{\"id\":\"dc24\",\"name\":\"DC 24\",\"vendor\":\"nvidia\",\"category\":\"datacenter_gpu\","
    "\"memory_gb\":24,\"memory_type\":\"GDDR6\",\"bandwidth_gbs\":1000,\"fp16_tflops\":100,"
    "\"backend\":\"test\",\"release_year\":2024,\"source\":\"t\"},"
    "{\"id\":\"dc24fast\",\"name\":\"DC 24 fast\",\"vendor\":\"nvidia\",\"category\":\"datacenter_gpu\","
    "\"memory_gb\":24,\"memory_type\":\"GDDR6\",\"bandwidth_gbs\":2000,\"fp16_tflops\":100,"
    "\"backend\":\"test\",\"release_year\":2024,\"source\":\"t\"},"
    "{\"id\":\"dc8\",\"name\":\"DC 8\",\"vendor\":\"nvidia\",\"category\":\"datacenter_gpu\","
    "\"memory_gb\":8,\"memory_type\":\"GDDR6\",\"bandwidth_gbs\":500,\"fp16_tflops\":50,"
    "\"backend\":\"test\",\"release_year\":2024,\"source\":\"t\"},"
    "{\"id\":\"desk24\",\"name\":\"Desk 24\",\"vendor\":\"nvidia\",\"category\":\"desktop_gpu\","
    "\"memory_gb\":24,\"memory_type\":\"GDDR6X\",\"bandwidth_gbs\":1000,\"fp16_tflops\":100,"
    "\"backend\":\"test\",\"release_year\":2024,\"source\":\"t\"},"
    "{\"id\":\"mac48\",\"name\":\"Mac 48\",\"vendor\":\"apple\",\"category\":\"apple\","
    "\"memory_gb\":48,\"memory_type\":\"LPDDR5X\",\"bandwidth_gbs\":273,\"fp16_tflops\":9,"
    "\"backend\":\"test\",\"unified_memory\":true,\"gpu_usable_default_gb\":36,"
    "\"release_year\":2024,\"source\":\"t\"}],"
    "\"hosts\":[{\"id\":\"ram64\",\"name\":\"64 GiB\",\"bandwidth_gbs\":100,\"memory_gb\":64,"
    "\"source\":\"t\"}],"
    "\"links\":[{\"id\":\"slow\",\"name\":\"slow\",\"bandwidth_gbs\":10,\"latency_us\":10,"
    "\"source\":\"t\"}],"
    "\"quants\":["
    "{\"id\":\"f16\",\"name\":\"F16\",\"family\":\"float\",\"format\":\"gguf\",\"bpw\":16.0005,"
    "\"ladder\":1,\"source\":\"t\"},"
    "{\"id\":\"q8_0\",\"name\":\"Q8_0\",\"family\":\"legacy\",\"format\":\"gguf\",\"bpw\":8.5,"
    "\"ladder\":2,\"source\":\"t\"},"
    "{\"id\":\"q4_k_m\",\"name\":\"Q4_K_M\",\"family\":\"k-quant\",\"format\":\"gguf\","
    "\"bpw\":4.8944,\"ladder\":5,\"source\":\"t\"},"
    "{\"id\":\"awq\",\"name\":\"AWQ\",\"family\":\"awq\",\"format\":\"gguf\",\"bpw\":4.0,"
    "\"embed_bpw\":16,\"source\":\"t\"}],"
    "\"models\":["
    /* meta-llama/Llama-3.1-8B config.json */
    "{\"id\":\"llama8b\",\"name\":\"Llama 3.1 8B\",\"arch\":\"dense\",\"params_b\":8.03,"
    "\"layers\":32,\"hidden_size\":4096,\"heads\":32,\"kv_heads\":8,\"head_dim\":128,"
    "\"intermediate_size\":14336,\"vocab_size\":128256,\"tie_embeddings\":false,"
    "\"context\":131072,\"source\":\"t\"},"
    /* mistralai/Mixtral-8x7B-v0.1 config.json */
    "{\"id\":\"mixtral\",\"name\":\"Mixtral 8x7B\",\"arch\":\"moe\",\"params_b\":46.70,"
    "\"layers\":32,\"hidden_size\":4096,\"heads\":32,\"kv_heads\":8,\"head_dim\":128,"
    "\"intermediate_size\":14336,\"vocab_size\":32000,\"tie_embeddings\":false,"
    "\"context\":32768,\"moe\":{\"experts\":8,\"experts_per_token\":2,"
    "\"expert_intermediate_size\":14336},\"source\":\"t\"},"
    /* deepseek-ai/DeepSeek-V3 config.json (MLA) */
    "{\"id\":\"dsv3\",\"name\":\"DeepSeek-V3\",\"arch\":\"moe\",\"params_b\":671.03,"
    "\"layers\":61,\"hidden_size\":7168,\"heads\":128,\"kv_heads\":128,\"head_dim\":192,"
    "\"intermediate_size\":18432,\"vocab_size\":129280,\"tie_embeddings\":false,"
    "\"context\":131072,\"mla\":{\"kv_lora_rank\":512,\"qk_rope_head_dim\":64,"
    "\"qk_nope_head_dim\":128,\"v_head_dim\":128,\"q_lora_rank\":1536},"
    "\"moe\":{\"experts\":256,\"experts_per_token\":8,\"shared_experts\":1,"
    "\"expert_intermediate_size\":2048,\"dense_layers\":3},\"source\":\"t\"},"
    /* google/gemma-3-27b text_config: 62 layers, 5 local (1024) : 1 global */
    "{\"id\":\"gemma27b\",\"name\":\"Gemma 3 27B\",\"arch\":\"dense\",\"params_b\":27.01,"
    "\"layers\":62,\"hidden_size\":5376,\"heads\":32,\"kv_heads\":16,\"head_dim\":128,"
    "\"intermediate_size\":21504,\"vocab_size\":262208,\"tie_embeddings\":true,"
    "\"context\":131072,\"sliding_window\":{\"window\":1024,\"local_layers\":52,"
    "\"global_layers\":10},\"source\":\"t\"}]}";

static fc_catalog *cat;

static int setup(void **state)
{
    (void)state;
    fc_error err;
    cat = fc_catalog_new();
    if (fc_catalog_add_json(cat, fixture, sizeof fixture - 1, "fixture", &err) != FC_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fc_catalog_free(cat);
    return 0;
}

static fc_request req(const char *hw, const char *model, const char *quant)
{
    fc_request r = FC_REQUEST_INIT;
    r.hardware = fc_find_hardware(cat, hw, NULL);
    r.model = fc_find_model(cat, model, NULL);
    r.quant = fc_find_quant(cat, quant, NULL);
    r.backend = fc_find_backend(cat, "test", NULL);
    r.host = fc_find_host(cat, "ram64", NULL);
    r.link = fc_find_link(cat, "slow", NULL);
    assert_non_null(r.hardware);
    assert_non_null(r.model);
    assert_non_null(r.quant);
    return r;
}

static fc_estimate run(const fc_request *r)
{
    fc_estimate e;
    fc_error err;
    assert_int_equal(fc_estimate_run(r, &e, &err), FC_OK);
    return e;
}

static void weights_use_effective_bits(void **state)
{
    (void)state;
    /* Llama 3.1 8B F16: 8.03e9 params x 16.0005 bits / 8 = 16.0605e9 bytes
     * (the "about 16.06 GB") */
    fc_request r = req("dc24", "llama8b", "f16");
    fc_estimate e = run(&r);
    assert_float_equal(e.weights_bytes, 8.03e9 * 16.0005 / 8.0, 1e3);
    assert_float_equal(e.weights_bytes / 1e9, 16.06, 0.005);
    /* Q4_K_M at 4.8944 bpw: 8.03e9 x 4.8944 / 8 = 4.9128e9 bytes (llama.cpp's
     * README lists the file at 4.58 GiB = 4.918e9) */
    r.quant = fc_find_quant(cat, "q4_k_m", NULL);
    e = run(&r);
    assert_float_equal(e.weights_bytes, 8.03e9 * 4.8944 / 8.0, 1e3);
}

static void embedding_tables_at_higher_precision(void **state)
{
    (void)state;
    /* AWQ-style: body at 4 bits, embedding and head (2 x 128256 x 4096 =
     * 1,050,673,152 params, scaled by 8.03e9 / 8,030,261,248 computed) at 16:
     * tables = 1,050,673,152 x 0.99996747 = 1,050,638,975
     * bytes = (8.03e9 - 1,050,638,975) x 4/8 + 1,050,638,975 x 16/8 = 5,590,958,463 */
    fc_request r = req("dc24", "llama8b", "awq");
    fc_estimate e = run(&r);
    double scale = 8.03e9 / 8030261248.0;
    double tables = 1050673152.0 * scale;
    assert_float_equal(e.weights_bytes, (8.03e9 - tables) * 0.5 + tables * 2.0, 1e3);
    assert_float_equal(e.weights_bytes, 5590958463.0, 2e3);
}

static void param_counts_from_architecture(void **state)
{
    (void)state;
    /* Llama 3 8B: embed 128256 x 4096 = 525,336,576, head the same; per layer
     * q 16,777,216 + k,v 2 x 4,194,304 + o 16,777,216 + MLP 3 x 4096 x 14336 =
     * 176,160,768 + norms 8,192 = 218,112,000; x 32 = 6,979,584,000; + final
     * norm 4,096: total 8,030,261,248; active = total - input embedding =
     * 7,504,924,672 */
    fc_param_count c = fc_model_count_params(fc_find_model(cat, "llama8b", NULL));
    assert_float_equal(c.total, 8030261248.0, 0.5);
    assert_float_equal(c.active, 7504924672.0, 0.5);
    /* Mixtral 8x7B: per layer attention 41,943,040 + router 32,768 + 8 experts
     * x 176,160,768 = 1,409,286,144 + norms 8,192 = 1,451,270,144; x 32 =
     * 46,440,644,608; + 2 x 32000 x 4096 = 262,144,000 + 4,096 = 46,702,792,704.
     * Active: 2 experts: (41,943,040 + 32,768 + 352,321,536 + 8,192) x 32 =
     * 12,617,777,152 + head 131,072,000 + 4,096 = 12,748,853,248 */
    c = fc_model_count_params(fc_find_model(cat, "mixtral", NULL));
    assert_float_equal(c.total, 46702792704.0, 0.5);
    assert_float_equal(c.active, 12748853248.0, 0.5);
    /* DeepSeek-V3: within 0.1% of the 671.03 B / 36.6 B of the reference sheet */
    c = fc_model_count_params(fc_find_model(cat, "dsv3", NULL));
    assert_float_equal(c.total / 1e9, 671.03, 0.7);
    assert_float_equal(c.active / 1e9, 36.63, 0.04);
}

static void kv_cache_gqa_mla_and_sliding_window(void **state)
{
    (void)state;
    /* Llama 3 8B f16: 2 (K,V) x 32 layers x 8 kv heads x 128 x 2 bytes = 131,072 B/token */
    const fc_model *l = fc_find_model(cat, "llama8b", NULL);
    assert_float_equal(fc_kv_cache_bytes(l, 1, FC_KV_F16), 131072.0, 0);
    assert_float_equal(fc_kv_cache_bytes(l, 4096, FC_KV_F16), 131072.0 * 4096, 0);
    /* q8_0 keeps 34 bytes per 32 values: 2 x 32 x 8 x 128 x 34/32 = 69,632;
     * q4_0 18 per 32: 36,864 */
    assert_float_equal(fc_kv_cache_bytes(l, 1, FC_KV_Q8_0), 69632.0, 0);
    assert_float_equal(fc_kv_cache_bytes(l, 1, FC_KV_Q4_0), 36864.0, 0);
    /* DeepSeek-V3 MLA caches the latent: 61 layers x (512 + 64) x 2 bytes =
     * 70,272 B/token, no factor 2 for K and V */
    const fc_model *d = fc_find_model(cat, "dsv3", NULL);
    assert_float_equal(fc_kv_cache_bytes(d, 1, FC_KV_F16), 61.0 * 576 * 2, 0);
    /* Gemma 3 27B, per layer 2 x 16 x 128 x 2 = 8,192 B/token. At 32768 tokens:
     * 10 global layers x 8,192 x 32,768 = 2,684,354,560, plus 52 local layers
     * capped at the 1024-token window: 52 x 8,192 x 1,024 = 436,207,616;
     * total 3,120,562,176 (a naive 62-layer count would be 16,642,998,272) */
    const fc_model *g = fc_find_model(cat, "gemma27b", NULL);
    assert_float_equal(fc_kv_cache_bytes(g, 32768, FC_KV_F16), 3120562176.0, 0);
    /* below the window every layer grows: 62 x 8,192 x 512 */
    assert_float_equal(fc_kv_cache_bytes(g, 512, FC_KV_F16), 62.0 * 8192 * 512, 0);
}

static void verdicts_fits_offload_no(void **state)
{
    (void)state;
    /* Llama 8B F16 on a 24 GiB datacenter card (nothing kept back), ctx 4096:
     * GPU weights = 16.0605e9 - input embedding 525,336,576 x 0.99996747 x 2
     * bytes = 15.0099e9; KV 0.537e9; compute buffer 512 x 4 x (128256 + 8192 +
     * 28672) = 338,165,760; total 15.885e9 B = 14.79 GiB < 24: fits */
    fc_request r = req("dc24", "llama8b", "f16");
    fc_estimate e = run(&r);
    double embed = 525336576.0 * (8.03e9 / 8030261248.0) * 16.0005 / 8;
    assert_float_equal(e.weights_gpu_bytes, 8.03e9 * 16.0005 / 8 - embed, 1e3);
    assert_float_equal(e.overhead_bytes, 512.0 * 4 * (128256 + 8192 + 28672), 1);
    assert_float_equal(e.gpu_needed_bytes,
                       e.weights_gpu_bytes + 131072.0 * 4096 + e.overhead_bytes, 1);
    assert_int_equal(e.verdict, FC_VERDICT_FITS);
    assert_true(e.fits);
    assert_float_equal(e.available_bytes, 24 * GIB, 1);
    /* at 131072 tokens the KV cache alone is 17.18e9: 15.01 + 17.18 + 0.34 =
     * 32.53e9 B = 30.3 GiB > 24 GiB, and the 6.3 GiB over fit in 60 GiB of free
     * RAM (64 - 4 for the OS - the 0.49 GiB embedding): offload */
    r.context = 131072;
    e = run(&r);
    assert_int_equal(e.verdict, FC_VERDICT_OFFLOAD);
    assert_false(e.fits);
    assert_true(e.gpu_layers > 0 && e.gpu_layers < 32);
    /* without RAM to spill into: no */
    r.allow_offload = false;
    e = run(&r);
    assert_int_equal(e.verdict, FC_VERDICT_NO);
    /* the largest context that fits: (24 GiB - 15.0099e9 - 0.338e9) / 131072
     * = (25.7698e9 - 15.3479e9) / 131072 = 79,510 tokens */
    r.context = 4096;
    r.allow_offload = true;
    e = run(&r);
    double avail = 24 * GIB - (8.03e9 * 16.0005 / 8 - embed) - e.overhead_bytes;
    assert_int_equal(e.max_context, (long)floor(avail / 131072.0));
}

static void desktop_card_keeps_memory_back(void **state)
{
    (void)state;
    /* a desktop card keeps 0.5 GiB for the display: 23.5 GiB available */
    fc_request r = req("desk24", "llama8b", "q4_k_m");
    fc_estimate e = run(&r);
    assert_float_equal(e.available_bytes, 23.5 * GIB, 1);
    r.reserve_gb = 0;
    e = run(&r);
    assert_float_equal(e.available_bytes, 24 * GIB, 1);
}

static void apple_wired_limit_and_raise(void **state)
{
    (void)state;
    /* Mac 48 GiB, default GPU limit 36 GiB. Mixtral Q8_0: 46.70e9 x 8.5 / 8 =
     * 49.62e9 B = 46.2 GiB: over the default and over what can be wired
     * (48 - 6 GiB kept for macOS = 42 GiB): no */
    fc_request r = req("mac48", "mixtral", "q8_0");
    fc_estimate e = run(&r);
    assert_float_equal(e.wired_limit_default_bytes, 36 * GIB, 1);
    assert_float_equal(e.wired_limit_max_bytes, 42 * GIB, 1);
    assert_int_equal(e.verdict, FC_VERDICT_NO);
    /* Q4_K_M: 46.70e9 x 4.8944 / 8 = 28.57e9 B = 26.6 GiB: fits by default */
    r.quant = fc_find_quant(cat, "q4_k_m", NULL);
    e = run(&r);
    assert_true(e.fits);
    assert_false(e.needs_wired_limit_raise);
    /* at 32768 tokens (KV 4 GiB = 2 x 32 x 8 x 128 x 2 x 32768) it needs ~31
     * GiB: still fits by default. Llama 8B F16 at 131072 (15.0 + 16 GiB KV +
     * 0.3 = 31.6 GiB on a unified machine where the embedding counts too:
     * 16.06e9 + 17.18e9 + 0.34e9 = 33.58e9 B = 31.3 GiB) fits by default;
     * add Mixtral-sized weights to force a raise: Mixtral Q4_K_M at 131072 is
     * out of its 32768 context, so use 40000 tokens of KV in a Q8_0 Llama. */
    r = req("mac48", "llama8b", "f16");
    r.context = 160000; /* KV 20.97e9 + weights 16.06e9 + 0.34e9 = 37.37e9 B = 34.8 GiB */
    e = run(&r);
    assert_true(e.fits);
    assert_false(e.needs_wired_limit_raise);
    r.context = 180000; /* KV 23.59e9: total 39.99e9 B = 37.25 GiB > 36, < 42 */
    e = run(&r);
    assert_true(e.fits);
    assert_true(e.needs_wired_limit_raise);
    /* suggested limit: needed + 1 GiB, in MiB, rounded up */
    long mb = (long)ceil((e.gpu_needed_bytes + GIB) / 1048576.0);
    assert_int_equal(e.wired_limit_mb, mb);
}

static void decode_speed_from_bytes_read(void **state)
{
    (void)state;
    /* no fixed costs in the test backend: decode time per token = bytes read /
     * (1000 GB/s x 0.5). Llama 8B Q4_K_M, prompt 0, 1 token: bytes read =
     * active params 7.5049e9 x 0.99996747 (scaled to 8.03e9) ... computed here
     * as (active - embedding) x bpw/8 + output head x bpw/8 = active x bpw / 8 */
    fc_request r = req("dc24", "llama8b", "q4_k_m");
    r.prompt = 0;
    r.gen = 1;
    fc_estimate e = run(&r);
    const fc_model *m = r.model;
    double bytes = m->active_params_b * 1e9 * 4.8944 / 8;
    assert_float_equal(e.active_weight_bytes, bytes, 1e3);
    assert_float_equal(e.decode_tokens_per_s, 500e9 / bytes, 0.01);
    /* generating 1000 tokens after a 3000-token prompt reads the KV cache too:
     * average over positions 3000..3999 of (bytes + 131072 x p) */
    r.prompt = 3000;
    r.gen = 1000;
    r.context = 4096;
    e = run(&r);
    double t = 0;
    for (int p = 3000; p < 4000; p++)
        t += (bytes + 131072.0 * p) / 500e9;
    assert_float_equal(e.decode_tokens_per_s, 1000.0 / t, 0.01);
}

static void moe_reads_only_active_experts(void **state)
{
    (void)state;
    /* Mixtral reads 12.75 of 46.70 B parameters per token: decode is
     * 46.70 / 12.75 = 3.66x faster than a dense model of the same size */
    fc_request r = req("dc24", "mixtral", "q4_k_m");
    r.prompt = 0;
    r.gen = 1;
    fc_estimate e = run(&r);
    assert_float_equal(e.active_weight_bytes / e.weights_bytes, 12.7489 / 46.7028, 0.001);
}

static void users_share_one_pass_over_the_weights(void **state)
{
    (void)state;
    /* Llama 8B Q4_K_M on dc24 (1000 GB/s x 0.5, 100 TFLOPS x 0.5, no fixed
     * costs), prompt 0, one token. Active params 7,504,924,672 x 8.03e9 /
     * 8,030,261,248 = 7.50468e9; bytes per step 7.50468e9 x 4.8944 / 8 =
     * 4.59146e9 -> 9.1829 ms: 108.90 tok/s for one user. */
    fc_request r = req("dc24", "llama8b", "q4_k_m");
    r.prompt = 0;
    r.gen = 1;
    const double active = r.model->active_params_b * 1e9;
    const double bytes = active * 4.8944 / 8;
    assert_float_equal(active, 7.50468e9, 1e5);
    fc_estimate one = run(&r);
    assert_float_equal(one.decode_tokens_per_s, 500e9 / bytes, 0.01);
    assert_float_equal(one.decode_tokens_per_s, 108.90, 0.01);
    /* 4 users: the same 4.59e9 bytes serve all four (the batch's arithmetic,
     * 2 x 7.50468e9 x 4 / (100e12 x 0.5) = 1.2007 ms, hides under the 9.18 ms
     * of memory time): each user still gets 108.90 tok/s, 435.6 together. KV
     * is per user: 4 x 131,072 B x 4096 tokens = 2,147,483,648 B. */
    r.users = 4;
    fc_estimate four = run(&r);
    assert_int_equal(four.users, 4);
    assert_float_equal(four.decode_tokens_per_s, 108.90, 0.01);
    assert_float_equal(four.decode_tokens_per_s_total, 4 * 500e9 / bytes, 0.05);
    assert_false(four.decode_compute_bound);
    assert_float_equal(four.kv_cache_bytes_per_user, 131072.0 * 4096, 0);
    assert_float_equal(four.kv_cache_bytes, 2147483648.0, 0);
    assert_float_equal(four.gpu_needed_bytes - one.gpu_needed_bytes, 3 * 131072.0 * 4096, 1);
    /* 32 users: arithmetic 2 x 7.50468e9 x 32 / 5e13 = 9.6060 ms > 9.1829 ms
     * of memory time: compute-bound, 1 / 9.6060 ms = 104.10 tok/s per user,
     * 3331.3 together */
    r.users = 32;
    fc_estimate many = run(&r);
    assert_true(many.decode_compute_bound);
    assert_float_equal(many.decode_tokens_per_s, 5e13 / (2 * active * 32), 0.01);
    assert_float_equal(many.decode_tokens_per_s, 104.10, 0.01);
    assert_float_equal(many.decode_tokens_per_s_total, 3331.3, 0.1);
    /* each user reads its own KV: 2 users after a 1000-token prompt read
     * 2 x 131,072 x 1000 = 262,144,000 B of KV on top of the weights */
    r.users = 2;
    r.prompt = 1000;
    fc_estimate kv = run(&r);
    assert_float_equal(kv.decode_tokens_per_s, 500e9 / (bytes + 2 * 131072.0 * 1000), 0.01);
    /* most users at 4096 tokens each: (24 GiB - GPU weights - compute
     * buffer) / 536,870,912 B. GPU weights = 4.9128e9 - input embedding
     * 525,336,576 x 0.99996747 x 4.8944 / 8 = 4.5914e9; buffer 338,165,760:
     * (25,769,803,776 - 4.5914e9 - 0.3382e9) / 536,870,912 = 38.8 -> 38 */
    assert_int_equal(kv.max_users, 38);
    r.users = 38;
    assert_true(run(&r).fits);
    r.users = 39;
    assert_false(run(&r).fits);
}

static void moe_batch_touches_more_experts(void **state)
{
    (void)state;
    /* Mixtral Q4_K_M (28.57e9 B) on two dc24 (48 GiB, layer split: 500 GB/s
     * per byte of a layer; one hop of 10 us + 2 x 4096 B x users / 10 GB/s).
     * Each user's token picks 2 of 8 experts per layer. Two users touch
     * 1 - (1 - 2/8)^2 = 0.4375 of them, not 0.25: the step reads 0.1875 x all
     * routed-expert weights more. Routed experts: 32 layers x 8 x 176,160,768
     * = 45,097,156,608 params, x 46.70e9 / 46,702,792,704 (catalog scale)
     * x 4.8944 / 8 = 27.59e9 bytes. */
    fc_request r = req("dc24", "mixtral", "q4_k_m");
    r.gpus = 2;
    r.prompt = 0;
    r.gen = 1;
    fc_estimate one = run(&r);
    assert_true(one.fits);
    assert_float_equal(1.0 / one.decode_tokens_per_s,
                       one.active_weight_bytes / 500e9 + 10e-6 + 8192 / 10e9, 1e-7);
    r.users = 2;
    fc_estimate two = run(&r);
    double experts = 45097156608.0 * (46.70e9 / 46702792704.0) * 4.8944 / 8;
    assert_float_equal(experts / 1e9, 27.59, 0.01);
    double step = one.active_weight_bytes + 0.1875 * experts;
    /* 7.80e9 -> 12.97e9 bytes per step */
    assert_float_equal(step / 1e9, 12.97, 0.01);
    assert_float_equal(1.0 / two.decode_tokens_per_s, step / 500e9 + 10e-6 + 2 * 8192 / 10e9,
                       1e-7);
    /* 64 users touch 1 - 0.75^64 = all but 1e-8 of the experts: the step
     * reads the whole model but the input embedding, 28.49e9 B (57.0 ms; the
     * arithmetic 2 x 12.75e9 x 64 / (100 TFLOPS x 0.5) = 32.6 ms hides under
     * it) -- never more */
    r.users = 64;
    r.context = 512;
    fc_estimate all = run(&r);
    assert_true(all.fits);
    assert_false(all.decode_compute_bound);
    step = one.active_weight_bytes + (1 - pow(0.75, 64) - 0.25) * experts;
    assert_float_equal(step / 1e9, 28.49, 0.01);
    assert_float_equal(1.0 / all.decode_tokens_per_s, step / 500e9 + 10e-6 + 64 * 8192 / 10e9,
                       1e-7);
}

static void different_gpus_split_layers_by_free_memory(void **state)
{
    (void)state;
    /* dc24 (24 GiB, 1000 GB/s) + dc8 (8 GiB, 500 GB/s) in one machine, no
     * memory kept back, no driver context in the test backend; each holds
     * a compute buffer of 512 x 4 x (128256 + 8192 + 28672) = 338,165,760 B.
     * Free memory 25,431,638,016 : 8,251,768,832 -> shares 0.75502 : 0.24498.
     * Per byte of a layer: 0.75502 / 500e9 + 0.24498 / 250e9 -> 401.61 GB/s. */
    fc_request r = req("dc24", "llama8b", "q4_k_m");
    r.prompt = 0;
    r.gen = 1;
    r.others[0] = fc_find_hardware(cat, "dc8", NULL);
    r.n_others = 1;
    fc_estimate e = run(&r);
    assert_int_equal(e.devices, 2);
    assert_float_equal(e.available_bytes, 32 * GIB, 1);
    assert_float_equal(e.overhead_bytes, 2 * 338165760.0, 1);
    assert_float_equal(e.effective_bandwidth_gbs, 401.61, 0.01);
    /* one hop between the two: 10 us + 8,192 B / 10 GB/s = 10.8192 us */
    double bytes = r.model->active_params_b * 1e9 * 4.8944 / 8;
    assert_float_equal(1.0 / e.decode_tokens_per_s, bytes / 401.61e9 + 10.8192e-6, 1e-7);
    /* Mixtral Q4_K_M (28.57e9 B) does not fit 24 GiB alone, but fits 32 */
    r.model = fc_find_model(cat, "mixtral", NULL);
    assert_true(run(&r).fits);
    /* unified memory does not mix, nor does tensor split */
    fc_estimate x;
    fc_error err;
    r.others[0] = fc_find_hardware(cat, "mac48", NULL);
    assert_int_equal(fc_estimate_run(&r, &x, &err), FC_ERR_RANGE);
    r.others[0] = fc_find_hardware(cat, "dc8", NULL);
    r.split = FC_SPLIT_TENSOR;
    r.gpus = 2;
    assert_int_equal(fc_estimate_run(&r, &x, &err), FC_ERR_RANGE);
}

static void machines_pool_memory_and_add_hops(void **state)
{
    (void)state;
    /* Mixtral Q8_0 (46.70e9 x 8.5 / 8 = 49.62e9 B = 46.2 GiB) is beyond one
     * Mac 48 (42 GiB at most); two of them have 2 x 36 GiB by default */
    fc_request r = req("mac48", "mixtral", "q8_0");
    r.prompt = 0;
    r.gen = 1;
    assert_int_equal(run(&r).verdict, FC_VERDICT_NO);
    r.nodes = 2;
    fc_estimate x;
    fc_error err;
    assert_int_equal(fc_estimate_run(&r, &x, &err), FC_ERR_FIELD); /* no link */
    r.node_link = fc_find_link(cat, "slow", NULL);
    fc_estimate e = run(&r);
    assert_int_equal(e.nodes, 2);
    assert_float_equal(e.wired_limit_default_bytes, 72 * GIB, 1);
    assert_true(e.fits);
    assert_false(e.needs_wired_limit_raise);
    /* one stream does not get faster: the machines take turns, then a hop of
     * 10 us + 8,192 B / 10 GB/s; bandwidth 273 x 0.5 = 136.5 GB/s */
    assert_float_equal(1.0 / e.decode_tokens_per_s,
                       e.active_weight_bytes / 136.5e9 + 10.8192e-6, 1e-7);
}

static void monotonic_properties(void **state)
{
    (void)state;
    const char *models[] = { "llama8b", "mixtral", "dsv3", "gemma27b" };
    for (size_t i = 0; i < 4; i++) {
        fc_request r = req("dc24", models[i], "q4_k_m");
        double prev_mem = 0, prev_tps = INFINITY;
        for (long ctx = 512; ctx <= 131072; ctx *= 2) {
            r.context = ctx;
            r.prompt = ctx / 2;
            r.gen = 128;
            fc_estimate e = run(&r);
            /* more context never needs less memory, nor decodes faster */
            assert_true(e.gpu_needed_bytes >= prev_mem);
            assert_true(e.decode_tokens_per_s <= prev_tps + 1e-9);
            prev_mem = e.gpu_needed_bytes;
            prev_tps = e.decode_tokens_per_s;
            /* more bandwidth never runs slower */
            fc_request f = r;
            f.hardware = fc_find_hardware(cat, "dc24fast", NULL);
            fc_estimate ef = run(&f);
            assert_true(ef.decode_tokens_per_s >= e.decode_tokens_per_s);
            assert_true(isfinite(e.prefill_tokens_per_s) && e.prefill_tokens_per_s >= 0);
        }
    }
}

static void bad_requests_are_errors(void **state)
{
    (void)state;
    fc_estimate e;
    fc_error err;
    fc_request r = req("dc24", "llama8b", "f16");
    r.gpus = 0;
    assert_int_equal(fc_estimate_run(&r, &e, &err), FC_ERR_RANGE);
    r.gpus = 1;
    r.context = 0;
    assert_int_equal(fc_estimate_run(&r, &e, &err), FC_ERR_RANGE);
    r.context = 4096;
    r.quant = NULL;
    assert_int_equal(fc_estimate_run(&r, &e, &err), FC_ERR_FIELD);
    assert_non_null(strstr(err.msg, "quant"));
}

static void best_quant_walks_the_ladder(void **state)
{
    (void)state;
    /* 24 GiB: Llama 8B F16 (14.8 GiB needed) fits, so auto picks F16; Mixtral
     * F16 (93 GB) and Q8_0 (49.6e9) do not, Q4_K_M (28.57e9 B = 26.6 GiB) does
     * not either: nothing fits */
    fc_request r = req("dc24", "llama8b", "f16");
    fc_estimate e;
    const fc_quant *q = fc_best_quant(cat, &r, &e);
    assert_non_null(q);
    assert_string_equal(q->info.id, "f16");
    r.model = fc_find_model(cat, "mixtral", NULL);
    assert_null(fc_best_quant(cat, &r, &e));
    /* on the 48 GiB Mac (42 GiB once raised) Q4_K_M is the best that fits */
    r.hardware = fc_find_hardware(cat, "mac48", NULL);
    q = fc_best_quant(cat, &r, &e);
    assert_non_null(q);
    assert_string_equal(q->info.id, "q4_k_m");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weights_use_effective_bits),
        cmocka_unit_test(embedding_tables_at_higher_precision),
        cmocka_unit_test(param_counts_from_architecture),
        cmocka_unit_test(kv_cache_gqa_mla_and_sliding_window),
        cmocka_unit_test(verdicts_fits_offload_no),
        cmocka_unit_test(desktop_card_keeps_memory_back),
        cmocka_unit_test(apple_wired_limit_and_raise),
        cmocka_unit_test(decode_speed_from_bytes_read),
        cmocka_unit_test(moe_reads_only_active_experts),
        cmocka_unit_test(users_share_one_pass_over_the_weights),
        cmocka_unit_test(moe_batch_touches_more_experts),
        cmocka_unit_test(different_gpus_split_layers_by_free_memory),
        cmocka_unit_test(machines_pool_memory_and_add_hops),
        cmocka_unit_test(monotonic_properties),
        cmocka_unit_test(bad_requests_are_errors),
        cmocka_unit_test(best_quant_walks_the_ladder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
