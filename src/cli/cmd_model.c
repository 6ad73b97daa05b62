/* cmd_model.c - 'fitcheck model M': one model against the hardware catalog. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define GIB 1073741824.0

static const char *const arch_names[] = { "dense", "MoE", "hybrid" };

void speed_cell_text(char *buf, size_t n, const eval_result *ev, bool native_only)
{
    if (!ev->ok || ev->e.verdict == FC_VERDICT_NO ||
        (native_only && !ev->e.fits)) {
        snprintf(buf, n, "-");
        return;
    }
    char t[32];
    fmt_tps(t, sizeof t, ev->e.decode_tokens_per_s);
    snprintf(buf, n, "%s t/s (%s)%s", t, quant_label(ev->r.quant),
             ev->e.verdict == FC_VERDICT_OFFLOAD ? " offload"
             : ev->e.needs_wired_limit_raise  ? "*"
                                              : "");
}

void fit_cells(view *v, cell *verdict, cell *needed, cell *decode, cell *prefill,
               const eval_result *x, double best)
{
    cell_textf(v, verdict, "%s%s", fc_verdict_name(x->e.verdict),
               x->e.needs_wired_limit_raise && x->e.fits ? "*" : "");
    cell_raw(v, verdict, fc_verdict_name(x->e.verdict));
    cell_num(v, needed, x->e.gpu_needed_bytes / GIB, 1, NULL);
    if (x->e.verdict == FC_VERDICT_NO)
        return;
    char b[32];
    fmt_tps(b, sizeof b, x->e.decode_tokens_per_s);
    cell_num(v, decode, x->e.decode_tokens_per_s, 1, b);
    decode->bar = best > 0 ? x->e.decode_tokens_per_s / best : 0;
    fmt_tps(b, sizeof b, x->e.prefill_tokens_per_s);
    cell_num(v, prefill, x->e.prefill_tokens_per_s, 1, b);
}

/* fits first, then offload, then no; faster first within each */
static int rank(const eval_result *a)
{
    if (!a->ok)
        return 3;
    return a->e.fits ? 0 : a->e.verdict == FC_VERDICT_OFFLOAD ? 1 : 2;
}

static int by_speed(const void *pa, const void *pb)
{
    const eval_result *a = *(const eval_result *const *)pa, *b = *(const eval_result *const *)pb;
    int ra = rank(a), rb = rank(b);
    if (ra != rb)
        return ra - rb;
    double da = a->e.decode_tokens_per_s, db = b->e.decode_tokens_per_s;
    return da > db ? -1 : da < db ? 1 : strcmp(a->r.hardware->info.id, b->r.hardware->info.id);
}

/* The chart above the device table: decode speed of its first CHART_DEVICES
 * rows (the fastest that fit come first), each with the quant it would use;
 * with --all a device the model does not fit on gets an empty bar. */
#define CHART_DEVICES 20
static void speed_chart(view *v, const eval_result *const *ev, size_t n, bool all)
{
    size_t shown = 0;
    for (size_t i = 0; i < n; i++)
        if (all || ev[i]->e.verdict != FC_VERDICT_NO)
            shown++;
    char title[128];
    if (shown > CHART_DEVICES)
        snprintf(title, sizeof title, "Decode speed, top %d of the %zu devices below",
                 CHART_DEVICES, shown);
    else
        snprintf(title, sizeof title, "Decode speed by device");
    static const char *const series[] = { "decode" };
    block *ch = view_chart(v, title, "tok/s", 1, series);
    int added = 0;
    for (size_t i = 0; i < n && added < CHART_DEVICES; i++) {
        const eval_result *x = ev[i];
        if (!all && x->e.verdict == FC_VERDICT_NO)
            continue;
        bool runs = x->e.verdict != FC_VERDICT_NO;
        double value = runs ? x->e.decode_tokens_per_s : 0;
        char note[64];
        snprintf(note, sizeof note, "%s%s", runs ? quant_label(x->r.quant) : "",
                 !runs                                ? ""
                 : x->e.verdict == FC_VERDICT_OFFLOAD ? ", offload"
                 : x->e.needs_wired_limit_raise       ? "*"
                                                      : "");
        const char *notes[] = { note };
        chart_add(v, ch, x->r.hardware->info.name, &value, notes);
        added++;
    }
}

int cmd_model(cli *c, view *v)
{
    fc_request tmpl;
    bool auto_quant;
    int rc = cli_request(c, NULL, c->a.pos[0], &tmpl, &auto_quant);
    if (rc != EXIT_OK)
        return rc;
    const fc_model *m = tmpl.model;
    const char *vendor = arg_value(&c->a, OPT_CMD + 1);
    const char *minmem = arg_value(&c->a, OPT_CMD + 2);
    double min_gb = 0;
    if (minmem && parse_double(minmem, 0, 1e6, &min_gb) != 0)
        return cli_error(c, "--min-memory takes a size in GiB, not '%s'", minmem);
    bool all = arg_flag(&c->a, OPT_CMD + 30);

    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "model");
    cJSON_AddItemToObject(v->json, "model", json_entry(FC_KIND_MODEL, m));
    cJSON_AddNumberToObject(v->json, "context", (double)tmpl.context);
    json_str(v->json, "quant", auto_quant ? "auto" : tmpl.quant->info.id);

    view_heading(v, "%s (%s): %.4g B parameters%s, %s, %d layers, native context %ld",
                 m->info.name, m->info.id, m->params_b,
                 m->moe_experts ? "" : "", arch_names[m->arch], m->layers, m->context);
    if (m->moe_experts)
        view_text(v, "Mixture of experts: %d of %d experts per token, %.3g B parameters read "
                     "per token", m->moe_experts_per_token, m->moe_experts, m->active_params_b);

    /* memory by quant: weights and KV at the context asked for */
    static const char *const mspec[] = { "Quant|quant", "Bits/weight|bpw|r",
                                         "Weights GiB|weights_gib|r", "KV cache GiB|kv_cache_gib|r",
                                         "Weights + KV GiB|total_gib|r" };
    char title[128];
    snprintf(title, sizeof title, "Memory at %ld tokens of context (%s KV cache)", tmpl.context,
             fc_kv_type_name(tmpl.kv_type));
    block *mt = view_table(v, title, 5, mspec);
    cJSON *jm = cJSON_AddArrayToObject(v->json, "memory_by_quant");
    double kv = fc_kv_cache_bytes(m, tmpl.context, tmpl.kv_type) + m->hybrid_state_bytes;
    for (size_t i = 0; i < fc_catalog_count(c->cat, FC_KIND_QUANT); i++) {
        const fc_quant *q = fc_catalog_quant(c->cat, i);
        bool listed = m->quants.count == 0 ? q->ladder > 0 && strcmp(q->format, "gguf") == 0 : false;
        for (size_t k = 0; k < m->quants.count; k++)
            listed = listed || strcmp(m->quants.items[k], q->info.id) == 0;
        if (!auto_quant)
            listed = q == tmpl.quant;
        if (!listed)
            continue;
        /* the estimator's weights figure, without a device's overheads */
        fc_request r = tmpl;
        r.quant = q;
        r.hardware = fc_catalog_hardware(c->cat, 0);
        r.backend = fc_find_backend(c->cat, r.hardware->backend, NULL);
        fc_estimate e;
        if (!r.backend || fc_estimate_run(&r, &e, NULL) != FC_OK)
            continue;
        cell *row = table_row(v, mt);
        if (!row)
            break;
        cell_text(v, &row[0], q->info.name);
        cell_num(v, &row[1], q->bpw, 2, NULL);
        cell_num(v, &row[2], e.weights_bytes / GIB, 2, NULL);
        cell_num(v, &row[3], kv / GIB, 2, NULL);
        cell_num(v, &row[4], (e.weights_bytes + kv) / GIB, 2, NULL);
        cJSON *o = cJSON_CreateObject();
        json_str(o, "quant", q->info.id);
        json_num(o, "bits_per_weight", q->bpw, 4);
        json_num(o, "weights_bytes", e.weights_bytes, 0);
        json_num(o, "kv_cache_bytes", kv, 0);
        cJSON_AddItemToArray(jm, o);
    }

    /* every device */
    size_t nh = fc_catalog_count(c->cat, FC_KIND_HARDWARE);
    /* the results stay where they are (9 KB each); the order is by pointer */
    eval_result *ev = calloc(nh ? nh : 1, sizeof *ev);
    const eval_result **ord = calloc(nh ? nh : 1, sizeof *ord);
    if (!ev || !ord) {
        free(ev);
        free(ord);
        return cli_error(c, "out of memory");
    }
    size_t n = 0;
    for (size_t i = 0; i < nh; i++) {
        const fc_hardware *hw = fc_catalog_hardware(c->cat, i);
        if (vendor && strcasecmp(vendor, hw->vendor) != 0)
            continue;
        if (hw->memory_gb < min_gb)
            continue;
        if (cli_eval(c, &tmpl, hw, 0, m, auto_quant, &ev[n]))
            n++;
    }
    for (size_t i = 0; i < n; i++)
        ord[i] = &ev[i];
    qsort(ord, n, sizeof *ord, by_speed);
    double best = 0;
    for (size_t i = 0; i < n; i++)
        if (ord[i]->e.verdict != FC_VERDICT_NO && ord[i]->e.decode_tokens_per_s > best)
            best = ord[i]->e.decode_tokens_per_s;
    speed_chart(v, ord, n, all);
    static const char *const dspec[] = {
        "Device|hardware_id|v", "hardware_id|hardware_id|x", "Memory GiB|memory_gib|r",
        "Verdict|verdict", "Quant|quant", "Needs GiB|gpu_needed_gib|r",
        "Decode t/s|decode_tokens_per_s|rb", "Prefill t/s|prefill_tokens_per_s|r",
        "TTFT s|time_to_first_token_s|r" };
    snprintf(title, sizeof title, "Devices (%s; prompt %ld, generate %ld)",
             auto_quant ? "best quant that fits" : tmpl.quant->info.name, tmpl.prompt, tmpl.gen);
    block *t = view_table(v, title, 9, dspec);
    t->primary = true;
    cJSON *jd = cJSON_AddArrayToObject(v->json, "devices");
    int shown = 0, fitting = 0, raise = 0;
    for (size_t i = 0; i < n; i++) {
        const eval_result *x = ord[i];
        if (x->e.fits)
            fitting++;
        if (x->e.fits && x->e.needs_wired_limit_raise)
            raise++;
        if (!all && x->e.verdict == FC_VERDICT_NO)
            continue;
        cell *row = table_row(v, t);
        if (!row)
            break;
        shown++;
        cell_text(v, &row[0], x->r.hardware->info.name);
        cell_text(v, &row[1], x->r.hardware->info.id);
        cell_num(v, &row[2], x->r.hardware->memory_gb, 0, NULL);
        cell_text(v, &row[4], x->r.quant->info.name);
        cell_raw(v, &row[4], x->r.quant->info.id);
        fit_cells(v, &row[3], &row[5], &row[6], &row[7], x, best);
        if (x->e.verdict != FC_VERDICT_NO)
            cell_num(v, &row[8], x->e.time_to_first_token_s, 3, NULL);
        cJSON *o = json_estimate(&x->r, &x->e);
        cJSON_AddItemToArray(jd, o);
    }
    cJSON_AddNumberToObject(v->json, "devices_fitting", fitting);
    view_text(v, "Fits entirely in GPU memory on %d of %zu devices%s.", fitting, n,
              all ? "" : "; add --all for the devices it does not fit on");
    if (tmpl.users > 1)
        view_text(v, "%d users decoded together (continuous batching), %ld tokens of context "
                     "each; speeds are per user.", tmpl.users, tmpl.context);
    if (raise)
        view_text(v, "* fits on Apple silicon once the GPU memory limit is raised "
                     "(sudo sysctl iogpu.wired_limit_mb=...; see 'fitcheck estimate').");
    (void)shown;
    free(ord);
    free(ev);
    return EXIT_OK;
}
