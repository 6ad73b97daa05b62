#define _POSIX_C_SOURCE 200809L
/* detect.c - '--hardware local': find the GPUs and memory of this machine and
 * map them to catalog entries.
 *
 * Sources: NVIDIA through `nvidia-smi --query-gpu=name,memory.total,memory.free
 * --format=csv,noheader,nounits`; AMD and Intel through /sys/class/drm/card*
 * /device (PCI vendor and device ids; amdgpu's mem_info_vram_total/used);
 * system RAM from /proc/meminfo; Apple silicon through `sysctl
 * machdep.cpu.brand_string hw.memsize` (and an optional "Total Number of
 * Cores: N" line, as system_profiler prints it, for the GPU cores).
 *
 * For tests (never the CI machine's hardware): FITCHECK_SYSROOT is prepended
 * to /proc and /sys paths; FITCHECK_NVIDIA_SMI and FITCHECK_SYSCTL name files
 * holding recorded tool output. When FITCHECK_SYSROOT is set, no tool is run:
 * an unset tool variable means that tool found nothing. */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define GIB 1073741824.0

static const char *sysroot(void)
{
    const char *r = getenv("FITCHECK_SYSROOT");
    return r ? r : "";
}

/* A tool's output: the recorded file when the variable is set, else the
 * command's output (only outside tests). Returns a malloc'ed string or NULL. */
static char *tool_output(const char *env, const char *cmdline)
{
    const char *path = getenv(env);
    FILE *f = NULL;
    bool is_pipe = false;
    if (path)
        f = fopen(path, "r");
    else if (!getenv("FITCHECK_SYSROOT") && cmdline) {
        f = popen(cmdline, "r");
        is_pipe = true;
    }
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            if (cap >= (1u << 20))
                break;
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        if (got == 0)
            break;
        n += got;
    }
    if (buf)
        buf[n] = 0;
    if (is_pipe)
        pclose(f);
    else
        fclose(f);
    return buf;
}

static bool read_line_file(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(out, (int)n, f) != NULL;
    fclose(f);
    if (ok)
        out[strcspn(out, "\r\n")] = 0;
    return ok;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    size_t k = 0;
    while (s[k] == ' ' || s[k] == '\t')
        k++;
    memmove(s, s + k, strlen(s + k) + 1);
}

/* The catalog entry for a device name and memory size: an exact name, id or
 * alias whose memory is within 12%, else one whose key the name starts with
 * (the longest such key), memory again within 12%. */
static const fc_hardware *match_device(const fc_catalog *cat, const char *vendor,
                                       const char *name, double mem_gib)
{
    char key[256];
    const char *n = name;
    if (strncmp(n, "NVIDIA ", 7) == 0)
        n += 7;
    fc_name_key(n, key, sizeof key);
    const fc_hardware *best = NULL;
    size_t best_len = 0;
    double best_dm = 1e9;
    for (size_t i = 0; i < fc_catalog_count(cat, FC_KIND_HARDWARE); i++) {
        const fc_hardware *h = fc_catalog_hardware(cat, i);
        if (vendor && strcmp(h->vendor, vendor) != 0)
            continue;
        double dm = fabs(h->memory_gb - mem_gib);
        if (mem_gib > 0 && dm > 0.12 * h->memory_gb)
            continue;
        const char *cands[40];
        size_t nc = 0;
        cands[nc++] = h->info.id;
        cands[nc++] = h->info.name;
        for (size_t a = 0; a < h->info.aliases.count && nc < 40; a++)
            cands[nc++] = h->info.aliases.items[a];
        for (size_t k = 0; k < nc; k++) {
            char ck[256];
            fc_name_key(cands[k], ck, sizeof ck);
            size_t cl = strlen(ck);
            if (cl < 3)
                continue;
            bool exact = strcmp(ck, key) == 0;
            bool prefix = strncmp(key, ck, cl) == 0;
            if (!exact && !prefix)
                continue;
            size_t score = exact ? 100000 : cl;
            if (score > best_len || (score == best_len && dm < best_dm)) {
                best = h;
                best_len = score;
                best_dm = dm;
            }
        }
    }
    return best;
}

/* PCI ids of common AMD and Intel GPUs (pci.ids); several boards share an
 * id, and memory size tells them apart in match_device(). */
static const struct {
    unsigned vendor, device;
    const char *name;
} pci_names[] = {
    { 0x1002, 0x744c, "Radeon RX 7900 XTX" }, /* Navi 31: XTX 24 GB, XT 20 GB, GRE 16 GB */
    { 0x1002, 0x7448, "Radeon PRO W7900" },
    { 0x1002, 0x747e, "Radeon RX 7800 XT" },
    { 0x1002, 0x7480, "Radeon RX 7600" },
    { 0x1002, 0x7550, "Radeon RX 9070 XT" },
    { 0x1002, 0x73bf, "Radeon RX 6800 XT" },
    { 0x1002, 0x73df, "Radeon RX 6700 XT" },
    { 0x1002, 0x74a1, "Instinct MI300X" },
    { 0x8086, 0x56a0, "Intel Arc A770" },
    { 0x8086, 0x56a1, "Intel Arc A750" },
    { 0x8086, 0xe20b, "Intel Arc B580" },
    { 0x8086, 0xe20c, "Intel Arc B570" },
};

static const char *pci_name(unsigned vendor, unsigned device)
{
    for (size_t i = 0; i < sizeof pci_names / sizeof pci_names[0]; i++)
        if (pci_names[i].vendor == vendor && pci_names[i].device == device)
            return pci_names[i].name;
    return NULL;
}

static void add_device(detection *d, const char *name, const char *vendor, double total_mib,
                       double free_mib, const char *source, const fc_catalog *cat)
{
    if (d->n >= DETECT_MAX)
        return;
    det_device *x = &d->dev[d->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->name, sizeof x->name, "%s", name);
    snprintf(x->vendor, sizeof x->vendor, "%s", vendor);
    snprintf(x->source, sizeof x->source, "%s", source);
    x->total_mib = total_mib;
    x->free_mib = free_mib;
    double gib = total_mib / 1024.0;
    /* a card reports a little less than its marketed size */
    x->hw = match_device(cat, vendor, name, gib > 0 ? gib : 0);
}

static void detect_nvidia(detection *d, const fc_catalog *cat)
{
    char *outp = tool_output("FITCHECK_NVIDIA_SMI",
                             "nvidia-smi --query-gpu=name,memory.total,memory.free "
                             "--format=csv,noheader,nounits 2>/dev/null");
    if (!outp)
        return;
    for (char *save = NULL, *line = strtok_r(outp, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char name[128] = "", *fields[3] = { NULL, NULL, NULL };
        int nf = 0;
        for (char *s2 = NULL, *f = strtok_r(line, ",", &s2); f && nf < 3;
             f = strtok_r(NULL, ",", &s2))
            fields[nf++] = f;
        if (nf < 2)
            continue;
        snprintf(name, sizeof name, "%s", fields[0]);
        trim(name);
        double total = strtod(fields[1], NULL), fr = nf > 2 ? strtod(fields[2], NULL) : 0;
        if (!name[0] || !(total > 0) || total > 1e8)
            continue;
        add_device(d, name, "nvidia", total, fr >= 0 && fr <= total ? fr : 0, "nvidia-smi",
                   cat);
    }
    free(outp);
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

static void detect_drm(detection *d, const fc_catalog *cat, bool have_nvidia)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/sys/class/drm", sysroot());
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    /* cards in name order, so that results do not depend on readdir */
    struct dirent *de;
    char names[DETECT_MAX][sizeof de->d_name];
    int nn = 0;
    while ((de = readdir(dp)) && nn < DETECT_MAX) {
        const char *s = de->d_name;
        if (strncmp(s, "card", 4) != 0 || !s[4] || strspn(s + 4, "0123456789") != strlen(s + 4))
            continue;
        snprintf(names[nn++], sizeof names[0], "%s", s);
    }
    closedir(dp);
    qsort(names, (size_t)nn, sizeof names[0], by_name);
    for (int i = 0; i < nn; i++) {
        char path[5200], buf[64]; /* room for any dir + d_name gcc can see */
        unsigned vendor = 0, device = 0;
        snprintf(path, sizeof path, "%s/%s/device/vendor", dir, names[i]);
        if (!read_line_file(path, buf, sizeof buf))
            continue;
        vendor = (unsigned)strtoul(buf, NULL, 16);
        snprintf(path, sizeof path, "%s/%s/device/device", dir, names[i]);
        if (read_line_file(path, buf, sizeof buf))
            device = (unsigned)strtoul(buf, NULL, 16);
        if (vendor == 0x10de && have_nvidia)
            continue; /* nvidia-smi reported it */
        const char *vname = vendor == 0x1002 ? "amd" : vendor == 0x8086 ? "intel"
                            : vendor == 0x10de ? "nvidia" : NULL;
        if (!vname)
            continue;
        double total = 0, used = 0;
        snprintf(path, sizeof path, "%s/%s/device/mem_info_vram_total", dir, names[i]);
        if (read_line_file(path, buf, sizeof buf))
            total = strtod(buf, NULL) / 1048576.0;
        snprintf(path, sizeof path, "%s/%s/device/mem_info_vram_used", dir, names[i]);
        if (read_line_file(path, buf, sizeof buf))
            used = strtod(buf, NULL) / 1048576.0;
        /* integrated GPUs (a few hundred MiB carve-out) are not what runs models */
        if (vendor == 0x1002 && total > 0 && total < 2048)
            continue;
        const char *pn = pci_name(vendor, device);
        char name[128];
        if (pn)
            snprintf(name, sizeof name, "%s", pn);
        else
            snprintf(name, sizeof name, "PCI %04x:%04x", vendor, device);
        add_device(d, name, vname, total, total > used ? total - used : 0, "sysfs", cat);
        /* a PCI id shared by several boards: memory decides, in match_device */
        if (!pn)
            d->dev[d->n - 1].hw = NULL;
    }
}

static void detect_meminfo(detection *d)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/proc/meminfo", sysroot());
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        double kb;
        if (sscanf(line, "MemTotal: %lf", &kb) == 1)
            d->ram_total_mib = kb / 1024.0;
        else if (sscanf(line, "MemAvailable: %lf", &kb) == 1)
            d->ram_avail_mib = kb / 1024.0;
    }
    fclose(f);
}

static void detect_apple(detection *d, const fc_catalog *cat)
{
    char *outp = tool_output("FITCHECK_SYSCTL",
#ifdef __APPLE__
                             "sysctl machdep.cpu.brand_string hw.memsize 2>/dev/null"
#else
                             NULL
#endif
    );
    if (!outp)
        return;
    char chip[96] = "";
    double mem = 0;
    int cores = 0;
    for (char *save = NULL, *line = strtok_r(outp, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = 0;
        char *val = colon + 1;
        trim(line);
        trim(val);
        if (strcmp(line, "machdep.cpu.brand_string") == 0)
            snprintf(chip, sizeof chip, "%s", val);
        else if (strcmp(line, "hw.memsize") == 0)
            mem = strtod(val, NULL);
        else if (strcmp(line, "Total Number of Cores") == 0 || strcmp(line, "gpu_cores") == 0)
            cores = atoi(val);
    }
    free(outp);
    if (strncmp(chip, "Apple M", 7) != 0 || !(mem > 0))
        return;
    snprintf(d->apple_chip, sizeof d->apple_chip, "%s", chip);
    d->apple_gpu_cores = cores;
    double gib = mem / GIB;
    /* the catalog entry: the chip in its name, the same memory, the GPU cores
     * when known, else the default (an id without a core count) */
    const fc_hardware *best = NULL;
    int best_score = -1;
    char ck[128];
    fc_name_key(chip + 6, ck, sizeof ck); /* "M4 Pro" -> "m4pro" */
    for (size_t i = 0; i < fc_catalog_count(cat, FC_KIND_HARDWARE); i++) {
        const fc_hardware *h = fc_catalog_hardware(cat, i);
        if (strcmp(h->vendor, "apple") != 0 || fabs(h->memory_gb - gib) > 0.5)
            continue;
        char nk[256];
        const char *nm = h->info.name;
        if (strncmp(nm, "Apple ", 6) == 0)
            nm += 6;
        fc_name_key(nm, nk, sizeof nk);
        size_t cl = strlen(ck);
        /* "m4pro(20coregpu,48gb)": the chip, then no letter (not "m4max" for "m4") */
        if (strncmp(nk, ck, cl) != 0 || isalpha((unsigned char)nk[cl]))
            continue;
        int score = 1;
        if (cores && h->compute_units == cores)
            score = 3;
        else if (!cores && !strstr(h->info.id, "c-"))
            score = 2;
        if (score > best_score) {
            best = h;
            best_score = score;
        }
    }
    char name[160];
    if (cores)
        snprintf(name, sizeof name, "%s (%d-core GPU, %.0f GB)", chip, cores, gib);
    else
        snprintf(name, sizeof name, "%s (%.0f GB)", chip, gib);
    if (d->n < DETECT_MAX) {
        det_device *x = &d->dev[d->n++];
        memset(x, 0, sizeof *x);
        snprintf(x->name, sizeof x->name, "%s", name);
        snprintf(x->vendor, sizeof x->vendor, "apple");
        snprintf(x->source, sizeof x->source, "sysctl");
        x->total_mib = mem / 1048576.0;
        x->free_mib = 0;
        x->hw = best;
    }
}

void cli_detect(const fc_catalog *cat, detection *d)
{
    memset(d, 0, sizeof *d);
    detect_nvidia(d, cat);
    detect_drm(d, cat, d->n > 0);
    detect_meminfo(d);
    detect_apple(d, cat);
}

int cli_detect_local(cli *c, const fc_hardware **hw, int *count, double *ram_gib)
{
    detection d;
    cli_detect(c->cat, &d);
    *hw = NULL;
    *count = 0;
    *ram_gib = d.ram_total_mib / 1024.0;
    for (int i = 0; i < d.n; i++) {
        if (!d.dev[i].hw)
            continue;
        if (!*hw)
            *hw = d.dev[i].hw;
        if (d.dev[i].hw == *hw)
            (*count)++;
    }
    if (*hw)
        return EXIT_OK;
    if (d.n == 0)
        return cli_error(c, "--hardware local: no GPU found (nvidia-smi, /sys/class/drm, "
                            "sysctl); name the device instead: --hardware <id> (see 'fitcheck "
                            "list hardware')");
    char found[512] = "";
    size_t u = 0;
    for (int i = 0; i < d.n && u < sizeof found; i++)
        u += (size_t)snprintf(found + u, sizeof found - u, "%s'%s' (%.1f GiB, %s)",
                              i ? ", " : "", d.dev[i].name, d.dev[i].total_mib / 1024.0,
                              d.dev[i].source);
    return cli_error(c, "--hardware local: found %s, which is not in the catalog; name the "
                        "nearest device instead: --hardware <id> (see 'fitcheck list hardware "
                        "--vendor %s'), or add it with --catalog FILE",
                     found, d.dev[0].vendor);
}

/* 'fitcheck hardware local --detect': what was found and what it maps to */
int cmd_detect(cli *c, view *v)
{
    detection d;
    cli_detect(c->cat, &d);
    cJSON_AddNumberToObject(v->json, "schema_version", FC_SCHEMA_VERSION);
    json_str(v->json, "command", "detect");
    cJSON *jd = cJSON_AddArrayToObject(v->json, "devices");
    view_heading(v, "This machine");
    static const char *const spec[] = { "Device|name", "Vendor|vendor", "Found by|source",
                                        "Total MiB|memory_total_mib|r",
                                        "Free MiB|memory_free_mib|r", "Catalog entry|catalog_id" };
    block *t = view_table(v, NULL, 6, spec);
    t->primary = true;
    for (int i = 0; i < d.n; i++) {
        const det_device *x = &d.dev[i];
        cJSON *o = cJSON_CreateObject();
        json_str(o, "name", x->name);
        json_str(o, "vendor", x->vendor);
        json_str(o, "source", x->source);
        json_num(o, "memory_total_mib", x->total_mib, 0);
        json_num(o, "memory_free_mib", x->free_mib, 0);
        json_str(o, "catalog_id", x->hw ? x->hw->info.id : NULL);
        cJSON_AddItemToArray(jd, o);
        cell *row = table_row(v, t);
        if (!row)
            break;
        cell_text(v, &row[0], x->name);
        cell_text(v, &row[1], x->vendor);
        cell_text(v, &row[2], x->source);
        cell_num(v, &row[3], x->total_mib, 0, NULL);
        if (strcmp(x->vendor, "apple") == 0)
            cell_text(v, &row[4], "-");
        else
            cell_num(v, &row[4], x->free_mib, 0, NULL);
        cell_text(v, &row[5], x->hw ? x->hw->info.id : "(not in the catalog)");
    }
    cJSON *js = cJSON_AddObjectToObject(v->json, "system");
    json_num(js, "ram_total_mib", d.ram_total_mib, 0);
    json_num(js, "ram_available_mib", d.ram_avail_mib, 0);
    if (d.ram_total_mib > 0)
        view_text(v, "System RAM: %.1f GiB total, %.1f GiB free (available).",
                  d.ram_total_mib / 1024.0, d.ram_avail_mib / 1024.0);
    if (d.n == 0)
        view_text(v, "No GPU found through nvidia-smi, /sys/class/drm or sysctl: name the "
                     "device with --hardware <id> (see 'fitcheck list hardware').");
    for (int i = 0; i < d.n; i++)
        if (!d.dev[i].hw) {
            view_text(v, "'%s' is not in the catalog: name the nearest device with "
                         "--hardware <id> (see 'fitcheck list hardware --vendor %s'), or add "
                         "it with --catalog FILE.",
                      d.dev[i].name, d.dev[i].vendor);
            break;
        }
    return EXIT_OK;
}
