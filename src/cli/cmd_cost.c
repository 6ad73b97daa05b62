/* cmd_cost.c - 'fitcheck cost': what a setup costs to buy and to run, what
 * its tokens cost, and when it pays for itself against an API price. The
 * figures come from fc_cost_run() (src/core/cost.c; docs/model.md, "Power
 * and cost"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    OPT_ACTIVE = OPT_CMD + 70, OPT_IDLE_HOURS, OPT_PRICE_KWH, OPT_YEARS, OPT_API_IN,
    OPT_API_OUT, OPT_SYSTEM_PRICE, OPT_WATTS, OPT_IDLE_WATTS
};

const opt_spec cost_opts[] = {
    { "hardware", 'H', OPT_HARDWARE, "H", "hardware id or name, or 'local' for this machine" },
    { "model", 'm', OPT_MODEL, "M", "model id or name, or a config.json / GGUF path" },
    { "hours-per-day", 0, OPT_ACTIVE, "H", "hours a day spent generating, at load power (default 8)" },
    { "idle-hours", 0, OPT_IDLE_HOURS, "H",
      "hours a day switched on and idle (default 16, or 24 minus --hours-per-day when that is given)" },
    { "price-kwh", 0, OPT_PRICE_KWH, "USD", "electricity price per kWh (default 0.16)" },
    { "years", 0, OPT_YEARS, "Y", "amortisation period of the purchase price (default 3)" },
    { "api-price-in", 0, OPT_API_IN, "USD", "API price per million input tokens (with --api-price-out)" },
    { "api-price-out", 0, OPT_API_OUT, "USD", "API price per million output tokens (with --api-price-in)" },
    { "system-price", 0, OPT_SYSTEM_PRICE, "USD", "the whole setup's price, instead of the catalog's" },
    { "watts", 0, OPT_WATTS, "W", "the whole setup's draw while generating, instead of the catalog's" },
    { "idle-watts", 0, OPT_IDLE_WATTS, "W", "the whole setup's draw at idle, instead of the catalog's" },
    { NULL, 0, 0, NULL, NULL },
};

/* one number option: value in [min, max], else a one-line error naming the flag */
static int num_opt(cli *c, int id, const char *flag, const char *what, double min, double max,
                   double *out)
{
    const char *s = arg_value(&c->a, id);
    if (!s)
        return EXIT_OK;
    if (parse_double(s, min, max, out) != 0)
        return cli_error(c, "--%s takes %s between %g and %g, not '%s'", flag, what, min, max, s);
    return EXIT_OK;
}

int cli_cost_params(cli *c, fc_cost_params *p)
{
    fc_cost_params init = FC_COST_PARAMS_INIT;
    *p = init;
    if (num_opt(c, OPT_ACTIVE, "hours-per-day", "hours", 0, 24, &p->active_hours_per_day) ||
        num_opt(c, OPT_IDLE_HOURS, "idle-hours", "hours", 0, 24, &p->idle_hours_per_day) ||
        num_opt(c, OPT_PRICE_KWH, "price-kwh", "a price in USD", 0, 100, &p->price_per_kwh) ||
        num_opt(c, OPT_YEARS, "years", "a number of years", 0.01, 100, &p->years) ||
        num_opt(c, OPT_API_IN, "api-price-in", "a price in USD", 0, 1e6, &p->api_price_in) ||
        num_opt(c, OPT_API_OUT, "api-price-out", "a price in USD", 0, 1e6, &p->api_price_out) ||
        num_opt(c, OPT_SYSTEM_PRICE, "system-price", "a price in USD", 1, 1e9,
                &p->system_price_usd) ||
        num_opt(c, OPT_WATTS, "watts", "watts", 1, 1e7, &p->load_w) ||
        num_opt(c, OPT_IDLE_WATTS, "idle-watts", "watts", 0.1, 1e7, &p->idle_w))
        return EXIT_ERROR;
    bool has_active = arg_value(&c->a, OPT_ACTIVE), has_idle = arg_value(&c->a, OPT_IDLE_HOURS);
    if (has_active && !has_idle)
        p->idle_hours_per_day = 24.0 - p->active_hours_per_day;
    if (p->active_hours_per_day + p->idle_hours_per_day > 24)
        return cli_error(c, "--hours-per-day %g plus --idle-hours %g is more than 24 hours a day",
                         p->active_hours_per_day, p->idle_hours_per_day);
    if (!arg_value(&c->a, OPT_API_IN) != !arg_value(&c->a, OPT_API_OUT))
        return cli_error(c, "--api-price-in and --api-price-out go together (USD per million "
                            "input and output tokens; 0 for one that is free)");
    if (arg_value(&c->a, OPT_API_IN) && p->api_price_in <= 0 && p->api_price_out <= 0)
        return cli_error(c, "--api-price-in and --api-price-out cannot both be 0");
    return EXIT_OK;
}

/* "2 x 450 W" for the devices of one machine, or their total for a mix */
static void devices_figure(char *buf, size_t n, const fc_request *r, double each, double total,
                           const char *unit)
{
    if (r->n_others > 0)
        snprintf(buf, n, "devices %.0f %s", total, unit);
    else if (r->gpus > 1)
        snprintf(buf, n, "%d x %.0f %s", r->gpus, each, unit);
    else
        snprintf(buf, n, "%.0f %s", each, unit);
}

/* The first device of the request with no price, or NULL. */
static const fc_hardware *unpriced(const fc_request *r)
{
    if (!(r->hardware->price_usd > 0))
        return r->hardware;
    for (int i = 0; i < r->n_others; i++)
        if (!(r->others[i]->price_usd > 0))
            return r->others[i];
    return NULL;
}

void cost_price_note(char *buf, size_t n, const fc_request *r, const fc_cost *k)
{
    char dev[96], machines[48] = "";
    int m = k->machines > 0 ? k->machines : 1;
    if (m > 1)
        snprintf(machines, sizeof machines, ", x %d machines", m);
    devices_figure(dev, sizeof dev, r, r->hardware->price_usd, k->devices_price_usd / m, "USD");
    switch (k->price_basis) {
    case FC_PRICE_GIVEN:
        snprintf(buf, n, "given (--system-price)");
        break;
    case FC_PRICE_SYSTEM:
        snprintf(buf, n, "launch price of the whole machine: %s%s", dev, machines);
        break;
    case FC_PRICE_ESTIMATED:
        snprintf(buf, n, "estimate: %s launch MSRP + %.0f USD typical host%s", dev,
                 FC_HOST_PRICE_USD, machines);
        break;
    case FC_PRICE_UNKNOWN: {
        const fc_hardware *h = unpriced(r);
        snprintf(buf, n, "no launch price in the catalog for %s; pass --system-price",
                 h ? h->info.id : r->hardware->info.id);
        break;
    }
    }
}

void cost_power_note(char *buf, size_t n, const fc_request *r, const fc_cost *k, bool idle)
{
    if (!k->has_power) {
        snprintf(buf, n, "no power figure in the catalog for %s; pass --watts and --idle-watts",
                 r->hardware->info.id);
        return;
    }
    int m = k->machines > 0 ? k->machines : 1;
    double host = idle ? k->host_idle_w : k->host_load_w;
    double devices = (idle ? k->idle_w : k->load_w) - host;
    double each = idle ? r->hardware->idle_w : r->hardware->power_w;
    char dev[96], machines[48] = "";
    devices_figure(dev, sizeof dev, r, each, devices / m, "W");
    if (m > 1)
        snprintf(machines, sizeof machines, ", x %d machines", m);
    if (host > 0)
        snprintf(buf, n, "%s %s + %.0f W typical host%s%s", dev,
                 idle ? "idle" : "board power limit", host / m, machines,
                 idle ? "" : "; an upper bound: decoding draws less");
    else
        snprintf(buf, n, "%s, the whole machine (catalog)%s", dev, machines);
}

/* A number, or JSON null when the figure does not apply. */
static void jnum(cJSON *o, const char *key, bool has, double v, int decimals)
{
    if (has)
        json_num(o, key, v, decimals);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *json_cost(const fc_cost *k)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON *s = cJSON_AddObjectToObject(o, "system");
    jnum(s, "price_usd", k->has_price, k->system_price_usd, 2);
    json_str(s, "price_basis", fc_price_basis_name(k->price_basis));
    cJSON_AddBoolToObject(s, "price_estimated", k->price_basis == FC_PRICE_ESTIMATED);
    jnum(s, "devices_price_usd", k->devices_price_usd > 0, k->devices_price_usd, 2);
    json_num(s, "host_price_usd", k->host_price_usd, 2);
    cJSON_AddNumberToObject(s, "machines", k->machines);
    json_num(s, "gpu_usable_gb", k->usable_gb, 3);
    jnum(s, "price_per_gb_usd", k->has_price && k->price_per_gb_usd > 0, k->price_per_gb_usd, 4);
    jnum(s, "load_w", k->has_power, k->load_w, 2);
    jnum(s, "idle_w", k->has_power, k->idle_w, 2);
    json_num(s, "host_load_w", k->host_load_w, 2);
    json_num(s, "host_idle_w", k->host_idle_w, 2);
    cJSON_AddBoolToObject(s, "load_w_upper_bound", k->load_upper_bound);
    cJSON *e = cJSON_AddObjectToObject(o, "electricity");
    jnum(e, "annual_kwh_active", k->has_power, k->annual_kwh_active, 3);
    jnum(e, "annual_kwh_idle", k->has_power, k->annual_kwh_idle, 3);
    jnum(e, "annual_kwh", k->has_power, k->annual_kwh, 3);
    jnum(e, "annual_usd", k->has_power, k->annual_electricity_usd, 4);
    jnum(e, "monthly_usd", k->has_power, k->monthly_electricity_usd, 4);
    cJSON *t = cJSON_AddObjectToObject(o, "tokens");
    jnum(t, "decode_tokens_per_s", k->has_speed, k->tokens_per_s, 3);
    jnum(t, "tokens_per_joule", k->has_speed && k->has_power, k->tokens_per_joule, 6);
    jnum(t, "seconds_per_request", k->has_work, k->seconds_per_request, 6);
    jnum(t, "requests_per_hour", k->has_work, k->requests_per_hour, 4);
    jnum(t, "generated_per_year", k->has_work, k->tokens_per_year, 0);
    jnum(t, "electricity_per_mtok_usd", k->has_electricity_per_mtok, k->electricity_per_mtok_usd,
         6);
    jnum(t, "cost_per_mtok_usd", k->has_cost_per_mtok, k->cost_per_mtok_usd, 6);
    if (k->has_api) {
        cJSON *a = cJSON_AddObjectToObject(o, "api");
        json_num(a, "monthly_usd", k->api_monthly_usd, 4);
        jnum(a, "electricity_monthly_usd", k->has_power, k->monthly_electricity_usd, 4);
        jnum(a, "months_to_break_even", k->has_break_even && k->breaks_even,
             k->months_to_break_even, 3);
        if (k->has_break_even)
            cJSON_AddBoolToObject(a, "breaks_even", k->breaks_even);
        else
            cJSON_AddNullToObject(a, "breaks_even");
    } else {
        cJSON_AddNullToObject(o, "api");
    }
    return o;
}

/* a figure that does not apply: "n/a" for people, an empty CSV field */
static void kv_na(view *v, const char *label, const char *key, const char *note)
{
    kv_add_text(v, label, key, "n/a", note);
    for (int i = v->n_blocks - 1; i >= 0; i--)
        if (v->blocks[i].kind == BLOCK_KV && v->blocks[i].n_items > 0) {
            v->blocks[i].items[v->blocks[i].n_items - 1].value.kind = CELL_EMPTY;
            break;
        }
}

static void kv_num_or_na(view *v, bool has, const char *label, const char *key, double num,
                         int decimals, const char *unit, const char *note, const char *na)
{
    if (has)
        kv_add_num(v, label, key, num, decimals, unit, note);
    else
        kv_na(v, label, key, na);
}

/* USD per million generated tokens as a chart: this machine with its price
 * amortised, its electricity alone, and the API for the same requests (the
 * monthly API bill over the tokens generated in a month). A figure that does
 * not apply is an empty bar ("n/a"). */
static void cost_chart(view *v, const fc_cost *k)
{
    static const char *const series[] = { "USD per million generated tokens" };
    block *ch = view_chart(v, "Cost per million generated tokens", "USD/Mtok", 1, series);
    if (!ch)
        return;
    chart_empty_label(v, ch, "n/a");
    double x = k->has_cost_per_mtok ? k->cost_per_mtok_usd : 0;
    chart_add(v, ch, "this machine: price + electricity", &x, NULL);
    x = k->has_electricity_per_mtok ? k->electricity_per_mtok_usd : 0;
    chart_add(v, ch, "this machine: electricity only", &x, NULL);
    if (k->has_api) {
        double per_month = k->tokens_per_year / 12.0;
        x = per_month > 0 ? k->api_monthly_usd / per_month * 1e6 : 0;
        chart_add(v, ch, "the API, same requests", &x, NULL);
    }
}

int cmd_cost(cli *c, view *v)
{
    const char *hw, *model;
    if (cli_hardware_and_model(c, &hw, &model) != EXIT_OK)
        return EXIT_ERROR;
    fc_cost_params p;
    if (cli_cost_params(c, &p) != EXIT_OK)
        return EXIT_ERROR;
    fc_request r;
    bool auto_quant;
    fc_estimate e;
    int rc = cli_request_estimate(c, hw, model, false, &r, &auto_quant, &e);
    if (rc != EXIT_OK)
        return rc;
    fc_cost k;
    fc_error err;
    if (fc_cost_run(&r, &e, &p, &k, &err) != FC_OK)
        return cli_error(c, "%s", err.msg);

    /* ---- JSON ---- */
    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "cost");
    json_hardware_model(v->json, &r);
    json_str(v->json, "quant", r.quant->info.id);
    cJSON_AddBoolToObject(v->json, "quant_auto", auto_quant);
    json_str(v->json, "backend", r.backend->info.id);
    json_str(v->json, "verdict", fc_verdict_name(e.verdict));
    cJSON_AddBoolToObject(v->json, "fits", e.fits);
    cJSON *ja = cJSON_AddObjectToObject(v->json, "assumptions");
    json_num(ja, "active_hours_per_day", p.active_hours_per_day, 4);
    json_num(ja, "idle_hours_per_day", p.idle_hours_per_day, 4);
    json_num(ja, "price_per_kwh_usd", p.price_per_kwh, 6);
    json_num(ja, "years", p.years, 4);
    cJSON_AddNumberToObject(ja, "prompt_tokens", (double)r.prompt);
    cJSON_AddNumberToObject(ja, "gen_tokens", (double)r.gen);
    jnum(ja, "api_price_in_per_mtok_usd", k.has_api, p.api_price_in, 6);
    jnum(ja, "api_price_out_per_mtok_usd", k.has_api, p.api_price_out, 6);
    cJSON *jk = json_cost(&k);
    if (!jk)
        return cli_error(c, "out of memory");
    for (cJSON *it = jk->child; it;) {
        cJSON *next = it->next;
        cJSON_AddItemToObject(v->json, it->string, cJSON_DetachItemViaPointer(jk, it));
        it = next;
    }
    cJSON_Delete(jk);

    /* ---- people ---- */
    char gpus[32] = "", note[320], na[256];
    if (r.gpus > 1)
        snprintf(gpus, sizeof gpus, "%d x ", r.gpus);
    view_heading(v, "Power and cost: %s %s %s on %s%s", r.model->info.name,
                 c->ropts.unicode ? "\u00b7" : "-", quant_label(r.quant), gpus,
                 r.hardware->info.name);
    char sentence[512];
    verdict_sentence(sentence, sizeof sentence, &r, &e);
    if (k.has_speed)
        view_text(v, "Verdict: %s.", sentence);
    else
        view_text(v, "Verdict: %s. Speed, tokens and the API comparison do not apply; the "
                     "price and electricity do.", sentence);
    snprintf(na, sizeof na, "%s does not run on this setup", r.model->info.name);
    const char *nopower = "needs load and idle watts (--watts, --idle-watts)";

    view_kv(v, "Assumptions");
    kv_add_num(v, "generating", "active_hours_per_day", p.active_hours_per_day, 1, "h/day",
               "at load power (--hours-per-day)");
    kv_add_num(v, "idle", "idle_hours_per_day", p.idle_hours_per_day, 1, "h/day",
               "on, at idle power (--idle-hours); the rest of the day off");
    kv_add_num(v, "electricity", "price_per_kwh_usd", p.price_per_kwh, 3, "USD/kWh",
               "--price-kwh");
    kv_add_num(v, "amortised over", "years", p.years, 1, "years", "--years");
    kv_add_num(v, "request in", "prompt_tokens", (double)r.prompt, 0, "tokens", "--prompt");
    kv_add_num(v, "request out", "gen_tokens", (double)r.gen, 0, "tokens", "--gen");
    if (k.has_api) {
        kv_add_num(v, "API input", "api_price_in_per_mtok_usd", p.api_price_in, 3, "USD/Mtok",
                   "--api-price-in");
        kv_add_num(v, "API output", "api_price_out_per_mtok_usd", p.api_price_out, 3,
                   "USD/Mtok", "--api-price-out");
    }

    view_kv(v, "System");
    cost_price_note(note, sizeof note, &r, &k);
    kv_num_or_na(v, k.has_price, "price", "system_price_usd", k.system_price_usd, 0, "USD", note,
                 note);
    kv_add_text(v, "price basis", "price_basis", fc_price_basis_name(k.price_basis),
                k.price_basis == FC_PRICE_ESTIMATED ? "an estimate, not a quote" : NULL);
    kv_add_num(v, "GPU-usable memory", "gpu_usable_gb", k.usable_gb, 1, "GB",
               r.hardware->unified_memory ? "the default GPU memory limit" : "the cards' memory");
    kv_num_or_na(v, k.has_price && k.price_per_gb_usd > 0, "price per GB", "price_per_gb_usd",
                 k.price_per_gb_usd, 2, "USD/GB", "system price / GPU-usable memory",
                 "needs a price (--system-price)");
    cost_power_note(note, sizeof note, &r, &k, false);
    kv_num_or_na(v, k.has_power, "load power", "load_w", k.load_w, 0, "W",
                 p.load_w > 0 ? "given (--watts)" : note, note);
    cost_power_note(note, sizeof note, &r, &k, true);
    kv_num_or_na(v, k.has_power, "idle power", "idle_w", k.idle_w, 0, "W",
                 p.idle_w > 0 ? "given (--idle-watts)" : note, note);

    view_kv(v, "Electricity");
    snprintf(note, sizeof note, "%.0f W x %.3g h x 365 days", k.load_w, p.active_hours_per_day);
    kv_num_or_na(v, k.has_power, "generating", "annual_kwh_active", k.annual_kwh_active, 1,
                 "kWh/year", note, nopower);
    snprintf(note, sizeof note, "%.0f W x %.3g h x 365 days", k.idle_w, p.idle_hours_per_day);
    kv_num_or_na(v, k.has_power, "idle", "annual_kwh_idle", k.annual_kwh_idle, 1, "kWh/year",
                 note, nopower);
    kv_num_or_na(v, k.has_power, "total", "annual_kwh", k.annual_kwh, 1, "kWh/year", NULL,
                 nopower);
    snprintf(note, sizeof note, "x %.3g USD/kWh", p.price_per_kwh);
    kv_num_or_na(v, k.has_power, "cost", "annual_electricity_usd", k.annual_electricity_usd, 2,
                 "USD/year", note, nopower);
    kv_num_or_na(v, k.has_power, "cost per month", "monthly_electricity_usd",
                 k.monthly_electricity_usd, 2, "USD/month", NULL, nopower);

    view_kv(v, "Tokens");
    kv_num_or_na(v, k.has_speed, "decode", "decode_tokens_per_s", k.tokens_per_s, 1, "tok/s",
                 r.users > 1 ? "all users together (estimate)" : "estimate", na);
    kv_num_or_na(v, k.has_speed && k.has_power, "tokens per joule", "tokens_per_joule",
                 k.tokens_per_joule, 3, "tok/J",
                 k.load_upper_bound ? "decode / load power (a lower bound)"
                                    : "decode / load power",
                 k.has_speed ? nopower : na);
    snprintf(note, sizeof note, "time to first token %.3g s + %ld tokens / %.1f tok/s",
             e.time_to_first_token_s, r.gen, k.tokens_per_s);
    kv_num_or_na(v, k.has_work, "per request", "seconds_per_request", k.seconds_per_request, 2,
                 "s", note, na);
    kv_num_or_na(v, k.has_work, "requests", "requests_per_hour", k.requests_per_hour, 0,
                 "per hour", "back to back while generating", na);
    snprintf(note, sizeof note, "%ld out x requests per hour x %.3g h x 365 days", r.gen,
             p.active_hours_per_day);
    kv_num_or_na(v, k.has_work, "generated", "mtok_per_year", k.tokens_per_year / 1e6, 3,
                 "Mtok/year", note, na);
    const char *why_mtok = !k.has_work                ? na
                           : !(k.tokens_per_year > 0) ? "no tokens generated (--gen 0 or 0 hours)"
                                                      : nopower;
    kv_num_or_na(v, k.has_electricity_per_mtok, "electricity per Mtok",
                 "electricity_per_mtok_usd", k.electricity_per_mtok_usd, 4, "USD",
                 "a year's electricity / a year's tokens", why_mtok);
    snprintf(note, sizeof note, "(price + %.3g years of electricity) / %.3g years of tokens",
             p.years, p.years);
    kv_num_or_na(v, k.has_cost_per_mtok, "cost per Mtok", "cost_per_mtok_usd",
                 k.cost_per_mtok_usd, 4, "USD", note,
                 k.has_electricity_per_mtok && !k.has_price ? "needs a price (--system-price)"
                                                            : why_mtok);

    if (p.api_price_in > 0 || p.api_price_out > 0) {
        view_kv(v, "Against the API");
        snprintf(note, sizeof note, "the same requests: %ld in x %.3g + %ld out x %.3g USD/Mtok",
                 r.prompt, p.api_price_in, r.gen, p.api_price_out);
        kv_num_or_na(v, k.has_api, "API cost", "api_monthly_usd", k.api_monthly_usd, 2,
                     "USD/month", note, na);
        kv_num_or_na(v, k.has_power, "electricity", "electricity_monthly_usd",
                     k.monthly_electricity_usd, 2, "USD/month", NULL, nopower);
        if (k.has_break_even && k.breaks_even)
            kv_add_num(v, "break even after", "months_to_break_even", k.months_to_break_even, 1,
                       "months", "price / (API - electricity per month)");
        else if (k.has_break_even)
            kv_add_text(v, "break even after", "months_to_break_even", "never",
                        "the API costs no more than the electricity");
        else
            kv_na(v, "break even after", "months_to_break_even",
                  !k.has_api     ? na
                  : !k.has_price ? "needs a price (--system-price)"
                                 : nopower);
    }
    cost_chart(v, &k);
    if (k.price_basis == FC_PRICE_ESTIMATED)
        view_text(v, "The price is an estimate: the cards' launch MSRP (USD) plus %.0f USD for a "
                     "typical desktop host.", FC_HOST_PRICE_USD);
    if (k.load_upper_bound)
        view_text(v, "Load power is the board power limit%s: decoding is memory-bound and "
                     "usually draws less, so the electricity is an upper bound and tokens per "
                     "joule a lower bound.",
                  k.host_load_w > 0 ? " plus a typical host" : "");
    view_text(v, "Formulas and constants: docs/model.md, \"Power and cost\".");
    return EXIT_OK;
}
