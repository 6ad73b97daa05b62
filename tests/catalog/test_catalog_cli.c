/*
 * test_catalog_cli.c - runs the built fitcheck binary (path in argv[1]):
 * `fitcheck list SECTION --format json` must list at least 160 hardware
 * entries and 110 models, `count` must match the items, and every item of
 * every section that requires one must carry a non-empty `source`.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

static const char *fitcheck_path;

/* Run `fitcheck list <section> --format json` and parse its output. */
static cJSON *run_list(const char *section)
{
    char cmd[4096];
    /* single-quote the path; a path holding a quote is not supported */
    assert_null(strchr(fitcheck_path, '\''));
    snprintf(cmd, sizeof cmd, "'%s' list %s --format json", fitcheck_path, section);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, p)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            assert_non_null(nb);
            buf = nb;
        }
    }
    buf[n] = '\0';
    int status = pclose(p);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(buf);
        fail_msg("'%s' did not exit with status 0 (status %d)", cmd, status);
    }
    cJSON *root = cJSON_ParseWithLength(buf, n);
    free(buf);
    if (!root)
        fail_msg("'%s' printed malformed JSON", cmd);
    return root;
}

/* Checks one section; returns its item count. */
static int check_section(const char *section, int min_count)
{
    cJSON *root = run_list(section);
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(root, "count");
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(root, "section");
    if (!cJSON_IsNumber(count) || !cJSON_IsArray(items)) {
        cJSON_Delete(root);
        fail_msg("list %s --format json: no numeric 'count' or no 'items' array", section);
    }
    if (!cJSON_IsString(sec) || strcmp(sec->valuestring, section) != 0)
        fprintf(stderr, "FAIL: list %s --format json: section is '%s'\n", section,
                cJSON_IsString(sec) ? sec->valuestring : "(missing)");
    int n = cJSON_GetArraySize(items);
    int declared = count->valueint;
    int missing = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        const cJSON *src = cJSON_GetObjectItemCaseSensitive(it, "source");
        if (!cJSON_IsString(src) || !src->valuestring[0]) {
            missing++;
            fprintf(stderr, "FAIL: list %s: item '%s' has no source\n", section,
                    cJSON_IsString(id) ? id->valuestring : "(no id)");
        }
    }
    bool bad_section = !cJSON_IsString(sec) || strcmp(sec->valuestring, section) != 0;
    cJSON_Delete(root);
    printf("list %s: count %d, %d items, %d without source (need >= %d)\n", section, declared,
           n, missing, min_count);
    assert_false(bad_section);
    assert_int_equal(declared, n);
    if (n < min_count)
        fail_msg("list %s: %d entries, the catalog needs at least %d", section, n, min_count);
    if (missing)
        fail_msg("list %s: %d items without a source", section, missing);
    return n;
}

static void test_list_hardware(void **state)
{
    (void)state;
    check_section("hardware", 160);
}

static void test_list_models(void **state)
{
    (void)state;
    check_section("models", 110);
}

static void test_list_other_sections(void **state)
{
    (void)state;
    check_section("hosts", 1);
    check_section("links", 1);
    check_section("quants", 1);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-fitcheck\n", argv[0]);
        return 2;
    }
    fitcheck_path = argv[1];
    /* the embedded catalog only: no user catalogs from the environment */
    unsetenv("FITCHECK_CATALOG");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_hardware),
        cmocka_unit_test(test_list_models),
        cmocka_unit_test(test_list_other_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
