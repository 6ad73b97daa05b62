/* render_html.c - the whole view as one self-contained HTML page: inline CSS,
 * charts as inline SVG (drawn by render_svg.c), every table as a <table>; no
 * scripts, no fonts, images or anything else fetched from the network. The
 * look is that of hardware comparison sites: a dark header with the title and
 * the lead paragraphs (compare's quick verdict), then one card per section. */
#include <string.h>

#include "view.h"

static const char css[] =
    ":root{--a:#2f6db5;--b:#e0802f;--ink:#1d2330;--mute:#5b6472;--line:#dfe3ea;--bg:#f3f5f8}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--ink);"
    "font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif}\n"
    "header.page{background:#1d2330;color:#fff;padding:28px 32px 24px}\n"
    "header.page h1{margin:0 0 14px;font-size:26px;line-height:1.25;max-width:1100px}\n"
    "header.page .dev{display:inline-block;padding:2px 12px;border-radius:6px;"
    "border-bottom:4px solid var(--a);background:#2a3242}\n"
    "header.page .dev+.vs+.dev{border-bottom-color:var(--b)}\n"
    "header.page .vs{color:#9aa3b2;font-weight:400;font-size:18px;margin:0 .5em}\n"
    "header.page p{margin:8px 0 0;max-width:1100px;background:#fff;color:var(--ink);"
    "border-left:5px solid var(--a);border-radius:4px;padding:10px 16px}\n"
    "main{max-width:1160px;margin:0 auto;padding:8px 24px 32px}\n"
    "section{background:#fff;border:1px solid var(--line);border-radius:8px;"
    "padding:16px 20px;margin:18px 0;overflow-x:auto}\n"
    "h2{font-size:19px;margin:18px 0 10px}\n"
    "section h2{margin-top:0}\n"
    "table{border-collapse:collapse;width:100%;font-size:14px}\n"
    "th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:left;"
    "vertical-align:top}\n"
    "thead th{background:#eef1f5;font-weight:600;white-space:nowrap}\n"
    "tbody tr:nth-child(even) td,tbody tr:nth-child(even) th{background:#fafbfc}\n"
    "tbody th{font-weight:500}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".better{color:#17803d;font-weight:600}\n"
    ".note{color:var(--mute)}\n"
    ".bar{display:inline-block;width:90px;height:9px;margin-left:8px;background:#eef1f5;"
    "vertical-align:middle}\n"
    ".bar span{display:block;height:100%;background:var(--a)}\n"
    "figure{margin:0}\n"
    "figure svg{display:block;max-width:100%;height:auto}\n"
    "main>p{color:var(--mute);font-size:14px}\n"
    "p.lines{white-space:pre-wrap}\n"
    "footer{max-width:1160px;margin:0 auto;padding:0 24px 32px;color:var(--mute);"
    "font-size:12px}\n"
    "@media print{body{background:#fff;font-size:12px}"
    "header.page{background:#fff;color:#000;padding:0 0 8px;border-bottom:2px solid #000}"
    "header.page .dev{background:none;padding:0}"
    "header.page p{border:1px solid #999;border-left-width:5px}"
    "main{max-width:none;padding:0}"
    "section{border:none;border-radius:0;padding:0;overflow:visible}"
    "figure,tr{break-inside:avoid}h2{break-after:avoid}}\n";

static void text(FILE *out, const char *s) { xml_escape(out, s ? s : ""); }

/* "A vs B": each side in a box of its series colour, as the charts draw it */
static void title(FILE *out, const char *s)
{
    const char *vs = s ? strstr(s, " vs ") : NULL;
    if (!vs || strstr(vs + 4, " vs ")) {
        text(out, s);
        return;
    }
    char a[512];
    snprintf(a, sizeof a, "%.*s", (int)(vs - s), s);
    fputs("<span class=\"dev\">", out);
    text(out, a);
    fputs("</span><span class=\"vs\">vs</span><span class=\"dev\">", out);
    text(out, vs + 4);
    fputs("</span>", out);
}

static void cell_html(FILE *out, const cell *c, bool bars)
{
    text(out, c->text);
    if (c->mark)
        fputs(" \u2713", out);
    if (bars && c->kind == CELL_NUMBER) {
        double f = c->bar < 0 ? 0 : c->bar > 1 ? 1 : c->bar;
        fprintf(out, "<span class=\"bar\"><span style=\"width:%.1f%%\"></span></span>",
                round_to(f * 100, 1));
    }
}

static void td(FILE *out, const cell *c, bool right, bool bars)
{
    fputs("<td", out);
    if (right || c->mark)
        fprintf(out, " class=\"%s%s%s\"", right ? "num" : "", right && c->mark ? " " : "",
                c->mark ? "better" : "");
    fputc('>', out);
    cell_html(out, c, bars);
    fputs("</td>", out);
}

static void section_title(FILE *out, const char *s)
{
    if (!s)
        return;
    fputs("<h2>", out);
    text(out, s);
    fputs("</h2>\n", out);
}

static void table_html(FILE *out, const block *b)
{
    fputs("<section>\n", out);
    section_title(out, b->text);
    fputs("<table>\n<thead><tr>", out);
    for (int j = 0; j < b->n_cols; j++) {
        if (b->cols[j].csv_only)
            continue;
        fprintf(out, "<th scope=\"col\"%s>", b->cols[j].right ? " class=\"num\"" : "");
        text(out, b->cols[j].header);
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    for (int r = 0; r < b->n_rows; r++) {
        fputs("<tr>", out);
        for (int j = 0; j < b->n_cols; j++)
            if (!b->cols[j].csv_only)
                td(out, &b->cells[r * b->n_cols + j], b->cols[j].right, b->cols[j].bars);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
}

static void kv_html(FILE *out, const block *b)
{
    fputs("<section>\n", out);
    section_title(out, b->text);
    fputs("<table class=\"kv\">\n<tbody>\n", out);
    for (int i = 0; i < b->n_items; i++) {
        const kv_item *it = &b->items[i];
        fputs("<tr><th scope=\"row\">", out);
        text(out, it->label);
        fputs("</th>", out);
        td(out, &it->value, true, false);
        fputs("<td class=\"note\">", out);
        text(out, it->note);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
}

static void chart_html(FILE *out, const block *b)
{
    char t[512];
    chart_heading(t, sizeof t, b);
    fputs("<section class=\"chart\">\n", out);
    section_title(out, t);
    fputs("<figure>\n", out);
    svg_chart(out, b, false, 0);
    fputs("</figure>\n</section>\n", out);
}

int render_html(FILE *out, const view *v, const render_opts *o)
{
    (void)o;
    /* the page's title: the view's first heading, in the header with the
     * paragraphs that follow it directly */
    int i = 0;
    const char *heading = v->n_blocks > 0 && v->blocks[0].kind == BLOCK_HEADING
                              ? v->blocks[0].text
                              : NULL;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"fitcheck ", out);
    fputs(FITCHECK_VERSION "\">\n<title>", out);
    text(out, heading ? heading : "fitcheck");
    fputs("</title>\n<style>\n", out);
    fputs(css, out);
    fputs("</style>\n</head>\n<body>\n", out);
    if (heading) {
        fputs("<header class=\"page\">\n<h1>", out);
        title(out, heading);
        fputs("</h1>\n", out);
        for (i = 1; i < v->n_blocks && v->blocks[i].kind == BLOCK_TEXT; i++) {
            fputs("<p>", out);
            text(out, v->blocks[i].text);
            fputs("</p>\n", out);
        }
        fputs("</header>\n", out);
    }
    fputs("<main>\n", out);
    for (; i < v->n_blocks; i++) {
        const block *b = &v->blocks[i];
        switch (b->kind) {
        case BLOCK_HEADING: section_title(out, b->text); break;
        case BLOCK_TEXT:
            /* keep the line breaks of a text that has them */
            fputs(b->text && strchr(b->text, '\n') ? "<p class=\"lines\">" : "<p>", out);
            text(out, b->text);
            fputs("</p>\n", out);
            break;
        case BLOCK_KV: kv_html(out, b); break;
        case BLOCK_TABLE: table_html(out, b); break;
        case BLOCK_CHART: chart_html(out, b); break;
        }
    }
    fputs("</main>\n<footer>Made by fitcheck " FITCHECK_VERSION
          ". Speeds and sizes are estimates from a model of the hardware, not "
          "measurements.</footer>\n</body>\n</html>\n",
          out);
    return ferror(out) ? -1 : 0;
}
