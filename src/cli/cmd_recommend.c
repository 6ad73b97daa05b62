/* cmd_recommend.c - 'fitcheck recommend': which hardware to get for a model
 * (cheapest that meets the target first, single and multi-GPU), or which
 * models suit a machine (largest that meets the target, best quant, grouped
 * by size). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define GIB 1073741824.0

const opt_spec recommend_opts[] = {
    { "model", 'm', OPT_MODEL, "M", "which hardware runs this model (id, config.json or GGUF)" },
    { "hardware", 'H', OPT_HARDWARE, "H", "which models suit this machine (or 'local')" },
    { "min-tps", 0, OPT_CMD + 40, "T", "decode at least this many tokens/s" },
    { "budget", 0, OPT_CMD + 50, "USD", "--model: at most this price (whole setup, USD)" },
    { "max-gpus", 0, OPT_CMD + 51, "N", "--model: consider up to N devices (1, 2, 4, 8; default 8)" },
    { "all", 'a', OPT_CMD + 30, NULL, "list every match, not only the first ones" },
    { NULL, 0, 0, NULL, NULL },
};

/* The highest-precision quant of m on (hw x gpus) that fits in GPU memory
 * and decodes at min_tps or more. */
static bool best_meeting(cli *c, const fc_request *tmpl, const fc_hardware *hw, int gpus,
                         const fc_model *m, bool auto_quant, double min_tps, eval_result *out)
{
    if (!cli_eval(c, tmpl, hw, gpus, m, auto_quant, out) || !out->e.fits)
        return false;
    if (out->e.decode_tokens_per_s >= min_tps)
        return true;
    if (!auto_quant)
        return false;
    const fc_quant *ladder[64];
    size_t nl = cli_quant_ladder(c, &out->r, ladder, 64);
    for (size_t i = 0; i < nl; i++) {
        if (ladder[i]->bpw >= out->r.quant->bpw)
            continue;
        fc_request t = out->r;
        fc_estimate e;
        t.quant = ladder[i];
        if (fc_estimate_run(&t, &e, NULL) == FC_OK && e.fits && e.decode_tokens_per_s >= min_tps) {
            out->r = t;
            out->e = e;
            return true;
        }
    }
    return false;
}

typedef struct hw_pick {
    eval_result ev;
    double price; /* whole setup, 0 = unknown */
} hw_pick;

static int by_price(const void *pa, const void *pb)
{
    const hw_pick *a = pa, *b = pb;
    if ((a->price > 0) != (b->price > 0))
        return a->price > 0 ? -1 : 1;
    if (a->price != b->price)
        return a->price < b->price ? -1 : 1;
    /* unknown prices: least memory first, then fastest */
    double ma = a->ev.r.hardware->memory_gb * a->ev.r.gpus;
    double mb = b->ev.r.hardware->memory_gb * b->ev.r.gpus;
    if (ma != mb)
        return ma < mb ? -1 : 1;
    if (a->ev.e.decode_tokens_per_s != b->ev.e.decode_tokens_per_s)
        return a->ev.e.decode_tokens_per_s > b->ev.e.decode_tokens_per_s ? -1 : 1;
    return strcmp(a->ev.r.hardware->info.id, b->ev.r.hardware->info.id);
}

static int for_model(cli *c, view *v, const char *model, double min_tps)
{
    fc_request tmpl;
    bool auto_quant;
    int rc = cli_request(c, NULL, model, &tmpl, &auto_quant);
    if (rc != EXIT_OK)
        return rc;
    const fc_model *m = tmpl.model;
    double budget = 0;
    long max_gpus = 8;
    const char *s;
    if ((s = arg_value(&c->a, OPT_CMD + 50)) && parse_double(s, 1, 1e9, &budget) != 0)
        return cli_error(c, "--budget takes a price in US dollars, not '%s'", s);
    if ((s = arg_value(&c->a, OPT_CMD + 51)) && parse_long(s, 1, 8, false, &max_gpus) != 0)
        return cli_error(c, "--max-gpus takes a number between 1 and 8, not '%s'", s);
    bool fixed_gpus = arg_value(&c->a, OPT_GPUS) != NULL;
    bool all = arg_flag(&c->a, OPT_CMD + 30);

    size_t nh = fc_catalog_count(c->cat, FC_KIND_HARDWARE);
    hw_pick *picks = calloc(nh ? nh : 1, sizeof *picks);
    if (!picks)
        return cli_error(c, "out of memory");
    size_t n = 0;
    static const int counts[] = { 1, 2, 4, 8 };
    for (size_t i = 0; i < nh; i++) {
        const fc_hardware *hw = fc_catalog_hardware(c->cat, i);
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
            int g = fixed_gpus ? tmpl.gpus : counts[k];
            if (g > max_gpus && !fixed_gpus)
                break;
            /* several unified-memory machines are not one pool */
            if (g > 1 && (hw->unified_memory || strcmp(hw->category, "laptop_gpu") == 0 ||
                          strcmp(hw->category, "edge_soc") == 0))
                break;
            if (best_meeting(c, &tmpl, hw, g, m, auto_quant, min_tps, &picks[n].ev)) {
                picks[n].price = hw->price_usd > 0 ? hw->price_usd * g : 0;
                if (budget <= 0 || (picks[n].price > 0 && picks[n].price <= budget))
                    n++;
                break; /* the fewest devices that meet it */
            }
            if (fixed_gpus)
                break;
        }
    }
    qsort(picks, n, sizeof *picks, by_price);

    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "recommend");
    json_str(v->json, "mode", "hardware_for_model");
    cJSON *jm = cJSON_AddObjectToObject(v->json, "model");
    json_str(jm, "id", m->info.id);
    json_str(jm, "name", m->info.name);
    json_num(jm, "params_b", m->params_b, 3);
    cJSON_AddNumberToObject(v->json, "context", (double)tmpl.context);
    json_num(v->json, "min_tokens_per_s", min_tps, 3);
    json_num(v->json, "budget_usd", budget, 0);
    cJSON_AddNumberToObject(v->json, "matches", (double)n);
    cJSON *ja = cJSON_AddArrayToObject(v->json, "options");

    view_heading(v, "Hardware for %s", m->info.name);
    view_text(v, "Setups that hold it entirely in GPU memory at %ld tokens of context%s%s, "
                 "cheapest first (launch prices; setups without a known price follow, "
                 "smallest first), with the highest-precision quant that meets the target. "
                 "%zu setup%s match.",
              tmpl.context, min_tps > 0 ? " and decode at the required speed" : "",
              budget > 0 ? " within the budget" : "", n, n == 1 ? "" : "s");
    static const char *const spec[] = {
        "#|rank|r", "Hardware|hardware_name|v", "hardware_id|hardware_id|x", "Count|count|r",
        "Quant|quant", "Decode t/s|decode_tokens_per_s|rb", "Prefill t/s|prefill_tokens_per_s|r",
        "Needs GiB|gpu_needed_gib|r", "Memory GiB|memory_gib|r", "Price USD|price_usd|r" };
    block *t = view_table(v, NULL, 10, spec);
    t->primary = true;
    double best = 0;
    for (size_t i = 0; i < n; i++)
        if (picks[i].ev.e.decode_tokens_per_s > best)
            best = picks[i].ev.e.decode_tokens_per_s;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        const hw_pick *pk = &picks[i];
        const fc_request *r = &pk->ev.r;
        const fc_estimate *e = &pk->ev.e;
        cJSON *jo = cJSON_CreateObject();
        cJSON_AddNumberToObject(jo, "rank", (double)i + 1);
        cJSON *jh = cJSON_AddObjectToObject(jo, "hardware");
        json_str(jh, "id", r->hardware->info.id);
        json_str(jh, "name", r->hardware->info.name);
        cJSON_AddNumberToObject(jo, "count", r->gpus);
        json_str(jo, "quant", r->quant->info.id);
        json_str(jo, "verdict", fc_verdict_name(e->verdict));
        json_num(jo, "decode_tokens_per_s", e->decode_tokens_per_s, 2);
        json_num(jo, "prefill_tokens_per_s", e->prefill_tokens_per_s, 2);
        json_num(jo, "gpu_needed_bytes", e->gpu_needed_bytes, 0);
        if (pk->price > 0)
            json_num(jo, "price_usd", pk->price, 0);
        else
            cJSON_AddNullToObject(jo, "price_usd");
        cJSON_AddItemToArray(ja, jo);
        if (!all && shown >= 25)
            continue;
        shown++;
        cell *row = table_row(v, t);
        if (!row)
            break;
        char b[64];
        cell_num(v, &row[0], (double)i + 1, 0, NULL);
        cell_text(v, &row[1], r->hardware->info.name);
        cell_text(v, &row[2], r->hardware->info.id);
        cell_num(v, &row[3], r->gpus, 0, NULL);
        cell_text(v, &row[4], r->quant->info.name);
        cell_raw(v, &row[4], r->quant->info.id);
        fmt_tps(b, sizeof b, e->decode_tokens_per_s);
        cell_num(v, &row[5], e->decode_tokens_per_s, 1, b);
        row[5].bar = best > 0 ? e->decode_tokens_per_s / best : 0;
        cell_num(v, &row[6], e->prefill_tokens_per_s, 1, NULL);
        cell_num(v, &row[7], e->gpu_needed_bytes / GIB, 2, NULL);
        cell_num(v, &row[8], r->hardware->memory_gb * r->gpus, 0, NULL);
        if (pk->price > 0)
            cell_num(v, &row[9], pk->price, 0, NULL);
        else
            cell_text(v, &row[9], "-");
    }
    if (!all && n > shown)
        view_text(v, "%zu more: --all lists them.", n - shown);
    if (n == 0)
        view_text(v, "Nothing in the catalog meets it%s.",
                  budget > 0 ? " within the budget (setups without a known price are left out "
                               "when a budget is given)"
                             : "");
    free(picks);
    return EXIT_OK;
}

static const char *size_group(double b)
{
    return b < 4 ? "under 4B" : b < 10 ? "4-10B" : b < 20 ? "10-20B" : b < 40 ? "20-40B"
           : b < 80 ? "40-80B" : b < 200 ? "80-200B" : "200B and up";
}

static int by_size_desc(const void *pa, const void *pb)
{
    const eval_result *a = pa, *b = pb;
    if (a->r.model->params_b != b->r.model->params_b)
        return a->r.model->params_b > b->r.model->params_b ? -1 : 1;
    if (a->r.quant->bpw != b->r.quant->bpw)
        return a->r.quant->bpw > b->r.quant->bpw ? -1 : 1;
    return strcmp(a->r.model->info.id, b->r.model->info.id);
}

static int for_hardware(cli *c, view *v, const char *hw_name, double min_tps)
{
    fc_request tmpl;
    bool auto_quant;
    int rc = cli_request(c, hw_name, NULL, &tmpl, &auto_quant);
    if (rc != EXIT_OK)
        return rc;
    if (arg_value(&c->a, OPT_CMD + 50))
        return cli_error(c, "--budget applies to --model (which hardware to buy)");
    bool all = arg_flag(&c->a, OPT_CMD + 30);
    const fc_hardware *hw = tmpl.hardware;
    size_t nm = fc_catalog_count(c->cat, FC_KIND_MODEL);
    eval_result *ev = calloc(nm ? nm : 1, sizeof *ev);
    if (!ev)
        return cli_error(c, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < nm; i++) {
        const fc_model *m = fc_catalog_model(c->cat, i);
        if (m->same_as) /* variants share the architecture of an entry listed anyway */
            continue;
        if (best_meeting(c, &tmpl, hw, 0, m, auto_quant, min_tps, &ev[n]))
            n++;
    }
    qsort(ev, n, sizeof *ev, by_size_desc);

    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "recommend");
    json_str(v->json, "mode", "models_for_hardware");
    cJSON *jh = cJSON_AddObjectToObject(v->json, "hardware");
    json_str(jh, "id", hw->info.id);
    json_str(jh, "name", hw->info.name);
    cJSON_AddNumberToObject(jh, "count", tmpl.gpus);
    cJSON_AddNumberToObject(v->json, "context", (double)tmpl.context);
    json_num(v->json, "min_tokens_per_s", min_tps, 3);
    cJSON *jg = cJSON_AddArrayToObject(v->json, "groups");
    cJSON *jall = cJSON_AddArrayToObject(v->json, "models");

    char gpus[32] = "";
    if (tmpl.gpus > 1)
        snprintf(gpus, sizeof gpus, "%d x ", tmpl.gpus);
    view_heading(v, "Models for %s%s", gpus, hw->info.name);
    view_text(v, "Models that run entirely in GPU memory at %ld tokens of context%s, largest "
                 "first in each size group, each with the highest-precision quant that meets "
                 "the target.",
              tmpl.context, min_tps > 0 ? " and decode at the required speed" : "");
    static const char *const spec[] = {
        "Size|size_group", "Model|model_name|v", "model_id|model_id|x", "Params B|params_b|r",
        "Quant|quant", "Decode t/s|decode_tokens_per_s|rb", "Needs GiB|gpu_needed_gib|r",
        "Max context|max_context|r" };
    block *t = view_table(v, NULL, 8, spec);
    t->primary = true;
    double best = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].e.decode_tokens_per_s > best)
            best = ev[i].e.decode_tokens_per_s;
    static const char *const order[] = { "200B and up", "80-200B", "40-80B", "20-40B",
                                         "10-20B", "4-10B", "under 4B" };
    for (size_t g = 0; g < sizeof order / sizeof order[0]; g++) {
        cJSON *grp = NULL, *gm = NULL;
        int in_group = 0;
        for (size_t i = 0; i < n; i++) {
            const eval_result *x = &ev[i];
            if (strcmp(size_group(x->r.model->params_b), order[g]) != 0)
                continue;
            if (!grp) {
                grp = cJSON_CreateObject();
                json_str(grp, "size", order[g]);
                gm = cJSON_AddArrayToObject(grp, "models");
                cJSON_AddItemToArray(jg, grp);
            }
            cJSON *jo = cJSON_CreateObject();
            json_str(jo, "id", x->r.model->info.id);
            json_str(jo, "name", x->r.model->info.name);
            json_num(jo, "params_b", x->r.model->params_b, 3);
            json_str(jo, "size_group", order[g]);
            json_str(jo, "quant", x->r.quant->info.id);
            json_num(jo, "decode_tokens_per_s", x->e.decode_tokens_per_s, 2);
            json_num(jo, "gpu_needed_bytes", x->e.gpu_needed_bytes, 0);
            cJSON_AddNumberToObject(jo, "max_context", (double)x->e.max_context);
            cJSON_AddItemToArray(gm, cJSON_Duplicate(jo, true));
            cJSON_AddItemToArray(jall, jo);
            if (!all && in_group >= 5)
                continue;
            in_group++;
            cell *row = table_row(v, t);
            if (!row)
                break;
            char b[64];
            cell_text(v, &row[0], order[g]);
            cell_text(v, &row[1], x->r.model->info.name);
            cell_text(v, &row[2], x->r.model->info.id);
            cell_num(v, &row[3], x->r.model->params_b, 1, NULL);
            cell_text(v, &row[4], x->r.quant->info.name);
            cell_raw(v, &row[4], x->r.quant->info.id);
            fmt_tps(b, sizeof b, x->e.decode_tokens_per_s);
            cell_num(v, &row[5], x->e.decode_tokens_per_s, 1, b);
            row[5].bar = best > 0 ? x->e.decode_tokens_per_s / best : 0;
            cell_num(v, &row[6], x->e.gpu_needed_bytes / GIB, 2, NULL);
            cell_num(v, &row[7], (double)x->e.max_context, 0, NULL);
        }
    }
    if (n == 0)
        view_text(v, "No model in the catalog meets it.");
    else if (!all)
        view_text(v, "At most 5 per size group: --all lists every match.");
    free(ev);
    return EXIT_OK;
}

int cmd_recommend(cli *c, view *v)
{
    const char *model = arg_value(&c->a, OPT_MODEL);
    const char *hw = arg_value(&c->a, OPT_HARDWARE);
    if ((model != NULL) == (hw != NULL))
        return cli_error(c, "needs either --model (which hardware to get) or --hardware "
                            "(which models suit it)");
    double min_tps = 0;
    const char *s = arg_value(&c->a, OPT_CMD + 40);
    if (s && parse_double(s, 0, 1e9, &min_tps) != 0)
        return cli_error(c, "--min-tps takes a number of tokens per second, not '%s'", s);
    return model ? for_model(c, v, model, min_tps) : for_hardware(c, v, hw, min_tps);
}
