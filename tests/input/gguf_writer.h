/* gguf_writer.h - a small GGUF (v2/v3) header writer for the tests: the
 * tests build their own files and check the parser against what they wrote.
 * Only headers are written; tensor data is never needed by fitcheck. */
#ifndef FC_TEST_GGUF_WRITER_H
#define FC_TEST_GGUF_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef struct gw {
    unsigned char *buf;
    size_t len, cap;
    int oom;
    uint64_t next_offset;   /* data offset of the next tensor (aligned) */
    double total_bytes;     /* what the written tensors hold, by the writer's own table */
    double total_elements;
} gw;

enum { GW_U8, GW_I8, GW_U16, GW_I16, GW_U32, GW_I32, GW_F32, GW_BOOL, GW_STRING, GW_ARRAY,
       GW_U64, GW_I64, GW_F64 };
enum { GT_F32 = 0, GT_F16 = 1, GT_Q4_0 = 2, GT_Q8_0 = 8, GT_Q4_K = 12, GT_Q6_K = 14,
       GT_BF16 = 30, GT_MXFP4 = 39 };

void gw_init(gw *w);
void gw_free(gw *w);
void gw_u32(gw *w, uint32_t v);
void gw_u64(gw *w, uint64_t v);
void gw_bytes(gw *w, const void *p, size_t n);
void gw_str(gw *w, const char *s);
/* "GGUF", version, tensor count, key-value count */
void gw_header(gw *w, uint32_t version, uint64_t n_tensors, uint64_t n_kv);
void gw_kv_u32(gw *w, const char *key, uint32_t v);
void gw_kv_str(gw *w, const char *key, const char *s);
/* an array of n strings "t0", "t1", ... */
void gw_kv_tokens(gw *w, const char *key, uint32_t n);
/* a tensor info; its byte size by the writer's table (independent of the parser's) */
void gw_tensor(gw *w, const char *name, uint32_t n_dims, const uint64_t *ne, uint32_t type);
double gw_type_bytes(uint32_t type, uint64_t elements);
int gw_write_file(const gw *w, const char *path);

/* A whole Llama-3.1-8B-shaped header (meta-llama/Llama-3.1-8B config.json):
 * Q4_K_M-like mix (Q4_K, Q6_K for attn_v/ffn_down/output, F32 norms). */
void gw_llama8b(gw *w, uint32_t version, int with_tokens);

#endif
