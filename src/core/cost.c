/* cost.c - what a setup costs to buy and to run, and what its tokens cost.
 * The formulas and constants are in docs/model.md, "Power and cost". */
#include <math.h>
#include <string.h>

#include "internal.h"

const char *fc_price_basis_name(fc_price_basis b)
{
    switch (b) {
    case FC_PRICE_SYSTEM:
        return "system";
    case FC_PRICE_ESTIMATED:
        return "estimate";
    case FC_PRICE_GIVEN:
        return "given";
    case FC_PRICE_UNKNOWN:
        break;
    }
    return "unknown";
}

/* A whole machine's price (Macs, DGX Spark, ...) rather than a card's. */
static bool system_priced(const fc_hardware *h)
{
    if (h->price_kind)
        return strcmp(h->price_kind, "system") == 0;
    return h->unified_memory;
}

/* The memory a model may use on one device (GiB): a card's whole memory, a
 * unified machine's default GPU limit (75% when the catalog has none). */
static double usable_gb(const fc_hardware *h)
{
    if (!h->unified_memory)
        return h->memory_gb;
    return h->gpu_usable_default_gb > 0 ? h->gpu_usable_default_gb : h->memory_gb * 0.75;
}

static fc_status check_param(fc_error *err, const char *name, double v, double max)
{
    if (!isfinite(v) || v < 0 || v > max)
        return fc__fail(err, FC_ERR_RANGE, "cost: %s must be a number between 0 and %g, not %g",
                        name, max, v);
    return FC_OK;
}

static fc_status check_params(const fc_cost_params *p, fc_error *err)
{
    fc_status st;
    if ((st = check_param(err, "active_hours_per_day", p->active_hours_per_day, 24)) ||
        (st = check_param(err, "idle_hours_per_day", p->idle_hours_per_day, 24)) ||
        (st = check_param(err, "price_per_kwh", p->price_per_kwh, 100)) ||
        (st = check_param(err, "years", p->years, 100)) ||
        (st = check_param(err, "api_price_in", p->api_price_in, 1e6)) ||
        (st = check_param(err, "api_price_out", p->api_price_out, 1e6)) ||
        (st = check_param(err, "system_price_usd", p->system_price_usd, 1e9)) ||
        (st = check_param(err, "load_w", p->load_w, 1e7)) ||
        (st = check_param(err, "idle_w", p->idle_w, 1e7)))
        return st;
    if (p->years <= 0)
        return fc__fail(err, FC_ERR_RANGE, "cost: years must be more than 0, not %g", p->years);
    if (p->active_hours_per_day + p->idle_hours_per_day > 24)
        return fc__fail(err, FC_ERR_RANGE,
                        "cost: active_hours_per_day + idle_hours_per_day is %g, more than 24",
                        p->active_hours_per_day + p->idle_hours_per_day);
    return FC_OK;
}

/* Keep every figure finite and non-negative; a figure that is not is
 * dropped together with its flag by the caller's checks. */
static double clean(double x)
{
    return isfinite(x) && x > 0 ? x : 0.0;
}

fc_status fc_cost_run(const fc_request *req, const fc_estimate *est, const fc_cost_params *p,
                      fc_cost *out, fc_error *err)
{
    if (!out)
        return fc__fail(err, FC_ERR_FIELD, "cost: no output");
    memset(out, 0, sizeof *out);
    if (!req || !req->hardware)
        return fc__fail(err, FC_ERR_FIELD, "cost: request has no hardware");
    fc_cost_params def = FC_COST_PARAMS_INIT;
    if (!p)
        p = &def;
    fc_status st = check_params(p, err);
    if (st != FC_OK)
        return st;
    if (req->gpus < 1 || req->gpus > 1024 || req->n_others < 0 || req->n_others > FC_MAX_OTHERS ||
        req->nodes < 0 || req->nodes > 1024)
        return fc__fail(err, FC_ERR_RANGE, "cost: gpus, others or nodes out of range");

    /* ---- one machine: the devices, then its host ---- */
    const fc_hardware *hw = req->hardware;
    int machines = req->nodes > 1 ? req->nodes : 1;
    bool system = system_priced(hw);
    bool price_known = hw->price_usd > 0, power_known = hw->power_w > 0 && hw->idle_w > 0;
    double dev_price = hw->price_usd * req->gpus;
    double dev_load = hw->power_w * req->gpus, dev_idle = hw->idle_w * req->gpus;
    double mem = usable_gb(hw) * req->gpus;
    for (int i = 0; i < req->n_others; i++) {
        const fc_hardware *o = req->others[i];
        if (!o)
            return fc__fail(err, FC_ERR_FIELD, "cost: request's others[%d] is empty", i);
        price_known = price_known && o->price_usd > 0;
        power_known = power_known && o->power_w > 0 && o->idle_w > 0;
        /* a mix is priced and powered like cards unless every device is a system */
        system = system && system_priced(o);
        dev_price += o->price_usd;
        dev_load += o->power_w;
        dev_idle += o->idle_w;
        mem += usable_gb(o);
    }
    /* a host per machine (its price and its draw) unless the devices are
     * whole machines */
    bool host = !system;
    out->machines = machines;
    out->usable_gb = clean(mem * machines);

    /* ---- price ---- */
    if (p->system_price_usd > 0) {
        out->price_basis = FC_PRICE_GIVEN;
        out->system_price_usd = p->system_price_usd;
    } else if (price_known) {
        out->price_basis = host ? FC_PRICE_ESTIMATED : FC_PRICE_SYSTEM;
        out->devices_price_usd = clean(dev_price * machines);
        out->host_price_usd = host ? FC_HOST_PRICE_USD * machines : 0.0;
        out->system_price_usd = out->devices_price_usd + out->host_price_usd;
    } else {
        out->price_basis = FC_PRICE_UNKNOWN;
    }
    out->system_price_usd = clean(out->system_price_usd);
    out->has_price = out->system_price_usd > 0;
    if (out->has_price && out->usable_gb > 0)
        out->price_per_gb_usd = clean(out->system_price_usd / out->usable_gb);

    /* ---- power ---- */
    if (power_known) {
        out->host_load_w = host ? FC_HOST_LOAD_W * machines : 0.0;
        out->host_idle_w = host ? FC_HOST_IDLE_W * machines : 0.0;
        out->load_w = clean(dev_load * machines) + out->host_load_w;
        out->idle_w = clean(dev_idle * machines) + out->host_idle_w;
        /* a card's power_w is its board power limit; a whole machine's is the
         * catalog's load figure for it */
        out->load_upper_bound = host;
    }
    if (p->load_w > 0) {
        out->load_w = p->load_w;
        out->host_load_w = 0;
        out->load_upper_bound = false;
        out->power_given = true;
    }
    if (p->idle_w > 0) {
        out->idle_w = p->idle_w;
        out->host_idle_w = 0;
        out->power_given = true;
    }
    out->has_power = out->load_w > 0 && out->idle_w > 0;
    if (!out->has_power) {
        out->load_w = out->idle_w = out->host_load_w = out->host_idle_w = 0;
        out->load_upper_bound = false;
    }

    /* ---- electricity: kWh = W x hours a day x 365 / 1000 ---- */
    if (out->has_power) {
        out->annual_kwh_active = clean(out->load_w * p->active_hours_per_day * 365.0 / 1000.0);
        out->annual_kwh_idle = clean(out->idle_w * p->idle_hours_per_day * 365.0 / 1000.0);
        out->annual_kwh = out->annual_kwh_active + out->annual_kwh_idle;
        out->annual_electricity_usd = clean(out->annual_kwh * p->price_per_kwh);
        out->monthly_electricity_usd = out->annual_electricity_usd / 12.0;
    }

    /* ---- speed-derived figures: only when the model runs ---- */
    double tps = 0;
    if (est && est->verdict != FC_VERDICT_NO) {
        tps = est->decode_tokens_per_s_total > 0 ? est->decode_tokens_per_s_total
                                                 : est->decode_tokens_per_s;
        tps = clean(tps);
    }
    out->has_speed = tps > 0;
    if (!out->has_speed)
        return FC_OK;
    out->tokens_per_s = tps;
    if (out->has_power)
        out->tokens_per_joule = clean(tps / out->load_w);

    /* the work: requests of prompt in and gen out, back to back in the active hours */
    double prompt = req->prompt > 0 ? (double)req->prompt : 0.0;
    double gen = req->gen > 0 ? (double)req->gen : 0.0;
    double secs = clean(est->time_to_first_token_s) + gen / tps;
    if (!(secs > 0) || !isfinite(secs))
        return FC_OK;
    out->has_work = true;
    out->seconds_per_request = secs;
    out->requests_per_hour = clean(3600.0 / secs);
    double requests_per_year = out->requests_per_hour * p->active_hours_per_day * 365.0;
    out->tokens_per_year = clean(requests_per_year * gen);
    if (out->tokens_per_year > 0 && out->has_power) {
        out->has_electricity_per_mtok = true;
        out->electricity_per_mtok_usd =
            clean(out->annual_electricity_usd / out->tokens_per_year * 1e6);
        if (out->has_price) {
            out->has_cost_per_mtok = true;
            out->cost_per_mtok_usd =
                clean((out->system_price_usd + out->annual_electricity_usd * p->years) /
                      (out->tokens_per_year * p->years) * 1e6);
        }
    }

    /* ---- the same work from an API ---- */
    if (p->api_price_in > 0 || p->api_price_out > 0) {
        out->has_api = true;
        double per_request = (prompt * p->api_price_in + gen * p->api_price_out) / 1e6;
        out->api_monthly_usd = clean(requests_per_year / 12.0 * per_request);
        if (out->has_price && out->has_power) {
            out->has_break_even = true;
            double saving = out->api_monthly_usd - out->monthly_electricity_usd;
            if (saving > 0) {
                double months = out->system_price_usd / saving;
                out->breaks_even = isfinite(months);
                out->months_to_break_even = out->breaks_even ? months : 0.0;
            }
        }
    }
    return FC_OK;
}
