/* defaults.c - install the catalogs compiled into the binary (no parsing:
 * tools/embed.c turned the data/ JSON files into static entries at build
 * time). */
#include "embedded.h"
#include "internal.h"

fc_status fc_catalog_add_embedded(fc_catalog *cat, fc_error *err)
{
    if (!cat)
        return fc__fail(err, FC_ERR_FIELD, "(embedded): no catalog");
    for (int k = 0; k < FC_KIND_COUNT; k++) {
        const fc_embedded_section *s = &fc_embedded_sections[k];
        if (s->count == 0)
            continue;
        fc_status st = fc__catalog_install(cat, s->kind, s->entries, s->keys, s->count, err);
        if (st != FC_OK)
            return st;
    }
    return FC_OK;
}
