/* render_csv.c - CSV output through libcsv: the view's primary table, or its
 * key-value items as one record. Text is always quoted, numbers never are. */
#include <csv.h>
#include <string.h>

#include "view.h"

static void csv_field(FILE *out, const cell *c)
{
    if (c->kind == CELL_NUMBER) {
        fprintf(out, "%.*f", c->decimals, round_to(c->num, c->decimals));
        return;
    }
    const char *s = c->raw ? c->raw : (c->text ? c->text : "");
    if (c->kind == CELL_EMPTY && !c->raw)
        return;
    csv_fwrite(out, s, strlen(s));
}

static void csv_name(FILE *out, const char *s)
{
    csv_fwrite(out, s, strlen(s));
}

int render_csv(FILE *out, const view *v, const render_opts *o)
{
    (void)o;
    const block *t = NULL;
    for (int i = 0; i < v->n_blocks; i++)
        if (v->blocks[i].kind == BLOCK_TABLE && (!t || v->blocks[i].primary)) {
            if (!t || (v->blocks[i].primary && !t->primary))
                t = &v->blocks[i];
        }
    if (t) {
        int first = 1;
        for (int j = 0; j < t->n_cols; j++) {
            if (t->cols[j].view_only)
                continue;
            if (!first)
                fputc(',', out);
            first = 0;
            csv_name(out, t->cols[j].key);
        }
        fputc('\n', out);
        for (int r = 0; r < t->n_rows; r++) {
            first = 1;
            for (int j = 0; j < t->n_cols; j++) {
                if (t->cols[j].view_only)
                    continue;
                if (!first)
                    fputc(',', out);
                first = 0;
                csv_field(out, &t->cells[r * t->n_cols + j]);
            }
            fputc('\n', out);
        }
        return ferror(out) ? -1 : 0;
    }
    /* no table: every key-value item, as one header and one record */
    int first = 1;
    for (int i = 0; i < v->n_blocks; i++)
        for (int j = 0; j < v->blocks[i].n_items; j++) {
            if (!v->blocks[i].items[j].key)
                continue;
            if (!first)
                fputc(',', out);
            first = 0;
            csv_name(out, v->blocks[i].items[j].key);
        }
    fputc('\n', out);
    first = 1;
    for (int i = 0; i < v->n_blocks; i++)
        for (int j = 0; j < v->blocks[i].n_items; j++) {
            if (!v->blocks[i].items[j].key)
                continue;
            if (!first)
                fputc(',', out);
            first = 0;
            csv_field(out, &v->blocks[i].items[j].value);
        }
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}
