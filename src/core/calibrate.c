/* calibrate.c - fit a backend's few free parameters to measured runs.
 *
 * The estimator's speed model has a handful of per-backend parameters
 * (data/backends.json): the share of peak bandwidth decode reaches, its
 * multiplier on HBM devices, the fixed time per token, the dequantisation
 * cost per weight, and the share of FP16 TFLOPS prefill reaches. Given
 * measured runs of one backend, this file finds the values that minimise
 * sum w * log(predicted / measured)^2 with a bounded Nelder-Mead search.
 * The log error treats a 2x overestimate and a 2x underestimate alike and
 * keeps fast devices from dominating the fit. Every step is deterministic:
 * the same samples give the same parameters on every machine. */
#include <math.h>
#include <string.h>

#include "internal.h"

/* ---- Nelder-Mead ----------------------------------------------------------- */

#define NM_MAX 16

int fc__nelder_mead(fc_objective f, void *ctx, double *x, int n, double step, int max_eval,
                    double tol, double *fmin)
{
    double p[NM_MAX + 1][NM_MAX], fv[NM_MAX + 1];
    double c[NM_MAX], xr[NM_MAX], xe[NM_MAX], xc[NM_MAX];
    int evals = 0;
    if (n < 1 || n > NM_MAX) {
        if (fmin)
            *fmin = NAN;
        return 0;
    }
    for (int i = 0; i <= n; i++) {
        memcpy(p[i], x, sizeof(double) * (size_t)n);
        if (i > 0)
            p[i][i - 1] += step;
        fv[i] = f(p[i], ctx);
        evals++;
    }
    while (evals < max_eval) {
        /* order: best first (insertion sort keeps ties in a fixed order) */
        for (int i = 1; i <= n; i++) {
            for (int j = i; j > 0 && fv[j] < fv[j - 1]; j--) {
                double t = fv[j];
                fv[j] = fv[j - 1];
                fv[j - 1] = t;
                double tmp[NM_MAX];
                memcpy(tmp, p[j], sizeof tmp);
                memcpy(p[j], p[j - 1], sizeof tmp);
                memcpy(p[j - 1], tmp, sizeof tmp);
            }
        }
        if (fabs(fv[n] - fv[0]) <= tol * (fabs(fv[0]) + 1e-12)) {
            /* also require a small simplex, so a flat start does not stop it */
            double size = 0;
            for (int i = 1; i <= n; i++)
                for (int k = 0; k < n; k++)
                    size = fmax(size, fabs(p[i][k] - p[0][k]));
            if (size < 1e-6)
                break;
        }
        for (int k = 0; k < n; k++) {
            c[k] = 0;
            for (int i = 0; i < n; i++)
                c[k] += p[i][k] / n;
        }
        for (int k = 0; k < n; k++)
            xr[k] = c[k] + (c[k] - p[n][k]);
        double fr = f(xr, ctx);
        evals++;
        if (fr < fv[0]) {
            for (int k = 0; k < n; k++)
                xe[k] = c[k] + 2.0 * (c[k] - p[n][k]);
            double fe = f(xe, ctx);
            evals++;
            if (fe < fr) {
                memcpy(p[n], xe, sizeof(double) * (size_t)n);
                fv[n] = fe;
            } else {
                memcpy(p[n], xr, sizeof(double) * (size_t)n);
                fv[n] = fr;
            }
            continue;
        }
        if (fr < fv[n - 1]) {
            memcpy(p[n], xr, sizeof(double) * (size_t)n);
            fv[n] = fr;
            continue;
        }
        /* contraction: outside when the reflection helped a little, else inside */
        bool outside = fr < fv[n];
        for (int k = 0; k < n; k++)
            xc[k] = outside ? c[k] + 0.5 * (xr[k] - c[k]) : c[k] + 0.5 * (p[n][k] - c[k]);
        double fc = f(xc, ctx);
        evals++;
        if (fc < (outside ? fr : fv[n])) {
            memcpy(p[n], xc, sizeof(double) * (size_t)n);
            fv[n] = fc;
            continue;
        }
        /* shrink toward the best point */
        for (int i = 1; i <= n; i++) {
            for (int k = 0; k < n; k++)
                p[i][k] = p[0][k] + 0.5 * (p[i][k] - p[0][k]);
            fv[i] = f(p[i], ctx);
            evals++;
        }
    }
    int best = 0;
    for (int i = 1; i <= n; i++)
        if (fv[i] < fv[best])
            best = i;
    memcpy(x, p[best], sizeof(double) * (size_t)n);
    if (fmin)
        *fmin = fv[best];
    return evals;
}

/* ---- prediction -------------------------------------------------------------- */

double fc_sample_predict(const fc_sample *s, const fc_backend *b)
{
    fc_request r = s->req;
    r.backend = b;
    fc_estimate e;
    if (fc_estimate_run(&r, &e, NULL) != FC_OK)
        return 0.0;
    return s->metric == FC_METRIC_PREFILL ? e.prefill_tokens_per_s : e.decode_tokens_per_s;
}

/* ---- the fit ----------------------------------------------------------------- */

/* One free parameter: its field in fc_backend and its physical bounds. The
 * search runs on an unbounded variable u with value = lo + (hi - lo) *
 * (1 + tanh(u)) / 2, so every point it tries is inside the bounds. */
typedef struct param_def {
    unsigned flag;
    size_t offset;
    double lo, hi;
} param_def;

static const param_def PARAMS[] = {
    /* no runtime reads memory faster than its peak, nor slower than 10% of it */
    { FC_FIT_BW, offsetof(fc_backend, bw_efficiency), 0.10, 1.0 },
    { FC_FIT_HBM, offsetof(fc_backend, hbm_efficiency_scale), 0.20, 1.5 },
    /* kernel launches and synchronisation: 0 to 20 ms per token */
    { FC_FIT_TOKEN_OVERHEAD, offsetof(fc_backend, token_overhead_us), 0.0, 20000.0 },
    { FC_FIT_LAYER_OVERHEAD, offsetof(fc_backend, layer_overhead_us), 0.0, 500.0 },
    { FC_FIT_PREFILL, offsetof(fc_backend, prefill_efficiency), 0.02, 1.0 },
    /* unpacking a quantized weight: 0 to 200 FP16 operations */
    { FC_FIT_DEQUANT, offsetof(fc_backend, dequant_ops_per_weight), 0.0, 200.0 },
    /* GB/s one compute unit draws: 1 to 200 */
    { FC_FIT_CU, offsetof(fc_backend, cu_bandwidth_gbs), 1.0, 200.0 },
};
#define N_PARAMS (sizeof PARAMS / sizeof PARAMS[0])

typedef struct fit_ctx {
    const fc_sample *s;
    size_t n;
    fc_backend b;
    const param_def *p[N_PARAMS];
    int np;
} fit_ctx;

static double *field(fc_backend *b, const param_def *d)
{
    return (double *)(void *)((char *)b + d->offset);
}

static double to_value(const param_def *d, double u)
{
    return d->lo + (d->hi - d->lo) * 0.5 * (1.0 + tanh(u));
}

static double to_u(const param_def *d, double v)
{
    double t = 2.0 * (v - d->lo) / (d->hi - d->lo) - 1.0;
    if (t > 0.999)
        t = 0.999;
    if (t < -0.999)
        t = -0.999;
    return atanh(t);
}

static void apply(fit_ctx *c, const double *u)
{
    for (int i = 0; i < c->np; i++)
        *field(&c->b, c->p[i]) = to_value(c->p[i], u[i]);
}

/* Least squares, made robust: a pseudo-Huber loss is quadratic for log
 * errors below FC_HUBER_DELTA (15%) and grows linearly beyond, so a few
 * devices far off (a mislabelled card, a throttled one) do not drag every
 * other prediction toward them. */
#define FC_HUBER_DELTA 0.15
static double loss(double r)
{
    double d = FC_HUBER_DELTA;
    return 2.0 * d * d * (sqrt(1.0 + (r / d) * (r / d)) - 1.0);
}

static double sum_loss(fit_ctx *c)
{
    double ss = 0;
    for (size_t i = 0; i < c->n; i++) {
        double w = c->s[i].weight > 0 ? c->s[i].weight : 1.0;
        double pred = fc_sample_predict(&c->s[i], &c->b);
        /* a prediction of 0 (a failed estimate) counts as 100x off */
        double le = pred > 0 ? log(pred / c->s[i].measured) : log(100.0);
        ss += w * loss(le);
    }
    return ss;
}

static double objective(const double *u, void *ctx)
{
    fit_ctx *c = ctx;
    apply(c, u);
    return sum_loss(c);
}

static bool is_hbm_hw(const fc_hardware *h)
{
    return h && h->memory_type && (h->memory_type[0] == 'H' || h->memory_type[0] == 'h') &&
           (h->memory_type[1] == 'B' || h->memory_type[1] == 'b');
}

static bool is_quantized(const fc_quant *q)
{
    return q && !(q->family && strcmp(q->family, "float") == 0);
}

fc_status fc_calibrate_backend(const fc_backend *start, const fc_sample *samples, size_t n,
                               unsigned params, fc_fit_result *out, fc_error *err)
{
    if (!start || !out || (n > 0 && !samples))
        return fc__fail(err, FC_ERR_FIELD, "calibrate: no backend or samples given");
    memset(out, 0, sizeof *out);
    out->backend = *start;
    size_t n_hbm = 0, n_quant = 0;
    for (size_t i = 0; i < n; i++) {
        const fc_sample *s = &samples[i];
        if (!(s->measured > 0) || !isfinite(s->measured))
            return fc__fail(err, FC_ERR_RANGE, "calibrate: sample %zu: measured tokens/s must be > 0",
                            i + 1);
        if (!s->req.hardware || !s->req.model || !s->req.quant)
            return fc__fail(err, FC_ERR_FIELD, "calibrate: sample %zu: incomplete request", i + 1);
        if (s->metric == FC_METRIC_PREFILL) {
            out->n_prefill++;
        } else {
            out->n_decode++;
            if (is_hbm_hw(s->req.hardware))
                n_hbm++;
            if (is_quantized(s->req.quant))
                n_quant++;
        }
    }
    /* keep only what the data constrain: a parameter without rows that
     * depend on it would wander to whatever value the bounds allow */
    unsigned use = params;
    if (out->n_decode == 0)
        use &= ~(unsigned)(FC_FIT_BW | FC_FIT_HBM | FC_FIT_TOKEN_OVERHEAD |
                           FC_FIT_LAYER_OVERHEAD | FC_FIT_DEQUANT);
    if (n_hbm < 2)
        use &= ~(unsigned)FC_FIT_HBM;
    /* the unpack floor is switched on by a nonzero start value and needs
     * quantized decode rows */
    if (start->dequant_ops_per_weight <= 0 || n_quant < 2)
        use &= ~(unsigned)FC_FIT_DEQUANT;
    if (start->cu_bandwidth_gbs <= 0)
        use &= ~(unsigned)FC_FIT_CU;
    if (out->n_decode < 3)
        use &= ~(unsigned)(FC_FIT_TOKEN_OVERHEAD | FC_FIT_LAYER_OVERHEAD);
    if (out->n_prefill == 0)
        use &= ~(unsigned)FC_FIT_PREFILL;

    fit_ctx c;
    memset(&c, 0, sizeof c);
    c.s = samples;
    c.n = n;
    c.b = *start;
    double u[N_PARAMS];
    for (size_t i = 0; i < N_PARAMS; i++)
        if (use & PARAMS[i].flag) {
            c.p[c.np] = &PARAMS[i];
            u[c.np] = to_u(&PARAMS[i], *field(&c.b, &PARAMS[i]));
            c.np++;
        }
    out->fitted = use;
    if (c.np > 0) {
        double fmin = 0;
        /* restarts from the best point escape the simplex collapsing early */
        for (int round = 0; round < 4; round++)
            out->evaluations += fc__nelder_mead(objective, &c, u, c.np, 0.4, 1500, 1e-10, &fmin);
        apply(&c, u);
    }
    double ss = 0, ws = 0;
    for (size_t i = 0; i < n; i++) {
        double w = samples[i].weight > 0 ? samples[i].weight : 1.0;
        double pred = fc_sample_predict(&samples[i], &c.b);
        double le = pred > 0 ? log(pred / samples[i].measured) : log(100.0);
        ss += w * le * le;
        ws += w;
    }
    out->rms_log_error = ws > 0 ? sqrt(ss / ws) : 0.0;
    out->backend = c.b;
    return FC_OK;
}
