/* gguf.c - read the header of a GGUF file (v2, v3; little-endian): metadata
 * key-values and tensor infos, never the tensor data.
 *
 * The buffer is untrusted: every read is bounds-checked against the bytes
 * left, every count is capped before it drives a loop, and nothing is
 * allocated, so a truncated, corrupt or hostile file can only produce an
 * error. Layout (github ggml-org/ggml docs/gguf.md):
 *   "GGUF" u32 version, u64 n_tensors, u64 n_kv,
 *   n_kv x { string key, u32 value_type, value },
 *   n_tensors x { string name, u32 n_dims, u64 ne[n_dims], u32 ggml_type, u64 offset },
 *   padding to general.alignment (32), tensor data.
 * A string is u64 length + bytes; an array is u32 item type + u64 count + items.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ggml type ids and block layouts (ggml/include/ggml.h enum ggml_type,
 * ggml/src/ggml-common.h block structs): bytes per block, values per block. */
typedef struct ggml_type_info {
    const char *name;
    unsigned block_bytes, block_size;
} ggml_type_info;

static const ggml_type_info ggml_types[FC_GGML_TYPE_COUNT] = {
    [0] = { "F32", 4, 1 },       [1] = { "F16", 2, 1 },
    [2] = { "Q4_0", 18, 32 },    [3] = { "Q4_1", 20, 32 },
    /* 4, 5: Q4_2, Q4_3, removed */
    [6] = { "Q5_0", 22, 32 },    [7] = { "Q5_1", 24, 32 },
    [8] = { "Q8_0", 34, 32 },    [9] = { "Q8_1", 36, 32 },
    [10] = { "Q2_K", 84, 256 },  [11] = { "Q3_K", 110, 256 },
    [12] = { "Q4_K", 144, 256 }, [13] = { "Q5_K", 176, 256 },
    [14] = { "Q6_K", 210, 256 }, [15] = { "Q8_K", 292, 256 },
    [16] = { "IQ2_XXS", 66, 256 }, [17] = { "IQ2_XS", 74, 256 },
    [18] = { "IQ3_XXS", 98, 256 }, [19] = { "IQ1_S", 50, 256 },
    [20] = { "IQ4_NL", 18, 32 },   [21] = { "IQ3_S", 110, 256 },
    [22] = { "IQ2_S", 82, 256 },   [23] = { "IQ4_XS", 136, 256 },
    [24] = { "I8", 1, 1 },  [25] = { "I16", 2, 1 }, [26] = { "I32", 4, 1 },
    [27] = { "I64", 8, 1 }, [28] = { "F64", 8, 1 },
    [29] = { "IQ1_M", 56, 256 },   [30] = { "BF16", 2, 1 },
    /* 31-33: Q4_0_4_4, Q4_0_4_8, Q4_0_8_8, removed from GGUF files */
    [34] = { "TQ1_0", 54, 256 },   [35] = { "TQ2_0", 66, 256 },
    /* 36-38: IQ4_NL_4_4, _4_8, _8_8, removed */
    [39] = { "MXFP4", 17, 32 },
};

const char *fc_ggml_type_name(unsigned type)
{
    return type < FC_GGML_TYPE_COUNT ? ggml_types[type].name : NULL;
}

double fc_ggml_type_bytes(unsigned type, unsigned long long elements)
{
    if (type >= FC_GGML_TYPE_COUNT || !ggml_types[type].name)
        return -1;
    const ggml_type_info *t = &ggml_types[type];
    if (elements % t->block_size)
        return -1;
    return (double)(elements / t->block_size) * t->block_bytes;
}

/* caps: far above any real model, low enough that nothing overflows */
#define MAX_STRING (16u << 20)         /* one string value */
#define MAX_KEY 65535u                 /* key and tensor names (the spec's limit) */
#define MAX_COUNT 100000000ull         /* tensors, key-values, array items */
#define MAX_DIM_ELEMS (1ull << 40)     /* one dimension */
#define MAX_TENSOR_ELEMS (1ull << 50)  /* one tensor */
#define MAX_DEPTH 4                    /* arrays of arrays */

enum { T_U8, T_I8, T_U16, T_I16, T_U32, T_I32, T_F32, T_BOOL, T_STRING, T_ARRAY, T_U64, T_I64,
       T_F64, T_COUNT };
static const unsigned scalar_size[T_COUNT] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

typedef struct cursor {
    const unsigned char *buf;
    size_t len, pos;
    const char *origin;
    fc_error *err;
    fc_gguf_info *info;
    fc_status st;
} cursor;

static bool truncated(cursor *c, const char *what)
{
    c->info->truncated = true;
    c->st = fc__fail(c->err, FC_ERR_PARSE,
                     "%s: truncated GGUF header: the file ends inside %s (offset %zu)", c->origin,
                     what, c->pos);
    return false;
}

static bool corrupt(cursor *c, const char *what)
{
    c->st = fc__fail(c->err, FC_ERR_PARSE, "%s: corrupt GGUF header at offset %zu: %s",
                     c->origin, c->pos, what);
    return false;
}

static bool need(cursor *c, size_t n, const char *what)
{
    if (n > c->len - c->pos)
        return truncated(c, what);
    return true;
}

static bool rd_u32(cursor *c, uint32_t *v, const char *what)
{
    if (!need(c, 4, what))
        return false;
    const unsigned char *p = c->buf + c->pos;
    *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    c->pos += 4;
    return true;
}

static bool rd_u64(cursor *c, uint64_t *v, const char *what)
{
    if (!need(c, 8, what))
        return false;
    const unsigned char *p = c->buf + c->pos;
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    *v = x;
    c->pos += 8;
    return true;
}

/* A string: points into the buffer (not NUL-terminated). */
static bool rd_str(cursor *c, const char **s, size_t *n, uint64_t cap, const char *what)
{
    uint64_t len;
    if (!rd_u64(c, &len, what))
        return false;
    if (len > cap) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s is %llu bytes long (at most %llu)", what,
                 (unsigned long long)len, (unsigned long long)cap);
        c->pos -= 8;
        return corrupt(c, msg);
    }
    if (!need(c, (size_t)len, what))
        return false;
    *s = (const char *)c->buf + c->pos;
    *n = (size_t)len;
    c->pos += (size_t)len;
    return true;
}

static void copy_cstr(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
    for (size_t i = 0; i < n; i++) /* keep messages one printable line */
        if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
            dst[i] = '?';
}

/* An integer scalar as a signed 64-bit value; false for other types. */
static bool rd_int(cursor *c, uint32_t type, long long *out, bool *is_int)
{
    const unsigned char *p = c->buf + c->pos;
    *is_int = true;
    switch (type) {
    case T_U8: *out = p[0]; break;
    case T_I8: *out = (int8_t)p[0]; break;
    case T_U16: *out = (uint16_t)(p[0] | p[1] << 8); break;
    case T_I16: *out = (int16_t)(uint16_t)(p[0] | p[1] << 8); break;
    case T_U32:
    case T_I32: {
        uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24;
        *out = type == T_U32 ? (long long)v : (long long)(int32_t)v;
        break;
    }
    case T_U64:
    case T_I64: {
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--)
            v = v << 8 | p[i];
        *out = v > (uint64_t)INT64_MAX ? -1 : (long long)v;
        break;
    }
    default: *is_int = false; return false;
    }
    return true;
}

static bool skip_value(cursor *c, uint32_t type, int depth, uint64_t *count_out);

/* Skip `count` items of one type (arrays). */
static bool skip_items(cursor *c, uint32_t type, uint64_t count, int depth)
{
    if (type < T_COUNT && scalar_size[type]) {
        size_t sz = scalar_size[type];
        if (count > (c->len - c->pos) / sz)
            return truncated(c, "an array");
        c->pos += (size_t)count * sz;
        return true;
    }
    for (uint64_t i = 0; i < count; i++) {
        /* every remaining item takes at least 8 bytes: fail fast on huge counts */
        if ((count - i) > (c->len - c->pos) / 8 + 1)
            return truncated(c, "an array");
        if (!skip_value(c, type, depth, NULL))
            return false;
    }
    return true;
}

static bool skip_value(cursor *c, uint32_t type, int depth, uint64_t *count_out)
{
    if (type >= T_COUNT) {
        char msg[64];
        snprintf(msg, sizeof msg, "unknown value type %u", (unsigned)type);
        return corrupt(c, msg);
    }
    if (type == T_STRING) {
        const char *s;
        size_t n;
        return rd_str(c, &s, &n, MAX_STRING, "a string value");
    }
    if (type == T_ARRAY) {
        if (depth >= MAX_DEPTH)
            return corrupt(c, "arrays nested too deeply");
        uint32_t it;
        uint64_t count;
        if (!rd_u32(c, &it, "an array type") || !rd_u64(c, &count, "an array length"))
            return false;
        if (it >= T_COUNT) {
            char msg[64];
            snprintf(msg, sizeof msg, "unknown array item type %u", (unsigned)it);
            return corrupt(c, msg);
        }
        if (count > MAX_COUNT)
            return corrupt(c, "array length over 100 million");
        if (count_out)
            *count_out = count;
        return skip_items(c, it, count, depth + 1);
    }
    return need(c, scalar_size[type], "a value") && (c->pos += scalar_size[type], true);
}

static bool key_is(const char *key, size_t n, const char *want)
{
    return strlen(want) == n && memcmp(key, want, n) == 0;
}

/* "<arch>.<rest>" keys the estimator uses. */
static long long *arch_field(fc_gguf_info *g, const char *key, size_t n)
{
    static const struct {
        const char *suffix;
        size_t off;
    } map[] = {
        { "context_length", offsetof(fc_gguf_info, context) },
        { "embedding_length", offsetof(fc_gguf_info, embedding) },
        { "block_count", offsetof(fc_gguf_info, block_count) },
        { "feed_forward_length", offsetof(fc_gguf_info, feed_forward) },
        { "attention.head_count", offsetof(fc_gguf_info, head_count) },
        { "attention.head_count_kv", offsetof(fc_gguf_info, head_count_kv) },
        { "attention.key_length", offsetof(fc_gguf_info, key_length) },
        { "attention.value_length", offsetof(fc_gguf_info, value_length) },
        { "expert_count", offsetof(fc_gguf_info, expert_count) },
        { "expert_used_count", offsetof(fc_gguf_info, expert_used_count) },
        { "expert_feed_forward_length", offsetof(fc_gguf_info, expert_feed_forward) },
        { "expert_shared_count", offsetof(fc_gguf_info, expert_shared_count) },
        { "leading_dense_block_count", offsetof(fc_gguf_info, leading_dense_blocks) },
        { "attention.sliding_window", offsetof(fc_gguf_info, sliding_window) },
        { "attention.kv_lora_rank", offsetof(fc_gguf_info, kv_lora_rank) },
        { "attention.q_lora_rank", offsetof(fc_gguf_info, q_lora_rank) },
        { "rope.dimension_count", offsetof(fc_gguf_info, rope_dims) },
        { "vocab_size", offsetof(fc_gguf_info, vocab_size) },
    };
    const char *dot = memchr(key, '.', n);
    if (!dot || dot == key)
        return NULL;
    size_t plen = (size_t)(dot - key);
    if ((plen == 7 && memcmp(key, "general", 7) == 0) ||
        (plen == 9 && memcmp(key, "tokenizer", 9) == 0))
        return NULL;
    /* when the architecture is known, only its own keys count */
    if (g->arch[0] && (strlen(g->arch) != plen || memcmp(g->arch, key, plen) != 0))
        return NULL;
    const char *rest = dot + 1;
    size_t rn = n - plen - 1;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (key_is(rest, rn, map[i].suffix))
            return (long long *)((char *)g + map[i].off);
    return NULL;
}

static bool parse_kv(cursor *c)
{
    fc_gguf_info *g = c->info;
    const char *key;
    size_t kn;
    uint32_t type;
    if (!rd_str(c, &key, &kn, MAX_KEY, "a metadata key") || !rd_u32(c, &type, "a value type"))
        return false;
    if (type >= T_COUNT) {
        char msg[96], k[48];
        copy_cstr(k, sizeof k, key, kn);
        snprintf(msg, sizeof msg, "key '%s' has unknown value type %u", k, (unsigned)type);
        c->pos -= 4;
        return corrupt(c, msg);
    }
    if (type == T_STRING) {
        const char *s;
        size_t n;
        if (!rd_str(c, &s, &n, MAX_STRING, "a string value"))
            return false;
        if (key_is(key, kn, "general.architecture"))
            copy_cstr(g->arch, sizeof g->arch, s, n);
        else if (key_is(key, kn, "general.name"))
            copy_cstr(g->name, sizeof g->name, s, n);
        return true;
    }
    if (type == T_ARRAY) {
        uint64_t count = 0;
        if (!skip_value(c, type, 0, &count))
            return false;
        if (key_is(key, kn, "tokenizer.ggml.tokens") && !g->vocab_size)
            g->vocab_size = (long long)count;
        return true;
    }
    if (!need(c, scalar_size[type], "a value"))
        return false;
    long long v = 0;
    bool is_int = false;
    rd_int(c, type, &v, &is_int);
    c->pos += scalar_size[type];
    if (!is_int)
        return true;
    if (key_is(key, kn, "general.alignment")) {
        if (v <= 0 || v > (1 << 24) || (v & (v - 1)) != 0)
            return corrupt(c, "general.alignment must be a power of two up to 16 MiB");
        g->alignment = (unsigned)v;
    } else if (key_is(key, kn, "general.file_type")) {
        g->file_type = v >= 0 && v < 100000 ? (int)v : -1;
    } else {
        long long *f = arch_field(g, key, kn);
        if (f) {
            if (v < 0 || v > 100000000LL) {
                char msg[96], k[48];
                copy_cstr(k, sizeof k, key, kn);
                snprintf(msg, sizeof msg, "key '%s' = %lld is out of range", k, v);
                return corrupt(c, msg);
            }
            *f = v;
        }
    }
    return true;
}

static bool name_is(const char *s, size_t n, const char *want) { return key_is(s, n, want); }

static bool name_has(const char *s, size_t n, const char *part)
{
    size_t pl = strlen(part);
    for (size_t i = 0; i + pl <= n; i++)
        if (memcmp(s + i, part, pl) == 0)
            return true;
    return false;
}

static bool parse_tensor(cursor *c)
{
    fc_gguf_info *g = c->info;
    const char *name;
    size_t nn;
    uint32_t n_dims, type;
    if (!rd_str(c, &name, &nn, MAX_KEY, "a tensor name") ||
        !rd_u32(c, &n_dims, "a tensor's dimension count"))
        return false;
    char tname[80];
    copy_cstr(tname, sizeof tname, name, nn);
    char msg[192];
    if (n_dims < 1 || n_dims > 4) {
        snprintf(msg, sizeof msg, "tensor '%s' has %u dimensions (1 to 4)", tname,
                 (unsigned)n_dims);
        return corrupt(c, msg);
    }
    uint64_t ne[4] = { 1, 1, 1, 1 }, elems = 1;
    for (uint32_t d = 0; d < n_dims; d++) {
        if (!rd_u64(c, &ne[d], "a tensor's shape"))
            return false;
        if (ne[d] > MAX_DIM_ELEMS) {
            snprintf(msg, sizeof msg, "tensor '%s' dimension %u is %llu", tname, (unsigned)d,
                     (unsigned long long)ne[d]);
            return corrupt(c, msg);
        }
        /* ne[d] <= 2^40 and elems <= 2^50 before the product: check without overflow */
        if (ne[d] && elems > MAX_TENSOR_ELEMS / ne[d]) {
            snprintf(msg, sizeof msg, "tensor '%s' has over 2^50 elements", tname);
            return corrupt(c, msg);
        }
        elems *= ne[d];
    }
    uint64_t offset;
    if (!rd_u32(c, &type, "a tensor's type") || !rd_u64(c, &offset, "a tensor's offset"))
        return false;
    if (type >= FC_GGML_TYPE_COUNT || !ggml_types[type].name) {
        snprintf(msg, sizeof msg, "tensor '%s' has unknown ggml type %u", tname, (unsigned)type);
        return corrupt(c, msg);
    }
    if (ne[0] % ggml_types[type].block_size) {
        snprintf(msg, sizeof msg, "tensor '%s' row of %llu values is not whole %s blocks of %u",
                 tname, (unsigned long long)ne[0], ggml_types[type].name,
                 ggml_types[type].block_size);
        return corrupt(c, msg);
    }
    if (offset > (1ull << 62) || offset % g->alignment) {
        snprintf(msg, sizeof msg, "tensor '%s' data offset %llu is not aligned to %u", tname,
                 (unsigned long long)offset, g->alignment);
        return corrupt(c, msg);
    }
    double bytes = fc_ggml_type_bytes(type, elems);
    g->total_elements += (double)elems;
    g->total_bytes += bytes;
    g->type_count[type]++;
    g->type_bytes[type] += bytes;
    g->type_elements[type] += (double)elems;
    if (name_is(name, nn, "token_embd.weight")) {
        g->embed_elements += (double)elems;
        g->embed_bytes += bytes;
    } else if (name_is(name, nn, "output.weight")) {
        g->output_elements += (double)elems;
        g->output_bytes += bytes;
    } else if (name_has(name, nn, "_exps")) {
        g->expert_elements += (double)elems;
        g->expert_bytes += bytes;
    }
    return true;
}

fc_status fc_gguf_parse(const unsigned char *buf, size_t len, const char *origin,
                        fc_gguf_info *info, fc_error *err)
{
    memset(info, 0, sizeof *info);
    info->file_type = -1;
    info->alignment = 32;
    if (!origin)
        origin = "(gguf)";
    cursor c = { buf, buf ? len : 0, 0, origin, err, info, FC_OK };
    if (c.len < 4)
        return truncated(&c, "the magic"), c.st;
    if (memcmp(buf, "GGUF", 4) != 0)
        return fc__fail(err, FC_ERR_PARSE, "%s: not a GGUF file (no 'GGUF' magic)", origin);
    c.pos = 4;
    uint32_t version;
    uint64_t nt, nkv;
    if (!rd_u32(&c, &version, "the version"))
        return c.st;
    if (version == 0 || (version & 0xffff) == 0)
        return fc__fail(err, FC_ERR_PARSE,
                        "%s: GGUF version %u: a big-endian file (only little-endian is read)",
                        origin, (unsigned)version);
    if (version != 2 && version != 3)
        return fc__fail(err, FC_ERR_PARSE, "%s: GGUF version %u is not supported (2 or 3)",
                        origin, (unsigned)version);
    info->version = version;
    if (!rd_u64(&c, &nt, "the tensor count") || !rd_u64(&c, &nkv, "the key-value count"))
        return c.st;
    if (nt > MAX_COUNT || nkv > MAX_COUNT)
        return fc__fail(err, FC_ERR_PARSE,
                        "%s: corrupt GGUF header: %llu tensors, %llu key-values (at most 100 "
                        "million each)",
                        origin, (unsigned long long)nt, (unsigned long long)nkv);
    info->n_tensors = nt;
    info->n_kv = nkv;
    for (uint64_t i = 0; i < nkv; i++)
        if (!parse_kv(&c))
            return c.st;
    for (uint64_t i = 0; i < nt; i++)
        if (!parse_tensor(&c))
            return c.st;
    size_t a = info->alignment;
    info->header_bytes = (c.pos + a - 1) / a * a;
    if (!info->arch[0])
        return fc__fail(err, FC_ERR_FIELD, "%s: GGUF metadata has no general.architecture",
                        origin);
    return FC_OK;
}

fc_status fc_gguf_read_file(const char *path, fc_gguf_info *info, fc_error *err)
{
    memset(info, 0, sizeof *info);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fc__fail(err, FC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    /* headers are mostly the tokenizer: a few MiB; read more only when needed */
    size_t cap = 4u << 20, len = 0;
    const size_t max = (size_t)1 << 30;
    unsigned char *buf = NULL;
    fc_status st = FC_OK;
    for (;;) {
        unsigned char *nb = realloc(buf, cap);
        if (!nb) {
            st = fc__fail(err, FC_ERR_NOMEM, "%s: out of memory", path);
            break;
        }
        buf = nb;
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (ferror(f)) {
            st = fc__fail(err, FC_ERR_IO, "%s: read error", path);
            break;
        }
        bool at_eof = len < cap;
        st = fc_gguf_parse(buf, len, path, info, err);
        if (st == FC_OK || !info->truncated || at_eof)
            break;
        if (cap >= max) {
            st = fc__fail(err, FC_ERR_RANGE, "%s: GGUF header larger than 1 GiB", path);
            break;
        }
        cap *= 2;
    }
    fclose(f);
    free(buf);
    return st;
}

/* ---- GGUF header -> model and quant --------------------------------------- */

static const char *const ftype_names[] = {
    [0] = "F32",      [1] = "F16",      [2] = "Q4_0",     [3] = "Q4_1",
    [7] = "Q8_0",     [8] = "Q5_0",     [9] = "Q5_1",     [10] = "Q2_K",
    [11] = "Q3_K_S",  [12] = "Q3_K_M",  [13] = "Q3_K_L",  [14] = "Q4_K_S",
    [15] = "Q4_K_M",  [16] = "Q5_K_S",  [17] = "Q5_K_M",  [18] = "Q6_K",
    [19] = "IQ2_XXS", [20] = "IQ2_XS",  [21] = "Q2_K_S",  [22] = "IQ3_XS",
    [23] = "IQ3_XXS", [24] = "IQ1_S",   [25] = "IQ4_NL",  [26] = "IQ3_S",
    [27] = "IQ3_M",   [28] = "IQ2_S",   [29] = "IQ2_M",   [30] = "IQ4_XS",
    [31] = "IQ1_M",   [32] = "BF16",    [36] = "TQ1_0",   [37] = "TQ2_0",
    [38] = "MXFP4_MOE",
};

static int as_int(long long v) { return v > 0 && v < 100000000LL ? (int)v : 0; }

static bool arch_is(const char *a, const char *b) { return strcmp(a, b) == 0; }

fc_status fc_model_from_gguf(fc_catalog *cat, const fc_gguf_info *g, const char *origin,
                             fc_model *m, fc_quant *q, fc_error *err)
{
    memset(m, 0, sizeof *m);
    memset(q, 0, sizeof *q);
    if (!origin)
        origin = "(gguf)";
    const char *missing = !g->block_count ? "block_count"
                          : !g->embedding ? "embedding_length"
                          : !g->head_count ? "attention.head_count"
                                           : NULL;
    if (missing)
        return fc__fail(err, FC_ERR_FIELD, "%s: GGUF metadata has no %s.%s", origin, g->arch,
                        missing);
    if (!(g->total_elements > 0) || !(g->total_bytes > 0))
        return fc__fail(err, FC_ERR_FIELD, "%s: GGUF file has no tensors", origin);
    m->layers = as_int(g->block_count);
    m->hidden_size = as_int(g->embedding);
    m->heads = as_int(g->head_count);
    m->kv_heads = g->head_count_kv ? as_int(g->head_count_kv) : m->heads;
    if (m->kv_heads > m->heads)
        return fc__fail(err, FC_ERR_RANGE,
                        "%s: GGUF metadata: %s.attention.head_count_kv %d exceeds head_count %d",
                        origin, g->arch, m->kv_heads, m->heads);
    m->head_dim = g->key_length ? as_int(g->key_length) : m->hidden_size / m->heads;
    if (m->head_dim <= 0)
        m->head_dim = 1;
    m->intermediate_size = g->feed_forward ? as_int(g->feed_forward)
                                           : as_int(g->expert_feed_forward);
    if (m->intermediate_size <= 0)
        m->intermediate_size = 4 * m->hidden_size;
    m->vocab_size = g->vocab_size ? as_int(g->vocab_size)
                                  : as_int((long long)(g->embed_elements / m->hidden_size));
    if (m->vocab_size <= 0)
        return fc__fail(err, FC_ERR_FIELD,
                        "%s: GGUF file has neither a vocabulary nor token_embd.weight", origin);
    m->context = g->context > 0 ? g->context : 4096;
    m->tie_embeddings = g->output_elements == 0;
    if (g->kv_lora_rank > 0) {
        m->mla_kv_lora_rank = as_int(g->kv_lora_rank);
        m->mla_q_lora_rank = as_int(g->q_lora_rank);
        m->mla_qk_rope_head_dim = g->rope_dims ? as_int(g->rope_dims) : 64;
        m->mla_qk_nope_head_dim = m->head_dim > m->mla_qk_rope_head_dim
                                      ? m->head_dim - m->mla_qk_rope_head_dim
                                      : m->head_dim;
        m->mla_v_head_dim = g->value_length ? as_int(g->value_length) : m->mla_qk_nope_head_dim;
    }
    if (g->expert_count > 0) {
        m->arch = FC_ARCH_MOE;
        m->moe_experts = as_int(g->expert_count);
        m->moe_experts_per_token = g->expert_used_count ? as_int(g->expert_used_count) : 1;
        if (m->moe_experts_per_token > m->moe_experts)
            m->moe_experts_per_token = m->moe_experts;
        m->moe_expert_intermediate =
            g->expert_feed_forward ? as_int(g->expert_feed_forward) : m->intermediate_size;
        m->moe_shared_experts = as_int(g->expert_shared_count);
        m->moe_shared_intermediate = m->moe_expert_intermediate;
        m->moe_dense_layers = as_int(g->leading_dense_blocks);
        if (m->moe_dense_layers > m->layers)
            m->moe_dense_layers = m->layers;
    }
    if (g->sliding_window > 0) {
        m->swa_window = as_int(g->sliding_window);
        if (arch_is(g->arch, "gemma2") || arch_is(g->arch, "gpt-oss")) {
            m->swa_local_layers = (m->layers + 1) / 2;
        } else if (arch_is(g->arch, "gemma3")) {
            m->swa_local_layers = m->layers - m->layers / 6;
        } else {
            m->swa_local_layers = m->layers;
        }
        m->swa_global_layers = m->layers - m->swa_local_layers;
    }
    /* exact figures from the tensors */
    m->params_b = g->total_elements / 1e9;
    double active = g->total_elements - (m->tie_embeddings ? 0.0 : g->embed_elements);
    if (g->expert_elements > 0 && m->moe_experts > 0)
        active -= g->expert_elements * (1.0 - (double)m->moe_experts_per_token / m->moe_experts);
    if (active <= 0 || active > g->total_elements)
        active = g->total_elements;
    m->active_params_b = active / 1e9;

    char name[200];
    const char *base = strrchr(origin, '/');
    base = base ? base + 1 : origin;
    snprintf(name, sizeof name, "%s", g->name[0] ? g->name : base);
    m->info.id = fc__catalog_strdup(cat, origin);
    m->info.name = fc__catalog_strdup(cat, name);
    m->info.source = m->info.id;
    m->info.origin = m->info.id;
    m->family = fc__catalog_strdup(cat, g->arch);

    /* the quant: the file's exact mix */
    const char *ft = g->file_type >= 0 &&
                             (size_t)g->file_type < sizeof ftype_names / sizeof ftype_names[0]
                         ? ftype_names[g->file_type]
                         : NULL;
    unsigned dom = 0;
    for (unsigned t = 0; t < FC_GGML_TYPE_COUNT; t++)
        if (g->type_bytes[t] > g->type_bytes[dom])
            dom = t;
    char qname[96];
    q->bpw = g->total_bytes * 8.0 / g->total_elements;
    snprintf(qname, sizeof qname, "%s (file, %.3g bpw)", ft ? ft : ggml_types[dom].name, q->bpw);
    char *quant_id = NULL;
    {
        /* one quant per file: the id carries the file's path */
        size_t n = strlen(origin) + 16;
        char *tmp = malloc(n);
        if (tmp) {
            snprintf(tmp, n, "%s#quant", origin);
            quant_id = fc__catalog_strdup(cat, tmp);
            free(tmp);
        }
    }
    q->info.id = quant_id;
    q->info.name = fc__catalog_strdup(cat, qname);
    q->info.source = m->info.id;
    q->info.origin = m->info.id;
    q->family = fc__catalog_strdup(cat, "gguf-file");
    q->format = fc__catalog_strdup(cat, "gguf");
    q->nominal_bpw = q->bpw;
    q->embed_bpw = 0;
    q->ladder = 0;
    const char **ql = fc__catalog_alloc(cat, sizeof *ql);
    if (!m->info.id || !m->info.name || !m->family || !q->info.id || !q->info.name ||
        !q->family || !q->format || !ql)
        return fc__fail(err, FC_ERR_NOMEM, "%s: out of memory", origin);
    ql[0] = q->info.id;
    m->quants.items = ql;
    m->quants.count = 1;
    m->native_dtype = q->info.name;
    return FC_OK;
}
