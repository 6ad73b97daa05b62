/* cmd_compare.c - 'fitcheck compare A B': the side-by-side page. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define GIB 1073741824.0

typedef struct side {
    const fc_hardware *hw;
    int gpus;
    fc_request tmpl; /* the request template with this side's devices */
    char label[320]; /* "2 x NVIDIA GeForce RTX 4090" */
    char id[320];    /* "rtx4090+rtx3090": column headers */
    int native, raised;
} side;

/* "rtx4090", "rtx4090x2" for two of them, "rtx4090,rtx3090" for a mixed box */
static int resolve_side(cli *c, const char *name, const fc_request *tmpl, bool gpus_given,
                        side *s)
{
    setup su;
    int rc = cli_parse_setup(c, name, gpus_given ? tmpl->gpus : 0, &su);
    if (rc != EXIT_OK)
        return rc;
    s->hw = su.hw;
    s->gpus = su.gpus;
    s->tmpl = *tmpl;
    s->tmpl.hardware = su.hw;
    s->tmpl.gpus = su.gpus;
    s->tmpl.n_others = su.n_others;
    memcpy(s->tmpl.others, su.others, sizeof su.others);
    if (su.n_others > 0 && tmpl->split == FC_SPLIT_TENSOR)
        return cli_error(c, "compare: --split tensor needs identical devices; '%s' mixes GPUs",
                         name);
    setup_label(s->label, sizeof s->label, &s->tmpl, false);
    if (s->tmpl.n_others > 0 || s->tmpl.nodes > 1)
        setup_label(s->id, sizeof s->id, &s->tmpl, true);
    else
        snprintf(s->id, sizeof s->id, "%s", s->hw->info.id);
    return EXIT_OK;
}

/* a per-device figure summed over one side's devices, all machines; 0 when
 * any device's figure is unknown (0) */
static double side_total(const side *s, double (*get)(const fc_hardware *))
{
    double t = get(s->hw) * s->gpus;
    bool known = get(s->hw) > 0;
    for (int i = 0; i < s->tmpl.n_others; i++) {
        t += get(s->tmpl.others[i]);
        known = known && get(s->tmpl.others[i]) > 0;
    }
    return known ? t * (s->tmpl.nodes > 1 ? s->tmpl.nodes : 1) : 0.0;
}

static double hw_memory(const fc_hardware *h) { return h->memory_gb; }
static double hw_tflops(const fc_hardware *h) { return h->fp16_tflops; }
static double hw_watts(const fc_hardware *h) { return h->power_w; }
static double hw_price(const fc_hardware *h) { return h->price_usd; }
static double usable_gb(const fc_hardware *h)
{
    return h->unified_memory ? (h->gpu_usable_default_gb > 0 ? h->gpu_usable_default_gb
                                                             : h->memory_gb * 0.75)
                             : h->memory_gb;
}

static const char *const headline_ids[] = {
    "llama3.3-70b", "qwen3-32b", "gemma3-27b", "qwen3-30b-a3b", "gpt-oss-20b",
    "gpt-oss-120b", "mixtral-8x7b", "llama3.1-8b", "deepseek-r1", NULL };

static void delta_cell(view *v, cell *cl, const eval_result *a, const eval_result *b)
{
    bool ra = a->ok && a->e.fits, rb = b->ok && b->e.fits;
    if (ra && rb && b->e.decode_tokens_per_s > 0) {
        double d = (a->e.decode_tokens_per_s / b->e.decode_tokens_per_s - 1.0) * 100.0;
        char t[32];
        snprintf(t, sizeof t, "%+.0f%%", d);
        cell_num(v, cl, d, 1, t);
    }
}

static cJSON *side_json(const eval_result *x)
{
    cJSON *o = cJSON_CreateObject();
    json_str(o, "verdict", x->ok ? fc_verdict_name(x->e.verdict) : "no");
    cJSON_AddBoolToObject(o, "fits", x->ok && x->e.fits);
    json_str(o, "quant", x->ok ? x->r.quant->info.id : NULL);
    json_num(o, "decode_tokens_per_s", x->ok && x->e.verdict != FC_VERDICT_NO ? x->e.decode_tokens_per_s : 0, 2);
    json_num(o, "prefill_tokens_per_s", x->ok && x->e.verdict != FC_VERDICT_NO ? x->e.prefill_tokens_per_s : 0, 2);
    json_num(o, "gpu_needed_bytes", x->ok ? x->e.gpu_needed_bytes : 0, 0);
    cJSON_AddBoolToObject(o, "needs_wired_limit_raise", x->ok && x->e.needs_wired_limit_raise);
    return o;
}

typedef struct spec_row {
    const char *label, *key;
    double a, b;
    int dec;
    const char *unit;
    int better; /* 1 higher is better, -1 lower, 0 neither */
} spec_row;

static void add_spec(view *v, block *t, cJSON *js, const spec_row *s)
{
    cell *row = table_row(v, t);
    if (!row)
        return;
    cell_text(v, &row[0], s->label);
    cJSON *o = cJSON_AddObjectToObject(js, s->key);
    for (int k = 0; k < 2; k++) {
        double x = k ? s->b : s->a;
        if (x > 0) {
            char buf[64];
            snprintf(buf, sizeof buf, "%.*f%s%s", s->dec, x, s->unit ? " " : "", s->unit ? s->unit : "");
            cell_num(v, &row[1 + k], x, s->dec, buf);
            json_num(o, k ? "b" : "a", x, s->dec + 2);
        } else {
            cell_text(v, &row[1 + k], "-");
            cJSON_AddNullToObject(o, k ? "b" : "a");
        }
    }
    if (s->a > 0 && s->b > 0 && s->a != s->b && strcmp(s->key, "release_year") != 0) {
        double ratio = s->a / s->b;
        cell_num(v, &row[3], ratio, 2, NULL);
        char buf[32];
        snprintf(buf, sizeof buf, "%.2fx", ratio);
        cell_text(v, &row[3], buf);
        row[3].kind = CELL_NUMBER;
        row[3].num = ratio;
        json_num(o, "ratio", ratio, 4);
        if (s->better) {
            bool a_better = s->better > 0 ? s->a > s->b : s->a < s->b;
            row[a_better ? 1 : 2].mark = true;
        }
    }
}

static void add_spec_text(view *v, block *t, cJSON *js, const char *label, const char *key,
                          const char *a, const char *b)
{
    cell *row = table_row(v, t);
    if (!row)
        return;
    cell_text(v, &row[0], label);
    cell_text(v, &row[1], a ? a : "-");
    cell_text(v, &row[2], b ? b : "-");
    cJSON *o = cJSON_AddObjectToObject(js, key);
    json_str(o, "a", a);
    json_str(o, "b", b);
}

static double median(double *x, int n)
{
    if (n == 0)
        return 0;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

static void headline_chart(cli *c, view *v, const side *s, const eval_result *ev);
static void cost_section(cli *c, view *v, const fc_request *tmpl, bool auto_quant,
                         const side *s);

int cmd_compare(cli *c, view *v)
{
    fc_request tmpl;
    bool auto_quant;
    int rc = cli_request(c, NULL, NULL, &tmpl, &auto_quant);
    if (rc != EXIT_OK)
        return rc;
    side s[2];
    memset(s, 0, sizeof s);
    for (int k = 0; k < 2; k++)
        if ((rc = resolve_side(c, c->a.pos[k], &tmpl, arg_value(&c->a, OPT_GPUS) != NULL,
                               &s[k])) != EXIT_OK)
            return rc;
    /* the backend flag must suit both sides, else each uses its own default */
    size_t nm = fc_catalog_count(c->cat, FC_KIND_MODEL);
    eval_result *ev = calloc(2 * (nm ? nm : 1), sizeof *ev);
    if (!ev)
        return cli_error(c, "out of memory");
    for (size_t i = 0; i < nm; i++)
        for (int k = 0; k < 2; k++) {
            cli_eval(c, &s[k].tmpl, s[k].hw, s[k].gpus, fc_catalog_model(c->cat, i), auto_quant,
                     &ev[2 * i + k]);
            if (ev[2 * i + k].ok && ev[2 * i + k].e.fits) {
                s[k].native++;
                if (ev[2 * i + k].e.needs_wired_limit_raise)
                    s[k].raised++;
            }
        }

    int only_a = 0, only_b = 0, both = 0, a_faster = 0;
    double *ratios = calloc(nm ? nm : 1, sizeof *ratios);
    if (!ratios) {
        free(ev);
        return cli_error(c, "out of memory");
    }
    for (size_t i = 0; i < nm; i++) {
        bool ra = ev[2 * i].ok && ev[2 * i].e.fits, rb = ev[2 * i + 1].ok && ev[2 * i + 1].e.fits;
        if (ra && rb) {
            double r = ev[2 * i].e.decode_tokens_per_s / ev[2 * i + 1].e.decode_tokens_per_s;
            if (isfinite(r) && r > 0)
                ratios[both] = r;
            both++;
            if (r > 1)
                a_faster++;
        } else if (ra) {
            only_a++;
        } else if (rb) {
            only_b++;
        }
    }
    double med = median(ratios, both);
    free(ratios);

    /* ---- JSON ---- */
    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "compare");
    cJSON_AddNumberToObject(v->json, "context", (double)tmpl.context);
    cJSON_AddNumberToObject(v->json, "prompt_tokens", (double)tmpl.prompt);
    cJSON_AddNumberToObject(v->json, "gen_tokens", (double)tmpl.gen);
    cJSON_AddNumberToObject(v->json, "users", tmpl.users > 1 ? tmpl.users : 1);
    for (int k = 0; k < 2; k++) {
        cJSON *o = cJSON_AddObjectToObject(v->json, k ? "b" : "a");
        json_str(o, "id", s[k].hw->info.id);
        json_str(o, "name", s[k].hw->info.name);
        cJSON_AddNumberToObject(o, "count", s[k].gpus);
        cJSON_AddNumberToObject(o, "models_native", s[k].native);
        cJSON_AddNumberToObject(o, "models_need_limit_raise", s[k].raised);
    }

    /* ---- quick verdict ---- */
    view_heading(v, "%s vs %s", s[0].label, s[1].label);
    double mem[2], bw[2];
    for (int k = 0; k < 2; k++) {
        const fc_hardware *h = s[k].hw;
        mem[k] = side_total(&s[k], hw_memory);
        bw[k] = h->bandwidth_gbs;
    }
    int cap_winner = s[0].native == s[1].native ? (mem[0] >= mem[1] ? 0 : 1)
                                                 : (s[0].native > s[1].native ? 0 : 1);
    int speed_winner = med >= 1.0 ? 0 : 1;
    double speed_ratio = med >= 1.0 ? med : (med > 0 ? 1.0 / med : 0);
    char verdict[1024];
    int w = snprintf(verdict, sizeof verdict,
                     "%s runs more models: %d natively (vs %d)",
                     s[cap_winner].label, s[cap_winner].native, s[1 - cap_winner].native);
    int excl = cap_winner == 0 ? only_a : only_b;
    if (excl > 0 && w > 0 && (size_t)w < sizeof verdict)
        w += snprintf(verdict + w, sizeof verdict - (size_t)w,
                      ", %d of them out of the other's reach", excl);
    if (fabs(mem[0] - mem[1]) >= 1 && w > 0 && (size_t)w < sizeof verdict)
        w += snprintf(verdict + w, sizeof verdict - (size_t)w, ", with %.0f GiB more memory",
                      fabs(mem[0] - mem[1]));
    if (both > 0 && w > 0 && (size_t)w < sizeof verdict)
        snprintf(verdict + w, sizeof verdict - (size_t)w,
                 ". %s is %.1fx as fast on the %d models both run (median decode speed).",
                 s[speed_winner].label, speed_ratio, both);
    else if (w > 0 && (size_t)w < sizeof verdict)
        snprintf(verdict + w, sizeof verdict - (size_t)w, ".");
    view_text(v, "Quick verdict: %s", verdict);
    json_str(v->json, "verdict", verdict);
    cJSON_AddNumberToObject(v->json, "median_speed_ratio_a_over_b", round_to(med, 4));

    /* ---- specs ---- */
    static const char *const sspec[] = { "Spec|spec", "A|a|r", "B|b|r", "A/B|ratio|r" };
    block *st = view_table(v, "Specs", 4, sspec);
    free(st->cols[1].header);
    free(st->cols[2].header);
    st->cols[1].header = view_strdup(v, s[0].id);
    st->cols[2].header = view_strdup(v, s[1].id);
    cJSON *js = cJSON_AddObjectToObject(v->json, "specs");
    const fc_hardware *A = s[0].hw, *B = s[1].hw;
    double usable[2], tflops[2], watts[2], price[2];
    for (int k = 0; k < 2; k++) {
        usable[k] = side_total(&s[k], usable_gb);
        tflops[k] = side_total(&s[k], hw_tflops);
        watts[k] = side_total(&s[k], hw_watts);
        price[k] = side_total(&s[k], hw_price);
    }
    spec_row rows[] = {
        { "Memory", "memory_gb", mem[0], mem[1], 0, "GiB", 1 },
        { "GPU-usable by default", "gpu_usable_gb", usable[0], usable[1], 1, "GiB", 1 },
        { "Bandwidth", "bandwidth_gbs", bw[0], bw[1], 0, "GB/s", 1 },
        { "FP16 compute", "fp16_tflops", tflops[0], tflops[1], 1, "TFLOPS", 1 },
        { "Power", "power_w", watts[0], watts[1], 0, "W", -1 },
        { "Launch price", "price_usd", price[0], price[1], 0, "USD", -1 },
        { "Released", "release_year", A->release_year, B->release_year, 0, NULL, 0 },
        { "Models (native)", "models_native", s[0].native, s[1].native, 0, NULL, 1 },
    };
    for (size_t i = 0; i < 3; i++)
        add_spec(v, st, js, &rows[i]);
    add_spec_text(v, st, js, "Memory type", "memory_type", A->memory_type, B->memory_type);
    for (size_t i = 3; i < sizeof rows / sizeof rows[0]; i++) {
        if (i == 6)
            add_spec_text(v, st, js, "Backend", "backend", A->backend, B->backend);
        add_spec(v, st, js, &rows[i]);
    }

    /* ---- headline models ---- */
    char title[512];
    snprintf(title, sizeof title, "Estimated decode speed (prompt %ld, generate %ld, context %ld)",
             tmpl.prompt, tmpl.gen, tmpl.context);
    static const char *const hspec[] = { "Model|model_name", "A|a", "B|b", "Delta|delta_pct|r" };
    block *ht = view_table(v, title, 4, hspec);
    free(ht->cols[1].header);
    free(ht->cols[2].header);
    ht->cols[1].header = view_strdup(v, s[0].id);
    ht->cols[2].header = view_strdup(v, s[1].id);
    for (int h = 0; headline_ids[h]; h++) {
        size_t mi;
        if (fc_catalog_find(c->cat, FC_KIND_MODEL, headline_ids[h], &mi, NULL) != FC_OK)
            continue;
        cell *row = table_row(v, ht);
        if (!row)
            break;
        const fc_model *m = fc_catalog_model(c->cat, mi);
        cell_textf(v, &row[0], "%s (%.0fB)", m->info.name, m->params_b);
        char buf[64];
        speed_cell_text(buf, sizeof buf, &ev[2 * mi], true);
        cell_text(v, &row[1], buf);
        speed_cell_text(buf, sizeof buf, &ev[2 * mi + 1], true);
        cell_text(v, &row[2], buf);
        delta_cell(v, &row[3], &ev[2 * mi], &ev[2 * mi + 1]);
    }
    headline_chart(c, v, s, ev);

    /* ---- every model (CSV writes this one) ---- */
    static const char *const aspec[] = {
        "Model|model_name|v", "model_id|model_id|x", "params_b|params_b|x", "A|a|v", "B|b|v",
        "a_verdict|a_verdict|x", "a_quant|a_quant|x", "a_decode_tokens_per_s|a_decode_tokens_per_s|x",
        "b_verdict|b_verdict|x", "b_quant|b_quant|x", "b_decode_tokens_per_s|b_decode_tokens_per_s|x",
        "Delta|delta_pct|r" };
    block *at = view_table(v, "All models", 12, aspec);
    at->primary = true;
    free(at->cols[3].header);
    free(at->cols[4].header);
    at->cols[3].header = view_strdup(v, s[0].id);
    at->cols[4].header = view_strdup(v, s[1].id);
    cJSON *jm = cJSON_AddArrayToObject(v->json, "models");
    cJSON *ja = cJSON_AddArrayToObject(v->json, "only_a");
    cJSON *jb = cJSON_AddArrayToObject(v->json, "only_b");
    cJSON *jboth = cJSON_AddArrayToObject(v->json, "both");
    for (size_t i = 0; i < nm; i++) {
        const fc_model *m = fc_catalog_model(c->cat, i);
        const eval_result *ea = &ev[2 * i], *eb = &ev[2 * i + 1];
        cell *row = table_row(v, at);
        if (!row)
            break;
        char buf[64];
        cell_text(v, &row[0], m->info.name);
        cell_text(v, &row[1], m->info.id);
        cell_num(v, &row[2], m->params_b, 3, NULL);
        speed_cell_text(buf, sizeof buf, ea, false);
        cell_text(v, &row[3], buf);
        speed_cell_text(buf, sizeof buf, eb, false);
        cell_text(v, &row[4], buf);
        for (int k = 0; k < 2; k++) {
            const eval_result *x = k ? eb : ea;
            cell *cb = &row[5 + 3 * k];
            cell_text(v, &cb[0], x->ok ? fc_verdict_name(x->e.verdict) : "no");
            cell_text(v, &cb[1], x->ok ? x->r.quant->info.id : "");
            cell_num(v, &cb[2], x->ok && x->e.verdict != FC_VERDICT_NO ? x->e.decode_tokens_per_s : 0, 2, NULL);
        }
        delta_cell(v, &row[11], ea, eb);
        cJSON *o = cJSON_CreateObject();
        json_str(o, "id", m->info.id);
        json_str(o, "name", m->info.name);
        json_num(o, "params_b", m->params_b, 3);
        cJSON_AddItemToObject(o, "a", side_json(ea));
        cJSON_AddItemToObject(o, "b", side_json(eb));
        cJSON_AddItemToArray(jm, o);
        bool ra = ea->ok && ea->e.fits, rb = eb->ok && eb->e.fits;
        if (ra && rb)
            cJSON_AddItemToArray(jboth, cJSON_CreateString(m->info.id));
        else if (ra)
            cJSON_AddItemToArray(ja, cJSON_CreateString(m->info.id));
        else if (rb)
            cJSON_AddItemToArray(jb, cJSON_CreateString(m->info.id));
    }

    /* ---- exclusive and shared ---- */
    for (int k = 0; k < 2; k++) {
        int cnt = k ? only_b : only_a;
        snprintf(title, sizeof title, "Only %s can run (%d)", s[k].label, cnt);
        static const char *const ospec[] = { "Model|model_name", "Speed|speed|r", "Other side|other" };
        block *ot = view_table(v, title, 3, ospec);
        for (size_t i = 0; i < nm; i++) {
            const eval_result *me = &ev[2 * i + k], *other = &ev[2 * i + 1 - k];
            if (!(me->ok && me->e.fits) || (other->ok && other->e.fits))
                continue;
            cell *row = table_row(v, ot);
            if (!row)
                break;
            char buf[64];
            cell_text(v, &row[0], fc_catalog_model(c->cat, i)->info.name);
            speed_cell_text(buf, sizeof buf, me, true);
            cell_text(v, &row[1], buf);
            if (other->ok && other->e.verdict == FC_VERDICT_OFFLOAD)
                speed_cell_text(buf, sizeof buf, other, false);
            else
                snprintf(buf, sizeof buf, "does not fit");
            cell_text(v, &row[2], buf);
        }
        if (cnt == 0)
            view_text(v, "(none)");
    }
    snprintf(title, sizeof title, "Both run natively (%d)", both);
    static const char *const bspec[] = { "Model|model_name", "A|a|r", "B|b|r", "Delta|delta_pct|r" };
    block *bt = view_table(v, title, 4, bspec);
    free(bt->cols[1].header);
    free(bt->cols[2].header);
    bt->cols[1].header = view_strdup(v, s[0].id);
    bt->cols[2].header = view_strdup(v, s[1].id);
    for (size_t i = 0; i < nm; i++) {
        const eval_result *ea = &ev[2 * i], *eb = &ev[2 * i + 1];
        if (!(ea->ok && ea->e.fits && eb->ok && eb->e.fits))
            continue;
        cell *row = table_row(v, bt);
        if (!row)
            break;
        char buf[64];
        cell_text(v, &row[0], fc_catalog_model(c->cat, i)->info.name);
        speed_cell_text(buf, sizeof buf, ea, true);
        cell_text(v, &row[1], buf);
        speed_cell_text(buf, sizeof buf, eb, true);
        cell_text(v, &row[2], buf);
        delta_cell(v, &row[3], ea, eb);
    }
    cJSON_AddNumberToObject(v->json, "only_a_count", only_a);
    cJSON_AddNumberToObject(v->json, "only_b_count", only_b);
    cJSON_AddNumberToObject(v->json, "both_count", both);
    cost_section(c, v, &tmpl, auto_quant, s);
    if (s[0].raised || s[1].raised)
        view_text(v, "* fits once the Apple GPU memory limit is raised (sudo sysctl "
                     "iogpu.wired_limit_mb=...; 'fitcheck estimate' prints the value).");
    if (tmpl.users > 1)
        view_text(v, "Speeds are fitcheck estimates per user, with %d users decoded together "
                     "(continuous batching, each with a %ld-token context), not measurements; "
                     "see 'fitcheck estimate --users %d --explain' for the inputs behind each.",
                  tmpl.users, tmpl.context, tmpl.users);
    else
        view_text(v, "Speeds are fitcheck estimates (llama.cpp, single stream), not measurements; "
                     "see 'fitcheck estimate --explain' for the inputs behind each.");
    (void)a_faster;
    free(ev);
    return EXIT_OK;
}

/* The headline table as a chart of decode speed, side A against side B; a
 * side that cannot hold the model in GPU memory gets an empty "does not fit"
 * bar, as the table shows "-" for it. */
static void headline_chart(cli *c, view *v, const side *s, const eval_result *ev)
{
    char names[2][320];
    const char *series[2];
    for (int k = 0; k < 2; k++) {
        if (s[k].gpus > 1 && s[k].tmpl.n_others == 0 && s[k].tmpl.nodes <= 1)
            snprintf(names[k], sizeof names[k], "%s x%d", s[k].hw->info.id, s[k].gpus);
        else
            snprintf(names[k], sizeof names[k], "%s", s[k].id);
        series[k] = names[k];
    }
    block *ch = view_chart(v, "Decode speed, headline models", "tok/s", 2, series);
    for (int h = 0; headline_ids[h]; h++) {
        size_t mi;
        if (fc_catalog_find(c->cat, FC_KIND_MODEL, headline_ids[h], &mi, NULL) != FC_OK)
            continue;
        double value[2];
        char note[2][64];
        const char *notes[2];
        for (int k = 0; k < 2; k++) {
            const eval_result *x = &ev[2 * mi + k];
            bool runs = x->ok && x->e.fits;
            value[k] = runs ? x->e.decode_tokens_per_s : 0;
            snprintf(note[k], sizeof note[k], "%s%s", runs ? quant_label(x->r.quant) : "",
                     runs && x->e.needs_wired_limit_raise ? "*" : "");
            notes[k] = note[k];
        }
        chart_add(v, ch, fc_catalog_model(c->cat, mi)->info.name, value, notes);
    }
}

/* ---- power and cost ----
 * One reference model for both sides: Llama 3.1 8B, which nearly every
 * machine runs, at the --quant given (default Q4_K_M), with the default cost
 * assumptions (fc_cost_params; 'fitcheck cost' takes others). A side that
 * cannot run it still gets its price and electricity. JSON: "cost". */
static void cost_section(cli *c, view *v, const fc_request *tmpl, bool auto_quant,
                         const side *s)
{
    static const char *const ref_model = "llama3.1-8b", *const ref_quant = "q4_k_m";
    const fc_model *m = fc_find_model(c->cat, ref_model, NULL);
    const fc_quant *q = !auto_quant && tmpl->quant ? tmpl->quant
                                                    : fc_find_quant(c->cat, ref_quant, NULL);
    if (!m || !q) {
        json_str(v->json, "cost", NULL);
        return;
    }
    fc_cost_params p = FC_COST_PARAMS_INIT;
    fc_cost k[2];
    eval_result x[2];
    for (int i = 0; i < 2; i++) {
        fc_request t = s[i].tmpl; /* this side's devices and machines */
        t.quant = q;
        cli_eval(c, &t, s[i].hw, s[i].gpus, m, false, &x[i]);
        fc_request r = t;
        r.model = m;
        r.hardware = s[i].hw;
        r.gpus = s[i].gpus;
        if (fc_cost_run(x[i].ok ? &x[i].r : &r, x[i].ok ? &x[i].e : NULL, &p, &k[i], NULL) !=
            FC_OK)
            memset(&k[i], 0, sizeof k[i]);
    }

    cJSON *jc = cJSON_AddObjectToObject(v->json, "cost");
    json_str(jc, "reference_model", m->info.id);
    json_str(jc, "quant", q->info.id);
    cJSON *ja = cJSON_AddObjectToObject(jc, "assumptions");
    json_num(ja, "active_hours_per_day", p.active_hours_per_day, 4);
    json_num(ja, "idle_hours_per_day", p.idle_hours_per_day, 4);
    json_num(ja, "price_per_kwh_usd", p.price_per_kwh, 6);
    json_num(ja, "years", p.years, 4);
    cJSON_AddNumberToObject(ja, "prompt_tokens", (double)tmpl->prompt);
    cJSON_AddNumberToObject(ja, "gen_tokens", (double)tmpl->gen);
    for (int i = 0; i < 2; i++) {
        cJSON *o = json_cost(&k[i]);
        if (!o)
            continue;
        json_str(o, "verdict", x[i].ok ? fc_verdict_name(x[i].e.verdict) : "no");
        cJSON_AddBoolToObject(o, "runs", k[i].has_speed);
        cJSON_AddItemToObject(jc, i ? "b" : "a", o);
    }

    char title[256];
    snprintf(title, sizeof title, "Power and cost (%s %s)", m->info.name, quant_label(q));
    static const char *const cspec[] = { "Figure|figure", "A|a|r", "B|b|r" };
    block *t = view_table(v, title, 3, cspec);
    if (!t || !t->cols)
        return;
    free(t->cols[1].header);
    free(t->cols[2].header);
    t->cols[1].header = view_strdup(v, s[0].id);
    t->cols[2].header = view_strdup(v, s[1].id);
    struct {
        const char *label;
        bool has[2];
        double val[2];
        int dec;
        const char *unit;
        int better; /* 1 higher is better, -1 lower */
    } rows[] = {
        { "System price", { k[0].has_price, k[1].has_price },
          { k[0].system_price_usd, k[1].system_price_usd }, 0, "USD", -1 },
        { "Load power", { k[0].has_power, k[1].has_power }, { k[0].load_w, k[1].load_w }, 0, "W",
          -1 },
        { "Idle power", { k[0].has_power, k[1].has_power }, { k[0].idle_w, k[1].idle_w }, 0, "W",
          -1 },
        { "Electricity a year", { k[0].has_power, k[1].has_power },
          { k[0].annual_electricity_usd, k[1].annual_electricity_usd }, 0, "USD", -1 },
        { "Decode", { k[0].has_speed, k[1].has_speed }, { k[0].tokens_per_s, k[1].tokens_per_s },
          1, "tok/s", 1 },
        { "Tokens per joule", { k[0].has_speed && k[0].has_power, k[1].has_speed && k[1].has_power },
          { k[0].tokens_per_joule, k[1].tokens_per_joule }, 3, "tok/J", 1 },
        { "Cost per million tokens", { k[0].has_cost_per_mtok, k[1].has_cost_per_mtok },
          { k[0].cost_per_mtok_usd, k[1].cost_per_mtok_usd }, 2, "USD", -1 },
        { "Price per GB of GPU memory", { k[0].price_per_gb_usd > 0, k[1].price_per_gb_usd > 0 },
          { k[0].price_per_gb_usd, k[1].price_per_gb_usd }, 1, "USD", -1 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cell *row = table_row(v, t);
        if (!row)
            return;
        cell_text(v, &row[0], rows[i].label);
        for (int j = 0; j < 2; j++) {
            if (!rows[i].has[j]) {
                cell_text(v, &row[1 + j], i == 0 ? "unknown" : "-");
                continue;
            }
            char buf[64];
            snprintf(buf, sizeof buf, "%.*f %s%s", rows[i].dec, rows[i].val[j], rows[i].unit,
                     i == 0 && k[j].price_basis == FC_PRICE_ESTIMATED ? " (est.)" : "");
            cell_num(v, &row[1 + j], rows[i].val[j], rows[i].dec, buf);
        }
        if (rows[i].has[0] && rows[i].has[1] && rows[i].val[0] != rows[i].val[1]) {
            bool a = rows[i].better > 0 ? rows[i].val[0] > rows[i].val[1]
                                        : rows[i].val[0] < rows[i].val[1];
            row[a ? 1 : 2].mark = true;
        }
    }
    view_text(v, "Llama 3.1 8B at %s runs %.3g h a day (back-to-back requests of %ld tokens in, "
                 "%ld out) and idles %.3g h, at %.3g USD/kWh; the price is amortised over %.3g "
                 "years. (est.): a card's launch MSRP plus %.0f USD for a typical host. Card power is "
                 "the board limit plus %.0f W for the host, an upper bound. 'fitcheck cost' takes "
                 "other figures.",
              quant_label(q), p.active_hours_per_day, tmpl->prompt, tmpl->gen,
              p.idle_hours_per_day, p.price_per_kwh, p.years, FC_HOST_PRICE_USD, FC_HOST_LOAD_W);
    for (int i = 0; i < 2; i++)
        if (!k[i].has_speed)
            view_text(v, "%s cannot run %s at %s: no speed or per-token figures for it.",
                      s[i].label, m->info.name, quant_label(q));
        else if (!k[i].has_price)
            view_text(v, "%s has no launch price in the catalog ('fitcheck cost --system-price').",
                      s[i].label);
}
