#define _POSIX_C_SOURCE 200809L
/* test_gguf.c - the GGUF header parser against headers the test writes
 * itself (gguf_writer.c), and against truncated, corrupt and hostile ones.
 * Every buffer handed to the parser is malloc'ed at its exact size, so the
 * sanitizer build catches any read past the end. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fitcheck/fitcheck.h"
#include "input/gguf_writer.h"

/* Llama-3.1-8B shapes (hidden 4096, kv 1024, ffn 14336, vocab 128256, 32 layers):
 *   token_embd 4096 x 128256 Q4_K: 525,336,576 / 256 x 144 = 295,501,824 B
 *   output     4096 x 128256 Q6_K: 2,052,096 blocks x 210  = 430,940,160 B
 *   output_norm 4096 F32                                    =      16,384 B
 *   one layer: q, o 4096^2 Q4_K 9,437,184 each; k 4096x1024 Q4_K 2,359,296;
 *     v Q6_K 3,440,640; gate, up 4096x14336 Q4_K 33,030,144 each;
 *     down Q6_K 48,168,960; two norms 32,768               = 138,936,320 B
 *   total = 295,501,824 + 430,940,160 + 16,384 + 32 x 138,936,320 = 5,172,420,608 B
 * elements: 2 x 525,336,576 + 4096 + 32 x 218,112,000 = 8,030,261,248
 * (the catalog's 8.03 B); 5,172,420,608 x 8 / 8,030,261,248 = 5.1529 bits/weight */
#define L8_BYTES 5172420608.0
#define L8_ELEMS 8030261248.0

static unsigned char *exact_copy(const unsigned char *p, size_t n)
{
    unsigned char *b = malloc(n ? n : 1);
    assert_non_null(b);
    if (n)
        memcpy(b, p, n);
    return b;
}

static fc_status parse(const unsigned char *p, size_t n, fc_gguf_info *g, fc_error *err)
{
    unsigned char *b = exact_copy(p, n);
    fc_status st = fc_gguf_parse(b, n, "test.gguf", g, err);
    free(b);
    return st;
}

static void parses_what_was_written(void **state)
{
    (void)state;
    for (uint32_t version = 2; version <= 3; version++) {
        gw w;
        gw_init(&w);
        gw_llama8b(&w, version, 1);
        assert_false(w.oom);
        assert_true(w.total_bytes == L8_BYTES);
        assert_true(w.total_elements == L8_ELEMS);
        fc_gguf_info g;
        fc_error err;
        assert_int_equal(parse(w.buf, w.len, &g, &err), FC_OK);
        assert_int_equal(g.version, version);
        assert_int_equal(g.n_tensors, 291); /* 3 + 32 x 9 */
        assert_int_equal(g.n_kv, 12);
        assert_string_equal(g.arch, "llama");
        assert_string_equal(g.name, "Llama 3.1 8B (test)");
        assert_int_equal(g.file_type, 15);
        assert_int_equal(g.block_count, 32);
        assert_int_equal(g.embedding, 4096);
        assert_int_equal(g.head_count_kv, 8);
        assert_int_equal(g.vocab_size, 128256); /* the tokens array's length */
        assert_true(g.total_bytes == L8_BYTES);
        assert_true(g.total_elements == L8_ELEMS);
        assert_true(g.embed_bytes == 295501824.0);
        assert_true(g.output_bytes == 430940160.0);
        assert_int_equal(g.type_count[12], 1 + 32 * 5); /* Q4_K */
        assert_int_equal(g.type_count[14], 1 + 32 * 2); /* Q6_K */
        assert_int_equal(g.type_count[0], 1 + 32 * 2);  /* F32 norms */
        assert_int_equal(g.header_bytes, w.len);        /* written padded to 32 */
        gw_free(&w);
    }
}

/* The GGUF's estimate: weights are the file's tensor bytes, the rest the
 * same as the catalog entry of the same model. */
static void gguf_estimate_matches_catalog(void **state)
{
    (void)state;
    fc_catalog *cat = fc_catalog_new();
    fc_error err;
    assert_int_equal(fc_catalog_add_embedded(cat, &err), FC_OK);
    gw w;
    gw_init(&w);
    gw_llama8b(&w, 3, 0);
    fc_gguf_info g;
    assert_int_equal(parse(w.buf, w.len, &g, &err), FC_OK);
    fc_model m;
    fc_quant q;
    assert_int_equal(fc_model_from_gguf(cat, &g, "x/llama8b.gguf", &m, &q, &err), FC_OK);
    const fc_model *pm;
    const fc_quant *pq;
    assert_int_equal(fc_catalog_add_quant(cat, &q, &pq, &err), FC_OK);
    assert_int_equal(fc_catalog_add_model(cat, &m, &pm, &err), FC_OK);
    assert_string_equal(pm->info.id, "x/llama8b.gguf");
    assert_string_equal(pm->info.name, "Llama 3.1 8B (test)");
    assert_int_equal(pm->quants.count, 1);
    assert_string_equal(pm->quants.items[0], pq->info.id);
    assert_true(fabs(pq->bpw - 5.152929) < 1e-5);
    assert_false(pm->tie_embeddings); /* output.weight present */
    const fc_model *ref = fc_find_model(cat, "llama3.1-8b", &err);
    assert_non_null(ref);
    assert_int_equal(pm->layers, ref->layers);
    assert_int_equal(pm->hidden_size, ref->hidden_size);
    assert_int_equal(pm->kv_heads, ref->kv_heads);
    assert_int_equal(pm->head_dim, ref->head_dim);
    assert_int_equal(pm->intermediate_size, ref->intermediate_size);
    assert_int_equal(pm->vocab_size, ref->vocab_size);
    assert_true(fabs(pm->params_b - ref->params_b) / ref->params_b < 1e-3);

    fc_request r = FC_REQUEST_INIT, rr;
    r.hardware = fc_find_hardware(cat, "rtx4090", &err);
    r.backend = fc_find_backend(cat, r.hardware->backend, &err);
    r.host = fc_find_host(cat, "ddr5-5600-2ch", &err);
    r.model = pm;
    r.quant = pq;
    rr = r;
    rr.model = ref;
    rr.quant = fc_find_quant(cat, "q4_k_m", &err);
    fc_estimate e, er;
    assert_int_equal(fc_estimate_run(&r, &e, &err), FC_OK);
    assert_int_equal(fc_estimate_run(&rr, &er, &err), FC_OK);
    /* weights: the file's own tensor bytes (the issue allows 2%; it is exact
     * up to rounding) */
    assert_true(fabs(e.weights_bytes - L8_BYTES) / L8_BYTES < 1e-6);
    /* the same architecture: the same KV cache to the byte */
    assert_true(fabs(e.kv_cache_bytes - er.kv_cache_bytes) < 1.0);
    assert_int_equal(e.verdict, FC_VERDICT_FITS);
    gw_free(&w);
    fc_catalog_free(cat);
}

/* A tiny MoE header: 2 layers, hidden 64, 4 experts of 128 (2 used), vocab 32,
 * tied embeddings; every tensor Q8_0 (34 B per 32) or F32. */
static void tiny_moe(gw *w, uint32_t version)
{
    gw_header(w, version, 2 + 2 * 5, 9);
    gw_kv_str(w, "general.architecture", "qwen3moe");
    gw_kv_u32(w, "qwen3moe.block_count", 2);
    gw_kv_u32(w, "qwen3moe.embedding_length", 64);
    gw_kv_u32(w, "qwen3moe.attention.head_count", 4);
    gw_kv_u32(w, "qwen3moe.attention.head_count_kv", 2);
    gw_kv_u32(w, "qwen3moe.expert_count", 4);
    gw_kv_u32(w, "qwen3moe.expert_used_count", 2);
    gw_kv_u32(w, "qwen3moe.expert_feed_forward_length", 128);
    gw_kv_tokens(w, "tokenizer.ggml.tokens", 32);
    uint64_t ne[3] = { 64, 32, 0 };
    gw_tensor(w, "token_embd.weight", 2, ne, GT_Q8_0);  /* 2048 -> 64 blocks x 34 = 2176 */
    gw_tensor(w, "output_norm.weight", 1, ne, GT_F32);  /* 64 x 4 = 256 */
    char name[64];
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "blk.%d.attn_q.weight", i);
        ne[0] = 64; ne[1] = 64;
        gw_tensor(w, name, 2, ne, GT_Q8_0);             /* 4096 -> 4352 */
        snprintf(name, sizeof name, "blk.%d.ffn_gate_inp.weight", i);
        ne[1] = 4;
        gw_tensor(w, name, 2, ne, GT_F32);              /* 256 -> 1024 */
        ne[1] = 128; ne[2] = 4;
        snprintf(name, sizeof name, "blk.%d.ffn_gate_exps.weight", i);
        gw_tensor(w, name, 3, ne, GT_Q8_0);             /* 32768 -> 34816 */
        snprintf(name, sizeof name, "blk.%d.ffn_up_exps.weight", i);
        gw_tensor(w, name, 3, ne, GT_Q8_0);
        ne[0] = 128; ne[1] = 64;
        snprintf(name, sizeof name, "blk.%d.ffn_down_exps.weight", i);
        gw_tensor(w, name, 3, ne, GT_Q8_0);
    }
}

static void tiny_moe_sizes(void **state)
{
    (void)state;
    gw w;
    gw_init(&w);
    tiny_moe(&w, 3);
    fc_gguf_info g;
    fc_error err;
    assert_int_equal(parse(w.buf, w.len, &g, &err), FC_OK);
    /* experts: 2 layers x 3 x 32768 = 196,608 values, 196,608 / 32 x 34 = 208,896 B */
    assert_true(g.expert_elements == 196608.0);
    assert_true(g.expert_bytes == 208896.0);
    /* all: 2048 + 64 + 2 x (4096 + 256) + 196,608 = 207,424 values;
     * 2176 + 256 + 2 x (4352 + 1024) + 208,896 = 222,080 B */
    assert_true(g.total_elements == 207424.0);
    assert_true(g.total_bytes == 222080.0);
    assert_true(g.total_bytes == w.total_bytes);
    assert_true(g.output_elements == 0);
    fc_catalog *cat = fc_catalog_new();
    fc_model m;
    fc_quant q;
    assert_int_equal(fc_model_from_gguf(cat, &g, "tiny.gguf", &m, &q, &err), FC_OK);
    assert_int_equal(m.arch, FC_ARCH_MOE);
    assert_int_equal(m.moe_experts, 4);
    assert_int_equal(m.moe_experts_per_token, 2);
    assert_int_equal(m.moe_expert_intermediate, 128);
    assert_int_equal(m.vocab_size, 32);
    assert_true(m.tie_embeddings);
    /* active: everything but the unused half of the experts (tied table read
     * as the output head): 207,424 - 196,608 / 2 = 109,120 */
    assert_true(fabs(m.active_params_b * 1e9 - 109120.0) < 0.5);
    /* bpw = 222,080 x 8 / 207,424 */
    assert_true(fabs(q.bpw - 222080.0 * 8 / 207424.0) < 1e-12);
    fc_catalog_free(cat);
    gw_free(&w);
}

/* Every prefix of a valid header that ends inside the header is an error
 * saying "truncated", never a crash or a read past the end. */
static void every_truncation_fails_cleanly(void **state)
{
    (void)state;
    gw w;
    gw_init(&w);
    tiny_moe(&w, 3);
    size_t end = w.len; /* no padding written: the tensor infos end here */
    for (size_t n = 0; n < end; n++) {
        fc_gguf_info g;
        fc_error err;
        fc_status st = parse(w.buf, n, &g, &err);
        assert_int_not_equal(st, FC_OK);
        if (n >= 4)
            assert_true(g.truncated);
        assert_null(strchr(err.msg, '\n'));
    }
    gw_free(&w);
}

static void expect_corrupt(const gw *w, const char *needle)
{
    fc_gguf_info g;
    fc_error err;
    fc_status st = parse(w->buf, w->len, &g, &err);
    if (st == FC_OK || !strstr(err.msg, needle))
        fail_msg("expected an error containing '%s', got %d: %s", needle, st,
                 st == FC_OK ? "ok" : err.msg);
}

static void hostile_headers(void **state)
{
    (void)state;
    gw w;
    /* a count of 2^62 tensors: refused before any loop */
    gw_init(&w);
    gw_header(&w, 3, 1ull << 62, 0);
    expect_corrupt(&w, "tensors");
    gw_free(&w);
    /* a 2^63-byte key */
    gw_init(&w);
    gw_header(&w, 3, 0, 1);
    gw_u64(&w, 1ull << 63);
    expect_corrupt(&w, "bytes long");
    gw_free(&w);
    /* an array of 2^40 u64: more than the buffer holds */
    gw_init(&w);
    gw_header(&w, 3, 0, 1);
    gw_str(&w, "a");
    gw_u32(&w, GW_ARRAY);
    gw_u32(&w, GW_U64);
    gw_u64(&w, 1ull << 40);
    expect_corrupt(&w, "array");
    gw_free(&w);
    /* an array of 50 million strings in a few bytes */
    gw_init(&w);
    gw_header(&w, 3, 0, 1);
    gw_str(&w, "a");
    gw_u32(&w, GW_ARRAY);
    gw_u32(&w, GW_STRING);
    gw_u64(&w, 50000000);
    gw_str(&w, "x");
    expect_corrupt(&w, "array");
    gw_free(&w);
    /* arrays nested five deep */
    gw_init(&w);
    gw_header(&w, 3, 0, 1);
    gw_str(&w, "a");
    gw_u32(&w, GW_ARRAY);
    for (int i = 0; i < 5; i++) {
        gw_u32(&w, GW_ARRAY);
        gw_u64(&w, 1);
    }
    gw_u32(&w, GW_U8);
    gw_u64(&w, 0);
    expect_corrupt(&w, "nested");
    gw_free(&w);
    /* an unknown value type */
    gw_init(&w);
    gw_header(&w, 3, 0, 1);
    gw_str(&w, "a");
    gw_u32(&w, 13);
    expect_corrupt(&w, "unknown value type 13");
    gw_free(&w);
    /* bad magic, version 1, big-endian */
    gw_init(&w);
    gw_bytes(&w, "GGUG", 4);
    gw_u32(&w, 3);
    expect_corrupt(&w, "not a GGUF file");
    gw_free(&w);
    gw_init(&w);
    gw_header(&w, 1, 0, 0);
    expect_corrupt(&w, "version 1");
    gw_free(&w);
    gw_init(&w);
    gw_header(&w, 0x03000000u, 0, 0);
    expect_corrupt(&w, "big-endian");
    gw_free(&w);
    /* bad alignment */
    gw_init(&w);
    gw_header(&w, 3, 0, 1);
    gw_kv_u32(&w, "general.alignment", 3);
    expect_corrupt(&w, "alignment");
    gw_free(&w);
    /* tensors: 5 dimensions, a 2^41 dimension, 2^80 elements, an unknown
     * type, a row that is not whole blocks, an unaligned offset */
    struct {
        uint32_t n_dims;
        uint64_t ne[5];
        uint32_t type;
        uint64_t offset;
        const char *needle;
    } bad[] = {
        { 5, { 32, 1, 1, 1, 1 }, GT_F32, 0, "5 dimensions" },
        { 1, { 1ull << 41 }, GT_F32, 0, "dimension 0" },
        { 2, { 1ull << 40, 1ull << 40 }, GT_F32, 0, "2^50" },
        { 1, { 32 }, 4, 0, "unknown ggml type 4" },
        { 1, { 32 }, 99, 0, "unknown ggml type 99" },
        { 1, { 100 }, GT_Q4_K, 0, "not whole Q4_K blocks" },
        { 1, { 32 }, GT_F32, 7, "not aligned" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gw_init(&w);
        gw_header(&w, 3, 1, 1);
        gw_kv_str(&w, "general.architecture", "llama");
        gw_str(&w, "t");
        gw_u32(&w, bad[i].n_dims);
        for (uint32_t d = 0; d < bad[i].n_dims; d++)
            gw_u64(&w, bad[i].ne[d]);
        gw_u32(&w, bad[i].type);
        gw_u64(&w, bad[i].offset);
        expect_corrupt(&w, bad[i].needle);
        gw_free(&w);
    }
    /* no architecture */
    gw_init(&w);
    gw_header(&w, 3, 0, 0);
    expect_corrupt(&w, "general.architecture");
    gw_free(&w);
}

/* Random byte changes to a valid header: any result but a crash. */
static void random_corruption(void **state)
{
    (void)state;
    gw w;
    gw_init(&w);
    tiny_moe(&w, 3);
    uint32_t seed = 12345;
    int ok = 0;
    for (int iter = 0; iter < 4000; iter++) {
        unsigned char *b = exact_copy(w.buf, w.len);
        int flips = 1 + iter % 4;
        for (int k = 0; k < flips; k++) {
            seed = seed * 1664525u + 1013904223u;
            size_t at = (seed >> 8) % w.len;
            seed = seed * 1664525u + 1013904223u;
            b[at] = (unsigned char)(seed >> 24);
        }
        size_t n = w.len - (size_t)(iter % 7);
        fc_gguf_info g;
        fc_error err;
        if (fc_gguf_parse(b, n, "fuzz.gguf", &g, &err) == FC_OK) {
            ok++;
            assert_true(isfinite(g.total_bytes) && g.total_bytes >= 0);
            fc_catalog *cat = fc_catalog_new();
            fc_model m;
            fc_quant q;
            if (fc_model_from_gguf(cat, &g, "fuzz.gguf", &m, &q, &err) == FC_OK)
                assert_true(isfinite(q.bpw) && q.bpw > 0);
            fc_catalog_free(cat);
        }
        free(b);
    }
    (void)ok;
    gw_free(&w);
}

/* The file reader reads the header only, growing its buffer past 4 MiB when
 * the tokenizer is that large, and names the file in its errors. */
static void reads_files(void **state)
{
    (void)state;
    char path[] = "/tmp/fc_gguf_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    gw w;
    gw_init(&w);
    gw_header(&w, 3, 1, 2);
    gw_kv_str(&w, "general.architecture", "llama");
    gw_kv_tokens(&w, "tokenizer.ggml.tokens", 700000); /* about 10 MB of strings */
    uint64_t ne[1] = { 64 };
    gw_tensor(&w, "output_norm.weight", 1, ne, GT_F32);
    assert_true(w.len > (5u << 20));
    assert_int_equal(gw_write_file(&w, path), 0);
    fc_gguf_info g;
    fc_error err;
    assert_int_equal(fc_gguf_read_file(path, &g, &err), FC_OK);
    assert_int_equal(g.vocab_size, 700000);
    assert_true(g.total_bytes == 256.0);
    /* cut inside the tokenizer */
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(w.buf, 1, 3u << 20, f), 3u << 20);
    fclose(f);
    assert_int_not_equal(fc_gguf_read_file(path, &g, &err), FC_OK);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "truncated"));
    remove(path);
    assert_int_equal(fc_gguf_read_file(path, &g, &err), FC_ERR_IO);
    gw_free(&w);
}

static void type_table(void **state)
{
    (void)state;
    /* ggml.h enum ggml_type ids and ggml-common.h block sizes */
    assert_string_equal(fc_ggml_type_name(12), "Q4_K");
    assert_string_equal(fc_ggml_type_name(30), "BF16");
    assert_string_equal(fc_ggml_type_name(39), "MXFP4");
    assert_null(fc_ggml_type_name(4));
    assert_null(fc_ggml_type_name(40));
    assert_true(fc_ggml_type_bytes(2, 64) == 36);     /* Q4_0: 2 blocks x 18 */
    assert_true(fc_ggml_type_bytes(8, 32) == 34);     /* Q8_0 */
    assert_true(fc_ggml_type_bytes(10, 256) == 84);   /* Q2_K */
    assert_true(fc_ggml_type_bytes(11, 256) == 110);  /* Q3_K */
    assert_true(fc_ggml_type_bytes(13, 256) == 176);  /* Q5_K */
    assert_true(fc_ggml_type_bytes(16, 256) == 66);   /* IQ2_XXS: d + 32 x u16 */
    assert_true(fc_ggml_type_bytes(23, 256) == 136);  /* IQ4_XS */
    assert_true(fc_ggml_type_bytes(29, 256) == 56);   /* IQ1_M */
    assert_true(fc_ggml_type_bytes(39, 32) == 17);    /* MXFP4 */
    assert_true(fc_ggml_type_bytes(12, 100) < 0);     /* not whole blocks */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(type_table),
        cmocka_unit_test(parses_what_was_written),
        cmocka_unit_test(gguf_estimate_matches_catalog),
        cmocka_unit_test(tiny_moe_sizes),
        cmocka_unit_test(every_truncation_fails_cleanly),
        cmocka_unit_test(hostile_headers),
        cmocka_unit_test(random_corruption),
        cmocka_unit_test(reads_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
