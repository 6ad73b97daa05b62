/* refsheet.c - see refsheet.h */
#include "refsheet.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

/* ---- reading ------------------------------------------------------------ */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
        }
        buf = nb;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

typedef struct csv_builder {
    char **fields; /* fields of the row being read */
    size_t nfields, capfields;
    char ***rows;  /* every row, header included */
    size_t *widths;
    size_t nrows, caprows;
    bool nomem;
} csv_builder;

static void on_field(void *data, size_t len, void *user)
{
    csv_builder *b = user;
    if (b->nomem)
        return;
    if (b->nfields == b->capfields) {
        size_t cap = b->capfields ? b->capfields * 2 : 64;
        char **nf = realloc(b->fields, cap * sizeof *nf);
        if (!nf) {
            b->nomem = true;
            return;
        }
        b->fields = nf;
        b->capfields = cap;
    }
    char *s = malloc(len + 1);
    if (!s) {
        b->nomem = true;
        return;
    }
    if (len)
        memcpy(s, data, len);
    s[len] = '\0';
    b->fields[b->nfields++] = s;
}

static void on_row(int c, void *user)
{
    (void)c;
    csv_builder *b = user;
    if (b->nomem)
        return;
    if (b->nrows == b->caprows) {
        size_t cap = b->caprows ? b->caprows * 2 : 64;
        char ***nr = realloc(b->rows, cap * sizeof *nr);
        size_t *nw = nr ? realloc(b->widths, cap * sizeof *nw) : NULL;
        if (nr)
            b->rows = nr;
        if (!nr || !nw) {
            b->nomem = true;
            return;
        }
        b->widths = nw;
        b->caprows = cap;
    }
    b->rows[b->nrows] = b->fields;
    b->widths[b->nrows] = b->nfields;
    b->nrows++;
    b->fields = NULL;
    b->nfields = b->capfields = 0;
}

static void free_fields(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(f[i]);
    free(f);
}

int ref_sheet_load(ref_sheet *s, const char *path, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    size_t len = 0;
    char *text = read_all(path, &len);
    if (!text) {
        snprintf(err, err_size, "%s: cannot read (%s)", path, strerror(errno));
        return -1;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        free(text);
        snprintf(err, err_size, "%s: csv_init failed", path);
        return -1;
    }
    csv_builder b;
    memset(&b, 0, sizeof b);
    int rc = 0;
    if (csv_parse(&p, text, len, on_field, on_row, &b) != len ||
        csv_fini(&p, on_field, on_row, &b) != 0) {
        snprintf(err, err_size, "%s: %s", path, csv_strerror(csv_error(&p)));
        rc = -1;
    } else if (b.nomem) {
        snprintf(err, err_size, "%s: out of memory", path);
        rc = -1;
    } else if (b.nrows < 1) {
        snprintf(err, err_size, "%s: no header row", path);
        rc = -1;
    }
    csv_free(&p);
    free(text);
    free_fields(b.fields, b.nfields);
    if (rc != 0) {
        for (size_t i = 0; i < b.nrows; i++)
            free_fields(b.rows[i], b.widths[i]);
        free(b.rows);
        free(b.widths);
        return rc;
    }
    s->header = b.rows[0];
    s->ncols = b.widths[0];
    s->nrows = b.nrows - 1;
    s->cells = malloc((s->nrows ? s->nrows : 1) * sizeof *s->cells);
    s->widths = malloc((s->nrows ? s->nrows : 1) * sizeof *s->widths);
    s->uses = calloc(s->nrows ? s->nrows : 1, sizeof *s->uses);
    if (!s->cells || !s->widths || !s->uses) {
        for (size_t i = 0; i < b.nrows; i++)
            free_fields(b.rows[i], b.widths[i]);
        free(b.rows);
        free(b.widths);
        free(s->cells);
        free(s->widths);
        free(s->uses);
        memset(s, 0, sizeof *s);
        snprintf(err, err_size, "%s: out of memory", path);
        return -1;
    }
    for (size_t i = 0; i < s->nrows; i++) {
        s->cells[i] = b.rows[i + 1];
        s->widths[i] = b.widths[i + 1];
    }
    free(b.rows);
    free(b.widths);
    return 0;
}

void ref_sheet_free(ref_sheet *s)
{
    if (!s)
        return;
    free_fields(s->header, s->ncols);
    for (size_t i = 0; i < s->nrows; i++)
        free_fields(s->cells[i], s->widths[i]);
    free(s->cells);
    free(s->widths);
    free(s->uses);
    memset(s, 0, sizeof *s);
}

long ref_sheet_col(const ref_sheet *s, const char *name)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (strcmp(s->header[i], name) == 0)
            return (long)i;
    return -1;
}

long ref_sheet_find(const ref_sheet *s, size_t col, const char *id)
{
    if (!id)
        return -1;
    for (size_t i = 0; i < s->nrows; i++)
        if (col < s->widths[i] && strcmp(s->cells[i][col], id) == 0)
            return (long)i;
    return -1;
}

const char *ref_sheet_cell(const ref_sheet *s, size_t row, size_t col)
{
    if (row >= s->nrows || col >= s->widths[row])
        return "";
    return s->cells[row][col];
}

bool ref_leading_number(const char *cell, double *out)
{
    if (!cell)
        return false;
    const char *p = cell;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *d = p;
    if (*d == '-' || *d == '+')
        d++;
    /* a digit must come first: no "inf", "nan", ".5" or hex */
    if (!isdigit((unsigned char)*d))
        return false;
    if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
        return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool ref_cell_is_tagged(const char *cell)
{
    return cell && (strstr(cell, "unverified") || strstr(cell, "from-memory") ||
                    strstr(cell, "projected"));
}

cJSON *xref_load_json(const char *path, char *err, size_t err_size)
{
    size_t len = 0;
    char *text = read_all(path, &len);
    if (!text) {
        snprintf(err, err_size, "%s: cannot read (%s)", path, strerror(errno));
        return NULL;
    }
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root)
        snprintf(err, err_size, "%s: malformed JSON", path);
    free(text);
    return root;
}

/* ---- tally ---------------------------------------------------------------- */

void xref_fail(xref_tally *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    t->failures++;
}

const char *xref_differs_reason(const xref_entry *e, const char *field)
{
    const cJSON *r = e->ref_differs ? cJSON_GetObjectItemCaseSensitive(e->ref_differs, field)
                                    : NULL;
    return cJSON_IsString(r) ? r->valuestring : NULL;
}

bool xref_is_unverified(const xref_entry *e, const char *field)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, e->unverified)
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, field) == 0)
            return true;
    }
    return false;
}

static bool same_number(double a, double b)
{
    double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
    return fabs(a - b) <= 1e-9 * scale;
}

static void compare(const xref_entry *e, const char *field, bool has_value, double value,
                    bool has_ref, double ref_value, const char *what, const char *cell)
{
    xref_tally *t = e->tally;
    const char *reason = xref_differs_reason(e, field);
    if (!has_ref) {
        t->no_ref_value++;
        return;
    }
    t->compared++;
    if (cell && ref_cell_is_tagged(cell) && !xref_is_unverified(e, field) && !reason)
        xref_fail(t,
                  "%s '%s' (ref %s) field %s: reference cell '%s' (%s) is not verified, "
                  "but the entry does not list '%s' in unverified",
                  e->section, e->id, e->ref, field, cell, what, field);
    if (has_value && same_number(value, ref_value)) {
        t->agreed++;
        if (reason)
            xref_fail(t,
                      "%s '%s' (ref %s) field %s: ref_differs says \"%s\" but catalog %.10g "
                      "equals reference %.10g (%s): stale ref_differs",
                      e->section, e->id, e->ref, field, reason, value, ref_value, what);
        return;
    }
    if (reason) {
        t->excused++;
        printf("note: %s '%s' (ref %s) field %s: catalog %.10g vs reference %.10g (%s) - "
               "ref_differs: %s\n",
               e->section, e->id, e->ref, field, value, ref_value, what, reason);
        return;
    }
    if (!has_value)
        xref_fail(t, "%s '%s' (ref %s) field %s: catalog has no value vs reference %.10g (%s)",
                  e->section, e->id, e->ref, field, ref_value, what);
    else
        xref_fail(t, "%s '%s' (ref %s) field %s: catalog %.10g vs reference %.10g (%s)",
                  e->section, e->id, e->ref, field, value, ref_value, what);
}

void xref_number(const xref_entry *e, const char *field, bool has_value, double value,
                 const char *column)
{
    long col = ref_sheet_col(e->sheet, column);
    if (col < 0) {
        xref_fail(e->tally, "%s: reference sheet %s has no column '%s'", e->section,
                  e->sheet->path, column);
        return;
    }
    const char *cell = ref_sheet_cell(e->sheet, (size_t)e->row, (size_t)col);
    double rv = 0.0;
    bool has_ref = ref_leading_number(cell, &rv);
    char what[192];
    snprintf(what, sizeof what, "column %s = '%.120s'", column, cell);
    compare(e, field, has_value, value, has_ref, rv, what, cell);
}

void xref_value(const xref_entry *e, const char *field, double value, double ref_value,
                const char *what)
{
    compare(e, field, true, value, true, ref_value, what, NULL);
}

void xref_check_differs_keys(const xref_entry *e, const cJSON *raw, const char *const *known)
{
    const cJSON *it;
    if (e->ref_differs && !cJSON_IsObject(e->ref_differs)) {
        xref_fail(e->tally, "%s '%s': ref_differs must be an object", e->section, e->id);
        return;
    }
    cJSON_ArrayForEach(it, e->ref_differs)
    {
        if (!cJSON_IsString(it) || !it->valuestring[0])
            xref_fail(e->tally, "%s '%s': ref_differs.%s must be a non-empty reason string",
                      e->section, e->id, it->string);
        bool ok = cJSON_GetObjectItemCaseSensitive(raw, it->string) != NULL;
        for (size_t i = 0; !ok && known && known[i]; i++)
            ok = strcmp(known[i], it->string) == 0;
        if (!ok)
            xref_fail(e->tally,
                      "%s '%s': ref_differs names '%s', which is neither a compared field "
                      "nor a field of the entry",
                      e->section, e->id, it->string);
    }
}

void xref_print_tally(const char *what, const xref_tally *t)
{
    printf("%s: %d comparisons, %d agree, %d excused by ref_differs, %d failures; "
           "%d fields without a reference number\n",
           what, t->compared, t->agreed, t->excused, t->failures, t->no_ref_value);
}
