/* embed.c - build-time tool: load the data catalogs with the core's own
 * loader and write them out as C source: static entry structs (designated
 * initialisers, string literals, arrays) with their lookup keys, which
 * fc_catalog_add_embedded() installs without parsing anything.
 *
 * usage: embed OUT.c NAME=FILE [NAME=FILE ...]
 *
 * NAME is the name the entries carry as their origin and that error
 * messages show (e.g. data/hardware.json); files are added in the order
 * given, later ids replacing earlier ones, exactly as at run time. A file
 * the loader rejects, or a catalog that fails fc_catalog_validate(), stops
 * the build with the loader's message; OUT.c is then left untouched. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_fields.h"
#include "internal.h"

static const char *out_path;
static fc_catalog *g_cat; /* reachable until exit, also on errors */

static void die(const char *fmt, ...) FC_PRINTF(1, 2);
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("embed: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            die("%s: out of memory", path);
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        char *nb = realloc(buf, cap);
        if (!nb)
            free(buf);
        buf = nb;
    }
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
    *len = n;
    return buf;
}

/* ---- checks: the field table covers everything the loader sets ---------- */

static void check_fields(const kind_desc *kd, unsigned char *mask)
{
    memset(mask, 0, kd->size);
    for (size_t f = 0; f < kd->n_fields; f++) {
        const field_desc *fd = &kd->fields[f];
        if (fd->size != field_type_size(fd->type) || fd->offset + fd->size > kd->size)
            die("tools/catalog_fields.h: %s.%s: unexpected field type or size", kd->type,
                fd->name);
        memset(mask + fd->offset, 1, fd->size);
    }
}

static void check_entry(const kind_desc *kd, const unsigned char *mask, const void *entry)
{
    const unsigned char *b = entry;
    for (size_t i = 0; i < kd->size; i++) {
        if (!mask[i] && b[i]) {
            die("%s '%s': bytes at offset %zu are set by the loader but not written out: "
                "list the new field in tools/catalog_fields.h",
                kd->type, ((const fc_entry_info *)entry)->id, i);
        }
    }
}

/* ---- C source output ------------------------------------------------------ */

static void put_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '\\' || *c == '"')
            fprintf(o, "\\%c", *c);
        else if (*c == '?') /* no trigraphs */
            fputs("\\?", o);
        else if (*c >= 0x20 && *c < 0x7f)
            fputc(*c, o);
        else
            fprintf(o, "\\%03o", *c);
    }
    fputc('"', o);
}

static void put_double(FILE *o, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v); /* 17 digits: the same double back */
    if (!isfinite(v))
        die("a non-finite number reached the output");
    fputs(buf, o);
    if (!strpbrk(buf, ".e"))
        fputs(".0", o); /* a floating literal: -0.0 keeps its sign */
}

static void put_integer(FILE *o, long v)
{
    if (v < 0)
        fprintf(o, "(-%ldL - 1)", -(v + 1));
    else
        fprintf(o, "%ld", v);
}

/* the C identifier of a field: "info.aliases" -> "info_aliases" */
static void put_ident(FILE *o, const char *name)
{
    for (const char *c = name; *c; c++)
        fputc(*c == '.' ? '_' : *c, o);
}

static void put_list_name(FILE *o, const kind_desc *kd, size_t i, const field_desc *fd)
{
    fprintf(o, "l_%s_%zu_", kd->var, i);
    put_ident(o, fd->name);
}

/* the string arrays of one entry's list fields and its keys */
static void put_arrays(FILE *o, const fc_catalog *cat, fc_kind k, size_t i)
{
    const kind_desc *kd = &kind_descs[k];
    const char *entry = (const char *)fc_catalog_info(cat, k, i);
    for (size_t f = 0; f < kd->n_fields; f++) {
        const field_desc *fd = &kd->fields[f];
        if (fd->type != FT_LIST)
            continue;
        const fc_strlist *l = (const fc_strlist *)(entry + fd->offset);
        if (!l->count)
            continue;
        fputs("static const char *", o);
        put_list_name(o, kd, i, fd);
        fputs("[] = {", o);
        for (size_t j = 0; j < l->count; j++) {
            fputs(j ? ", " : " ", o);
            put_str(o, l->items[j]);
        }
        fputs(" };\n", o);
    }
    fc_keyset ks = fc__catalog_keys(cat, k, i);
    if (ks.count) {
        fprintf(o, "static const char *const k_%s_%zu[] = {", kd->var, i);
        for (size_t j = 0; j < ks.count; j++) {
            fputs(j ? ", " : " ", o);
            put_str(o, ks.keys[j]);
        }
        fputs(" };\n", o);
    }
}

/* one entry's initialiser: every field that is not zero or NULL */
static void put_entry(FILE *o, const fc_catalog *cat, fc_kind k, size_t i)
{
    const kind_desc *kd = &kind_descs[k];
    const char *entry = (const char *)fc_catalog_info(cat, k, i);
    fputs("    {", o);
    bool first = true;
    for (size_t f = 0; f < kd->n_fields; f++) {
        const field_desc *fd = &kd->fields[f];
        const void *p = entry + fd->offset;
        const char *s = NULL;
        const fc_strlist *l = NULL;
        double d = 0;
        int n = 0;
        long ln = 0;
        bool b = false;
        switch (fd->type) {
        case FT_STR: memcpy(&s, p, sizeof s); if (!s) continue; break;
        case FT_LIST: l = p; if (!l->count) continue; break;
        case FT_DBL: memcpy(&d, p, sizeof d); if (d == 0 && !signbit(d)) continue; break;
        case FT_INT: case FT_ENUM: memcpy(&n, p, sizeof n); if (!n) continue; break;
        case FT_LONG: memcpy(&ln, p, sizeof ln); if (!ln) continue; break;
        case FT_BOOL: memcpy(&b, p, sizeof b); if (!b) continue; break;
        }
        fputs(first ? "\n        ." : ",\n        .", o);
        first = false;
        fprintf(o, "%s = ", fd->name);
        switch (fd->type) {
        case FT_STR: put_str(o, s); break;
        case FT_LIST:
            fputs("{ ", o);
            put_list_name(o, kd, i, fd);
            fprintf(o, ", %zu }", l->count);
            break;
        case FT_DBL: put_double(o, d); break;
        case FT_INT: case FT_ENUM: put_integer(o, n); break;
        case FT_LONG: put_integer(o, ln); break;
        case FT_BOOL: fputs("true", o); break;
        }
    }
    fputs(first ? "0 },\n" : " },\n", o);
}

static void put_kind(FILE *o, const fc_catalog *cat, fc_kind k)
{
    const kind_desc *kd = &kind_descs[k];
    size_t n = fc_catalog_count(cat, k);
    if (!n)
        return;
    fprintf(o, "/* ---- %s: %zu entries ---- */\n\n", kd->var, n);
    for (size_t i = 0; i < n; i++)
        put_arrays(o, cat, k, i);
    fprintf(o, "\nstatic const %s %s_entries[%zu] = {\n", kd->type, kd->var, n);
    for (size_t i = 0; i < n; i++)
        put_entry(o, cat, k, i);
    fprintf(o, "};\n\nstatic const fc_keyset %s_keys[%zu] = {\n", kd->var, n);
    for (size_t i = 0; i < n; i++) {
        if (fc__catalog_keys(cat, k, i).count)
            fprintf(o, "    { k_%s_%zu, %zu },\n", kd->var, i, fc__catalog_keys(cat, k, i).count);
        else
            fputs("    { NULL, 0 },\n", o);
    }
    fputs("};\n\n", o);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: embed OUT.c NAME=FILE...\n");
        return 2;
    }
    out_path = argv[1];
    g_cat = fc_catalog_new();
    const fc_catalog *cat = g_cat;
    fc_error err;
    if (!cat)
        die("out of memory");
    for (int i = 2; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            die("expected NAME=FILE, got %s", argv[i]);
        *eq = '\0';
        size_t len;
        char *buf = read_file(eq + 1, &len);
        fc_status st = fc_catalog_add_json(g_cat, buf, len, argv[i], &err);
        free(buf);
        if (st != FC_OK)
            die("%s", err.msg);
    }
    if (fc_catalog_validate(cat, &err) != FC_OK)
        die("%s", err.msg);

    /* every byte the loader set must be in a listed field */
    for (int k = 0; k < FC_KIND_COUNT; k++) {
        const kind_desc *kd = &kind_descs[k];
        unsigned char *mask = malloc(kd->size);
        if (!mask)
            die("out of memory");
        check_fields(kd, mask);
        for (size_t i = 0; i < fc_catalog_count(cat, (fc_kind)k); i++)
            check_entry(kd, mask, fc_catalog_info(cat, (fc_kind)k, i));
        free(mask);
    }

    /* write OUT.c.tmp, then rename: a failed run leaves no half file */
    size_t pl = strlen(out_path);
    char *tmp = malloc(pl + 5);
    if (!tmp)
        die("out of memory");
    memcpy(tmp, out_path, pl);
    memcpy(tmp + pl, ".tmp", 5);
    FILE *o = fopen(tmp, "w");
    if (!o)
        die("%s: cannot create", tmp);
    fputs("/* generated by tools/embed.c from", o);
    for (int i = 2; i < argc; i++)
        fprintf(o, " %s", argv[i]);
    fputs(": do not edit */\n#include <stdbool.h>\n#include <stddef.h>\n\n"
          "#include \"embedded.h\"\n\n", o);
    for (int k = 0; k < FC_KIND_COUNT; k++)
        put_kind(o, cat, (fc_kind)k);
    fputs("const fc_embedded_section fc_embedded_sections[FC_KIND_COUNT] = {\n", o);
    for (int k = 0; k < FC_KIND_COUNT; k++) {
        const kind_desc *kd = &kind_descs[k];
        size_t n = fc_catalog_count(cat, (fc_kind)k);
        if (n)
            fprintf(o, "    { %s, %s_entries, %s_keys, %zu },\n", kd->kind, kd->var, kd->var, n);
        else
            fprintf(o, "    { %s, NULL, NULL, 0 },\n", kd->kind);
    }
    fputs("};\n", o);
    if (ferror(o) | (fclose(o) != 0))
        die("%s: write error", tmp);
    if (rename(tmp, out_path) != 0)
        die("%s: cannot rename to %s", tmp, out_path);
    free(tmp);
    fc_catalog_free(g_cat);
    return 0;
}
