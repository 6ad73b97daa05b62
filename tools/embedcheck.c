/* embedcheck.c - test: the pre-parsed embedded catalog is the catalog that
 * parsing the data files at run time gives, field by field.
 *
 * usage: embedcheck FILE... (the data files in the order CMake embeds them,
 * named as the embedded entries' origin: run from the source tree)
 *
 * Compares fc_catalog_add_embedded() with fc_catalog_add_file() of the same
 * files: entry counts and order, every field of every entry (strings by
 * content, numbers bit for bit), no byte outside the listed fields, the
 * lookup keys, id lookups and name lookups, the quant ladder order, and
 * that adding the embedded catalog twice replaces rather than appends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_fields.h"
#include "internal.h"

static int failures;

static void fail(const char *kind, const char *id, const char *what)
{
    if (failures++ < 20)
        fprintf(stderr, "embedcheck: %s '%s': %s\n", kind, id ? id : "?", what);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_list(const fc_strlist *a, const fc_strlist *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (!same_str(a->items[i], b->items[i]))
            return false;
    return true;
}

static void compare_entry(const kind_desc *kd, const unsigned char *mask, const char *e,
                          const char *j)
{
    const char *id = ((const fc_entry_info *)j)->id;
    for (size_t f = 0; f < kd->n_fields; f++) {
        const field_desc *fd = &kd->fields[f];
        const void *pe = e + fd->offset, *pj = j + fd->offset;
        bool same;
        switch (fd->type) {
        case FT_STR: {
            const char *se, *sj;
            memcpy(&se, pe, sizeof se);
            memcpy(&sj, pj, sizeof sj);
            same = same_str(se, sj);
            break;
        }
        case FT_LIST: same = same_list(pe, pj); break;
        default: same = memcmp(pe, pj, fd->size) == 0; break; /* numbers: bit for bit */
        }
        if (!same) {
            char what[128];
            snprintf(what, sizeof what, "field %s differs", fd->name);
            fail(kd->var, id, what);
        }
    }
    for (size_t i = 0; i < kd->size; i++)
        if (!mask[i] && (e[i] || j[i])) {
            fail(kd->var, id, "bytes outside the listed fields are set");
            break;
        }
}

static void compare_keys(const char *kind, const char *id, fc_keyset a, fc_keyset b)
{
    bool same = a.count == b.count;
    for (size_t i = 0; same && i < a.count; i++)
        same = same_str(a.keys[i], b.keys[i]);
    if (!same)
        fail(kind, id, "lookup keys differ");
}

static fc_catalog *load(int argc, char **argv, bool embedded)
{
    fc_catalog *cat = fc_catalog_new();
    fc_error err;
    if (!cat) {
        fprintf(stderr, "embedcheck: out of memory\n");
        exit(2);
    }
    for (int i = 1; i < argc && !embedded; i++)
        if (fc_catalog_add_file(cat, argv[i], &err) != FC_OK) {
            fprintf(stderr, "embedcheck: %s\n", err.msg);
            exit(2);
        }
    if (embedded && fc_catalog_add_embedded(cat, &err) != FC_OK) {
        fprintf(stderr, "embedcheck: %s\n", err.msg);
        exit(2);
    }
    return cat;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: embedcheck FILE...\n");
        return 2;
    }
    fc_catalog *emb = load(argc, argv, true), *json = load(argc, argv, false);
    size_t total = 0;
    for (int k = 0; k < FC_KIND_COUNT; k++) {
        const kind_desc *kd = &kind_descs[k];
        size_t n = fc_catalog_count(json, (fc_kind)k);
        if (fc_catalog_count(emb, (fc_kind)k) != n) {
            fail(kd->var, "*", "entry counts differ");
            continue;
        }
        unsigned char *mask = calloc(1, kd->size);
        if (!mask)
            return 2;
        for (size_t f = 0; f < kd->n_fields; f++)
            memset(mask + kd->fields[f].offset, 1, kd->fields[f].size);
        for (size_t i = 0; i < n; i++) {
            const fc_entry_info *e = fc_catalog_info(emb, (fc_kind)k, i);
            const fc_entry_info *j = fc_catalog_info(json, (fc_kind)k, i);
            if (!same_str(e->id, j->id)) {
                fail(kd->var, j->id, "is at another place in the embedded catalog");
                continue;
            }
            compare_entry(kd, mask, (const char *)e, (const char *)j);
            compare_keys(kd->var, j->id, fc__catalog_keys(emb, (fc_kind)k, i),
                         fc__catalog_keys(json, (fc_kind)k, i));
            /* lookups: by id (the hash index), and by every key */
            if (fc__catalog_index(emb, (fc_kind)k, j->id) != i)
                fail(kd->var, j->id, "not found by id in the embedded catalog");
            fc_keyset ks = fc__catalog_keys(json, (fc_kind)k, i);
            for (size_t q = 0; q < ks.count; q++) {
                size_t ie = (size_t)-1, ij = (size_t)-1;
                fc_status se = fc_catalog_find(emb, (fc_kind)k, ks.keys[q], &ie, NULL);
                fc_status sj = fc_catalog_find(json, (fc_kind)k, ks.keys[q], &ij, NULL);
                if (se != sj || ie != ij)
                    fail(kd->var, j->id, "a name lookup differs");
            }
            total++;
        }
        free(mask);
    }
    size_t nl = fc__catalog_ladder_count(json);
    if (fc__catalog_ladder_count(emb) != nl)
        fail("quant", "*", "ladder lengths differ");
    for (size_t i = 0; i < nl && i < fc__catalog_ladder_count(emb); i++) {
        const fc_quant *a = fc__catalog_ladder_quant(emb, i), *b = fc__catalog_ladder_quant(json, i);
        if (!same_str(a->info.id, b->info.id))
            fail("quant", b->info.id, "ladder order differs");
        if (i > 0 && fc__catalog_ladder_quant(json, i - 1)->ladder > b->ladder)
            fail("quant", b->info.id, "ladder not sorted by rank");
    }
    /* a second add replaces every entry in place */
    fc_error err;
    size_t before[FC_KIND_COUNT];
    for (int k = 0; k < FC_KIND_COUNT; k++)
        before[k] = fc_catalog_count(emb, (fc_kind)k);
    if (fc_catalog_add_embedded(emb, &err) != FC_OK)
        fail("catalog", "*", err.msg);
    for (int k = 0; k < FC_KIND_COUNT; k++)
        if (fc_catalog_count(emb, (fc_kind)k) != before[k])
            fail(kind_descs[k].var, "*", "adding the embedded catalog twice appended entries");
    if (fc_catalog_validate(emb, &err) != FC_OK)
        fail("catalog", "*", err.msg);
    fc_catalog_free(emb);
    fc_catalog_free(json);
    if (failures) {
        fprintf(stderr, "embedcheck: %d differences\n", failures);
        return 1;
    }
    printf("embedcheck: %zu entries identical to the data files parsed at run time\n", total);
    return 0;
}
