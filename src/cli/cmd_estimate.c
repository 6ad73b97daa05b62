/* cmd_estimate.c - 'fitcheck estimate': one model on one setup, in full. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define GIB 1073741824.0

/* "Llama 3.1 8B · Q4_K_M on 2 x NVIDIA GeForce RTX 4090 (tensor split over pcie4)" */
static void setup_title(char *buf, size_t n, const fc_request *r, bool unicode)
{
    char who[320];
    setup_label(who, sizeof who, r, false);
    char split[96] = "";
    int k = 0;
    if (r->gpus + r->n_others > 1)
        k = snprintf(split, sizeof split, " (%s split over %s", fc_split_name(r->split),
                     r->link ? r->link->info.id : "-");
    if (r->nodes > 1 && k >= 0 && (size_t)k < sizeof split)
        k += snprintf(split + k, sizeof split - (size_t)k, "%s%s between machines",
                      k ? "; " : " (", r->node_link ? r->node_link->info.id : "-");
    if (k > 0 && (size_t)k < sizeof split - 1)
        snprintf(split + k, sizeof split - (size_t)k, ")");
    char users[48] = "";
    if (r->users > 1)
        snprintf(users, sizeof users, ", %d users", r->users);
    snprintf(buf, n, "%s %s %s on %s%s%s", r->model->info.name, unicode ? "\u00b7" : "-",
             quant_label(r->quant), who, split, users);
}

void verdict_sentence(char *buf, size_t n, const fc_request *r, const fc_estimate *e);

void verdict_sentence(char *buf, size_t n, const fc_request *r, const fc_estimate *e)
{
    char need[32], avail[32], head[32];
    fmt_gib(need, sizeof need, e->gpu_needed_bytes);
    fmt_gib(avail, sizeof avail, e->needs_wired_limit_raise ? e->wired_limit_max_bytes
                                                            : e->available_bytes);
    fmt_gib(head, sizeof head, e->headroom_bytes > 0 ? e->headroom_bytes : 0);
    switch (e->verdict) {
    case FC_VERDICT_FITS:
    case FC_VERDICT_TIGHT:
        if (e->needs_wired_limit_raise) {
            char def[32];
            fmt_gib(def, sizeof def, e->wired_limit_default_bytes);
            snprintf(buf, n,
                     "%s once the GPU memory limit is raised: needs %s, the default limit is "
                     "%s (sudo sysctl iogpu.wired_limit_mb=%ld; resets at reboot)",
                     fc_verdict_name(e->verdict), need, def, e->wired_limit_mb);
        } else {
            snprintf(buf, n, "%s: needs %s of %s available (%s free)%s",
                     fc_verdict_name(e->verdict), need, avail, head,
                     e->verdict == FC_VERDICT_TIGHT ? "; little headroom for a longer context "
                                                      "or other programs" : "");
        }
        break;
    case FC_VERDICT_OFFLOAD:
        if (e->offload_mode == FC_OFFLOAD_EXPERTS)
            snprintf(buf, n,
                     "offload: needs %s, %s available; routed experts of %d layers run from "
                     "system RAM (llama.cpp --n-cpu-moe %d)",
                     need, avail, e->cpu_moe_layers, e->cpu_moe_layers);
        else
            snprintf(buf, n,
                     "offload: needs %s, %s available; %d of %d layers on the GPU "
                     "(llama.cpp -ngl %d), the rest from system RAM",
                     need, avail, e->gpu_layers, r->model->layers, e->gpu_layers);
        break;
    case FC_VERDICT_NO: {
        char ram[32];
        fmt_gib(ram, sizeof ram, e->host_available_bytes);
        if (r->hardware->unified_memory)
            snprintf(buf, n, "no: needs %s, at most %s of this machine's memory can go to the GPU",
                     need, avail);
        else if (!r->allow_offload)
            snprintf(buf, n, "no: needs %s, %s available (offload disabled)", need, avail);
        else
            snprintf(buf, n, "no: needs %s; %s of GPU memory and %s of free system RAM (%s) "
                             "are not enough",
                     need, avail, ram, r->host ? r->host->info.id : "-");
        break;
    }
    }
}

static void bench_line(char *buf, size_t n, const fc_request *r, const fc_estimate *e)
{
    if (r->backend->runtime && strcmp(r->backend->runtime, "mlx") == 0) {
        snprintf(buf, n,
                 "mlx_lm.generate --model <%s %s> --prompt <%ld tokens> --max-tokens %ld",
                 r->model->hf_repo ? r->model->hf_repo : r->model->info.id, r->quant->info.id,
                 r->prompt, r->gen);
        return;
    }
    char extra[160] = "";
    size_t used = 0;
    if (r->gpus + r->n_others > 1)
        used += (size_t)snprintf(extra + used, sizeof extra - used, " -sm %s",
                                 r->split == FC_SPLIT_TENSOR ? "row" : "layer");
    if (r->kv_type != FC_KV_F16 && used < sizeof extra)
        used += (size_t)snprintf(extra + used, sizeof extra - used, " -fa 1 -ctk %s -ctv %s",
                                 fc_kv_type_name(r->kv_type), fc_kv_type_name(r->kv_type));
    if (e->offload_mode == FC_OFFLOAD_EXPERTS && used < sizeof extra)
        used += (size_t)snprintf(extra + used, sizeof extra - used, " --n-cpu-moe %d",
                                 e->cpu_moe_layers);
    /* a model given as a GGUF file (model_input.c) is that file */
    size_t idl = strlen(r->model->info.id);
    bool file = idl > 5 && strcmp(r->model->info.id + idl - 5, ".gguf") == 0;
    if (r->nodes > 1 && used < sizeof extra)
        used += (size_t)snprintf(extra + used, sizeof extra - used,
                                 " --rpc <%d other machines running rpc-server>", r->nodes - 1);
    if (r->users > 1) {
        /* many users: llama.cpp's batched bench decodes -npl streams together */
        snprintf(buf, n, "llama-batched-bench -m %s%s%s%s -c %ld -npp %ld -ntg %ld -npl %d -ngl %d%s",
                 r->model->info.id, file ? "" : "-", file ? "" : r->quant->info.name,
                 file ? "" : ".gguf", r->context * r->users, r->prompt, r->gen, r->users,
                 e->offload_mode == FC_OFFLOAD_LAYERS ? e->gpu_layers : 99, extra);
        return;
    }
    snprintf(buf, n, "llama-bench -m %s%s%s%s -p %ld -n %ld -ngl %d%s", r->model->info.id,
             file ? "" : "-", file ? "" : r->quant->info.name, file ? "" : ".gguf", r->prompt,
             r->gen, e->offload_mode == FC_OFFLOAD_LAYERS ? e->gpu_layers : 99, extra);
}

/* Where GPU memory goes, as a chart in GiB: each part of what must sit in
 * GPU memory, the total, and what the devices offer. */
static void memory_chart(view *v, const fc_estimate *e)
{
    static const char *const series[] = { "GiB" };
    block *ch = view_chart(v, "GPU memory", "GiB", 1, series);
    if (!ch)
        return;
    chart_empty_label(v, ch, "none");
    double x = e->weights_gpu_bytes / GIB;
    chart_add(v, ch, "weights on GPU", &x, NULL);
    char label[64];
    if (e->users > 1)
        snprintf(label, sizeof label, "KV cache, %d users", e->users);
    else
        snprintf(label, sizeof label, "KV cache");
    x = (e->kv_cache_bytes + e->state_bytes) / GIB;
    chart_add(v, ch, label, &x, NULL);
    x = e->overhead_bytes / GIB;
    chart_add(v, ch, "runtime overhead", &x, NULL);
    x = e->gpu_needed_bytes / GIB;
    chart_add(v, ch, "needed", &x, NULL);
    x = (e->needs_wired_limit_raise ? e->wired_limit_max_bytes : e->available_bytes) / GIB;
    chart_add(v, ch, e->needs_wired_limit_raise ? "available, limit raised" : "available", &x,
              NULL);
}

int cmd_estimate(cli *c, view *v)
{
    const char *hw, *model;
    if (cli_hardware_and_model(c, &hw, &model) != EXIT_OK)
        return EXIT_ERROR;
    fc_request r;
    bool auto_quant;
    fc_estimate e;
    int rc = cli_request_estimate(c, hw, model, arg_flag(&c->a, OPT_CMD + 20), &r, &auto_quant,
                                  &e);
    if (rc != EXIT_OK)
        return rc;

    /* JSON */
    cJSON *j = json_estimate(&r, &e);
    if (!j)
        return cli_error(c, "out of memory");
    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "estimate");
    for (cJSON *it = j->child; it;) {
        cJSON *next = it->next;
        cJSON_AddItemToObject(v->json, it->string, cJSON_DetachItemViaPointer(j, it));
        it = next;
    }
    cJSON_Delete(j);
    cJSON_AddBoolToObject(v->json, "quant_auto", auto_quant);
    char bench[256];
    bench_line(bench, sizeof bench, &r, &e);
    json_str(v->json, "bench_command", bench);
    bool explain = arg_flag(&c->a, OPT_CMD + 20);
    if (explain) {
        cJSON *terms = cJSON_AddArrayToObject(v->json, "explain");
        for (int i = 0; i < e.n_terms; i++) {
            cJSON *t = cJSON_CreateObject();
            json_str(t, "name", e.terms[i].name);
            json_num(t, "value", e.terms[i].value, 6);
            json_str(t, "unit", e.terms[i].unit);
            json_str(t, "formula", e.terms[i].formula);
            cJSON_AddItemToArray(terms, t);
        }
    }

    /* people */
    char title[512], sentence[512], buf[128];
    setup_title(title, sizeof title, &r, c->ropts.unicode);
    view_heading(v, "%s", title);
    verdict_sentence(sentence, sizeof sentence, &r, &e);
    view_text(v, "Verdict: %s", sentence);

    view_kv(v, "Memory");
    snprintf(buf, sizeof buf, "%.4g B params x %.3g bits/weight%s", r.model->params_b, r.quant->bpw,
             !auto_quant ? ""
             : e.fits    ? " (quant auto: the highest precision that fits)"
             : e.verdict == FC_VERDICT_OFFLOAD
                 ? " (quant auto: nothing fits in GPU memory; the usual ~4.9-bit download)"
                 : " (quant auto: nothing fits; the smallest quant)");
    kv_add_num(v, "weights", "weights_gib", e.weights_bytes / GIB, 2, "GiB", buf);
    if (e.weights_gpu_bytes < e.weights_bytes - 1) {
        snprintf(buf, sizeof buf, "input embedding %.2f GiB stays in system RAM",
                 (e.weights_bytes - e.weights_gpu_bytes) / GIB);
        kv_add_num(v, "weights on GPU", "weights_gpu_gib", e.weights_gpu_bytes / GIB, 2, "GiB", buf);
    }
    if (e.users > 1)
        snprintf(buf, sizeof buf, "%d users x %.2f GiB (%ld tokens each, %s%s)", e.users,
                 e.kv_cache_bytes_per_user / GIB, r.context, fc_kv_type_name(r.kv_type),
                 r.model->mla_kv_lora_rank ? ", MLA latent"
                 : r.model->swa_window     ? ", sliding window capped" : "");
    else
        snprintf(buf, sizeof buf, "%ld tokens, %s%s", r.context, fc_kv_type_name(r.kv_type),
                 r.model->mla_kv_lora_rank ? ", MLA latent"
                 : r.model->swa_window     ? ", sliding window capped" : "");
    kv_add_num(v, "KV cache", "kv_cache_gib", e.kv_cache_bytes / GIB, 2, "GiB", buf);
    if (e.state_bytes > 0)
        kv_add_num(v, "recurrent state", "state_gib", e.state_bytes / GIB, 3, "GiB",
                   "hybrid layers, fixed per sequence");
    kv_add_num(v, "runtime overhead", "overhead_gib", e.overhead_bytes / GIB, 2, "GiB",
               "compute buffer, logits, driver context");
    kv_add_num(v, "needed on GPU", "gpu_needed_gib", e.gpu_needed_bytes / GIB, 2, "GiB", NULL);
    if (r.hardware->unified_memory) {
        snprintf(buf, sizeof buf, "default GPU limit of %.4g GiB; at most %.1f GiB once raised",
                 e.wired_limit_default_bytes / GIB, e.wired_limit_max_bytes / GIB);
        kv_add_num(v, "available", "available_gib", e.available_bytes / GIB, 2, "GiB", buf);
    } else if (e.devices > 1 && (r.n_others > 0 || r.nodes > 1)) {
        snprintf(buf, sizeof buf, "%d devices, %.4g GiB in all, %.2g GiB kept back", e.devices,
                 e.device_bytes / GIB, e.reserve_bytes / GIB);
        kv_add_num(v, "available", "available_gib", e.available_bytes / GIB, 2, "GiB", buf);
    } else {
        snprintf(buf, sizeof buf, "%d x %.4g GiB, %.2g GiB kept back", r.gpus,
                 r.hardware->memory_gb, e.reserve_bytes / GIB);
        kv_add_num(v, "available", "available_gib", e.available_bytes / GIB, 2, "GiB", buf);
    }
    if (e.offloaded_bytes > 0)
        kv_add_num(v, "in system RAM", "offloaded_gib", e.offloaded_bytes / GIB, 2, "GiB",
                   e.offload_mode == FC_OFFLOAD_EXPERTS ? "routed experts" : "whole layers");
    kv_add_text(v, "verdict", "verdict", fc_verdict_name(e.verdict), NULL);
    if (e.max_context > 0) {
        kv_add_num(v, "max context", "max_context", (double)e.max_context, 0, "tokens",
                   e.max_context >= r.model->context ? "the model's native context"
                                                     : "the largest that fits in GPU memory");
    } else {
        kv_add_num(v, "max context", "max_context", 0, 0, NULL,
                   "the weights alone do not fit in GPU memory");
        block *b = &v->blocks[v->n_blocks - 1];
        cell_text(v, &b->items[b->n_items - 1].value, "none");
        b->items[b->n_items - 1].value.kind = CELL_NUMBER;
    }

    if (e.users > 1 || r.users > 1) {
        snprintf(buf, sizeof buf, "at %ld tokens each, in GPU memory", r.context);
        kv_add_num(v, "most users", "max_users", (double)e.max_users, 0, NULL, buf);
    }

    view_kv(v, e.verdict == FC_VERDICT_NO ? "Speed (hypothetical: it does not fit)" : "Speed");
    if (r.prompt > 0) {
        snprintf(buf, sizeof buf, "%ld-token prompt (llama-bench -p %ld)", r.prompt, r.prompt);
        kv_add_num(v, "prefill", "prefill_tokens_per_s", e.prefill_tokens_per_s, 1, "tok/s", buf);
        kv_add_num(v, "time to first token", "time_to_first_token_s", e.time_to_first_token_s, 3,
                   "s", NULL);
    }
    snprintf(buf, sizeof buf, "%ld tokens after the prompt (llama-bench -n %ld)", r.gen, r.gen);
    if (e.users > 1) {
        kv_add_num(v, "decode, per user", "decode_tokens_per_s", e.decode_tokens_per_s, 1,
                   "tok/s", buf);
        snprintf(buf, sizeof buf, "%d users; continuous batching (vLLM, llama.cpp server -np "
                                  "%d): one step reads the weights once for all%s",
                 e.users, e.users, e.decode_compute_bound ? "; compute-bound" : "");
        kv_add_num(v, "decode, all users", "decode_tokens_per_s_total",
                   e.decode_tokens_per_s_total, 1, "tok/s", buf);
    } else {
        kv_add_num(v, "decode", "decode_tokens_per_s", e.decode_tokens_per_s, 1, "tok/s", buf);
    }
    if (e.decode_tps_layer_offload > 0 && e.decode_tps_expert_offload > 0) {
        kv_add_num(v, "  with layer offload", "decode_layer_offload_tokens_per_s",
                   e.decode_tps_layer_offload, 1, "tok/s", NULL);
        kv_add_num(v, "  with expert offload", "decode_expert_offload_tokens_per_s",
                   e.decode_tps_expert_offload, 1, "tok/s", "--n-cpu-moe");
    }
    snprintf(buf, sizeof buf, "%.0f%% of %.4g GB/s (%s)", e.bandwidth_efficiency * 100,
             r.hardware->bandwidth_gbs, r.backend->info.id);
    kv_add_num(v, "effective bandwidth", "effective_bandwidth_gbs", e.effective_bandwidth_gbs, 0,
               "GB/s", buf);
    if (e.interconnect_ms_per_token > 0) {
        snprintf(buf, sizeof buf, "%s%s%s", e.devices > e.nodes ? "between devices" : "",
                 e.devices > e.nodes && e.nodes > 1 ? " and " : "",
                 e.nodes > 1 ? "between machines" : "");
        kv_add_num(v, "interconnect per token", "interconnect_ms_per_token",
                   e.interconnect_ms_per_token, 3, "ms", buf);
    }
    memory_chart(v, &e);
    view_text(v, "Measure it: %s", bench);
    if (explain) {
        view_kv(v, "How each figure was computed");
        for (int i = 0; i < e.n_terms; i++) {
            char key[64];
            snprintf(key, sizeof key, "explain_%d", i);
            kv_add_num(v, e.terms[i].name, key, e.terms[i].value,
                       e.terms[i].value >= 100 ? 1 : 4, e.terms[i].unit, e.terms[i].formula);
        }
    }
    return EXIT_OK;
}
