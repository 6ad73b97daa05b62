/* cmd_show.c - 'fitcheck show ID': every field of one entry, whatever its kind. */
#include <string.h>

#include "cli.h"

static void show_json_kv(view *v, const cJSON *o, const char *prefix)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, o) {
        char label[128];
        snprintf(label, sizeof label, "%s%s", prefix, it->string);
        if (cJSON_IsObject(it)) {
            char p2[160];
            snprintf(p2, sizeof p2, "%s.", label);
            show_json_kv(v, it, p2);
        } else if (cJSON_IsNull(it)) {
            continue;
        } else if (cJSON_IsArray(it)) {
            if (cJSON_GetArraySize(it) == 0)
                continue;
            char buf[1024] = "";
            size_t used = 0;
            const cJSON *el;
            cJSON_ArrayForEach(el, it) {
                if (cJSON_IsString(el)) {
                    int w = snprintf(buf + used, sizeof buf - used, "%s%s", used ? ", " : "",
                                     el->valuestring);
                    if (w > 0 && (size_t)w < sizeof buf - used)
                        used += (size_t)w;
                }
            }
            kv_add_text(v, label, label, buf, NULL);
        } else if (cJSON_IsString(it)) {
            kv_add_text(v, label, label, it->valuestring, NULL);
        } else if (cJSON_IsBool(it)) {
            kv_add_text(v, label, label, cJSON_IsTrue(it) ? "true" : "false", NULL);
        } else if (cJSON_IsNumber(it)) {
            double d = it->valuedouble;
            int dec = d == (double)(long long)d ? 0 : 4;
            char buf[64];
            snprintf(buf, sizeof buf, "%.*g", dec ? 6 : 15, d);
            kv_item *dummy = NULL;
            (void)dummy;
            kv_add_num(v, label, label, d, dec, NULL, NULL);
            /* shorter text for people */
            block *b = &v->blocks[v->n_blocks - 1];
            cell_text(v, &b->items[b->n_items - 1].value, buf);
            b->items[b->n_items - 1].value.kind = CELL_NUMBER;
        }
    }
}

int cmd_show(cli *c, view *v)
{
    const char *name = c->a.pos[0];
    fc_kind found_kind = FC_KIND_COUNT;
    size_t found = 0;
    int hits = 0;
    char kinds[128] = "";
    /* exact ids first, in every section */
    for (int k = 0; k < FC_KIND_COUNT; k++)
        for (size_t i = 0; i < fc_catalog_count(c->cat, (fc_kind)k); i++)
            if (strcmp(fc_catalog_info(c->cat, (fc_kind)k, i)->id, name) == 0) {
                if (hits++ == 0) {
                    found_kind = (fc_kind)k;
                    found = i;
                }
                strncat(kinds, hits > 1 ? ", " : "", sizeof kinds - strlen(kinds) - 1);
                strncat(kinds, fc_kind_name((fc_kind)k), sizeof kinds - strlen(kinds) - 1);
            }
    if (hits == 0) {
        fc_error err, ambiguous;
        ambiguous.msg[0] = '\0';
        char closest[FC_ERROR_MSG_MAX] = ""; /* "hardware rtx4090, rtx4080; model ..." */
        for (int k = 0; k < FC_KIND_COUNT; k++) {
            size_t i;
            fc_status st = fc_catalog_find(c->cat, (fc_kind)k, name, &i, &err);
            if (st == FC_OK) {
                if (hits++ == 0) {
                    found_kind = (fc_kind)k;
                    found = i;
                }
                strncat(kinds, hits > 1 ? ", " : "", sizeof kinds - strlen(kinds) - 1);
                strncat(kinds, fc_kind_name((fc_kind)k), sizeof kinds - strlen(kinds) - 1);
            } else if (st == FC_ERR_AMBIGUOUS) {
                if (!ambiguous.msg[0])
                    ambiguous = err;
            } else {
                /* every kind's own suggestions, named by kind */
                const char *dym = strstr(err.msg, "did you mean ");
                if (dym) {
                    dym += strlen("did you mean ");
                    size_t len = strcspn(dym, "?)");
                    size_t used = strlen(closest);
                    snprintf(closest + used, sizeof closest - used, "%s%s %.*s", used ? "; " : "",
                             fc_kind_name((fc_kind)k), (int)len, dym);
                }
            }
        }
        if (hits == 0) {
            if (ambiguous.msg[0])
                return cli_error(c, "show: %s", ambiguous.msg);
            if (closest[0])
                return cli_error(c, "show: no catalog entry named '%s' (closest: %s)", name,
                                 closest);
            return cli_error(c, "show: no catalog entry named '%s' (see 'fitcheck list')", name);
        }
    }
    if (hits > 1)
        return cli_error(c, "show: '%s' names more than one entry (%s)", name, kinds);
    const void *entry = fc_catalog_info(c->cat, found_kind, found);
    cJSON *j = json_entry(found_kind, entry);
    if (!j)
        return cli_error(c, "out of memory");
    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "kind", fc_kind_name(found_kind));
    view_heading(v, "%s (%s)", ((const fc_entry_info *)entry)->name, fc_kind_name(found_kind));
    view_kv(v, NULL);
    show_json_kv(v, j, "");
    cJSON_AddItemToObject(v->json, "entry", j);
    return EXIT_OK;
}
