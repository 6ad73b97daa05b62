/* cmd_list.c - 'fitcheck list': one catalog section as a table. */
#include <string.h>
#include <strings.h>

#include "cli.h"

static const char *const sections[] = { "hardware", "hosts", "links", "models", "quants",
                                        "backends" };

static int parse_kind(const char *s, fc_kind *kind)
{
    static const char *const singular[] = { "hardware", "host", "link", "model", "quant",
                                            "backend" };
    for (int k = 0; k < FC_KIND_COUNT; k++)
        if (strcmp(s, sections[k]) == 0 || strcmp(s, singular[k]) == 0 ||
            (k == FC_KIND_HARDWARE && (strcmp(s, "devices") == 0 || strcmp(s, "gpus") == 0))) {
            *kind = (fc_kind)k;
            return 0;
        }
    return -1;
}

static void src_cell(view *v, cell *c, const fc_entry_info *info)
{
    cell_text(v, c, info->source ? info->source : "");
}

static int list_hardware(cli *c, view *v, cJSON *items)
{
    const char *vendor = arg_value(&c->a, OPT_CMD + 1);
    const char *minmem = arg_value(&c->a, OPT_CMD + 2);
    const char *category = arg_value(&c->a, OPT_CMD + 3);
    const char *backend = arg_value(&c->a, OPT_CMD + 4);
    double min_gb = 0;
    if (minmem && parse_double(minmem, 0, 1e6, &min_gb) != 0)
        return cli_error(c, "--min-memory takes a size in GiB, not '%s'", minmem);
    static const char *const categories[] = { "desktop_gpu", "laptop_gpu", "workstation_gpu",
                                              "datacenter_gpu", "apple", "unified_soc",
                                              "edge_soc" };
    bool known = !category;
    for (size_t k = 0; !known && k < sizeof categories / sizeof categories[0]; k++)
        known = strcasecmp(category, categories[k]) == 0;
    if (!known)
        return cli_error(c, "--category takes desktop_gpu, laptop_gpu, workstation_gpu, "
                            "datacenter_gpu, apple, unified_soc or edge_soc, not '%s'", category);
    static const char *const spec[] = {
        "ID|id", "Name|name", "Memory GiB|memory_gb|r", "Type|memory_type",
        "Bandwidth GB/s|bandwidth_gbs|r", "FP16 TFLOPS|fp16_tflops|r", "Backend|backend",
        "Year|release_year|r", "Source|source" };
    block *t = view_table(v, NULL, 9, spec);
    t->primary = true;
    for (size_t i = 0; i < fc_catalog_count(c->cat, FC_KIND_HARDWARE); i++) {
        const fc_hardware *h = fc_catalog_hardware(c->cat, i);
        if (vendor && strcasecmp(vendor, h->vendor) != 0)
            continue;
        if (category && strcasecmp(category, h->category) != 0)
            continue;
        if (h->memory_gb < min_gb)
            continue;
        if (backend) {
            bool ok = strcasecmp(backend, h->backend) == 0;
            for (size_t b = 0; b < h->backends.count; b++)
                ok = ok || strcasecmp(backend, h->backends.items[b]) == 0;
            if (!ok)
                continue;
        }
        cell *r = table_row(v, t);
        if (!r)
            break;
        cell_text(v, &r[0], h->info.id);
        cell_text(v, &r[1], h->info.name);
        cell_num(v, &r[2], h->memory_gb, h->memory_gb == (int)h->memory_gb ? 0 : 1, NULL);
        cell_text(v, &r[3], h->memory_type);
        cell_num(v, &r[4], h->bandwidth_gbs, h->bandwidth_gbs >= 100 ? 0 : 1, NULL);
        cell_num(v, &r[5], h->fp16_tflops, h->fp16_tflops >= 100 ? 0 : 1, NULL);
        cell_text(v, &r[6], h->backend);
        cell_num(v, &r[7], h->release_year, 0, NULL);
        src_cell(v, &r[8], &h->info);
        cJSON_AddItemToArray(items, json_entry(FC_KIND_HARDWARE, h));
    }
    return EXIT_OK;
}

static int list_models(cli *c, view *v, cJSON *items)
{
    const char *family = arg_value(&c->a, OPT_CMD + 5);
    const char *arch = arg_value(&c->a, OPT_CMD + 6);
    const char *maxp = arg_value(&c->a, OPT_CMD + 7);
    double max_b = 0;
    if (maxp && parse_double(maxp, 0, 1e6, &max_b) != 0)
        return cli_error(c, "--max-params takes billions of parameters, not '%s'", maxp);
    if (arch && strcmp(arch, "dense") && strcmp(arch, "moe") && strcmp(arch, "hybrid"))
        return cli_error(c, "--arch takes dense, moe or hybrid, not '%s'", arch);
    static const char *const archs[] = { "dense", "moe", "hybrid" };
    static const char *const spec[] = {
        "ID|id", "Name|name", "Arch|arch", "Params B|params_b|r", "Active B|active_params_b|r",
        "Layers|layers|r", "Context|context|r", "KV KiB/token|kv_kib_per_token|r", "Source|source" };
    block *t = view_table(v, NULL, 9, spec);
    t->primary = true;
    for (size_t i = 0; i < fc_catalog_count(c->cat, FC_KIND_MODEL); i++) {
        const fc_model *m = fc_catalog_model(c->cat, i);
        if (family && (!m->family || strcasecmp(family, m->family) != 0))
            continue;
        if (arch && strcmp(arch, archs[m->arch]) != 0)
            continue;
        if (max_b > 0 && m->params_b > max_b)
            continue;
        cell *r = table_row(v, t);
        if (!r)
            break;
        cell_text(v, &r[0], m->info.id);
        cell_text(v, &r[1], m->info.name);
        cell_text(v, &r[2], archs[m->arch]);
        cell_num(v, &r[3], m->params_b, m->params_b < 10 ? 2 : 1, NULL);
        cell_num(v, &r[4], m->active_params_b, m->active_params_b < 10 ? 2 : 1, NULL);
        cell_num(v, &r[5], m->layers, 0, NULL);
        cell_num(v, &r[6], (double)m->context, 0, NULL);
        /* at the full native context, averaged: sliding windows count */
        double kv = fc_kv_cache_bytes(m, m->context, FC_KV_F16) / (double)m->context / 1024.0;
        cell_num(v, &r[7], kv, 1, NULL);
        src_cell(v, &r[8], &m->info);
        cJSON_AddItemToArray(items, json_entry(FC_KIND_MODEL, m));
    }
    return EXIT_OK;
}

static void list_simple(cli *c, view *v, cJSON *items, fc_kind kind)
{
    static const char *const quant_spec[] = { "ID|id", "Name|name", "Family|family",
                                              "Format|format", "Bits/weight|bpw|r",
                                              "Auto rank|ladder|r", "Source|source" };
    static const char *const host_spec[] = { "ID|id", "Name|name", "Bandwidth GB/s|bandwidth_gbs|r",
                                             "Memory GiB|memory_gb|r", "Source|source" };
    static const char *const link_spec[] = { "ID|id", "Name|name", "Bandwidth GB/s|bandwidth_gbs|r",
                                             "Latency us|latency_us|r", "Source|source" };
    static const char *const be_spec[] = { "ID|id", "Name|name", "Runtime|runtime",
                                           "BW efficiency|bw_efficiency|r",
                                           "Token us|token_overhead_us|r",
                                           "Layer us|layer_overhead_us|r",
                                           "Prefill eff|prefill_efficiency|r" };
    block *t = kind == FC_KIND_QUANT ? view_table(v, NULL, 7, quant_spec)
               : kind == FC_KIND_HOST ? view_table(v, NULL, 5, host_spec)
               : kind == FC_KIND_LINK ? view_table(v, NULL, 5, link_spec)
                                      : view_table(v, NULL, 7, be_spec);
    t->primary = true;
    for (size_t i = 0; i < fc_catalog_count(c->cat, kind); i++) {
        const fc_entry_info *info = fc_catalog_info(c->cat, kind, i);
        cell *r = table_row(v, t);
        if (!r)
            break;
        cell_text(v, &r[0], info->id);
        cell_text(v, &r[1], info->name);
        if (kind == FC_KIND_QUANT) {
            const fc_quant *q = (const fc_quant *)info;
            cell_text(v, &r[2], q->family);
            cell_text(v, &r[3], q->format);
            cell_num(v, &r[4], q->bpw, 3, NULL);
            if (q->ladder)
                cell_num(v, &r[5], q->ladder, 0, NULL);
            src_cell(v, &r[6], info);
        } else if (kind == FC_KIND_HOST) {
            const fc_host *h = (const fc_host *)info;
            cell_num(v, &r[2], h->bandwidth_gbs, 1, NULL);
            cell_num(v, &r[3], h->memory_gb, 0, NULL);
            src_cell(v, &r[4], info);
        } else if (kind == FC_KIND_LINK) {
            const fc_link *l = (const fc_link *)info;
            cell_num(v, &r[2], l->bandwidth_gbs, 2, NULL);
            cell_num(v, &r[3], l->latency_us, 1, NULL);
            src_cell(v, &r[4], info);
        } else {
            const fc_backend *b = (const fc_backend *)info;
            cell_text(v, &r[2], b->runtime);
            cell_num(v, &r[3], b->bw_efficiency, 3, NULL);
            cell_num(v, &r[4], b->token_overhead_us, 0, NULL);
            cell_num(v, &r[5], b->layer_overhead_us, 1, NULL);
            cell_num(v, &r[6], b->prefill_efficiency, 3, NULL);
        }
        cJSON_AddItemToArray(items, json_entry(kind, info));
    }
}

int cmd_list(cli *c, view *v)
{
    fc_kind kind;
    if (parse_kind(c->a.pos[0], &kind) != 0)
        return cli_error(c, "list: unknown section '%s' (hardware, models, quants, hosts, "
                            "links or backends)", c->a.pos[0]);
    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "section", sections[kind]);
    cJSON *items = cJSON_CreateArray();
    int rc = EXIT_OK;
    if (kind == FC_KIND_HARDWARE)
        rc = list_hardware(c, v, items);
    else if (kind == FC_KIND_MODEL)
        rc = list_models(c, v, items);
    else
        list_simple(c, v, items, kind);
    if (rc != EXIT_OK) {
        cJSON_Delete(items);
        return rc;
    }
    int n = cJSON_GetArraySize(items);
    cJSON_AddNumberToObject(v->json, "count", n);
    cJSON_AddItemToObject(v->json, "items", items);
    static const char *const one[] = { "device", "host profile", "link", "model", "quant",
                                       "backend" };
    static const char *const many[] = { "devices", "host profiles", "links", "models", "quants",
                                        "backends" };
    view_text(v, "%d %s", n, n == 1 ? one[kind] : many[kind]);
    return EXIT_OK;
}
