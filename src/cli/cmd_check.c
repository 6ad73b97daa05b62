/* cmd_check.c - 'fitcheck check': a yes/no answer for scripts and CI.
 * Exit 0 when the model fits in GPU memory and meets every requirement
 * given, 1 when it does not (one line on stderr saying why), 2 on errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define GIB 1073741824.0

const opt_spec check_opts[] = {
    { "hardware", 'H', OPT_HARDWARE, "H", "hardware id or name, or 'local' for this machine" },
    { "model", 'm', OPT_MODEL, "M", "model id or name, or a config.json / GGUF path" },
    { "min-tps", 0, OPT_CMD + 40, "T", "require at least this decode speed (tokens/s; each user's with --users)" },
    { "max-ttft", 0, OPT_CMD + 41, "S", "require at most this time to first token (seconds)" },
    { "min-prefill-tps", 0, OPT_CMD + 42, "T", "require at least this prefill speed (tokens/s)" },
    { "allow-offload", 0, OPT_CMD + 43, NULL,
      "also pass when weights must run partly from system RAM" },
    { NULL, 0, 0, NULL, NULL },
};

static int rank_of(const fc_model *m, const fc_quant *q)
{
    if (!m->quants.count)
        return q->ladder;
    for (size_t k = 0; k < m->quants.count; k++)
        if (strcmp(m->quants.items[k], q->info.id) == 0)
            return (int)k + 1;
    return 0;
}

typedef struct ranked {
    const fc_quant *q;
    int rank;
} ranked;

static int by_rank(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank - b->rank;
    return strcmp(a->q->info.id, b->q->info.id);
}

size_t cli_quant_ladder(cli *c, const fc_request *r, const fc_quant **out, size_t max)
{
    size_t nq = fc_catalog_count(c->cat, FC_KIND_QUANT), n = 0;
    ranked *tmp = calloc(nq ? nq : 1, sizeof *tmp);
    if (!tmp)
        return 0;
    for (size_t i = 0; i < nq; i++) {
        const fc_quant *q = fc_catalog_quant(c->cat, i);
        int rank = rank_of(r->model, q);
        if (rank <= 0)
            continue;
        if (r->backend && r->backend->quant_format &&
            strcmp(q->format, r->backend->quant_format) != 0)
            continue;
        tmp[n].q = q;
        tmp[n].rank = rank;
        n++;
    }
    qsort(tmp, n, sizeof *tmp, by_rank);
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[i].q;
    free(tmp);
    return n;
}

typedef struct reqs {
    double min_tps, max_ttft, min_prefill;
    bool allow_offload;
} reqs;

/* Append the reasons one estimate misses the requirements; returns how many. */
static int misses(const reqs *q, const fc_estimate *e, char *buf, size_t n)
{
    int k = 0;
    size_t used = 0;
    buf[0] = 0;
#define ADD(...)                                                                     \
    do {                                                                             \
        if (used < n) {                                                              \
            int w = snprintf(buf + used, n - used, "%s", k ? "; " : "");             \
            if (w > 0)                                                               \
                used += (size_t)w;                                                   \
        }                                                                            \
        if (used < n) {                                                              \
            int w = snprintf(buf + used, n - used, __VA_ARGS__);                     \
            if (w > 0)                                                               \
                used += (size_t)w;                                                   \
        }                                                                            \
        k++;                                                                         \
    } while (0)
    bool placed = e->fits || (q->allow_offload && e->verdict == FC_VERDICT_OFFLOAD);
    if (!placed) {
        double avail = e->needs_wired_limit_raise ? e->wired_limit_max_bytes : e->available_bytes;
        if (e->verdict == FC_VERDICT_OFFLOAD)
            ADD("needs %.1f GiB, %.1f GiB available (runs only with offload to system RAM)",
                e->gpu_needed_bytes / GIB, avail / GIB);
        else
            ADD("needs %.1f GiB, %.1f GiB available", e->gpu_needed_bytes / GIB, avail / GIB);
    }
    if (q->min_tps > 0 && e->decode_tokens_per_s < q->min_tps)
        ADD("decode %.1f t/s < %g", e->decode_tokens_per_s, q->min_tps);
    if (q->min_prefill > 0 && e->prefill_tokens_per_s < q->min_prefill)
        ADD("prefill %.1f t/s < %g", e->prefill_tokens_per_s, q->min_prefill);
    if (q->max_ttft > 0 && e->time_to_first_token_s > q->max_ttft)
        ADD("time to first token %.2f s > %g", e->time_to_first_token_s, q->max_ttft);
#undef ADD
    return k;
}

int cmd_check(cli *c, view *v)
{
    const char *hw, *model;
    if (cli_hardware_and_model(c, &hw, &model) != EXIT_OK)
        return EXIT_ERROR;
    reqs q = { 0, 0, 0, arg_flag(&c->a, OPT_CMD + 43) };
    const char *s;
    if ((s = arg_value(&c->a, OPT_CMD + 40)) && parse_double(s, 0, 1e9, &q.min_tps) != 0)
        return cli_error(c, "--min-tps takes a number of tokens per second, not '%s'", s);
    if ((s = arg_value(&c->a, OPT_CMD + 41)) && parse_double(s, 0, 1e9, &q.max_ttft) != 0)
        return cli_error(c, "--max-ttft takes a number of seconds, not '%s'", s);
    if ((s = arg_value(&c->a, OPT_CMD + 42)) && parse_double(s, 0, 1e12, &q.min_prefill) != 0)
        return cli_error(c, "--min-prefill-tps takes a number of tokens per second, not '%s'", s);

    fc_request r;
    bool auto_quant;
    fc_estimate e;
    int rc = cli_request_estimate(c, hw, model, false, &r, &auto_quant, &e);
    if (rc != EXIT_OK)
        return rc;
    char why[512];
    int n_miss = misses(&q, &e, why, sizeof why);
    /* quant auto: the highest precision that meets every requirement, when the
     * default choice (the highest precision that fits) is too slow */
    if (n_miss && auto_quant) {
        const fc_quant *ladder[64];
        size_t nl = cli_quant_ladder(c, &r, ladder, 64);
        for (size_t i = 0; i < nl; i++) {
            fc_request t = r;
            fc_estimate te;
            char tw[512];
            t.quant = ladder[i];
            if (fc_estimate_run(&t, &te, NULL) == FC_OK && misses(&q, &te, tw, sizeof tw) == 0) {
                r = t;
                e = te;
                n_miss = 0;
                break;
            }
        }
    }
    bool pass = n_miss == 0;

    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "check");
    cJSON_AddBoolToObject(v->json, "pass", pass);
    json_str(v->json, "reason", pass ? NULL : why);
    cJSON *jr = cJSON_AddObjectToObject(v->json, "requirements");
    json_num(jr, "min_decode_tokens_per_s", q.min_tps, 3);
    json_num(jr, "max_time_to_first_token_s", q.max_ttft, 4);
    json_num(jr, "min_prefill_tokens_per_s", q.min_prefill, 3);
    cJSON_AddBoolToObject(jr, "allow_offload", q.allow_offload);
    cJSON *je = json_estimate(&r, &e);
    if (!je)
        return cli_error(c, "out of memory");
    cJSON_AddBoolToObject(je, "quant_auto", auto_quant);
    cJSON_AddItemToObject(v->json, "estimate", je);

    char who[320];
    setup_label(who, sizeof who, &r, false);
    view_heading(v, "%s: %s %s on %s", pass ? "PASS" : "FAIL", r.model->info.name,
                 quant_label(r.quant), who);
    if (!pass)
        view_text(v, "%s", why);
    view_kv(v, NULL);
    kv_add_text(v, "result", "result", pass ? "pass" : "fail", NULL);
    kv_add_text(v, "model", "model_id", r.model->info.id, NULL);
    kv_add_text(v, "hardware", "hardware_id", r.hardware->info.id, NULL);
    kv_add_num(v, "devices", "count", r.gpus, 0, NULL, NULL);
    if (r.users > 1)
        kv_add_num(v, "users", "users", r.users, 0, NULL, "decoded together; speeds per user");
    kv_add_text(v, "quant", "quant", r.quant->info.id,
                auto_quant ? "auto: the highest precision that meets the requirements" : NULL);
    kv_add_text(v, "verdict", "verdict", fc_verdict_name(e.verdict), NULL);
    kv_add_num(v, "needed on GPU", "gpu_needed_gib", e.gpu_needed_bytes / GIB, 2, "GiB", NULL);
    kv_add_num(v, "available", "available_gib",
               (e.needs_wired_limit_raise ? e.wired_limit_max_bytes : e.available_bytes) / GIB,
               2, "GiB", NULL);
    char note[64];
    snprintf(note, sizeof note, q.min_tps > 0 ? "required >= %g" : "no requirement", q.min_tps);
    kv_add_num(v, "decode", "decode_tokens_per_s", e.decode_tokens_per_s, 1, "tok/s", note);
    snprintf(note, sizeof note, q.min_prefill > 0 ? "required >= %g" : "no requirement",
             q.min_prefill);
    kv_add_num(v, "prefill", "prefill_tokens_per_s", e.prefill_tokens_per_s, 1, "tok/s", note);
    snprintf(note, sizeof note, q.max_ttft > 0 ? "required <= %g" : "no requirement", q.max_ttft);
    kv_add_num(v, "time to first token", "time_to_first_token_s", e.time_to_first_token_s, 3,
               "s", note);
    kv_add_num(v, "context", "context", (double)r.context, 0, "tokens", NULL);
    if (!pass)
        fprintf(stderr, "fitcheck: check: %s\n", why);
    return pass ? EXIT_OK : EXIT_NEGATIVE;
}
