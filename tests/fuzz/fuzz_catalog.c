/* fuzz_catalog.c - libFuzzer target: one catalog document from the input,
 * added on top of a small fixed catalog (so that same_as, backends and quants
 * can resolve), then validated; when it loads, every lookup and every
 * estimate over its entries must keep the library's promises (finite,
 * non-negative figures). Build: -DFITCHECK_FUZZ=ON; run: scripts/fuzz.sh catalog. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fitcheck/fitcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
    "{\"schema_version\":1,"
    "\"backends\":[{\"id\":\"cuda\",\"name\":\"CUDA\",\"runtime\":\"llama.cpp\","
    "\"quant_format\":\"gguf\",\"bw_efficiency\":0.8,\"token_overhead_us\":20,"
    "\"layer_overhead_us\":2,\"prefill_efficiency\":0.5,\"context_mib_base\":300,"
    "\"context_mib_per_cu\":2,\"dequant_ops_per_weight\":4,\"compute_efficiency\":0.3,"
    "\"cu_bandwidth_gbs\":40}],"
    "\"hosts\":[{\"id\":\"ddr5-5600-2ch\",\"name\":\"DDR5\",\"bandwidth_gbs\":89.6,"
    "\"memory_gb\":64,\"source\":\"t\"}],"
    "\"links\":[{\"id\":\"pcie4\",\"name\":\"PCIe 4\",\"bandwidth_gbs\":32,\"latency_us\":5,"
    "\"source\":\"t\"}],"
    "\"quants\":[{\"id\":\"q4_k_m\",\"name\":\"Q4_K_M\",\"family\":\"k\",\"format\":\"gguf\","
    "\"bpw\":4.89,\"ladder\":5,\"source\":\"t\"}],"
    "\"hardware\":[{\"id\":\"gpu\",\"name\":\"GPU\",\"vendor\":\"nvidia\","
    "\"category\":\"desktop_gpu\",\"memory_gb\":24,\"memory_type\":\"GDDR6X\","
    "\"bandwidth_gbs\":1008,\"fp16_tflops\":165,\"backend\":\"cuda\",\"compute_units\":128,"
    "\"release_year\":2022,\"source\":\"t\"}],"
    "\"models\":[{\"id\":\"m8b\",\"name\":\"M 8B\",\"arch\":\"dense\",\"params_b\":8.03,"
    "\"layers\":32,\"hidden_size\":4096,\"heads\":32,\"kv_heads\":8,\"head_dim\":128,"
    "\"intermediate_size\":14336,\"vocab_size\":128256,\"tie_embeddings\":false,"
    "\"context\":131072,\"source\":\"t\"}]}";

static void check(const fc_estimate *e)
{
    const double v[] = { e->weights_bytes, e->kv_cache_bytes, e->overhead_bytes,
                         e->total_bytes, e->gpu_needed_bytes, e->available_bytes,
                         e->offloaded_bytes, e->decode_tokens_per_s,
                         e->decode_tokens_per_s_start, e->prefill_tokens_per_s,
                         e->time_to_first_token_s, e->active_weight_bytes };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (!isfinite(v[i]) || v[i] < 0) {
            fprintf(stderr, "fuzz_catalog: estimate figure %zu = %g\n", i, v[i]);
            abort();
        }
    if (!isfinite(e->headroom_bytes))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_error err;
    fc_catalog *cat = fc_catalog_new();
    if (!cat)
        return 0;
    if (fc_catalog_add_json(cat, base, sizeof base - 1, "base", &err) != FC_OK)
        abort();
    fc_status st = fc_catalog_add_json(cat, (const char *)data, size, "fuzz.json", &err);
    if (st != FC_OK) {
        /* errors are one line that names the document */
        if (strchr(err.msg, '\n') || strncmp(err.msg, "fuzz.json", 9) != 0)
            abort();
        fc_catalog_free(cat);
        return 0;
    }
    if (fc_catalog_validate(cat, &err) != FC_OK) {
        fc_catalog_free(cat);
        return 0;
    }
    /* lookups by every id and name */
    for (int k = 0; k < FC_KIND_COUNT; k++)
        for (size_t i = 0; i < fc_catalog_count(cat, (fc_kind)k) && i < 16; i++) {
            const fc_entry_info *info = fc_catalog_info(cat, (fc_kind)k, i);
            size_t at;
            if (fc_catalog_find(cat, (fc_kind)k, info->id, &at, &err) != FC_OK)
                abort(); /* an id always finds its entry */
            (void)fc_catalog_find(cat, (fc_kind)k, info->name, &at, &err);
        }
    /* estimates over the (first few) entries */
    const fc_host *host = fc_find_host(cat, "ddr5-5600-2ch", NULL);
    for (size_t h = 0; h < fc_catalog_count(cat, FC_KIND_HARDWARE) && h < 4; h++) {
        const fc_hardware *hw = fc_catalog_hardware(cat, h);
        const fc_backend *b = fc_find_backend(cat, hw->backend, NULL);
        if (!b)
            abort(); /* validate checked it */
        for (size_t m = 0; m < fc_catalog_count(cat, FC_KIND_MODEL) && m < 4; m++)
            for (size_t q = 0; q < fc_catalog_count(cat, FC_KIND_QUANT) && q < 4; q++) {
                fc_request r = FC_REQUEST_INIT;
                fc_estimate e;
                r.hardware = hw;
                r.backend = b;
                r.model = fc_catalog_model(cat, m);
                r.quant = fc_catalog_quant(cat, q);
                r.link = fc_default_link(cat, hw);
                r.host = host;
                r.gpus = (int)(h % 2) + 1;
                if (fc_estimate_run(&r, &e, &err) == FC_OK)
                    check(&e);
                r.context = r.model->context;
                if (fc_estimate_run(&r, &e, &err) == FC_OK)
                    check(&e);
            }
    }
    fc_catalog_free(cat);
    return 0;
}
