/* fuzz_hf_config.c - libFuzzer target: a Hugging Face config.json from the
 * input (fc_model_from_hf_config); when it gives a model, it is added to a
 * small catalog and estimated. */
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
    "\"layer_overhead_us\":2,\"prefill_efficiency\":0.5}],"
    "\"quants\":[{\"id\":\"q4_k_m\",\"name\":\"Q4_K_M\",\"family\":\"k\",\"format\":\"gguf\","
    "\"bpw\":4.89,\"ladder\":5,\"source\":\"t\"}],"
    "\"hardware\":[{\"id\":\"gpu\",\"name\":\"GPU\",\"vendor\":\"nvidia\","
    "\"category\":\"desktop_gpu\",\"memory_gb\":24,\"memory_type\":\"GDDR6X\","
    "\"bandwidth_gbs\":1008,\"fp16_tflops\":165,\"backend\":\"cuda\","
    "\"release_year\":2022,\"source\":\"t\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_error err;
    fc_catalog *cat = fc_catalog_new();
    if (!cat)
        return 0;
    if (fc_catalog_add_json(cat, base, sizeof base - 1, "base", &err) != FC_OK)
        abort();
    fc_model m;
    const fc_model *mp = NULL;
    fc_status st = fc_model_from_hf_config(cat, (const char *)data, size, "config.json", &m, &err);
    if (st != FC_OK && strchr(err.msg, '\n'))
        abort();
    if (st == FC_OK && fc_catalog_add_model(cat, &m, &mp, &err) == FC_OK) {
        fc_request r = FC_REQUEST_INIT;
        fc_estimate e;
        r.hardware = fc_catalog_hardware(cat, 0);
        r.backend = fc_catalog_backend(cat, 0);
        r.quant = fc_catalog_quant(cat, 0);
        r.model = mp;
        if (fc_estimate_run(&r, &e, &err) == FC_OK &&
            (!isfinite(e.total_bytes) || e.total_bytes < 0 || !isfinite(e.decode_tokens_per_s) ||
             e.decode_tokens_per_s < 0))
            abort();
    }
    fc_catalog_free(cat);
    return 0;
}
