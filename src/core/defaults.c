/* defaults.c - load the catalogs compiled into the binary. */
#include "embedded.h"
#include "internal.h"

fc_status fc_catalog_add_embedded(fc_catalog *cat, fc_error *err)
{
    for (size_t i = 0; i < fc_embedded_count; i++) {
        const fc_embedded_file *f = &fc_embedded_files[i];
        fc_status st = fc_catalog_add_json(cat, f->data, f->size, f->name, err);
        if (st != FC_OK)
            return st;
    }
    return FC_OK;
}
