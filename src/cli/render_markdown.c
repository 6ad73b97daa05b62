/* render_markdown.c - GitHub-flavoured Markdown output. */
#include "view.h"

/* table cells must not break the row: escape pipes, drop newlines */
static void md_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '\n')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

static void md_cell(FILE *out, const cell *c)
{
    if (c->mark)
        fputs("**", out);
    md_text(out, c->text ? c->text : "");
    if (c->mark)
        fputs("**", out);
}

int render_markdown(FILE *out, const view *v, const render_opts *o)
{
    int headings = 0;
    for (int i = 0; i < v->n_blocks; i++) {
        const block *b = &v->blocks[i];
        if (i > 0)
            fputc('\n', out);
        switch (b->kind) {
        case BLOCK_HEADING:
            fputs(headings++ == 0 ? "# " : "## ", out);
            md_text(out, b->text);
            fputc('\n', out);
            break;
        case BLOCK_TEXT:
            md_text(out, b->text);
            fputc('\n', out);
            break;
        case BLOCK_KV:
            if (b->text) {
                fputs("### ", out);
                md_text(out, b->text);
                fputs("\n\n", out);
            }
            fputs("| | | |\n|---|--:|---|\n", out);
            for (int j = 0; j < b->n_items; j++) {
                fputs("| ", out);
                md_text(out, b->items[j].label);
                fputs(" | ", out);
                md_cell(out, &b->items[j].value);
                fputs(" | ", out);
                md_text(out, b->items[j].note ? b->items[j].note : "");
                fputs(" |\n", out);
            }
            break;
        case BLOCK_TABLE:
            if (b->text) {
                fputs("### ", out);
                md_text(out, b->text);
                fputs("\n\n", out);
            }
            fputc('|', out);
            for (int j = 0; j < b->n_cols; j++) {
                if (b->cols[j].csv_only)
                    continue;
                fputc(' ', out);
                md_text(out, b->cols[j].header);
                fputs(" |", out);
            }
            fputs("\n|", out);
            for (int j = 0; j < b->n_cols; j++)
                if (!b->cols[j].csv_only)
                    fputs(b->cols[j].right ? "---:|" : "---|", out);
            fputc('\n', out);
            for (int r = 0; r < b->n_rows; r++) {
                fputc('|', out);
                for (int j = 0; j < b->n_cols; j++) {
                    if (b->cols[j].csv_only)
                        continue;
                    fputc(' ', out);
                    md_cell(out, &b->cells[r * b->n_cols + j]);
                    fputs(" |", out);
                }
                fputc('\n', out);
            }
            break;
        case BLOCK_CHART: {
            /* the text chart in a fenced block: monospace on GitHub, so the
             * bars line up; never coloured */
            char title[512];
            chart_heading(title, sizeof title, b);
            fputs("### ", out);
            md_text(out, title);
            fputs("\n\n```text\n", out);
            render_opts plain = { .unicode = o->unicode, .color = false };
            chart_text(out, b, &plain);
            fputs("```\n", out);
            break;
        }
        }
    }
    return ferror(out) ? -1 : 0;
}
