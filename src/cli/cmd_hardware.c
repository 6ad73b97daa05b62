/* cmd_hardware.c - 'fitcheck hardware H': what a machine can run. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define GIB 1073741824.0

static int by_size(const void *pa, const void *pb)
{
    const eval_result *a = pa, *b = pb;
    int ra = a->e.fits ? 0 : a->e.verdict == FC_VERDICT_OFFLOAD ? 1 : 2;
    int rb = b->e.fits ? 0 : b->e.verdict == FC_VERDICT_OFFLOAD ? 1 : 2;
    if (ra != rb)
        return ra - rb;
    double pa_ = a->r.model->params_b, pb_ = b->r.model->params_b;
    if (pa_ != pb_)
        return pa_ > pb_ ? -1 : 1;
    return strcmp(a->r.model->info.id, b->r.model->info.id);
}

int cmd_hardware(cli *c, view *v)
{
    if (arg_flag(&c->a, OPT_CMD + 60)) /* --detect: detect.c */
        return cmd_detect(c, v);
    fc_request tmpl;
    bool auto_quant;
    int rc = cli_request(c, c->a.pos[0], NULL, &tmpl, &auto_quant);
    if (rc != EXIT_OK)
        return rc;
    const fc_hardware *hw = tmpl.hardware;
    double min_tps = 0;
    const char *s = arg_value(&c->a, OPT_CMD + 40);
    if (s && parse_double(s, 0, 1e9, &min_tps) != 0)
        return cli_error(c, "--min-tps takes a number of tokens per second, not '%s'", s);
    bool all = arg_flag(&c->a, OPT_CMD + 30);

    size_t nm = fc_catalog_count(c->cat, FC_KIND_MODEL);
    eval_result *ev = calloc(nm ? nm : 1, sizeof *ev);
    if (!ev)
        return cli_error(c, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < nm; i++)
        if (cli_eval(c, &tmpl, hw, 0, fc_catalog_model(c->cat, i), auto_quant, &ev[n]))
            n++;
    qsort(ev, n, sizeof *ev, by_size);

    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "hardware");
    cJSON *jh = json_entry(FC_KIND_HARDWARE, hw);
    cJSON_AddNumberToObject(jh, "count", tmpl.gpus);
    cJSON_AddItemToObject(v->json, "hardware", jh);
    cJSON_AddNumberToObject(v->json, "context", (double)tmpl.context);
    cJSON_AddNumberToObject(v->json, "min_tokens_per_s", min_tps);

    char who[320];
    setup_label(who, sizeof who, &tmpl, false);
    view_heading(v, "What %s can run", who);
    if (tmpl.n_others > 0 || tmpl.nodes > 1) {
        double mem = hw->memory_gb * tmpl.gpus;
        for (int i = 0; i < tmpl.n_others; i++)
            mem += tmpl.others[i]->memory_gb;
        int machines = tmpl.nodes > 1 ? tmpl.nodes : 1;
        view_text(v, "%.4g GiB in all on %d devices%s, %s backend; context %ld tokens, prompt "
                     "%ld, generate %ld.",
                  mem * machines, (tmpl.gpus + tmpl.n_others) * machines,
                  machines > 1 ? " in several machines" : "", tmpl.backend->info.id,
                  tmpl.context, tmpl.prompt, tmpl.gen);
    } else {
        view_text(v, "%.4g GiB %s at %.4g GB/s, %.4g FP16 TFLOPS, %s backend; context %ld "
                     "tokens, prompt %ld, generate %ld.",
                  hw->memory_gb, hw->memory_type, hw->bandwidth_gbs, hw->fp16_tflops,
                  tmpl.backend->info.id, tmpl.context, tmpl.prompt, tmpl.gen);
    }
    if (tmpl.users > 1)
        view_text(v, "%d users decoded together (continuous batching), each with the context "
                     "above; speeds are per user.", tmpl.users);
    double best = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].e.verdict != FC_VERDICT_NO && ev[i].e.decode_tokens_per_s > best)
            best = ev[i].e.decode_tokens_per_s;
    static const char *const spec[] = {
        "Model|model_name|v", "model_id|model_id|x", "Params B|params_b|r", "Quant|quant",
        "Verdict|verdict", "Needs GiB|gpu_needed_gib|r", "Decode t/s|decode_tokens_per_s|rb",
        "Prefill t/s|prefill_tokens_per_s|r", "Max context|max_context|r" };
    block *t = view_table(v, NULL, 9, spec);
    t->primary = true;
    cJSON *jm = cJSON_AddArrayToObject(v->json, "models");
    int fitting = 0, listed = 0;
    for (size_t i = 0; i < n; i++) {
        const eval_result *x = &ev[i];
        if (x->e.fits)
            fitting++;
        if (!all && !x->e.fits)
            continue;
        if (x->e.verdict == FC_VERDICT_NO && !all)
            continue;
        if (min_tps > 0 && (x->e.verdict == FC_VERDICT_NO || x->e.decode_tokens_per_s < min_tps))
            continue;
        cell *row = table_row(v, t);
        if (!row)
            break;
        listed++;
        cell_text(v, &row[0], x->r.model->info.name);
        cell_text(v, &row[1], x->r.model->info.id);
        cell_num(v, &row[2], x->r.model->params_b, x->r.model->params_b < 10 ? 2 : 1, NULL);
        cell_text(v, &row[3], x->r.quant->info.name);
        cell_raw(v, &row[3], x->r.quant->info.id);
        fit_cells(v, &row[4], &row[5], &row[6], &row[7], x, best);
        cell_num(v, &row[8], (double)x->e.max_context, 0, NULL);
        cJSON_AddItemToArray(jm, json_estimate(&x->r, &x->e));
    }
    cJSON_AddNumberToObject(v->json, "models_fitting", fitting);
    view_text(v, "%d of %zu models fit entirely in GPU memory%s%s.", fitting, n,
              min_tps > 0 ? "; listed: those at or above --min-tps" : "",
              all ? "" : " (--all adds the ones that need offload or do not fit)");
    free(ev);
    return EXIT_OK;
}
