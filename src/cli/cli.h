/* cli.h - the command-line layer: options, the command table, the session. */
#ifndef FC_CLI_H
#define FC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "fitcheck/fitcheck.h"
#include "view.h"

enum {
    EXIT_OK = 0,
    EXIT_NEGATIVE = 1, /* a requirement was not met (check, compare verdicts) */
    EXIT_ERROR = 2     /* usage, data or I/O error */
};

/* option ids: common ones, request ones, then each command's own from 200 */
enum {
    OPT_HELP = 1, OPT_FORMAT, OPT_CATALOG, OPT_ASCII, OPT_NO_COLOR,
    OPT_HARDWARE = 20, OPT_MODEL, OPT_QUANT, OPT_CTX, OPT_PROMPT, OPT_GEN, OPT_GPUS,
    OPT_SPLIT, OPT_LINK, OPT_KV_TYPE, OPT_HOST, OPT_RAM, OPT_BACKEND, OPT_RESERVE,
    OPT_NO_OFFLOAD, OPT_UBATCH, OPT_USERS, OPT_NODES,
    OPT_CMD = 200
};

typedef struct opt_spec {
    const char *name;   /* long name without dashes */
    char short_name;    /* 0 = none */
    int id;
    const char *arg;    /* NULL = flag; else the value's name in help */
    const char *help;
} opt_spec;

#define MAX_OPTS 128
#define MAX_POS 32

typedef struct parsed_opt {
    int id;
    const char *name;
    const char *value;
} parsed_opt;

typedef struct args {
    parsed_opt opt[MAX_OPTS];
    int n_opt;
    const char *pos[MAX_POS];
    int n_pos;
} args;

typedef struct cli {
    fc_catalog *cat;
    const char *cmd;     /* command name, for messages */
    const char *format;  /* table, markdown, json, csv */
    render_opts ropts;
    args a;
} cli;

typedef struct command {
    const char *name;
    int (*run)(cli *c, view *v);
    const char *summary;
    const char *usage;       /* synopsis lines */
    const char *description; /* paragraphs after the synopsis */
    const opt_spec *const *opts; /* NULL-terminated list of option tables */
    int min_pos, max_pos;
    bool needs_catalog;
} command;

extern const opt_spec common_opts[];  /* --format, --catalog, --ascii, ... */
extern const opt_spec request_opts[]; /* --quant, --ctx, --gpus, ... */

/* parsing (opts.c) */
int parse_args(int argc, char **argv, const opt_spec *const *tables, args *out,
               char *err, size_t err_size);
const char *arg_value(const args *a, int id);   /* last value given, or NULL */
bool arg_flag(const args *a, int id);
int parse_long(const char *s, long min, long max, bool suffixes, long *out);
int parse_double(const char *s, double min, double max, double *out);
void print_options(FILE *out, const opt_spec *const *tables);

/* diagnostics: "fitcheck: <cmd>: ..." on stderr; return EXIT_ERROR */
int cli_error(const cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* session.c: catalog, request building, shared report pieces */
int cli_load_catalog(cli *c);
/* Fill a request from the request options and the named hardware/model.
 * *auto_quant is set when the quant is left to fc_best_quant(). */
int cli_request(cli *c, const char *hw_name, const char *model_name, fc_request *r,
                bool *auto_quant);
/* --hardware and --model, or the first two arguments in that order. */
int cli_hardware_and_model(cli *c, const char **hw, const char **model);
/* A machine as written on the command line: "rtx4090", "rtx4090x2", "2xrtx4090",
 * "rtx4090,rtx3090" (different GPUs in one box, layer split by memory). */
typedef struct setup {
    const fc_hardware *hw;
    int gpus;
    const fc_hardware *others[FC_MAX_OTHERS];
    int n_others;
} setup;
/* Parse `text`; `gpus` (from --gpus, 0 = not given) counts a single device
 * written without a count. Errors are reported (one line naming the name). */
int cli_parse_setup(cli *c, const char *text, int gpus, setup *out);
/* "2 x NVIDIA GeForce RTX 4090 + NVIDIA GeForce RTX 3090", with "2 machines of"
 * in front when nodes > 1 */
void setup_label(char *buf, size_t n, const fc_request *r, bool ids);
/* Complete a request for one hardware entry (backend, link, defaults). */
int cli_request_for_hardware(cli *c, const fc_hardware *hw, fc_request *r);
/* cli_request() and then cli_choose_quant(), with the error reported when no
 * quant runs; `explain` fills the estimate's trace. */
int cli_request_estimate(cli *c, const char *hw_name, const char *model_name, bool explain,
                         fc_request *r, bool *auto_quant, fc_estimate *e);
void json_hardware_model(cJSON *doc, const fc_request *r);
/* Pick the quant: an explicit one, or the best that fits, else the smallest. */
const fc_quant *cli_choose_quant(cli *c, fc_request *r, bool auto_quant, fc_estimate *e);
cJSON *json_estimate(const fc_request *r, const fc_estimate *e);
/* model_input.c: a model given as a config.json or GGUF path */
bool cli_is_model_file(const char *name);
int cli_model_from_file(cli *c, const char *path, const fc_model **model,
                        const fc_quant **quant);

/* One model on one device with the quant chosen: false when the device cannot
 * run the request (backend or quant format mismatch). */
typedef struct eval_result {
    bool ok;
    fc_request r;
    fc_estimate e;
} eval_result;
bool cli_eval(cli *c, const fc_request *tmpl, const fc_hardware *hw, int gpus,
              const fc_model *m, bool auto_quant, eval_result *out);
void verdict_sentence(char *buf, size_t n, const fc_request *r, const fc_estimate *e);
/* "59.7 t/s (Q5_K_M)", or "-" when it does not run */
void speed_cell_text(char *buf, size_t n, const eval_result *ev, bool native_only);
/* The cells every per-row fit table shows: verdict ("fits*" when the Apple
 * limit must be raised), GiB needed, decode (with a bar relative to best) and
 * prefill tokens/s; speeds stay empty when it does not fit at all. */
void fit_cells(view *v, cell *verdict, cell *needed, cell *decode, cell *prefill,
               const eval_result *x, double best);
const char *quant_label(const fc_quant *q); /* "Q4_K_M" */
cJSON *json_entry(fc_kind kind, const void *entry); /* catalog_json.c */

/* commands */
int cmd_list(cli *c, view *v);
int cmd_show(cli *c, view *v);
int cmd_estimate(cli *c, view *v);
int cmd_model(cli *c, view *v);
int cmd_hardware(cli *c, view *v);
int cmd_compare(cli *c, view *v);
int cmd_check(cli *c, view *v);     /* cmd_check.c */
extern const opt_spec check_opts[];
/* quants that can run a request's model on its backend, highest precision first */
size_t cli_quant_ladder(cli *c, const fc_request *r, const fc_quant **out, size_t max);
int cmd_plan(cli *c, view *v);      /* cmd_plan.c */
extern const opt_spec plan_opts[];
int cmd_recommend(cli *c, view *v); /* cmd_recommend.c */
extern const opt_spec recommend_opts[];
/* detect.c: --hardware local */
#define DETECT_MAX 16
typedef struct det_device {
    char name[160], vendor[16], source[16];
    double total_mib, free_mib; /* free 0 = unknown */
    const fc_hardware *hw;      /* catalog entry, NULL = not known */
} det_device;
typedef struct detection {
    det_device dev[DETECT_MAX];
    int n;
    double ram_total_mib, ram_avail_mib;
    char apple_chip[96];
    int apple_gpu_cores;
} detection;
void cli_detect(const fc_catalog *cat, detection *d);
/* the first known device and how many of it; an error naming what was found */
int cli_detect_local(cli *c, const fc_hardware **hw, int *count, double *ram_gib);
int cmd_detect(cli *c, view *v);
int cmd_validate(cli *c, view *v);  /* cmd_validate.c */
int cmd_calibrate(cli *c, view *v); /* cmd_calibrate.c */
extern const opt_spec validate_opts[];  /* cmd_validate.c */
extern const opt_spec calibrate_opts[]; /* cmd_calibrate.c */
int cmd_cost(cli *c, view *v);       /* cmd_cost.c */
extern const opt_spec cost_opts[];
/* --hours-per-day, --idle-hours, --price-kwh, --years, --api-price-*, --system-price,
 * --watts, --idle-watts into cost parameters (defaults where not given) */
int cli_cost_params(cli *c, fc_cost_params *p);
cJSON *json_cost(const fc_cost *k); /* system, electricity, tokens, api */
/* what a price or a load/idle figure is made of, for the notes beside them */
void cost_price_note(char *buf, size_t n, const fc_request *r, const fc_cost *k);
void cost_power_note(char *buf, size_t n, const fc_request *r, const fc_cost *k, bool idle);

int cli_main(int argc, char **argv);

#endif
