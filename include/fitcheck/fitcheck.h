/*
 * fitcheck.h - the public interface of libfitcheck: catalogs of hardware,
 * models and quantizations, and the estimator that says whether a model fits
 * on a machine and how fast it runs.
 *
 * Ownership: a catalog returned by fc_catalog_new() is owned by the caller and
 * released with fc_catalog_free(). Every pointer reached through a catalog
 * (entries, their strings) is borrowed and valid until the catalog is freed
 * or the entry is replaced by a later fc_catalog_add_json() with the same id.
 * Estimates are plain values owned by whoever declared them; the estimator
 * allocates nothing.
 *
 * Errors: fallible functions return an fc_status (FC_OK == 0) and, when given
 * an fc_error, fill it with a one-line message that names the file, the
 * entry and the field. The library never prints and never exits.
 *
 * Units: bytes for memory in estimates; GiB in catalogs for memory sizes
 * (a "24 GB" card holds 24 GiB); GB/s (1e9 bytes/s) for bandwidth; TFLOPS
 * (1e12) for compute; tokens and tokens per second for speed.
 */
#ifndef FITCHECK_H
#define FITCHECK_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FC_VERSION_MAJOR 0
#define FC_VERSION_MINOR 1
#define FC_VERSION_PATCH 0
#define FC_VERSION_STRING "0.1.0"
#define FC_SCHEMA_VERSION 1

const char *fc_version(void);

/* ---- status ------------------------------------------------------------ */

#define FC_STATUS_MAP(X)                                             \
    X(FC_OK, "ok")                                                   \
    X(FC_ERR_NOMEM, "out of memory")                                 \
    X(FC_ERR_IO, "cannot read file")                                 \
    X(FC_ERR_PARSE, "malformed JSON")                                \
    X(FC_ERR_FIELD, "invalid field")                                 \
    X(FC_ERR_DUPLICATE, "duplicate id")                              \
    X(FC_ERR_NOT_FOUND, "not found")                                 \
    X(FC_ERR_AMBIGUOUS, "ambiguous name")                            \
    X(FC_ERR_RANGE, "value out of range")                            \
    X(FC_ERR_REFERENCE, "unknown reference")

typedef enum {
#define FC_STATUS_ENUM(code, text) code,
    FC_STATUS_MAP(FC_STATUS_ENUM)
#undef FC_STATUS_ENUM
} fc_status;

const char *fc_status_str(fc_status status);

#define FC_ERROR_MSG_MAX 512

typedef struct fc_error {
    fc_status code;
    char msg[FC_ERROR_MSG_MAX]; /* one line, no trailing newline */
} fc_error;

/* ---- catalog entries ----------------------------------------------------- */

typedef struct fc_strlist {
    const char **items;
    size_t count;
} fc_strlist;

/* Fields common to every catalog entry. */
typedef struct fc_entry_info {
    const char *id;
    const char *name;
    fc_strlist aliases;
    const char *source;
    const char *notes;
    const char *ref;       /* row id in the reference sheets, or NULL */
    const char *origin;    /* file the entry was loaded from */
    fc_strlist unverified; /* field names whose values are unverified */
} fc_entry_info;

typedef struct fc_backend {
    fc_entry_info info;
    const char *runtime;      /* "llama.cpp", "mlx", ... */
    const char *quant_format; /* quant format it runs: "gguf", "mlx" */
    /* Decode: time per token = token_overhead_us + layers * layer_overhead_us
     * + bytes read / (bandwidth * bw_efficiency * memory-class factor). */
    double bw_efficiency;        /* share of peak bandwidth reached (GDDR/LPDDR) */
    double hbm_efficiency_scale; /* multiplier on bw_efficiency for HBM memory */
    double token_overhead_us;    /* fixed cost per generated token */
    double layer_overhead_us;    /* fixed cost per layer per token */
    double prefill_efficiency;   /* share of dense FP16 TFLOPS reached in prefill */
    double context_mib_base;     /* driver/runtime context per device, MiB */
    double context_mib_per_cu;   /* plus this per compute unit (SM/CU/core) */
    double cpu_bw_efficiency;    /* share of host RAM bandwidth for offloaded layers */
    /* Decode compute floor: unpacking a quantized weight costs this many
     * operations at the device's FP16 rate; the weight pass takes the longer
     * of memory time and weights x ops / FP16 TFLOPS. 0 = no floor. */
    double dequant_ops_per_weight;
    /* Memory parallelism: one stream's matrix-vector kernels keep only so
     * many reads in flight per compute unit (Little's law), so a wide, fast
     * memory (HBM) is not filled by a few units. Time per byte is
     * 1/(bandwidth x bw_efficiency) + 1/(compute_units x cu_bandwidth_gbs).
     * 0 = no such limit. */
    double cu_bandwidth_gbs;
} fc_backend;

typedef struct fc_hardware {
    fc_entry_info info;
    const char *vendor;
    const char *category;
    const char *memory_type;
    const char *backend;   /* default backend id */
    fc_strlist backends;   /* other backends it runs */
    const char *link;      /* default multi-GPU link id, or NULL */
    const char *price_kind;
    double memory_gb;      /* GiB */
    double bandwidth_gbs;
    double fp16_tflops;
    double gpu_usable_default_gb; /* unified memory: default GPU limit (GiB), 0 = n/a */
    double power_w, idle_w, price_usd; /* 0 = unknown */
    int compute_units;     /* 0 = unknown */
    int release_year;
    int pcie_gen, pcie_lanes;
    bool unified_memory;
} fc_hardware;

typedef struct fc_host {
    fc_entry_info info;
    double bandwidth_gbs;
    double memory_gb;
    int channels;
} fc_host;

typedef struct fc_link {
    fc_entry_info info;
    double bandwidth_gbs; /* per direction */
    double latency_us;
} fc_link;

typedef enum { FC_ARCH_DENSE, FC_ARCH_MOE, FC_ARCH_HYBRID } fc_arch;

typedef struct fc_model {
    fc_entry_info info;
    const char *family;
    const char *hf_repo;
    const char *same_as;
    const char *native_dtype;
    const char *release_date;
    const char *license;
    const char *params_note;
    fc_strlist quants;      /* quant ids that exist for this model; empty = any */
    fc_arch arch;
    double params_b;        /* total weights, billions */
    double params_stated_b; /* headline figure, 0 = same as params_b */
    double active_params_b; /* weights read per token, billions (resolved) */
    int layers, hidden_size, heads, kv_heads, head_dim;
    int intermediate_size, vocab_size;
    long context, max_position_embeddings;
    bool tie_embeddings, attention_bias;
    /* sliding-window attention: 0 window = none */
    int swa_window, swa_local_layers, swa_global_layers;
    int swa_global_kv_heads, swa_global_head_dim; /* global layers' own geometry, 0 = same */
    /* multi-head latent attention: kv_lora_rank 0 = none */
    int mla_kv_lora_rank, mla_qk_rope_head_dim, mla_qk_nope_head_dim;
    int mla_v_head_dim, mla_q_lora_rank;
    /* mixture of experts: experts 0 = dense */
    int moe_experts, moe_experts_per_token, moe_shared_experts;
    int moe_expert_intermediate, moe_shared_intermediate, moe_dense_layers;
    /* hybrid: attention_layers 0 = every layer has attention */
    int hybrid_attention_layers;
    double hybrid_state_bytes;
    double kv_ref_global, kv_ref_local; /* reference KV bytes/token (bf16), 0 = none */
} fc_model;

typedef struct fc_quant {
    fc_entry_info info;
    const char *family;
    const char *format;
    double bpw;
    double nominal_bpw;
    double embed_bpw; /* bits of the embedding and output tables when they are kept
                         at higher precision (AWQ, GPTQ, FP8); 0 = bpw */
    int ladder; /* rank in the auto search, 0 = never chosen automatically */
} fc_quant;

typedef enum {
    FC_KIND_HARDWARE,
    FC_KIND_HOST,
    FC_KIND_LINK,
    FC_KIND_MODEL,
    FC_KIND_QUANT,
    FC_KIND_BACKEND,
    FC_KIND_COUNT
} fc_kind;

const char *fc_kind_name(fc_kind kind); /* "hardware", "model", ... */

/* ---- catalog ------------------------------------------------------------- */

typedef struct fc_catalog fc_catalog;

fc_catalog *fc_catalog_new(void);
void fc_catalog_free(fc_catalog *cat);

/*
 * Parse one JSON document (any of the sections hardware, hosts, links,
 * models, quants, backends) and add its entries; an entry whose id exists
 * replaces it. `origin` names the document in error messages. On error the
 * catalog is left exactly as it was before the call.
 */
fc_status fc_catalog_add_json(fc_catalog *cat, const char *json, size_t len,
                              const char *origin, fc_error *err);

/* Add the catalogs compiled into the library (data/ JSON files at build time). */
fc_status fc_catalog_add_embedded(fc_catalog *cat, fc_error *err);

/* Read a file and call fc_catalog_add_json() on it. */
fc_status fc_catalog_add_file(fc_catalog *cat, const char *path, fc_error *err);

/* Cross-entry checks after every document is in: references to unknown
 * backends and links, models' quant lists. */
fc_status fc_catalog_validate(const fc_catalog *cat, fc_error *err);

size_t fc_catalog_count(const fc_catalog *cat, fc_kind kind);
const fc_hardware *fc_catalog_hardware(const fc_catalog *cat, size_t i);
const fc_host *fc_catalog_host(const fc_catalog *cat, size_t i);
const fc_link *fc_catalog_link(const fc_catalog *cat, size_t i);
const fc_model *fc_catalog_model(const fc_catalog *cat, size_t i);
const fc_quant *fc_catalog_quant(const fc_catalog *cat, size_t i);
const fc_backend *fc_catalog_backend(const fc_catalog *cat, size_t i);
const fc_entry_info *fc_catalog_info(const fc_catalog *cat, fc_kind kind, size_t i);

/*
 * Find an entry by id, alias or display name, ignoring case, spaces,
 * dashes, underscores and dots. Returns its index through *index.
 * FC_ERR_NOT_FOUND / FC_ERR_AMBIGUOUS fill err with the closest matches
 * ("unknown hardware 'rtx4099' (did you mean rtx4090, rtx4080?)").
 */
fc_status fc_catalog_find(const fc_catalog *cat, fc_kind kind, const char *name,
                          size_t *index, fc_error *err);

const fc_hardware *fc_find_hardware(const fc_catalog *cat, const char *name, fc_error *err);
const fc_host *fc_find_host(const fc_catalog *cat, const char *name, fc_error *err);
const fc_link *fc_find_link(const fc_catalog *cat, const char *name, fc_error *err);
const fc_model *fc_find_model(const fc_catalog *cat, const char *name, fc_error *err);
const fc_quant *fc_find_quant(const fc_catalog *cat, const char *name, fc_error *err);
const fc_backend *fc_find_backend(const fc_catalog *cat, const char *name, fc_error *err);

/* Lookup key: lowercase letters and digits only ("RTX 4090" -> "rtx4090"). */
void fc_name_key(const char *name, char *out, size_t out_size);

/* ---- architecture arithmetic --------------------------------------------- */

typedef struct fc_param_count {
    double total;            /* every decoder weight */
    double active;           /* read per token: no input embedding, top-k experts */
    double embedding;        /* input embedding table */
    double expert;           /* all routed-expert weights */
    double expert_active;    /* routed-expert weights read per token */
    double per_layer_dense;  /* non-expert weights of one average layer */
} fc_param_count;

/* Count parameters from the architecture fields alone (params_b ignored). */
fc_param_count fc_model_count_params(const fc_model *m);

/* ---- estimator ----------------------------------------------------------- */

typedef enum { FC_KV_F16, FC_KV_Q8_0, FC_KV_Q4_0 } fc_kv_type;
typedef enum { FC_SPLIT_LAYER, FC_SPLIT_TENSOR } fc_split;
typedef enum { FC_VERDICT_FITS, FC_VERDICT_TIGHT, FC_VERDICT_OFFLOAD, FC_VERDICT_NO } fc_verdict;
typedef enum { FC_OFFLOAD_NONE, FC_OFFLOAD_LAYERS, FC_OFFLOAD_EXPERTS } fc_offload_mode;

const char *fc_kv_type_name(fc_kv_type t);          /* "f16" */
int fc_kv_type_from_name(const char *s, fc_kv_type *out); /* 0 on success */
double fc_kv_type_bytes(fc_kv_type t);              /* bytes per element */
const char *fc_verdict_name(fc_verdict v);          /* "fits" */
const char *fc_split_name(fc_split s);
const char *fc_offload_name(fc_offload_mode m);

#define FC_MAX_OTHERS 7 /* different devices beside `hardware` in one machine */

typedef struct fc_request {
    const fc_hardware *hardware;
    int gpus;                 /* devices of that hardware, >= 1 */
    /* Different GPUs in the same machine besides hardware x gpus
     * (--hardware rtx4090,rtx3090): layers split in proportion to each
     * device's free memory, as llama.cpp's default --tensor-split does.
     * Discrete GPUs only, layer split only. */
    const fc_hardware *others[FC_MAX_OTHERS];
    int n_others;
    /* Several identical machines (each: the devices above) joined by
     * node_link (exo, llama.cpp RPC): layers split evenly across machines,
     * one hop per boundary per token. 0 or 1 = one machine. */
    int nodes;
    const fc_link *node_link; /* NULL = none (required when nodes > 1) */
    /* Streams decoded together by a continuous-batching server (vLLM,
     * llama.cpp server -np N): one step reads the weights once for all of
     * them; each has its own KV cache of `context` tokens. 0 or 1 = one. */
    int users;
    const fc_model *model;
    const fc_quant *quant;
    const fc_backend *backend;
    const fc_link *link;      /* between devices; NULL = none needed */
    const fc_host *host;      /* system RAM for offload */
    double host_ram_gb;       /* 0 = the host profile's memory_gb */
    long context;             /* tokens of KV cache to allocate */
    long prompt;              /* -p P */
    long gen;                 /* -n N */
    fc_kv_type kv_type;
    fc_split split;
    int ubatch;               /* micro-batch for prefill, llama.cpp -ub (512) */
    double reserve_gb;        /* <0 = default per category: kept back for display/OS */
    bool allow_offload;       /* consider system RAM when GPU memory is short */
    long depth;               /* tokens already in the KV cache before the prompt
                                 (llama-bench -d); 0 = an empty cache */
    bool explain;             /* fill fc_estimate.terms (costs time; off in sweeps) */
} fc_request;

#define FC_REQUEST_INIT { .hardware = NULL, .gpus = 1, .others = { NULL }, .n_others = 0, \
                          .nodes = 1, .node_link = NULL, .users = 1, .model = NULL,        \
                          .quant = NULL, .backend = NULL, .link = NULL, .host = NULL,      \
                          .host_ram_gb = 0.0, .context = 4096, .prompt = 512, .gen = 128,  \
                          .kv_type = FC_KV_F16, .split = FC_SPLIT_LAYER, .ubatch = 512,    \
                          .reserve_gb = -1.0, .allow_offload = true, .depth = 0,           \
                          .explain = false }

#define FC_MAX_TERMS 48

/* One line of --explain: a named figure, its value and the formula behind it. */
typedef struct fc_term {
    const char *name;
    double value;
    const char *unit;
    char formula[160];
} fc_term;

typedef struct fc_estimate {
    /* memory (bytes, whole setup unless noted) */
    double weights_bytes;       /* the model file's weights */
    double weights_gpu_bytes;   /* weights kept in GPU memory */
    double kv_cache_bytes;      /* at the requested context, all users */
    double kv_cache_bytes_per_user;
    double kv_bytes_per_token;  /* at full length, averaged over layers */
    double state_bytes;         /* hybrid models' fixed recurrent state */
    double overhead_bytes;      /* compute buffers, logits, driver context */
    double total_bytes;         /* weights + kv + state + overhead */
    double gpu_needed_bytes;    /* what must sit in GPU memory to run fully on it */
    double device_bytes;        /* physical memory of the devices */
    double reserve_bytes;       /* kept back by the platform / desktop */
    double available_bytes;     /* device_bytes - reserve_bytes (Apple: wired limit) */
    double offloaded_bytes;     /* weights that run from system RAM */
    double host_available_bytes;
    /* Apple and other unified machines */
    bool needs_wired_limit_raise;
    double wired_limit_default_bytes;
    double wired_limit_max_bytes;
    long wired_limit_mb;        /* suggested iogpu.wired_limit_mb, 0 = none */
    /* verdict */
    fc_verdict verdict;
    bool fits;                  /* fits or tight */
    double headroom_bytes;      /* available - gpu_needed (may be negative) */
    long max_context;           /* largest context per user that fits in GPU memory (0 = none) */
    long max_users;             /* most users at this context that fit in GPU memory (0 = none) */
    fc_offload_mode offload_mode;
    int gpu_layers;             /* layers on the GPU(s) (llama.cpp -ngl) */
    int cpu_moe_layers;         /* layers whose experts are in RAM (--n-cpu-moe) */
    double decode_tps_layer_offload;  /* 0 = not applicable */
    double decode_tps_expert_offload; /* 0 = not applicable */
    /* speed */
    double active_weight_bytes; /* read per token */
    int users;                          /* streams decoded together (>= 1) */
    double decode_tokens_per_s;         /* per user: average over gen tokens after prompt */
    double decode_tokens_per_s_total;   /* all users together: users x per user */
    bool decode_compute_bound;          /* the batch's arithmetic, not memory, sets the step */
    double decode_tokens_per_s_start;   /* first generated token (position prompt) */
    double prefill_tokens_per_s;
    double time_to_first_token_s;
    double bandwidth_efficiency;        /* effective, after memory-class factor */
    double effective_bandwidth_gbs;     /* per device */
    double interconnect_ms_per_token;   /* between devices and between machines */
    int devices;                        /* GPUs in all machines */
    int nodes;                          /* machines (>= 1) */
    /* trace (filled only when the request asks for it) */
    bool explain;               /* copied from the request: terms were filled */
    int n_terms;
    fc_term terms[FC_MAX_TERMS];
} fc_estimate;

/*
 * Run the estimator. Returns FC_ERR_FIELD / FC_ERR_RANGE for an incomplete
 * request (missing hardware, model, quant or backend; gpus < 1; context < 1),
 * with err naming the field. Every number written is finite and >= 0.
 */
fc_status fc_estimate_run(const fc_request *req, fc_estimate *out, fc_error *err);

/* KV cache bytes for `tokens` of context (weights excluded). */
double fc_kv_cache_bytes(const fc_model *m, long tokens, fc_kv_type t);

/*
 * Choose the highest-precision quant (lowest ladder rank) whose estimate
 * fits entirely in GPU memory (verdict fits or tight), honouring the model's
 * quant list. Returns NULL when none fits; *out holds that quant's estimate.
 */
const fc_quant *fc_best_quant(const fc_catalog *cat, const fc_request *req,
                              fc_estimate *out);

/* Default link for a hardware entry (its `link`, else pcie by generation). */
const fc_link *fc_default_link(const fc_catalog *cat, const fc_hardware *hw);

/* ---- calibration ----------------------------------------------------------- */

typedef enum { FC_METRIC_DECODE, FC_METRIC_PREFILL } fc_metric;

/* One measured run: the setup as a request (its backend is the one the run
 * used; fc_calibrate_backend() swaps in candidate parameters), the metric and
 * the measured tokens/s. */
typedef struct fc_sample {
    fc_request req;
    fc_metric metric;
    double measured; /* tokens/s, > 0 */
    double weight;   /* in the least squares; 0 counts as 1 */
} fc_sample;

/* The backend parameters the fit may move (bit flags). */
enum {
    FC_FIT_BW = 1 << 0,             /* bw_efficiency */
    FC_FIT_HBM = 1 << 1,            /* hbm_efficiency_scale (needs HBM samples) */
    FC_FIT_TOKEN_OVERHEAD = 1 << 2, /* token_overhead_us */
    FC_FIT_LAYER_OVERHEAD = 1 << 3, /* layer_overhead_us */
    FC_FIT_PREFILL = 1 << 4,        /* prefill_efficiency (needs prefill samples) */
    FC_FIT_DEQUANT = 1 << 5,        /* dequant_ops_per_weight (needs quantized decode) */
    FC_FIT_CU = 1 << 7,             /* cu_bandwidth_gbs */
    FC_FIT_DEFAULT = FC_FIT_BW | FC_FIT_HBM | FC_FIT_TOKEN_OVERHEAD | FC_FIT_PREFILL |
                     FC_FIT_DEQUANT | FC_FIT_CU
};

typedef struct fc_fit_result {
    fc_backend backend;      /* the start backend with the fitted fields replaced */
    unsigned fitted;         /* FC_FIT_* flags actually fitted (the data constrain them) */
    size_t n_decode, n_prefill;
    double rms_log_error;    /* sqrt(weighted mean of log(predicted/measured)^2) */
    int evaluations;
} fc_fit_result;

/* Tokens/s the estimator predicts for a sample's metric with backend b. */
double fc_sample_predict(const fc_sample *s, const fc_backend *b);

/*
 * Fit the parameters named in `params` of one backend to samples by least
 * squares on log(predicted/measured), within physical bounds, by a
 * deterministic Nelder-Mead search. Parameters the samples cannot constrain
 * (no HBM device, no prefill row, ...) keep their start values.
 */
fc_status fc_calibrate_backend(const fc_backend *start, const fc_sample *samples, size_t n,
                               unsigned params, fc_fit_result *out, fc_error *err);

/* ---- real model inputs: Hugging Face config.json and GGUF headers --------- */

/*
 * Add one entry built by the caller (not from a catalog document). Every
 * string it points to is copied into the catalog, so the caller's may go
 * away. An entry whose id exists replaces it. *out (when not NULL) receives
 * the catalog's copy. Adding may move other entries of the same kind: look
 * entries up again afterwards.
 */
fc_status fc_catalog_add_model(fc_catalog *cat, const fc_model *m, const fc_model **out,
                               fc_error *err);
fc_status fc_catalog_add_quant(fc_catalog *cat, const fc_quant *q, const fc_quant **out,
                               fc_error *err);

/*
 * Build a model from a Hugging Face config.json held in json[0..len). The
 * architecture fields come from the file (text_config for multimodal
 * wrappers); params_b is the file's stated count when it has one, else the
 * count fc_model_count_params() derives. `origin` names the file in errors and
 * becomes the model's id. Strings in *out point into `cat` (the model is not
 * added: call fc_catalog_add_model()).
 */
fc_status fc_model_from_hf_config(fc_catalog *cat, const char *json, size_t len,
                                  const char *origin, fc_model *out, fc_error *err);

#define FC_GGML_TYPE_COUNT 40

/* What a GGUF header says; fixed size, nothing allocated. */
typedef struct fc_gguf_info {
    unsigned version;            /* 2 or 3 */
    unsigned long long n_tensors, n_kv;
    unsigned long long header_bytes; /* where tensor data starts (aligned) */
    unsigned alignment;
    char arch[64];               /* general.architecture */
    char name[128];              /* general.name, or "" */
    int file_type;               /* general.file_type, -1 = absent */
    /* architecture metadata, 0 = absent */
    long long context, embedding, block_count, feed_forward, head_count, head_count_kv;
    long long key_length, value_length, expert_count, expert_used_count;
    long long expert_feed_forward, expert_shared_count, leading_dense_blocks;
    long long sliding_window, kv_lora_rank, q_lora_rank, rope_dims, vocab_size;
    /* tensors */
    double total_elements, total_bytes;  /* every tensor */
    double embed_elements, embed_bytes;  /* token_embd.weight */
    double output_elements, output_bytes; /* output.weight (0 = tied) */
    double expert_elements, expert_bytes; /* routed experts (*_exps) */
    unsigned long long type_count[FC_GGML_TYPE_COUNT];   /* tensors per ggml type */
    double type_bytes[FC_GGML_TYPE_COUNT];
    double type_elements[FC_GGML_TYPE_COUNT];
    bool truncated; /* on FC_ERR_PARSE: the buffer ended inside the header */
} fc_gguf_info;

const char *fc_ggml_type_name(unsigned type); /* "Q4_K", NULL when unknown */
/* bytes of `elements` values of a ggml type (whole blocks); <0 when unknown
 * or not a whole number of blocks */
double fc_ggml_type_bytes(unsigned type, unsigned long long elements);

/*
 * Parse a GGUF (v2 or v3, little-endian) header from buf[0..len): metadata
 * key-values and tensor infos. Tensor data is never read and need not be in
 * the buffer. Every count and length is checked against the bytes left and
 * against caps before use; nothing is allocated. A buffer that ends inside the
 * header gives FC_ERR_PARSE with info->truncated set (read more and retry).
 */
fc_status fc_gguf_parse(const unsigned char *buf, size_t len, const char *origin,
                        fc_gguf_info *info, fc_error *err);

/* Read only the header of a GGUF file (growing reads, at most 1 GiB) and parse it. */
fc_status fc_gguf_read_file(const char *path, fc_gguf_info *info, fc_error *err);

/*
 * A model and the quant the file holds, from a parsed GGUF header. The quant
 * is the file's exact mix: bpw = tensor bytes x 8 / tensor elements, with
 * params_b = tensor elements / 1e9, so the estimator's weights equal the file's
 * tensor bytes. model->quants lists only that quant. Strings live in `cat`;
 * nothing is added to it.
 */
fc_status fc_model_from_gguf(fc_catalog *cat, const fc_gguf_info *info, const char *origin,
                             fc_model *model, fc_quant *quant, fc_error *err);

/* ---- power and cost ------------------------------------------------------ */

/*
 * What a setup costs to buy and to run, and what its tokens cost
 * (docs/model.md, "Power and cost").
 *
 * System price: catalog entries whose price_kind is "system" (Macs, DGX
 * Spark, Strix Halo boxes, Jetson), or that have no price_kind and unified
 * memory, are priced as whole machines. Any other price is a card's launch
 * MSRP: the system price is then the cards' prices plus FC_HOST_PRICE_USD for
 * a typical desktop host, and is marked as an estimate. A machine with
 * several devices (gpus, others) has one host; `nodes` machines have one
 * each. An unknown price (0) anywhere makes the system price unknown.
 *
 * System power follows the same rule: a whole machine's power_w / idle_w are
 * the system's; cards add FC_HOST_LOAD_W / FC_HOST_IDLE_W per machine. A card's
 * power_w is its board power limit: decode is memory-bound and usually draws
 * less, so load watts (and the electricity) are an upper bound and tokens per
 * joule a lower bound.
 */
#define FC_HOST_PRICE_USD 1200.0 /* a typical desktop host for a GPU (estimate) */
#define FC_HOST_LOAD_W 80.0      /* the host's draw while the GPU decodes (estimate) */
#define FC_HOST_IDLE_W 35.0      /* the host's draw at idle (estimate) */

typedef struct fc_cost_params {
    double active_hours_per_day; /* generating, at load watts (default 8) */
    double idle_hours_per_day;   /* on and idle, at idle watts (default 16); the rest: off */
    double price_per_kwh;        /* USD (default 0.16) */
    double years;                /* amortisation period (default 3), > 0 */
    double api_price_in;         /* USD per million input tokens; 0 and 0 = no API comparison */
    double api_price_out;        /* USD per million output tokens */
    double system_price_usd;     /* > 0: the whole setup's price, replacing the catalog's */
    double load_w, idle_w;       /* > 0: the whole setup's watts, replacing the catalog's */
} fc_cost_params;

#define FC_COST_PARAMS_INIT { .active_hours_per_day = 8.0, .idle_hours_per_day = 16.0, \
                              .price_per_kwh = 0.16, .years = 3.0, .api_price_in = 0.0,  \
                              .api_price_out = 0.0, .system_price_usd = 0.0,             \
                              .load_w = 0.0, .idle_w = 0.0 }

typedef enum {
    FC_PRICE_UNKNOWN,   /* some device has no price: pass system_price_usd */
    FC_PRICE_SYSTEM,    /* the catalog's whole-machine price(s) */
    FC_PRICE_ESTIMATED, /* cards' launch MSRP plus FC_HOST_PRICE_USD per machine */
    FC_PRICE_GIVEN      /* fc_cost_params.system_price_usd */
} fc_price_basis;

const char *fc_price_basis_name(fc_price_basis b); /* "unknown", "system", "estimate", "given" */

/* Every number is finite and >= 0; a figure whose has_ flag is false is 0. */
typedef struct fc_cost {
    /* what it costs to buy */
    fc_price_basis price_basis;
    bool has_price;
    double system_price_usd;   /* the whole setup */
    double devices_price_usd;  /* the devices' own prices (0 when given or unknown) */
    double host_price_usd;     /* FC_HOST_PRICE_USD x machines, when estimated */
    int machines;              /* hosts counted (nodes, >= 1) */
    double usable_gb;          /* GPU-usable memory for a model (catalog GB = GiB) */
    double price_per_gb_usd;   /* system price / usable_gb (has_price) */
    /* what it draws */
    bool has_power;            /* load and idle watts known */
    bool power_given;          /* from fc_cost_params */
    bool load_upper_bound;     /* cards: load watts are board power limits, not decode draw */
    double load_w, idle_w;     /* the whole setup */
    double host_load_w, host_idle_w; /* the hosts' part of them */
    /* electricity (has_power) */
    double annual_kwh_active, annual_kwh_idle, annual_kwh;
    double annual_electricity_usd, monthly_electricity_usd;
    /* speed-derived (has_speed: the model runs, i.e. verdict is not "no") */
    bool has_speed;
    double tokens_per_s;       /* decode, all users together */
    double tokens_per_joule;   /* tokens_per_s / load_w (also needs has_power) */
    /* the work: back-to-back requests of prompt input and gen output tokens,
     * each taking time_to_first_token + gen / tokens_per_s of the machine */
    bool has_work;
    double seconds_per_request;
    double requests_per_hour;
    double tokens_per_year;    /* generated: gen x requests at the active hours */
    /* per million generated tokens (has_work, tokens_per_year > 0) */
    bool has_electricity_per_mtok, has_cost_per_mtok;
    double electricity_per_mtok_usd; /* annual electricity / tokens per year x 1e6 */
    double cost_per_mtok_usd;  /* (price + electricity x years) / (tokens per year x years) x 1e6 */
    /* against an API price for the same work (has_api) */
    bool has_api;
    double api_monthly_usd;
    bool has_break_even;       /* computed (needs a price and power) */
    bool breaks_even;          /* false: "never", the API costs no more than the electricity */
    double months_to_break_even; /* price / (API monthly - electricity monthly) */
} fc_cost;

/*
 * Price, power, electricity and cost figures of a request's setup running
 * its model as estimated by fc_estimate_run() (est may be NULL: no
 * speed-derived figures). Invalid parameters (negative or NaN values, more
 * than 24 hours a day, years <= 0) give FC_ERR_RANGE naming the parameter;
 * a request without hardware FC_ERR_FIELD.
 */
fc_status fc_cost_run(const fc_request *req, const fc_estimate *est, const fc_cost_params *p,
                      fc_cost *out, fc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* FITCHECK_H */
