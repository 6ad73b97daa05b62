/* hf_config.c - a model from a Hugging Face config.json (no weights read).
 *
 * The common transformers configs name the same figures differently; each
 * field is looked up under its known names, in order. Multimodal wrappers
 * (Gemma 3, Llama 4, Mistral 3) keep the decoder's figures in text_config.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

typedef struct hctx {
    const cJSON *cfg;  /* the decoder's config (text_config or the root) */
    const cJSON *root;
    const char *origin;
    fc_error *err;
    fc_status st;
} hctx;

/* The first of `names` present with a non-null value, in cfg then root. */
static const cJSON *lookup(const hctx *h, const char *const *names)
{
    for (const char *const *n = names; *n; n++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(h->cfg, *n);
        if (!v && h->root != h->cfg)
            v = cJSON_GetObjectItemCaseSensitive(h->root, *n);
        if (v && !cJSON_IsNull(v))
            return v;
    }
    return NULL;
}

/* An integer field: 0 when absent; false (with an error) when malformed. */
static bool get_int(hctx *h, const char *const *names, long max, long *out)
{
    const cJSON *v = lookup(h, names);
    *out = 0;
    if (!v)
        return true;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > (double)max ||
        v->valuedouble != floor(v->valuedouble)) {
        h->st = fc__fail(h->err, FC_ERR_FIELD,
                         "%s: field '%s' must be a whole number between 0 and %ld", h->origin,
                         v->string ? v->string : names[0], max);
        return false;
    }
    *out = (long)v->valuedouble;
    return true;
}

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define MAX_DIM 10000000L
#define MAX_CTX 100000000L

static int i32(long v) { return (int)v; }

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A key that appears twice in obj (transformers would take the last copy,
 * cJSON the first), or NULL. Sorted, so that 50,000 keys stay fast. */
static const char *repeated_key(const cJSON *obj, bool *oom)
{
    size_t n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
        n++;
    if (n < 2)
        return NULL;
    const char **keys = malloc(n * sizeof *keys);
    if (!keys) {
        *oom = true;
        return NULL;
    }
    n = 0;
    cJSON_ArrayForEach(it, obj)
        keys[n++] = it->string ? it->string : "";
    qsort(keys, n, sizeof *keys, cmp_str);
    const char *dup = NULL;
    for (size_t i = 1; i < n && !dup; i++)
        if (strcmp(keys[i - 1], keys[i]) == 0)
            dup = keys[i];
    free(keys);
    return dup;
}

/* A string field with a control character (it would reach the terminal). */
static bool has_control(const cJSON *v)
{
    if (!cJSON_IsString(v))
        return false;
    for (const unsigned char *p = (const unsigned char *)v->valuestring; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

static bool type_is(const char *t, const char *prefix)
{
    return t && strncmp(t, prefix, strlen(prefix)) == 0;
}

fc_status fc_model_from_hf_config(fc_catalog *cat, const char *json, size_t len,
                                  const char *origin, fc_model *m, fc_error *err)
{
    memset(m, 0, sizeof *m);
    if (!origin)
        origin = "config.json";
    if (!json || len == 0)
        return fc__fail(err, FC_ERR_PARSE, "%s: empty file (expected a config.json object)",
                        origin);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!root)
        return fc__fail(err, FC_ERR_PARSE, "%s: malformed JSON", origin);
    fc_status st = FC_OK;
    for (const char *c = end; c && c < json + len; c++)
        if (!isspace((unsigned char)*c)) {
            st = fc__fail(err, FC_ERR_PARSE, "%s: malformed JSON (text after the document)",
                          origin);
            goto out;
        }
    if (!cJSON_IsObject(root)) {
        st = fc__fail(err, FC_ERR_PARSE, "%s: a config.json must be a JSON object", origin);
        goto out;
    }
    hctx h = { root, root, origin, err, FC_OK };
    const cJSON *tc = cJSON_GetObjectItemCaseSensitive(root, "text_config");
    if (cJSON_IsObject(tc))
        h.cfg = tc;
    bool oom = false;
    const char *dup = repeated_key(root, &oom);
    if (!dup && h.cfg != root)
        dup = repeated_key(h.cfg, &oom);
    if (dup || oom) {
        st = oom ? fc__fail(err, FC_ERR_NOMEM, "%s: out of memory", origin)
                 : fc__fail(err, FC_ERR_FIELD, "%s: field '%.100s' appears more than once",
                            origin, dup);
        goto out;
    }
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(h.cfg, "model_type");
    if (!cJSON_IsString(mt))
        mt = cJSON_GetObjectItemCaseSensitive(root, "model_type");
    const char *type = cJSON_IsString(mt) ? mt->valuestring : NULL;

    long layers, hidden, heads, kv_heads, head_dim, inter, vocab, ctx;
    if (!get_int(&h, NAMES("num_hidden_layers", "n_layer", "num_layers", "n_layers"), 10000,
                 &layers) ||
        !get_int(&h, NAMES("hidden_size", "n_embd", "d_model"), MAX_DIM, &hidden) ||
        !get_int(&h, NAMES("num_attention_heads", "n_head", "num_heads"), 100000, &heads) ||
        !get_int(&h, NAMES("num_key_value_heads", "num_kv_heads", "multi_query_group_num"),
                 100000, &kv_heads) ||
        !get_int(&h, NAMES("head_dim", "kv_channels"), 100000, &head_dim) ||
        !get_int(&h, NAMES("intermediate_size", "ffn_hidden_size", "n_inner", "ffn_dim"),
                 MAX_DIM, &inter) ||
        !get_int(&h, NAMES("vocab_size", "padded_vocab_size"), MAX_DIM, &vocab) ||
        !get_int(&h, NAMES("max_position_embeddings", "n_positions", "seq_length",
                           "max_sequence_length"),
                 MAX_CTX, &ctx)) {
        st = h.st;
        goto out;
    }
    const char *missing = !layers ? "num_hidden_layers"
                          : !hidden ? "hidden_size"
                          : !heads ? "num_attention_heads"
                          : !vocab ? "vocab_size"
                                   : NULL;
    if (missing) {
        st = fc__fail(err, FC_ERR_FIELD,
                      "%s: field '%s' is required (is this a Hugging Face config.json?)", origin,
                      missing);
        goto out;
    }
    const cJSON *mq = lookup(&h, NAMES("multi_query"));
    if (!kv_heads)
        kv_heads = cJSON_IsTrue(mq) ? 1 : heads;
    if (kv_heads > heads) {
        st = fc__fail(err, FC_ERR_RANGE,
                      "%s: field 'num_key_value_heads' (%ld) must not exceed "
                      "num_attention_heads (%ld)",
                      origin, kv_heads, heads);
        goto out;
    }
    if (!head_dim)
        head_dim = hidden / heads > 0 ? hidden / heads : 1;
    if (!inter)
        inter = 4 * hidden;
    m->layers = i32(layers);
    m->hidden_size = i32(hidden);
    m->heads = i32(heads);
    m->kv_heads = i32(kv_heads);
    m->head_dim = i32(head_dim);
    m->intermediate_size = i32(inter);
    m->vocab_size = i32(vocab);
    m->context = ctx > 0 ? ctx : 4096;
    m->max_position_embeddings = ctx;

    const cJSON *tie = lookup(&h, NAMES("tie_word_embeddings"));
    m->tie_embeddings = tie ? cJSON_IsTrue(tie) : type_is(type, "gemma");
    const cJSON *bias = lookup(&h, NAMES("attention_bias", "qkv_bias", "bias"));
    m->attention_bias = bias ? cJSON_IsTrue(bias)
                             : (type && (strcmp(type, "qwen2") == 0 ||
                                         strcmp(type, "qwen2_moe") == 0));

    /* mixture of experts */
    long experts, per_tok, exp_inter, shared, shared_inter, dense;
    if (!get_int(&h, NAMES("num_local_experts", "num_experts", "n_routed_experts",
                           "moe_num_experts"),
                 100000, &experts) ||
        !get_int(&h, NAMES("num_experts_per_tok", "experts_per_token", "moe_top_k",
                           "num_selected_experts"),
                 100000, &per_tok) ||
        !get_int(&h, NAMES("moe_intermediate_size", "expert_intermediate_size"), MAX_DIM,
                 &exp_inter) ||
        !get_int(&h, NAMES("n_shared_experts", "num_shared_experts"), 100000, &shared) ||
        !get_int(&h, NAMES("shared_expert_intermediate_size"), MAX_DIM, &shared_inter) ||
        !get_int(&h, NAMES("first_k_dense_replace"), 10000, &dense)) {
        st = h.st;
        goto out;
    }
    if (experts > 1) {
        m->arch = FC_ARCH_MOE;
        m->moe_experts = i32(experts);
        m->moe_experts_per_token = i32(per_tok > 0 && per_tok <= experts ? per_tok : 1);
        m->moe_expert_intermediate = i32(exp_inter ? exp_inter : inter);
        if (shared_inter > 0 && !shared)
            shared = 1; /* Qwen2-MoE: one shared expert of its own size */
        m->moe_shared_experts = i32(shared);
        m->moe_shared_intermediate = i32(shared_inter ? shared_inter
                                                      : m->moe_expert_intermediate);
        m->moe_dense_layers = i32(dense < layers ? dense : layers);
    }

    /* multi-head latent attention (DeepSeek-V2/V3, Kimi K2) */
    long kv_lora, q_lora, rope, nope, vdim;
    if (!get_int(&h, NAMES("kv_lora_rank"), MAX_DIM, &kv_lora) ||
        !get_int(&h, NAMES("q_lora_rank"), MAX_DIM, &q_lora) ||
        !get_int(&h, NAMES("qk_rope_head_dim"), 100000, &rope) ||
        !get_int(&h, NAMES("qk_nope_head_dim"), 100000, &nope) ||
        !get_int(&h, NAMES("v_head_dim"), 100000, &vdim)) {
        st = h.st;
        goto out;
    }
    if (kv_lora > 0) {
        m->mla_kv_lora_rank = i32(kv_lora);
        m->mla_q_lora_rank = i32(q_lora);
        m->mla_qk_rope_head_dim = i32(rope ? rope : 64);
        m->mla_qk_nope_head_dim = i32(nope ? nope : 128);
        m->mla_v_head_dim = i32(vdim ? vdim : m->mla_qk_nope_head_dim);
        m->head_dim = m->mla_qk_nope_head_dim + m->mla_qk_rope_head_dim;
    }

    /* which layers attend to a window, which to everything, which have no
     * attention at all (linear attention / SSM layers of hybrids) */
    long window, pattern;
    if (!get_int(&h, NAMES("sliding_window"), MAX_CTX, &window) ||
        !get_int(&h, NAMES("sliding_window_pattern"), 10000, &pattern)) {
        st = h.st;
        goto out;
    }
    const cJSON *use_swa = lookup(&h, NAMES("use_sliding_window"));
    const cJSON *lt = lookup(&h, NAMES("layer_types"));
    int n_local = 0, n_global = 0, n_other = 0;
    if (cJSON_IsArray(lt)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, lt) {
            const char *s = cJSON_IsString(it) ? it->valuestring : "";
            if (strcmp(s, "sliding_attention") == 0)
                n_local++;
            else if (strcmp(s, "full_attention") == 0 || strcmp(s, "attention") == 0)
                n_global++;
            else
                n_other++;
        }
    }
    if (n_other > 0 && n_local + n_global + n_other == m->layers && n_local + n_global > 0) {
        m->arch = FC_ARCH_HYBRID;
        m->hybrid_attention_layers = n_local + n_global;
    }
    bool swa_on = window > 0 && !(use_swa && !cJSON_IsTrue(use_swa));
    if (swa_on) {
        if (n_local + n_global > 0) {
            /* layer_types says it exactly */
        } else if (type_is(type, "gemma2")) {
            n_local = (m->layers + 1) / 2;
        } else if (type_is(type, "gemma3")) {
            int p = pattern > 0 ? (int)pattern : 6;
            n_global = m->layers / p;
            n_local = m->layers - n_global;
        } else {
            n_local = m->layers; /* Mistral 7B v0.1: every layer */
        }
        if (n_global == 0 && n_local < m->layers && !m->hybrid_attention_layers)
            n_global = m->layers - n_local;
        if (n_local > 0) {
            m->swa_window = i32(window);
            m->swa_local_layers = n_local;
            m->swa_global_layers = n_global;
        }
    }

    /* parameters: the file's own count when it states one */
    fc_param_count pc = fc_model_count_params(m);
    const cJSON *np = lookup(&h, NAMES("num_parameters", "n_params"));
    if (np && !(cJSON_IsNumber(np) && np->valuedouble > 0)) {
        st = fc__fail(err, FC_ERR_FIELD, "%s: field '%s' must be a positive number", origin,
                      np->string ? np->string : "num_parameters");
        goto out;
    }
    m->params_b = (cJSON_IsNumber(np) && np->valuedouble > 0 ? np->valuedouble : pc.total) / 1e9;
    if (!(m->params_b > 0) || m->params_b > 1e5) {
        st = fc__fail(err, FC_ERR_RANGE, "%s: implausible parameter count %.4g B", origin,
                      m->params_b);
        goto out;
    }
    double share = pc.total > 0 ? pc.active / pc.total : 1.0;
    if (!(share > 0) || share > 1)
        share = 1.0;
    m->active_params_b = m->params_b * share;

    /* names and provenance */
    const cJSON *dt = lookup(&h, NAMES("torch_dtype", "dtype"));
    const cJSON *qc = cJSON_GetObjectItemCaseSensitive(root, "quantization_config");
    const cJSON *qm = cJSON_IsObject(qc) ? cJSON_GetObjectItemCaseSensitive(qc, "quant_method")
                                         : NULL;
    const char *dtype = cJSON_IsString(qm) ? qm->valuestring
                        : cJSON_IsString(dt) ? dt->valuestring
                                             : NULL;
    const cJSON *nop = cJSON_GetObjectItemCaseSensitive(root, "_name_or_path");
    const cJSON *texts[] = { mt, nop, dt, qm };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (has_control(texts[i])) {
            st = fc__fail(err, FC_ERR_FIELD, "%s: field '%s' must not contain control characters",
                          origin, texts[i]->string ? texts[i]->string : "?");
            goto out;
        }
    const char *repo = cJSON_IsString(nop) && nop->valuestring[0] ? nop->valuestring : NULL;
    /* display name: the repo, else the directory holding config.json */
    char name[256];
    const char *slash = strrchr(origin, '/');
    const char *base = slash ? slash + 1 : origin;
    if (repo) {
        snprintf(name, sizeof name, "%s", repo);
    } else if (strcmp(base, "config.json") == 0 && slash && slash > origin) {
        const char *d = slash;
        while (d > origin && d[-1] != '/')
            d--;
        snprintf(name, sizeof name, "%.*s", (int)(slash - d), d);
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            snprintf(name, sizeof name, "%s", type ? type : base);
    } else {
        snprintf(name, sizeof name, "%s", base);
    }
    m->info.id = fc__catalog_strdup(cat, origin);
    m->info.name = fc__catalog_strdup(cat, name);
    m->info.source = m->info.id;
    m->info.origin = m->info.id;
    m->family = type ? fc__catalog_strdup(cat, type) : NULL;
    m->hf_repo = repo && strchr(repo, '/') ? fc__catalog_strdup(cat, repo) : NULL;
    m->native_dtype = dtype ? fc__catalog_strdup(cat, dtype) : NULL;
    if (!m->info.id || !m->info.name || (type && !m->family) || (dtype && !m->native_dtype) ||
        (m->hf_repo == NULL && repo && strchr(repo, '/')))
        st = fc__fail(err, FC_ERR_NOMEM, "%s: out of memory", origin);
out:
    cJSON_Delete(root);
    return st;
}
