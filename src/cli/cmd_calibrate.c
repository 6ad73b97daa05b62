/* cmd_calibrate.c - 'fitcheck calibrate': fit backend efficiencies. */
#include "cli.h"

const opt_spec calibrate_opts[] = {
    { NULL, 0, 0, NULL, NULL },
};

int cmd_calibrate(cli *c, view *v)
{
    (void)v;
    return cli_error(c, "calibrate: not implemented yet");
}
