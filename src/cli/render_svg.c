/* render_svg.c - the view's charts as one self-contained SVG document, and
 * the chart drawing the HTML page reuses for its inline charts.
 *
 * A chart is drawn as grouped horizontal bars: the category labels on the
 * left, one bar per series in each group, the value and its note after the
 * bar, a legend when there are two series, and an axis with "nice" ticks
 * (steps of 1, 2, 2.5 or 5 times a power of ten) underneath. Everything is
 * written with presentation attributes (no CSS, no fonts, no images, no
 * links), coordinates with at most two decimals, so the same view always
 * gives the same bytes. */
#include <math.h>
#include <string.h>

#include "view.h"

#define SVG_W 860       /* width of a chart and of the document */
#define PAD 16          /* margin around a chart */
#define CHAR_W 6.6      /* average advance of a 12px sans-serif character (an estimate) */
#define LABEL_MIN 120   /* width of the label column, at least */
#define LABEL_CHARS 42  /* longer labels are cut, with an ellipsis */
#define VALUE_W 140     /* room right of the longest bar for its value */
#define BAR_H 16
#define BAR_GAP 2       /* between the bars of one category */
#define GROUP_GAP 10    /* between categories */
#define TITLE_H 28
#define LEGEND_H 22
#define AXIS_H 40       /* tick labels and the unit under the plot */
#define DOC_TITLE_H 36  /* the view's heading above the charts (document only) */
#define DOC_FOOT_H 24

static const char *const series_fill[CHART_MAX_SERIES] = { "#2f6db5", "#e0802f" };
#define FONT "system-ui, -apple-system, &quot;Segoe UI&quot;, Roboto, Helvetica, Arial, sans-serif"

/* the length of the valid UTF-8 sequence at p that XML allows (no
 * surrogates, overlong forms, U+FFFE or U+FFFF), or 0 */
static int utf8_valid(const unsigned char *p)
{
    int n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : 0;
    if (n == 0 || p[0] >= 0xF5)
        return 0;
    unsigned long cp = p[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    static const unsigned long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE ||
        cp == 0xFFFF)
        return 0;
    return n;
}

void xml_escape(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default:
            if (*p >= 0x80) {
                /* a byte that does not start valid UTF-8 becomes U+FFFD, so
                 * the document stays well-formed whatever a catalog holds */
                int n = utf8_valid(p);
                if (n == 0) {
                    fputs("\uFFFD", out);
                } else {
                    fwrite(p, 1, (size_t)n, out);
                    p += n - 1;
                }
            } else if (*p >= 0x20 || *p == '\t' || *p == '\n') {
                /* XML 1.0 allows no other control characters, even escaped */
                fputc(*p, out);
            }
        }
    }
}

/* code points in UTF-8 text */
static int utf8_len(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

/* the first `max` code points of s, or max - 1 and an ellipsis when longer */
static void label_text(FILE *out, const char *s)
{
    if (utf8_len(s) <= LABEL_CHARS) {
        xml_escape(out, s);
        return;
    }
    char buf[4 * LABEL_CHARS + 4];
    size_t n = 0;
    int cps = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < sizeof buf - 1; p++) {
        if ((*p & 0xC0) != 0x80 && ++cps > LABEL_CHARS - 1)
            break;
        buf[n++] = (char)*p;
    }
    buf[n] = '\0';
    xml_escape(out, buf);
    fputs("\u2026", out);
}

/* a coordinate: finite, at most two decimals, no trailing zeros, no "-0" */
static const char *num(char *buf, size_t n, double x)
{
    if (!isfinite(x))
        x = 0;
    x = round_to(x, 2);
    snprintf(buf, n, "%.2f", x);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    return buf;
}

/* The axis: the smallest step of 1, 2, 2.5 or 5 times a power of ten that
 * covers the largest value in at most five steps, and the axis end, a whole
 * number of steps. E.g. largest 40: 40 / 5 = 8 -> step 10, end 40; largest
 * 299.8: 59.96 -> step 100, end 300. */
static void axis_scale(double max, double *step, double *end)
{
    if (!(max > 0) || !isfinite(max)) {
        *step = 1;
        *end = 1;
        return;
    }
    double raw = max / 5;
    double p = pow(10, floor(log10(raw)));
    static const double mult[] = { 1, 2, 2.5, 5, 10 };
    double s = 10 * p;
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++)
        if (mult[i] * p >= raw * (1 - 1e-9)) {
            s = mult[i] * p;
            break;
        }
    double k = ceil(max / s - 1e-9);
    if (k < 1)
        k = 1;
    *step = s;
    *end = k * s;
}

static int label_width(const block *ch)
{
    int chars = 0;
    for (int i = 0; i < ch->n_bars; i++) {
        int n = utf8_len(ch->bars[i].label);
        if (n > chars)
            chars = n;
    }
    if (chars > LABEL_CHARS)
        chars = LABEL_CHARS;
    int w = (int)ceil(chars * CHAR_W + 12);
    return w < LABEL_MIN ? LABEL_MIN : w;
}

static int group_height(const block *ch)
{
    return ch->n_series * BAR_H + (ch->n_series - 1) * BAR_GAP + GROUP_GAP;
}

/* the chart's own title is drawn in the SVG document only: the HTML page
 * has it as the section's heading */
static int plot_top(const block *ch, bool titled)
{
    return PAD + (titled ? TITLE_H : 0) + (ch->n_series > 1 ? LEGEND_H : 0);
}

static int plot_height(const block *ch)
{
    return (ch->n_bars > 0 ? ch->n_bars : 1) * group_height(ch);
}

void svg_chart_size(const block *ch, bool nested, int *width, int *height)
{
    *width = SVG_W;
    *height = plot_top(ch, nested) + plot_height(ch) + AXIS_H;
}

void svg_chart(FILE *out, const block *ch, bool nested, int y)
{
    char a[32], b[32], c[32], d[32];
    int w, h;
    svg_chart_size(ch, nested, &w, &h);
    char title[512];
    chart_heading(title, sizeof title, ch);

    if (nested)
        fprintf(out, "<svg x=\"0\" y=\"%d\" ", y);
    else
        fputs("<svg ", out);
    fprintf(out, "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
                 "font-family=\"" FONT "\" font-size=\"12\" aria-label=\"",
            w, h, w, h);
    xml_escape(out, title);
    fputs("\">\n<title>", out);
    xml_escape(out, title);
    fputs("</title>\n", out);
    if (nested) {
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\" "
                     "fill=\"#1d2330\">", PAD, PAD + 16);
        xml_escape(out, title);
        fputs("</text>\n", out);
    }

    int x0 = PAD + label_width(ch);
    int pw = SVG_W - x0 - VALUE_W - PAD; /* plot width: the axis end */
    int top = plot_top(ch, nested), ph = plot_height(ch), gh = group_height(ch);

    if (ch->n_series > 1) {
        double lx = x0;
        int ly = plot_top(ch, nested) - LEGEND_H;
        for (int k = 0; k < ch->n_series; k++) {
            const char *name = ch->series[k] ? ch->series[k] : "";
            fprintf(out, "<rect x=\"%s\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                         "<text x=\"%s\" y=\"%d\" fill=\"#1d2330\">",
                    num(a, sizeof a, lx), ly, series_fill[k], num(b, sizeof b, lx + 18),
                    ly + 10);
            xml_escape(out, name);
            fputs("</text>\n", out);
            lx += 18 + utf8_len(name) * CHAR_W + 24;
        }
    }

    double max = chart_max(ch), step, end;
    axis_scale(max, &step, &end);
    int ticks = (int)(end / step + 0.5);
    /* grid lines first, under the bars */
    for (int t = 0; t <= ticks; t++) {
        const char *x = num(a, sizeof a, x0 + t * step / end * pw);
        fprintf(out, "<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"%s\"/>\n", x, top,
                x, top + ph, t ? "#e3e6eb" : "#8a929e");
    }

    if (ch->n_bars == 0)
        fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"#5b6472\">nothing to show</text>\n",
                x0 + 4, top + 12);
    for (int i = 0; i < ch->n_bars; i++) {
        const chart_bar *bar = &ch->bars[i];
        int gy = top + i * gh + GROUP_GAP / 2;
        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#1d2330\">", x0 - 8,
                gy + (gh - GROUP_GAP) / 2 + 4);
        if (utf8_len(bar->label) > LABEL_CHARS) {
            fputs("<title>", out);
            xml_escape(out, bar->label);
            fputs("</title>", out);
        }
        label_text(out, bar->label);
        fputs("</text>\n", out);
        for (int k = 0; k < ch->n_series; k++) {
            int by = gy + k * (BAR_H + BAR_GAP);
            double v = bar->value[k];
            if (!(v > 0) || !(max > 0)) {
                fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"#8a929e\" font-style=\"italic\">",
                        x0 + 4, by + 12);
                xml_escape(out, ch->empty ? ch->empty : "-");
                fputs("</text>\n", out);
                continue;
            }
            double bw = v / end * pw;
            fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%s\" height=\"%d\" fill=\"%s\"/>",
                    x0, by, num(a, sizeof a, bw), BAR_H, series_fill[k]);
            char t[32];
            fmt_tps(t, sizeof t, v);
            fprintf(out, "<text x=\"%s\" y=\"%d\" fill=\"#1d2330\">%s",
                    num(b, sizeof b, x0 + bw + 4), by + 12, t);
            if (bar->note[k]) {
                fputs(" (", out);
                xml_escape(out, bar->note[k]);
                fputc(')', out);
            }
            fputs("</text>\n", out);
        }
    }

    /* axis: tick labels under the plot, the unit at its right end */
    for (int t = 0; t <= ticks; t++) {
        double x = x0 + t * step / end * pw;
        fprintf(out, "<text x=\"%s\" y=\"%d\" text-anchor=\"middle\" fill=\"#5b6472\">%s</text>\n",
                num(a, sizeof a, x), top + ph + 14, num(c, sizeof c, t * step));
    }
    if (ch->unit && ch->unit[0]) {
        fprintf(out, "<text x=\"%s\" y=\"%d\" text-anchor=\"end\" fill=\"#5b6472\">",
                num(d, sizeof d, (double)x0 + pw), top + ph + 30);
        xml_escape(out, ch->unit);
        fputs("</text>\n", out);
    }
    fputs("</svg>\n", out);
}

/* The SVG document: the view's first heading, every chart under it, and a
 * line saying what the numbers are. */
int render_svg(FILE *out, const view *v, const render_opts *o)
{
    (void)o;
    const char *heading = NULL;
    int h = DOC_TITLE_H, n = 0;
    for (int i = 0; i < v->n_blocks; i++) {
        const block *b = &v->blocks[i];
        if (b->kind == BLOCK_HEADING && !heading)
            heading = b->text;
        if (b->kind == BLOCK_CHART) {
            int cw, chh;
            svg_chart_size(b, true, &cw, &chh);
            h += chh;
            n++;
        }
    }
    if (n == 0)
        return -1;
    h += DOC_FOOT_H;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                 "viewBox=\"0 0 %d %d\" font-family=\"" FONT "\" font-size=\"12\">\n",
            SVG_W, h, SVG_W, h);
    fputs("<title>", out);
    xml_escape(out, heading ? heading : "fitcheck");
    fputs("</title>\n", out);
    fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", SVG_W, h);
    /* 17px, smaller for a long heading to fit the width (a bold character is
     * taken as 0.6 of the font size wide) */
    int chars = utf8_len(heading ? heading : "fitcheck");
    int fs = chars > 0 ? (int)((SVG_W - 2 * PAD) / (chars * 0.6)) : 17;
    fs = fs > 17 ? 17 : fs < 10 ? 10 : fs;
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"bold\" "
                 "fill=\"#1d2330\">", PAD, PAD + 12, fs);
    xml_escape(out, heading ? heading : "fitcheck");
    fputs("</text>\n", out);
    int y = DOC_TITLE_H;
    for (int i = 0; i < v->n_blocks; i++) {
        const block *b = &v->blocks[i];
        if (b->kind != BLOCK_CHART)
            continue;
        svg_chart(out, b, true, y);
        int cw, chh;
        svg_chart_size(b, true, &cw, &chh);
        y += chh;
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#5b6472\">Estimates by "
                 "fitcheck %s, not measurements.</text>\n",
            PAD, h - 10, FITCHECK_VERSION);
    fputs("</svg>\n", out);
    return ferror(out) ? -1 : 0;
}
