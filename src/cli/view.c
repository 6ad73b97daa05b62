/* view.c - building views: blocks, cells and the JSON helpers. */
#define _POSIX_C_SOURCE 200809L
#include "view.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void view_init(view *v)
{
    memset(v, 0, sizeof *v);
    v->json = cJSON_CreateObject();
    if (!v->json)
        v->oom = true;
}

static void cell_free(cell *c)
{
    free(c->text);
    free(c->raw);
}

void view_free(view *v)
{
    for (int i = 0; i < v->n_blocks; i++) {
        block *b = &v->blocks[i];
        free(b->text);
        for (int j = 0; j < b->n_items; j++) {
            free(b->items[j].label);
            free(b->items[j].key);
            free(b->items[j].note);
            cell_free(&b->items[j].value);
        }
        free(b->items);
        for (int j = 0; j < b->n_cols; j++) {
            free(b->cols[j].header);
            free(b->cols[j].key);
        }
        free(b->cols);
        for (int j = 0; j < b->n_rows * b->n_cols; j++)
            cell_free(&b->cells[j]);
        free(b->cells);
        free(b->unit);
        free(b->empty);
        for (int j = 0; j < CHART_MAX_SERIES; j++)
            free(b->series[j]);
        for (int j = 0; j < b->n_bars; j++) {
            free(b->bars[j].label);
            for (int k = 0; k < CHART_MAX_SERIES; k++)
                free(b->bars[j].note[k]);
        }
        free(b->bars);
    }
    free(v->blocks);
    cJSON_Delete(v->json);
    memset(v, 0, sizeof *v);
}

char *view_strdup(view *v, const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        v->oom = true;
    return d;
}

/* Make room for one more element of `elem` bytes in a growable array whose
 * capacity doubles; returns the (possibly moved) array, or NULL with v->oom
 * set when out of memory (the old array is left as it was). */
static void *grow(view *v, void *items, int *cap, int count, size_t elem, int first)
{
    if (count < *cap)
        return items;
    int ncap = *cap ? *cap * 2 : first;
    void *n = realloc(items, (size_t)ncap * elem);
    if (!n) {
        v->oom = true;
        return NULL;
    }
    *cap = ncap;
    return n;
}

static block *add_block(view *v, block_kind kind)
{
    block *blocks = grow(v, v->blocks, &v->cap_blocks, v->n_blocks, sizeof *blocks, 16);
    if (!blocks)
        return NULL;
    v->blocks = blocks;
    block *b = &v->blocks[v->n_blocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static char *vfmt(view *v, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static char *vfmt(view *v, const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    return view_strdup(v, buf);
}

void view_heading(view *v, const char *fmt, ...)
{
    block *b = add_block(v, BLOCK_HEADING);
    if (!b)
        return;
    va_list ap;
    va_start(ap, fmt);
    b->text = vfmt(v, fmt, ap);
    va_end(ap);
}

void view_text(view *v, const char *fmt, ...)
{
    block *b = add_block(v, BLOCK_TEXT);
    if (!b)
        return;
    va_list ap;
    va_start(ap, fmt);
    b->text = vfmt(v, fmt, ap);
    va_end(ap);
}

block *view_kv(view *v, const char *title)
{
    block *b = add_block(v, BLOCK_KV);
    if (b)
        b->text = view_strdup(v, title);
    return b;
}

static kv_item *kv_new(view *v)
{
    block *b = NULL;
    for (int i = v->n_blocks - 1; i >= 0; i--)
        if (v->blocks[i].kind == BLOCK_KV) {
            b = &v->blocks[i];
            break;
        }
    if (!b && !(b = view_kv(v, NULL)))
        return NULL;
    kv_item *items = grow(v, b->items, &b->cap_items, b->n_items, sizeof *items, 16);
    if (!items)
        return NULL;
    b->items = items;
    kv_item *it = &b->items[b->n_items++];
    memset(it, 0, sizeof *it);
    return it;
}

void kv_add_num(view *v, const char *label, const char *key, double num, int decimals,
                const char *unit, const char *note)
{
    kv_item *it = kv_new(v);
    if (!it)
        return;
    it->label = view_strdup(v, label);
    it->key = view_strdup(v, key);
    it->note = view_strdup(v, note);
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f%s%s", decimals, round_to(num, decimals), unit ? " " : "",
             unit ? unit : "");
    cell_num(v, &it->value, num, decimals, buf);
}

void kv_add_text(view *v, const char *label, const char *key, const char *text,
                 const char *note)
{
    kv_item *it = kv_new(v);
    if (!it)
        return;
    it->label = view_strdup(v, label);
    it->key = view_strdup(v, key);
    it->note = view_strdup(v, note);
    cell_text(v, &it->value, text);
}

block *view_table(view *v, const char *title, int n_cols, const char *const *spec)
{
    block *b = add_block(v, BLOCK_TABLE);
    if (!b)
        return NULL;
    b->text = view_strdup(v, title);
    b->cols = calloc((size_t)n_cols, sizeof *b->cols);
    if (!b->cols) {
        v->oom = true;
        return b;
    }
    b->n_cols = n_cols;
    for (int i = 0; i < n_cols; i++) {
        char tmp[128];
        snprintf(tmp, sizeof tmp, "%s", spec[i]);
        char *key = strchr(tmp, '|');
        char *flags = NULL;
        if (key) {
            *key++ = '\0';
            flags = strchr(key, '|');
            if (flags)
                *flags++ = '\0';
        }
        b->cols[i].header = view_strdup(v, tmp);
        b->cols[i].key = view_strdup(v, key ? key : tmp);
        b->cols[i].right = flags && strchr(flags, 'r');
        b->cols[i].bars = flags && strchr(flags, 'b');
        b->cols[i].csv_only = flags && strchr(flags, 'x');
        b->cols[i].view_only = flags && strchr(flags, 'v');
    }
    return b;
}

cell *table_row(view *v, block *t)
{
    if (!t || !t->cols)
        return NULL;
    cell *cells = grow(v, t->cells, &t->cap_rows, t->n_rows, (size_t)t->n_cols * sizeof *cells, 32);
    if (!cells)
        return NULL;
    t->cells = cells;
    cell *row = &t->cells[t->n_rows * t->n_cols];
    memset(row, 0, (size_t)t->n_cols * sizeof *row);
    t->n_rows++;
    return row;
}

block *view_chart(view *v, const char *title, const char *unit, int n_series,
                  const char *const *series_names)
{
    block *b = add_block(v, BLOCK_CHART);
    if (!b)
        return NULL;
    b->text = view_strdup(v, title);
    b->unit = view_strdup(v, unit);
    b->empty = view_strdup(v, "does not fit");
    b->n_series = n_series < 1 ? 1 : n_series > CHART_MAX_SERIES ? CHART_MAX_SERIES : n_series;
    for (int k = 0; k < b->n_series; k++)
        b->series[k] = view_strdup(v, series_names ? series_names[k] : NULL);
    return b;
}

void chart_add(view *v, block *ch, const char *label, const double *values,
               const char *const *notes)
{
    if (!ch || ch->kind != BLOCK_CHART)
        return;
    chart_bar *bars = grow(v, ch->bars, &ch->cap_bars, ch->n_bars, sizeof *bars, 16);
    if (!bars)
        return;
    ch->bars = bars;
    chart_bar *bar = &ch->bars[ch->n_bars++];
    memset(bar, 0, sizeof *bar);
    bar->label = view_strdup(v, label ? label : "");
    for (int k = 0; k < ch->n_series; k++) {
        double x = values ? values[k] : 0;
        bar->value[k] = isfinite(x) && x > 0 ? x : 0;
        bar->note[k] = notes && notes[k] && notes[k][0] ? view_strdup(v, notes[k]) : NULL;
    }
}

void chart_empty_label(view *v, block *ch, const char *label)
{
    char *copy = view_strdup(v, label);
    if (!copy)
        return;
    free(ch->empty);
    ch->empty = copy;
}

bool view_has_chart(const view *v)
{
    for (int i = 0; i < v->n_blocks; i++)
        if (v->blocks[i].kind == BLOCK_CHART)
            return true;
    return false;
}

double chart_max(const block *ch)
{
    double m = 0;
    for (int i = 0; i < ch->n_bars; i++)
        for (int k = 0; k < ch->n_series; k++)
            if (ch->bars[i].value[k] > m)
                m = ch->bars[i].value[k];
    return m;
}

void chart_heading(char *buf, size_t n, const block *ch)
{
    if (ch->unit && ch->unit[0])
        snprintf(buf, n, "%s (%s)", ch->text ? ch->text : "", ch->unit);
    else
        snprintf(buf, n, "%s", ch->text ? ch->text : "");
}

void cell_text(view *v, cell *c, const char *text)
{
    if (!c)
        return;
    free(c->text);
    c->kind = text ? CELL_TEXT : CELL_EMPTY;
    c->text = view_strdup(v, text);
}

void cell_textf(view *v, cell *c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cell_text(v, c, buf);
}

void cell_num(view *v, cell *c, double num, int decimals, const char *text)
{
    if (!c)
        return;
    free(c->text);
    c->kind = CELL_NUMBER;
    c->num = isfinite(num) ? num : 0.0;
    c->decimals = decimals;
    if (text) {
        c->text = view_strdup(v, text);
    } else {
        char buf[64];
        snprintf(buf, sizeof buf, "%.*f", decimals, round_to(c->num, decimals));
        c->text = view_strdup(v, buf);
    }
}

void cell_raw(view *v, cell *c, const char *raw)
{
    if (!c)
        return;
    free(c->raw);
    c->raw = view_strdup(v, raw);
}

double round_to(double x, int decimals)
{
    if (!isfinite(x))
        return 0.0;
    double p = pow(10.0, decimals);
    double r = round(x * p) / p;
    return r == 0.0 ? 0.0 : r; /* no "-0" */
}

void fmt_tps(char *buf, size_t n, double tps)
{
    if (!isfinite(tps) || tps <= 0)
        snprintf(buf, n, "-");
    else if (tps >= 1000)
        snprintf(buf, n, "%.0f", tps);
    else if (tps >= 0.1)
        snprintf(buf, n, "%.1f", tps);
    else
        snprintf(buf, n, "%.2f", tps);
}

void fmt_gib(char *buf, size_t n, double bytes)
{
    double g = bytes / 1073741824.0;
    if (!isfinite(g) || g < 0)
        g = 0;
    if (g >= 100)
        snprintf(buf, n, "%.0f GiB", g);
    else
        snprintf(buf, n, "%.2f GiB", g);
}

cJSON *json_num(cJSON *obj, const char *key, double v, int decimals)
{
    return cJSON_AddNumberToObject(obj, key, round_to(v, decimals));
}

cJSON *json_str(cJSON *obj, const char *key, const char *s)
{
    return s ? cJSON_AddStringToObject(obj, key, s) : cJSON_AddNullToObject(obj, key);
}
