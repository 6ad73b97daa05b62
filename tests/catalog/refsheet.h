/*
 * refsheet.h - the reference sheets (the tests/reference/ CSV files) read with libcsv,
 * and the helpers the catalog cross-check tests share: loading the data/ JSON files
 * both raw (cJSON, for `ref` and `ref_differs`) and through the fc_ API, and
 * a tally of comparisons and disagreements with messages that name the
 * entry, the field, the catalog value and the reference value.
 */
#ifndef FITCHECK_TEST_REFSHEET_H
#define FITCHECK_TEST_REFSHEET_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fitcheck/fitcheck.h"

typedef struct ref_sheet {
    char path[256];
    size_t ncols;     /* columns of the header row */
    size_t nrows;     /* data rows (header excluded) */
    char **header;    /* ncols names */
    char ***cells;    /* nrows rows of ncols cells ("" where a row is short) */
    size_t *widths;   /* fields each data row really had */
    int *uses;        /* how many catalog entries name each row with `ref` */
} ref_sheet;

/* Read a CSV file whose first row names the columns. Returns 0 on success;
 * on failure writes a message into err. */
int ref_sheet_load(ref_sheet *s, const char *path, char *err, size_t err_size);
void ref_sheet_free(ref_sheet *s);

/* Index of a column by its header name, or -1. */
long ref_sheet_col(const ref_sheet *s, const char *name);
/* Row whose cell in column `col` equals id exactly, or -1. */
long ref_sheet_find(const ref_sheet *s, size_t col, const char *id);
/* Cell text, "" when the row has no such column. */
const char *ref_sheet_cell(const ref_sheet *s, size_t row, size_t col);

/* The leading number of a cell: "835.5 (from-memory)" -> 835.5, "2.29 (shader
 * rate...)" -> 2.29, "450-1000 (module)" -> 450. Returns false when the cell
 * does not start with a number ("", "n/a", "unverified (...)"). */
bool ref_leading_number(const char *cell, double *out);

/* True when a cell carries a tag that says its value is not verified
 * ("unverified", "derived-unverified", "from-memory", "projected"). */
bool ref_cell_is_tagged(const char *cell);

/* ---- raw JSON of a data file ------------------------------------------- */

/* Parse a whole JSON file; NULL (and a message in err) on failure. */
cJSON *xref_load_json(const char *path, char *err, size_t err_size);

/* ---- tally ---------------------------------------------------------------- */

typedef struct xref_tally {
    int compared;    /* comparisons made (a reference number was present) */
    int agreed;
    int excused;     /* disagreements named in ref_differs */
    int failures;    /* disagreements not excused, and other errors */
    int no_ref_value;/* fields the reference row has no number for */
} xref_tally;

/* One entry being compared with one reference row. */
typedef struct xref_entry {
    xref_tally *tally;
    const char *section;      /* "hardware", "models", ... */
    const char *id;           /* catalog id */
    const char *ref;          /* reference row id */
    const ref_sheet *sheet;
    long row;
    const cJSON *ref_differs; /* the entry's ref_differs object, or NULL */
    const cJSON *unverified;  /* the entry's unverified array, or NULL */
} xref_entry;

/* Report one failure (printed to stderr, counted). */
void xref_fail(xref_tally *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The reason ref_differs gives for `field`, or NULL. */
const char *xref_differs_reason(const xref_entry *e, const char *field);
/* Whether the entry's `unverified` list names `field`. */
bool xref_is_unverified(const xref_entry *e, const char *field);

/*
 * Compare a catalog number with a reference column. `has_value` false means
 * the catalog has no value for the field. Counts and reports as described in
 * the tally; a difference is excused only when ref_differs names `field`.
 * A ref_differs naming a field that in fact agrees is reported as stale.
 * When the reference cell is tagged unverified/from-memory/projected the
 * entry must list `field` in `unverified` (or explain it in ref_differs).
 */
void xref_number(const xref_entry *e, const char *field, bool has_value, double value,
                 const char *column);

/* Same, with a reference number computed by the caller (derived checks
 * such as KV bytes per token); `what` describes where it comes from. */
void xref_value(const xref_entry *e, const char *field, double value, double ref_value,
                const char *what);

/* Check that every key of ref_differs has a non-empty string reason and names
 * one of `known` (NULL-terminated) or a key present in the raw entry. */
void xref_check_differs_keys(const xref_entry *e, const cJSON *raw, const char *const *known);

void xref_print_tally(const char *what, const xref_tally *t);

#endif
