/* embedded.h - the data/ catalogs compiled into the binary (see tools/embed.c). */
#ifndef FC_EMBEDDED_H
#define FC_EMBEDDED_H
#include <stddef.h>

typedef struct fc_embedded_file {
    const char *name; /* e.g. "data/hardware.json" */
    const char *data;
    size_t size;
} fc_embedded_file;

extern const fc_embedded_file fc_embedded_files[];
extern const size_t fc_embedded_count;

#endif
