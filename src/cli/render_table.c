/* render_table.c - aligned plain-text output for terminals (the default). */
#include <string.h>

#include "view.h"

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define GREEN "\033[32m"
#define RESET "\033[0m"
#define BAR_WIDTH 16

/* display width of UTF-8 text: code points, not bytes */
static int width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        if ((*p & 0xC0) != 0x80)
            w++;
    return w;
}

static void pad(FILE *out, int n)
{
    static const char spaces[] = "                                "; /* 32 */
    for (; n > 0; n -= 32)
        fwrite(spaces, 1, n < 32 ? (size_t)n : 32, out);
}

static void rule(FILE *out, int n, const render_opts *o)
{
    for (int i = 0; i < n; i++)
        fputs(o->unicode ? "\u2500" : "-", out);
    fputc('\n', out);
}

static int bar_width(double frac) { return (int)(frac * BAR_WIDTH * 8 + 0.5); }

/* U+2588 FULL BLOCK and the left eighths U+258F (one eighth) to U+2589 (seven) */
static const char *const eighths[] = { "", "\u258F", "\u258E", "\u258D", "\u258C",
                                       "\u258B", "\u258A", "\u2589" };

static void draw_bar(FILE *out, double frac, const render_opts *o)
{
    if (frac < 0)
        frac = 0;
    if (frac > 1)
        frac = 1;
    int units = bar_width(frac);
    if (o->unicode) {
        for (int i = 0; i < units / 8; i++)
            fputs("\u2588", out);
        fputs(eighths[units % 8], out);
    } else {
        for (int i = 0; i < (units + 4) / 8; i++)
            fputc('#', out);
    }
}

static const char *cell_str(const cell *c) { return c->text ? c->text : ""; }

static int cell_width(const cell *c, const render_opts *o)
{
    return width(cell_str(c)) + (c->mark ? (o->unicode ? 2 : 2) : 0);
}

static void print_cell(FILE *out, const cell *c, const render_opts *o)
{
    if (c->mark && o->color)
        fputs(GREEN, out);
    fputs(cell_str(c), out);
    if (c->mark)
        fputs(o->unicode ? " \u2713" : " *", out);
    if (c->mark && o->color)
        fputs(RESET, out);
}

static void print_table(FILE *out, const block *b, const render_opts *o)
{
    int w[64], vis[64], nv = 0;
    for (int j = 0; j < b->n_cols && nv < 64; j++)
        if (!b->cols[j].csv_only)
            vis[nv++] = j;
    int total = 0;
    for (int k = 0; k < nv; k++) {
        int j = vis[k];
        w[k] = width(b->cols[j].header);
        for (int i = 0; i < b->n_rows; i++) {
            int cw = cell_width(&b->cells[i * b->n_cols + j], o);
            if (cw > w[k])
                w[k] = cw;
        }
        total += w[k] + (k ? 2 : 0) + (b->cols[j].bars ? BAR_WIDTH + 1 : 0);
    }
    if (b->text)
        fprintf(out, "%s%s%s\n", o->color ? BOLD : "", b->text, o->color ? RESET : "");
    for (int k = 0; k < nv; k++) {
        const column *col = &b->cols[vis[k]];
        if (k)
            fputs("  ", out);
        int gap = w[k] - width(col->header);
        if (col->right)
            pad(out, gap);
        fputs(col->header, out);
        if (k < nv - 1) {
            if (!col->right)
                pad(out, gap);
            if (col->bars)
                pad(out, BAR_WIDTH + 1);
        }
    }
    fputc('\n', out);
    rule(out, total, o);
    for (int i = 0; i < b->n_rows; i++) {
        for (int k = 0; k < nv; k++) {
            const column *col = &b->cols[vis[k]];
            const cell *c = &b->cells[i * b->n_cols + vis[k]];
            if (k)
                fputs("  ", out);
            int gap = w[k] - cell_width(c, o);
            if (col->right)
                pad(out, gap);
            print_cell(out, c, o);
            if (col->bars) {
                fputc(' ', out);
                if (!col->right)
                    pad(out, gap);
                draw_bar(out, c->bar, o);
                if (k < nv - 1)
                    pad(out, BAR_WIDTH - (o->unicode ? (bar_width(c->bar) + 7) / 8
                                                      : (bar_width(c->bar) + 4) / 8));
            } else if (k < nv - 1 && !col->right) {
                pad(out, gap);
            }
        }
        fputc('\n', out);
    }
}

/* A text bar chart: one line per category and series,
 *   label  [series]  bar value (note)
 * bars scaled to the largest value: CHART_WIDTH cells long for it, the others
 * in proportion, in eighths of a cell with Unicode blocks or in whole cells of
 * '#' in ASCII; a value that does not run shows the chart's `empty` text. */
void chart_text(FILE *out, const block *ch, const render_opts *o)
{
    static const char *const series_color[] = { "\033[36m", "\033[33m" }; /* cyan, yellow */
    double max = chart_max(ch);
    int lw = 0, sw = 0;
    for (int i = 0; i < ch->n_bars; i++)
        if (width(ch->bars[i].label) > lw)
            lw = width(ch->bars[i].label);
    if (ch->n_series > 1)
        for (int k = 0; k < ch->n_series; k++)
            if (ch->series[k] && width(ch->series[k]) > sw)
                sw = width(ch->series[k]);
    if (ch->n_bars == 0)
        fputs("(none)\n", out);
    for (int i = 0; i < ch->n_bars; i++) {
        const chart_bar *bar = &ch->bars[i];
        for (int k = 0; k < ch->n_series; k++) {
            const char *label = k == 0 ? bar->label : "";
            fputs(label, out);
            pad(out, lw - width(label) + 2);
            if (ch->n_series > 1) {
                const char *name = ch->series[k] ? ch->series[k] : "";
                fputs(name, out);
                pad(out, sw - width(name) + 2);
            }
            double x = bar->value[k];
            if (!(x > 0) || !(max > 0)) {
                fprintf(out, "%s%s%s\n", o->color ? DIM : "", ch->empty ? ch->empty : "-",
                        o->color ? RESET : "");
                continue;
            }
            double frac = x / max > 1 ? 1 : x / max;
            if (o->color)
                fputs(series_color[k % 2], out);
            if (o->unicode) {
                int units = (int)(frac * CHART_WIDTH * 8 + 0.5);
                for (int j = 0; j < units / 8; j++)
                    fputs("\u2588", out);
                fputs(eighths[units % 8], out);
            } else {
                int cells = (int)(frac * CHART_WIDTH + 0.5);
                for (int j = 0; j < cells; j++)
                    fputc('#', out);
            }
            if (o->color)
                fputs(RESET, out);
            char t[32];
            fmt_tps(t, sizeof t, x);
            fprintf(out, " %s", t);
            if (bar->note[k])
                fprintf(out, " (%s)", bar->note[k]);
            fputc('\n', out);
        }
    }
}

static void print_kv(FILE *out, const block *b, const render_opts *o)
{
    int lw = 0, vw = 0;
    for (int i = 0; i < b->n_items; i++) {
        int l = width(b->items[i].label);
        int v = cell_width(&b->items[i].value, o);
        if (l > lw)
            lw = l;
        if (v > vw)
            vw = v;
    }
    if (b->text)
        fprintf(out, "%s%s%s\n", o->color ? BOLD : "", b->text, o->color ? RESET : "");
    for (int i = 0; i < b->n_items; i++) {
        const kv_item *it = &b->items[i];
        fputs("  ", out);
        fputs(it->label, out);
        pad(out, lw - width(it->label) + 2);
        print_cell(out, &it->value, o);
        if (it->note && it->note[0]) {
            pad(out, vw - cell_width(&it->value, o) + 2);
            fprintf(out, "%s%s%s", o->color ? DIM : "", it->note, o->color ? RESET : "");
        }
        fputc('\n', out);
    }
}

int render_table(FILE *out, const view *v, const render_opts *o)
{
    for (int i = 0; i < v->n_blocks; i++) {
        const block *b = &v->blocks[i];
        if (i > 0 && (b->kind == BLOCK_HEADING || b->kind == BLOCK_TABLE ||
                      b->kind == BLOCK_CHART ||
                      (b->kind == BLOCK_KV && b->text)))
            fputc('\n', out);
        switch (b->kind) {
        case BLOCK_HEADING:
            fprintf(out, "%s%s%s\n", o->color ? BOLD : "", b->text, o->color ? RESET : "");
            break;
        case BLOCK_TEXT: fprintf(out, "%s\n", b->text); break;
        case BLOCK_KV: print_kv(out, b, o); break;
        case BLOCK_TABLE: print_table(out, b, o); break;
        case BLOCK_CHART: {
            char title[512];
            chart_heading(title, sizeof title, b);
            fprintf(out, "%s%s%s\n", o->color ? BOLD : "", title, o->color ? RESET : "");
            chart_text(out, b, o);
            break;
        }
        }
    }
    return ferror(out) ? -1 : 0;
}
