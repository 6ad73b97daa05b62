#!/usr/bin/env bash
# cost_test.sh FITCHECK JSONCHECK GROUP - 'fitcheck cost' and the cost table of
# 'fitcheck compare' as a user runs them. The expected figures are worked out
# by hand from catalog values (data/hardware.json) and the documented
# constants (docs/model.md, "Power and cost"): a card's system adds a 1200 USD
# host drawing 80 W at load and 35 W idle; defaults 8 h active and 16 h idle a
# day at 0.16 USD/kWh over 3 years. A year: 8 h x 365 = 2920 h, 16 h x 365 = 5840 h.
#
# Catalog values used:
#   rtx4090       power_w 450, idle_w 27, price_usd 1599 (msrp), memory_gb 24
#   m4pro-16c-24  power_w 50,  idle_w 7,  price_usd 1399 (system), gpu_usable_default_gb 18
#   dgx-spark     power_w 140, idle_w 8,  price_usd 3999 (system), gpu_usable_default_gb 107.52
#   m4pro-48      power_w 50,  idle_w 7,  price_usd 1999 (system), gpu_usable_default_gb 36
#   m3-16         power_w 22,  idle_w 5,  no price, gpu_usable_default_gb 12
#   gtx1650       power_w 75,  idle_w 5,  price_usd 149 (msrp), memory_gb 4
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") JSONCHECK=$2 GROUP=$3
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
. "$(dirname "$0")/../cli_lib.sh"

# jval KEY...: the value of the last KEY found after each earlier one in turn,
# in the pretty-printed JSON of the last run (cJSON prints one key a line).
jval() {
  awk -v path="$*" 'BEGIN { n = split(path, k, " "); i = 1 }
    i <= n && index($0, "\"" k[i] "\":") {
      if (i == n) { sub(/^[^:]*:[[:space:]]*/, ""); sub(/,$/, ""); print; exit }
      i++ }' "$out"
}
# near GOT WANT TOL: |GOT - WANT| <= TOL
near() { awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { if (g !~ /^-?[0-9][0-9.eE+-]*$/) exit 1; d = g - w; if (d < 0) d = -d; exit !(d <= t) }'; }
# jnear WANT TOL KEY...: a JSON figure of the last run
jnear() { local want=$1 tol=$2; shift 2; near "$(jval "$@")" "$want" "$tol"; }
jis() { local want=$1; shift; [ "$(jval "$@")" = "$want" ]; }
# cfield NAME: a field of the one-record CSV of the last run, quotes removed
cfield() {
  awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); if ($i == name) c = i } }
    NR == 2 && c { v = $c; gsub(/"/, "", v); print v }' "$out"
}
cnear() { near "$(cfield "$1")" "$2" "$3"; }

case $GROUP in
formats)
  # rtx4090 (a card): price 1599 + 1200 = 2799 USD (estimate); 2799 / 24 GB = 116.625 USD/GB;
  # load 450 + 80 = 530 W, idle 27 + 35 = 62 W; 530 x 2920 / 1000 = 1547.6 kWh,
  # 62 x 5840 / 1000 = 362.08 kWh, total 1909.68 kWh x 0.16 = 305.5488 USD a year, 25.4624 a month
  run 0 cost --hardware rtx4090 --model llama3.1-8b --quant q4_k_m --format json &&
    check "cost json" json_ok schema_version command hardware.id model.id quant verdict \
      assumptions.active_hours_per_day system.price_usd system.load_w electricity.annual_usd \
      tokens.tokens_per_joule tokens.cost_per_mtok_usd && check "json no nan" no_nan
  check "price 2799" jnear 2799 0.005 system price_usd
  check "price basis estimate" jis '"estimate"' system price_basis
  check "price estimated" jis true system price_estimated
  check "host price 1200" jnear 1200 0 system host_price_usd
  check "usable 24 GB" jnear 24 0 system gpu_usable_gb
  check "116.625 USD/GB" jnear 116.625 0.0001 system price_per_gb_usd
  check "load 530 W" jnear 530 0 system load_w
  check "idle 62 W" jnear 62 0 system idle_w
  check "load is an upper bound" jis true system load_w_upper_bound
  check "1547.6 kWh at load" jnear 1547.6 0.001 electricity annual_kwh_active
  check "362.08 kWh idle" jnear 362.08 0.001 electricity annual_kwh_idle
  check "1909.68 kWh" jnear 1909.68 0.001 electricity annual_kwh
  check "305.5488 USD a year" jnear 305.5488 0.0001 electricity annual_usd
  check "25.4624 USD a month" jnear 25.4624 0.0001 electricity monthly_usd
  # the per-token figures follow from the decode speed the same run reports:
  # tokens per joule = decode / 530 W; a request = ttft + 128 / decode
  tps=$(jval tokens decode_tokens_per_s)
  check "decode reported" near "$tps" 100 99
  check "tokens per joule = decode / 530" jnear "$(awk -v t="$tps" 'BEGIN { print t / 530 }')" 0.000002 tokens tokens_per_joule
  check "no API without prices" jis null api
  # electricity per Mtok = 305.5488 / (Mtok a year); cost per Mtok =
  # (2799 + 3 x 305.5488) / (3 x Mtok a year)
  tpy=$(jval tokens generated_per_year)
  check "electricity per Mtok" jnear "$(awk -v y="$tpy" 'BEGIN { print 305.5488 / y * 1e6 }')" 0.000002 tokens electricity_per_mtok_usd
  check "cost per Mtok" jnear "$(awk -v y="$tpy" 'BEGIN { print (2799 + 3 * 305.5488) / (3 * y) * 1e6 }')" 0.000002 tokens cost_per_mtok_usd

  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m &&
    check "table heading" has_out '^Power and cost: Llama 3.1 8B' &&
    check "table price" has_out '2799 USD .*estimate: 1599 USD launch MSRP + 1200 USD typical host' &&
    check "table load" has_out '530 W .*450 W board power limit + 80 W typical host' &&
    check "table idle" has_out '62 W .*27 W idle + 35 W typical host' &&
    check "table kWh" has_out '1909.7 kWh/year' && check "table USD" has_out '305.55 USD/year' &&
    check "table per GB" has_out '116.63 USD/GB' && check "table says upper bound" has_out 'upper bound' &&
    check "table no nan" no_nan
  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m --format markdown &&
    check "markdown heading" has_out '^# Power and cost' && check "markdown kv" has_out '^| price | 2799 USD |' &&
    check "markdown electricity" has_out '^| cost | 305.55 USD/year |' && check "markdown no nan" no_nan
  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m --format csv && check "csv" csv_ok &&
    check "csv one record" test "$(wc -l <"$out")" -eq 2 && check "csv no nan" no_nan
  check "csv price" cnear system_price_usd 2799 0
  check "csv basis" test "$(cfield price_basis)" = estimate
  check "csv load" cnear load_w 530 0
  check "csv kWh" cnear annual_kwh 1909.7 0.05
  check "csv USD" cnear annual_electricity_usd 305.55 0.005
  check "csv per GB" cnear price_per_gb_usd 116.63 0.005

  # a whole machine: m4pro-16c-24 at 1399 USD, no host; 50 W x 2920 / 1000 = 146 kWh,
  # 7 W x 5840 / 1000 = 40.88 kWh; 186.88 x 0.16 = 29.9008 USD; 1399 / 18 = 77.7222 USD/GB
  run 0 cost m4pro-16c-24 llama3.1-8b --quant q4_k_m --format json
  check "mac price 1399" jnear 1399 0 system price_usd
  check "mac basis system" jis '"system"' system price_basis
  check "mac no host" jnear 0 0 system host_price_usd
  check "mac 50 W" jnear 50 0 system load_w
  check "mac not an upper bound" jis false system load_w_upper_bound
  check "mac 186.88 kWh" jnear 186.88 0.001 electricity annual_kwh
  check "mac 29.9008 USD" jnear 29.9008 0.0001 electricity annual_usd
  check "mac 77.7222 USD/GB" jnear 77.7222 0.0001 system price_per_gb_usd
  # DGX Spark: 3999 USD system; 140 x 2.92 = 408.8 kWh + 8 x 5.84 = 46.72 kWh = 455.52 kWh
  # x 0.16 = 72.8832 USD; 3999 / 107.52 = 37.1931 USD/GB
  run 0 cost dgx-spark llama3.1-8b --format json
  check "spark 3999" jnear 3999 0 system price_usd
  check "spark 455.52 kWh" jnear 455.52 0.001 electricity annual_kwh
  check "spark 72.8832 USD" jnear 72.8832 0.0001 electricity annual_usd
  check "spark per GB" jnear 37.1931 0.0001 system price_per_gb_usd

  # two cards: 2 x 1599 + 1200 = 4398 USD; 2 x 450 + 80 = 980 W; 2 x 27 + 35 = 89 W; 4398 / 48 = 91.625
  run 0 cost rtx4090 llama3.1-8b --gpus 2 --format json
  check "2 cards 4398 USD" jnear 4398 0 system price_usd
  check "2 cards 980 W" jnear 980 0 system load_w
  check "2 cards 89 W" jnear 89 0 system idle_w
  check "2 cards 91.625 USD/GB" jnear 91.625 0.0001 system price_per_gb_usd
  # --hours-per-day 12 leaves 12 idle: 530 x 12 x 365 / 1000 = 2321.4 kWh, 62 x 12 x 365
  # / 1000 = 271.56 kWh; 2592.96 x 0.16 = 414.8736 USD
  run 0 cost rtx4090 llama3.1-8b --hours-per-day 12 --format json
  check "12 h idle by default" jnear 12 0 assumptions idle_hours_per_day
  check "12 + 12 h kWh" jnear 2592.96 0.001 electricity annual_kwh
  check "12 + 12 h USD" jnear 414.8736 0.0001 electricity annual_usd
  # --price-kwh 0.30: 1909.68 x 0.30 = 572.904 USD; --idle-hours 0: 1547.6 x 0.16 = 247.616
  run 0 cost rtx4090 llama3.1-8b --price-kwh 0.30 --format json
  check "0.30 USD/kWh" jnear 572.904 0.0001 electricity annual_usd
  run 0 cost rtx4090 llama3.1-8b --idle-hours 0 --format json
  check "no idle hours" jnear 247.616 0.0001 electricity annual_usd
  # overrides: --system-price 3000 --watts 400 --idle-watts 50: 400 x 2.92 = 1168 kWh +
  # 50 x 5.84 = 292 kWh = 1460 kWh x 0.16 = 233.6 USD; 3000 / 24 = 125 USD/GB
  run 0 cost rtx4090 llama3.1-8b --system-price 3000 --watts 400 --idle-watts 50 --format json
  check "given price" jnear 3000 0 system price_usd
  check "given basis" jis '"given"' system price_basis
  check "given watts" jnear 1460 0.001 electricity annual_kwh
  check "given USD" jnear 233.6 0.0001 electricity annual_usd
  check "given per GB" jnear 125 0.0001 system price_per_gb_usd
  check "given load not a bound" jis false system load_w_upper_bound
  ;;
api)
  # The API comparison uses the same requests: 512 tokens in, 128 out, back to back for
  # 8 h a day. Months to break even = 2799 / (API a month - 25.4624 USD of electricity).
  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m --api-price-in 0.2 --api-price-out 0.6 --format json &&
    check "api json" json_ok api.monthly_usd api.months_to_break_even api.breaks_even && check "api no nan" no_nan
  rph=$(jval tokens requests_per_hour)
  # a request: (512 x 0.2 + 128 x 0.6) / 1e6 = 179.2e-6 USD; a month: rph x 2920 / 12 requests
  api=$(awk -v r="$rph" 'BEGIN { printf "%.6f", r * 2920 / 12 * 179.2e-6 }')
  check "api a month" jnear "$api" 0.01 api monthly_usd
  check "breaks even" jis true api breaks_even
  check "months to break even" jnear "$(awk -v a="$api" 'BEGIN { print 2799 / (a - 25.4624) }')" 0.01 api months_to_break_even
  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m --api-price-in 0.2 --api-price-out 0.6 &&
    check "api table" has_out 'Against the API' && check "break even row" has_out 'break even after .* months'
  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m --api-price-in 0.2 --api-price-out 0.6 --format csv &&
    check "api csv" cnear months_to_break_even "$(awk -v a="$api" 'BEGIN { print 2799 / (a - 25.4624) }')" 0.06
  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m --api-price-in 0.2 --api-price-out 0.6 --format markdown &&
    check "api markdown" has_out '^| break even after |'
  # the chart of USD per million generated tokens: the API's bar is the price of a
  # request over its output, 179.2e-6 USD / 128 tokens x 1e6 = 1.40 USD/Mtok
  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m --api-price-in 0.2 --api-price-out 0.6 &&
    check "cost chart" has_out 'Cost per million generated tokens (USD/Mtok)' &&
    check "API bar: 1.4" has_out 'the API, same requests .* 1\.4$'
  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m --api-price-in 0.2 --api-price-out 0.6 --format svg &&
    check "cost svg" has_out '^<svg ' && check "cost svg API bar" has_out '>1\.4<'
  run 0 cost rtx4090 llama3.1-8b --quant q4_k_m --format html && check "cost html" has_out '<svg'
  # "never": at 0.001 USD per million tokens a month of requests costs well under a dollar,
  # less than the 25.46 USD of electricity
  run 0 cost rtx4090 llama3.1-8b --api-price-in 0.001 --api-price-out 0.001 --format json
  check "never breaks even" jis false api breaks_even
  check "never: no months" jis null api months_to_break_even
  run 0 cost rtx4090 llama3.1-8b --api-price-in 0.001 --api-price-out 0.001 && check "never in the table" has_out 'break even after *never'
  run 0 cost rtx4090 llama3.1-8b --api-price-in 0.001 --api-price-out 0.001 --format csv && check "never in csv" test "$(cfield months_to_break_even)" = never
  # a model that does not fit: price and electricity, nothing speed-derived
  run 0 cost rtx4090 llama3.3-70b --quant q8_0 --no-offload --api-price-in 3 --api-price-out 15 --format json
  check "no fit: verdict" jis '"no"' verdict
  check "no fit: price" jnear 2799 0 system price_usd
  check "no fit: electricity" jnear 305.5488 0.0001 electricity annual_usd
  check "no fit: no speed" jis null tokens decode_tokens_per_s
  check "no fit: no tokens per joule" jis null tokens tokens_per_joule
  check "no fit: no cost per Mtok" jis null tokens cost_per_mtok_usd
  check "no fit: no API figures" jis null api
  run 0 cost rtx4090 llama3.3-70b --quant q8_0 --no-offload --api-price-in 3 --api-price-out 15 &&
    check "no fit table says so" has_out 'do not apply' && check "no fit n/a" has_out 'cost per Mtok *n/a' && check "no fit no nan" no_nan
  run 0 cost rtx4090 llama3.3-70b --quant q8_0 --no-offload --format csv && check "no fit csv: empty decode" test -z "$(cfield decode_tokens_per_s)" &&
    check "no fit csv: price" cnear system_price_usd 2799 0
  # no price in the catalog: m3-16 (no source prices the M3 10-core GPU with 16 GB)
  run 0 cost m3-16 llama3.1-8b --format json
  check "unknown price" jis null system price_usd
  check "unknown basis" jis '"unknown"' system price_basis
  check "unknown: no cost per Mtok" jis null tokens cost_per_mtok_usd
  check "unknown: electricity per Mtok still" jnear 1 1 tokens electricity_per_mtok_usd
  run 0 cost m3-16 llama3.1-8b && check "unknown price says what to do" has_out 'no launch price in the catalog for m3-16; pass --system-price'
  # given: 2000 / 12 = 166.6667 USD/GB
  run 0 cost m3-16 llama3.1-8b --system-price 2000 --format json
  check "given price per GB" jnear 166.6667 0.0001 system price_per_gb_usd
  ;;
errors)
  run 0 cost --help && check "cost --help" has_out '^usage: fitcheck cost' && check "help names --hours-per-day" has_out '--hours-per-day'
  run 0 help cost && check "help cost" has_out '^usage: fitcheck cost'
  run 0 help && check "command list" has_out '^  cost '
  for bad in "--hours-per-day 25" "--hours-per-day -1" "--hours-per-day x" "--idle-hours 30" \
             "--price-kwh abc" "--price-kwh nan" "--price-kwh -0.1" "--years 0" "--years inf" \
             "--system-price -5" "--watts 0" "--idle-watts -3" "--api-price-in -1 --api-price-out 1"; do
    # shellcheck disable=SC2086
    run 2 cost rtx4090 llama3.1-8b $bad && check "$bad: one line" one_line_err &&
      check "$bad: names the flag" has_err "${bad%% *}" && check "$bad: nothing on stdout" empty_out
  done
  run 2 cost rtx4090 llama3.1-8b --hours-per-day 10 --idle-hours 16 && check "26 h a day" has_err 'more than 24 hours' && check "26 h one line" one_line_err
  run 2 cost rtx4090 llama3.1-8b --api-price-in 1 && check "api prices go together" has_err 'go together' && check "api one line" one_line_err
  run 2 cost rtx4090 llama3.1-8b --api-price-in 0 --api-price-out 0 && check "api prices both 0" has_err 'cannot both be 0'
  run 2 cost rtx4090 llama3.1-8b --frobnicate && check "unknown option" has_err "unknown option '--frobnicate'" && check "unknown option one line" one_line_err
  run 2 cost rtx4090 && check "model missing" has_err 'needs --hardware and --model' && check "model missing one line" one_line_err
  run 2 cost rtx4090 llama3.1-8b extra && check "too many arguments" one_line_err
  run 2 cost rtx4099 llama3.1-8b && check "unknown hardware" has_err 'unknown hardware' && check "unknown hardware one line" one_line_err
  run 2 cost rtx4090 llama3.1-8b --format xml && check "bad format" one_line_err
  ;;
compare)
  # the cost table of compare: Llama 3.1 8B at Q4_K_M on each side, default assumptions
  run 0 compare rtx4090 m4pro-16c-24 --format json && check "compare cost json" json_ok cost.reference_model cost.quant cost.assumptions cost.a.system cost.b.system cost.a.tokens cost.b.electricity
  check "reference model" jis '"llama3.1-8b"' cost reference_model
  check "reference quant" jis '"q4_k_m"' cost quant
  check "a: 2799 USD" jnear 2799 0 cost a system price_usd
  check "a: estimate" jis '"estimate"' cost a system price_basis
  check "a: 305.5488 USD a year" jnear 305.5488 0.0001 cost a electricity annual_usd
  check "b: 1399 USD" jnear 1399 0 cost b system price_usd
  check "b: 29.9008 USD a year" jnear 29.9008 0.0001 cost b electricity annual_usd
  check "b: runs" jis true cost b runs
  run 0 compare rtx4090 m4pro-16c-24 && check "compare cost table" has_out '^Power and cost (Llama 3.1 8B Q4_K_M)' &&
    check "estimate marked" has_out '2799 USD (est.)' && check "electricity row" has_out 'Electricity a year *306 USD *30 USD'
  run 0 compare rtx4090 m4pro-16c-24 --format markdown && check "compare cost markdown" has_out '^### Power and cost' &&
    check "markdown price row" has_out '^| System price | 2799 USD (est.) | \*\*1399 USD\*\* |'
  run 0 compare rtx4090 m4pro-16c-24 --format csv && check "compare csv is the model table" has_out '^"model_id"' &&
    check "compare csv has no cost rows" bash -c "! grep -q 'System price' '$out'"
  # a side that cannot run the reference model: a 4 GB gtx1650 without offload
  # (149 + 1200 = 1349 USD; 75 + 80 = 155 W; 5 + 35 = 40 W: 155 x 2.92 + 40 x 5.84 = 686.2 kWh x 0.16 = 109.792 USD)
  run 0 compare gtx1650 rtx4090 --no-offload --format json
  check "cannot run: no speed" jis false cost a runs
  check "cannot run: price" jnear 1349 0 cost a system price_usd
  check "cannot run: electricity" jnear 109.792 0.0001 cost a electricity annual_usd
  run 0 compare gtx1650 rtx4090 --no-offload && check "cannot run is said" has_out 'cannot run Llama 3.1 8B at Q4_K_M'
  run 0 compare rtx4090 m3-16 && check "unknown price is said" has_out 'has no launch price in the catalog'
  # the README's demo: m4pro-48 is a Mac mini M4 Pro 14C/20C with 48 GB, 1399 USD + 400 (24 -> 48 GB)
  # + 200 (chip) = 1999 USD, a whole machine; 1999 / 36 GB = 55.5278 USD/GB
  run 0 compare rtx4090 m4pro-48 --format json
  check "m4pro-48: 1999 USD" jnear 1999 0 cost b system price_usd
  check "m4pro-48: system price" jis '"system"' cost b system price_basis
  check "m4pro-48: 55.5278 USD/GB" jnear 55.5278 0.0001 cost b system price_per_gb_usd
  run 0 compare rtx4090 m4pro-48 && check "m4pro-48 price is said" has_out '^System price .* 1999 USD' &&
    check "m4pro-48 price is known" bash -c "! grep -q 'has no launch price' '$out'"
  ;;
*) echo "unknown group $GROUP"; exit 2 ;;
esac
echo "$GROUP: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
