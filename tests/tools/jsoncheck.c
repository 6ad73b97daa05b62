#define _POSIX_C_SOURCE 200809L
/* jsoncheck.c - test tool: exit 0 when stdin is one valid JSON document.
 * With a KEY argument, also require that top-level key (dots for nesting). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

int main(int argc, char **argv)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return 2;
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                return 2;
            buf = nb;
        }
    }
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!j) {
        fprintf(stderr, "jsoncheck: invalid JSON\n");
        return 1;
    }
    for (const char *c = end; c < buf + len; c++)
        if (*c != ' ' && *c != '\n' && *c != '\r' && *c != '\t') {
            fprintf(stderr, "jsoncheck: text after the document\n");
            return 1;
        }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s", argv[i]);
        cJSON *cur = j;
        for (char *save = NULL, *k = strtok_r(path, ".", &save); k && cur;
             k = strtok_r(NULL, ".", &save))
            /* a number indexes an array: items.0.id */
            cur = cJSON_IsArray(cur) && k[0] >= '0' && k[0] <= '9'
                      ? cJSON_GetArrayItem(cur, atoi(k))
                      : cJSON_GetObjectItemCaseSensitive(cur, k);
        if (!cur) {
            fprintf(stderr, "jsoncheck: missing key %s\n", argv[i]);
            rc = 1;
        }
    }
    cJSON_Delete(j);
    free(buf);
    return rc;
}
