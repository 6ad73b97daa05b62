/* cmd_plan.c - 'fitcheck plan': the runtime settings for one model on one
 * machine (llama.cpp flags, vllm serve and MLX lines) with the speed each
 * option gives. Options that run entirely in GPU memory come first, highest
 * precision first; offload options follow, fastest first. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define GIB 1073741824.0
#define MAX_OPTS_PLAN 12

typedef struct plan_opt {
    char label[96];
    char runtime[16];
    char line[512];
    fc_request r;
    fc_estimate e;
    double decode, prefill;
    long ctx;
    int group; /* 0 in GPU memory, 1 offload */
} plan_opt;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* -c: the requested context when given, else the most that fits up to the
 * model's own, in whole 1024s */
static long plan_context(cli *c, const fc_request *r, const fc_estimate *e)
{
    if (arg_value(&c->a, OPT_CTX))
        return r->context;
    long ctx = r->model->context;
    if (e->max_context > 0 && e->max_context < ctx)
        ctx = e->max_context;
    if (ctx > 1024)
        ctx = ctx / 1024 * 1024;
    return ctx < r->context ? r->context : ctx;
}

static void llama_line(char *buf, size_t n, const fc_request *r, const fc_estimate *e,
                       long ctx, int ngl, int n_cpu_moe)
{
    char model[256];
    if (ends_with(r->model->info.id, ".gguf") || ends_with(r->model->info.id, ".GGUF"))
        snprintf(model, sizeof model, "%s", r->model->info.id);
    else
        snprintf(model, sizeof model, "%s-%s.gguf", r->model->info.id, r->quant->info.name);
    char extra[160] = "";
    size_t u = 0;
    if (r->kv_type != FC_KV_F16)
        u += (size_t)snprintf(extra + u, sizeof extra - u, " -fa on -ctk %s -ctv %s",
                              fc_kv_type_name(r->kv_type), fc_kv_type_name(r->kv_type));
    if (r->gpus + r->n_others > 1 && u < sizeof extra) {
        /* -ts: shares of the layers; by memory for different GPUs */
        u += (size_t)snprintf(extra + u, sizeof extra - u, " -sm %s -ts ",
                              r->split == FC_SPLIT_TENSOR ? "row" : "layer");
        for (int g = 0; g < r->gpus && u < sizeof extra; g++)
            u += (size_t)snprintf(extra + u, sizeof extra - u, "%s%.4g", g ? "," : "",
                                  r->n_others ? r->hardware->memory_gb : 1.0);
        for (int g = 0; g < r->n_others && u < sizeof extra; g++)
            u += (size_t)snprintf(extra + u, sizeof extra - u, ",%.4g", r->others[g]->memory_gb);
    }
    if (n_cpu_moe > 0 && u < sizeof extra)
        u += (size_t)snprintf(extra + u, sizeof extra - u, " --n-cpu-moe %d", n_cpu_moe);
    if (r->nodes > 1 && u < sizeof extra)
        u += (size_t)snprintf(extra + u, sizeof extra - u,
                              " --rpc <%d other machines running rpc-server>", r->nodes - 1);
    (void)e;
    /* the server divides -c among its -np slots: each user gets ctx */
    if (r->users > 1)
        snprintf(buf, n, "llama-server -m %s -c %ld -np %d -ngl %d%s", model, ctx * r->users,
                 r->users, ngl, extra);
    else
        snprintf(buf, n, "llama-server -m %s -c %ld -ngl %d%s", model, ctx, ngl, extra);
}

static plan_opt *add_opt(plan_opt *opts, int *n)
{
    if (*n >= MAX_OPTS_PLAN)
        return NULL;
    plan_opt *o = &opts[(*n)++];
    memset(o, 0, sizeof *o);
    return o;
}

/* The highest-precision quant of a format that fits fully, by ladder rank
 * (quants outside the ladder in catalog order after it). */
static bool best_of_format(cli *c, const fc_request *tmpl, const fc_backend *b,
                           const char *format, const char *const *prefer, fc_request *out,
                           fc_estimate *e)
{
    for (const char *const *id = prefer; *id; id++) {
        const fc_quant *q = fc_find_quant(c->cat, *id, NULL);
        if (!q || strcmp(q->format, format) != 0)
            continue;
        fc_request t = *tmpl;
        t.quant = q;
        t.backend = b;
        if (fc_estimate_run(&t, e, NULL) == FC_OK && e->fits) {
            *out = t;
            return true;
        }
    }
    return false;
}

static bool hw_runs_backend(const fc_hardware *hw, const char *b)
{
    if (strcmp(hw->backend, b) == 0)
        return true;
    for (size_t i = 0; i < hw->backends.count; i++)
        if (strcmp(hw->backends.items[i], b) == 0)
            return true;
    return false;
}

static int by_group(const void *pa, const void *pb)
{
    const plan_opt *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group - b->group;
    if (a->group == 1 && a->decode != b->decode)
        return a->decode > b->decode ? -1 : 1;
    return 0; /* stable enough: insertion order is precision order */
}

int cmd_plan(cli *c, view *v)
{
    const char *hw, *model;
    if (cli_hardware_and_model(c, &hw, &model) != EXIT_OK)
        return EXIT_ERROR;
    fc_request r;
    bool auto_quant;
    int rc = cli_request(c, hw, model, &r, &auto_quant);
    if (rc != EXIT_OK)
        return rc;

    plan_opt opts[MAX_OPTS_PLAN];
    int n = 0;
    /* llama.cpp in GPU memory: the quants that fit, highest precision first */
    const fc_quant *ladder[64];
    size_t nl = 0;
    if (auto_quant)
        nl = cli_quant_ladder(c, &r, ladder, 64);
    else if (r.quant)
        ladder[nl++] = r.quant;
    int full = 0;
    bool kv_variant = false;
    for (size_t i = 0; i < nl && full < 3; i++) {
        fc_request t = r;
        fc_estimate e;
        t.quant = ladder[i];
        if (fc_estimate_run(&t, &e, NULL) != FC_OK || !e.fits)
            continue;
        long ctx = plan_context(c, &t, &e);
        t.context = ctx;
        if (fc_estimate_run(&t, &e, NULL) != FC_OK)
            continue;
        plan_opt *o = add_opt(opts, &n);
        if (!o)
            break;
        o->r = t;
        o->e = e;
        o->ctx = ctx;
        snprintf(o->label, sizeof o->label, "%s in GPU memory%s", t.quant->info.name,
                 full == 0 ? " (highest precision that fits)" : "");
        snprintf(o->runtime, sizeof o->runtime, "llama.cpp");
        llama_line(o->line, sizeof o->line, &t, &e, ctx, 99, 0);
        full++;
        /* a q8_0 KV cache holds about twice the context in the same memory */
        if (!kv_variant && t.kv_type == FC_KV_F16 && !arg_value(&c->a, OPT_KV_TYPE)) {
            fc_request k = t;
            fc_estimate ke;
            k.kv_type = FC_KV_Q8_0;
            k.context = r.context;
            if (fc_estimate_run(&k, &ke, NULL) == FC_OK && ke.fits) {
                long kctx = plan_context(c, &k, &ke);
                if (kctx > ctx) {
                    k.context = kctx;
                    if (fc_estimate_run(&k, &ke, NULL) == FC_OK && (o = add_opt(opts, &n))) {
                        o->r = k;
                        o->e = ke;
                        o->ctx = kctx;
                        snprintf(o->label, sizeof o->label, "%s, q8_0 KV cache: %ldk context",
                                 k.quant->info.name, kctx / 1024);
                        snprintf(o->runtime, sizeof o->runtime, "llama.cpp");
                        llama_line(o->line, sizeof o->line, &k, &ke, kctx, 99, 0);
                    }
                }
            }
            kv_variant = true;
        }
    }
    /* offload: the usual download (the quant auto picks when nothing fits) */
    if (full == 0) {
        fc_request t = r;
        fc_estimate e;
        if (cli_choose_quant(c, &t, auto_quant, &e) && e.verdict == FC_VERDICT_OFFLOAD) {
            plan_opt *o;
            if (e.decode_tps_expert_offload > 0 && (o = add_opt(opts, &n))) {
                fc_estimate ee = e;
                ee.decode_tokens_per_s = e.decode_tps_expert_offload;
                o->r = t;
                o->e = ee;
                o->ctx = t.context;
                o->group = 1;
                snprintf(o->label, sizeof o->label, "%s, routed experts of %d layers in RAM",
                         t.quant->info.name, e.cpu_moe_layers);
                snprintf(o->runtime, sizeof o->runtime, "llama.cpp");
                llama_line(o->line, sizeof o->line, &t, &e, t.context, 99,
                           e.cpu_moe_layers > 0 ? e.cpu_moe_layers : 1);
            }
            if ((o = add_opt(opts, &n))) {
                fc_estimate le = e;
                if (e.decode_tps_layer_offload > 0)
                    le.decode_tokens_per_s = e.decode_tps_layer_offload;
                o->r = t;
                o->e = le;
                o->ctx = t.context;
                o->group = 1;
                int ngl = e.offload_mode == FC_OFFLOAD_LAYERS || e.gpu_layers > 0
                              ? e.gpu_layers
                              : t.model->layers;
                snprintf(o->label, sizeof o->label, "%s, %d of %d layers on the GPU",
                         t.quant->info.name, ngl, t.model->layers);
                snprintf(o->runtime, sizeof o->runtime, "llama.cpp");
                llama_line(o->line, sizeof o->line, &t, &le, t.context, ngl, 0);
            }
        }
    }
    /* vLLM on CUDA/ROCm devices: safetensors weights from the model's repo */
    bool gguf_file = r.model->quants.count == 1 && r.quant && strcmp(r.quant->family, "gguf-file") == 0;
    if (!gguf_file && (strcmp(r.hardware->backend, "cuda") == 0 ||
                       strcmp(r.hardware->backend, "rocm") == 0)) {
        static const char *const prefer[] = { "bf16", "fp8", "awq-int4", "gptq-int4", NULL };
        /* bf16 is a gguf id in the catalog: the vLLM row uses the same bits */
        fc_request t = r;
        fc_estimate e;
        const fc_quant *bf = fc_find_quant(c->cat, "bf16", NULL);
        bool ok = false;
        if (bf) {
            t.quant = bf;
            ok = fc_estimate_run(&t, &e, NULL) == FC_OK && e.fits;
        }
        if (!ok)
            ok = best_of_format(c, &r, r.backend, "safetensors", prefer + 1, &t, &e);
        plan_opt *o;
        if (ok && (o = add_opt(opts, &n))) {
            long ctx = plan_context(c, &t, &e);
            o->r = t;
            o->e = e;
            o->ctx = ctx;
            snprintf(o->label, sizeof o->label, "vLLM, %s weights", t.quant->info.name);
            snprintf(o->runtime, sizeof o->runtime, "vllm");
            const char *qarg = strcmp(t.quant->family, "fp8") == 0 ? " --quantization fp8"
                               : strcmp(t.quant->family, "awq") == 0 ? " --quantization awq"
                               : strcmp(t.quant->family, "gptq") == 0 ? " --quantization gptq"
                                                                      : "";
            char tp[96] = "";
            int w = 0;
            if (t.n_others > 0) /* different GPUs: stages, not tensor shards */
                w = snprintf(tp, sizeof tp, " --pipeline-parallel-size %d",
                             (t.gpus + t.n_others) * (t.nodes > 1 ? t.nodes : 1));
            else if (t.gpus > 1)
                w = snprintf(tp, sizeof tp, " --tensor-parallel-size %d", t.gpus);
            if (t.n_others == 0 && t.nodes > 1 && w >= 0 && (size_t)w < sizeof tp)
                w += snprintf(tp + w, sizeof tp - (size_t)w, " --pipeline-parallel-size %d",
                              t.nodes);
            if (t.users > 1 && w >= 0 && (size_t)w < sizeof tp)
                snprintf(tp + w, sizeof tp - (size_t)w, " --max-num-seqs %d", t.users);
            snprintf(o->line, sizeof o->line,
                     "vllm serve %s --max-model-len %ld --gpu-memory-utilization 0.90%s%s",
                     t.model->hf_repo ? t.model->hf_repo : t.model->info.id, ctx, tp, qarg);
        }
    }
    /* MLX on Apple silicon */
    const fc_backend *mlx = fc_find_backend(c->cat, "mlx", NULL);
    if (!gguf_file && mlx && r.gpus == 1 && r.nodes <= 1 &&
        (hw_runs_backend(r.hardware, "mlx") || strcmp(r.hardware->vendor, "apple") == 0)) {
        static const char *const prefer[] = { "mlx-bf16", "mlx-8bit", "mlx-6bit", "mlx-4bit",
                                              "mlx-3bit", NULL };
        fc_request t;
        fc_estimate e;
        plan_opt *o;
        if (best_of_format(c, &r, mlx, "mlx", prefer, &t, &e) && (o = add_opt(opts, &n))) {
            o->r = t;
            o->e = e;
            o->ctx = t.context;
            snprintf(o->label, sizeof o->label, "MLX, %s", t.quant->info.name);
            snprintf(o->runtime, sizeof o->runtime, "mlx");
            /* mlx-community's naming: <repo name>-<bits> */
            const char *repo = t.model->hf_repo ? t.model->hf_repo : t.model->info.id;
            const char *slash = strrchr(repo, '/');
            const char *bits = strncmp(t.quant->info.id, "mlx-", 4) == 0 ? t.quant->info.id + 4
                                                                          : t.quant->info.id;
            snprintf(o->line, sizeof o->line, "mlx_lm.server --model mlx-community/%s-%s",
                     slash ? slash + 1 : repo, bits);
        }
    }
    for (int i = 0; i < n; i++) {
        opts[i].decode = opts[i].e.decode_tokens_per_s;
        opts[i].prefill = opts[i].e.prefill_tokens_per_s;
    }
    qsort(opts, (size_t)n, sizeof opts[0], by_group);

    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "plan");
    json_hardware_model(v->json, &r);
    cJSON *ja = cJSON_AddArrayToObject(v->json, "options");

    char gpus[32] = "";
    if (r.gpus > 1)
        snprintf(gpus, sizeof gpus, "%d x ", r.gpus);
    view_heading(v, "Running %s on %s%s", r.model->info.name, gpus, r.hardware->info.name);
    if (n == 0) {
        view_text(v, "No setting runs it: even the smallest quant does not fit in GPU memory "
                     "and system RAM.");
    } else {
        view_text(v, "Options that run entirely in GPU memory first (highest precision "
                     "first), then offload options (fastest first). Speeds for a %ld-token "
                     "prompt and %ld generated tokens.",
                  r.prompt, r.gen);
    }
    static const char *const spec[] = {
        "#|rank|r", "Option|option", "Runtime|runtime", "Quant|quant", "Context|context|r",
        "Needs GiB|gpu_needed_gib|r", "Decode t/s|decode_tokens_per_s|rb",
        "Prefill t/s|prefill_tokens_per_s|r", "Command|command|x" };
    block *t = view_table(v, NULL, 9, spec);
    t->primary = true;
    double best = 0;
    for (int i = 0; i < n; i++)
        if (opts[i].decode > best)
            best = opts[i].decode;
    for (int i = 0; i < n; i++) {
        const plan_opt *o = &opts[i];
        cell *row = table_row(v, t);
        if (!row)
            break;
        char b[64];
        cell_num(v, &row[0], i + 1, 0, NULL);
        cell_text(v, &row[1], o->label);
        cell_text(v, &row[2], o->runtime);
        cell_text(v, &row[3], o->r.quant->info.name);
        cell_raw(v, &row[3], o->r.quant->info.id);
        cell_num(v, &row[4], (double)o->ctx, 0, NULL);
        cell_num(v, &row[5], o->e.gpu_needed_bytes / GIB, 2, NULL);
        fmt_tps(b, sizeof b, o->decode);
        cell_num(v, &row[6], o->decode, 1, b);
        row[6].bar = best > 0 ? o->decode / best : 0;
        cell_num(v, &row[7], o->prefill, 1, NULL);
        cell_text(v, &row[8], o->line);

        cJSON *jo = cJSON_CreateObject();
        cJSON_AddNumberToObject(jo, "rank", i + 1);
        json_str(jo, "option", o->label);
        json_str(jo, "runtime", o->runtime);
        json_str(jo, "quant", o->r.quant->info.id);
        json_str(jo, "kv_type", fc_kv_type_name(o->r.kv_type));
        cJSON_AddNumberToObject(jo, "context", (double)o->ctx);
        json_str(jo, "verdict", fc_verdict_name(o->e.verdict));
        json_num(jo, "gpu_needed_bytes", o->e.gpu_needed_bytes, 0);
        json_num(jo, "decode_tokens_per_s", o->decode, 2);
        json_num(jo, "prefill_tokens_per_s", o->prefill, 2);
        if (strcmp(o->runtime, "llama.cpp") == 0)
            json_str(jo, "llama_cpp", o->line);
        else if (strcmp(o->runtime, "vllm") == 0)
            json_str(jo, "vllm", o->line);
        else
            json_str(jo, "mlx", o->line);
        json_str(jo, "command", o->line);
        cJSON_AddItemToArray(ja, jo);
    }
    if (n > 0) {
        view_kv(v, "Commands");
        for (int i = 0; i < n; i++) {
            char label[16], key[32];
            snprintf(label, sizeof label, "%d", i + 1);
            snprintf(key, sizeof key, "command_%d", i + 1);
            kv_add_text(v, label, key, opts[i].line, NULL);
        }
    }
    return EXIT_OK;
}

const opt_spec plan_opts[] = {
    { "hardware", 'H', OPT_HARDWARE, "H", "hardware id or name, or 'local' for this machine" },
    { "model", 'm', OPT_MODEL, "M", "model id or name, or a config.json / GGUF path" },
    { NULL, 0, 0, NULL, NULL },
};
