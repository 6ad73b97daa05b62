/* util.c - status strings, error filling, the arena and edit distance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *fc_version(void) { return FC_VERSION_STRING; }

const char *fc_status_str(fc_status status)
{
    switch (status) {
#define FC_STATUS_CASE(code, text) case code: return text;
        FC_STATUS_MAP(FC_STATUS_CASE)
#undef FC_STATUS_CASE
    }
    return "unknown status";
}

fc_status fc__fail(fc_error *err, fc_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
        /* messages are one line: fold any newline that came from data */
        for (char *p = err->msg; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
    }
    return code;
}

struct fc_arena_block {
    fc_arena_block *next;
    size_t used, size;
    max_align_t data[];
};

#define FC_ARENA_BLOCK (64 * 1024)

void *fc__arena_alloc(fc_arena *a, size_t size)
{
    size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    fc_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > FC_ARENA_BLOCK ? size : FC_ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->size = cap;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *fc__arena_strdup(fc_arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = fc__arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void fc__arena_free(fc_arena *a)
{
    fc_arena_block *b = a->head;
    while (b) {
        fc_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

size_t fc__edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return cap + 1;
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        size_t best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = diag + cost;
            if (row[j] + 1 < v)
                v = row[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb] > cap ? cap + 1 : row[lb];
}
