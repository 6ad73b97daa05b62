#define _POSIX_C_SOURCE 200809L
/* model_input.c - a model given as a file: a Hugging Face config.json or a
 * GGUF file (header only), read by the core and added to the catalog. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool cli_is_model_file(const char *name)
{
    if (!name || !*name)
        return false;
    if (ends_with(name, ".json") || ends_with(name, ".gguf") || ends_with(name, ".GGUF"))
        return true;
    struct stat st;
    return (strchr(name, '/') != NULL) && stat(name, &st) == 0 && S_ISREG(st.st_mode);
}

/* The whole (small) file; NULL with a message on error. */
static char *slurp(cli *c, const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error(c, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 64 * 1024, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        cli_error(c, "out of memory");
    while (buf) {
        if (n == cap) {
            if (cap >= max) {
                cli_error(c, "%s: file too large for a config.json (over %zu MiB)", path,
                          max >> 20);
                free(buf);
                buf = NULL;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                cli_error(c, "out of memory");
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                cli_error(c, "%s: read error", path);
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static bool is_gguf(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ends_with(path, ".gguf") || ends_with(path, ".GGUF");
    char magic[4] = { 0 };
    size_t n = fread(magic, 1, 4, f);
    fclose(f);
    /* a .gguf file without the magic is a broken GGUF, not a config.json */
    return (n == 4 && memcmp(magic, "GGUF", 4) == 0) || ends_with(path, ".gguf") ||
           ends_with(path, ".GGUF");
}

int cli_model_from_file(cli *c, const char *path, const fc_model **model,
                        const fc_quant **quant)
{
    fc_error err;
    size_t idx;
    *model = NULL;
    *quant = NULL;
    /* loaded earlier in this run: the entry's id is the path */
    if (fc_catalog_find(c->cat, FC_KIND_MODEL, path, &idx, NULL) == FC_OK &&
        strcmp(fc_catalog_model(c->cat, idx)->info.id, path) == 0) {
        *model = fc_catalog_model(c->cat, idx);
        if ((*model)->quants.count == 1 && ends_with((*model)->quants.items[0], "#quant"))
            *quant = fc_find_quant(c->cat, (*model)->quants.items[0], NULL);
        return EXIT_OK;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return cli_error(c, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return cli_error(c, "%s: not a regular file", path);
    fc_model m;
    if (is_gguf(path)) {
        fc_gguf_info info;
        fc_quant q;
        if (fc_gguf_read_file(path, &info, &err) != FC_OK ||
            fc_model_from_gguf(c->cat, &info, path, &m, &q, &err) != FC_OK ||
            fc_catalog_add_quant(c->cat, &q, quant, &err) != FC_OK ||
            fc_catalog_add_model(c->cat, &m, model, &err) != FC_OK)
            return cli_error(c, "%s", err.msg);
        return EXIT_OK;
    }
    size_t len = 0;
    char *buf = slurp(c, path, (size_t)64 << 20, &len);
    if (!buf)
        return EXIT_ERROR;
    fc_status s = fc_model_from_hf_config(c->cat, buf, len, path, &m, &err);
    free(buf);
    if (s != FC_OK || fc_catalog_add_model(c->cat, &m, model, &err) != FC_OK)
        return cli_error(c, "%s", err.msg);
    return EXIT_OK;
}
