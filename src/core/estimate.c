/* estimate.c - memory, fit verdict and speed of one model on one setup. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define GIB 1073741824.0
#define MIB 1048576.0

const char *fc_kv_type_name(fc_kv_type t)
{
    switch (t) {
    case FC_KV_F16: return "f16";
    case FC_KV_Q8_0: return "q8_0";
    case FC_KV_Q4_0: return "q4_0";
    }
    return "f16";
}

int fc_kv_type_from_name(const char *s, fc_kv_type *out)
{
    char key[32];
    fc_name_key(s, key, sizeof key);
    if (strcmp(key, "f16") == 0 || strcmp(key, "fp16") == 0 || strcmp(key, "bf16") == 0)
        *out = FC_KV_F16;
    else if (strcmp(key, "q80") == 0 || strcmp(key, "q8") == 0)
        *out = FC_KV_Q8_0;
    else if (strcmp(key, "q40") == 0 || strcmp(key, "q4") == 0)
        *out = FC_KV_Q4_0;
    else
        return -1;
    return 0;
}

/* ggml block sizes (ggml-common.h): q8_0 34 bytes / 32, q4_0 18 bytes / 32 */
double fc_kv_type_bytes(fc_kv_type t)
{
    switch (t) {
    case FC_KV_F16: return 2.0;
    case FC_KV_Q8_0: return 34.0 / 32.0;
    case FC_KV_Q4_0: return 18.0 / 32.0;
    }
    return 2.0;
}

const char *fc_verdict_name(fc_verdict v)
{
    switch (v) {
    case FC_VERDICT_FITS: return "fits";
    case FC_VERDICT_TIGHT: return "tight";
    case FC_VERDICT_OFFLOAD: return "offload";
    case FC_VERDICT_NO: return "no";
    }
    return "no";
}

const char *fc_split_name(fc_split s) { return s == FC_SPLIT_TENSOR ? "tensor" : "layer"; }

const char *fc_offload_name(fc_offload_mode m)
{
    switch (m) {
    case FC_OFFLOAD_NONE: return "none";
    case FC_OFFLOAD_LAYERS: return "layers";
    case FC_OFFLOAD_EXPERTS: return "experts";
    }
    return "none";
}

/* ---- KV cache ------------------------------------------------------------ */

/* Bytes per token of context on full-attention layers, and on sliding-window
 * layers (which hold at most swa_window tokens). */
static void kv_rates(const fc_model *m, fc_kv_type t, double *global, double *local)
{
    double bpe = fc_kv_type_bytes(t);
    if (m->mla_kv_lora_rank > 0) {
        /* MLA caches the compressed latent plus the rope key, no K/V pair */
        *global = (double)m->layers * (m->mla_kv_lora_rank + m->mla_qk_rope_head_dim) * bpe;
        *local = 0.0;
        return;
    }
    double per_layer = 2.0 * m->kv_heads * (double)m->head_dim * bpe;
    int attn_layers = m->hybrid_attention_layers > 0 ? m->hybrid_attention_layers : m->layers;
    if (m->swa_window > 0) {
        /* Gemma 4: the global layers have their own KV heads and head_dim */
        int gkv = m->swa_global_kv_heads > 0 ? m->swa_global_kv_heads : m->kv_heads;
        int gd = m->swa_global_head_dim > 0 ? m->swa_global_head_dim : m->head_dim;
        *global = 2.0 * gkv * (double)gd * bpe * m->swa_global_layers;
        *local = per_layer * m->swa_local_layers;
    } else {
        *global = per_layer * attn_layers;
        *local = 0.0;
    }
}

double fc_kv_cache_bytes(const fc_model *m, long tokens, fc_kv_type t)
{
    if (!m || tokens <= 0)
        return 0.0;
    double g, l;
    kv_rates(m, t, &g, &l);
    double n = (double)tokens;
    double w = m->swa_window > 0 ? (double)m->swa_window : 0.0;
    return g * n + l * (n < w ? n : w);
}

/* Sum of the KV bytes read at positions 0..n-1: sum of min(p, w) etc. */
static double kv_read_prefix(double g, double l, double w, double n)
{
    if (n <= 0)
        return 0.0;
    double s = g * n * (n - 1.0) / 2.0;
    if (l > 0) {
        double loc = n <= w + 1.0 ? n * (n - 1.0) / 2.0
                                  : w * (w + 1.0) / 2.0 + (n - w - 1.0) * w;
        s += l * loc;
    }
    return s;
}

/* ---- helpers ------------------------------------------------------------- */

static void term(fc_estimate *e, const char *name, double value, const char *unit,
                 const char *fmt, ...) FC_PRINTF(5, 6);

static void term(fc_estimate *e, const char *name, double value, const char *unit,
                 const char *fmt, ...)
{
    if (!e->explain || e->n_terms >= FC_MAX_TERMS)
        return;
    fc_term *t = &e->terms[e->n_terms++];
    t->name = name;
    t->value = isfinite(value) ? value : 0.0;
    t->unit = unit;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->formula, sizeof t->formula, fmt, ap);
    va_end(ap);
}

static bool is_hbm(const fc_hardware *h)
{
    return h->memory_type && (h->memory_type[0] == 'H' || h->memory_type[0] == 'h') &&
           (h->memory_type[1] == 'B' || h->memory_type[1] == 'b');
}

static bool is_apple(const fc_hardware *h)
{
    return h->vendor && strcmp(h->vendor, "apple") == 0;
}

/* What the platform keeps back per device: the desktop and driver on a
 * discrete card (0.3-1.5 GB measured, hardware-notes.md section 2; 0.5 GiB
 * assumed), nothing on a headless datacenter card. */
static double default_reserve_gb(const fc_hardware *h)
{
    if (h->unified_memory)
        return 0.0;
    if (h->category && strcmp(h->category, "datacenter_gpu") == 0)
        return 0.0;
    return 0.5;
}

/* PCIe bandwidth per direction (GB/s): 0.985 / 1.969 / 3.938 per lane for
 * gen 3 / 4 / 5 (128b/130b encoding). */
static double pcie_gbs(const fc_hardware *h)
{
    int gen = h->pcie_gen > 0 ? h->pcie_gen : 4;
    int lanes = h->pcie_lanes > 0 ? h->pcie_lanes : 16;
    double per_lane = 0.985 * pow(2.0, gen - 3);
    return per_lane * lanes;
}

/* macOS keeps memory for itself even once the wired limit is raised:
 * 4-8 GB (hardware-notes.md section 1), taken as 1/8 of RAM within those bounds. */
static double apple_os_keep_gb(double total_gb)
{
    double k = total_gb / 8.0;
    return k < 4.0 ? 4.0 : k > 8.0 ? 8.0 : k;
}

typedef struct layout {
    double weights_gpu;      /* weights that must sit in GPU memory */
    double embed_host;       /* input embedding kept in RAM (discrete GPUs) */
    double lm_head;          /* output head bytes */
    double layer_weights;    /* one layer's weights */
    double layer_active;     /* one layer's weights read per decode step (all users) */
    double expert_layer;     /* routed experts of one MoE layer */
    double expert_layer_active; /* of them, read per decode step (all users) */
    int moe_layers;
    double overhead;         /* all devices */
    double per_user;         /* KV at the context + recurrent state, one user */
} layout;

/* One kind of device in a machine: `count` of them. */
typedef struct device_group {
    const fc_hardware *hw;
    int count;
    double memory;   /* bytes, one device */
    double reserve;  /* bytes kept back, one device */
    double overhead; /* driver context + compute buffer, one device */
    double bw;       /* effective bytes/s, one device */
    double eff;      /* bw / peak */
    double flops;    /* FP16 FLOP/s, one device (0 = unknown) */
    double share;    /* share of the layers one device holds (layer split) */
} device_group;

/* sum over j = 1..n of min(j, w): keys seen by n tokens in a window w */
static double swa_keys(double n, double w)
{
    return n <= w ? n * (n + 1) / 2.0 : w * (w + 1) / 2.0 + (n - w) * w;
}

static double gpu_needed_at(const fc_request *r, const layout *lay, double state, long ctx,
                            double users)
{
    return lay->weights_gpu + users * (fc_kv_cache_bytes(r->model, ctx, r->kv_type) + state) +
           lay->overhead;
}

/* Effective bandwidth of one device on one backend: the backend's share of
 * peak (scaled for HBM), then the per-compute-unit limit on reads in flight
 * (see fc_backend.cu_bandwidth_gbs). */
static double device_bandwidth(const fc_hardware *hw, const fc_backend *be, double *eff_out)
{
    double eff = be->bw_efficiency * (is_hbm(hw) ? be->hbm_efficiency_scale : 1.0);
    if (eff > 1.0)
        eff = 1.0;
    double bw = hw->bandwidth_gbs * 1e9 * eff;
    if (be->cu_bandwidth_gbs > 0 && hw->compute_units > 0 && bw > 0) {
        double cu_bw = hw->compute_units * be->cu_bandwidth_gbs * 1e9;
        bw = 1.0 / (1.0 / bw + 1.0 / cu_bw);
        eff = hw->bandwidth_gbs > 0 ? bw / (hw->bandwidth_gbs * 1e9) : eff;
    }
    *eff_out = eff;
    return bw;
}

/* Expected share of one layer's routed experts that a decode step reads
 * when `users` tokens each pick k of E experts: 1 - (1 - k/E)^users
 * (uniform routing; real routers favour some experts, so fewer distinct
 * experts are read and this is an upper bound on the bytes). */
static double experts_touched(const fc_model *m, double users)
{
    if (m->moe_experts <= 0 || m->moe_experts_per_token <= 0)
        return 0.0;
    double p = (double)m->moe_experts_per_token / m->moe_experts;
    if (p >= 1.0)
        return 1.0;
    return 1.0 - pow(1.0 - p, users);
}

static fc_status check_request(const fc_request *r, fc_error *err)
{
    if (!r || !r->hardware)
        return fc__fail(err, FC_ERR_FIELD, "estimate: no hardware given");
    if (!r->model)
        return fc__fail(err, FC_ERR_FIELD, "estimate: no model given");
    if (!r->quant)
        return fc__fail(err, FC_ERR_FIELD, "estimate: no quant given");
    if (!r->backend)
        return fc__fail(err, FC_ERR_FIELD, "estimate: no backend given");
    if (r->gpus < 1 || r->gpus > 1024)
        return fc__fail(err, FC_ERR_RANGE, "estimate: gpus must be between 1 and 1024");
    if (r->n_others < 0 || r->n_others > FC_MAX_OTHERS)
        return fc__fail(err, FC_ERR_RANGE, "estimate: at most %d other devices in one machine",
                        FC_MAX_OTHERS);
    for (int i = 0; i < r->n_others; i++) {
        const fc_hardware *o = r->others[i];
        if (!o)
            return fc__fail(err, FC_ERR_FIELD, "estimate: other device %d is missing", i + 1);
        if (o->unified_memory || r->hardware->unified_memory)
            return fc__fail(err, FC_ERR_RANGE,
                            "estimate: %s and %s cannot share one machine: only discrete GPUs "
                            "mix (join machines with nodes instead)",
                            r->hardware->info.id, o->info.id);
    }
    if (r->n_others > 0 && r->split == FC_SPLIT_TENSOR)
        return fc__fail(err, FC_ERR_RANGE,
                        "estimate: tensor split needs identical devices; different GPUs split "
                        "by layers");
    if (r->nodes < 0 || r->nodes > 1024)
        return fc__fail(err, FC_ERR_RANGE, "estimate: nodes must be between 1 and 1024");
    if (r->nodes > 1 && !r->node_link)
        return fc__fail(err, FC_ERR_FIELD, "estimate: %d nodes need a link between them",
                        r->nodes);
    if (r->users < 0 || r->users > 65536)
        return fc__fail(err, FC_ERR_RANGE, "estimate: users must be between 1 and 65536");
    if (r->context < 1 || r->context > 100000000L)
        return fc__fail(err, FC_ERR_RANGE, "estimate: context must be between 1 and 100000000");
    if (r->prompt < 0 || r->gen < 0 || r->prompt > 100000000L || r->gen > 100000000L)
        return fc__fail(err, FC_ERR_RANGE, "estimate: prompt and gen must be between 0 and 100000000");
    if (r->depth < 0 || r->depth > 100000000L)
        return fc__fail(err, FC_ERR_RANGE, "estimate: depth must be between 0 and 100000000");
    if (r->ubatch < 1 || r->ubatch > 1000000)
        return fc__fail(err, FC_ERR_RANGE, "estimate: ubatch must be between 1 and 1000000");
    return FC_OK;
}

fc_status fc_estimate_run(const fc_request *r, fc_estimate *e, fc_error *err)
{
    /* the trace is large: clear only what precedes it */
    memset(e, 0, offsetof(fc_estimate, terms));
    e->explain = r && r->explain;
    fc_status st = check_request(r, err);
    if (st != FC_OK)
        return st;

    const fc_hardware *hw = r->hardware;
    const fc_model *m = r->model;
    const fc_quant *q = r->quant;
    const fc_backend *be = r->backend;
    const int gpus = r->gpus;
    const int nodes = r->nodes > 1 ? r->nodes : 1;
    const double B = r->users > 1 ? r->users : 1; /* users decoded together */
    const int per_node = gpus + r->n_others;      /* devices in one machine */
    const int n = per_node * nodes;               /* devices in all machines */
    const bool tensor = gpus > 1 && r->split == FC_SPLIT_TENSOR;
    const double bpw = q->bpw;
    const double L = m->layers;
    e->users = (int)B;
    e->devices = n;
    e->nodes = nodes;

    /* ---- weights ---- */
    fc_param_count pc = fc_model_count_params(m);
    double params = m->params_b * 1e9;
    /* scale the architecture's split to the catalog's stated total */
    double scale = pc.total > 0 ? params / pc.total : 1.0;
    layout lay;
    memset(&lay, 0, sizeof lay);
    /* embedding and output tables: some formats keep them at higher precision */
    const double ebpw = q->embed_bpw > 0 ? q->embed_bpw : bpw;
    const double embed_params = pc.embedding * scale;
    const double table_params = embed_params * (m->tie_embeddings ? 1.0 : 2.0);
    double body_params = params - table_params;
    if (body_params < 0)
        body_params = 0;
    e->weights_bytes = body_params * bpw / 8.0 + table_params * ebpw / 8.0;
    if (q->embed_bpw > 0)
        term(e, "weights", e->weights_bytes / 1e9, "GB",
             "%.4g B params x %.4g bpw (%s) / 8, embedding tables at %.4g bpw", m->params_b,
             bpw, q->info.id, ebpw);
    else
        term(e, "weights", e->weights_bytes / 1e9, "GB", "%.4g B params x %.4g bpw (%s) / 8",
             m->params_b, bpw, q->info.id);
    double embed_bytes = embed_params * ebpw / 8.0;
    lay.lm_head = embed_bytes; /* output head: untied copy or the tied table */
    /* llama.cpp keeps the input embedding table in system RAM: only one row
     * of it is read per token. A tied table doubles as the output head and
     * stays on the GPU. Unified memory has one pool: everything counts. */
    lay.embed_host = (!hw->unified_memory && !m->tie_embeddings) ? embed_bytes : 0.0;
    lay.weights_gpu = e->weights_bytes - lay.embed_host;
    e->weights_gpu_bytes = lay.weights_gpu;
    double layer_total = body_params * bpw / 8.0;
    if (layer_total < 0)
        layer_total = 0;
    lay.layer_weights = layer_total / L;
    {
        double active_body = m->active_params_b * 1e9 - embed_params;
        if (active_body < 0)
            active_body = 0;
        e->active_weight_bytes = active_body * bpw / 8.0 + embed_bytes;
    }
    term(e, "active weights read per token", e->active_weight_bytes / 1e9, "GB",
         "%.4g B active params x %.4g bpw / 8 (input embedding not read%s)",
         m->active_params_b, bpw, m->moe_experts ? "; only routed top-k experts" : "");
    double active_layers = e->active_weight_bytes - lay.lm_head;
    if (active_layers < 0)
        active_layers = 0;
    lay.layer_active = active_layers / L;
    /* bytes one decode step reads for all users: the same weights serve every
     * stream, but each user's token routes to its own experts */
    double step_weights = e->active_weight_bytes;
    if (m->moe_experts > 0) {
        lay.moe_layers = m->layers - m->moe_dense_layers;
        if (lay.moe_layers > 0) {
            lay.expert_layer = pc.expert * scale * bpw / 8.0 / lay.moe_layers;
            lay.expert_layer_active = pc.expert_active * scale * bpw / 8.0 / lay.moe_layers;
            if (B > 1) {
                double touched = experts_touched(m, B) * lay.expert_layer;
                double extra = lay.moe_layers * (touched - lay.expert_layer_active);
                if (extra < 0)
                    extra = 0;
                step_weights += extra;
                lay.layer_active += extra / L;
                lay.expert_layer_active = touched;
                term(e, "experts read per step", step_weights / 1e9, "GB",
                     "%d users: each MoE layer reads 1 - (1 - %d/%d)^%d = %.3g of its experts",
                     (int)B, m->moe_experts_per_token, m->moe_experts, (int)B,
                     experts_touched(m, B));
            }
        }
    }

    /* ---- KV cache and state ---- */
    double kv_g, kv_l;
    kv_rates(m, r->kv_type, &kv_g, &kv_l);
    e->kv_cache_bytes_per_user = fc_kv_cache_bytes(m, r->context, r->kv_type);
    e->kv_cache_bytes = B * e->kv_cache_bytes_per_user;
    e->kv_bytes_per_token = e->kv_cache_bytes_per_user / (double)r->context;
    if (m->mla_kv_lora_rank > 0)
        term(e, "KV cache", e->kv_cache_bytes / 1e9, "GB",
             "MLA: %d layers x (%d + %d) x %.4g B x %ld tokens x %d users", m->layers,
             m->mla_kv_lora_rank, m->mla_qk_rope_head_dim, fc_kv_type_bytes(r->kv_type),
             r->context, (int)B);
    else if (m->swa_window > 0)
        term(e, "KV cache", e->kv_cache_bytes / 1e9, "GB",
             "2 x %d kv_heads x %d head_dim x %.4g B x (%d global x %ld + %d local x min(%ld, %d)) x %d users",
             m->kv_heads, m->head_dim, fc_kv_type_bytes(r->kv_type), m->swa_global_layers,
             r->context, m->swa_local_layers, r->context, m->swa_window, (int)B);
    else
        term(e, "KV cache", e->kv_cache_bytes / 1e9, "GB",
             "2 x %d layers x %d kv_heads x %d head_dim x %.4g B (%s) x %ld tokens x %d users",
             m->hybrid_attention_layers ? m->hybrid_attention_layers : m->layers, m->kv_heads,
             m->head_dim, fc_kv_type_bytes(r->kv_type), fc_kv_type_name(r->kv_type),
             r->context, (int)B);
    e->state_bytes = B * m->hybrid_state_bytes;
    if (e->state_bytes > 0)
        term(e, "recurrent state", e->state_bytes / 1e9, "GB",
             "fixed per sequence (hybrid layers) x %d users", (int)B);
    lay.per_user = e->kv_cache_bytes_per_user + m->hybrid_state_bytes;

    /* ---- the devices of one machine: hardware x gpus, then the others ---- */
    /* compute buffer: one micro-batch of activations, logits included:
     * ubatch x 4 bytes x (vocab + 2 hidden + 2 intermediate) */
    double ffn = m->moe_experts ? m->moe_expert_intermediate * (double)m->moe_experts_per_token
                                : (double)m->intermediate_size;
    double compute = (double)r->ubatch * 4.0 *
                     ((double)m->vocab_size + 2.0 * m->hidden_size + 2.0 * ffn);
    device_group grp[1 + FC_MAX_OTHERS];
    int n_grp = 1 + r->n_others;
    double machine_mem = 0, machine_reserve = 0, machine_overhead = 0, share_sum = 0;
    for (int g = 0; g < n_grp; g++) {
        device_group *d = &grp[g];
        d->hw = g == 0 ? hw : r->others[g - 1];
        d->count = g == 0 ? gpus : 1;
        d->memory = d->hw->memory_gb * GIB;
        double res = r->reserve_gb >= 0 ? r->reserve_gb : default_reserve_gb(d->hw);
        d->reserve = d->hw->unified_memory ? 0.0 : res * GIB;
        double ctx_mib = be->context_mib_base + be->context_mib_per_cu * d->hw->compute_units;
        d->overhead = ctx_mib * MIB + compute;
        d->bw = device_bandwidth(d->hw, be, &d->eff);
        d->flops = d->hw->fp16_tflops * 1e12;
        /* llama.cpp's default --tensor-split: layers in proportion to each
         * device's free memory */
        d->share = fmax(0.0, d->memory - d->reserve - d->overhead);
        machine_mem += d->count * d->memory;
        machine_reserve += d->count * d->reserve;
        machine_overhead += d->count * d->overhead;
        share_sum += d->count * d->share;
        if (g == 0 || r->n_others > 0)
            term(e, g == 0 ? "device context" : "other device", ctx_mib, "MiB",
                 "%d x %s: %.4g + %.4g MiB x %d units (%s)", d->count, d->hw->info.id,
                 be->context_mib_base, be->context_mib_per_cu, d->hw->compute_units,
                 be->info.id);
    }
    /* the layer split across one machine's devices: per layer of weights,
     * time = sum over devices of share / bandwidth */
    double inv_bw = 0, inv_flops = 0;
    bool flops_known = true;
    for (int g = 0; g < n_grp; g++) {
        device_group *d = &grp[g];
        d->share = share_sum > 0 ? d->share / share_sum : 1.0 / per_node;
        inv_bw += d->count * d->share / (d->bw > 0 ? d->bw : 1.0);
        if (d->flops > 0)
            inv_flops += d->count * d->share / d->flops;
        else
            flops_known = false;
    }
    if (r->n_others > 0) {
        char shares[160] = "";
        size_t w = 0;
        for (int g = 0; g < n_grp && w < sizeof shares; g++) {
            int k = snprintf(shares + w, sizeof shares - w, "%s%s %.0f%%", g ? ", " : "",
                             grp[g].hw->info.id, grp[g].share * grp[g].count * 100.0);
            if (k < 0)
                break;
            w += (size_t)k;
        }
        term(e, "layer split", (double)per_node, "devices",
             "by free memory, as llama.cpp --tensor-split: %s", shares);
    }

    lay.overhead = nodes * machine_overhead;
    e->overhead_bytes = lay.overhead;
    term(e, "runtime overhead", e->overhead_bytes / 1e9, "GB",
         "%d devices x (driver context + compute buffer %d ubatch x 4 B x (vocab + 2 hidden + 2 ffn))",
         n, r->ubatch);
    e->total_bytes = e->weights_bytes + e->kv_cache_bytes + e->state_bytes + e->overhead_bytes;
    e->gpu_needed_bytes = gpu_needed_at(r, &lay, m->hybrid_state_bytes, r->context, B);

    /* ---- what is available ---- */
    e->device_bytes = nodes * machine_mem;
    double limit;
    if (hw->unified_memory) {
        double def = hw->gpu_usable_default_gb > 0 ? hw->gpu_usable_default_gb
                                                   : hw->memory_gb * 0.75;
        e->wired_limit_default_bytes = n * def * GIB;
        double maxgb = is_apple(hw) ? hw->memory_gb - apple_os_keep_gb(hw->memory_gb) : def;
        if (maxgb < def)
            maxgb = def;
        e->wired_limit_max_bytes = n * maxgb * GIB;
        e->reserve_bytes = e->device_bytes - e->wired_limit_default_bytes;
        limit = e->wired_limit_default_bytes;
        term(e, "GPU memory limit", limit / GIB, "GiB", "%d x default %s (of %.4g GiB)", n,
             is_apple(hw) ? "Metal recommendedMaxWorkingSetSize" : "GPU carve-out",
             hw->memory_gb);
    } else {
        e->reserve_bytes = nodes * machine_reserve;
        limit = e->device_bytes - e->reserve_bytes;
        if (r->n_others > 0)
            term(e, "GPU memory available", limit / GIB, "GiB",
                 "%d devices: %.4g GiB - %.2g GiB kept for display/driver", n,
                 e->device_bytes / GIB, e->reserve_bytes / GIB);
        else
            term(e, "GPU memory available", limit / GIB, "GiB",
                 "%d x (%.4g GiB - %.2g GiB kept for display/driver)", n, hw->memory_gb,
                 grp[0].reserve / GIB);
    }
    if (limit < 0)
        limit = 0;
    e->available_bytes = limit;

    double host_gb = r->host_ram_gb > 0 ? r->host_ram_gb : (r->host ? r->host->memory_gb : 0);
    /* the OS and the runtime keep ~4 GiB of system RAM, on every machine */
    double host_avail = host_gb > 4 ? nodes * (host_gb - 4) * GIB : 0;
    host_avail -= lay.embed_host;
    if (host_avail < 0)
        host_avail = 0;
    e->host_available_bytes = host_avail;

    /* ---- verdict ---- */
    double need = e->gpu_needed_bytes;
    double cap = limit;
    if (need > limit && hw->unified_memory && e->wired_limit_max_bytes > limit &&
        need <= e->wired_limit_max_bytes) {
        e->needs_wired_limit_raise = true;
        cap = e->wired_limit_max_bytes;
        /* per machine, with 1 GiB of headroom, never above the maximum */
        double mb = ceil((need / n + GIB) / MIB);
        double maxmb = floor(e->wired_limit_max_bytes / n / MIB);
        e->wired_limit_mb = (long)(mb < maxmb ? mb : maxmb);
    }
    e->headroom_bytes = cap - need;
    double tight_margin = fmax(0.5 * GIB * n, 0.05 * cap);
    if (need <= cap)
        e->verdict = e->headroom_bytes < tight_margin ? FC_VERDICT_TIGHT : FC_VERDICT_FITS;
    else if (!hw->unified_memory && r->allow_offload && need - cap <= host_avail)
        e->verdict = FC_VERDICT_OFFLOAD;
    else
        e->verdict = FC_VERDICT_NO;
    e->fits = e->verdict == FC_VERDICT_FITS || e->verdict == FC_VERDICT_TIGHT;

    /* largest context per user, and most users, that fit in GPU memory */
    double ctx_cap = hw->unified_memory && e->wired_limit_max_bytes > cap ? e->wired_limit_max_bytes
                                                                          : cap;
    if (gpu_needed_at(r, &lay, m->hybrid_state_bytes, 1, B) <= ctx_cap) {
        long lo = 1, hi = m->context;
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            if (gpu_needed_at(r, &lay, m->hybrid_state_bytes, mid, B) <= ctx_cap)
                lo = mid;
            else
                hi = mid - 1;
        }
        e->max_context = lo;
    }
    {
        double room = ctx_cap - lay.weights_gpu - lay.overhead;
        if (room >= lay.per_user && room > 0)
            e->max_users = lay.per_user > 0 ? (long)fmin(floor(room / lay.per_user), 65536.0)
                                            : 65536;
        if (B > 1 || e->explain)
            term(e, "most users", (double)e->max_users, "users",
                 "(GPU memory - weights - overhead) / (KV at %ld tokens + state) per user",
                 r->context);
    }

    /* ---- decode speed ---- */
    double bw = grp[0].bw;       /* bytes/s, one device of the first kind */
    double bw_layer = 1.0 / inv_bw; /* a layer split across the machine's devices */
    e->bandwidth_efficiency = grp[0].eff;
    e->effective_bandwidth_gbs = (r->n_others > 0 ? bw_layer : bw) / 1e9;
    if (be->cu_bandwidth_gbs > 0 && hw->compute_units > 0)
        term(e, "effective bandwidth", bw / 1e9, "GB/s",
             "1 / (1 / (%.4g GB/s x %.3g%s) + 1 / (%d units x %.3g GB/s)) (%s)",
             hw->bandwidth_gbs, be->bw_efficiency * (is_hbm(hw) ? be->hbm_efficiency_scale : 1.0),
             is_hbm(hw) ? ", HBM scale" : "", hw->compute_units, be->cu_bandwidth_gbs,
             be->info.id);
    else
        term(e, "effective bandwidth", bw / 1e9, "GB/s", "%.4g GB/s x %.3g (%s%s)",
             hw->bandwidth_gbs, grp[0].eff, be->info.id, is_hbm(hw) ? ", HBM scale" : "");
    if (r->n_others > 0)
        term(e, "layer-split bandwidth", bw_layer / 1e9, "GB/s",
             "1 / sum over devices of (share of layers / effective bandwidth)");
    /* each machine runs its own graph per token: the per-token cost once per
     * machine, the per-layer cost once per layer */
    double t_fixed = (be->token_overhead_us * nodes + be->layer_overhead_us * L) * 1e-6;
    term(e, "fixed time per step", t_fixed * 1e3, "ms", "%d x %.4g us + %d layers x %.4g us",
         nodes, be->token_overhead_us, m->layers, be->layer_overhead_us);

    /* interconnect per decode step: one activation vector per user */
    double t_link = 0.0;
    double link_bw = r->link ? r->link->bandwidth_gbs * 1e9 : 0.0;
    double link_lat = r->link ? r->link->latency_us * 1e-6 : 0.0;
    double act = 2.0 * m->hidden_size * B; /* fp16 activation vectors */
    if (per_node > 1 && r->link && link_bw > 0) {
        if (tensor) {
            /* two ring all-reduces per layer: 2(n-1) steps of latency, and
             * 2(n-1)/n of the vector over the link */
            double ar = 2.0 * (gpus - 1) * link_lat + 2.0 * (gpus - 1) / gpus * act / link_bw;
            t_link = L * 2.0 * ar;
            term(e, "all-reduce per step", t_link * 1e3, "ms",
                 "%d layers x 2 x (2 x %d x %.3g us + vector/%s)", m->layers, gpus - 1,
                 r->link->latency_us, r->link->info.id);
        } else {
            t_link = (per_node - 1) * (link_lat + act / link_bw);
            term(e, "stage hops per step", t_link * 1e3, "ms", "%d hops x (%.3g us + vector/%s)",
                 per_node - 1, r->link->latency_us, r->link->info.id);
        }
    }
    /* machines: a pipeline, one hop per boundary per token (exo, llama.cpp RPC) */
    double node_bw = r->node_link ? r->node_link->bandwidth_gbs * 1e9 : 0.0;
    double node_lat = r->node_link ? r->node_link->latency_us * 1e-6 : 0.0;
    double t_nodes = 0.0;
    if (nodes > 1 && node_bw > 0) {
        t_nodes = (nodes - 1) * (node_lat + act / node_bw);
        term(e, "machine hops per step", t_nodes * 1e3, "ms",
             "%d hops x (%.3g us + %.0f B / %.4g GB/s over %s)", nodes - 1,
             r->node_link->latency_us, act, r->node_link->bandwidth_gbs, r->node_link->info.id);
    }
    t_link += t_nodes;
    e->interconnect_ms_per_token = t_link * 1e3;

    double host_bw = r->host ? r->host->bandwidth_gbs * 1e9 * be->cpu_bw_efficiency : 0.0;
    /* all devices of a machine read per step: n x bw with tensor split, the
     * layer-split harmonic sum otherwise (machines take turns: no gain) */
    double gpu_bw_total = tensor ? bw * gpus : bw_layer;
    double flops_total = !flops_known ? 0.0 : tensor ? grp[0].flops * gpus : 1.0 / inv_flops;

    /* bytes read from GPU memory and from RAM per step, for the chosen placement */
    double gpu_read = step_weights;
    double cpu_read = 0.0;
    double cpu_kv_share = 0.0; /* share of KV read from RAM */
    e->gpu_layers = m->layers;
    if (e->verdict == FC_VERDICT_OFFLOAD) {
        double over = need - cap;
        /* whole layers to RAM (llama.cpp -ngl) */
        double kv_layer = (e->kv_cache_bytes + e->state_bytes) / L;
        double per_layer = lay.layer_weights + kv_layer;
        /* compared as doubles: the quotient can exceed an int (fuzz_gguf) */
        double need_layers = per_layer > 0 ? ceil(over / per_layer) : m->layers;
        int cpu_layers = need_layers < m->layers ? (int)need_layers : m->layers;
        double cpu_l = cpu_layers * lay.layer_active;
        double t_layers = (gpu_read - cpu_l) / gpu_bw_total +
                          (host_bw > 0 ? cpu_l / host_bw : 0) + t_fixed + t_link;
        e->decode_tps_layer_offload = t_layers > 0 ? B / t_layers : 0;
        double best_t = t_layers;
        e->offload_mode = FC_OFFLOAD_LAYERS;
        cpu_read = cpu_l;
        cpu_kv_share = (double)cpu_layers / L;
        e->gpu_layers = m->layers - cpu_layers;
        /* MoE: routed experts of some layers to RAM (llama.cpp --n-cpu-moe) */
        if (lay.moe_layers > 0 && lay.expert_layer > 0) {
            double need_moe = ceil(over / lay.expert_layer);
            if (need_moe <= lay.moe_layers) {
                int moe_cpu = (int)need_moe;
                double cpu_x = moe_cpu * lay.expert_layer_active;
                double t_x = (gpu_read - cpu_x) / gpu_bw_total +
                             (host_bw > 0 ? cpu_x / host_bw : 0) + t_fixed + t_link;
                e->decode_tps_expert_offload = t_x > 0 ? B / t_x : 0;
                if (t_x < best_t) {
                    e->offload_mode = FC_OFFLOAD_EXPERTS;
                    cpu_read = cpu_x;
                    cpu_kv_share = 0;
                    e->gpu_layers = m->layers;
                    e->cpu_moe_layers = moe_cpu;
                }
            }
        }
        e->offloaded_bytes = e->offload_mode == FC_OFFLOAD_EXPERTS
                                 ? e->cpu_moe_layers * lay.expert_layer
                                 : (m->layers - e->gpu_layers) * lay.layer_weights;
        term(e, "offloaded to RAM", e->offloaded_bytes / 1e9, "GB", "%s offload, host %s at %.4g GB/s x %.2g",
             fc_offload_name(e->offload_mode), r->host ? r->host->info.id : "-",
             r->host ? r->host->bandwidth_gbs : 0.0, be->cpu_bw_efficiency);
    }
    gpu_read -= cpu_read;

    /* Compute floor of decode: a quantized weight is unpacked before it is
     * multiplied, at dequant_ops_per_weight operations (counted at the
     * device's FP16 rate; the fit sets it, kernel efficiency included).
     * Streaming overlaps the arithmetic, so the weight pass takes the longer
     * of the two. Where memory is fast and the ALUs slow -- Pascal cards
     * whose FP16 rate is low, Apple's larger chips on Q4 -- the floor shows.
     * Float weights (2 bytes for 2 FLOPs) never reach it. A weight is
     * unpacked once per step, whatever the number of users. */
    double t_dequant = 0.0;
    bool quantized = !(q->family && strcmp(q->family, "float") == 0);
    if (quantized && be->dequant_ops_per_weight > 0 && flops_total > 0) {
        double weights_read = step_weights * 8.0 / (bpw > 0 ? bpw : 16.0);
        t_dequant = weights_read * be->dequant_ops_per_weight / flops_total;
        term(e, "decode unpack floor", t_dequant * 1e3, "ms",
             "%.4g B weights x %.3g ops / %.4g TFLOPS (weight pass takes the longer of this "
             "and the memory time)",
             weights_read / 1e9, be->dequant_ops_per_weight, flops_total / 1e12);
    }
    /* The batch's arithmetic: 2 FLOPs per active weight per user's token, at
     * the share of FP16 peak that large matrix products reach (the prefill
     * efficiency). Negligible for one user; it caps the batch. */
    double t_compute = 0.0;
    if (B > 1 && flops_total > 0 && be->prefill_efficiency > 0) {
        t_compute = 2.0 * m->active_params_b * 1e9 * B / (flops_total * be->prefill_efficiency);
        term(e, "batch arithmetic per step", t_compute * 1e3, "ms",
             "2 x %.4g B active params x %d users / (%.4g TFLOPS x %.3g)", m->active_params_b,
             (int)B, flops_total / 1e12, be->prefill_efficiency);
    }

    /* time per step at position p: fixed + weights + KV so far (+ state),
     * for every user, starting after depth + prompt tokens in each cache */
    double D = (double)r->depth;
    double P = D + (double)r->prompt, N = (double)(r->gen > 0 ? r->gen : 1);
    double w = m->swa_window > 0 ? m->swa_window : 0;
    double kv_sum = B * (kv_read_prefix(kv_g, kv_l, w, P + N) - kv_read_prefix(kv_g, kv_l, w, P));
    double t_mem = gpu_read / gpu_bw_total;
    double t_weights = fmax(t_mem, fmax(t_dequant, t_compute));
    e->decode_compute_bound = t_compute > t_mem && t_compute >= t_dequant;
    t_weights += host_bw > 0 ? cpu_read / host_bw : 0.0;
    double t_state = e->state_bytes / gpu_bw_total;
    double kv_gpu_bw = gpu_bw_total, kv_cpu_bw = host_bw > 0 ? host_bw : gpu_bw_total;
    double t_kv_sum = kv_sum * ((1 - cpu_kv_share) / kv_gpu_bw + cpu_kv_share / kv_cpu_bw);
    double t_total = N * (t_fixed + t_link + t_weights + t_state) + t_kv_sum;
    e->decode_tokens_per_s = t_total > 0 ? N / t_total : 0.0;
    e->decode_tokens_per_s_total = B * e->decode_tokens_per_s;
    double kv_at_p = B * fc_kv_cache_bytes(m, (long)P, r->kv_type);
    double t_start = t_fixed + t_link + t_weights + t_state +
                     kv_at_p * ((1 - cpu_kv_share) / kv_gpu_bw + cpu_kv_share / kv_cpu_bw);
    e->decode_tokens_per_s_start = t_start > 0 ? 1.0 / t_start : 0.0;
    term(e, "decode", e->decode_tokens_per_s, "tok/s",
         "%.0f tokens from position %.0f: 1 / (fixed + link + weights/bw + KV so far/bw), averaged",
         N, P);
    if (B > 1)
        term(e, "decode, all users", e->decode_tokens_per_s_total, "tok/s",
             "%d users x %.4g tok/s each (continuous batching: one step serves every user)",
             (int)B, e->decode_tokens_per_s);

    /* ---- prefill (one request's prompt) ---- */
    if (r->prompt > 0) {
        P = (double)r->prompt; /* tokens processed; D of them already cached */
        double head_params = m->vocab_size * (double)m->hidden_size;
        double body = m->active_params_b * 1e9 - head_params;
        if (body < 0)
            body = 0;
        /* attention: QK^T and AV are 2 x 2 x heads x head_dim FLOPs per key */
        double qk_dim = m->mla_kv_lora_rank > 0
                            ? (m->mla_qk_nope_head_dim + m->mla_qk_rope_head_dim + m->mla_v_head_dim) / 2.0
                            : m->head_dim;
        int attn_layers = m->hybrid_attention_layers > 0 ? m->hybrid_attention_layers : m->layers;
        double per_key = 4.0 * m->heads * qk_dim;
        /* causal: prompt token i (1-based) sees D + i keys */
        double keys_global = P * D + P * (P + 1) / 2.0;
        double keys_local = 0.0;
        int global_layers = attn_layers, local_layers = 0;
        if (m->swa_window > 0) {
            global_layers = m->swa_global_layers;
            local_layers = m->swa_local_layers;
            double wv = m->swa_window;
            keys_local = swa_keys(D + P, wv) - swa_keys(D, wv);
        }
        double flops = 2.0 * body * P + 2.0 * head_params +
                       per_key * (global_layers * keys_global + local_layers * keys_local);
        double tflops = flops_total * be->prefill_efficiency;
        double t_compute_pf = tflops > 0 ? flops / tflops : 0.0;
        /* each micro-batch streams every resident weight once (all experts) */
        double ub = ceil(P / r->ubatch);
        double t_read = ub * (lay.weights_gpu - e->offloaded_bytes) / gpu_bw_total;
        /* layers kept in RAM are copied to the GPU for each micro-batch */
        double t_xfer = e->offloaded_bytes > 0 ? ub * e->offloaded_bytes / (pcie_gbs(hw) * 1e9 * 0.8)
                                               : 0.0;
        double t_ar = 0.0;
        double pf_act = P * 2.0 * m->hidden_size; /* the prompt's activations */
        if (tensor && r->link && link_bw > 0)
            t_ar = L * 2.0 * (2.0 * (gpus - 1) * link_lat * ub +
                              2.0 * (gpus - 1) / gpus * pf_act / link_bw);
        else if (per_node > 1 && r->link && link_bw > 0)
            t_ar = (per_node - 1) * (link_lat * ub + pf_act / link_bw);
        if (nodes > 1 && node_bw > 0)
            t_ar += (nodes - 1) * (node_lat * ub + pf_act / node_bw);
        double t_pf = fmax(t_compute_pf, t_read) + t_xfer + t_ar + ub * t_fixed;
        e->prefill_tokens_per_s = t_pf > 0 ? P / t_pf : 0.0;
        e->time_to_first_token_s = t_pf;
        term(e, "prefill FLOPs", flops / 1e12, "TFLOP",
             "2 x %.4g B body params x %.0f tokens + attention over %.0f keys", body / 1e9, P,
             keys_global);
        term(e, "prefill", e->prefill_tokens_per_s, "tok/s",
             "%.0f tokens / max(FLOPs / (%.4g TFLOPS x %.3g), weights read per %d-token ubatch)",
             P, flops_total / 1e12, be->prefill_efficiency, r->ubatch);
    }

    /* never let a non-finite number out */
    double *nums[] = { &e->weights_bytes, &e->kv_cache_bytes, &e->overhead_bytes,
                       &e->total_bytes, &e->decode_tokens_per_s, &e->prefill_tokens_per_s,
                       &e->time_to_first_token_s, &e->decode_tokens_per_s_start,
                       &e->decode_tps_layer_offload, &e->decode_tps_expert_offload,
                       &e->gpu_needed_bytes, &e->offloaded_bytes, &e->kv_bytes_per_token,
                       &e->decode_tokens_per_s_total, &e->kv_cache_bytes_per_user,
                       &e->effective_bandwidth_gbs, &e->interconnect_ms_per_token };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (!isfinite(*nums[i]) || *nums[i] < 0)
            *nums[i] = 0.0;
    return FC_OK;
}

const fc_link *fc_default_link(const fc_catalog *cat, const fc_hardware *hw)
{
    const fc_link *l = NULL;
    if (hw->link)
        l = fc_find_link(cat, hw->link, NULL);
    if (!l) {
        char id[16];
        snprintf(id, sizeof id, "pcie%d", hw->pcie_gen > 0 ? hw->pcie_gen : 4);
        l = fc_find_link(cat, id, NULL);
    }
    if (!l)
        l = fc_find_link(cat, "pcie4", NULL);
    return l;
}

/* Whether the auto search may try q: its format is the one the backend runs. */
static bool quant_allowed(const fc_request *req, const fc_quant *q)
{
    return !req->backend || !req->backend->quant_format ||
           strcmp(q->format, req->backend->quant_format) == 0;
}

/*
 * Walk the ladder from the highest precision down; the first quant that
 * fits wins. A model's quant list gives the order (a quant's rank is its
 * first place in the list); else the quants' ladder ranks do, in the order
 * the catalog keeps (ties to the earlier entry; once a quant of a rank did
 * not fit, the others of that rank are skipped).
 */
const fc_quant *fc_best_quant(const fc_catalog *cat, const fc_request *req, fc_estimate *out)
{
    fc_estimate tmp;
    const fc_model *m = req->model;
    bool listed = m && m->quants.count > 0;
    size_t n = listed ? m->quants.count : fc__catalog_ladder_count(cat);
    int tried = 0; /* ladder rank that did not fit */
    for (size_t k = 0; k < n; k++) {
        const fc_quant *q;
        if (listed) {
            size_t at = fc__catalog_index(cat, FC_KIND_QUANT, m->quants.items[k]);
            if (at == (size_t)-1)
                continue;
            q = fc_catalog_quant(cat, at);
        } else {
            q = fc__catalog_ladder_quant(cat, k);
            if (q->ladder == tried)
                continue;
        }
        if (!quant_allowed(req, q))
            continue;
        if (listed) {
            bool seen = false; /* listed twice: tried at its first place */
            for (size_t j = 0; j < k && !seen; j++)
                seen = strcmp(m->quants.items[j], m->quants.items[k]) == 0;
            if (seen)
                continue;
        }
        fc_request r = *req;
        r.quant = q;
        if (fc_estimate_run(&r, &tmp, NULL) == FC_OK && tmp.fits) {
            if (out) {
                /* all but the unused trace lines (most of the 9 KB): a
                 * caller's array of estimates stays mostly untouched */
                size_t head = offsetof(fc_estimate, terms) +
                              (size_t)tmp.n_terms * sizeof tmp.terms[0];
                size_t tail = offsetof(fc_estimate, terms) + sizeof tmp.terms;
                memcpy(out, &tmp, head);
                memcpy((char *)out + tail, (const char *)&tmp + tail, sizeof tmp - tail);
            }
            return q;
        }
        tried = q->ladder;
    }
    return NULL;
}
