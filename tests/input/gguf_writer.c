/* gguf_writer.c - see gguf_writer.h. */
#include "gguf_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_init(gw *w) { memset(w, 0, sizeof *w); }

void gw_free(gw *w)
{
    free(w->buf);
    memset(w, 0, sizeof *w);
}

void gw_bytes(gw *w, const void *p, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n)
            cap *= 2;
        unsigned char *nb = realloc(w->buf, cap);
        if (!nb) {
            w->oom = 1;
            return;
        }
        w->buf = nb;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

void gw_u32(gw *w, uint32_t v)
{
    unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24) };
    gw_bytes(w, b, 4);
}

void gw_u64(gw *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    gw_bytes(w, b, 8);
}

void gw_str(gw *w, const char *s)
{
    gw_u64(w, strlen(s));
    gw_bytes(w, s, strlen(s));
}

void gw_header(gw *w, uint32_t version, uint64_t n_tensors, uint64_t n_kv)
{
    gw_bytes(w, "GGUF", 4);
    gw_u32(w, version);
    gw_u64(w, n_tensors);
    gw_u64(w, n_kv);
}

void gw_kv_u32(gw *w, const char *key, uint32_t v)
{
    gw_str(w, key);
    gw_u32(w, GW_U32);
    gw_u32(w, v);
}

void gw_kv_str(gw *w, const char *key, const char *s)
{
    gw_str(w, key);
    gw_u32(w, GW_STRING);
    gw_str(w, s);
}

void gw_kv_tokens(gw *w, const char *key, uint32_t n)
{
    gw_str(w, key);
    gw_u32(w, GW_ARRAY);
    gw_u32(w, GW_STRING);
    gw_u64(w, n);
    char tok[24];
    for (uint32_t i = 0; i < n; i++) {
        snprintf(tok, sizeof tok, "t%u", (unsigned)i);
        gw_str(w, tok);
    }
}

/* ggml-common.h block layouts, written out again here so that the test does
 * not check the parser against its own table */
double gw_type_bytes(uint32_t type, uint64_t elements)
{
    switch (type) {
    case GT_F32: return 4.0 * (double)elements;
    case GT_F16:
    case GT_BF16: return 2.0 * (double)elements;
    case GT_Q4_0: return (double)(elements / 32) * (2 + 16);      /* d + 32 nibbles */
    case GT_Q8_0: return (double)(elements / 32) * (2 + 32);      /* d + 32 int8 */
    case GT_Q4_K: return (double)(elements / 256) * (4 + 12 + 128); /* d,dmin + scales + nibbles */
    case GT_Q6_K: return (double)(elements / 256) * (128 + 64 + 16 + 2);
    case GT_MXFP4: return (double)(elements / 32) * (1 + 16);     /* e8m0 + 32 fp4 */
    default: return -1;
    }
}

void gw_tensor(gw *w, const char *name, uint32_t n_dims, const uint64_t *ne, uint32_t type)
{
    uint64_t elems = 1;
    gw_str(w, name);
    gw_u32(w, n_dims);
    for (uint32_t d = 0; d < n_dims; d++) {
        gw_u64(w, ne[d]);
        elems *= ne[d];
    }
    gw_u32(w, type);
    gw_u64(w, w->next_offset);
    double bytes = gw_type_bytes(type, elems);
    w->total_bytes += bytes;
    w->total_elements += (double)elems;
    w->next_offset += ((uint64_t)bytes + 31) / 32 * 32;
}

int gw_write_file(const gw *w, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(w->buf, 1, w->len, f);
    return fclose(f) == 0 && n == w->len ? 0 : -1;
}

void gw_llama8b(gw *w, uint32_t version, int with_tokens)
{
    const uint64_t h = 4096, kv = 1024, ff = 14336, vocab = 128256;
    const int layers = 32;
    gw_header(w, version, 3 + 9 * (uint64_t)layers, 12);
    gw_kv_str(w, "general.architecture", "llama");
    gw_kv_str(w, "general.name", "Llama 3.1 8B (test)");
    gw_kv_u32(w, "general.file_type", 15); /* Q4_K_M */
    gw_kv_u32(w, "general.alignment", 32);
    gw_kv_u32(w, "llama.context_length", 131072);
    gw_kv_u32(w, "llama.embedding_length", (uint32_t)h);
    gw_kv_u32(w, "llama.block_count", (uint32_t)layers);
    gw_kv_u32(w, "llama.feed_forward_length", (uint32_t)ff);
    gw_kv_u32(w, "llama.attention.head_count", 32);
    gw_kv_u32(w, "llama.attention.head_count_kv", 8);
    gw_kv_u32(w, "llama.rope.dimension_count", 128);
    if (with_tokens)
        gw_kv_tokens(w, "tokenizer.ggml.tokens", (uint32_t)vocab);
    else
        gw_kv_u32(w, "llama.vocab_size", (uint32_t)vocab);
    uint64_t ne[2];
    ne[0] = h; ne[1] = vocab;
    gw_tensor(w, "token_embd.weight", 2, ne, GT_Q4_K);
    ne[0] = h;
    gw_tensor(w, "output_norm.weight", 1, ne, GT_F32);
    ne[0] = h; ne[1] = vocab;
    gw_tensor(w, "output.weight", 2, ne, GT_Q6_K);
    char name[64];
    for (int i = 0; i < layers; i++) {
#define T(suffix, d0, d1, type)                                   \
        do {                                                      \
            snprintf(name, sizeof name, "blk.%d." suffix, i);     \
            uint64_t e2[2] = { d0, d1 };                          \
            gw_tensor(w, name, (d1) ? 2 : 1, e2, type);           \
        } while (0)
        T("attn_norm.weight", h, 0, GT_F32);
        T("attn_q.weight", h, h, GT_Q4_K);
        T("attn_k.weight", h, kv, GT_Q4_K);
        T("attn_v.weight", h, kv, GT_Q6_K);
        T("attn_output.weight", h, h, GT_Q4_K);
        T("ffn_norm.weight", h, 0, GT_F32);
        T("ffn_gate.weight", h, ff, GT_Q4_K);
        T("ffn_up.weight", h, ff, GT_Q4_K);
        T("ffn_down.weight", ff, h, GT_Q6_K);
#undef T
    }
    /* padding to the alignment: where tensor data would start */
    static const unsigned char zero[32];
    gw_bytes(w, zero, (32 - w->len % 32) % 32);
}

#ifdef GW_MAIN
/* fc_gguf_gen OUT.gguf [v2|v3]: write the Llama-3.1-8B-shaped header */
int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fc_gguf_gen OUT.gguf [2|3]\n");
        return 2;
    }
    gw w;
    gw_init(&w);
    gw_llama8b(&w, argc > 2 ? (uint32_t)atoi(argv[2]) : 3, 1);
    int rc = w.oom || gw_write_file(&w, argv[1]) != 0;
    gw_free(&w);
    return rc ? 1 : 0;
}
#endif
