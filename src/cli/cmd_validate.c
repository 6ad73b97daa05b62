/* cmd_validate.c - 'fitcheck validate': the estimator against measured runs. */
#include "cli.h"

const opt_spec validate_opts[] = {
    { NULL, 0, 0, NULL, NULL },
};

int cmd_validate(cli *c, view *v)
{
    (void)v;
    return cli_error(c, "validate: not implemented yet");
}
