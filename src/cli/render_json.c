/* render_json.c - the command's JSON document, serialised by cJSON. */
#include <stdlib.h>

#include "view.h"

int render_json(FILE *out, const view *v, const render_opts *o)
{
    (void)o;
    char *s = cJSON_Print(v->json);
    if (!s)
        return -1;
    fputs(s, out);
    fputc('\n', out);
    free(s);
    return ferror(out) ? -1 : 0;
}
