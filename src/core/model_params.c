/* model_params.c - parameter counts derived from a model's architecture. */
#include "internal.h"

/*
 * Counts follow the Hugging Face module layout (see docs/model.md, "Parameter
 * counts"): embeddings vocab x hidden; lm_head the same unless tied; per layer
 * the attention projections, a gated 3-matrix FFN (or routed experts plus a
 * router and shared experts), two RMSNorm vectors; a final norm.
 */
static double attention_params(const fc_model *m)
{
    double h = m->hidden_size, heads = m->heads;
    if (m->mla_kv_lora_rank > 0) {
        /* DeepSeek-V2/V3 multi-head latent attention (config.json names) */
        double qk = m->mla_qk_nope_head_dim + m->mla_qk_rope_head_dim;
        double q = m->mla_q_lora_rank > 0
                       ? h * m->mla_q_lora_rank + m->mla_q_lora_rank +
                             (double)m->mla_q_lora_rank * heads * qk
                       : h * heads * qk;
        double kv_a = h * (m->mla_kv_lora_rank + m->mla_qk_rope_head_dim) + m->mla_kv_lora_rank;
        double kv_b = (double)m->mla_kv_lora_rank * heads *
                      (m->mla_qk_nope_head_dim + m->mla_v_head_dim);
        double o = heads * m->mla_v_head_dim * h;
        return q + kv_a + kv_b + o;
    }
    double hd = m->head_dim, kv = m->kv_heads;
    double p = h * heads * hd + 2.0 * h * kv * hd + heads * hd * h;
    if (m->attention_bias)
        p += heads * hd + 2.0 * kv * hd;
    return p;
}

fc_param_count fc_model_count_params(const fc_model *m)
{
    fc_param_count c = { 0, 0, 0, 0, 0, 0 };
    if (!m || m->layers <= 0 || m->hidden_size <= 0)
        return c;
    double h = m->hidden_size, layers = m->layers;
    double embed = (double)m->vocab_size * h;
    double head = m->tie_embeddings ? 0.0 : embed;
    double attn = attention_params(m) * layers;
    double norms = 2.0 * h * layers + h;
    double ffn = 0.0, expert = 0.0, expert_active = 0.0;
    if (m->moe_experts > 0) {
        double moe_layers = layers - m->moe_dense_layers;
        double per_expert = 3.0 * h * m->moe_expert_intermediate;
        double shared = m->moe_shared_experts * 3.0 * h * m->moe_shared_intermediate;
        expert = moe_layers * m->moe_experts * per_expert;
        expert_active = moe_layers * m->moe_experts_per_token * per_expert;
        ffn = m->moe_dense_layers * 3.0 * h * m->intermediate_size +
              moe_layers * (shared + h * m->moe_experts);
    } else {
        ffn = layers * 3.0 * h * m->intermediate_size;
    }
    c.embedding = embed;
    c.expert = expert;
    c.expert_active = expert_active;
    c.total = embed + head + attn + norms + ffn + expert;
    /* a tied table is read once per token as the output head */
    c.active = c.total - (m->tie_embeddings ? 0.0 : embed) - expert + expert_active;
    c.per_layer_dense = (attn + norms + ffn) / layers;
    return c;
}
