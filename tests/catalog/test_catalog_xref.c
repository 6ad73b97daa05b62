/*
 * test_catalog_xref.c - cross-check of the data/ JSON files against the reference
 * sheets tests/reference/{hardware,models,quants}.csv (read with libcsv).
 *
 * Every catalog entry with a `ref` is compared with the row it names; a
 * disagreement fails unless the entry's `ref_differs` names the field (with a
 * reason). A `ref` naming a missing row fails, and so does a reference row
 * that no entry refers to (hardware.csv: except apple_m4_ultra_projected, and
 * the cpu_* host rows and ic_* link rows, which are only reported).
 *
 * The raw JSON (cJSON) gives `ref`, `ref_differs` and `unverified`; the
 * numbers come from the fc_ API (same_as resolved, KV bytes from
 * fc_kv_cache_bytes) over a catalog loaded from the same files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "refsheet.h"

typedef struct fixture {
    ref_sheet hw_sheet, model_sheet, quant_sheet;
    cJSON *hw_json, *model_json, *quant_json;
    fc_catalog *cat;
} fixture;

static const char *const data_files[] = { "data/backends.json", "data/hardware.json",
                                          "data/models.json", "data/quants.json" };

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    ref_sheet_free(&f->hw_sheet);
    ref_sheet_free(&f->model_sheet);
    ref_sheet_free(&f->quant_sheet);
    cJSON_Delete(f->hw_json);
    cJSON_Delete(f->model_json);
    cJSON_Delete(f->quant_json);
    if (f->cat)
        fc_catalog_free(f->cat);
    free(f);
    *state = NULL;
    return 0;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;
    char err[512];
    if (ref_sheet_load(&f->hw_sheet, "tests/reference/hardware.csv", err, sizeof err) ||
        ref_sheet_load(&f->model_sheet, "tests/reference/models.csv", err, sizeof err) ||
        ref_sheet_load(&f->quant_sheet, "tests/reference/quants.csv", err, sizeof err)) {
        fprintf(stderr, "setup: %s\n", err);
        return teardown(state), -1;
    }
    f->hw_json = xref_load_json("data/hardware.json", err, sizeof err);
    if (f->hw_json)
        f->model_json = xref_load_json("data/models.json", err, sizeof err);
    if (f->model_json)
        f->quant_json = xref_load_json("data/quants.json", err, sizeof err);
    if (!f->quant_json) {
        fprintf(stderr, "setup: %s\n", err);
        return teardown(state), -1;
    }
    f->cat = fc_catalog_new();
    fc_error e;
    for (size_t i = 0; i < sizeof data_files / sizeof data_files[0]; i++) {
        if (fc_catalog_add_file(f->cat, data_files[i], &e) != FC_OK) {
            fprintf(stderr, "setup: %s\n", e.msg);
            return teardown(state), -1;
        }
    }
    if (fc_catalog_validate(f->cat, &e) != FC_OK) {
        fprintf(stderr, "setup: %s\n", e.msg);
        return teardown(state), -1;
    }
    return 0;
}

/* The catalog index of the entry with this exact id, or -1. */
static long find_index(const fc_catalog *cat, fc_kind kind, const char *id)
{
    size_t n = fc_catalog_count(cat, kind);
    for (size_t i = 0; i < n; i++) {
        const fc_entry_info *info = fc_catalog_info(cat, kind, i);
        if (info && info->id && strcmp(info->id, id) == 0)
            return (long)i;
    }
    return -1;
}

static const char *json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * Set up the comparison of one raw entry with its reference row: resolves
 * the row (failing when it does not exist or is of the wrong kind) and marks
 * the row used. Returns false when there is nothing to compare.
 */
static bool begin_entry(xref_entry *e, xref_tally *t, const char *section, const cJSON *raw,
                        ref_sheet *sheet, const char *id_column, const char *row_prefix,
                        bool prefix_required)
{
    memset(e, 0, sizeof *e);
    e->tally = t;
    e->section = section;
    e->id = json_str(raw, "id");
    e->ref = json_str(raw, "ref");
    e->sheet = sheet;
    e->row = -1;
    e->ref_differs = cJSON_GetObjectItemCaseSensitive(raw, "ref_differs");
    e->unverified = cJSON_GetObjectItemCaseSensitive(raw, "unverified");
    if (!e->id) {
        xref_fail(t, "%s: an entry has no id", section);
        return false;
    }
    if (cJSON_GetObjectItemCaseSensitive(raw, "ref") && !e->ref) {
        xref_fail(t, "%s '%s': ref must be a string", section, e->id);
        return false;
    }
    if (!e->ref) {
        if (e->ref_differs)
            xref_fail(t, "%s '%s': ref_differs without a ref", section, e->id);
        return false;
    }
    long col = ref_sheet_col(sheet, id_column);
    if (col < 0) {
        xref_fail(t, "%s: %s has no id column '%s'", section, sheet->path, id_column);
        return false;
    }
    e->row = ref_sheet_find(sheet, (size_t)col, e->ref);
    if (e->row < 0) {
        xref_fail(t, "%s '%s': ref '%s' names no row of %s", section, e->id, e->ref,
                  sheet->path);
        return false;
    }
    sheet->uses[e->row]++;
    if (row_prefix) {
        bool has = strncmp(e->ref, row_prefix, strlen(row_prefix)) == 0;
        if (has != prefix_required) {
            xref_fail(t, "%s '%s': ref '%s' is a row of the wrong kind (%s %s rows)", section,
                      e->id, e->ref, prefix_required ? "expected" : "must not use",
                      row_prefix);
            return false;
        }
    }
    return true;
}

/* Hardware rows that are hosts (cpu_) or links (ic_) when used by a GPU. */
static bool is_host_or_link_row(const char *ref)
{
    return strncmp(ref, "cpu_", 4) == 0 || strncmp(ref, "ic_", 3) == 0;
}

static const char *const hardware_fields[] = { "memory_gb", "bandwidth_gbs", "fp16_tflops",
                                               "release_year", NULL };

static void test_hardware(void **state)
{
    fixture *f = *state;
    xref_tally t = { 0, 0, 0, 0, 0 };
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(f->hw_json, "hardware");
    assert_true(cJSON_IsArray(list));
    const cJSON *raw;
    int entries = 0;
    cJSON_ArrayForEach(raw, list)
    {
        xref_entry e;
        if (!begin_entry(&e, &t, "hardware", raw, &f->hw_sheet, "id", NULL, false))
            continue;
        if (is_host_or_link_row(e.ref)) {
            xref_fail(&t, "hardware '%s': ref '%s' is a host/link row, not a device", e.id,
                      e.ref);
            continue;
        }
        long i = find_index(f->cat, FC_KIND_HARDWARE, e.id);
        if (i < 0) {
            xref_fail(&t, "hardware '%s': not found through the fc_ API", e.id);
            continue;
        }
        const fc_hardware *h = fc_catalog_hardware(f->cat, (size_t)i);
        entries++;
        xref_check_differs_keys(&e, raw, hardware_fields);
        xref_number(&e, "memory_gb", true, h->memory_gb, "memory_gb");
        xref_number(&e, "bandwidth_gbs", true, h->bandwidth_gbs, "memory_bandwidth_gbs");
        xref_number(&e, "fp16_tflops", true, h->fp16_tflops, "fp16_tensor_dense_tflops");
        xref_number(&e, "release_year", h->release_year > 0, h->release_year, "release_year");
    }
    printf("hardware: %d entries with a ref\n", entries);
    xref_print_tally("hardware vs tests/reference/hardware.csv", &t);
    assert_true(entries > 0);
    if (t.failures)
        fail_msg("%d hardware disagreements with the reference sheet (see FAIL lines)",
                 t.failures);
}

static const char *const host_fields[] = { "bandwidth_gbs", "memory_gb", NULL };
static const char *const link_fields[] = { "bandwidth_gbs", NULL };

static void test_hosts_links(void **state)
{
    fixture *f = *state;
    xref_tally t = { 0, 0, 0, 0, 0 };
    const cJSON *raw;
    int entries = 0;
    cJSON_ArrayForEach(raw, cJSON_GetObjectItemCaseSensitive(f->hw_json, "hosts"))
    {
        xref_entry e;
        if (!begin_entry(&e, &t, "hosts", raw, &f->hw_sheet, "id", "cpu_", true))
            continue;
        long i = find_index(f->cat, FC_KIND_HOST, e.id);
        if (i < 0) {
            xref_fail(&t, "hosts '%s': not found through the fc_ API", e.id);
            continue;
        }
        const fc_host *h = fc_catalog_host(f->cat, (size_t)i);
        entries++;
        xref_check_differs_keys(&e, raw, host_fields);
        xref_number(&e, "bandwidth_gbs", true, h->bandwidth_gbs, "memory_bandwidth_gbs");
        xref_number(&e, "memory_gb", true, h->memory_gb, "memory_gb");
    }
    cJSON_ArrayForEach(raw, cJSON_GetObjectItemCaseSensitive(f->hw_json, "links"))
    {
        xref_entry e;
        if (!begin_entry(&e, &t, "links", raw, &f->hw_sheet, "id", "ic_", true))
            continue;
        long i = find_index(f->cat, FC_KIND_LINK, e.id);
        if (i < 0) {
            xref_fail(&t, "links '%s': not found through the fc_ API", e.id);
            continue;
        }
        const fc_link *l = fc_catalog_link(f->cat, (size_t)i);
        entries++;
        xref_check_differs_keys(&e, raw, link_fields);
        /* the sheet's memory_bandwidth_gbs column is per direction, like the catalog */
        xref_number(&e, "bandwidth_gbs", true, l->bandwidth_gbs, "memory_bandwidth_gbs");
    }
    printf("hosts and links: %d entries with a ref\n", entries);
    xref_print_tally("hosts/links vs tests/reference/hardware.csv", &t);
    if (t.failures)
        fail_msg("%d host/link disagreements with the reference sheet (see FAIL lines)",
                 t.failures);
}

static const char *const model_fields[] = {
    "layers", "hidden_size", "heads", "kv_heads", "head_dim", "intermediate_size",
    "vocab_size", "params_b", "active_params_b", "context", "max_position_embeddings",
    "tie_embeddings", "moe.experts", "moe.experts_per_token", "moe.shared_experts",
    "moe.expert_intermediate_size", "sliding_window.window", "sliding_window.local_layers",
    "global_attention_layers", "mla.kv_lora_rank", "mla.qk_rope_head_dim",
    "kv_bytes_per_token_ref.global", "kv_bytes_per_token_ref.local",
    "kv_bytes_per_token_global", "kv_bytes_per_token_local", NULL
};

/*
 * fitcheck's own KV rates from fc_kv_cache_bytes at f16 (= bf16, 2 bytes):
 * beyond the sliding window only full-attention layers grow, so the growth
 * per token there is the global rate; at 1 token every layer holds one
 * token, so kv(1) = global + local.
 */
static void kv_rates_from_api(const fc_model *m, double *global, double *local)
{
    long w = m->swa_window > 0 ? m->swa_window : 0;
    double a = fc_kv_cache_bytes(m, w + 1, FC_KV_F16);
    double b = fc_kv_cache_bytes(m, w + 2, FC_KV_F16);
    *global = b - a;
    *local = fc_kv_cache_bytes(m, 1, FC_KV_F16) - *global;
}

static void check_kv(const xref_entry *e, const fc_model *m, xref_tally *t)
{
    long cg = ref_sheet_col(e->sheet, "kv_bytes_per_token_bf16_global");
    long cl = ref_sheet_col(e->sheet, "kv_bytes_per_token_bf16_local");
    if (cg < 0 || cl < 0) {
        xref_fail(t, "models: %s lacks the kv_bytes_per_token_bf16_* columns", e->sheet->path);
        return;
    }
    const char *gcell = ref_sheet_cell(e->sheet, (size_t)e->row, (size_t)cg);
    const char *lcell = ref_sheet_cell(e->sheet, (size_t)e->row, (size_t)cl);
    double rg = 0, rl = 0;
    bool has_g = ref_leading_number(gcell, &rg);
    bool has_l = ref_leading_number(lcell, &rl);
    if (!has_g) {
        t->no_ref_value++;
        return;
    }
    if (!has_l)
        rl = 0.0; /* blank local column: no sliding-window layers */
    double g, l;
    kv_rates_from_api(m, &g, &l);
    char what[256];
    if (m->swa_window <= 0) {
        /* one number: fc_kv_cache_bytes(m, 1, f16) must equal the global rate */
        double one = fc_kv_cache_bytes(m, 1, FC_KV_F16);
        snprintf(what, sizeof what,
                 "fc_kv_cache_bytes(1 token, f16) vs kv_bytes_per_token_bf16_global '%s'",
                 gcell);
        xref_value(e, "kv_bytes_per_token_global", one, rg, what);
        if (has_l && rl != 0.0) {
            snprintf(what, sizeof what,
                     "no sliding window in the catalog vs kv_bytes_per_token_bf16_local '%s'",
                     lcell);
            xref_value(e, "kv_bytes_per_token_local", 0.0, rl, what);
        }
    } else {
        snprintf(what, sizeof what,
                 "growth per token of fc_kv_cache_bytes beyond the %d-token window vs "
                 "kv_bytes_per_token_bf16_global '%s'",
                 m->swa_window, gcell);
        xref_value(e, "kv_bytes_per_token_global", g, rg, what);
        snprintf(what, sizeof what,
                 "fc_kv_cache_bytes(1 token) - global rate vs kv_bytes_per_token_bf16_local "
                 "'%s'",
                 lcell);
        xref_value(e, "kv_bytes_per_token_local", l, rl, what);
    }
    /* the copy of the sheet's figures kept in the catalog */
    xref_number(e, "kv_bytes_per_token_ref.global", m->kv_ref_global > 0, m->kv_ref_global,
                "kv_bytes_per_token_bf16_global");
    if (has_l || m->kv_ref_local > 0)
        xref_number(e, "kv_bytes_per_token_ref.local", true, m->kv_ref_local,
                    "kv_bytes_per_token_bf16_local");
}

static void check_tie(const xref_entry *e, const fc_model *m)
{
    long c = ref_sheet_col(e->sheet, "tie_word_embeddings");
    if (c < 0) {
        xref_fail(e->tally, "models: %s has no tie_word_embeddings column", e->sheet->path);
        return;
    }
    const char *cell = ref_sheet_cell(e->sheet, (size_t)e->row, (size_t)c);
    double rv;
    if (strncmp(cell, "True", 4) == 0 || strncmp(cell, "true", 4) == 0)
        rv = 1.0;
    else if (strncmp(cell, "False", 5) == 0 || strncmp(cell, "false", 5) == 0)
        rv = 0.0;
    else {
        e->tally->no_ref_value++;
        return;
    }
    char what[160];
    snprintf(what, sizeof what, "column tie_word_embeddings = '%s' (1 = tied)", cell);
    xref_value(e, "tie_embeddings", m->tie_embeddings ? 1.0 : 0.0, rv, what);
}

static void test_models(void **state)
{
    fixture *f = *state;
    xref_tally t = { 0, 0, 0, 0, 0 };
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(f->model_json, "models");
    assert_true(cJSON_IsArray(list));
    const cJSON *raw;
    int entries = 0;
    cJSON_ArrayForEach(raw, list)
    {
        xref_entry e;
        if (!begin_entry(&e, &t, "models", raw, &f->model_sheet, "model", NULL, false))
            continue;
        long i = find_index(f->cat, FC_KIND_MODEL, e.id);
        if (i < 0) {
            xref_fail(&t, "models '%s': not found through the fc_ API", e.id);
            continue;
        }
        const fc_model *m = fc_catalog_model(f->cat, (size_t)i);
        entries++;
        xref_check_differs_keys(&e, raw, model_fields);
        xref_number(&e, "layers", true, m->layers, "num_hidden_layers");
        xref_number(&e, "hidden_size", true, m->hidden_size, "hidden_size");
        xref_number(&e, "heads", true, m->heads, "num_attention_heads");
        xref_number(&e, "kv_heads", true, m->kv_heads, "num_key_value_heads");
        xref_number(&e, "head_dim", true, m->head_dim, "head_dim");
        xref_number(&e, "intermediate_size", true, m->intermediate_size, "intermediate_size");
        xref_number(&e, "vocab_size", true, m->vocab_size, "vocab_size");
        xref_number(&e, "params_b", true, m->params_b, "total_params_computed_B");
        xref_number(&e, "active_params_b", true, m->active_params_b,
                    "active_params_computed_B");
        xref_number(&e, "context", true, (double)m->context, "native_context");
        /* absent max_position_embeddings means "same as context" */
        xref_number(&e, "max_position_embeddings", true,
                    (double)(m->max_position_embeddings > 0 ? m->max_position_embeddings
                                                            : m->context),
                    "max_position_embeddings");
        check_tie(&e, m);
        bool moe = m->moe_experts > 0;
        xref_number(&e, "moe.experts", moe, m->moe_experts, "num_experts");
        xref_number(&e, "moe.experts_per_token", moe, m->moe_experts_per_token,
                    "experts_per_token");
        xref_number(&e, "moe.shared_experts", moe, m->moe_shared_experts, "shared_experts");
        xref_number(&e, "moe.expert_intermediate_size", moe, m->moe_expert_intermediate,
                    "moe_intermediate_size");
        bool swa = m->swa_window > 0;
        xref_number(&e, "sliding_window.window", swa, m->swa_window, "local_window");
        xref_number(&e, "sliding_window.local_layers", true, swa ? m->swa_local_layers : 0,
                    "n_local_attn_layers");
        /* layers that keep KV for the whole context */
        int global_layers = swa ? m->swa_global_layers
                                : (m->hybrid_attention_layers > 0 ? m->hybrid_attention_layers
                                                                  : m->layers);
        xref_number(&e, "global_attention_layers", true, global_layers, "n_global_attn_layers");
        bool mla = m->mla_kv_lora_rank > 0;
        xref_number(&e, "mla.kv_lora_rank", mla, m->mla_kv_lora_rank, "kv_lora_rank");
        xref_number(&e, "mla.qk_rope_head_dim", mla, m->mla_qk_rope_head_dim,
                    "qk_rope_head_dim");
        check_kv(&e, m, &t);
    }
    printf("models: %d entries with a ref\n", entries);
    xref_print_tally("models vs tests/reference/models.csv", &t);
    assert_true(entries > 0);
    if (t.failures)
        fail_msg("%d model disagreements with the reference sheet (see FAIL lines)",
                 t.failures);
}

static const char *const quant_fields[] = { "bpw", "nominal_bpw", "whole_file_bpw", NULL };

/* The sheet's effective figures are whole files of Llama 3.1 8B (or 3 8B, same
 * architecture). For a quant whose embedding and output tables are kept at
 * embed_bpw, rebuild that whole-file average from the catalog: bpw on every
 * other weight, embed_bpw on the tables. It must land within 0.5% (the file
 * sizes the sheet divides are rounded to 0.01 GB). */
#define WHOLE_FILE_TOLERANCE 0.005

static void check_whole_file_bpw(const xref_entry *e, const fc_catalog *cat, const fc_quant *q,
                                 const char *column, double ref_bpw)
{
    const fc_model *m = fc_find_model(cat, "llama3.1-8b", NULL);
    if (!m) {
        xref_fail(e->tally, "quants '%s': model llama3.1-8b (the sheet's basis) not in catalog",
                  e->id);
        return;
    }
    fc_param_count c = fc_model_count_params(m);
    double tables = c.embedding * (m->tie_embeddings ? 1.0 : 2.0);
    double avg = (q->bpw * (c.total - tables) + q->embed_bpw * tables) / c.total;
    e->tally->compared++;
    if (fabs(avg - ref_bpw) <= WHOLE_FILE_TOLERANCE * ref_bpw) {
        e->tally->agreed++;
        return;
    }
    const char *reason = xref_differs_reason(e, "whole_file_bpw");
    if (reason) {
        e->tally->excused++;
        printf("note: quants '%s' (ref %s) field whole_file_bpw: catalog %.4f vs reference "
               "%.4f - ref_differs: %s\n",
               e->id, e->ref, avg, ref_bpw, reason);
        return;
    }
    xref_fail(e->tally,
              "quants '%s' (ref %s) field whole_file_bpw: catalog bpw %.4f with embed_bpw %.4g "
              "over llama3.1-8b gives %.4f vs reference %.4f (column %s), more than %.1f%% off",
              e->id, e->ref, q->bpw, q->embed_bpw, avg, ref_bpw, column,
              100.0 * WHOLE_FILE_TOLERANCE);
}

static void test_quants(void **state)
{
    fixture *f = *state;
    xref_tally t = { 0, 0, 0, 0, 0 };
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(f->quant_json, "quants");
    assert_true(cJSON_IsArray(list));
    const cJSON *raw;
    int entries = 0;
    long c_readme = ref_sheet_col(&f->quant_sheet, "effective_bpw_llama31_8b_readme");
    long c_file = ref_sheet_col(&f->quant_sheet, "effective_bpw_from_size_file");
    assert_true(c_readme >= 0 && c_file >= 0);
    cJSON_ArrayForEach(raw, list)
    {
        xref_entry e;
        if (!begin_entry(&e, &t, "quants", raw, &f->quant_sheet, "quant_type", NULL, false))
            continue;
        long i = find_index(f->cat, FC_KIND_QUANT, e.id);
        if (i < 0) {
            xref_fail(&t, "quants '%s': not found through the fc_ API", e.id);
            continue;
        }
        const fc_quant *q = fc_catalog_quant(f->cat, (size_t)i);
        entries++;
        xref_check_differs_keys(&e, raw, quant_fields);
        /* the effective figure: the llama.cpp README's measured bits/weight when
         * the sheet has one, else the one derived from a file size, else the
         * block format's own figure (formats without a tensor mix) */
        double v;
        const char *column = "nominal_bpw_block";
        if (ref_leading_number(ref_sheet_cell(&f->quant_sheet, (size_t)e.row, (size_t)c_readme),
                               &v))
            column = "effective_bpw_llama31_8b_readme";
        else if (ref_leading_number(
                     ref_sheet_cell(&f->quant_sheet, (size_t)e.row, (size_t)c_file), &v))
            column = "effective_bpw_from_size_file";
        xref_number(&e, "bpw", true, q->bpw, column);
        xref_number(&e, "nominal_bpw", q->nominal_bpw > 0, q->nominal_bpw, "nominal_bpw_block");
        if (q->embed_bpw > 0 && strcmp(column, "nominal_bpw_block") != 0)
            check_whole_file_bpw(&e, f->cat, q, column, v);
    }
    printf("quants: %d entries with a ref\n", entries);
    xref_print_tally("quants vs tests/reference/quants.csv", &t);
    assert_true(entries > 0);
    if (t.failures)
        fail_msg("%d quant disagreements with the reference sheet (see FAIL lines)",
                 t.failures);
}

/* Runs after the per-section tests have marked the rows they used; counts
 * the uses itself so that it does not depend on test order. */
static int count_refs(const cJSON *list, ref_sheet *s, const char *id_column)
{
    long col = ref_sheet_col(s, id_column);
    if (col < 0)
        return -1;
    for (size_t r = 0; r < s->nrows; r++)
        s->uses[r] = 0;
    const cJSON *raw;
    cJSON_ArrayForEach(raw, list)
    {
        long r = ref_sheet_find(s, (size_t)col, json_str(raw, "ref"));
        if (r >= 0)
            s->uses[r]++;
    }
    return (int)col;
}

static void test_every_reference_row_used(void **state)
{
    fixture *f = *state;
    xref_tally t = { 0, 0, 0, 0, 0 };

    /* hardware.csv: devices, hosts and links all name rows of this sheet */
    long col = ref_sheet_col(&f->hw_sheet, "id");
    assert_true(col >= 0);
    for (size_t r = 0; r < f->hw_sheet.nrows; r++)
        f->hw_sheet.uses[r] = 0;
    static const char *const hw_sections[] = { "hardware", "hosts", "links" };
    for (size_t k = 0; k < 3; k++) {
        const cJSON *raw;
        cJSON_ArrayForEach(raw, cJSON_GetObjectItemCaseSensitive(f->hw_json, hw_sections[k]))
        {
            const char *ref = json_str(raw, "ref");
            if (!ref)
                continue;
            long r = ref_sheet_find(&f->hw_sheet, (size_t)col, ref);
            if (r < 0)
                xref_fail(&t, "%s '%s': ref '%s' names no row of %s", hw_sections[k],
                          json_str(raw, "id"), ref, f->hw_sheet.path);
            else
                f->hw_sheet.uses[r]++;
        }
    }
    for (size_t r = 0; r < f->hw_sheet.nrows; r++) {
        const char *id = ref_sheet_cell(&f->hw_sheet, r, (size_t)col);
        if (f->hw_sheet.uses[r])
            continue;
        if (strcmp(id, "apple_m4_ultra_projected") == 0)
            continue; /* not a product */
        if (is_host_or_link_row(id)) {
            printf("note: hardware.csv row %s (host/link) has no hosts/links entry\n", id);
            continue;
        }
        xref_fail(&t, "tests/reference/hardware.csv row '%s' (%s): no catalog entry refers to it",
                  id, ref_sheet_cell(&f->hw_sheet, r, 2));
    }

    const cJSON *models = cJSON_GetObjectItemCaseSensitive(f->model_json, "models");
    long mcol = count_refs(models, &f->model_sheet, "model");
    assert_true(mcol >= 0);
    const cJSON *raw;
    cJSON_ArrayForEach(raw, models)
    {
        const char *ref = json_str(raw, "ref");
        if (ref && ref_sheet_find(&f->model_sheet, (size_t)mcol, ref) < 0)
            xref_fail(&t, "models '%s': ref '%s' names no row of %s", json_str(raw, "id"), ref,
                      f->model_sheet.path);
    }
    for (size_t r = 0; r < f->model_sheet.nrows; r++)
        if (!f->model_sheet.uses[r])
            xref_fail(&t, "tests/reference/models.csv row '%s': no catalog entry refers to it",
                      ref_sheet_cell(&f->model_sheet, r, (size_t)mcol));

    const cJSON *quants = cJSON_GetObjectItemCaseSensitive(f->quant_json, "quants");
    long qcol = count_refs(quants, &f->quant_sheet, "quant_type");
    assert_true(qcol >= 0);
    cJSON_ArrayForEach(raw, quants)
    {
        const char *ref = json_str(raw, "ref");
        if (ref && ref_sheet_find(&f->quant_sheet, (size_t)qcol, ref) < 0)
            xref_fail(&t, "quants '%s': ref '%s' names no row of %s", json_str(raw, "id"), ref,
                      f->quant_sheet.path);
    }
    for (size_t r = 0; r < f->quant_sheet.nrows; r++)
        if (!f->quant_sheet.uses[r])
            xref_fail(&t, "tests/reference/quants.csv row '%s': no catalog entry refers to it",
                      ref_sheet_cell(&f->quant_sheet, r, (size_t)qcol));

    printf("reference rows: hardware %zu, models %zu, quants %zu; %d failures\n",
           f->hw_sheet.nrows, f->model_sheet.nrows, f->quant_sheet.nrows, t.failures);
    if (t.failures)
        fail_msg("%d reference rows without an entry, or refs without a row (see FAIL lines)",
                 t.failures);
}

/* Every entry names its source, and its unverified list holds field names. */
static void test_sources_and_unverified(void **state)
{
    fixture *f = *state;
    xref_tally t = { 0, 0, 0, 0, 0 };
    static const fc_kind kinds[] = { FC_KIND_HARDWARE, FC_KIND_HOST, FC_KIND_LINK,
                                     FC_KIND_MODEL, FC_KIND_QUANT };
    size_t checked = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = fc_catalog_count(f->cat, kinds[k]);
        for (size_t i = 0; i < n; i++) {
            const fc_entry_info *info = fc_catalog_info(f->cat, kinds[k], i);
            checked++;
            if (!info->source || !info->source[0])
                xref_fail(&t, "%s '%s': no source", fc_kind_name(kinds[k]), info->id);
            for (size_t u = 0; u < info->unverified.count; u++)
                if (!info->unverified.items[u] || !info->unverified.items[u][0])
                    xref_fail(&t, "%s '%s': empty name in unverified", fc_kind_name(kinds[k]),
                              info->id);
        }
    }
    printf("sources: %zu entries checked, %d failures\n", checked, t.failures);
    assert_true(checked > 0);
    if (t.failures)
        fail_msg("%d entries without a source (see FAIL lines)", t.failures);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hardware),
        cmocka_unit_test(test_hosts_links),
        cmocka_unit_test(test_models),
        cmocka_unit_test(test_quants),
        cmocka_unit_test(test_every_reference_row_used),
        cmocka_unit_test(test_sources_and_unverified),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
