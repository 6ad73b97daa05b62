/* view.h - what a command shows, independent of the output format.
 *
 * A command fills a view with blocks (headings, paragraphs, key-value lists,
 * tables) for people, and a JSON document for programs; one renderer per
 * format (render_*.c) turns it into text. Cells carry both the text people
 * read and the raw value CSV writes. */
#ifndef FC_VIEW_H
#define FC_VIEW_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

typedef enum { CELL_EMPTY, CELL_TEXT, CELL_NUMBER } cell_kind;

typedef struct cell {
    cell_kind kind;
    char *text;    /* what people read ("59.7 t/s (Q5_K_M)") */
    char *raw;     /* CSV value for text cells; NULL = text */
    double num;    /* CSV value for number cells */
    int decimals;  /* CSV decimals for number cells */
    double bar;    /* 0..1: length of a bar drawn after the text (table output) */
    bool mark;     /* highlighted as the better value */
} cell;

typedef enum { BLOCK_HEADING, BLOCK_TEXT, BLOCK_KV, BLOCK_TABLE, BLOCK_CHART } block_kind;

typedef struct kv_item {
    char *label;
    char *key; /* CSV/JSON key */
    cell value;
    char *note; /* formula or comment shown after the value */
} kv_item;

typedef struct column {
    char *header;
    char *key;
    bool right; /* right-aligned (numbers) */
    bool bars;  /* draw the cells' bars */
    bool csv_only;  /* 'x': written by CSV only */
    bool view_only; /* 'v': shown to people only, not in CSV */
} column;

/* A bar chart (BLOCK_CHART): for each category (a model, a device) one bar per
 * series (compare: side A and side B; model: one). A value of 0 means the
 * category does not run on that side: drawn as an empty bar labelled with the
 * chart's `empty` text ("does not fit"). */
#define CHART_MAX_SERIES 2
typedef struct chart_bar {
    char *label;
    double value[CHART_MAX_SERIES]; /* > 0, or 0 = does not run */
    char *note[CHART_MAX_SERIES];   /* after the value ("Q4_K_M"), or NULL */
} chart_bar;

typedef struct block {
    block_kind kind;
    char *text; /* heading or paragraph */
    kv_item *items;
    int n_items, cap_items;
    column *cols;
    int n_cols;
    cell *cells; /* n_rows * n_cols */
    int n_rows, cap_rows;
    bool primary; /* the table CSV writes */
    /* charts */
    char *unit;  /* of the values ("tok/s") */
    char *empty; /* the label of a missing value */
    char *series[CHART_MAX_SERIES];
    int n_series;
    chart_bar *bars;
    int n_bars, cap_bars;
} block;

typedef struct view {
    block *blocks;
    int n_blocks, cap_blocks;
    cJSON *json; /* the document --format json prints */
    bool oom;
} view;

void view_init(view *v);
void view_free(view *v);

void view_heading(view *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void view_text(view *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* a key-value list; items are added to the last KV block */
block *view_kv(view *v, const char *title);
void kv_add_num(view *v, const char *label, const char *key, double num, int decimals,
                const char *unit, const char *note);
void kv_add_text(view *v, const char *label, const char *key, const char *text,
                 const char *note);

/* a table with n columns given as "Header|key|r" strings (r: right-aligned,
 * b: with bars, x: CSV only, v: not in CSV) */
block *view_table(view *v, const char *title, int n_cols, const char *const *spec);
cell *table_row(view *v, block *t); /* appends a row, returns its cells */

void cell_text(view *v, cell *c, const char *text);
void cell_textf(view *v, cell *c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cell_num(view *v, cell *c, double num, int decimals, const char *text);
void cell_raw(view *v, cell *c, const char *raw);

char *view_strdup(view *v, const char *s);

/* a bar chart of n_series (1 or 2) series named series_names[]; categories
 * are added with chart_add, one value per series (0, negative or not finite =
 * does not run) and an optional note per series (notes may be NULL) */
block *view_chart(view *v, const char *title, const char *unit, int n_series,
                  const char *const *series_names);
void chart_add(view *v, block *ch, const char *label, const double *values,
               const char *const *notes);
/* the label of a missing value, instead of "does not fit" */
void chart_empty_label(view *v, block *ch, const char *label);
bool view_has_chart(const view *v);
double chart_max(const block *ch); /* the largest value, 0 when none runs */
void chart_heading(char *buf, size_t n, const block *ch); /* "Title (tok/s)" */

/* renderers: return 0, or -1 on an output error */
typedef struct render_opts {
    bool unicode; /* box/bar characters */
    bool color;
} render_opts;

int render_table(FILE *out, const view *v, const render_opts *o);
int render_markdown(FILE *out, const view *v, const render_opts *o);
int render_csv(FILE *out, const view *v, const render_opts *o);
int render_json(FILE *out, const view *v, const render_opts *o);
int render_svg(FILE *out, const view *v, const render_opts *o);  /* the charts only */
int render_html(FILE *out, const view *v, const render_opts *o); /* the whole view */

/* pieces the renderers share */
#define CHART_WIDTH 40 /* cells of the longest bar in a text chart */
/* the bars of a text chart (table and Markdown output), without its title */
void chart_text(FILE *out, const block *ch, const render_opts *o);
/* one chart as an <svg> element of svg_chart_size(): placed at (0, y) inside
 * the SVG document (nested, with its title drawn), or on its own inline in an
 * HTML page (the page's section heading is its title) */
void svg_chart_size(const block *ch, bool nested, int *width, int *height);
void svg_chart(FILE *out, const block *ch, bool nested, int y);
/* XML/HTML text and attribute values: & < > " ' escaped, control
 * characters other than tab and newline dropped, bytes that are not valid
 * UTF-8 replaced by U+FFFD */
void xml_escape(FILE *out, const char *s);

/* number formatting shared by commands */
void fmt_tps(char *buf, size_t n, double tps);       /* "59.7" */
void fmt_gib(char *buf, size_t n, double bytes);     /* "14.96 GiB" */
double round_to(double x, int decimals);

/* JSON helpers: numbers rounded to a fixed number of decimals */
cJSON *json_num(cJSON *obj, const char *key, double v, int decimals);
cJSON *json_str(cJSON *obj, const char *key, const char *s); /* NULL -> null */

#endif
