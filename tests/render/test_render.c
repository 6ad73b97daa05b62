/* test_render.c - the chart renderers on hand-built views: text bars (Unicode
 * eighths and ASCII), SVG geometry, escaping, and values that do not run.
 * Every expected length and coordinate is worked out in the comment beside
 * it from the layout constants of render_table.c and render_svg.c:
 *   text: the largest value gets CHART_WIDTH = 40 cells, a value x gets
 *         round(x / max * 40 * 8) eighths of a cell (ASCII: round(x / max * 40)
 *         whole cells of '#');
 *   SVG:  width 860, margin 16, label column max(120, ceil(chars * 6.6 + 12))
 *         with chars the longest label (at most 42), 140 for the values, so
 *         short labels put the plot at x0 = 16 + 120 = 136 and its width is
 *         860 - 136 - 140 - 16 = 568; title 28 high, legend 22 (two series),
 *         bars 16 high 2 apart, 10 between categories, axis 40. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "view.h"

typedef int (*renderer)(FILE *, const view *, const render_opts *);

static char *run_renderer(renderer fn, const view *v, bool unicode, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    render_opts o = { .unicode = unicode, .color = false };
    *rc = fn(f, v, &o);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static char *render(renderer fn, const view *v, bool unicode)
{
    int rc;
    char *s = run_renderer(fn, v, unicode, &rc);
    assert_int_equal(rc, 0);
    return s;
}

static char *text_chart(const block *ch, bool unicode)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    render_opts o = { .unicode = unicode, .color = false };
    chart_text(f, ch, &o);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* n copies of s */
static void rep(char *out, size_t size, const char *s, int n)
{
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        strncat(out, s, size - strlen(out) - 1);
}

static void has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected to find\n  %s\nin\n%s", needle, hay);
}

static void lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("did not expect\n  %s\nin\n%s", needle, hay);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

#define FULL "\u2588"

/* Alpha: 40 and 10; Beta: NaN and -3 (neither runs); Gamma: 0.4 and 12.3 */
static block *sample_chart(view *v)
{
    static const char *const series[] = { "A", "B" };
    block *ch = view_chart(v, "Speed", "tok/s", 2, series);
    const char *const notes[] = { "Q4", NULL };
    chart_add(v, ch, "Alpha", (const double[]){ 40, 10 }, notes);
    chart_add(v, ch, "Beta", (const double[]){ NAN, -3 }, NULL);
    chart_add(v, ch, "Gamma", (const double[]){ 0.4, 12.3 }, NULL);
    return ch;
}

static void test_chart_values(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    assert_false(view_has_chart(&v));
    block *ch = sample_chart(&v);
    assert_true(view_has_chart(&v));
    assert_int_equal(ch->n_bars, 3);
    /* NaN, negative and infinite values are kept as 0: does not run */
    assert_true(ch->bars[1].value[0] == 0 && ch->bars[1].value[1] == 0);
    chart_add(&v, ch, "Delta", (const double[]){ INFINITY, 1 }, NULL);
    assert_true(ch->bars[3].value[0] == 0);
    assert_true(chart_max(ch) == 40);
    char t[64];
    chart_heading(t, sizeof t, ch);
    assert_string_equal(t, "Speed (tok/s)");
    assert_string_equal(ch->empty, "does not fit");
    assert_false(v.oom);
    view_free(&v);
}

static void test_text_unicode(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    block *ch = sample_chart(&v);
    char *s = text_chart(ch, true);
    char b40[256], b10[128], b12[128], want[1024];
    rep(b40, sizeof b40, FULL, 40); /* 40 = the largest: 40 cells */
    rep(b10, sizeof b10, FULL, 10); /* 10 / 40 * 320 = 80 eighths = 10 cells */
    rep(b12, sizeof b12, FULL, 12); /* 12.3 / 40 * 320 = 98.4 -> 98 = 12 cells + 2 eighths */
    /* labels padded to 5 (the longest, "Alpha") + 2, series names to 1 + 2;
     * 0.4 / 40 * 320 = 3.2 -> 3 eighths, U+258D, and no full cell */
    snprintf(want, sizeof want,
             "Alpha  A  %s 40.0 (Q4)\n"
             "       B  %s 10.0\n"
             "Beta   A  does not fit\n"
             "       B  does not fit\n"
             "Gamma  A  \u258D 0.4\n"
             "       B  %s\u258E 12.3\n",
             b40, b10, b12);
    assert_string_equal(s, want);
    free(s);
    view_free(&v);
}

static void test_text_ascii(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    block *ch = sample_chart(&v);
    char *s = text_chart(ch, false);
    char want[1024];
    /* whole cells: 40 -> 40, 10 -> 10, 0.4 -> round(0.4) = 0, 12.3 -> 12 */
    snprintf(want, sizeof want,
             "Alpha  A  %.40s 40.0 (Q4)\n"
             "       B  %.10s 10.0\n"
             "Beta   A  does not fit\n"
             "       B  does not fit\n"
             "Gamma  A   0.4\n"
             "       B  %.12s 12.3\n",
             "########################################", "########################################",
             "########################################");
    assert_string_equal(s, want);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        assert_true(*p < 0x80); /* nothing but ASCII */
    free(s);
    view_free(&v);
}

static void test_text_one_series(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    block *ch = view_chart(&v, "Decode", "tok/s", 1, (const char *const[]){ "decode" });
    chart_add(&v, ch, "Big GPU", (const double[]){ 200 }, (const char *const[]){ "F16" });
    chart_add(&v, ch, "Small", (const double[]){ 50 }, NULL);
    char *s = text_chart(ch, true);
    char b40[256], b10[128], want[1024];
    rep(b40, sizeof b40, FULL, 40);
    rep(b10, sizeof b10, FULL, 10); /* 50 / 200 * 320 = 80 eighths = 10 cells */
    /* one series: no series column; labels padded to 7 ("Big GPU") + 2 */
    snprintf(want, sizeof want, "Big GPU  %s 200.0 (F16)\nSmall    %s 50.0\n", b40, b10);
    assert_string_equal(s, want);
    free(s);
    view_free(&v);
}

static void test_svg_geometry(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    view_heading(&v, "Alpha vs Beta");
    sample_chart(&v);
    char *s = render(render_svg, &v, true);
    has(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    /* height: top = 16 + 28 + 22 = 66 (two series: legend), a category is
     * 2 * 16 + 2 + 10 = 44, three of them 132, axis 40: 66 + 132 + 40 = 238 */
    has(s, "width=\"860\" height=\"238\" viewBox=\"0 0 860 238\"");
    /* the document: heading 36 + chart 238 + footer 24 = 298 */
    has(s, "width=\"860\" height=\"298\" viewBox=\"0 0 860 298\"");
    has(s, "<svg x=\"0\" y=\"36\" ");
    /* axis: 40 / 5 = 8 -> step 10, end 40; ticks every 568 / 4 = 142 */
    has(s, "<line x1=\"136\" y1=\"66\" x2=\"136\" y2=\"198\"");
    has(s, "<line x1=\"278\" y1=\"66\" x2=\"278\" y2=\"198\"");
    has(s, "<line x1=\"704\" y1=\"66\" x2=\"704\" y2=\"198\"");
    /* tick labels under the plot: 66 + 132 + 14 = 212 */
    has(s, "<text x=\"420\" y=\"212\" text-anchor=\"middle\" fill=\"#5b6472\">20</text>");
    has(s, "<text x=\"704\" y=\"212\" text-anchor=\"middle\" fill=\"#5b6472\">40</text>");
    /* Alpha: its group starts at 66 + 10 / 2 = 71; A = 40 -> the whole 568,
     * value at 136 + 568 + 4 = 708, baseline 71 + 12 = 83; B = 10 -> 142 at
     * y 71 + 18 = 89 */
    has(s, "<rect x=\"136\" y=\"71\" width=\"568\" height=\"16\" fill=\"#2f6db5\"/>"
           "<text x=\"708\" y=\"83\" fill=\"#1d2330\">40.0 (Q4)</text>");
    has(s, "<rect x=\"136\" y=\"89\" width=\"142\" height=\"16\" fill=\"#e0802f\"/>"
           "<text x=\"282\" y=\"101\" fill=\"#1d2330\">10.0</text>");
    /* the label centred on the group: 71 + (44 - 10) / 2 + 4 = 92 */
    has(s, "<text x=\"128\" y=\"92\" text-anchor=\"end\" fill=\"#1d2330\">Alpha</text>");
    /* Beta (group at 66 + 44 + 5 = 115): no bars, two labelled empty ones */
    has(s, "<text x=\"140\" y=\"127\" fill=\"#8a929e\" font-style=\"italic\">does not fit</text>");
    has(s, "<text x=\"140\" y=\"145\" fill=\"#8a929e\" font-style=\"italic\">does not fit</text>");
    /* Gamma (group at 66 + 88 + 5 = 159): 0.4 / 40 * 568 = 5.68 and
     * 12.3 / 40 * 568 = 174.66 */
    has(s, "<rect x=\"136\" y=\"159\" width=\"5.68\" height=\"16\"");
    has(s, "<rect x=\"136\" y=\"177\" width=\"174.66\" height=\"16\"");
    /* legend: A's swatch at x0, B's after 18 + 1 * 6.6 + 24: 184.6 */
    has(s, "<rect x=\"136\" y=\"44\" width=\"12\" height=\"12\" fill=\"#2f6db5\"/>");
    has(s, "<rect x=\"184.6\" y=\"44\" width=\"12\" height=\"12\" fill=\"#e0802f\"/>");
    /* four bars (Alpha A and B, Gamma A and B) + two legend swatches +
     * the background */
    assert_int_equal(count(s, "<rect "), 7);
    has(s, ">tok/s</text>");
    lacks(s, "nan");
    lacks(s, "inf");
    free(s);
    view_free(&v);
}

static void test_svg_axis_and_long_labels(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    char longname[64];
    memset(longname, 'x', 50);
    longname[50] = '\0';
    block *ch = view_chart(&v, "Decode", "tok/s", 1, (const char *const[]){ "decode" });
    chart_add(&v, ch, longname, (const double[]){ 299.8 }, NULL);
    chart_add(&v, ch, "short", (const double[]){ 0 }, NULL);
    char *s = render(render_svg, &v, true);
    /* labels over 42 characters: the column is ceil(42 * 6.6 + 12) = 290
     * wide, so x0 = 306 and the plot 860 - 306 - 140 - 16 = 398 wide.
     * 299.8 / 5 = 59.96 -> step 100, end 300: the bar is 299.8 / 300 * 398
     * = 397.73 wide, ticks at 306 + 398 / 3 = 438.67, 571.33, 704 */
    has(s, "<rect x=\"306\" y=\"49\" width=\"397.73\" height=\"16\"");
    has(s, "<line x1=\"438.67\" ");
    has(s, "<line x1=\"571.33\" ");
    has(s, ">300</text>");
    /* one series: no legend (top = 16 + 28 = 44, group at 44 + 5 = 49) */
    assert_int_equal(count(s, "<rect "), 2);
    /* the label cut to 41 characters and an ellipsis, whole in a tooltip */
    char cut[128];
    snprintf(cut, sizeof cut, "</title>%.41s\u2026</text>", longname);
    has(s, cut);
    snprintf(cut, sizeof cut, "<title>%s</title>", longname);
    has(s, cut);
    free(s);
    view_free(&v);
}

static void test_svg_nothing_runs(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    block *ch = view_chart(&v, "Decode", "tok/s", 2, (const char *const[]){ "a", "b" });
    chart_add(&v, ch, "m", (const double[]){ NAN, -1 }, NULL);
    char *s = render(render_svg, &v, true);
    /* largest 0: the axis runs 0..1 in one step, no bar is drawn */
    has(s, ">0</text>");
    has(s, ">1</text>");
    assert_int_equal(count(s, "does not fit"), 2);
    assert_int_equal(count(s, "<rect "), 3); /* background + legend */
    lacks(s, "nan");
    lacks(s, "inf");
    free(s);
    char *t = text_chart(ch, true);
    assert_string_equal(t, "m  a  does not fit\n   b  does not fit\n");
    free(t);
    view_free(&v);

    /* no category at all (filters left no device): said so, in both */
    view_init(&v);
    ch = view_chart(&v, "Empty", "tok/s", 1, NULL);
    t = text_chart(ch, false);
    assert_string_equal(t, "(none)\n");
    free(t);
    s = render(render_svg, &v, true);
    has(s, ">nothing to show</text>");
    assert_int_equal(count(s, "<rect "), 1); /* the background only */
    free(s);
    view_free(&v);
}

static void test_svg_needs_a_chart(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    view_heading(&v, "No charts here");
    view_text(&v, "just text");
    int rc;
    char *s = run_renderer(render_svg, &v, true, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(s, ""); /* nothing written */
    free(s);
    view_free(&v);
}

static void test_escaping(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    view_heading(&v, "A<1> vs B&\"2'");
    view_text(&v, "<script>alert('x')</script>");
    block *ch = view_chart(&v, "T<itle>", "t/s&", 2, (const char *const[]){ "S<1>", "S\"2'" });
    chart_add(&v, ch, "<b>&\"x'\x01", (const double[]){ 1, 2 }, (const char *const[]){ "a&b", "<q>" });
    static const char *const spec[] = { "Name|name", "Value|value|r" };
    block *t = view_table(&v, "Tab<le>", 2, spec);
    cell *row = table_row(&v, t);
    cell_text(&v, &row[0], "x < y & z");
    cell_num(&v, &row[1], 1.5, 1, NULL);

    char *svg = render(render_svg, &v, true);
    has(svg, ">&lt;b&gt;&amp;&quot;x&#39;</text>"); /* and \x01 dropped */
    has(svg, ">S&lt;1&gt;</text>");
    has(svg, ">S&quot;2&#39;</text>");
    has(svg, "(a&amp;b)");
    has(svg, "(&lt;q&gt;)");
    has(svg, "aria-label=\"T&lt;itle&gt; (t/s&amp;)\"");
    has(svg, "<title>A&lt;1&gt; vs B&amp;&quot;2&#39;</title>");
    lacks(svg, "<b>");
    lacks(svg, "<q>");
    lacks(svg, "\x01");
    free(svg);

    /* bytes that are not UTF-8 a parser accepts: a stray 0xFF, and the
     * surrogate U+D800 (ED A0 80) are one U+FFFD per byte; e-acute stays */
    char *x = NULL;
    size_t xlen = 0;
    FILE *f = open_memstream(&x, &xlen);
    xml_escape(f, "a\xff b\xed\xa0\x80 c\xc3\xa9 d\xe2\x82");
    fclose(f);
    assert_string_equal(x, "a\uFFFD b\uFFFD\uFFFD\uFFFD c\u00e9 d\uFFFD\uFFFD");
    free(x);

    char *html = render(render_html, &v, true);
    has(html, "<title>A&lt;1&gt; vs B&amp;&quot;2&#39;</title>");
    has(html, "<span class=\"dev\">A&lt;1&gt;</span><span class=\"vs\">vs</span>"
              "<span class=\"dev\">B&amp;&quot;2&#39;</span>");
    has(html, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>");
    has(html, "<h2>T&lt;itle&gt; (t/s&amp;)</h2>");
    has(html, "<h2>Tab&lt;le&gt;</h2>");
    has(html, "<td>x &lt; y &amp; z</td><td class=\"num\">1.5</td>");
    lacks(html, "<script");
    lacks(html, "<b>");
    lacks(html, "\x01");
    free(html);
    view_free(&v);
}

/* a page as commands build it: heading, lead text, key-values, a table, a chart */
static void sample_page(view *v)
{
    view_heading(v, "Alpha vs Beta");
    view_text(v, "Quick verdict: Alpha.");
    view_kv(v, "Setup");
    kv_add_num(v, "Context", "context", 4096, 0, "tokens", "the default");
    static const char *const spec[] = { "Model|model", "Speed|speed|rb", "hidden|hidden|x" };
    block *t = view_table(v, "Models", 3, spec);
    t->primary = true;
    cell *row = table_row(v, t);
    cell_text(v, &row[0], "m1");
    cell_num(v, &row[1], 40, 1, NULL);
    row[1].bar = 1;
    row[1].mark = true;
    cell_text(v, &row[2], "only in CSV");
    row = table_row(v, t);
    cell_text(v, &row[0], "m2");
    cell_num(v, &row[1], 10, 1, NULL);
    row[1].bar = 0.25;
    sample_chart(v);
    view_text(v, "Estimates.");
}

static void test_html_page(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    sample_page(&v);
    char *s = render(render_html, &v, true);
    assert_int_equal(strncmp(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", 62), 0);
    has(s, "<title>Alpha vs Beta</title>");
    has(s, "<style>");
    /* the header: the title and the paragraph right after it */
    has(s, "<header class=\"page\">\n<h1><span class=\"dev\">Alpha</span>");
    has(s, "</h1>\n<p>Quick verdict: Alpha.</p>\n</header>");
    has(s, "<h2>Setup</h2>");
    has(s, "<th scope=\"row\">Context</th><td class=\"num\">4096 tokens</td>"
           "<td class=\"note\">the default</td>");
    has(s, "<h2>Models</h2>");
    /* CSV-only columns stay out; the better value is marked; a bar column
     * draws its bar: 1 -> 100%, 0.25 -> 25% */
    lacks(s, "only in CSV");
    has(s, "<td class=\"num better\">40.0 \u2713<span class=\"bar\"><span style=\"width:100.0%\">");
    has(s, "<td class=\"num\">10.0<span class=\"bar\"><span style=\"width:25.0%\">");
    /* the chart: the section heading is its title, then the SVG drawing of
     * the svg format inline (no namespace) without the title's 28: 238 - 28
     * = 210 high, Alpha's B bar at 89 - 28 = 61 */
    has(s, "<h2>Speed (tok/s)</h2>\n<figure>\n<svg width=\"860\" height=\"210\" "
           "viewBox=\"0 0 860 210\"");
    has(s, "<rect x=\"136\" y=\"61\" width=\"142\" height=\"16\" fill=\"#e0802f\"/>");
    assert_int_equal(count(s, "Speed (tok/s)"), 3); /* h2, <title>, aria-label */
    has(s, "<p>Estimates.</p>");
    has(s, "</main>\n<footer>");
    has(s, "</body>\n</html>\n");
    lacks(s, "<script");
    lacks(s, "http");
    lacks(s, "url(");
    lacks(s, "@import");
    assert_int_equal(count(s, "<section"), 3);
    free(s);
    view_free(&v);
}

static void test_other_formats(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    sample_page(&v);
    /* CSV: the primary table only, as before charts existed */
    char *csv = render(render_csv, &v, true);
    assert_string_equal(csv, "\"model\",\"speed\",\"hidden\"\n\"m1\",40.0,\"only in CSV\"\n"
                             "\"m2\",10.0,\n");
    free(csv);
    /* JSON: the command's document, untouched by charts */
    char *json = render(render_json, &v, true);
    assert_string_equal(json, "{\n}\n");
    free(json);
    /* Markdown: the text chart in a fence under a heading */
    char *md = render(render_markdown, &v, true);
    char b40[256], want[512];
    rep(b40, sizeof b40, FULL, 40);
    snprintf(want, sizeof want, "### Speed (tok/s)\n\n```text\nAlpha  A  %s 40.0 (Q4)\n", b40);
    has(md, want);
    has(md, "       B  " FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL FULL
            "\u258E 12.3\n```\n");
    free(md);
    /* table: a blank line, the heading, then the bars */
    char *tab = render(render_table, &v, false);
    has(tab, "\nSpeed (tok/s)\nAlpha  A  ######################################## 40.0 (Q4)\n");
    free(tab);
    view_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chart_values),
        cmocka_unit_test(test_text_unicode),
        cmocka_unit_test(test_text_ascii),
        cmocka_unit_test(test_text_one_series),
        cmocka_unit_test(test_svg_geometry),
        cmocka_unit_test(test_svg_axis_and_long_labels),
        cmocka_unit_test(test_svg_nothing_runs),
        cmocka_unit_test(test_svg_needs_a_chart),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_html_page),
        cmocka_unit_test(test_other_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
