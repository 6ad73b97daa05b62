/* catalog_fields.h - every field of the catalog entry structs, for
 * tools/embed.c (which writes entries out as C initialisers) and
 * tools/embedcheck.c (which compares the embedded catalog with the data/
 * JSON files parsed at run time).
 *
 * A field added to a struct in include/fitcheck/fitcheck.h must be listed
 * here too. If it is not, embed.c stops the build as soon as a data file
 * gives it a value ("... bytes at offset N are set by the loader but not
 * written out"), so the embedded catalog never silently loses a field. */
#ifndef FC_CATALOG_FIELDS_H
#define FC_CATALOG_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "fitcheck/fitcheck.h"

typedef enum {
    FT_STR,  /* const char *, NULL or a string */
    FT_LIST, /* fc_strlist */
    FT_DBL,  /* double */
    FT_INT,  /* int */
    FT_LONG, /* long */
    FT_BOOL, /* bool */
    FT_ENUM  /* an enum type (fc_arch): written as its integer value */
} field_type;

typedef struct field_desc {
    const char *name; /* designator after the '.', e.g. "info.id" */
    size_t offset, size;
    field_type type;
} field_desc;

/* the type of a field, from its C type (an enum falls to the default) */
#define FT_OF(x)                                                                        \
    _Generic((x), const char *: FT_STR, fc_strlist: FT_LIST, double: FT_DBL, int: FT_INT, \
             long: FT_LONG, bool: FT_BOOL, default: FT_ENUM)
#define FIELD(T, f) { #f, offsetof(T, f), sizeof(((T *)0)->f), FT_OF(((T *)0)->f) }

#define INFO_FIELDS(T)                                                                  \
    FIELD(T, info.id), FIELD(T, info.name), FIELD(T, info.aliases), FIELD(T, info.source), \
        FIELD(T, info.notes), FIELD(T, info.ref), FIELD(T, info.origin),                \
        FIELD(T, info.unverified)

static const field_desc hardware_fields[] = {
    INFO_FIELDS(fc_hardware),
    FIELD(fc_hardware, vendor), FIELD(fc_hardware, category), FIELD(fc_hardware, memory_type),
    FIELD(fc_hardware, backend), FIELD(fc_hardware, backends), FIELD(fc_hardware, link),
    FIELD(fc_hardware, price_kind), FIELD(fc_hardware, memory_gb),
    FIELD(fc_hardware, bandwidth_gbs), FIELD(fc_hardware, fp16_tflops),
    FIELD(fc_hardware, gpu_usable_default_gb), FIELD(fc_hardware, power_w),
    FIELD(fc_hardware, idle_w), FIELD(fc_hardware, price_usd),
    FIELD(fc_hardware, compute_units), FIELD(fc_hardware, release_year),
    FIELD(fc_hardware, pcie_gen), FIELD(fc_hardware, pcie_lanes),
    FIELD(fc_hardware, unified_memory),
};

static const field_desc host_fields[] = {
    INFO_FIELDS(fc_host),
    FIELD(fc_host, bandwidth_gbs), FIELD(fc_host, memory_gb), FIELD(fc_host, channels),
};

static const field_desc link_fields[] = {
    INFO_FIELDS(fc_link),
    FIELD(fc_link, bandwidth_gbs), FIELD(fc_link, latency_us),
};

static const field_desc model_fields[] = {
    INFO_FIELDS(fc_model),
    FIELD(fc_model, family), FIELD(fc_model, hf_repo), FIELD(fc_model, same_as),
    FIELD(fc_model, native_dtype), FIELD(fc_model, release_date), FIELD(fc_model, license),
    FIELD(fc_model, params_note), FIELD(fc_model, quants), FIELD(fc_model, arch),
    FIELD(fc_model, params_b), FIELD(fc_model, params_stated_b),
    FIELD(fc_model, active_params_b), FIELD(fc_model, layers), FIELD(fc_model, hidden_size),
    FIELD(fc_model, heads), FIELD(fc_model, kv_heads), FIELD(fc_model, head_dim),
    FIELD(fc_model, intermediate_size), FIELD(fc_model, vocab_size),
    FIELD(fc_model, context), FIELD(fc_model, max_position_embeddings),
    FIELD(fc_model, tie_embeddings), FIELD(fc_model, attention_bias),
    FIELD(fc_model, swa_window), FIELD(fc_model, swa_local_layers),
    FIELD(fc_model, swa_global_layers), FIELD(fc_model, swa_global_kv_heads),
    FIELD(fc_model, swa_global_head_dim), FIELD(fc_model, mla_kv_lora_rank),
    FIELD(fc_model, mla_qk_rope_head_dim), FIELD(fc_model, mla_qk_nope_head_dim),
    FIELD(fc_model, mla_v_head_dim), FIELD(fc_model, mla_q_lora_rank),
    FIELD(fc_model, moe_experts), FIELD(fc_model, moe_experts_per_token),
    FIELD(fc_model, moe_shared_experts), FIELD(fc_model, moe_expert_intermediate),
    FIELD(fc_model, moe_shared_intermediate), FIELD(fc_model, moe_dense_layers),
    FIELD(fc_model, hybrid_attention_layers), FIELD(fc_model, hybrid_state_bytes),
    FIELD(fc_model, kv_ref_global), FIELD(fc_model, kv_ref_local),
};

static const field_desc quant_fields[] = {
    INFO_FIELDS(fc_quant),
    FIELD(fc_quant, family), FIELD(fc_quant, format), FIELD(fc_quant, bpw),
    FIELD(fc_quant, nominal_bpw), FIELD(fc_quant, embed_bpw), FIELD(fc_quant, ladder),
};

static const field_desc backend_fields[] = {
    INFO_FIELDS(fc_backend),
    FIELD(fc_backend, runtime), FIELD(fc_backend, quant_format),
    FIELD(fc_backend, bw_efficiency), FIELD(fc_backend, hbm_efficiency_scale),
    FIELD(fc_backend, token_overhead_us), FIELD(fc_backend, layer_overhead_us),
    FIELD(fc_backend, prefill_efficiency), FIELD(fc_backend, context_mib_base),
    FIELD(fc_backend, context_mib_per_cu), FIELD(fc_backend, cpu_bw_efficiency),
    FIELD(fc_backend, dequant_ops_per_weight), FIELD(fc_backend, cu_bandwidth_gbs),
};

typedef struct kind_desc {
    const char *type;  /* C type name: "fc_hardware" */
    const char *var;   /* name stem in the generated file: "hardware" */
    const char *kind;  /* enum constant: "FC_KIND_HARDWARE" */
    size_t size;
    const field_desc *fields;
    size_t n_fields;
} kind_desc;

#define KIND(T, var, K, fields) { #T, var, #K, sizeof(T), fields, sizeof fields / sizeof fields[0] }

/* indexed by fc_kind */
static const kind_desc kind_descs[FC_KIND_COUNT] = {
    KIND(fc_hardware, "hardware", FC_KIND_HARDWARE, hardware_fields),
    KIND(fc_host, "host", FC_KIND_HOST, host_fields),
    KIND(fc_link, "link", FC_KIND_LINK, link_fields),
    KIND(fc_model, "model", FC_KIND_MODEL, model_fields),
    KIND(fc_quant, "quant", FC_KIND_QUANT, quant_fields),
    KIND(fc_backend, "backend", FC_KIND_BACKEND, backend_fields),
};

/* The expected size of each field type (FT_ENUM: an int-sized enum). */
static inline size_t field_type_size(field_type t)
{
    switch (t) {
    case FT_STR: return sizeof(const char *);
    case FT_LIST: return sizeof(fc_strlist);
    case FT_DBL: return sizeof(double);
    case FT_INT: return sizeof(int);
    case FT_LONG: return sizeof(long);
    case FT_BOOL: return sizeof(bool);
    case FT_ENUM: return sizeof(int);
    }
    return 0;
}

#endif
