/* fuzz_gguf.c - libFuzzer target: a GGUF header from the input
 * (fc_gguf_parse), and when it parses, the model and quant it describes
 * (fc_model_from_gguf), added to a catalog and estimated. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fitcheck/fitcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_gguf_info info;
    fc_error err;
    if (fc_gguf_parse(data, size, "fuzz.gguf", &info, &err) != FC_OK) {
        if (strchr(err.msg, '\n'))
            abort();
        return 0;
    }
    fc_catalog *cat = fc_catalog_new();
    if (!cat)
        return 0;
    fc_model m;
    fc_quant q;
    const fc_model *mp = NULL;
    const fc_quant *qp = NULL;
    if (fc_catalog_add_embedded(cat, &err) == FC_OK &&
        fc_model_from_gguf(cat, &info, "fuzz.gguf", &m, &q, &err) == FC_OK &&
        fc_catalog_add_quant(cat, &q, &qp, &err) == FC_OK &&
        fc_catalog_add_model(cat, &m, &mp, &err) == FC_OK) {
        fc_request r = FC_REQUEST_INIT;
        fc_estimate e;
        r.hardware = fc_find_hardware(cat, "rtx4090", NULL);
        r.backend = r.hardware ? fc_find_backend(cat, r.hardware->backend, NULL) : NULL;
        r.host = fc_find_host(cat, "ddr5-5600-2ch", NULL);
        r.model = fc_find_model(cat, m.info.id, NULL);
        r.quant = fc_find_quant(cat, q.info.id, NULL);
        if (r.hardware && r.backend && r.model && r.quant &&
            fc_estimate_run(&r, &e, &err) == FC_OK &&
            (!isfinite(e.total_bytes) || e.total_bytes < 0 || !isfinite(e.decode_tokens_per_s) ||
             e.decode_tokens_per_s < 0))
            abort();
    }
    fc_catalog_free(cat);
    return 0;
}
