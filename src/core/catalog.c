/* catalog.c - parse catalog JSON documents into plain structs, merge by id.
 * Each kind's entries sit in one array with a hash index by id beside it;
 * the embedded catalog arrives pre-parsed (fc__catalog_install). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

/* Keys under which one entry can be found (id, name, aliases): fc_keyset. */
typedef fc_keyset keyset;

typedef struct store {
    char *items;     /* count * size bytes */
    keyset *keys;    /* parallel to items */
    size_t count, cap, size;
    /* open addressing by id: entry index + 1, 0 = empty slot; 2 * cap
     * slots (a power of two), rebuilt when cap grows */
    uint32_t *index;
    size_t index_mask;
    /* items and keys are the embedded catalog's static arrays (count ==
     * cap), never written: store_reserve() copies them before any change */
    bool borrowed;
} store;

struct fc_catalog {
    fc_arena arena;
    store kinds[FC_KIND_COUNT];
    /* quants with ladder > 0 as (ladder << 32 | index), sorted: the order
     * fc_best_quant walks; capacity follows the quant store's */
    uint64_t *ladder;
    size_t n_ladder;
};

static const size_t kind_size[FC_KIND_COUNT] = {
    sizeof(fc_hardware), sizeof(fc_host), sizeof(fc_link),
    sizeof(fc_model), sizeof(fc_quant), sizeof(fc_backend),
};

/* JSON section name of each kind. */
static const char *const kind_section[FC_KIND_COUNT] = {
    "hardware", "hosts", "links", "models", "quants", "backends",
};

static const char *const kind_label[FC_KIND_COUNT] = {
    "hardware", "host", "link", "model", "quant", "backend",
};

const char *fc_kind_name(fc_kind kind)
{
    return (unsigned)kind < FC_KIND_COUNT ? kind_label[kind] : "entry";
}

fc_catalog *fc_catalog_new(void)
{
    fc_catalog *cat = calloc(1, sizeof *cat);
    if (!cat)
        return NULL;
    for (int k = 0; k < FC_KIND_COUNT; k++)
        cat->kinds[k].size = kind_size[k];
    return cat;
}

static void store_free(store *s)
{
    if (!s->borrowed) {
        free(s->items);
        free(s->keys);
    }
    s->borrowed = false;
    free(s->index);
    s->items = NULL;
    s->keys = NULL;
    s->index = NULL;
    s->index_mask = 0;
    s->count = s->cap = 0;
}

void fc_catalog_free(fc_catalog *cat)
{
    if (!cat)
        return;
    for (int k = 0; k < FC_KIND_COUNT; k++)
        store_free(&cat->kinds[k]);
    free(cat->ladder);
    fc__arena_free(&cat->arena);
    free(cat);
}

static void *store_at(const store *s, size_t i) { return s->items + i * s->size; }

static const fc_entry_info *store_info(const store *s, size_t i)
{
    /* every entry struct starts with its fc_entry_info */
    return (const fc_entry_info *)store_at(s, i);
}

/* FNV-1a */
static uint32_t hash_id(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        h = (h ^ *c) * 16777619u;
    return h;
}

/* Enter entry i (already in place, id not yet indexed) in the index. The
 * index has room: it holds 2 * cap slots for at most cap entries. */
static void index_put(store *s, size_t i)
{
    size_t h = hash_id(store_info(s, i)->id) & s->index_mask;
    while (s->index[h])
        h = (h + 1) & s->index_mask;
    s->index[h] = (uint32_t)(i + 1);
}

static size_t find_index_by_id(const store *s, const char *id)
{
    if (!s->index) /* no entries yet */
        return (size_t)-1;
    size_t h = hash_id(id) & s->index_mask;
    for (uint32_t v; (v = s->index[h]) != 0; h = (h + 1) & s->index_mask)
        if (strcmp(store_info(s, v - 1)->id, id) == 0)
            return v - 1;
    return (size_t)-1;
}

/* Room for n entries, so that appending up to n can no longer fail, in
 * arrays of the store's own (a borrowed store is copied first). */
static int store_reserve(store *s, size_t n)
{
    if (n <= s->cap && !s->borrowed)
        return 0;
    size_t cap = s->cap && !s->borrowed ? s->cap * 2 : 64;
    while (cap < n || cap < s->count)
        cap *= 2;
    if (cap > UINT32_MAX / 2)
        return -1;
    uint32_t *index = calloc(cap * 2, sizeof *index);
    if (!index)
        return -1;
    if (s->borrowed) {
        char *items = malloc(cap * s->size);
        keyset *keys = malloc(cap * sizeof *keys);
        if (!items || !keys) {
            free(items);
            free(keys);
            free(index);
            return -1;
        }
        memcpy(items, s->items, s->count * s->size);
        memcpy(keys, s->keys, s->count * sizeof *keys);
        s->items = items;
        s->keys = keys;
        s->borrowed = false;
    } else {
        char *items = realloc(s->items, cap * s->size);
        if (!items) {
            free(index);
            return -1;
        }
        s->items = items;
        keyset *keys = realloc(s->keys, cap * sizeof *keys);
        if (!keys) {
            free(index);
            return -1;
        }
        s->keys = keys;
    }
    s->cap = cap;
    free(s->index);
    s->index = index;
    s->index_mask = cap * 2 - 1;
    for (size_t i = 0; i < s->count; i++)
        index_put(s, i);
    return 0;
}

/* Put entry (s->size bytes) with its keys in: replace the entry with the
 * same id in place, or append. The store must have room (store_reserve). */
static void store_put(store *s, const void *entry, keyset keys)
{
    size_t at = find_index_by_id(s, ((const fc_entry_info *)entry)->id);
    bool append = at == (size_t)-1;
    if (append)
        at = s->count++;
    memcpy(store_at(s, at), entry, s->size);
    s->keys[at] = keys;
    if (append)
        index_put(s, at);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Room in the ladder for every quant the store can hold. */
static int kind_reserve(fc_catalog *cat, fc_kind kind, size_t n)
{
    store *s = &cat->kinds[kind];
    size_t old = s->cap;
    if (store_reserve(s, n) != 0)
        return -1;
    if (kind == FC_KIND_QUANT && (s->cap != old || !cat->ladder)) {
        uint64_t *l = realloc(cat->ladder, s->cap * sizeof *l);
        if (!l)
            return -1;
        cat->ladder = l;
    }
    return 0;
}

/* After the quants changed: the ladder walk again (ladder rank, then
 * catalog order). Cannot fail: kind_reserve made the room. */
static void ladder_update(fc_catalog *cat)
{
    const store *s = &cat->kinds[FC_KIND_QUANT];
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++) {
        const fc_quant *q = store_at(s, i);
        if (q->ladder > 0)
            cat->ladder[n++] = (uint64_t)(unsigned)q->ladder << 32 | (uint64_t)i;
    }
    qsort(cat->ladder, n, sizeof *cat->ladder, cmp_u64);
    cat->n_ladder = n;
}

size_t fc__catalog_ladder_count(const fc_catalog *cat) { return cat->n_ladder; }

const fc_quant *fc__catalog_ladder_quant(const fc_catalog *cat, size_t k)
{
    if (k >= cat->n_ladder)
        return NULL;
    return store_at(&cat->kinds[FC_KIND_QUANT], (size_t)(cat->ladder[k] & 0xffffffffu));
}

size_t fc__catalog_index(const fc_catalog *cat, fc_kind kind, const char *id)
{
    if ((unsigned)kind >= FC_KIND_COUNT || !id)
        return (size_t)-1;
    return find_index_by_id(&cat->kinds[kind], id);
}

fc_keyset fc__catalog_keys(const fc_catalog *cat, fc_kind kind, size_t i)
{
    fc_keyset none = { NULL, 0 };
    if ((unsigned)kind >= FC_KIND_COUNT || i >= cat->kinds[kind].count)
        return none;
    return cat->kinds[kind].keys[i];
}

fc_status fc__catalog_install(fc_catalog *cat, fc_kind kind, const void *entries,
                              const fc_keyset *keys, size_t n, fc_error *err)
{
    if ((unsigned)kind >= FC_KIND_COUNT)
        return fc__fail(err, FC_ERR_FIELD, "unknown kind");
    store *s = &cat->kinds[kind];
    if (n == 0)
        return FC_OK;
    if (s->count == 0 && s->cap == 0) {
        /* the usual case, an empty kind: use the entries where they are,
         * with an index of 2n or more slots (ids are unique, embed.c made
         * them from a catalog) */
        size_t slots = 16;
        while (slots < 2 * n)
            slots *= 2;
        uint64_t *ladder = NULL;
        if (slots > UINT32_MAX ||
            (kind == FC_KIND_QUANT && !(ladder = malloc(n * sizeof *ladder))))
            return fc__fail(err, FC_ERR_NOMEM, "out of memory");
        uint32_t *index = calloc(slots, sizeof *index);
        if (!index) {
            free(ladder);
            return fc__fail(err, FC_ERR_NOMEM, "out of memory");
        }
        s->items = (char *)entries; /* not written while borrowed */
        s->keys = (keyset *)keys;
        s->count = s->cap = n;
        s->borrowed = true;
        s->index = index;
        s->index_mask = slots - 1;
        for (size_t i = 0; i < n; i++)
            index_put(s, i);
        if (kind == FC_KIND_QUANT) {
            free(cat->ladder);
            cat->ladder = ladder;
            ladder_update(cat);
        }
        return FC_OK;
    }
    if (kind_reserve(cat, kind, s->count + n) != 0)
        return fc__fail(err, FC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        store_put(s, (const char *)entries + i * s->size, keys[i]);
    if (kind == FC_KIND_QUANT)
        ladder_update(cat);
    return FC_OK;
}

size_t fc_catalog_count(const fc_catalog *cat, fc_kind kind)
{
    return (unsigned)kind < FC_KIND_COUNT ? cat->kinds[kind].count : 0;
}

const fc_entry_info *fc_catalog_info(const fc_catalog *cat, fc_kind kind, size_t i)
{
    if ((unsigned)kind >= FC_KIND_COUNT || i >= cat->kinds[kind].count)
        return NULL;
    return store_info(&cat->kinds[kind], i);
}

#define FC_ACCESSOR(fn, type, kind)                                        \
    const type *fn(const fc_catalog *cat, size_t i)                       \
    {                                                                      \
        return (const type *)fc_catalog_info(cat, kind, i);               \
    }
FC_ACCESSOR(fc_catalog_hardware, fc_hardware, FC_KIND_HARDWARE)
FC_ACCESSOR(fc_catalog_host, fc_host, FC_KIND_HOST)
FC_ACCESSOR(fc_catalog_link, fc_link, FC_KIND_LINK)
FC_ACCESSOR(fc_catalog_model, fc_model, FC_KIND_MODEL)
FC_ACCESSOR(fc_catalog_quant, fc_quant, FC_KIND_QUANT)
FC_ACCESSOR(fc_catalog_backend, fc_backend, FC_KIND_BACKEND)

void fc_name_key(const char *name, char *out, size_t out_size)
{
    size_t n = 0;
    if (out_size == 0)
        return;
    for (const unsigned char *p = (const unsigned char *)name; p && *p; p++) {
        if (*p == ' ' || *p == '-' || *p == '_' || *p == '.' || *p == '\t')
            continue;
        if (n + 1 >= out_size)
            break;
        out[n++] = (char)tolower(*p);
    }
    out[n] = '\0';
}

/* ---- parsing context ----------------------------------------------------- */

typedef struct pctx {
    fc_arena *arena;
    const char *origin;
    const char *section;
    char entry[96];   /* "entry 'rtx4090'" or "entry #3" */
    fc_error *err;
    fc_status status;
} pctx;

static bool failf(pctx *p, fc_status code, const char *field, const char *what)
{
    if (p->status == FC_OK)
        p->status = fc__fail(p->err, code, "%s: %s: field '%s' %s",
                             p->origin, p->entry, field, what);
    return false;
}

static bool oom(pctx *p)
{
    if (p->status == FC_OK)
        p->status = fc__fail(p->err, FC_ERR_NOMEM, "%s: out of memory", p->origin);
    return false;
}

/* Control characters (escape sequences, newlines) would reach the terminal
 * and break one-line output: catalogs from strangers must not carry them. */
static bool has_control(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return true;
    return false;
}

static bool get_str(pctx *p, const cJSON *obj, const char *key, const char **out,
                    bool required)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it || cJSON_IsNull(it)) {
        if (required && !*out)
            return failf(p, FC_ERR_FIELD, key, "is required");
        return true;
    }
    if (!cJSON_IsString(it) || !it->valuestring)
        return failf(p, FC_ERR_FIELD, key, "must be a string");
    if (required && it->valuestring[0] == '\0')
        return failf(p, FC_ERR_FIELD, key, "must not be empty");
    if (strlen(it->valuestring) > 4096)
        return failf(p, FC_ERR_FIELD, key, "is too long (over 4096 characters)");
    if (has_control(it->valuestring))
        return failf(p, FC_ERR_FIELD, key, "must not contain control characters");
    *out = fc__arena_strdup(p->arena, it->valuestring);
    return *out ? true : oom(p);
}

enum { NUM_POSITIVE, NUM_NONNEGATIVE };

/* A finite number in (0, max] (or [0, max]). `have` says whether *out
 * already holds an inherited value, which makes the field optional. */
static bool get_num(pctx *p, const cJSON *obj, const char *key, double *out,
                    bool required, int sign, double max)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it || cJSON_IsNull(it)) {
        if (required)
            return failf(p, FC_ERR_FIELD, key, "is required");
        return true;
    }
    const char *want = sign == NUM_POSITIVE ? "must be a positive number"
                                            : "must be a number >= 0";
    if (!cJSON_IsNumber(it))
        return failf(p, FC_ERR_FIELD, key, want);
    double v = it->valuedouble;
    if (!isfinite(v) || (sign == NUM_POSITIVE ? v <= 0 : v < 0))
        return failf(p, FC_ERR_FIELD, key, want);
    if (v > max) {
        char what[96];
        snprintf(what, sizeof what, "is out of range (at most %g)", max);
        return failf(p, FC_ERR_RANGE, key, what);
    }
    *out = v;
    return true;
}

static bool get_int(pctx *p, const cJSON *obj, const char *key, long *out,
                    bool required, int sign, long max)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it || cJSON_IsNull(it)) {
        if (required)
            return failf(p, FC_ERR_FIELD, key, "is required");
        return true;
    }
    const char *want = sign == NUM_POSITIVE ? "must be a positive integer"
                                            : "must be an integer >= 0";
    if (!cJSON_IsNumber(it))
        return failf(p, FC_ERR_FIELD, key, want);
    double v = it->valuedouble;
    if (!isfinite(v) || v != floor(v) || (sign == NUM_POSITIVE ? v <= 0 : v < 0))
        return failf(p, FC_ERR_FIELD, key, want);
    if (v > (double)max) {
        char what[96];
        snprintf(what, sizeof what, "is out of range (at most %ld)", max);
        return failf(p, FC_ERR_RANGE, key, what);
    }
    *out = (long)v;
    return true;
}

static bool get_int32(pctx *p, const cJSON *obj, const char *key, int *out,
                      bool required, int sign, long max)
{
    long v = *out;
    if (!get_int(p, obj, key, &v, required, sign, max))
        return false;
    *out = (int)v;
    return true;
}

static bool get_bool(pctx *p, const cJSON *obj, const char *key, bool *out, bool required)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it || cJSON_IsNull(it)) {
        if (required)
            return failf(p, FC_ERR_FIELD, key, "is required");
        return true;
    }
    if (!cJSON_IsBool(it))
        return failf(p, FC_ERR_FIELD, key, "must be true or false");
    *out = cJSON_IsTrue(it);
    return true;
}

static bool get_strlist(pctx *p, const cJSON *obj, const char *key, fc_strlist *out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it || cJSON_IsNull(it))
        return true;
    if (!cJSON_IsArray(it))
        return failf(p, FC_ERR_FIELD, key, "must be an array of strings");
    int n = cJSON_GetArraySize(it);
    if (n > 256)
        return failf(p, FC_ERR_RANGE, key, "has too many items (at most 256)");
    const char **items = n ? fc__arena_alloc(p->arena, (size_t)n * sizeof *items) : NULL;
    if (n && !items)
        return oom(p);
    int i = 0;
    const cJSON *el;
    cJSON_ArrayForEach(el, it) {
        if (!cJSON_IsString(el) || !el->valuestring || !el->valuestring[0])
            return failf(p, FC_ERR_FIELD, key, "must be an array of non-empty strings");
        if (strlen(el->valuestring) > 4096 || has_control(el->valuestring))
            return failf(p, FC_ERR_FIELD, key,
                         "items must be at most 4096 characters, without control characters");
        items[i] = fc__arena_strdup(p->arena, el->valuestring);
        if (!items[i])
            return oom(p);
        i++;
    }
    out->items = items;
    out->count = (size_t)n;
    return true;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A repeated key among an object's direct members, by sorting (an object
 * with tens of thousands of keys must not take quadratic time). */
static const char *duplicate_key_sorted(const cJSON *obj, size_t n, bool *done)
{
    const char **keys = malloc(n * sizeof *keys);
    *done = keys != NULL;
    if (!keys)
        return NULL;
    size_t k = 0;
    for (const cJSON *a = obj->child; a && k < n; a = a->next)
        if (a->string)
            keys[k++] = a->string;
    qsort(keys, k, sizeof *keys, cmp_key);
    const char *dup = NULL;
    for (size_t i = 1; i < k && !dup; i++)
        if (strcmp(keys[i - 1], keys[i]) == 0)
            dup = keys[i];
    free(keys);
    return dup;
}

/* JSON allows a key twice and cJSON would silently take the first: reject it. */
static const char *duplicate_key(const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *a = obj ? obj->child : NULL; a; a = a->next)
        n++;
    bool sorted = false;
    if (n > 32) {
        const char *d = duplicate_key_sorted(obj, n, &sorted);
        if (d)
            return d;
    }
    for (const cJSON *a = obj ? obj->child : NULL; a; a = a->next) {
        for (const cJSON *b = sorted ? NULL : a->next; b; b = b->next)
            if (a->string && b->string && strcmp(a->string, b->string) == 0)
                return a->string;
        if (cJSON_IsObject(a)) {
            const char *d = duplicate_key(a);
            if (d)
                return d;
        }
    }
    return NULL;
}

static bool valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64 || !strpbrk(id, "abcdefghijklmnopqrstuvwxyz0123456789"))
        return false;
    for (const char *c = id; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '.' ||
              *c == '-' || *c == '_'))
            return false;
    return true;
}

/* id, name, aliases, source, notes, ref, unverified. */
static bool parse_info(pctx *p, const cJSON *obj, fc_entry_info *info, bool need_source,
                       bool inherited)
{
    info->id = NULL;
    if (!get_str(p, obj, "id", &info->id, true))
        return false;
    if (!valid_id(info->id))
        return failf(p, FC_ERR_FIELD, "id",
                     "must be 1-64 characters of lowercase letters, digits, '.', '-' or '_'");
    snprintf(p->entry, sizeof p->entry, "entry '%s'", info->id);
    if (!inherited) {
        info->name = NULL;
        info->source = NULL;
    }
    info->aliases.items = NULL;
    info->aliases.count = 0;
    info->origin = p->origin;
    if (!get_str(p, obj, "name", &info->name, true) ||
        !get_str(p, obj, "source", &info->source, need_source) ||
        !get_str(p, obj, "notes", &info->notes, false) ||
        !get_str(p, obj, "ref", &info->ref, false) ||
        !get_strlist(p, obj, "aliases", &info->aliases) ||
        !get_strlist(p, obj, "unverified", &info->unverified))
        return false;
    return true;
}

#define MAX_GB 1.0e6       /* a million GiB */
#define MAX_GBS 1.0e6      /* GB/s */
#define MAX_TFLOPS 1.0e6
#define MAX_DIM 10000000L  /* hidden sizes, vocab */
#define MAX_CTX 100000000L /* 100M tokens */

static const char *const categories[] = {
    "desktop_gpu", "laptop_gpu", "workstation_gpu", "datacenter_gpu",
    "apple", "unified_soc", "edge_soc", NULL,
};

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static bool parse_hardware(pctx *p, const cJSON *o, fc_hardware *h)
{
    long year = 0, cu = 0, gen = 0, lanes = 0;
    if (!parse_info(p, o, &h->info, true, false) ||
        !get_str(p, o, "vendor", &h->vendor, true) ||
        !get_str(p, o, "category", &h->category, true) ||
        !get_str(p, o, "memory_type", &h->memory_type, true) ||
        !get_str(p, o, "backend", &h->backend, true) ||
        !get_strlist(p, o, "backends", &h->backends) ||
        !get_str(p, o, "link", &h->link, false) ||
        !get_str(p, o, "price_kind", &h->price_kind, false) ||
        !get_num(p, o, "memory_gb", &h->memory_gb, true, NUM_POSITIVE, MAX_GB) ||
        !get_num(p, o, "bandwidth_gbs", &h->bandwidth_gbs, true, NUM_POSITIVE, MAX_GBS) ||
        !get_num(p, o, "fp16_tflops", &h->fp16_tflops, true, NUM_POSITIVE, MAX_TFLOPS) ||
        !get_num(p, o, "gpu_usable_default_gb", &h->gpu_usable_default_gb, false,
                 NUM_POSITIVE, MAX_GB) ||
        !get_num(p, o, "power_w", &h->power_w, false, NUM_POSITIVE, 1e6) ||
        !get_num(p, o, "idle_w", &h->idle_w, false, NUM_POSITIVE, 1e6) ||
        !get_num(p, o, "price_usd", &h->price_usd, false, NUM_POSITIVE, 1e9) ||
        !get_int(p, o, "compute_units", &cu, false, NUM_POSITIVE, 1000000) ||
        !get_int(p, o, "release_year", &year, true, NUM_POSITIVE, 3000) ||
        !get_int(p, o, "pcie_gen", &gen, false, NUM_POSITIVE, 16) ||
        !get_int(p, o, "pcie_lanes", &lanes, false, NUM_POSITIVE, 64) ||
        !get_bool(p, o, "unified_memory", &h->unified_memory, false))
        return false;
    if (!in_list(h->category, categories))
        return failf(p, FC_ERR_FIELD, "category",
                     "must be one of desktop_gpu, laptop_gpu, workstation_gpu, "
                     "datacenter_gpu, apple, unified_soc, edge_soc");
    if (h->gpu_usable_default_gb > h->memory_gb)
        return failf(p, FC_ERR_RANGE, "gpu_usable_default_gb", "must not exceed memory_gb");
    if (year < 1990)
        return failf(p, FC_ERR_RANGE, "release_year", "must be a year after 1990");
    h->compute_units = (int)cu;
    h->release_year = (int)year;
    h->pcie_gen = (int)gen;
    h->pcie_lanes = (int)lanes;
    return true;
}

static bool parse_host(pctx *p, const cJSON *o, fc_host *h)
{
    long ch = 0;
    if (!parse_info(p, o, &h->info, true, false) ||
        !get_num(p, o, "bandwidth_gbs", &h->bandwidth_gbs, true, NUM_POSITIVE, MAX_GBS) ||
        !get_num(p, o, "memory_gb", &h->memory_gb, true, NUM_POSITIVE, MAX_GB) ||
        !get_int(p, o, "channels", &ch, false, NUM_POSITIVE, 1024))
        return false;
    h->channels = (int)ch;
    return true;
}

static bool parse_link(pctx *p, const cJSON *o, fc_link *l)
{
    return parse_info(p, o, &l->info, true, false) &&
           get_num(p, o, "bandwidth_gbs", &l->bandwidth_gbs, true, NUM_POSITIVE, MAX_GBS) &&
           get_num(p, o, "latency_us", &l->latency_us, true, NUM_NONNEGATIVE, 1e7);
}

static bool parse_quant(pctx *p, const cJSON *o, fc_quant *q)
{
    long ladder = 0;
    if (!parse_info(p, o, &q->info, true, false) ||
        !get_str(p, o, "family", &q->family, true) ||
        !get_str(p, o, "format", &q->format, true) ||
        !get_num(p, o, "bpw", &q->bpw, true, NUM_POSITIVE, 64) ||
        !get_num(p, o, "nominal_bpw", &q->nominal_bpw, false, NUM_POSITIVE, 64) ||
        !get_num(p, o, "embed_bpw", &q->embed_bpw, false, NUM_POSITIVE, 64) ||
        !get_int(p, o, "ladder", &ladder, false, NUM_POSITIVE, 1000))
        return false;
    q->ladder = (int)ladder;
    return true;
}

static bool parse_backend(pctx *p, const cJSON *o, fc_backend *b)
{
    b->hbm_efficiency_scale = 1.0;
    b->cpu_bw_efficiency = 0.6;
    return parse_info(p, o, &b->info, false, false) &&
           get_str(p, o, "runtime", &b->runtime, true) &&
           get_str(p, o, "quant_format", &b->quant_format, true) &&
           get_num(p, o, "bw_efficiency", &b->bw_efficiency, true, NUM_POSITIVE, 1.0) &&
           get_num(p, o, "hbm_efficiency_scale", &b->hbm_efficiency_scale, false,
                   NUM_POSITIVE, 2.0) &&
           get_num(p, o, "token_overhead_us", &b->token_overhead_us, true,
                   NUM_NONNEGATIVE, 1e6) &&
           get_num(p, o, "layer_overhead_us", &b->layer_overhead_us, true,
                   NUM_NONNEGATIVE, 1e5) &&
           get_num(p, o, "prefill_efficiency", &b->prefill_efficiency, true, NUM_POSITIVE,
                   1.0) &&
           get_num(p, o, "context_mib_base", &b->context_mib_base, false, NUM_NONNEGATIVE,
                   1e5) &&
           get_num(p, o, "context_mib_per_cu", &b->context_mib_per_cu, false,
                   NUM_NONNEGATIVE, 1e3) &&
           get_num(p, o, "cpu_bw_efficiency", &b->cpu_bw_efficiency, false,
                   NUM_POSITIVE, 1.0) &&
           get_num(p, o, "dequant_ops_per_weight", &b->dequant_ops_per_weight, false,
                   NUM_NONNEGATIVE, 1e3) &&
           get_num(p, o, "cu_bandwidth_gbs", &b->cu_bandwidth_gbs, false, NUM_NONNEGATIVE,
                   1e4);
}

static bool parse_model(pctx *p, const cJSON *o, fc_model *m, const fc_model *base)
{
    const char *arch = NULL;
    bool req = base == NULL; /* a same_as entry inherits every architecture field */
    if (base) {
        *m = *base;
        m->info.ref = NULL;
        m->info.notes = NULL;
        m->info.unverified.items = NULL;
        m->info.unverified.count = 0;
    }
    if (!parse_info(p, o, &m->info, true, base != NULL))
        return false;
    m->same_as = base ? base->info.id : NULL;
    if (!get_str(p, o, "family", &m->family, false) ||
        !get_str(p, o, "hf_repo", &m->hf_repo, false) ||
        !get_str(p, o, "native_dtype", &m->native_dtype, false) ||
        !get_str(p, o, "release_date", &m->release_date, false) ||
        !get_str(p, o, "license", &m->license, false) ||
        !get_str(p, o, "params_note", &m->params_note, false) ||
        !get_strlist(p, o, "quants", &m->quants) ||
        !get_str(p, o, "arch", &arch, req))
        return false;
    if (arch) {
        if (strcmp(arch, "dense") == 0)
            m->arch = FC_ARCH_DENSE;
        else if (strcmp(arch, "moe") == 0)
            m->arch = FC_ARCH_MOE;
        else if (strcmp(arch, "hybrid") == 0)
            m->arch = FC_ARCH_HYBRID;
        else
            return failf(p, FC_ERR_FIELD, "arch", "must be dense, moe or hybrid");
    }
    if (base) {
        /* an explicit total without an explicit active count re-derives it */
        if (cJSON_GetObjectItemCaseSensitive(o, "params_b") &&
            !cJSON_GetObjectItemCaseSensitive(o, "active_params_b"))
            m->active_params_b = 0;
    }
    if (!get_num(p, o, "params_b", &m->params_b, req, NUM_POSITIVE, 1e5) ||
        !get_num(p, o, "params_stated_b", &m->params_stated_b, false, NUM_POSITIVE, 1e5) ||
        !get_num(p, o, "active_params_b", &m->active_params_b, false, NUM_POSITIVE, 1e5) ||
        !get_int32(p, o, "layers", &m->layers, req, NUM_POSITIVE, 10000) ||
        !get_int32(p, o, "hidden_size", &m->hidden_size, req, NUM_POSITIVE, MAX_DIM) ||
        !get_int32(p, o, "heads", &m->heads, req, NUM_POSITIVE, 100000) ||
        !get_int32(p, o, "kv_heads", &m->kv_heads, req, NUM_POSITIVE, 100000) ||
        !get_int32(p, o, "head_dim", &m->head_dim, req, NUM_POSITIVE, 100000) ||
        !get_int32(p, o, "intermediate_size", &m->intermediate_size, req, NUM_POSITIVE,
                   MAX_DIM) ||
        !get_int32(p, o, "vocab_size", &m->vocab_size, req, NUM_POSITIVE, MAX_DIM) ||
        !get_int(p, o, "context", &m->context, req, NUM_POSITIVE, MAX_CTX) ||
        !get_int(p, o, "max_position_embeddings", &m->max_position_embeddings, false,
                 NUM_POSITIVE, MAX_CTX) ||
        !get_bool(p, o, "tie_embeddings", &m->tie_embeddings, req) ||
        !get_bool(p, o, "attention_bias", &m->attention_bias, false))
        return false;
    if (m->kv_heads > m->heads)
        return failf(p, FC_ERR_RANGE, "kv_heads", "must not exceed heads");

    const cJSON *sw = cJSON_GetObjectItemCaseSensitive(o, "sliding_window");
    if (sw && !cJSON_IsNull(sw)) {
        if (!cJSON_IsObject(sw))
            return failf(p, FC_ERR_FIELD, "sliding_window", "must be an object");
        if (!get_int32(p, sw, "window", &m->swa_window, true, NUM_POSITIVE, MAX_CTX) ||
            !get_int32(p, sw, "local_layers", &m->swa_local_layers, true, NUM_POSITIVE, 10000) ||
            !get_int32(p, sw, "global_layers", &m->swa_global_layers, true, NUM_NONNEGATIVE,
                       10000) ||
            !get_int32(p, sw, "global_kv_heads", &m->swa_global_kv_heads, false, NUM_POSITIVE,
                       100000) ||
            !get_int32(p, sw, "global_head_dim", &m->swa_global_head_dim, false, NUM_POSITIVE,
                       100000))
            return false;
    }
    const cJSON *mla = cJSON_GetObjectItemCaseSensitive(o, "mla");
    if (mla && !cJSON_IsNull(mla)) {
        if (!cJSON_IsObject(mla))
            return failf(p, FC_ERR_FIELD, "mla", "must be an object");
        m->mla_q_lora_rank = 0;
        if (!get_int32(p, mla, "kv_lora_rank", &m->mla_kv_lora_rank, true, NUM_POSITIVE,
                       MAX_DIM) ||
            !get_int32(p, mla, "qk_rope_head_dim", &m->mla_qk_rope_head_dim, true,
                       NUM_POSITIVE, 100000) ||
            !get_int32(p, mla, "qk_nope_head_dim", &m->mla_qk_nope_head_dim, true,
                       NUM_POSITIVE, 100000) ||
            !get_int32(p, mla, "v_head_dim", &m->mla_v_head_dim, true, NUM_POSITIVE, 100000) ||
            !get_int32(p, mla, "q_lora_rank", &m->mla_q_lora_rank, false, NUM_NONNEGATIVE,
                       MAX_DIM))
            return false;
    }
    const cJSON *moe = cJSON_GetObjectItemCaseSensitive(o, "moe");
    if (moe && !cJSON_IsNull(moe)) {
        if (!cJSON_IsObject(moe))
            return failf(p, FC_ERR_FIELD, "moe", "must be an object");
        m->moe_shared_experts = 0;
        m->moe_shared_intermediate = 0;
        m->moe_dense_layers = 0;
        if (!get_int32(p, moe, "experts", &m->moe_experts, true, NUM_POSITIVE, 100000) ||
            !get_int32(p, moe, "experts_per_token", &m->moe_experts_per_token, true,
                       NUM_POSITIVE, 100000) ||
            !get_int32(p, moe, "shared_experts", &m->moe_shared_experts, false,
                       NUM_NONNEGATIVE, 100000) ||
            !get_int32(p, moe, "expert_intermediate_size", &m->moe_expert_intermediate, true,
                       NUM_POSITIVE, MAX_DIM) ||
            !get_int32(p, moe, "shared_intermediate_size", &m->moe_shared_intermediate, false,
                       NUM_POSITIVE, MAX_DIM) ||
            !get_int32(p, moe, "dense_layers", &m->moe_dense_layers, false, NUM_NONNEGATIVE,
                       10000))
            return false;
        if (m->moe_experts_per_token > m->moe_experts)
            return failf(p, FC_ERR_RANGE, "moe.experts_per_token", "must not exceed moe.experts");
        if (m->moe_dense_layers > m->layers)
            return failf(p, FC_ERR_RANGE, "moe.dense_layers", "must not exceed layers");
        if (!m->moe_shared_intermediate)
            m->moe_shared_intermediate = m->moe_expert_intermediate;
    }
    const cJSON *hy = cJSON_GetObjectItemCaseSensitive(o, "hybrid");
    if (hy && !cJSON_IsNull(hy)) {
        if (!cJSON_IsObject(hy))
            return failf(p, FC_ERR_FIELD, "hybrid", "must be an object");
        if (!get_int32(p, hy, "attention_layers", &m->hybrid_attention_layers, true,
                       NUM_POSITIVE, 10000) ||
            !get_num(p, hy, "state_bytes", &m->hybrid_state_bytes, false, NUM_NONNEGATIVE,
                     1e13))
            return false;
        if (m->hybrid_attention_layers > m->layers)
            return failf(p, FC_ERR_RANGE, "hybrid.attention_layers", "must not exceed layers");
    }
    const cJSON *kv = cJSON_GetObjectItemCaseSensitive(o, "kv_bytes_per_token_ref");
    if (kv && !cJSON_IsNull(kv)) {
        if (!cJSON_IsObject(kv))
            return failf(p, FC_ERR_FIELD, "kv_bytes_per_token_ref", "must be an object");
        if (!get_num(p, kv, "global", &m->kv_ref_global, false, NUM_NONNEGATIVE, 1e12) ||
            !get_num(p, kv, "local", &m->kv_ref_local, false, NUM_NONNEGATIVE, 1e12))
            return false;
    }
    /* cross-field consistency */
    if (m->arch == FC_ARCH_MOE && m->moe_experts == 0)
        return failf(p, FC_ERR_FIELD, "moe", "is required when arch is moe");
    if (m->arch == FC_ARCH_HYBRID && m->hybrid_attention_layers == 0)
        return failf(p, FC_ERR_FIELD, "hybrid", "is required when arch is hybrid");
    /* fewer is allowed: KV-sharing layers (Gemma 3n) reuse earlier caches */
    if (m->swa_window && m->swa_local_layers + m->swa_global_layers >
                             (m->hybrid_attention_layers ? m->hybrid_attention_layers
                                                         : m->layers))
        return failf(p, FC_ERR_FIELD, "sliding_window",
                     "local_layers + global_layers must not exceed the attention layers");
    if (m->active_params_b > m->params_b * 1.0001)
        return failf(p, FC_ERR_RANGE, "active_params_b", "must not exceed params_b");
    if (m->active_params_b == 0) {
        /* derive the per-token share from the architecture, scaled to params_b */
        fc_param_count c = fc_model_count_params(m);
        double share = c.total > 0 ? c.active / c.total : 1.0;
        if (!(share > 0) || share > 1)
            share = 1.0;
        m->active_params_b = m->params_b * share;
    }
    return true;
}

/* ---- documents ----------------------------------------------------------- */

static void line_col(const char *json, size_t len, const char *at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    if (!at || at < json || at > json + len)
        return;
    for (const char *c = json; c < at; c++) {
        if (*c == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static const fc_model *find_model_for_base(const fc_catalog *cat, const store *staged,
                                           const char *id)
{
    size_t i = find_index_by_id(staged, id);
    if (i != (size_t)-1)
        return store_at(staged, i);
    i = find_index_by_id(&cat->kinds[FC_KIND_MODEL], id);
    if (i != (size_t)-1)
        return store_at(&cat->kinds[FC_KIND_MODEL], i);
    return NULL;
}

static bool make_keys(fc_arena *a, const fc_entry_info *info, keyset *ks)
{
    size_t n = 2 + info->aliases.count;
    const char **keys = fc__arena_alloc(a, n * sizeof *keys);
    if (!keys)
        return false;
    ks->keys = keys;
    ks->count = 0;
    const char *names[2] = { info->id, info->name };
    for (size_t i = 0; i < n; i++) {
        const char *src = i < 2 ? names[i] : info->aliases.items[i - 2];
        char key[256];
        fc_name_key(src, key, sizeof key);
        if (!key[0])
            continue;
        keys[ks->count] = fc__arena_strdup(a, key);
        if (!keys[ks->count])
            return false;
        ks->count++;
    }
    return true;
}

static fc_status parse_section(fc_catalog *cat, const cJSON *root, fc_kind kind,
                               store *staged, pctx *p)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, kind_section[kind]);
    if (!arr)
        return FC_OK;
    p->section = kind_section[kind];
    if (!cJSON_IsArray(arr))
        return fc__fail(p->err, FC_ERR_FIELD, "%s: section '%s' must be an array", p->origin,
                        kind_section[kind]);
    int n = cJSON_GetArraySize(arr);
    /* the id checks are linear per entry: 10000 keeps a hostile file under a second */
    if (n > 10000)
        return fc__fail(p->err, FC_ERR_RANGE,
                        "%s: section '%s' has too many entries (at most 10000)", p->origin,
                        kind_section[kind]);
    staged->size = kind_size[kind];
    if (store_reserve(staged, (size_t)n) != 0)
        return fc__fail(p->err, FC_ERR_NOMEM, "%s: out of memory", p->origin);
    int idx = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        idx++;
        snprintf(p->entry, sizeof p->entry, "%s entry #%d", kind_section[kind], idx);
        if (!cJSON_IsObject(o))
            return fc__fail(p->err, FC_ERR_FIELD, "%s: %s: must be an object", p->origin,
                            p->entry);
        const char *dup = duplicate_key(o);
        if (dup) {
            const cJSON *idj = cJSON_GetObjectItemCaseSensitive(o, "id");
            if (cJSON_IsString(idj) && idj->valuestring)
                snprintf(p->entry, sizeof p->entry, "entry '%.60s'", idj->valuestring);
            return fc__fail(p->err, FC_ERR_FIELD, "%s: %s: field '%s' appears more than once",
                            p->origin, p->entry, dup);
        }
        void *item = store_at(staged, staged->count);
        memset(item, 0, kind_size[kind]);
        bool ok = false;
        switch (kind) {
        case FC_KIND_HARDWARE: ok = parse_hardware(p, o, item); break;
        case FC_KIND_HOST: ok = parse_host(p, o, item); break;
        case FC_KIND_LINK: ok = parse_link(p, o, item); break;
        case FC_KIND_QUANT: ok = parse_quant(p, o, item); break;
        case FC_KIND_BACKEND: ok = parse_backend(p, o, item); break;
        case FC_KIND_MODEL: {
            const cJSON *sa = cJSON_GetObjectItemCaseSensitive(o, "same_as");
            const fc_model *base = NULL;
            if (sa && !cJSON_IsNull(sa)) {
                const cJSON *idj = cJSON_GetObjectItemCaseSensitive(o, "id");
                if (cJSON_IsString(idj) && idj->valuestring)
                    snprintf(p->entry, sizeof p->entry, "entry '%.60s'", idj->valuestring);
                if (!cJSON_IsString(sa) || !sa->valuestring)
                    return (fc_status)(failf(p, FC_ERR_FIELD, "same_as", "must be a string"),
                                       p->status);
                base = find_model_for_base(cat, staged, sa->valuestring);
                if (!base) {
                    char what[160];
                    snprintf(what, sizeof what,
                             "names unknown model '%.60s' (it must be defined earlier)",
                             sa->valuestring);
                    failf(p, FC_ERR_REFERENCE, "same_as", what);
                    return p->status;
                }
            }
            fc_model tmp;
            memset(&tmp, 0, sizeof tmp);
            ok = parse_model(p, o, &tmp, base);
            if (ok)
                memcpy(item, &tmp, sizeof tmp);
            break;
        }
        default: break;
        }
        if (!ok)
            return p->status != FC_OK ? p->status
                                      : fc__fail(p->err, FC_ERR_FIELD, "%s: %s: invalid",
                                                 p->origin, p->entry);
        const fc_entry_info *info = item;
        if (find_index_by_id(staged, info->id) != (size_t)-1)
            return fc__fail(p->err, FC_ERR_DUPLICATE, "%s: entry '%s': duplicate id in '%s'",
                            p->origin, info->id, kind_section[kind]);
        if (!make_keys(p->arena, info, &staged->keys[staged->count]))
            return fc__fail(p->err, FC_ERR_NOMEM, "%s: out of memory", p->origin);
        index_put(staged, staged->count);
        staged->count++;
    }
    return FC_OK;
}

/* Room for a document's entries of every kind, before any goes in: a
 * document is added whole or not at all. */
static fc_status reserve_all(fc_catalog *cat, const store *staged)
{
    for (int k = 0; k < FC_KIND_COUNT; k++)
        if (staged[k].count &&
            kind_reserve(cat, (fc_kind)k, cat->kinds[k].count + staged[k].count) != 0)
            return FC_ERR_NOMEM;
    return FC_OK;
}

static void commit(fc_catalog *cat, fc_kind kind, const store *staged)
{
    store *s = &cat->kinds[kind];
    for (size_t i = 0; i < staged->count; i++)
        store_put(s, store_at(staged, i), staged->keys[i]);
    if (kind == FC_KIND_QUANT && staged->count)
        ladder_update(cat);
}

fc_status fc_catalog_add_json(fc_catalog *cat, const char *json, size_t len,
                              const char *origin, fc_error *err)
{
    if (!cat || !json)
        return fc__fail(err, FC_ERR_FIELD, "%s: no document", origin ? origin : "(null)");
    origin = fc__arena_strdup(&cat->arena, origin ? origin : "(catalog)");
    if (!origin)
        return fc__fail(err, FC_ERR_NOMEM, "out of memory");
    if (len == 0)
        return fc__fail(err, FC_ERR_PARSE, "%s: empty file (expected a JSON object)", origin);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!root) {
        int line, col;
        line_col(json, len, end, &line, &col);
        return fc__fail(err, FC_ERR_PARSE, "%s: malformed JSON at line %d, column %d", origin,
                        line, col);
    }
    /* trailing garbage after the document */
    for (const char *c = end; c && c < json + len; c++) {
        if (!isspace((unsigned char)*c)) {
            int line, col;
            line_col(json, len, c, &line, &col);
            cJSON_Delete(root);
            return fc__fail(err, FC_ERR_PARSE,
                            "%s: malformed JSON at line %d, column %d (text after the document)",
                            origin, line, col);
        }
    }
    fc_status st = FC_OK;
    store staged[FC_KIND_COUNT];
    memset(staged, 0, sizeof staged);
    pctx p = { &cat->arena, origin, "", "", err, FC_OK };
    if (!cJSON_IsObject(root)) {
        st = fc__fail(err, FC_ERR_PARSE, "%s: the document must be a JSON object", origin);
        goto out;
    }
    const char *dup = duplicate_key(root);
    if (dup) {
        st = fc__fail(err, FC_ERR_FIELD, "%s: field '%s' appears more than once", origin, dup);
        goto out;
    }
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
    if (!sv) {
        st = fc__fail(err, FC_ERR_FIELD, "%s: field 'schema_version' is required", origin);
        goto out;
    }
    if (!cJSON_IsNumber(sv) || sv->valuedouble != FC_SCHEMA_VERSION) {
        st = fc__fail(err, FC_ERR_FIELD, "%s: field 'schema_version' must be %d", origin,
                      FC_SCHEMA_VERSION);
        goto out;
    }
    bool any = false;
    for (int k = 0; k < FC_KIND_COUNT; k++)
        if (cJSON_GetObjectItemCaseSensitive(root, kind_section[k]))
            any = true;
    if (!any) {
        st = fc__fail(err, FC_ERR_FIELD,
                      "%s: no catalog section (expected one of hardware, hosts, links, "
                      "models, quants, backends)",
                      origin);
        goto out;
    }
    for (int k = 0; k < FC_KIND_COUNT && st == FC_OK; k++)
        st = parse_section(cat, root, (fc_kind)k, &staged[k], &p);
    if (st == FC_OK && reserve_all(cat, staged) != FC_OK)
        st = fc__fail(err, FC_ERR_NOMEM, "%s: out of memory", origin);
    for (int k = 0; k < FC_KIND_COUNT && st == FC_OK; k++)
        commit(cat, (fc_kind)k, &staged[k]);
out:
    for (int k = 0; k < FC_KIND_COUNT; k++)
        store_free(&staged[k]);
    cJSON_Delete(root);
    return st;
}

fc_status fc_catalog_add_file(fc_catalog *cat, const char *path, fc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fc__fail(err, FC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    fc_status st = FC_OK;
    if (!buf) {
        fclose(f);
        return fc__fail(err, FC_ERR_NOMEM, "%s: out of memory", path);
    }
    for (;;) {
        if (len == cap) {
            if (cap >= (size_t)256 * 1024 * 1024) {
                st = fc__fail(err, FC_ERR_RANGE, "%s: file too large (over 256 MiB)", path);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                st = fc__fail(err, FC_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                st = fc__fail(err, FC_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
    }
    fclose(f);
    if (st == FC_OK)
        st = fc_catalog_add_json(cat, buf, len, path, err);
    free(buf);
    return st;
}

/* ---- lookup -------------------------------------------------------------- */

fc_status fc_catalog_find(const fc_catalog *cat, fc_kind kind, const char *name,
                          size_t *index, fc_error *err)
{
    if ((unsigned)kind >= FC_KIND_COUNT)
        return fc__fail(err, FC_ERR_NOT_FOUND, "unknown kind");
    const store *s = &cat->kinds[kind];
    const char *label = kind_label[kind];
    /* the characters fc_name_key() drops: nothing else = an empty key */
    if (!name || name[strspn(name, " -_.\t")] == '\0')
        return fc__fail(err, FC_ERR_NOT_FOUND, "empty %s name", label);

    /* 1. exact id (a hash lookup), 2. exact alias or name */
    size_t exact = find_index_by_id(s, name);
    if (exact != (size_t)-1) {
        *index = exact;
        return FC_OK;
    }
    char key[256];
    fc_name_key(name, key, sizeof key);
    size_t found = (size_t)-1, n_found = 0;
    /* an id (keys[0]) outranks the aliases and names of other entries */
    for (size_t i = 0; i < s->count; i++)
        if (s->keys[i].count > 0 && strcmp(s->keys[i].keys[0], key) == 0) {
            found = i;
            n_found++;
        }
    if (n_found == 1) {
        *index = found;
        return FC_OK;
    }
    found = (size_t)-1;
    n_found = 0;
    for (size_t i = 0; i < s->count; i++) {
        for (size_t k = 0; k < s->keys[i].count; k++)
            if (strcmp(s->keys[i].keys[k], key) == 0) {
                if (found != i)
                    n_found++;
                found = i;
                break;
            }
    }
    if (n_found == 1) {
        *index = found;
        return FC_OK;
    }
    /* 3. a unique entry one of whose keys starts with the key */
    size_t prefix_hits[8];
    size_t n_prefix = 0;
    if (n_found == 0) {
        size_t kl = strlen(key);
        for (size_t i = 0; i < s->count; i++)
            for (size_t k = 0; k < s->keys[i].count; k++)
                if (strncmp(s->keys[i].keys[k], key, kl) == 0) {
                    if (n_prefix < 8)
                        prefix_hits[n_prefix] = i;
                    n_prefix++;
                    break;
                }
        if (n_prefix == 1) {
            *index = prefix_hits[0];
            return FC_OK;
        }
    }
    if (!err)
        return n_found > 1 || n_prefix > 1 ? FC_ERR_AMBIGUOUS : FC_ERR_NOT_FOUND;

    char list[320] = "";
    size_t used = 0;
#define ADD_NAME(idstr)                                                              \
    do {                                                                             \
        int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",  \
                         (idstr));                                                   \
        if (w > 0 && (size_t)w < sizeof list - used)                                 \
            used += (size_t)w;                                                       \
    } while (0)
    if (n_found > 1 || n_prefix > 1) {
        size_t shown = 0;
        for (size_t i = 0; i < s->count && shown < 8; i++) {
            bool hit = false;
            size_t kl = strlen(key);
            for (size_t k = 0; k < s->keys[i].count && !hit; k++)
                hit = n_found > 1 ? strcmp(s->keys[i].keys[k], key) == 0
                                  : strncmp(s->keys[i].keys[k], key, kl) == 0;
            if (hit) {
                ADD_NAME(store_info(s, i)->id);
                shown++;
            }
        }
        size_t total = n_found > 1 ? n_found : n_prefix;
        return fc__fail(err, FC_ERR_AMBIGUOUS, "ambiguous %s '%s' matches %zu entries: %s%s",
                        label, name, total, list, total > shown ? ", ..." : "");
    }
    /* closest matches by edit distance over every key, and substring hits */
    size_t best[4] = { (size_t)-1, (size_t)-1, (size_t)-1, (size_t)-1 };
    size_t bestd[4] = { SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX };
    size_t cap = strlen(key) / 3 + 2;
    for (size_t i = 0; i < s->count; i++) {
        size_t d = SIZE_MAX;
        for (size_t k = 0; k < s->keys[i].count; k++) {
            size_t e = strstr(s->keys[i].keys[k], key) ? 1
                       : fc__edit_distance(s->keys[i].keys[k], key, cap);
            if (e < d)
                d = e;
        }
        if (d > cap)
            continue;
        for (int j = 0; j < 4; j++) {
            if (d < bestd[j]) {
                for (int m = 3; m > j; m--) {
                    bestd[m] = bestd[m - 1];
                    best[m] = best[m - 1];
                }
                bestd[j] = d;
                best[j] = i;
                break;
            }
        }
    }
    for (int j = 0; j < 4; j++)
        if (best[j] != (size_t)-1)
            ADD_NAME(store_info(s, best[j])->id);
#undef ADD_NAME
    if (used)
        return fc__fail(err, FC_ERR_NOT_FOUND, "unknown %s '%s' (did you mean %s?)", label,
                        name, list);
    return fc__fail(err, FC_ERR_NOT_FOUND, "unknown %s '%s' (see 'fitcheck list %s')", label,
                    name, kind_section[kind]);
}

#define FC_FINDER(fn, type, kind)                                                  \
    const type *fn(const fc_catalog *cat, const char *name, fc_error *err)        \
    {                                                                              \
        size_t i;                                                                  \
        if (fc_catalog_find(cat, kind, name, &i, err) != FC_OK)                    \
            return NULL;                                                           \
        return (const type *)fc_catalog_info(cat, kind, i);                        \
    }
FC_FINDER(fc_find_hardware, fc_hardware, FC_KIND_HARDWARE)
FC_FINDER(fc_find_host, fc_host, FC_KIND_HOST)
FC_FINDER(fc_find_link, fc_link, FC_KIND_LINK)
FC_FINDER(fc_find_model, fc_model, FC_KIND_MODEL)
FC_FINDER(fc_find_quant, fc_quant, FC_KIND_QUANT)
FC_FINDER(fc_find_backend, fc_backend, FC_KIND_BACKEND)

/* ---- validation ---------------------------------------------------------- */

fc_status fc_catalog_validate(const fc_catalog *cat, fc_error *err)
{
    const store *hw = &cat->kinds[FC_KIND_HARDWARE];
    for (size_t i = 0; i < hw->count; i++) {
        const fc_hardware *h = store_at(hw, i);
        if (find_index_by_id(&cat->kinds[FC_KIND_BACKEND], h->backend) == (size_t)-1)
            return fc__fail(err, FC_ERR_REFERENCE,
                            "%s: entry '%s': field 'backend' names unknown backend '%s'",
                            h->info.origin, h->info.id, h->backend);
        for (size_t b = 0; b < h->backends.count; b++)
            if (find_index_by_id(&cat->kinds[FC_KIND_BACKEND], h->backends.items[b]) ==
                (size_t)-1)
                return fc__fail(err, FC_ERR_REFERENCE,
                                "%s: entry '%s': field 'backends' names unknown backend '%s'",
                                h->info.origin, h->info.id, h->backends.items[b]);
        if (h->link &&
            find_index_by_id(&cat->kinds[FC_KIND_LINK], h->link) == (size_t)-1)
            return fc__fail(err, FC_ERR_REFERENCE,
                            "%s: entry '%s': field 'link' names unknown link '%s'",
                            h->info.origin, h->info.id, h->link);
    }
    const store *ms = &cat->kinds[FC_KIND_MODEL];
    for (size_t i = 0; i < ms->count; i++) {
        const fc_model *m = store_at(ms, i);
        for (size_t q = 0; q < m->quants.count; q++)
            if (find_index_by_id(&cat->kinds[FC_KIND_QUANT], m->quants.items[q]) ==
                (size_t)-1)
                return fc__fail(err, FC_ERR_REFERENCE,
                                "%s: entry '%s': field 'quants' names unknown quant '%s'",
                                m->info.origin, m->info.id, m->quants.items[q]);
    }
    return FC_OK;
}

/* ---- entries built by the caller (config.json, GGUF) ----------------------- */

char *fc__catalog_strdup(fc_catalog *cat, const char *s)
{
    return s ? fc__arena_strdup(&cat->arena, s) : NULL;
}

void *fc__catalog_alloc(fc_catalog *cat, size_t size)
{
    return fc__arena_alloc(&cat->arena, size);
}

static bool copy_str(fc_arena *a, const char **s)
{
    if (*s && !(*s = fc__arena_strdup(a, *s)))
        return false;
    return true;
}

static bool copy_list(fc_arena *a, fc_strlist *l)
{
    if (!l->count)
        return true;
    const char **items = fc__arena_alloc(a, l->count * sizeof *items);
    if (!items)
        return false;
    for (size_t i = 0; i < l->count; i++)
        if (!(items[i] = fc__arena_strdup(a, l->items[i])))
            return false;
    l->items = items;
    return true;
}

static bool copy_info(fc_arena *a, fc_entry_info *in)
{
    return copy_str(a, &in->id) && copy_str(a, &in->name) && copy_str(a, &in->source) &&
           copy_str(a, &in->notes) && copy_str(a, &in->ref) && copy_str(a, &in->origin) &&
           copy_list(a, &in->aliases) && copy_list(a, &in->unverified);
}

/* Put one deep-copied entry in: replace by id or append. */
static fc_status add_entry(fc_catalog *cat, fc_kind kind, const void *entry, const void **out,
                           fc_error *err)
{
    const fc_entry_info *info = entry;
    if (!info->id || !info->id[0] || !info->name)
        return fc__fail(err, FC_ERR_FIELD, "%s entry: id and name are required",
                        fc_kind_name(kind));
    store *s = &cat->kinds[kind];
    keyset ks;
    if (kind_reserve(cat, kind, s->count + 1) != 0 || !make_keys(&cat->arena, info, &ks))
        return fc__fail(err, FC_ERR_NOMEM, "%s: out of memory", info->id);
    store_put(s, entry, ks);
    if (kind == FC_KIND_QUANT)
        ladder_update(cat);
    if (out)
        *out = store_at(s, find_index_by_id(s, info->id));
    return FC_OK;
}

fc_status fc_catalog_add_model(fc_catalog *cat, const fc_model *m, const fc_model **out,
                               fc_error *err)
{
    fc_model c = *m;
    fc_arena *a = &cat->arena;
    if (!copy_info(a, &c.info) || !copy_str(a, &c.family) || !copy_str(a, &c.hf_repo) ||
        !copy_str(a, &c.same_as) || !copy_str(a, &c.native_dtype) ||
        !copy_str(a, &c.release_date) || !copy_str(a, &c.license) ||
        !copy_str(a, &c.params_note) || !copy_list(a, &c.quants))
        return fc__fail(err, FC_ERR_NOMEM, "out of memory");
    const void *p = NULL;
    fc_status st = add_entry(cat, FC_KIND_MODEL, &c, &p, err);
    if (out)
        *out = p;
    return st;
}

fc_status fc_catalog_add_quant(fc_catalog *cat, const fc_quant *q, const fc_quant **out,
                               fc_error *err)
{
    fc_quant c = *q;
    fc_arena *a = &cat->arena;
    if (!copy_info(a, &c.info) || !copy_str(a, &c.family) || !copy_str(a, &c.format))
        return fc__fail(err, FC_ERR_NOMEM, "out of memory");
    if (!c.family || !c.format)
        return fc__fail(err, FC_ERR_FIELD, "quant '%s': family and format are required",
                        c.info.id ? c.info.id : "?");
    const void *p = NULL;
    fc_status st = add_entry(cat, FC_KIND_QUANT, &c, &p, err);
    if (out)
        *out = p;
    return st;
}
