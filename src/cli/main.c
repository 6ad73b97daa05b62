/* main.c - command dispatch, help, output and exit status. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const opt_spec list_opts[] = {
    { "vendor", 0, OPT_CMD + 1, "V", "hardware: only this vendor (nvidia, amd, intel, apple)" },
    { "min-memory", 0, OPT_CMD + 2, "GB", "hardware: at least this much memory (GiB)" },
    { "category", 0, OPT_CMD + 3, "C", "hardware: desktop_gpu, laptop_gpu, workstation_gpu, datacenter_gpu, apple, unified_soc, edge_soc" },
    { "backend", 'b', OPT_CMD + 4, "B", "hardware: runs this backend" },
    { "family", 0, OPT_CMD + 5, "F", "models: only this family (Llama 3.1, Qwen3, ...)" },
    { "arch", 0, OPT_CMD + 6, "A", "models: dense, moe or hybrid" },
    { "max-params", 0, OPT_CMD + 7, "B", "models: at most this many billion parameters" },
    { NULL, 0, 0, NULL, NULL },
};

static const opt_spec explain_opts[] = {
    { "explain", 0, OPT_CMD + 20, NULL, "print every figure with its inputs and formula" },
    { NULL, 0, 0, NULL, NULL },
};

static const opt_spec model_cmd_opts[] = {
    { "vendor", 0, OPT_CMD + 1, "V", "only devices of this vendor" },
    { "min-memory", 0, OPT_CMD + 2, "GB", "only devices with at least this much memory (GiB)" },
    { "all", 'a', OPT_CMD + 30, NULL, "also list devices it does not fit on" },
    { NULL, 0, 0, NULL, NULL },
};

static const opt_spec hardware_cmd_opts[] = {
    { "min-tps", 0, OPT_CMD + 40, "T", "only models decoding at least this many tokens/s" },
    { "all", 'a', OPT_CMD + 30, NULL, "also list models that need offload or do not fit" },
    { "detect", 0, OPT_CMD + 60, NULL,
      "with 'local': show the devices found on this machine (total and free memory) and "
      "the catalog entries they map to" },
    { NULL, 0, 0, NULL, NULL },
};

static const opt_spec *const t_common[] = { common_opts, NULL };
static const opt_spec *const t_list[] = { list_opts, common_opts, NULL };
static const opt_spec *const t_estimate_hm[] = {
    (const opt_spec[]){ { "hardware", 'H', OPT_HARDWARE, "H", "hardware id or name (rtx4090, m4pro-48, ...)" },
                        { "model", 'm', OPT_MODEL, "M", "model id or name (llama3.1-8b, ...)" },
                        { NULL, 0, 0, NULL, NULL } },
    request_opts, explain_opts, common_opts, NULL };
static const opt_spec *const t_model[] = { model_cmd_opts, request_opts, common_opts, NULL };
static const opt_spec *const t_hardware[] = { hardware_cmd_opts, request_opts, common_opts, NULL };
static const opt_spec *const t_compare[] = { request_opts, common_opts, NULL };
static const opt_spec *const t_validate[] = { validate_opts, common_opts, NULL };
static const opt_spec *const t_check[] = { check_opts, request_opts, common_opts, NULL };
static const opt_spec *const t_plan[] = { plan_opts, request_opts, common_opts, NULL };
static const opt_spec *const t_recommend[] = { recommend_opts, request_opts, common_opts, NULL };
static const opt_spec *const t_calibrate[] = { calibrate_opts, common_opts, NULL };
static const opt_spec *const t_cost[] = { cost_opts, request_opts, common_opts, NULL };

static int cmd_help(cli *c, view *v);
static int cmd_version(cli *c, view *v);

/* sorted by name; drives dispatch, 'fitcheck help' and the command list */
static const command commands[] = {
    { "calibrate", cmd_calibrate, "fit the backends' efficiencies to measured runs",
      "fitcheck calibrate <measured.csv> [--output FILE] [options]",
      "Fits each backend's few free parameters (bandwidth efficiency, per-token and\n"
      "per-layer overhead, prefill efficiency) by least squares on the log error\n"
      "against measured runs, and writes a calibration JSON that --calibration loads.",
      t_calibrate, 1, 1, true },
    { "check", cmd_check, "exit 0 if a model fits and meets speed targets, 1 if not (for CI)",
      "fitcheck check --hardware <h> --model <m> [--min-tps <t>] [--max-ttft <s>]\n"
      "                [--min-prefill-tps <t>] [--allow-offload] [--quant <q>] [--ctx <tokens>]\n"
      "                [--gpus <n>] [options]",
      "Exit status 0 when the model fits in GPU memory and meets every requirement\n"
      "given, 1 when it does not (with a one-line reason on stderr, e.g. \"needs 42.5 GiB,\n"
      "23.0 GiB available\" or \"decode 8.1 t/s < 20\"), 2 on any error. With quant auto\n"
      "it tries the ladder from the highest precision down and passes on the first\n"
      "quant that meets every requirement. The model may be a catalog id, a Hugging\n"
      "Face config.json or a GGUF file; the hardware 'local' for this machine.\n"
      "Example: fitcheck check --hardware l4 --model ./config.json --min-tps 30 || exit 1",
      t_check, 0, 2, true },
    { "compare", cmd_compare, "compare two machines side by side",
      "fitcheck compare <hardware-a> <hardware-b> [options]",
      "The page hardware-comparison sites publish, from a model of the hardware: a\n"
      "quick verdict, the specs with the better value marked, estimated tokens/s for\n"
      "headline models and then every model in the catalog (each with the quant that\n"
      "side would use), the models only one side can run, and those both run.\n"
      "--gpus applies to both sides; write a side as rtx4090x2 for two of them.",
      t_compare, 2, 2, true },
    { "cost", cmd_cost, "what a setup costs to buy and run, per token and against an API",
      "fitcheck cost --hardware <h> --model <m> [--hours-per-day <h>] [--idle-hours <h>]\n"
      "              [--price-kwh <usd>] [--years <y>] [--api-price-in <usd> --api-price-out <usd>]\n"
      "              [--system-price <usd>] [--quant <q>] [--gpus <n>] [options]",
      "The price of the setup (a Mac's or a DGX Spark's launch price; for PC cards the\n"
      "launch MSRP plus a typical desktop host, an estimate), its load and idle power\n"
      "(a card's board power limit plus the host: an upper bound), the electricity a\n"
      "year at the active and idle hours (default 8 h and 16 h at 0.16 USD/kWh), tokens\n"
      "per joule, the cost per million generated tokens over --years (default 3), the\n"
      "price per GB of GPU-usable memory and, with API prices (USD per million input\n"
      "and output tokens), the months until the setup costs less than the API for the\n"
      "same requests (--prompt tokens in, --gen out, back to back while active).\n"
      "Example: fitcheck cost rtx4090 llama3.1-8b --api-price-in 0.2 --api-price-out 0.6",
      t_cost, 0, 2, true },
    { "estimate", cmd_estimate, "memory, fit verdict and speed of one model on one machine",
      "fitcheck estimate --hardware <h> --model <m> [--quant <q>] [--ctx <tokens>]\n"
      "                  [--prompt <p>] [--gen <n>] [--gpus <n>] [--split layer|tensor]\n"
      "                  [--link <l>] [--kv-type f16|q8_0|q4_0] [--host <profile>]\n"
      "                  [--backend <b>] [--explain]",
      "The full breakdown for one combination: weights, KV cache, runtime buffers and\n"
      "what the platform keeps back; the verdict (fits, tight, offload, no), the\n"
      "largest context that fits; prefill and decode speed with llama-bench semantics\n"
      "(-p <prompt> -n <gen>) and the llama-bench line that would measure them.\n"
      "Hardware and model may also be given as the first two arguments.",
      t_estimate_hm, 0, 2, true },
    { "hardware", cmd_hardware, "what a machine can run: every model with its best quant",
      "fitcheck hardware <hardware> [--min-tps <t>] [--ctx <tokens>] [--all] [options]\n"
      "fitcheck hardware local [--detect] [options]",
      "Every model in the catalog with the highest-precision quant that fits entirely\n"
      "in the machine's GPU memory, and its estimated speed, fastest first.\n"
      "'local' detects this machine (nvidia-smi, /sys/class/drm, /proc/meminfo, sysctl);\n"
      "--detect shows what was found, with total and free memory.",
      t_hardware, 1, 1, true },
    { "help", cmd_help, "show help for a command", "fitcheck help [<command>]",
      "Without a command, list the commands.", t_common, 0, 1, false },
    { "list", cmd_list, "list the catalog: hardware, models, quants, hosts, links, backends",
      "fitcheck list hardware|models|quants|hosts|links|backends [filters] [options]",
      "Every entry of one catalog section with its key figures and source.",
      t_list, 1, 1, true },
    { "model", cmd_model, "one model against every device in the catalog",
      "fitcheck model <model> [--quant <q>|auto] [--ctx <tokens>] [--all] [options]",
      "The model's memory breakdown per quant, then every device in the catalog with\n"
      "its verdict, the quant it would use and the estimated speed, best first.",
      t_model, 1, 1, true },
    { "plan", cmd_plan, "runtime settings for a model on a machine: llama.cpp, vLLM, MLX",
      "fitcheck plan --hardware <h> --model <m> [--quant <q>] [--ctx <tokens>] [--gpus <n>]\n"
      "               [--kv-type f16|q8_0|q4_0] [options]",
      "The exact settings for one combination: llama.cpp flags (-c, -ngl, -ts,\n"
      "--n-cpu-moe, -ctk/-ctv) and, where they apply, the vllm serve and MLX lines,\n"
      "each with the speed it gives. Options that run entirely in GPU memory come\n"
      "first, highest precision first; offload options follow, fastest first.\n"
      "-c is the largest context that fits (up to the model's own) unless --ctx is given.",
      t_plan, 0, 2, true },
    { "recommend", cmd_recommend, "which hardware to get for a model, or which models suit a machine",
      "fitcheck recommend --model <m> [--min-tps <t>] [--ctx <tokens>] [--budget <usd>]\n"
      "                   [--max-gpus <n>] [--all] [options]\n"
      "fitcheck recommend --hardware <h> [--min-tps <t>] [--ctx <tokens>] [--all] [options]",
      "With --model: every device in the catalog, alone or as 2, 4 or 8 of them (the\n"
      "fewest that work), that holds the model in GPU memory and decodes at --min-tps,\n"
      "cheapest first (launch prices), with the quant each would use.\n"
      "With --hardware: the models that run on it at --min-tps, largest first in each\n"
      "size group, each with the highest-precision quant that meets the target.",
      t_recommend, 0, 0, true },
    { "show", cmd_show, "every field of one catalog entry", "fitcheck show <id> [options]",
      "Finds the id (or alias or name) in every catalog section.", t_common, 1, 1, true },
    { "validate", cmd_validate, "measure the estimator against measured runs",
      "fitcheck validate <measured.csv> [--cross-validate] [options]",
      "Predicts every row of a measured-runs CSV (the format of llama.cpp scoreboards\n"
      "collected in shared/measured) and prints measured, predicted and error per row,\n"
      "then the median and 90th-percentile error per metric, backend and source.",
      t_validate, 1, 1, true },
    { "version", cmd_version, "print the version", "fitcheck version", "", t_common, 0, 0,
      false },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_main_help(FILE *out)
{
    fprintf(out,
            "fitcheck %s - will this LLM fit on this machine, and how fast will it run?\n\n"
            "usage: fitcheck <command> [<args>] [options]\n\n"
            "commands:\n",
            FITCHECK_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\nexamples:\n"
            "  fitcheck compare rtx4090 m4pro-48\n"
            "  fitcheck model llama3.3-70b --quant q4_k_m\n"
            "  fitcheck estimate --hardware rtx3090 --model qwen3-30b-a3b --ctx 32k --explain\n"
            "  fitcheck hardware m3ultra-512 --min-tps 10\n"
            "  fitcheck list hardware --vendor apple --format csv\n\n"
            "Every command takes --format table|markdown|json|csv|html and --catalog FILE;\n"
            "compare and model also --format svg (their charts).\n"
            "Exit status: 0 success, 1 a negative answer, 2 an error.\n"
            "'fitcheck help <command>' or 'fitcheck <command> --help' for details.\n");
}

static void print_command_help(FILE *out, const command *cmd)
{
    fprintf(out, "usage: %s\n\n%s — %s\n", cmd->usage, cmd->name, cmd->summary);
    if (cmd->description && cmd->description[0])
        fprintf(out, "\n%s\n", cmd->description);
    fprintf(out, "\noptions:\n");
    print_options(out, cmd->opts);
}

static int cmd_help(cli *c, view *v)
{
    (void)v;
    if (c->a.n_pos == 0) {
        print_main_help(stdout);
        return EXIT_OK;
    }
    const command *cmd = find_command(c->a.pos[0]);
    if (!cmd)
        return cli_error(c, "help: unknown command '%s' (see 'fitcheck help')", c->a.pos[0]);
    print_command_help(stdout, cmd);
    return EXIT_OK;
}

static int cmd_version(cli *c, view *v)
{
    (void)c;
    (void)v;
    printf("fitcheck %s\n", FITCHECK_VERSION);
    return EXIT_OK;
}

static void suggest_command(const char *name)
{
    char key[64];
    fc_name_key(name, key, sizeof key);
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; i < N_COMMANDS; i++) {
        size_t n = strlen(commands[i].name);
        size_t d = 0;
        /* cheap distance: differing characters plus length difference */
        for (size_t k = 0; k < n || k < strlen(key); k++)
            if (k >= n || k >= strlen(key) || commands[i].name[k] != key[k])
                d++;
        if (d < bestd) {
            bestd = d;
            best = commands[i].name;
        }
    }
    if (best)
        fprintf(stderr, "fitcheck: unknown command '%s' (did you mean '%s'?)\n", name, best);
    else
        fprintf(stderr, "fitcheck: unknown command '%s' (see 'fitcheck help')\n", name);
}

/* Render the whole view into memory first: on any error nothing reaches
 * stdout, so a pipeline never sees a partial result. */
static int emit(cli *c, const view *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return cli_error(c, "out of memory");
    int rc;
    if (strcmp(c->format, "svg") == 0 && !view_has_chart(v)) {
        fclose(mem);
        free(buf);
        return cli_error(c, "--format svg: '%s' has no chart; svg is available for compare, "
                            "model, estimate and cost (html for every command)", c->cmd);
    }
    if (strcmp(c->format, "json") == 0)
        rc = render_json(mem, v, &c->ropts);
    else if (strcmp(c->format, "csv") == 0)
        rc = render_csv(mem, v, &c->ropts);
    else if (strcmp(c->format, "markdown") == 0 || strcmp(c->format, "md") == 0)
        rc = render_markdown(mem, v, &c->ropts);
    else if (strcmp(c->format, "svg") == 0)
        rc = render_svg(mem, v, &c->ropts);
    else if (strcmp(c->format, "html") == 0)
        rc = render_html(mem, v, &c->ropts);
    else
        rc = render_table(mem, v, &c->ropts);
    if (fclose(mem) != 0 || rc != 0) {
        free(buf);
        return cli_error(c, "cannot format the output");
    }
    size_t w = fwrite(buf, 1, len, stdout);
    free(buf);
    if (w != len)
        return cli_error(c, "error writing output");
    return EXIT_OK;
}

int cli_main(int argc, char **argv)
{
    cli c;
    memset(&c, 0, sizeof c);
    if (argc < 2) {
        print_main_help(stderr);
        return EXIT_ERROR;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_main_help(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
        name = "version";
    const command *cmd = find_command(name);
    if (!cmd) {
        if (name[0] == '-')
            fprintf(stderr, "fitcheck: unknown option '%s' (usage: fitcheck <command> ...; "
                            "see 'fitcheck help')\n", name);
        else
            suggest_command(name);
        return EXIT_ERROR;
    }
    c.cmd = cmd->name;
    char perr[256];
    if (parse_args(argc - 2, argv + 2, cmd->opts, &c.a, perr, sizeof perr) != 0) {
        fprintf(stderr, "fitcheck: %s: %s (see 'fitcheck help %s')\n", cmd->name, perr,
                cmd->name);
        return EXIT_ERROR;
    }
    if (arg_flag(&c.a, OPT_HELP)) {
        print_command_help(stdout, cmd);
        return EXIT_OK;
    }
    if (c.a.n_pos < cmd->min_pos || c.a.n_pos > cmd->max_pos) {
        /* one line: the synopsis's first line only */
        int first = (int)strcspn(cmd->usage, "\n");
        fprintf(stderr, "fitcheck: %s: expected %s arguments (usage: %.*s%s)\n", cmd->name,
                c.a.n_pos < cmd->min_pos ? "more" : "fewer", first, cmd->usage,
                cmd->usage[first] ? " ..." : "");
        return EXIT_ERROR;
    }
    c.format = arg_value(&c.a, OPT_FORMAT);
    if (!c.format)
        c.format = "table";
    if (strcmp(c.format, "table") != 0 && strcmp(c.format, "json") != 0 &&
        strcmp(c.format, "csv") != 0 && strcmp(c.format, "markdown") != 0 &&
        strcmp(c.format, "md") != 0 && strcmp(c.format, "svg") != 0 &&
        strcmp(c.format, "html") != 0)
        return cli_error(&c, "--format takes table, markdown, json, csv, svg or html, not '%s'",
                         c.format);
    const char *term = getenv("TERM");
    const char *lang = getenv("LC_ALL");
    if (!lang || !*lang)
        lang = getenv("LC_CTYPE");
    if (!lang || !*lang)
        lang = getenv("LANG");
    bool tty = isatty(STDOUT_FILENO);
    c.ropts.unicode = !arg_flag(&c.a, OPT_ASCII) &&
                      !(term && strcmp(term, "dumb") == 0) &&
                      (!tty || (lang && (strstr(lang, "UTF-8") || strstr(lang, "utf8") ||
                                         strstr(lang, "UTF8") || strstr(lang, "utf-8"))));
    c.ropts.color = tty && !arg_flag(&c.a, OPT_NO_COLOR) && !getenv("NO_COLOR") &&
                    !(term && strcmp(term, "dumb") == 0);
    /* SVG and HTML are UTF-8 documents, whatever the terminal can show */
    if (strcmp(c.format, "svg") == 0 || strcmp(c.format, "html") == 0) {
        c.ropts.unicode = true;
        c.ropts.color = false;
    }

    int rc = EXIT_OK;
    if (cmd->needs_catalog && (rc = cli_load_catalog(&c)) != EXIT_OK) {
        fc_catalog_free(c.cat);
        return rc;
    }
    view v;
    view_init(&v);
    rc = cmd->run(&c, &v);
    if (v.oom)
        rc = cli_error(&c, "out of memory");
    if (rc != EXIT_ERROR && cmd->needs_catalog) {
        int erc = emit(&c, &v);
        if (erc != EXIT_OK)
            rc = erc;
    }
    view_free(&v);
    fc_catalog_free(c.cat);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "fitcheck: error writing output\n");
        return EXIT_ERROR;
    }
    return rc;
}
