#define _POSIX_C_SOURCE 200809L
/* cmd_calibrate.c - 'fitcheck calibrate': fit backend efficiencies.
 *
 * Reads measured runs (the format 'validate' reads), fits every backend that
 * has rows by least squares on the log error (fc_calibrate_backend), and
 * writes a backends document that --calibration loads. Written over
 * data/backends.json, it becomes the embedded default:
 *
 *   fitcheck calibrate tests/measured/measured-public.csv --output data/backends.json
 *
 * By default the fit uses the newest source of each backend
 * (measured_calibration_sources in cmd_validate.c); --source and
 * --exclude-source choose others. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "measured.h"

enum { OPT_OUTPUT = OPT_CMD + 70, OPT_SOURCE, OPT_EXCLUDE_SOURCE, OPT_ALL_SOURCES };

const opt_spec calibrate_opts[] = {
    { "output", 'o', OPT_OUTPUT, "FILE", "write the calibration (a backends JSON) to FILE" },
    { "source", 0, OPT_SOURCE, "ID[,ID...]",
      "fit on these sources only (repeatable; default: the newest source of each backend)" },
    { "exclude-source", 0, OPT_EXCLUDE_SOURCE, "ID[,ID...]", "leave these sources out (repeatable)" },
    { "all-sources", 0, OPT_ALL_SOURCES, NULL, "fit on every source in the file" },
    { NULL, 0, 0, NULL, NULL },
};

/* id listed in any value of option `id` (comma-separated) */
static bool listed(const cli *c, int id, const char *source)
{
    size_t n = strlen(source);
    for (int i = 0; i < c->a.n_opt; i++) {
        if (c->a.opt[i].id != id || !c->a.opt[i].value)
            continue;
        const char *p = c->a.opt[i].value;
        while (*p) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (len == n && strncmp(p, source, n) == 0)
                return true;
            p += len;
            if (*p == ',')
                p++;
        }
    }
    return false;
}

static bool has_opt(const cli *c, int id)
{
    for (int i = 0; i < c->a.n_opt; i++)
        if (c->a.opt[i].id == id)
            return true;
    return false;
}

/* 4 significant digits: enough for the fit, stable across machines */
static void num4(cJSON *o, const char *key, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.4g", v);
    cJSON_AddNumberToObject(o, key, strtod(buf, NULL));
}

static cJSON *backend_json(const fc_backend *b, const char *source)
{
    cJSON *o = cJSON_CreateObject();
    json_str(o, "id", b->info.id);
    json_str(o, "name", b->info.name);
    if (b->info.aliases.count) {
        cJSON *a = cJSON_AddArrayToObject(o, "aliases");
        for (size_t i = 0; i < b->info.aliases.count; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(b->info.aliases.items[i]));
    }
    json_str(o, "runtime", b->runtime);
    json_str(o, "quant_format", b->quant_format);
    num4(o, "bw_efficiency", b->bw_efficiency);
    num4(o, "hbm_efficiency_scale", b->hbm_efficiency_scale);
    num4(o, "cu_bandwidth_gbs", b->cu_bandwidth_gbs);
    num4(o, "token_overhead_us", b->token_overhead_us);
    num4(o, "layer_overhead_us", b->layer_overhead_us);
    num4(o, "dequant_ops_per_weight", b->dequant_ops_per_weight);
    num4(o, "prefill_efficiency", b->prefill_efficiency);
    num4(o, "context_mib_base", b->context_mib_base);
    num4(o, "context_mib_per_cu", b->context_mib_per_cu);
    num4(o, "cpu_bw_efficiency", b->cpu_bw_efficiency);
    json_str(o, "source", source);
    if (b->info.notes)
        json_str(o, "notes", b->info.notes);
    return o;
}

static const char *fitted_names(unsigned f, char *buf, size_t n)
{
    static const struct {
        unsigned flag;
        const char *name;
    } names[] = {
        { FC_FIT_BW, "bw_efficiency" }, { FC_FIT_HBM, "hbm_efficiency_scale" },
        { FC_FIT_CU, "cu_bandwidth_gbs" }, { FC_FIT_TOKEN_OVERHEAD, "token_overhead_us" },
        { FC_FIT_LAYER_OVERHEAD, "layer_overhead_us" },
        { FC_FIT_DEQUANT, "dequant_ops_per_weight" },
        { FC_FIT_PREFILL, "prefill_efficiency" },
    };
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((f & names[i].flag) && used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? " " : "", names[i].name);
    return buf;
}

int cmd_calibrate(cli *c, view *v)
{
    const char *path = c->a.pos[0];
    measured_set set;
    int rc = measured_load(c, path, &set, true);
    if (rc != EXIT_OK)
        return rc;
    bool *use = calloc(set.n ? set.n : 1, sizeof *use);
    size_t nb = fc_catalog_count(c->cat, FC_KIND_BACKEND);
    fc_backend *fit = calloc(nb ? nb : 1, sizeof *fit);
    fc_fit_result *res = calloc(nb ? nb : 1, sizeof *res);
    if (!use || !fit || !res) {
        free(use);
        free(fit);
        free(res);
        measured_free(&set);
        return cli_error(c, "out of memory");
    }
    bool all = arg_flag(&c->a, OPT_ALL_SOURCES);
    bool chosen = has_opt(c, OPT_SOURCE);
    size_t n_use = 0;
    for (size_t i = 0; i < set.n; i++) {
        const measured_row *r = &set.rows[i];
        const char *src = r->f[MF_SOURCE];
        bool in = all ? true : chosen ? listed(c, OPT_SOURCE, src)
                                      : measured_is_calibration_source(src);
        use[i] = r->resolved && !r->excluded && in && !listed(c, OPT_EXCLUDE_SOURCE, src);
        n_use += use[i];
    }
    unsigned long mask = 0;
    if (n_use == 0)
        rc = cli_error(c, "calibrate: no usable rows in '%s' for the chosen sources", path);
    else
        rc = measured_fit(c, &set, use, false, fit, res, &mask);
    if (rc != EXIT_OK)
        goto done;

    /* the calibration document: every backend, the fitted ones replaced */
    char srcnote[512];
    size_t used = (size_t)snprintf(srcnote, sizeof srcnote, "fitted by fitcheck calibrate on");
    const char *seen[64];
    size_t nseen = 0;
    for (size_t i = 0; i < set.n && nseen < 64; i++) {
        if (!use[i])
            continue;
        size_t k;
        for (k = 0; k < nseen; k++)
            if (strcmp(seen[k], set.rows[i].f[MF_SOURCE]) == 0)
                break;
        if (k == nseen) {
            seen[nseen++] = set.rows[i].f[MF_SOURCE];
            if (used < sizeof srcnote)
                used += (size_t)snprintf(srcnote + used, sizeof srcnote - used, "%s%s",
                                         nseen > 1 ? ", " : " ", set.rows[i].f[MF_SOURCE]);
        }
    }
    if (used < sizeof srcnote)
        snprintf(srcnote + used, sizeof srcnote - used, " (tests/measured/SOURCES.md)");
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "schema_version", FC_SCHEMA_VERSION);
    cJSON *arr = cJSON_AddArrayToObject(doc, "backends");
    for (size_t b = 0; b < nb; b++) {
        const fc_backend *be = fc_catalog_backend(c->cat, b);
        bool fitted = (mask >> b) & 1UL;
        cJSON_AddItemToArray(arr, backend_json(fitted ? &fit[b] : be,
                                               fitted ? srcnote
                                                      : (be->info.source ? be->info.source
                                                                         : "not fitted: no rows")));
    }
    const char *out = arg_value(&c->a, OPT_OUTPUT);
    if (out) {
        char *text = cJSON_Print(doc);
        FILE *fp = text ? fopen(out, "w") : NULL;
        bool ok = fp && fputs(text, fp) >= 0 && fputc('\n', fp) != EOF;
        if (fp && fclose(fp) != 0)
            ok = false;
        if (!ok)
            rc = cli_error(c, "cannot write '%s': %s", out, text ? strerror(errno) : "out of memory");
        free(text);
    }

    /* report */
    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "calibrate");
    json_str(v->json, "file", path);
    json_str(v->json, "output", out);
    cJSON_AddNumberToObject(v->json, "rows_used", (double)n_use);
    cJSON *jfits = cJSON_AddArrayToObject(v->json, "fits");
    view_heading(v, "Calibration from %zu measured runs (%s)", n_use, path);
    view_text(v, "Least squares on log(predicted / measured) per backend; %s.",
              out ? "written to the output file" : "use --output FILE to write it");
    static const char *const cols[] = {
        "Backend|backend", "Decode rows|decode_rows|r", "Prefill rows|prefill_rows|r",
        "RMS log err|rms_log_error|r", "bw eff|bw_efficiency|r", "HBM scale|hbm_efficiency_scale|r",
        "GB/s per CU|cu_bandwidth_gbs|r", "token us|token_overhead_us|r",
        "unpack ops|dequant_ops_per_weight|r", "prefill eff|prefill_efficiency|r",
        "Fitted|fitted",
    };
    block *t = view_table(v, "Fitted backends", 11, cols);
    if (t)
        t->primary = true;
    for (size_t b = 0; b < nb; b++) {
        if (!((mask >> b) & 1UL))
            continue;
        const fc_backend *f = &fit[b];
        char names[256];
        fitted_names(res[b].fitted, names, sizeof names);
        cell *cl = table_row(v, t);
        if (cl) {
            cell_text(v, &cl[0], f->info.id);
            cell_num(v, &cl[1], (double)res[b].n_decode, 0, NULL);
            cell_num(v, &cl[2], (double)res[b].n_prefill, 0, NULL);
            cell_num(v, &cl[3], res[b].rms_log_error, 3, NULL);
            cell_num(v, &cl[4], f->bw_efficiency, 3, NULL);
            cell_num(v, &cl[5], f->hbm_efficiency_scale, 3, NULL);
            cell_num(v, &cl[6], f->cu_bandwidth_gbs, 2, NULL);
            cell_num(v, &cl[7], f->token_overhead_us, 0, NULL);
            cell_num(v, &cl[8], f->dequant_ops_per_weight, 2, NULL);
            cell_num(v, &cl[9], f->prefill_efficiency, 3, NULL);
            cell_text(v, &cl[10], names);
        }
        cJSON *o = backend_json(f, srcnote);
        cJSON_AddNumberToObject(o, "decode_rows", (double)res[b].n_decode);
        cJSON_AddNumberToObject(o, "prefill_rows", (double)res[b].n_prefill);
        json_num(o, "rms_log_error", res[b].rms_log_error, 4);
        json_str(o, "fitted", names);
        cJSON_AddItemToArray(jfits, o);
    }
    cJSON_Delete(doc);
done:
    free(use);
    free(fit);
    free(res);
    measured_free(&set);
    return rc;
}
