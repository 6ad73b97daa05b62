/* catalog_json.c - catalog entries as JSON objects (list and show). */
#include "cli.h"

static void add_strlist(cJSON *o, const char *key, const fc_strlist *l)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (size_t i = 0; a && i < l->count; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(l->items[i]));
}

static void add_info(cJSON *o, const fc_entry_info *info)
{
    json_str(o, "id", info->id);
    json_str(o, "name", info->name);
    add_strlist(o, "aliases", &info->aliases);
}

static void add_provenance(cJSON *o, const fc_entry_info *info)
{
    json_str(o, "source", info->source);
    if (info->unverified.count)
        add_strlist(o, "unverified", &info->unverified);
    if (info->notes)
        json_str(o, "notes", info->notes);
    if (info->ref)
        json_str(o, "ref", info->ref);
    json_str(o, "origin", info->origin);
}

static void opt_num(cJSON *o, const char *key, double v, int dec)
{
    if (v > 0)
        json_num(o, key, v, dec);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *json_entry(fc_kind kind, const void *entry)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    const fc_entry_info *info = entry;
    add_info(o, info);
    switch (kind) {
    case FC_KIND_HARDWARE: {
        const fc_hardware *h = entry;
        json_str(o, "vendor", h->vendor);
        json_str(o, "category", h->category);
        json_num(o, "memory_gb", h->memory_gb, 3);
        json_str(o, "memory_type", h->memory_type);
        json_num(o, "bandwidth_gbs", h->bandwidth_gbs, 2);
        json_num(o, "fp16_tflops", h->fp16_tflops, 3);
        opt_num(o, "compute_units", h->compute_units, 0);
        json_str(o, "backend", h->backend);
        add_strlist(o, "backends", &h->backends);
        cJSON_AddBoolToObject(o, "unified_memory", h->unified_memory);
        opt_num(o, "gpu_usable_default_gb", h->gpu_usable_default_gb, 3);
        json_str(o, "link", h->link);
        opt_num(o, "pcie_gen", h->pcie_gen, 0);
        opt_num(o, "pcie_lanes", h->pcie_lanes, 0);
        opt_num(o, "power_w", h->power_w, 1);
        opt_num(o, "idle_w", h->idle_w, 1);
        opt_num(o, "price_usd", h->price_usd, 0);
        json_str(o, "price_kind", h->price_kind);
        cJSON_AddNumberToObject(o, "release_year", h->release_year);
        break;
    }
    case FC_KIND_HOST: {
        const fc_host *h = entry;
        json_num(o, "bandwidth_gbs", h->bandwidth_gbs, 2);
        json_num(o, "memory_gb", h->memory_gb, 1);
        opt_num(o, "channels", h->channels, 0);
        break;
    }
    case FC_KIND_LINK: {
        const fc_link *l = entry;
        json_num(o, "bandwidth_gbs", l->bandwidth_gbs, 3);
        json_num(o, "latency_us", l->latency_us, 2);
        break;
    }
    case FC_KIND_MODEL: {
        const fc_model *m = entry;
        static const char *const arch[] = { "dense", "moe", "hybrid" };
        json_str(o, "family", m->family);
        json_str(o, "hf_repo", m->hf_repo);
        json_str(o, "arch", arch[m->arch]);
        json_num(o, "params_b", m->params_b, 3);
        opt_num(o, "params_stated_b", m->params_stated_b, 3);
        json_num(o, "active_params_b", m->active_params_b, 3);
        cJSON_AddNumberToObject(o, "layers", m->layers);
        cJSON_AddNumberToObject(o, "hidden_size", m->hidden_size);
        cJSON_AddNumberToObject(o, "heads", m->heads);
        cJSON_AddNumberToObject(o, "kv_heads", m->kv_heads);
        cJSON_AddNumberToObject(o, "head_dim", m->head_dim);
        cJSON_AddNumberToObject(o, "intermediate_size", m->intermediate_size);
        cJSON_AddNumberToObject(o, "vocab_size", m->vocab_size);
        cJSON_AddBoolToObject(o, "tie_embeddings", m->tie_embeddings);
        cJSON_AddNumberToObject(o, "context", (double)m->context);
        if (m->swa_window) {
            cJSON *sw = cJSON_AddObjectToObject(o, "sliding_window");
            cJSON_AddNumberToObject(sw, "window", m->swa_window);
            cJSON_AddNumberToObject(sw, "local_layers", m->swa_local_layers);
            cJSON_AddNumberToObject(sw, "global_layers", m->swa_global_layers);
            if (m->swa_global_kv_heads)
                cJSON_AddNumberToObject(sw, "global_kv_heads", m->swa_global_kv_heads);
            if (m->swa_global_head_dim)
                cJSON_AddNumberToObject(sw, "global_head_dim", m->swa_global_head_dim);
        }
        if (m->mla_kv_lora_rank) {
            cJSON *ml = cJSON_AddObjectToObject(o, "mla");
            cJSON_AddNumberToObject(ml, "kv_lora_rank", m->mla_kv_lora_rank);
            cJSON_AddNumberToObject(ml, "qk_rope_head_dim", m->mla_qk_rope_head_dim);
            cJSON_AddNumberToObject(ml, "qk_nope_head_dim", m->mla_qk_nope_head_dim);
            cJSON_AddNumberToObject(ml, "v_head_dim", m->mla_v_head_dim);
            cJSON_AddNumberToObject(ml, "q_lora_rank", m->mla_q_lora_rank);
        }
        if (m->moe_experts) {
            cJSON *mo = cJSON_AddObjectToObject(o, "moe");
            cJSON_AddNumberToObject(mo, "experts", m->moe_experts);
            cJSON_AddNumberToObject(mo, "experts_per_token", m->moe_experts_per_token);
            cJSON_AddNumberToObject(mo, "shared_experts", m->moe_shared_experts);
            cJSON_AddNumberToObject(mo, "expert_intermediate_size", m->moe_expert_intermediate);
            cJSON_AddNumberToObject(mo, "dense_layers", m->moe_dense_layers);
        }
        if (m->hybrid_attention_layers) {
            cJSON *hy = cJSON_AddObjectToObject(o, "hybrid");
            cJSON_AddNumberToObject(hy, "attention_layers", m->hybrid_attention_layers);
            cJSON_AddNumberToObject(hy, "state_bytes", m->hybrid_state_bytes);
        }
        json_num(o, "kv_bytes_per_token_f16", fc_kv_cache_bytes(m, 1, FC_KV_F16), 0);
        json_str(o, "same_as", m->same_as);
        json_str(o, "native_dtype", m->native_dtype);
        json_str(o, "release_date", m->release_date);
        json_str(o, "license", m->license);
        if (m->quants.count)
            add_strlist(o, "quants", &m->quants);
        break;
    }
    case FC_KIND_QUANT: {
        const fc_quant *q = entry;
        json_str(o, "family", q->family);
        json_str(o, "format", q->format);
        json_num(o, "bpw", q->bpw, 4);
        opt_num(o, "nominal_bpw", q->nominal_bpw, 4);
        opt_num(o, "embed_bpw", q->embed_bpw, 2);
        opt_num(o, "ladder", q->ladder, 0);
        break;
    }
    case FC_KIND_BACKEND: {
        const fc_backend *b = entry;
        json_str(o, "runtime", b->runtime);
        json_str(o, "quant_format", b->quant_format);
        json_num(o, "bw_efficiency", b->bw_efficiency, 4);
        json_num(o, "hbm_efficiency_scale", b->hbm_efficiency_scale, 4);
        json_num(o, "token_overhead_us", b->token_overhead_us, 2);
        json_num(o, "layer_overhead_us", b->layer_overhead_us, 3);
        json_num(o, "prefill_efficiency", b->prefill_efficiency, 4);
        json_num(o, "context_mib_base", b->context_mib_base, 1);
        json_num(o, "context_mib_per_cu", b->context_mib_per_cu, 3);
        json_num(o, "cpu_bw_efficiency", b->cpu_bw_efficiency, 3);
        json_num(o, "dequant_ops_per_weight", b->dequant_ops_per_weight, 3);
        json_num(o, "cu_bandwidth_gbs", b->cu_bandwidth_gbs, 2);
        break;
    }
    default: break;
    }
    add_provenance(o, info);
    return o;
}
