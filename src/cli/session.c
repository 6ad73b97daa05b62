#define _POSIX_C_SOURCE 200809L
/* session.c - what every command shares: the catalog, requests built from
 * options, the quant choice and the JSON form of an estimate. */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_load_catalog(cli *c)
{
    fc_error err;
    c->cat = fc_catalog_new();
    if (!c->cat)
        return cli_error(c, "out of memory");
    if (fc_catalog_add_embedded(c->cat, &err) != FC_OK)
        return cli_error(c, "%s", err.msg);
    const char *env = getenv("FITCHECK_CATALOG");
    if (env && *env) {
        char *copy = strdup(env);
        if (!copy)
            return cli_error(c, "out of memory");
        for (char *save = NULL, *p = strtok_r(copy, ":", &save); p;
             p = strtok_r(NULL, ":", &save)) {
            if (fc_catalog_add_file(c->cat, p, &err) != FC_OK) {
                free(copy);
                return cli_error(c, "%s (from FITCHECK_CATALOG)", err.msg);
            }
        }
        free(copy);
    }
    /* --catalog and --calibration (a backends file), in command-line order */
    for (int i = 0; i < c->a.n_opt; i++)
        if (c->a.opt[i].id == OPT_CATALOG && !c->a.opt[i].value[0])
            return cli_error(c, "--%s needs a file name", c->a.opt[i].name);
    for (int i = 0; i < c->a.n_opt; i++)
        if (c->a.opt[i].id == OPT_CATALOG &&
            fc_catalog_add_file(c->cat, c->a.opt[i].value, &err) != FC_OK)
            return cli_error(c, "%s%s", err.msg,
                             c->a.opt[i].name && strcmp(c->a.opt[i].name, "calibration") == 0
                                 ? " (--calibration)" : "");
    if (fc_catalog_validate(c->cat, &err) != FC_OK)
        return cli_error(c, "%s", err.msg);
    return EXIT_OK;
}

static int request_for_hardware(cli *c, const fc_hardware *hw, fc_request *r, bool quiet);
static const fc_link *default_node_link(const fc_catalog *cat, const fc_hardware *hw);

static bool hw_runs(const fc_hardware *hw, const char *backend)
{
    if (strcmp(hw->backend, backend) == 0)
        return true;
    for (size_t i = 0; i < hw->backends.count; i++)
        if (strcmp(hw->backends.items[i], backend) == 0)
            return true;
    return false;
}

int cli_request_for_hardware(cli *c, const fc_hardware *hw, fc_request *r)
{
    return request_for_hardware(c, hw, r, false);
}

static int request_for_hardware(cli *c, const fc_hardware *hw, fc_request *r, bool quiet)
{
    fc_error err;
    r->hardware = hw;
    const char *bname = arg_value(&c->a, OPT_BACKEND);
    if (!bname && r->quant && strcmp(r->quant->format, "mlx") == 0)
        bname = "mlx";
    if (bname) {
        const fc_backend *b = fc_find_backend(c->cat, bname, &err);
        if (!b)
            return quiet ? EXIT_ERROR : cli_error(c, "--backend: %s", err.msg);
        if (!hw_runs(hw, b->info.id)) {
            if (quiet)
                return EXIT_ERROR;
            char runs[160];
            int w = snprintf(runs, sizeof runs, "%s", hw->backend);
            for (size_t i = 0; i < hw->backends.count && w > 0 && (size_t)w < sizeof runs; i++)
                if (strcmp(hw->backends.items[i], hw->backend) != 0)
                    w += snprintf(runs + w, sizeof runs - (size_t)w, ", %s",
                                  hw->backends.items[i]);
            return cli_error(c, "%s does not run the %s backend (it runs %s)", hw->info.id,
                             b->info.id, runs);
        }
        r->backend = b;
    } else {
        r->backend = fc_find_backend(c->cat, hw->backend, &err);
        if (!r->backend)
            return quiet ? EXIT_ERROR : cli_error(c, "%s", err.msg);
    }
    if (r->quant && r->backend->quant_format &&
        strcmp(r->quant->format, r->backend->quant_format) != 0 &&
        !(strcmp(r->quant->format, "safetensors") == 0 || strcmp(r->quant->format, "exl2") == 0))
        return quiet ? EXIT_ERROR : cli_error(c, "quant %s is a %s format; the %s backend runs %s quants",
                         r->quant->info.id, r->quant->format, r->backend->info.id,
                         r->backend->quant_format);
    /* different GPUs in one machine must run the same backend */
    for (int i = 0; i < r->n_others; i++)
        if (!hw_runs(r->others[i], r->backend->info.id))
            return quiet ? EXIT_ERROR
                         : cli_error(c, "%s does not run the %s backend that %s uses; pick one "
                                        "both run with --backend (vulkan runs on most GPUs)",
                                     r->others[i]->info.id, r->backend->info.id, hw->info.id);
    const char *lname = arg_value(&c->a, OPT_LINK);
    const fc_link *named = NULL;
    if (lname) {
        named = fc_find_link(c->cat, lname, &err);
        if (!named)
            return quiet ? EXIT_ERROR : cli_error(c, "--link: %s", err.msg);
    }
    if (r->nodes > 1) {
        /* --link names the link between machines; inside one, the default */
        r->link = fc_default_link(c->cat, hw);
        r->node_link = named ? named : default_node_link(c->cat, hw);
        if (!r->node_link)
            return quiet ? EXIT_ERROR : cli_error(c, "--nodes: no link between machines "
                                                     "in the catalog; give one with --link");
    } else {
        r->link = named ? named : fc_default_link(c->cat, hw);
        r->node_link = NULL;
    }
    return EXIT_OK;
}

/* Machines joined without a switch: Thunderbolt 5 on Macs from 2024 (M4
 * Pro/Max, M3 Ultra), Thunderbolt 4 on older Macs, 10 GbE otherwise. */
static const fc_link *default_node_link(const fc_catalog *cat, const fc_hardware *hw)
{
    const char *id = "10gbe";
    if (hw->vendor && strcmp(hw->vendor, "apple") == 0)
        id = hw->release_year >= 2024 ? "tb5" : "tb4";
    return fc_find_link(cat, id, NULL);
}

/* "rtx4090", "rtx4090x2", "2xrtx4090", "2*rtx4090": one item of a setup */
static const fc_hardware *setup_item(cli *c, const char *item, long *count, fc_error *err)
{
    *count = 0;
    const fc_hardware *h = fc_find_hardware(c->cat, item, err);
    if (h)
        return h;
    char base[128];
    const char *x = strrchr(item, 'x');
    const char *star = strrchr(item, '*');
    if (star && star > x)
        x = star;
    long n;
    fc_error ignore;
    /* a count after the name */
    if (x && x > item && parse_long(x + 1, 1, 1024, false, &n) == 0) {
        snprintf(base, sizeof base, "%.*s", (int)(x - item), item);
        if ((h = fc_find_hardware(c->cat, base, &ignore))) {
            *count = n;
            return h;
        }
    }
    /* a count before it */
    const char *p = item;
    while (isdigit((unsigned char)*p))
        p++;
    if (p > item && (*p == 'x' || *p == 'X' || *p == '*') && p[1]) {
        snprintf(base, sizeof base, "%.*s", (int)(p - item), item);
        if (parse_long(base, 1, 1024, false, &n) == 0 &&
            (h = fc_find_hardware(c->cat, p + 1, &ignore))) {
            *count = n;
            return h;
        }
    }
    return NULL;
}

int cli_parse_setup(cli *c, const char *text, int gpus, setup *out)
{
    memset(out, 0, sizeof *out);
    fc_error err;
    if (!text[strspn(text, " ,+")] && !fc_find_hardware(c->cat, text, &err))
        return cli_error(c, "%s", err.msg); /* the catalog's message for an empty name */
    char buf[512];
    if (strlen(text) >= sizeof buf)
        return cli_error(c, "hardware list too long: '%.40s...'", text);
    snprintf(buf, sizeof buf, "%s", text);
    int items = 0;
    bool counted = false;
    for (char *save = NULL, *it = strtok_r(buf, ",+", &save); it;
         it = strtok_r(NULL, ",+", &save)) {
        while (*it == ' ')
            it++;
        size_t l = strlen(it);
        while (l > 0 && it[l - 1] == ' ')
            it[--l] = 0;
        if (!*it)
            continue;
        long count;
        const fc_hardware *h = setup_item(c, it, &count, &err);
        if (!h)
            return cli_error(c, "%s", err.msg);
        if (count > 0)
            counted = true;
        if (count == 0)
            count = 1;
        items++;
        if (!out->hw) {
            out->hw = h;
            out->gpus = (int)count;
            continue;
        }
        for (long k = 0; k < count; k++) {
            if (h == out->hw && out->n_others == 0) {
                if (out->gpus >= 1024)
                    return cli_error(c, "'%s': at most 1024 devices", text);
                out->gpus++;
            } else if (out->n_others < FC_MAX_OTHERS) {
                out->others[out->n_others++] = h;
            } else {
                return cli_error(c, "'%s': at most %d devices besides the first kind in one "
                                    "machine", text, FC_MAX_OTHERS);
            }
        }
    }
    if (!out->hw)
        return cli_error(c, "no hardware named in '%s'", text);
    if (gpus > 0) {
        if (items > 1 || counted) {
            if (items == 1 && gpus == out->gpus)
                return EXIT_OK;
            return cli_error(c, "--gpus %d and '%s' both give a device count; use one", gpus,
                             text);
        }
        out->gpus = gpus;
    }
    for (int i = 0; i < out->n_others; i++)
        if (out->others[i]->unified_memory || out->hw->unified_memory)
            return cli_error(c, "'%s': %s and %s cannot share one machine (join machines "
                                "with --nodes N --link tb5)",
                             text, out->hw->info.id, out->others[i]->info.id);
    return EXIT_OK;
}

void setup_label(char *buf, size_t n, const fc_request *r, bool ids)
{
    size_t w = 0;
    int k;
#define NAME(h) ((ids) ? (h)->info.id : (h)->info.name)
    if (r->nodes > 1) {
        k = snprintf(buf, n, "%d machines of ", r->nodes);
        w = k > 0 ? (size_t)k : 0;
    }
    if (w < n) {
        k = r->gpus > 1 ? snprintf(buf + w, n - w, "%d x %s", r->gpus, NAME(r->hardware))
                        : snprintf(buf + w, n - w, "%s", NAME(r->hardware));
        w += k > 0 ? (size_t)k : 0;
    }
    for (int i = 0; i < r->n_others && w < n; i++) {
        k = snprintf(buf + w, n - w, " + %s", NAME(r->others[i]));
        w += k > 0 ? (size_t)k : 0;
    }
#undef NAME
}

int cli_hardware_and_model(cli *c, const char **hw, const char **model)
{
    *hw = arg_value(&c->a, OPT_HARDWARE);
    *model = arg_value(&c->a, OPT_MODEL);
    int p = 0;
    if (!*hw && p < c->a.n_pos)
        *hw = c->a.pos[p++];
    if (!*model && p < c->a.n_pos)
        *model = c->a.pos[p++];
    if (p < c->a.n_pos)
        return cli_error(c, "%s: unexpected argument '%s'", c->cmd, c->a.pos[p]);
    if (!*hw || !*model)
        return cli_error(c, "%s: needs --hardware and --model (see 'fitcheck help %s')", c->cmd,
                         c->cmd);
    return EXIT_OK;
}

int cli_request(cli *c, const char *hw_name, const char *model_name, fc_request *r,
                bool *auto_quant)
{
    fc_error err;
    fc_request init = FC_REQUEST_INIT;
    *r = init;
    const char *s;
    long v;
    double d;

    const fc_quant *file_quant = NULL;
    if (model_name && cli_is_model_file(model_name)) {
        /* a config.json or GGUF file (model_input.c); a GGUF brings its quant */
        int rc = cli_model_from_file(c, model_name, &r->model, &file_quant);
        if (rc != EXIT_OK)
            return rc;
    } else if (model_name) {
        r->model = fc_find_model(c->cat, model_name, &err);
        if (!r->model)
            return cli_error(c, "%s", err.msg);
    }
    s = arg_value(&c->a, OPT_QUANT);
    *auto_quant = !s || strcmp(s, "auto") == 0;
    if (file_quant) {
        if (!*auto_quant)
            return cli_error(c, "--quant does not apply to %s: a GGUF file's quantization is "
                                "fixed (%s)", model_name, file_quant->info.name);
        r->quant = file_quant;
        *auto_quant = false;
    } else if (!*auto_quant) {
        r->quant = fc_find_quant(c->cat, s, &err);
        if (!r->quant)
            return cli_error(c, "--quant: %s", err.msg);
    }
    if ((s = arg_value(&c->a, OPT_PROMPT))) {
        if (parse_long(s, 0, 10000000, true, &v) != 0)
            return cli_error(c, "--prompt takes a number of tokens between 0 and 10000000, not '%s'", s);
        r->prompt = v;
    }
    if ((s = arg_value(&c->a, OPT_GEN))) {
        if (parse_long(s, 0, 10000000, true, &v) != 0)
            return cli_error(c, "--gen takes a number of tokens between 0 and 10000000, not '%s'", s);
        r->gen = v;
    }
    long need = r->prompt + r->gen;
    r->context = need > 4096 ? need : 4096;
    if ((s = arg_value(&c->a, OPT_CTX))) {
        if (parse_long(s, 1, 10000000, true, &v) != 0)
            return cli_error(c, "--ctx takes a number of tokens between 1 and 10000000 (or 32k), not '%s'", s);
        if (v < need)
            return cli_error(c, "--ctx %ld is smaller than --prompt + --gen (%ld)", v, need);
        r->context = v;
    }
    if ((s = arg_value(&c->a, OPT_GPUS))) {
        if (parse_long(s, 1, 1024, false, &v) != 0)
            return cli_error(c, "--gpus takes a number between 1 and 1024, not '%s'", s);
        r->gpus = (int)v;
    }
    if ((s = arg_value(&c->a, OPT_USERS))) {
        if (parse_long(s, 1, 65536, false, &v) != 0)
            return cli_error(c, "--users takes a number between 1 and 65536, not '%s'", s);
        r->users = (int)v;
    }
    if ((s = arg_value(&c->a, OPT_NODES))) {
        if (parse_long(s, 1, 1024, false, &v) != 0)
            return cli_error(c, "--nodes takes a number of machines between 1 and 1024, not '%s'", s);
        r->nodes = (int)v;
    }
    if ((s = arg_value(&c->a, OPT_SPLIT))) {
        if (strcmp(s, "layer") == 0)
            r->split = FC_SPLIT_LAYER;
        else if (strcmp(s, "tensor") == 0 || strcmp(s, "row") == 0)
            r->split = FC_SPLIT_TENSOR;
        else
            return cli_error(c, "--split takes layer or tensor, not '%s'", s);
    }
    if ((s = arg_value(&c->a, OPT_KV_TYPE)) && fc_kv_type_from_name(s, &r->kv_type) != 0)
        return cli_error(c, "--kv-type takes f16, q8_0 or q4_0, not '%s'", s);
    s = arg_value(&c->a, OPT_HOST);
    r->host = fc_find_host(c->cat, s ? s : "ddr5-5600-2ch", &err);
    if (!r->host)
        return cli_error(c, "--host: %s", err.msg);
    if ((s = arg_value(&c->a, OPT_RAM))) {
        if (parse_double(s, 1, 1e6, &d) != 0)
            return cli_error(c, "--ram takes a size in GiB between 1 and 1000000, not '%s'", s);
        r->host_ram_gb = d;
    }
    if ((s = arg_value(&c->a, OPT_RESERVE))) {
        if (parse_double(s, 0, 1e4, &d) != 0)
            return cli_error(c, "--reserve takes a size in GiB between 0 and 10000, not '%s'", s);
        r->reserve_gb = d;
    }
    if ((s = arg_value(&c->a, OPT_UBATCH))) {
        if (parse_long(s, 1, 65536, false, &v) != 0)
            return cli_error(c, "--ubatch takes a number between 1 and 65536, not '%s'", s);
        r->ubatch = (int)v;
    }
    r->allow_offload = !arg_flag(&c->a, OPT_NO_OFFLOAD);
    if (hw_name && strcmp(hw_name, "local") == 0) {
        /* this machine (detect.c): the devices found, and its RAM for offload */
        const fc_hardware *hw;
        int count;
        double ram;
        int rc = cli_detect_local(c, &hw, &count, &ram);
        if (rc != EXIT_OK)
            return rc;
        if (!arg_value(&c->a, OPT_GPUS) && count > 1)
            r->gpus = count;
        if (!arg_value(&c->a, OPT_RAM) && ram >= 1 && !hw->unified_memory)
            r->host_ram_gb = ram;
        return cli_request_for_hardware(c, hw, r);
    }
    if (hw_name) {
        setup su;
        int rc = cli_parse_setup(c, hw_name, arg_value(&c->a, OPT_GPUS) ? r->gpus : 0, &su);
        if (rc != EXIT_OK)
            return rc;
        r->gpus = su.gpus;
        r->n_others = su.n_others;
        memcpy(r->others, su.others, sizeof r->others);
        if (r->n_others > 0 && r->split == FC_SPLIT_TENSOR)
            return cli_error(c, "--split tensor needs identical devices; '%s' mixes GPUs, which "
                                "split by layers", hw_name);
        return cli_request_for_hardware(c, su.hw, r);
    }
    return EXIT_OK;
}

int cli_request_estimate(cli *c, const char *hw_name, const char *model_name, bool explain,
                         fc_request *r, bool *auto_quant, fc_estimate *e)
{
    int rc = cli_request(c, hw_name, model_name, r, auto_quant);
    if (rc != EXIT_OK)
        return rc;
    r->explain = explain;
    if (!cli_choose_quant(c, r, *auto_quant, e))
        return cli_error(c, "%s: no quantization of %s runs on the %s backend", c->cmd,
                         r->model->info.id, r->backend->info.id);
    return EXIT_OK;
}

/* "hardware" and "model" objects of a command's JSON document */
void json_hardware_model(cJSON *doc, const fc_request *r)
{
    cJSON *jh = cJSON_AddObjectToObject(doc, "hardware");
    json_str(jh, "id", r->hardware->info.id);
    json_str(jh, "name", r->hardware->info.name);
    cJSON_AddNumberToObject(jh, "count", r->gpus);
    cJSON *jm = cJSON_AddObjectToObject(doc, "model");
    json_str(jm, "id", r->model->info.id);
    json_str(jm, "name", r->model->info.name);
}

const fc_quant *cli_choose_quant(cli *c, fc_request *r, bool auto_quant, fc_estimate *e)
{
    if (!auto_quant) {
        if (fc_estimate_run(r, e, NULL) != FC_OK)
            return NULL;
        return r->quant;
    }
    const fc_quant *q = fc_best_quant(c->cat, r, e);
    if (q) {
        r->quant = q;
        return q;
    }
    /* nothing fits in GPU memory: the usual download (the first quant of the
     * ladder at or below Q4_K_M's 5 bits/weight) when it runs with offload,
     * else the smallest, to show how far off it is */
    const fc_quant *pick = NULL, *last = NULL;
    int pick_rank = 0, last_rank = 0;
    fc_estimate tmp;
    for (size_t i = 0; i < fc_catalog_count(c->cat, FC_KIND_QUANT); i++) {
        const fc_quant *cand = fc_catalog_quant(c->cat, i);
        int rank = cand->ladder;
        if (r->model->quants.count) {
            rank = 0;
            for (size_t k = 0; k < r->model->quants.count; k++)
                if (strcmp(r->model->quants.items[k], cand->info.id) == 0)
                    rank = (int)k + 1;
        }
        if (rank <= 0)
            continue;
        if (r->backend && r->backend->quant_format &&
            strcmp(cand->format, r->backend->quant_format) != 0)
            continue;
        if (rank > last_rank) {
            last = cand;
            last_rank = rank;
        }
        if (cand->bpw <= 5.0 && (!pick || rank < pick_rank)) {
            fc_request t = *r;
            t.quant = cand;
            if (fc_estimate_run(&t, &tmp, NULL) == FC_OK && tmp.verdict == FC_VERDICT_OFFLOAD) {
                pick = cand;
                pick_rank = rank;
            }
        }
    }
    if (pick)
        last = pick;
    if (!last)
        return NULL;
    r->quant = last;
    if (fc_estimate_run(r, e, NULL) != FC_OK)
        return NULL;
    return last;
}

const char *quant_label(const fc_quant *q) { return q ? q->info.name : "-"; }

cJSON *json_estimate(const fc_request *r, const fc_estimate *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON *hw = cJSON_AddObjectToObject(o, "hardware");
    json_str(hw, "id", r->hardware->info.id);
    json_str(hw, "name", r->hardware->info.name);
    cJSON_AddNumberToObject(hw, "count", r->gpus);
    if (r->n_others > 0) {
        cJSON *others = cJSON_AddArrayToObject(hw, "others");
        for (int i = 0; i < r->n_others; i++)
            cJSON_AddItemToArray(others, cJSON_CreateString(r->others[i]->info.id));
    }
    cJSON_AddNumberToObject(hw, "devices_per_machine", r->gpus + r->n_others);
    cJSON_AddNumberToObject(hw, "machines", e->nodes > 1 ? e->nodes : 1);
    json_str(hw, "machine_link", e->nodes > 1 && r->node_link ? r->node_link->info.id : NULL);
    cJSON *m = cJSON_AddObjectToObject(o, "model");
    json_str(m, "id", r->model->info.id);
    json_str(m, "name", r->model->info.name);
    json_num(m, "params_b", r->model->params_b, 3);
    json_num(m, "active_params_b", r->model->active_params_b, 3);
    json_str(o, "quant", r->quant ? r->quant->info.id : NULL);
    json_num(o, "bits_per_weight", r->quant ? r->quant->bpw : 0, 4);
    json_str(o, "backend", r->backend->info.id);
    json_str(o, "kv_type", fc_kv_type_name(r->kv_type));
    int per_machine = r->gpus + r->n_others;
    json_str(o, "split", per_machine > 1 ? fc_split_name(r->split) : NULL);
    json_str(o, "link", per_machine > 1 && r->link ? r->link->info.id : NULL);
    cJSON_AddNumberToObject(o, "users", e->users > 1 ? e->users : 1);
    cJSON_AddNumberToObject(o, "context", (double)r->context);
    cJSON_AddNumberToObject(o, "prompt_tokens", (double)r->prompt);
    cJSON_AddNumberToObject(o, "gen_tokens", (double)r->gen);
    json_str(o, "verdict", fc_verdict_name(e->verdict));
    cJSON_AddBoolToObject(o, "fits", e->fits);
    cJSON *mem = cJSON_AddObjectToObject(o, "memory");
    json_num(mem, "weights_bytes", e->weights_bytes, 0);
    json_num(mem, "weights_gpu_bytes", e->weights_gpu_bytes, 0);
    json_num(mem, "kv_cache_bytes", e->kv_cache_bytes, 0);
    json_num(mem, "kv_cache_bytes_per_user", e->kv_cache_bytes_per_user, 0);
    json_num(mem, "state_bytes", e->state_bytes, 0);
    json_num(mem, "overhead_bytes", e->overhead_bytes, 0);
    json_num(mem, "total_bytes", e->total_bytes, 0);
    json_num(mem, "gpu_needed_bytes", e->gpu_needed_bytes, 0);
    json_num(mem, "device_bytes", e->device_bytes, 0);
    json_num(mem, "reserve_bytes", e->reserve_bytes, 0);
    json_num(mem, "available_bytes", e->available_bytes, 0);
    json_num(mem, "headroom_bytes", e->headroom_bytes, 0);
    json_num(mem, "offloaded_bytes", e->offloaded_bytes, 0);
    if (r->hardware->unified_memory) {
        cJSON *wl = cJSON_AddObjectToObject(o, "gpu_memory_limit");
        json_num(wl, "default_bytes", e->wired_limit_default_bytes, 0);
        json_num(wl, "max_bytes", e->wired_limit_max_bytes, 0);
        cJSON_AddBoolToObject(wl, "needs_raise", e->needs_wired_limit_raise);
        if (e->wired_limit_mb > 0) {
            char cmd[96];
            snprintf(cmd, sizeof cmd, "sudo sysctl iogpu.wired_limit_mb=%ld", e->wired_limit_mb);
            json_str(wl, "command", cmd);
        }
    }
    cJSON *off = cJSON_AddObjectToObject(o, "offload");
    json_str(off, "mode", fc_offload_name(e->offload_mode));
    cJSON_AddNumberToObject(off, "gpu_layers", e->gpu_layers);
    cJSON_AddNumberToObject(off, "cpu_moe_layers", e->cpu_moe_layers);
    json_str(off, "host", r->host ? r->host->info.id : NULL);
    json_num(off, "decode_tokens_per_s_layer_offload", e->decode_tps_layer_offload, 2);
    json_num(off, "decode_tokens_per_s_expert_offload", e->decode_tps_expert_offload, 2);
    json_num(o, "prefill_tokens_per_s", e->prefill_tokens_per_s, 2);
    json_num(o, "decode_tokens_per_s", e->decode_tokens_per_s, 2);
    json_num(o, "decode_tokens_per_s_start", e->decode_tokens_per_s_start, 2);
    json_num(o, "decode_tokens_per_s_total", e->decode_tokens_per_s_total, 2);
    cJSON_AddBoolToObject(o, "decode_compute_bound", e->decode_compute_bound);
    cJSON_AddNumberToObject(o, "max_users", (double)e->max_users);
    json_num(o, "interconnect_ms_per_token", e->interconnect_ms_per_token, 4);
    json_num(o, "time_to_first_token_s", e->time_to_first_token_s, 4);
    cJSON_AddNumberToObject(o, "max_context", (double)e->max_context);
    json_num(o, "bandwidth_efficiency", e->bandwidth_efficiency, 4);
    return o;
}

bool cli_eval(cli *c, const fc_request *tmpl, const fc_hardware *hw, int gpus,
              const fc_model *m, bool auto_quant, eval_result *out)
{
    /* clear all but the estimate's 8 KB explain trace, which is filled only
     * on request: the callers' arrays of results stay untouched pages */
    memset(out, 0, offsetof(eval_result, e) + offsetof(fc_estimate, terms));
    out->r = *tmpl;
    out->r.model = m;
    if (gpus > 0)
        out->r.gpus = gpus;
    if (request_for_hardware(c, hw, &out->r, true) != EXIT_OK)
        return false;
    if (!cli_choose_quant(c, &out->r, auto_quant, &out->e))
        return false;
    out->ok = true;
    return true;
}
