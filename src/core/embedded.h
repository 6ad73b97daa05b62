/* embedded.h - the data/ catalogs compiled into the binary, pre-parsed.
 * tools/embed.c loads the data/ JSON files at build time with the core's
 * own loader (a bad data file fails the build with the loader's message)
 * and writes them out as static entry structs
 * (build/generated/embedded_data.c). */
#ifndef FC_EMBEDDED_H
#define FC_EMBEDDED_H
#include <stddef.h>

#include "internal.h"

/* The embedded entries of one kind, in catalog order. */
typedef struct fc_embedded_section {
    fc_kind kind;
    const void *entries;    /* count structs of the kind: fc_hardware, ... */
    const fc_keyset *keys;  /* parallel to entries */
    size_t count;
} fc_embedded_section;

/* One section per kind (FC_KIND_COUNT of them); count 0 = none. */
extern const fc_embedded_section fc_embedded_sections[];

#endif
