/* opts.c - strict option and number parsing for every command. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const opt_spec common_opts[] = {
    { "help", 'h', OPT_HELP, NULL, "show this help and exit" },
    { "format", 'f', OPT_FORMAT, "FMT", "output format: table (default), markdown, json, csv, html (a self-contained "
      "page), svg (the charts; compare, model, estimate, cost)" },
    { "catalog", 0, OPT_CATALOG, "FILE",
      "add a catalog file whose entries extend or override the embedded ones (repeatable; "
      "also FITCHECK_CATALOG=FILE[:FILE...])" },
    /* a calibration is a catalog file with a backends section: it shares
     * --catalog's id, so it loads in command-line order and overrides the
     * embedded backends by id */
    { "calibration", 0, OPT_CATALOG, "FILE",
      "load backend speed parameters written by 'fitcheck calibrate' (overrides the "
      "embedded calibration, data/backends.json)" },
    { "ascii", 0, OPT_ASCII, NULL, "plain ASCII tables and bars" },
    { "no-color", 0, OPT_NO_COLOR, NULL, "no colour (also NO_COLOR=1)" },
    { NULL, 0, 0, NULL, NULL },
};

const opt_spec request_opts[] = {
    { "quant", 'q', OPT_QUANT, "Q", "quantization (q4_k_m, q8_0, f16, mlx-4bit, ...) or auto: "
      "the highest precision that fits (default auto)" },
    { "ctx", 'c', OPT_CTX, "TOKENS", "context to allocate (8192, 32k; default max(4096, prompt + gen))" },
    { "prompt", 'p', OPT_PROMPT, "TOKENS", "prompt length for prefill, as llama-bench -p (default 512)" },
    { "gen", 'n', OPT_GEN, "TOKENS", "tokens generated after the prompt, as llama-bench -n (default 128)" },
    { "gpus", 'g', OPT_GPUS, "N", "number of identical devices (default 1); different GPUs in one "
      "machine are listed instead: --hardware rtx4090,rtx3090 (layers split by free memory)" },
    { "users", 'u', OPT_USERS, "N", "concurrent users decoded together by a continuous-batching "
      "server (vLLM, llama.cpp server -np N); --ctx is each user's context (default 1)" },
    { "nodes", 0, OPT_NODES, "N", "identical machines joined by --link (exo, llama.cpp RPC): "
      "memory pools, layers split across machines, one hop per token per boundary (default 1)" },
    { "split", 0, OPT_SPLIT, "MODE", "multi-GPU split: layer (llama.cpp default) or tensor" },
    { "link", 0, OPT_LINK, "LINK", "interconnect between devices (pcie4, nvlink4, ...; default by "
      "device); with --nodes, between machines (tb5, 10gbe, ...; default tb5 for Macs from 2024, "
      "tb4 for older ones, 10gbe otherwise)" },
    { "kv-type", 0, OPT_KV_TYPE, "T", "KV cache type: f16 (default), q8_0, q4_0" },
    { "host", 0, OPT_HOST, "PROFILE", "system RAM profile for offload (default ddr5-5600-2ch)" },
    { "ram", 0, OPT_RAM, "GB", "system RAM size in GiB (default: the host profile's)" },
    { "backend", 'b', OPT_BACKEND, "B", "runtime backend: cuda, rocm, metal, vulkan, sycl, mlx, cpu (default by device)" },
    { "reserve", 0, OPT_RESERVE, "GB", "GPU memory kept back for the desktop/driver per device (default 0.5 on desktop cards, 0 on datacenter cards)" },
    { "no-offload", 0, OPT_NO_OFFLOAD, NULL, "never count system RAM: a model fits in GPU memory or not at all" },
    { "ubatch", 0, OPT_UBATCH, "N", "prefill micro-batch, as llama.cpp -ub (default 512)" },
    { NULL, 0, 0, NULL, NULL },
};

static const opt_spec *find_long(const opt_spec *const *tables, const char *name, size_t len)
{
    for (int t = 0; tables[t]; t++)
        for (const opt_spec *o = tables[t]; o->name; o++)
            if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                return o;
    return NULL;
}

static const opt_spec *find_short(const opt_spec *const *tables, char c)
{
    for (int t = 0; tables[t]; t++)
        for (const opt_spec *o = tables[t]; o->name; o++)
            if (o->short_name == c)
                return o;
    return NULL;
}

int parse_args(int argc, char **argv, const opt_spec *const *tables, args *out, char *err,
               size_t err_size)
{
    memset(out, 0, sizeof *out);
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        const opt_spec *o = NULL;
        const char *value = NULL;
        bool inline_value = false;
        if (!only_pos && strcmp(s, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (!only_pos && s[0] == '-' && s[1] == '-' && s[2]) {
            const char *name = s + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(tables, name, len);
            if (!o) {
                snprintf(err, err_size, "unknown option '--%.*s'", (int)len, name);
                return -1;
            }
            if (eq) {
                if (!o->arg) {
                    snprintf(err, err_size, "option '--%s' takes no value", o->name);
                    return -1;
                }
                value = eq + 1;
                inline_value = true;
            }
        } else if (!only_pos && s[0] == '-' && s[1] && !(s[1] >= '0' && s[1] <= '9')) {
            if (s[2] && !find_short(tables, s[1])) {
                snprintf(err, err_size, "unknown option '%s'", s);
                return -1;
            }
            o = find_short(tables, s[1]);
            if (!o) {
                snprintf(err, err_size, "unknown option '-%c'", s[1]);
                return -1;
            }
            if (s[2]) {
                if (!o->arg) {
                    snprintf(err, err_size, "option '-%c' takes no value", s[1]);
                    return -1;
                }
                value = s + 2;
                inline_value = true;
            }
        } else {
            if (out->n_pos >= MAX_POS) {
                snprintf(err, err_size, "too many arguments");
                return -1;
            }
            out->pos[out->n_pos++] = s;
            continue;
        }
        if (o->arg && !inline_value) {
            if (i + 1 >= argc) {
                snprintf(err, err_size, "option '--%s' needs a value (%s)", o->name, o->arg);
                return -1;
            }
            value = argv[++i];
        }
        if (out->n_opt >= MAX_OPTS) {
            snprintf(err, err_size, "too many options");
            return -1;
        }
        out->opt[out->n_opt].id = o->id;
        out->opt[out->n_opt].name = o->name;
        out->opt[out->n_opt].value = value;
        out->n_opt++;
    }
    return 0;
}

const char *arg_value(const args *a, int id)
{
    const char *v = NULL;
    for (int i = 0; i < a->n_opt; i++)
        if (a->opt[i].id == id)
            v = a->opt[i].value;
    return v;
}

bool arg_flag(const args *a, int id)
{
    for (int i = 0; i < a->n_opt; i++)
        if (a->opt[i].id == id)
            return true;
    return false;
}

/* Integer in [min, max]; with suffixes, "32k" = 32768 and "1m" = 1048576. */
int parse_long(const char *s, long min, long max, bool suffixes, long *out)
{
    if (!s || !*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
        return -1;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s)
        return -1;
    if (suffixes && (*end == 'k' || *end == 'K') && end[1] == '\0') {
        if (v > (long long)max / 1024 + 1 || v < -((long long)max / 1024 + 1))
            return -1;
        v *= 1024;
        end++;
    } else if (suffixes && (*end == 'm' || *end == 'M') && end[1] == '\0') {
        if (v > (long long)max / 1048576 + 1 || v < -((long long)max / 1048576 + 1))
            return -1;
        v *= 1048576;
        end++;
    }
    if (*end != '\0' || v < min || v > max)
        return -1;
    *out = (long)v;
    return 0;
}

int parse_double(const char *s, double min, double max, double *out)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v) || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

void print_options(FILE *out, const opt_spec *const *tables)
{
    for (int t = 0; tables[t]; t++)
        for (const opt_spec *o = tables[t]; o->name; o++) {
            char left[64];
            if (o->short_name)
                snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                         o->arg ? " " : "", o->arg ? o->arg : "");
            else
                snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
                         o->arg ? o->arg : "");
            fprintf(out, "  %-24s %s\n", left, o->help);
        }
}

int cli_error(const cli *c, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    (void)c;
    fprintf(stderr, "fitcheck: %s\n", msg);
    return EXIT_ERROR;
}
