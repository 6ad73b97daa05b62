/* fuzz_cli.c - libFuzzer target: the command line. The input is split at NUL
 * bytes into arguments (at most 48) and handed to cli_main(), which must
 * return 0, 1 or 2 and never crash or leak. stdout goes to /dev/null; run with
 * -close_fd_mask=2 to silence the one-line errors (scripts/fuzz.sh does).
 * Arguments with '/' are skipped and scripts/fuzz.sh runs the target in a
 * scratch directory: 'calibrate --output FILE' must not reach real files. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int cli_main(int argc, char **argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        close(fd);
    }
    unsetenv("FITCHECK_CATALOG");
    return 0;
}

#define MAX_ARGS 48

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "fitcheck";
    for (char *p = buf; p <= buf + size && argc <= MAX_ARGS; p += strlen(p) + 1) {
        if (strchr(p, '/')) { /* no paths outside the scratch directory */
            free(buf);
            return 0;
        }
        argv[argc++] = p;
    }
    argv[argc] = NULL;
    int rc = cli_main(argc, argv);
    fflush(stdout);
    clearerr(stdout);
    if (rc < 0 || rc > 2)
        abort();
    free(buf);
    return 0;
}
