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

typedef enum { BLOCK_HEADING, BLOCK_TEXT, BLOCK_KV, BLOCK_TABLE } block_kind;

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

/* renderers: return 0, or -1 on an output error */
typedef struct render_opts {
    bool unicode; /* box/bar characters */
    bool color;
} render_opts;

int render_table(FILE *out, const view *v, const render_opts *o);
int render_markdown(FILE *out, const view *v, const render_opts *o);
int render_csv(FILE *out, const view *v, const render_opts *o);
int render_json(FILE *out, const view *v, const render_opts *o);

/* number formatting shared by commands */
void fmt_tps(char *buf, size_t n, double tps);       /* "59.7" */
void fmt_gib(char *buf, size_t n, double bytes);     /* "14.96 GiB" */
double round_to(double x, int decimals);

/* JSON helpers: numbers rounded to a fixed number of decimals */
cJSON *json_num(cJSON *obj, const char *key, double v, int decimals);
cJSON *json_str(cJSON *obj, const char *key, const char *s); /* NULL -> null */

#endif
