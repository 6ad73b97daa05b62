#define _POSIX_C_SOURCE 200809L
/* cmd_validate.c - 'fitcheck validate': the estimator against measured runs.
 *
 * Reads a CSV of measured benchmark runs (the format of
 * shared/measured/measured-public.csv, copied to tests/measured/), resolves
 * each row's hardware, model, quant and runtime through the catalog, turns
 * its test description into a request (tg128 = --prompt 0 --gen 128; pp512 =
 * --prompt 512; gpu_count = --gpus with a layer split), predicts it, and
 * reports the error per row and summarised per metric, backend and source.
 * The same reader feeds 'fitcheck calibrate' (cmd_calibrate.c). */
#include <ctype.h>
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "measured.h"

enum { OPT_CROSS = OPT_CMD + 60, OPT_ALL_ROWS, OPT_SUMMARY_ONLY };

const opt_spec validate_opts[] = {
    { "cross-validate", 0, OPT_CROSS, NULL,
      "also predict each source from a calibration fitted without it (leave one source out)" },
    { "include-doubtful", 0, OPT_ALL_ROWS, NULL,
      "keep the rows the exclusion list sets aside (see docs/accuracy.md)" },
    { "summary", 0, OPT_SUMMARY_ONLY, NULL, "print the summary tables without the per-row table" },
    { NULL, 0, 0, NULL, NULL },
};

/* ---- the documented lists ------------------------------------------------------ */

/* The default calibration is fitted on the newest run of each backend
 * (software moves: llama.cpp of 2026 runs the same card ~20% faster than
 * llama.cpp of 2024). Older sources stay in validate as tests of the
 * physics; their median signed error is reported as their offset. */
const char *const measured_calibration_sources[] = {
    "llamacpp_d15013_cuda",     /* CUDA scoreboard, 2025-26 builds */
    "llamacpp_d15013_cuda_extra",
    "llamacpp_bench_dgx_spark", /* CUDA, Nov 2025, MoE and long context */
    "llamacpp_d15021_rocm",     /* ROCm scoreboard, 2025-26 */
    "llamacpp_d10879_vulkan",   /* Vulkan scoreboard, 2025-26 */
    "llamacpp_d10879_vulkan_extra",
    "llamacpp_d4167_apple",     /* Metal: the only scoreboard (2023-24 builds) */
    "mlx_issue1029",            /* MLX, Dec 2024 */
    NULL,
};

bool measured_is_calibration_source(const char *id)
{
    for (int i = 0; measured_calibration_sources[i]; i++)
        if (strcmp(measured_calibration_sources[i], id) == 0)
            return true;
    return false;
}

/* Rows set aside, each for a doubt the source itself states
 * (shared/measured/SOURCES.md, copied as tests/measured/SOURCES.md). A rule
 * matches on source, on a hardware prefix, runtime, metric and a minimum GPU
 * count; NULL / 0 match anything. */
typedef struct exclusion {
    const char *source;
    const char *hardware_prefix;
    const char *runtime;
    const char *metric;
    int min_gpus;
    const char *reason;
} exclusion;

static const exclusion EXCLUSIONS[] = {
    { "llamacpp_d10879_vulkan", "M", "llama.cpp (Vulkan)", NULL, 0,
      "SOURCES.md s5: Apple chips under Vulkan, OS and driver (Asahi or MoltenVK) not "
      "recorded; the M3 Ultra row beats Metal" },
    { "llamacpp_d10879_vulkan", NULL, NULL, NULL, 0,
      "SOURCES.md s5: '... Series' iGPU rows give no exact SKU" }, /* matched by suffix */
    { "xiongjiedai_llama1_2", NULL, NULL, NULL, 2,
      "SOURCES.md s2: multi-GPU rows reflect the Dec 2023 llama.cpp split implementation "
      "(prompt processing anomalously low)" },
};

static const char *excluded_reason(const measured_row *r)
{
    for (size_t i = 0; i < sizeof EXCLUSIONS / sizeof EXCLUSIONS[0]; i++) {
        const exclusion *x = &EXCLUSIONS[i];
        if (x->source && strcmp(x->source, r->f[MF_SOURCE]) != 0)
            continue;
        if (x->hardware_prefix &&
            strncmp(r->f[MF_HARDWARE], x->hardware_prefix, strlen(x->hardware_prefix)) != 0)
            continue;
        if (x->hardware_prefix && strcmp(x->hardware_prefix, "M") == 0 &&
            !isdigit((unsigned char)r->f[MF_HARDWARE][1]))
            continue; /* "M<digit>": an Apple chip */
        if (x->runtime && strcmp(x->runtime, r->f[MF_RUNTIME]) != 0)
            continue;
        if (x->metric && strcmp(x->metric, r->f[MF_METRIC]) != 0)
            continue;
        if (x->min_gpus > 0 && atoi(r->f[MF_GPUS]) < x->min_gpus)
            continue;
        if (strstr(x->reason, "Series") && !x->hardware_prefix) {
            size_t hl = strlen(r->f[MF_HARDWARE]);
            if (hl < 7 || strcmp(r->f[MF_HARDWARE] + hl - 7, " Series") != 0)
                continue;
        }
        return x->reason;
    }
    return NULL;
}

/* ---- CSV reading (libcsv) -------------------------------------------------------- */

static const char *const FIELD_NAMES[MF_COUNT] = {
    "source_id", "hardware", "hardware_notes", "gpu_count", "runtime", "model",
    "params_b", "quant", "context_or_test", "metric", "tokens_per_s",
};

/* Limits on what a measured-runs file may hold (the public set: 988 rows of
 * 11 fields, the longest 156 characters). */
#define MAX_FIELDS 64
#define MAX_FIELD_LEN 4096
#define MAX_ROWS 100000
#define MAX_TPS 1e7 /* tokens/s: far above any single-device run */
#define MAX_FILE (64 << 20)

typedef struct reader {
    measured_set *set;
    char *fields[MAX_FIELDS];
    int nf;
    char *head[MAX_FIELDS]; /* the header's column names */
    int n_cols;        /* columns of the header */
    int col[MF_COUNT]; /* column of each field, from the header */
    long line;
    bool header_done;
    bool oom;
    char err[300];
} reader;

/* the name of field i of the current row, for messages */
static const char *field_name(const reader *rd, int i, char *buf, size_t n)
{
    if (rd->header_done && i < rd->n_cols)
        snprintf(buf, n, "'%.60s'", rd->head[i]);
    else
        snprintf(buf, n, "%d", i + 1);
    return buf;
}

static void on_field(void *s, size_t len, void *data)
{
    reader *rd = data;
    char nm[72];
    if (rd->oom || rd->err[0])
        return;
    if (rd->nf >= MAX_FIELDS) {
        snprintf(rd->err, sizeof rd->err, "line %ld: more than %d fields", rd->line + 1,
                 MAX_FIELDS);
        return;
    }
    if (len > MAX_FIELD_LEN) {
        snprintf(rd->err, sizeof rd->err, "line %ld: field %s is longer than %d characters",
                 rd->line + 1, field_name(rd, rd->nf, nm, sizeof nm), MAX_FIELD_LEN);
        return;
    }
    const unsigned char *u = s;
    for (size_t i = 0; i < len; i++)
        if (u[i] < 0x20 || u[i] == 0x7f) {
            snprintf(rd->err, sizeof rd->err,
                     "line %ld: field %s must not contain control characters or line breaks",
                     rd->line + 1, field_name(rd, rd->nf, nm, sizeof nm));
            return;
        }
    char *f = malloc(len + 1);
    if (!f) {
        rd->oom = true;
        return;
    }
    memcpy(f, s ? s : "", len);
    f[len] = '\0';
    rd->fields[rd->nf++] = f;
}

static void drop_fields(reader *rd)
{
    for (int i = 0; i < rd->nf; i++)
        free(rd->fields[i]);
    rd->nf = 0;
}

/* The values every row must have in a form the estimator can use (a bad one
 * is an error in the file, not an unresolved row). 0, or -1 with why. */
static int row_values(char *const f[MF_COUNT], fc_metric *metric, double *tps, long *gpus,
                      char *why, size_t why_n)
{
    if (strcmp(f[MF_METRIC], "decode") == 0)
        *metric = FC_METRIC_DECODE;
    else if (strcmp(f[MF_METRIC], "prefill") == 0)
        *metric = FC_METRIC_PREFILL;
    else {
        snprintf(why, why_n, "field 'metric' must be decode or prefill, not '%.40s'",
                 f[MF_METRIC]);
        return -1;
    }
    char *end;
    errno = 0;
    *tps = strtod(f[MF_TPS], &end);
    if (errno || end == f[MF_TPS] || *end || !(*tps > 0) || !(*tps <= MAX_TPS)) {
        snprintf(why, why_n,
                 "field 'tokens_per_s' must be a positive number up to %.0f, not '%.40s'",
                 MAX_TPS, f[MF_TPS]);
        return -1;
    }
    errno = 0;
    *gpus = strtol(f[MF_GPUS], &end, 10);
    if (f[MF_GPUS][0] == '\0')
        *gpus = 1;
    else if (errno || *end || end == f[MF_GPUS] || *gpus < 1 || *gpus > 1024) {
        snprintf(why, why_n,
                 "field 'gpu_count' must be a whole number from 1 to 1024, not '%.20s'",
                 f[MF_GPUS]);
        return -1;
    }
    return 0;
}

static void on_row(int c, void *data)
{
    (void)c;
    reader *rd = data;
    rd->line++;
    if (rd->oom || rd->err[0]) {
        drop_fields(rd);
        return;
    }
    if (!rd->header_done) {
        rd->n_cols = rd->nf;
        for (int k = 0; k < MF_COUNT && !rd->err[0]; k++) {
            rd->col[k] = -1;
            for (int i = 0; i < rd->nf; i++)
                if (strcmp(rd->fields[i], FIELD_NAMES[k]) == 0) {
                    if (rd->col[k] >= 0)
                        snprintf(rd->err, sizeof rd->err, "line 1: column '%s' appears twice",
                                 FIELD_NAMES[k]);
                    rd->col[k] = i;
                }
            if (rd->col[k] < 0 && k != MF_NOTES && k != MF_PARAMS && !rd->err[0])
                snprintf(rd->err, sizeof rd->err, "line 1: no '%s' column in the header",
                         FIELD_NAMES[k]);
        }
        rd->header_done = true;
        memcpy(rd->head, rd->fields, sizeof rd->fields); /* kept for messages */
        rd->nf = 0;
        return;
    }
    if (rd->nf == 1 && rd->fields[0][0] == '\0') { /* blank line */
        drop_fields(rd);
        return;
    }
    if (rd->nf != rd->n_cols) {
        snprintf(rd->err, sizeof rd->err, "line %ld: %d fields, the header has %d", rd->line,
                 rd->nf, rd->n_cols);
        drop_fields(rd);
        return;
    }
    measured_set *set = rd->set;
    if (set->n >= MAX_ROWS) {
        snprintf(rd->err, sizeof rd->err, "line %ld: more than %d rows", rd->line, MAX_ROWS);
        drop_fields(rd);
        return;
    }
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 256;
        measured_row *nr = realloc(set->rows, cap * sizeof *nr);
        if (!nr) {
            rd->oom = true;
            drop_fields(rd);
            return;
        }
        set->rows = nr;
        set->cap = cap;
    }
    measured_row *r = &set->rows[set->n];
    memset(r, 0, sizeof *r);
    r->line = rd->line;
    for (int k = 0; k < MF_COUNT; k++) {
        int ci = rd->col[k];
        const char *v = ci >= 0 ? rd->fields[ci] : "";
        r->f[k] = strdup(v);
        if (!r->f[k])
            rd->oom = true;
    }
    set->n++;
    drop_fields(rd);
    if (rd->oom)
        return;
    fc_metric metric;
    double tps;
    long gpus;
    char why[200];
    if (row_values(r->f, &metric, &tps, &gpus, why, sizeof why) != 0)
        snprintf(rd->err, sizeof rd->err, "line %ld: %s", r->line, why);
}

int measured_parse(const char *data, size_t len, const char *name, measured_set *set, char *err,
                   size_t err_size)
{
    memset(set, 0, sizeof *set);
    err[0] = '\0';
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    reader rd;
    memset(&rd, 0, sizeof rd);
    rd.set = set;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) { /* a UTF-8 byte-order mark */
        data += 3;
        len -= 3;
    }
    /* in pieces, so that the first error stops the reading */
    bool bad = false;
    for (size_t at = 0; at < len && !bad && !rd.err[0] && !rd.oom; at += 65536) {
        size_t n = len - at < 65536 ? len - at : 65536;
        bad = csv_parse(&p, data + at, n, on_field, on_row, &rd) != n;
    }
    if (!bad && !rd.err[0] && !rd.oom && csv_fini(&p, on_field, on_row, &rd) != 0)
        /* strict: the only error at the end is an open quote */
        snprintf(err, err_size, "%s: malformed CSV at the end: a quoted field is not closed",
                 name);
    drop_fields(&rd);
    for (int i = 0; i < rd.n_cols; i++)
        free(rd.head[i]);
    if (rd.oom)
        snprintf(err, err_size, "out of memory");
    else if (rd.err[0])
        snprintf(err, err_size, "%s: %s", name, rd.err);
    else if (bad)
        snprintf(err, err_size, "%s: malformed CSV near line %ld: %s", name, rd.line + 1,
                 csv_error(&p) == CSV_EPARSE ? "a quote inside a field that is not quoted, "
                                               "or after the closing quote"
                                             : csv_strerror(csv_error(&p)));
    csv_free(&p);
    if (!err[0] && !rd.header_done)
        snprintf(err, err_size, "%s: empty file", name);
    if (!err[0] && set->n == 0)
        snprintf(err, err_size, "%s: no rows after the header", name);
    if (err[0]) {
        measured_free(set);
        return -1;
    }
    return 0;
}

void measured_free(measured_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        for (int k = 0; k < MF_COUNT; k++)
            free(set->rows[i].f[k]);
    free(set->rows);
    memset(set, 0, sizeof *set);
}

/* ---- test descriptions ------------------------------------------------------------ */

/* the number right after `key` in s (skipping '~' and spaces), or -1 */
static long number_after(const char *s, const char *key)
{
    for (const char *p = strstr(s, key); p; p = strstr(p + 1, key)) {
        const char *q = p + strlen(key);
        while (*q == '~' || *q == ' ')
            q++;
        if (isdigit((unsigned char)*q))
            return strtol(q, NULL, 10);
    }
    return -1;
}

/* the number right before `key` ("1171-token prompt", "~500-token prompt"), or -1 */
static long number_before(const char *s, const char *key)
{
    for (const char *p = strstr(s, key); p; p = strstr(p + 1, key)) {
        const char *q = p;
        while (q > s && isdigit((unsigned char)q[-1]))
            q--;
        if (q < p)
            return strtol(q, NULL, 10);
    }
    return -1;
}

/* "tg128" / "pp512" at the start or after a space or '(' */
static long bench_token(const char *s, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = strstr(s, key); p; p = strstr(p + 1, key)) {
        if (p != s && !(p[-1] == ' ' || p[-1] == '(' || p[-1] == ','))
            continue;
        const char *q = p + k;
        if (*q == '~')
            q++;
        if (isdigit((unsigned char)*q))
            return strtol(q, NULL, 10);
    }
    return -1;
}

/* token counts past any model's context are not a test that was run (and
 * their sum must not overflow): 0, or -1 */
static int test_size_ok(long depth, long prompt, long gen)
{
    const long max = 100000000L;
    return depth <= max && prompt <= max && gen <= max ? 0 : -1;
}

int measured_parse_test(const char *text, fc_metric metric, long *depth, long *prompt,
                        long *gen, int *ubatch)
{
    char s[256];
    size_t n = 0;
    for (; text && text[n] && n < sizeof s - 1; n++)
        s[n] = (char)tolower((unsigned char)text[n]);
    s[n] = '\0';
    *depth = 0;
    *prompt = 0;
    *gen = 0;
    *ubatch = 512;
    long v;
    if ((v = number_after(s, "@d")) >= 0)
        *depth = v;
    if ((v = number_after(s, "ub=")) > 0)
        *ubatch = (int)(v > 65536 ? 65536 : v);
    long tg = bench_token(s, "tg");
    long pp = bench_token(s, "pp");
    long gen_words = number_after(s, "generate");
    long prompt_words = number_after(s, "prompt");           /* "prompt 1171 tokens" */
    long prompt_before = number_before(s, "-token prompt"); /* "1171-token prompt" */
    bool unspecified = strstr(s, "unspecified") != NULL;

    if (metric == FC_METRIC_PREFILL) {
        if (pp > 0)
            *prompt = pp;
        else if (prompt_words > 0)
            *prompt = prompt_words;
        else if (prompt_before > 0)
            *prompt = prompt_before;
        else
            return -1;
        return test_size_ok(*depth, *prompt, *gen);
    }
    if (tg > 0)
        *gen = tg;
    else if (gen_words > 0)
        *gen = gen_words;
    else if (unspecified || strstr(s, "decode"))
        *gen = 128; /* llama-bench's default when a source gives no length */
    else
        return -1;
    if (prompt_before > 0)
        *prompt = prompt_before;
    return test_size_ok(*depth, *prompt, *gen);
}

/* ---- resolution -------------------------------------------------------------------- */

/* Apple chips named as "M2 Ultra (76-core GPU)" or "M3 Max" carry no memory
 * size: any memory of one GPU bin runs at the same speed, so take the
 * smallest entry of the bin (memory is not the question here: the run
 * happened). A memory size in the notes ("64GB") narrows the bins; when
 * bins with different core counts remain, the row is unresolved. */
static const fc_hardware *resolve_apple(const fc_catalog *cat, const char *name, const char *notes,
                                        char *why, size_t why_n)
{
    char chip[32];
    size_t k = 0;
    while (name[k] && name[k] != '(' && k < sizeof chip - 1) {
        chip[k] = name[k];
        k++;
    }
    while (k > 0 && chip[k - 1] == ' ')
        k--;
    chip[k] = '\0';
    if (!(chip[0] == 'M' && isdigit((unsigned char)chip[1])))
        return NULL;
    int cores = 0;
    const char *paren = strchr(name, '(');
    if (paren)
        cores = atoi(paren + 1);
    double mem = 0;
    for (const char *p = notes; p && *p; p++)
        if (isdigit((unsigned char)*p) && (p == notes || !isdigit((unsigned char)p[-1]))) {
            char *end;
            double d = strtod(p, &end);
            if (strncmp(end, "GB", 2) == 0) {
                mem = d;
                break;
            }
        }
    char prefix[48];
    snprintf(prefix, sizeof prefix, "Apple %s (", chip);
    const fc_hardware *best = NULL;
    bool several_bins = false;
    /* first with the memory size of the notes, then without it */
    for (int pass = mem > 0 ? 0 : 1; pass < 2 && !best; pass++) {
        several_bins = false;
        for (size_t i = 0; i < fc_catalog_count(cat, FC_KIND_HARDWARE); i++) {
            const fc_hardware *h = fc_catalog_hardware(cat, i);
            if (!h->info.name || strncmp(h->info.name, prefix, strlen(prefix)) != 0)
                continue;
            if (cores > 0 && h->compute_units != cores)
                continue;
            if (pass == 0 && fabs(h->memory_gb - mem) > 0.5)
                continue;
            if (best && h->compute_units != best->compute_units)
                several_bins = true;
            if (!best || h->memory_gb < best->memory_gb ||
                (h->memory_gb == best->memory_gb && strcmp(h->info.id, best->info.id) < 0))
                best = h;
        }
    }
    if (best && several_bins) {
        snprintf(why, why_n, "'%s' names no GPU core count and the catalog has several bins", name);
        return NULL;
    }
    if (!best)
        snprintf(why, why_n, "no catalog entry for Apple %s", name);
    return best;
}

static const char *backend_for_runtime(const char *rt, const fc_quant *q)
{
    char low[64];
    size_t n = 0;
    for (; rt[n] && n < sizeof low - 1; n++)
        low[n] = (char)tolower((unsigned char)rt[n]);
    low[n] = '\0';
    if (strstr(low, "(cuda)"))
        return "cuda";
    if (strstr(low, "(metal)"))
        return "metal";
    if (strstr(low, "(rocm)") || strstr(low, "(hip)"))
        return "rocm";
    if (strstr(low, "(vulkan)"))
        return "vulkan";
    if (strstr(low, "(sycl)"))
        return "sycl";
    if (strcmp(low, "mlx") == 0 || strncmp(low, "mlx ", 4) == 0)
        return "mlx";
    /* exllamav2 runs GPTQ and EXL2 files on CUDA */
    if (strncmp(low, "exllama", 7) == 0 && q &&
        (strcmp(q->format, "exl2") == 0 || strcmp(q->format, "safetensors") == 0))
        return "cuda";
    return NULL;
}

static void resolve_row(const fc_catalog *cat, measured_row *r)
{
    fc_error err;
    fc_request init = FC_REQUEST_INIT;
    fc_request *q = &r->s.req;
    *q = init;
    r->resolved = false;
    r->why[0] = '\0';

    /* measured_parse checked these values */
    long gpus;
    if (row_values(r->f, &r->s.metric, &r->s.measured, &gpus, r->why, sizeof r->why) != 0)
        return;
    q->gpus = (int)gpus;
    q->split = FC_SPLIT_LAYER; /* llama.cpp's default, and that of every source here */

    /* hardware */
    q->hardware = fc_find_hardware(cat, r->f[MF_HARDWARE], &err);
    if (!q->hardware) {
        char why[200] = "";
        q->hardware = resolve_apple(cat, r->f[MF_HARDWARE], r->f[MF_NOTES], why, sizeof why);
        if (!q->hardware) {
            snprintf(r->why, sizeof r->why, "hardware: %.150s", why[0] ? why : err.msg);
            return;
        }
    }
    /* model: the llama.cpp scoreboards (discussions #4167, #15013, #15021,
     * #10879) call Llama 2 7B "LLaMA 7B" (SOURCES.md): a naming rule of
     * those sources, applied by source, not by row */
    const char *mname = r->f[MF_MODEL];
    if (strncmp(r->f[MF_SOURCE], "llamacpp_d", 10) == 0 &&
        (strcmp(mname, "LLaMA 7B") == 0 || strcmp(mname, "Llama 7B") == 0))
        mname = "llama2-7b";
    q->model = fc_find_model(cat, mname, &err);
    if (!q->model) {
        snprintf(r->why, sizeof r->why, "model: %.150s", err.msg);
        return;
    }
    q->quant = fc_find_quant(cat, r->f[MF_QUANT], &err);
    if (!q->quant) {
        snprintf(r->why, sizeof r->why, "quant: %.150s", err.msg);
        return;
    }
    const char *bid = backend_for_runtime(r->f[MF_RUNTIME], q->quant);
    if (!bid) {
        snprintf(r->why, sizeof r->why,
                 "runtime '%.60s' has no backend here (CPU-only runs are not modelled)",
                 r->f[MF_RUNTIME]);
        return;
    }
    q->backend = fc_find_backend(cat, bid, &err);
    if (!q->backend) {
        snprintf(r->why, sizeof r->why, "backend: %.150s", err.msg);
        return;
    }
    int ub;
    if (measured_parse_test(r->f[MF_TEST], r->s.metric, &q->depth, &q->prompt, &q->gen, &ub) !=
        0) {
        snprintf(r->why, sizeof r->why, "test '%.80s' not understood", r->f[MF_TEST]);
        return;
    }
    q->ubatch = ub;
    long ctx = q->depth + q->prompt + q->gen;
    q->context = ctx > 0 ? ctx : 1;
    q->link = q->gpus > 1 ? fc_default_link(cat, q->hardware) : NULL;
    q->host = fc_find_host(cat, "ddr5-5600-2ch", NULL);
    /* the run happened: memory is not the question, so no offload and no
     * desktop reserve (speed is computed as if everything fits) */
    q->allow_offload = false;
    q->reserve_gb = 0.0;
    r->resolved = true;
}

void measured_resolve(const fc_catalog *cat, measured_set *set, bool use_exclusions)
{
    for (size_t i = 0; i < set->n; i++) {
        resolve_row(cat, &set->rows[i]);
        set->rows[i].excluded = use_exclusions ? excluded_reason(&set->rows[i]) : NULL;
    }
}

int measured_load(cli *c, const char *path, measured_set *set, bool use_exclusions)
{
    memset(set, 0, sizeof *set);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return cli_error(c, "cannot read '%s': %s", path, strerror(errno));
    /* the whole file, up to MAX_FILE (an endless /dev/zero must end) */
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    int rc = buf ? EXIT_OK : cli_error(c, "out of memory");
    while (rc == EXIT_OK) {
        if (n == cap) {
            char *nb = cap < MAX_FILE ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                rc = cap < MAX_FILE ? cli_error(c, "out of memory")
                                    : cli_error(c, "%s: file too large (over %d MiB)", path,
                                                MAX_FILE >> 20);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp))
                rc = cli_error(c, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
    }
    fclose(fp);
    char err[400];
    if (rc == EXIT_OK && measured_parse(buf, n, path, set, err, sizeof err) != 0)
        rc = cli_error(c, "%s", err);
    free(buf);
    if (rc != EXIT_OK)
        return rc;
    measured_resolve(c->cat, set, use_exclusions);
    return EXIT_OK;
}

/* ---- fitting ---------------------------------------------------------------------- */

void measured_prior(const fc_backend *b, fc_backend *out)
{
    /* generic starting values, before any data: the middle of the ranges
     * the design notes give (45-80% of bandwidth, HBM as GDDR, ~1 ms fixed
     * per token, a third of the FP16 rate in prefill, no unpack cost) */
    *out = *b;
    out->bw_efficiency = 0.65;
    out->hbm_efficiency_scale = 1.0;
    out->token_overhead_us = 1000.0;
    out->prefill_efficiency = 0.35;
    out->dequant_ops_per_weight = b->dequant_ops_per_weight > 0 ? 4.0 : 0.0;
    out->cu_bandwidth_gbs = b->cu_bandwidth_gbs > 0 ? 30.0 : 0.0;
}

int measured_fit(cli *c, const measured_set *set, const bool *use, bool from_prior,
                 fc_backend *out, fc_fit_result *results, unsigned long *fitted_mask)
{
    size_t nb = fc_catalog_count(c->cat, FC_KIND_BACKEND);
    *fitted_mask = 0;
    fc_sample *samples = malloc((set->n ? set->n : 1) * sizeof *samples);
    if (!samples)
        return cli_error(c, "out of memory");
    for (size_t b = 0; b < nb && b < 8 * sizeof(unsigned long); b++) {
        const fc_backend *be = fc_catalog_backend(c->cat, b);
        fc_backend start;
        if (from_prior)
            measured_prior(be, &start);
        else
            start = *be;
        out[b] = start;
        size_t n = 0;
        for (size_t i = 0; i < set->n; i++)
            if (use[i] && set->rows[i].s.req.backend &&
                strcmp(set->rows[i].s.req.backend->info.id, be->info.id) == 0)
                samples[n++] = set->rows[i].s;
        if (n == 0)
            continue;
        fc_fit_result fr;
        fc_error err;
        if (fc_calibrate_backend(&start, samples, n, FC_FIT_DEFAULT, &fr, &err) != FC_OK) {
            free(samples);
            return cli_error(c, "%s", err.msg);
        }
        out[b] = fr.backend;
        if (results)
            results[b] = fr;
        *fitted_mask |= 1UL << b;
    }
    free(samples);
    return EXIT_OK;
}

/* ---- statistics --------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* percentile by linear interpolation between order statistics (sorted v) */
static double percentile(const double *v, size_t n, double q)
{
    if (n == 0)
        return 0.0;
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    double frac = pos - (double)i;
    return i + 1 < n ? v[i] + frac * (v[i + 1] - v[i]) : v[n - 1];
}

typedef struct stats {
    size_t n;
    double med_abs, p90_abs, med_signed;
} stats;

static stats compute_stats(double *err, size_t n)
{
    stats s = { n, 0, 0, 0 };
    if (n == 0)
        return s;
    qsort(err, n, sizeof *err, cmp_double);
    s.med_signed = percentile(err, n, 0.5);
    for (size_t i = 0; i < n; i++)
        err[i] = fabs(err[i]);
    qsort(err, n, sizeof *err, cmp_double);
    s.med_abs = percentile(err, n, 0.5);
    s.p90_abs = percentile(err, n, 0.9);
    return s;
}

/* ---- the command --------------------------------------------------------------------- */

static double pct_err(double pred, double meas) { return (pred / meas - 1.0) * 100.0; }

typedef enum { G_ALL, G_BACKEND, G_SOURCE } group_kind;

/* which rows a summary line covers */
static bool in_group(const measured_row *r, group_kind g, const char *key, fc_metric m)
{
    if (!r->resolved || r->excluded || r->s.metric != m)
        return false;
    if (g == G_BACKEND)
        return strcmp(r->s.req.backend->info.id, key) == 0;
    if (g == G_SOURCE)
        return strcmp(r->f[MF_SOURCE], key) == 0;
    return true;
}

static void add_summary_row(view *v, block *t, const measured_set *set, group_kind g,
                            const char *key, fc_metric m, bool cv, double *buf)
{
    size_t n = 0, ncv = 0;
    for (size_t i = 0; i < set->n; i++)
        if (in_group(&set->rows[i], g, key, m))
            buf[n++] = pct_err(set->rows[i].predicted, set->rows[i].s.measured);
    if (n == 0)
        return;
    stats s = compute_stats(buf, n);
    stats scv = { 0, 0, 0, 0 };
    if (cv) {
        for (size_t i = 0; i < set->n; i++)
            if (in_group(&set->rows[i], g, key, m) && set->rows[i].cv_predicted > 0)
                buf[ncv++] = pct_err(set->rows[i].cv_predicted, set->rows[i].s.measured);
        scv = compute_stats(buf, ncv);
    }
    cell *cl = table_row(v, t);
    if (!cl)
        return;
    cell_text(v, &cl[0], m == FC_METRIC_DECODE ? "decode" : "prefill");
    cell_text(v, &cl[1], g == G_ALL ? "all" : g == G_BACKEND ? "backend" : "source");
    cell_text(v, &cl[2], key);
    cell_num(v, &cl[3], (double)s.n, 0, NULL);
    cell_num(v, &cl[4], s.med_abs, 1, NULL);
    cell_num(v, &cl[5], s.p90_abs, 1, NULL);
    cell_num(v, &cl[6], s.med_signed, 1, NULL);
    if (cv) {
        cell_num(v, &cl[7], scv.med_abs, 1, NULL);
        cell_num(v, &cl[8], scv.p90_abs, 1, NULL);
        cell_num(v, &cl[9], scv.med_signed, 1, NULL);
    }
}

static void json_stats(cJSON *arr, const measured_set *set, group_kind g, const char *key,
                       fc_metric m, bool cv, double *buf)
{
    size_t n = 0, ncv = 0;
    for (size_t i = 0; i < set->n; i++)
        if (in_group(&set->rows[i], g, key, m))
            buf[n++] = pct_err(set->rows[i].predicted, set->rows[i].s.measured);
    if (n == 0)
        return;
    stats s = compute_stats(buf, n);
    cJSON *o = cJSON_CreateObject();
    json_str(o, "metric", m == FC_METRIC_DECODE ? "decode" : "prefill");
    json_str(o, "group", g == G_ALL ? "all" : g == G_BACKEND ? "backend" : "source");
    json_str(o, "key", key);
    cJSON_AddNumberToObject(o, "count", (double)s.n);
    json_num(o, "median_abs_pct", s.med_abs, 2);
    json_num(o, "p90_abs_pct", s.p90_abs, 2);
    json_num(o, "median_signed_pct", s.med_signed, 2);
    if (cv) {
        for (size_t i = 0; i < set->n; i++)
            if (in_group(&set->rows[i], g, key, m) && set->rows[i].cv_predicted > 0)
                buf[ncv++] = pct_err(set->rows[i].cv_predicted, set->rows[i].s.measured);
        stats scv = compute_stats(buf, ncv);
        json_num(o, "cv_median_abs_pct", scv.med_abs, 2);
        json_num(o, "cv_p90_abs_pct", scv.p90_abs, 2);
        json_num(o, "cv_median_signed_pct", scv.med_signed, 2);
    }
    cJSON_AddItemToArray(arr, o);
}

/* distinct values, in first-seen order */
static size_t distinct(const measured_set *set, bool backend, const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++) {
        const measured_row *r = &set->rows[i];
        if (!r->resolved || r->excluded)
            continue;
        const char *k = backend ? r->s.req.backend->info.id : r->f[MF_SOURCE];
        size_t j;
        for (j = 0; j < n; j++)
            if (strcmp(out[j], k) == 0)
                break;
        if (j == n && n < cap)
            out[n++] = k;
    }
    return n;
}

/* Leave one source out: for each source, fit every backend on the other
 * calibration sources (from generic starting values) and predict the source.
 * A source outside the calibration set is predicted from a fit on the whole
 * calibration set made the same way. */
static int cross_validate(cli *c, measured_set *set)
{
    size_t nb = fc_catalog_count(c->cat, FC_KIND_BACKEND);
    fc_backend *fit = calloc(nb ? nb : 1, sizeof *fit);
    bool *use = calloc(set->n ? set->n : 1, sizeof *use);
    const char *sources[64];
    size_t ns = distinct(set, false, sources, 64);
    if (!fit || !use) {
        free(fit);
        free(use);
        return cli_error(c, "out of memory");
    }
    int rc = EXIT_OK;
    for (size_t k = 0; k <= ns && rc == EXIT_OK; k++) {
        /* k == ns: the fit on every calibration source, for the others */
        const char *held = k < ns ? sources[k] : NULL;
        if (held && !measured_is_calibration_source(held))
            continue;
        for (size_t i = 0; i < set->n; i++) {
            const measured_row *r = &set->rows[i];
            use[i] = r->resolved && !r->excluded &&
                     measured_is_calibration_source(r->f[MF_SOURCE]) &&
                     (!held || strcmp(r->f[MF_SOURCE], held) != 0);
        }
        unsigned long mask;
        if ((rc = measured_fit(c, set, use, true, fit, NULL, &mask)) != EXIT_OK)
            break;
        for (size_t i = 0; i < set->n; i++) {
            measured_row *r = &set->rows[i];
            if (!r->resolved || r->excluded)
                continue;
            bool target = held ? strcmp(r->f[MF_SOURCE], held) == 0
                               : !measured_is_calibration_source(r->f[MF_SOURCE]);
            if (!target)
                continue;
            for (size_t b = 0; b < nb; b++)
                if (strcmp(fc_catalog_backend(c->cat, b)->info.id, r->s.req.backend->info.id) ==
                    0)
                    r->cv_predicted = fc_sample_predict(&r->s, &fit[b]);
        }
    }
    free(fit);
    free(use);
    return rc;
}

static void add_row_cells(view *v, block *t, const measured_row *r, bool cv)
{
    cell *cl = table_row(v, t);
    if (!cl)
        return;
    const fc_request *q = &r->s.req;
    cell_text(v, &cl[0], r->f[MF_SOURCE]);
    cell_num(v, &cl[1], (double)r->line, 0, NULL);
    cell_text(v, &cl[2], q->hardware->info.id);
    cell_num(v, &cl[3], q->gpus, 0, NULL);
    cell_text(v, &cl[4], q->backend->info.id);
    cell_text(v, &cl[5], q->model->info.id);
    cell_text(v, &cl[6], q->quant->info.id);
    char test[64];
    if (r->s.metric == FC_METRIC_PREFILL)
        snprintf(test, sizeof test, "pp%ld%s", q->prompt, "");
    else
        snprintf(test, sizeof test, "tg%ld", q->gen);
    if (q->depth > 0 || (r->s.metric == FC_METRIC_DECODE && q->prompt > 0)) {
        size_t l = strlen(test);
        snprintf(test + l, sizeof test - l, "@d%ld", q->depth + (r->s.metric == FC_METRIC_DECODE
                                                                    ? q->prompt : 0));
    }
    cell_text(v, &cl[7], test);
    cell_text(v, &cl[8], r->s.metric == FC_METRIC_DECODE ? "decode" : "prefill");
    cell_num(v, &cl[9], r->s.measured, 2, NULL);
    cell_num(v, &cl[10], r->predicted, 2, NULL);
    cell_num(v, &cl[11], pct_err(r->predicted, r->s.measured), 1, NULL);
    cell_text(v, &cl[12], measured_is_calibration_source(r->f[MF_SOURCE]) ? "yes" : "no");
    if (cv) {
        cell_num(v, &cl[13], r->cv_predicted, 2, NULL);
        cell_num(v, &cl[14], r->cv_predicted > 0 ? pct_err(r->cv_predicted, r->s.measured) : 0,
                 1, NULL);
    }
}

/* The rows set aside by the exclusion list (excluded) or not understood
 * (!excluded), each with its reason. */
static void reason_table(view *v, const char *title, const measured_set *set, bool excluded)
{
    static const char *const cols[] = { "Line|line|r", "Source|source_id", "Hardware|hardware",
                                        "Metric|metric", "Reason|reason" };
    block *t = view_table(v, title, 5, cols);
    for (size_t i = 0; i < set->n; i++) {
        const measured_row *r = &set->rows[i];
        if (excluded ? !(r->resolved && r->excluded) : r->resolved)
            continue;
        cell *cl = table_row(v, t);
        if (!cl)
            break;
        cell_num(v, &cl[0], (double)r->line, 0, NULL);
        cell_text(v, &cl[1], r->f[MF_SOURCE]);
        cell_text(v, &cl[2], r->f[MF_HARDWARE]);
        cell_text(v, &cl[3], r->f[MF_METRIC]);
        cell_text(v, &cl[4], excluded ? r->excluded : r->why);
    }
}

int cmd_validate(cli *c, view *v)
{
    const char *path = c->a.pos[0];
    bool cv = arg_flag(&c->a, OPT_CROSS);
    bool summary_only = arg_flag(&c->a, OPT_SUMMARY_ONLY);
    measured_set set;
    int rc = measured_load(c, path, &set, !arg_flag(&c->a, OPT_ALL_ROWS));
    if (rc != EXIT_OK)
        return rc;
    size_t n_ok = 0, n_unres = 0, n_excl = 0;
    for (size_t i = 0; i < set.n; i++) {
        measured_row *r = &set.rows[i];
        if (r->resolved)
            r->predicted = fc_sample_predict(&r->s, r->s.req.backend);
        if (!r->resolved)
            n_unres++;
        else if (r->excluded)
            n_excl++;
        else
            n_ok++;
    }
    if (cv && (rc = cross_validate(c, &set)) != EXIT_OK) {
        measured_free(&set);
        return rc;
    }
    double *buf = malloc((set.n ? set.n : 1) * sizeof *buf);
    if (!buf) {
        measured_free(&set);
        return cli_error(c, "out of memory");
    }

    /* JSON */
    cJSON *j = v->json;
    cJSON_AddNumberToObject(j, "schema_version", FC_SCHEMA_VERSION);
    json_str(j, "command", "validate");
    json_str(j, "file", path);
    cJSON_AddNumberToObject(j, "rows", (double)set.n);
    cJSON_AddNumberToObject(j, "predicted", (double)n_ok);
    cJSON_AddNumberToObject(j, "excluded", (double)n_excl);
    cJSON_AddNumberToObject(j, "unresolved", (double)n_unres);
    cJSON_AddBoolToObject(j, "cross_validated", cv);
    cJSON *jcal = cJSON_AddArrayToObject(j, "calibration_sources");
    for (int i = 0; measured_calibration_sources[i]; i++)
        cJSON_AddItemToArray(jcal, cJSON_CreateString(measured_calibration_sources[i]));
    const char *backends[32], *sources[64];
    size_t nbk = distinct(&set, true, backends, 32);
    size_t nsrc = distinct(&set, false, sources, 64);
    cJSON *jsum = cJSON_AddArrayToObject(j, "summary");
    for (int m = 0; m < 2; m++) {
        fc_metric met = m == 0 ? FC_METRIC_DECODE : FC_METRIC_PREFILL;
        json_stats(jsum, &set, G_ALL, "all", met, cv, buf);
        for (size_t b = 0; b < nbk; b++)
            json_stats(jsum, &set, G_BACKEND, backends[b], met, cv, buf);
        for (size_t s = 0; s < nsrc; s++)
            json_stats(jsum, &set, G_SOURCE, sources[s], met, cv, buf);
    }
    cJSON *jrows = cJSON_AddArrayToObject(j, "results");
    cJSON *junres = cJSON_AddArrayToObject(j, "unresolved_rows");
    cJSON *jexcl = cJSON_AddArrayToObject(j, "excluded_rows");
    for (size_t i = 0; i < set.n; i++) {
        const measured_row *r = &set.rows[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "line", (double)r->line);
        json_str(o, "source_id", r->f[MF_SOURCE]);
        json_str(o, "hardware", r->f[MF_HARDWARE]);
        json_str(o, "runtime", r->f[MF_RUNTIME]);
        json_str(o, "model", r->f[MF_MODEL]);
        json_str(o, "quant", r->f[MF_QUANT]);
        json_str(o, "test", r->f[MF_TEST]);
        json_str(o, "metric", r->f[MF_METRIC]);
        json_num(o, "measured", r->s.measured, 3);
        if (!r->resolved) {
            json_str(o, "reason", r->why);
            cJSON_AddItemToArray(junres, o);
            continue;
        }
        const fc_request *q = &r->s.req;
        json_str(o, "hardware_id", q->hardware->info.id);
        cJSON_AddNumberToObject(o, "gpus", q->gpus);
        json_str(o, "backend", q->backend->info.id);
        json_str(o, "model_id", q->model->info.id);
        json_str(o, "quant_id", q->quant->info.id);
        cJSON_AddNumberToObject(o, "depth", (double)q->depth);
        cJSON_AddNumberToObject(o, "prompt", (double)q->prompt);
        cJSON_AddNumberToObject(o, "gen", (double)q->gen);
        json_num(o, "predicted", r->predicted, 3);
        json_num(o, "error_pct", pct_err(r->predicted, r->s.measured), 2);
        cJSON_AddBoolToObject(o, "calibration_source",
                              measured_is_calibration_source(r->f[MF_SOURCE]));
        if (cv && r->cv_predicted > 0) {
            json_num(o, "cv_predicted", r->cv_predicted, 3);
            json_num(o, "cv_error_pct", pct_err(r->cv_predicted, r->s.measured), 2);
        }
        if (r->excluded) {
            json_str(o, "reason", r->excluded);
            cJSON_AddItemToArray(jexcl, o);
        } else {
            cJSON_AddItemToArray(jrows, o);
        }
    }

    /* people */
    view_heading(v, "Estimator against %zu measured runs (%s)", set.n, path);
    view_text(v,
              "%zu rows predicted, %zu set aside by the exclusion list, %zu unresolved. "
              "Error = predicted / measured - 1; p90 = 90th percentile of the absolute error. "
              "The default calibration is fitted on the newest source of each backend; "
              "a source's median signed error is its offset.",
              n_ok, n_excl, n_unres);
    static const char *const sum_cols[] = {
        "Metric|metric", "Group|group", "Key|key", "Rows|count|r", "Median abs err %|median_abs_pct|r",
        "p90 abs err %|p90_abs_pct|r", "Median err %|median_signed_pct|r",
        "CV median abs %|cv_median_abs_pct|r", "CV p90 abs %|cv_p90_abs_pct|r",
        "CV median err %|cv_median_signed_pct|r",
    };
    block *ts = view_table(v, "Summary", cv ? 10 : 7, sum_cols);
    for (int m = 0; m < 2; m++) {
        fc_metric met = m == 0 ? FC_METRIC_DECODE : FC_METRIC_PREFILL;
        add_summary_row(v, ts, &set, G_ALL, "all", met, cv, buf);
        for (size_t b = 0; b < nbk; b++)
            add_summary_row(v, ts, &set, G_BACKEND, backends[b], met, cv, buf);
        for (size_t s = 0; s < nsrc; s++)
            add_summary_row(v, ts, &set, G_SOURCE, sources[s], met, cv, buf);
    }
    static const char *const row_cols[] = {
        "Source|source_id", "Line|line|r", "Hardware|hardware_id", "GPUs|gpus|r",
        "Backend|backend", "Model|model_id", "Quant|quant_id", "Test|test", "Metric|metric",
        "Measured t/s|measured|r", "Predicted t/s|predicted|r", "Error %|error_pct|r",
        "Calibration|calibration_source", "CV predicted|cv_predicted|r", "CV error %|cv_error_pct|r",
    };
    /* --summary leaves the per-row table to CSV output, which needs it */
    if (!summary_only || strcmp(c->format, "csv") == 0) {
        block *tr = view_table(v, "Rows", cv ? 15 : 13, row_cols);
        if (tr)
            tr->primary = true;
        for (size_t i = 0; i < set.n; i++)
            if (set.rows[i].resolved && !set.rows[i].excluded)
                add_row_cells(v, tr, &set.rows[i], cv);
    }
    if (n_excl > 0)
        reason_table(v, "Set aside (exclusion list)", &set, true);
    if (n_unres > 0)
        reason_table(v, "Unresolved rows", &set, false);
    free(buf);
    measured_free(&set);
    return EXIT_OK;
}
