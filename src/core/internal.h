/* internal.h - helpers shared between the core's files, never installed. */
#ifndef FC_INTERNAL_H
#define FC_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "fitcheck/fitcheck.h"

#if defined(__GNUC__) || defined(__clang__)
#define FC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FC_PRINTF(a, b)
/* Nelder-Mead minimisation of f over n unbounded variables, from x (updated
 * to the best point found); step is the initial simplex size. Deterministic.
 * Returns the number of evaluations; *fmin gets the minimum. n <= 16. */
typedef double (*fc_objective)(const double *x, void *ctx);
int fc__nelder_mead(fc_objective f, void *ctx, double *x, int n, double step, int max_eval,
                    double tol, double *fmin);

#endif

/* Fill err (when not NULL) and return code. */
fc_status fc__fail(fc_error *err, fc_status code, const char *fmt, ...) FC_PRINTF(3, 4);

/* A bump allocator: everything a catalog owns lives in one arena. */
typedef struct fc_arena_block fc_arena_block;
typedef struct fc_arena {
    fc_arena_block *head;
} fc_arena;

void *fc__arena_alloc(fc_arena *a, size_t size);
char *fc__arena_strdup(fc_arena *a, const char *s);
void fc__arena_free(fc_arena *a);

/* Copy a string into the catalog's arena (NULL stays NULL; NULL on no memory). */
char *fc__catalog_strdup(fc_catalog *cat, const char *s);
void *fc__catalog_alloc(fc_catalog *cat, size_t size);

/* The lookup keys of one entry: fc_name_key() of its id, name and aliases,
 * empty keys left out. fc_catalog_find() matches names against them. */
typedef struct fc_keyset {
    const char *const *keys;
    size_t count;
} fc_keyset;

/*
 * Add n entries of one kind that are already parsed and checked (the
 * embedded catalog: static data made by tools/embed.c), with their keys:
 * an entry whose id exists replaces it, the others are appended, as
 * fc_catalog_add_json() does. Nothing is copied but the entry structs: their
 * strings and the keys must outlive the catalog. On error (no memory) the
 * catalog is unchanged.
 */
fc_status fc__catalog_install(fc_catalog *cat, fc_kind kind, const void *entries,
                              const fc_keyset *keys, size_t n, fc_error *err);

/* The keys of entry i ({NULL, 0} when out of range). */
fc_keyset fc__catalog_keys(const fc_catalog *cat, fc_kind kind, size_t i);

/* Index of the entry whose id is exactly `id` (a hash lookup), or (size_t)-1. */
size_t fc__catalog_index(const fc_catalog *cat, fc_kind kind, const char *id);

/* The quants with ladder > 0 in the order of the automatic search: by
 * ladder rank, then catalog order (kept up to date as quants are added). */
size_t fc__catalog_ladder_count(const fc_catalog *cat);
const fc_quant *fc__catalog_ladder_quant(const fc_catalog *cat, size_t k);

/* Levenshtein distance, capped: returns cap + 1 when larger. */
size_t fc__edit_distance(const char *a, const char *b, size_t cap);

/* Nelder-Mead minimisation of f over n unbounded variables, from x (updated
 * to the best point found); step is the initial simplex size. Deterministic.
 * Returns the number of evaluations; *fmin gets the minimum. n <= 16. */
typedef double (*fc_objective)(const double *x, void *ctx);
int fc__nelder_mead(fc_objective f, void *ctx, double *x, int n, double step, int max_eval,
                    double tol, double *fmin);

#endif
