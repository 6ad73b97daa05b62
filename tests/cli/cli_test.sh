#!/usr/bin/env bash
# cli_test.sh FITCHECK JSONCHECK GROUP - run the fitcheck binary as a user
# would and check exit codes, stdout/stderr, formats. Run from the repo root.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") JSONCHECK=$2 GROUP=$3
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
. "$(dirname "$0")/../cli_lib.sh"

case $GROUP in
basics)
  run 0 --version && check "version printed" has_out '^fitcheck [0-9]'
  run 0 --help && check "help lists commands" has_out 'compare'
  run 0 help && check "help" has_out 'usage: fitcheck'
  for cmd in compare estimate hardware help list model show validate calibrate version; do
    run 0 "$cmd" --help && check "$cmd --help has usage" has_out "^usage: fitcheck $cmd"
    run 0 help "$cmd" && check "help $cmd" has_out "^usage: fitcheck $cmd"
  done
  run 2 && check "no command: usage on stderr" has_err 'usage'
  run 2 comapre rtx4090 m4pro-48 && check "unknown command suggests" has_err "did you mean 'compare'" && check "one line" one_line_err
  run 2 --frobnicate && check "unknown global option" one_line_err
  ;;
list)
  for sec in hardware models quants hosts links backends; do
    run 0 list "$sec" && check "list $sec table" has_out 'ID'
    run 0 list "$sec" --format json && check "list $sec json" json_ok schema_version count items
    run 0 list "$sec" --format csv && check "list $sec csv" csv_ok
    run 0 list "$sec" --format markdown && check "list $sec markdown" has_out '^| ID'
  done
  run 0 list hardware --format json
  check "at least 160 devices" bash -c "grep -Eo '\"count\":[[:space:]]*[0-9]+' '$out' | tail -1 | awk '{exit !(\$NF >= 160)}'"
  run 0 list models --format json
  check "at least 110 models" bash -c "grep -Eo '\"count\":[[:space:]]*[0-9]+' '$out' | tail -1 | awk '{exit !(\$NF >= 110)}'"
  run 0 list hardware --vendor apple --min-memory 128 --format json
  check "filters: only apple >= 128" bash -c "grep -Eo '\"memory_gb\":[[:space:]]*[0-9.]+' '$out' | awk '{ if (\$NF < 128) bad=1; n++ } END { exit bad || n < 5 }' && ! grep -q '\"vendor\":[[:space:]]*\"nvidia' '$out'"
  run 2 list gadgets && check "unknown section" has_err "unknown section 'gadgets'"
  run 2 list hardware --category spaceship && check "unknown category" has_err "'spaceship'"
  run 2 list hardware --min-memory lots && check "bad number" one_line_err
  run 0 show rtx4090 && check "show" has_out 'bandwidth_gbs'
  run 0 show "RTX 4090" --format json && check "show by name" json_ok entry.id kind
  run 0 show q4_k_m && check "show quant" has_out 'bpw'
  run 2 show rtx4099 && check "show unknown suggests, by kind" has_err 'closest: hardware rtx4090'
  ;;
estimate)
  keys="hardware.id hardware.name hardware.count model.id model.name quant context prompt_tokens gen_tokens verdict fits memory.weights_bytes memory.kv_cache_bytes memory.overhead_bytes memory.total_bytes memory.available_bytes memory.offloaded_bytes prefill_tokens_per_s decode_tokens_per_s time_to_first_token_s max_context"
  run 0 estimate --hardware rtx4090 --model llama3.1-8b --format json && check "estimate json keys" json_ok $keys && check "no nan" no_nan
  run 0 estimate rtx4090 llama3.1-8b && check "estimate table" has_out 'Verdict: fits' && check "bench line" has_out 'llama-bench -m llama3.1-8b-F16.gguf -p 512 -n 128'
  run 0 estimate rtx4090 llama3.1-8b --format csv && check "estimate csv" csv_ok
  run 0 estimate rtx4090 llama3.1-8b --format markdown && check "estimate markdown" has_out '^# '
  run 0 estimate rtx4090 llama3.3-70b --quant q4_k_m && check "70B offloads on a 4090" has_out 'offload'
  run 0 estimate rtx4090 qwen3-30b-a3b --quant q8_0 --format json && check "MoE offload json" json_ok offload.mode
  run 0 estimate m4pro-48 llama3.3-70b --quant q4_k_m && check "Apple wired limit raise" has_out 'sysctl iogpu.wired_limit_mb='
  run 0 estimate rtx4090 llama3.1-8b --gpus 2 --split tensor --link pcie4 --explain && check "explain" has_out 'all-reduce'
  run 0 estimate rtx4090 llama3.1-8b --ctx 32k --kv-type q8_0 --format json && check "ctx suffix" grep -Eq '"context":[[:space:]]*32768' "$out"
  run 0 estimate m3ultra-512 deepseek-r1 --quant q4_k_m && check "DeepSeek R1 on M3 Ultra" has_out 'fits'
  run 2 estimate rtx4090 llama3.1-8b --ctx -1 && check "--ctx -1" one_line_err && check "nothing on stdout" empty_out
  run 2 estimate rtx4090 llama3.1-8b --ctx 99999999999 && check "--ctx huge" has_err '\-\-ctx'
  run 2 estimate rtx4090 llama3.1-8b --gpus 100000 && check "--gpus huge" has_err '\-\-gpus'
  run 2 estimate rtx4090 llama3.1-8b --gpus 0 && check "--gpus 0" one_line_err
  run 2 estimate rtx4090 llama3.1-8b --ctx 100 && check "ctx below prompt+gen" has_err 'smaller than'
  run 2 estimate rtx4090 llama3.1-8b --quant q9_z && check "unknown quant" has_err 'unknown quant'
  run 2 estimate rtx4090 llama3.1-8b --split diagonal && check "bad split" one_line_err
  run 2 estimate rtx4090 llama3.1-8b --kv-type f8 && check "bad kv type" one_line_err
  run 2 estimate rtx4090 llama3.1-8b --format xml && check "bad format" has_err 'format'
  run 2 estimate rtx4090 nosuchmodel && check "unknown model" has_err "unknown model 'nosuchmodel'"
  run 2 estimate rtx4090 llama3.1-8b --backend metal && check "backend mismatch" has_err 'does not run'
  run 2 estimate --model llama3.1-8b && check "missing hardware" one_line_err
  ;;
commands)
  for fmt in table markdown json csv; do
    run 0 model llama3.3-70b --quant q4_k_m --format "$fmt" && check "model $fmt" no_nan
    run 0 hardware rtx4090 --format "$fmt" && check "hardware $fmt" no_nan
    run 0 compare rtx4090 m4pro-48 --format "$fmt" && check "compare $fmt" no_nan
  done
  run 0 model llama3.3-70b --quant q4_k_m --format json && check "model json" json_ok model.id devices memory_by_quant
  run 0 hardware rtx4090 --format json && check "hardware json" json_ok hardware.id models
  run 0 hardware rtx3090 --min-tps 50 --format csv && check "min-tps filter" bash -c "tail -n +2 '$out' | awk -F, '{ if (\$6 < 50) bad=1; n++ } END { exit bad || n < 3 }'"
  run 0 compare rtx4090 m4pro-48 --format json && check "compare json" json_ok a.id b.id specs models only_a only_b both verdict
  run 0 compare rtx4090 m4pro-48 && check "compare sections" bash -c "grep -q 'Quick verdict' '$out' && grep -q '^Specs' '$out' && grep -q 'Only .* can run' '$out' && grep -q 'Both run natively' '$out'"
  run 0 compare rtx4090x2 m3ultra-256 && check "multi-GPU side" has_out '2 x '
  run 2 compare rtx4090 && check "compare needs two" one_line_err
  run 2 compare rtx4090 m9ultra && check "compare unknown side" has_err 'unknown hardware'
  (cd /tmp && fc_run compare rtx4090 m4pro-48 >/dev/null 2>&1); check "runs from any directory" test $? -eq 0
  ;;
catalogs)
  run 0 estimate my-gpu my-8b-finetune --catalog tests/fixtures/custom.json && check "user catalog extends" has_out 'My Lab GPU'
  FITCHECK_CATALOG=tests/fixtures/custom.json fc_run show lab-gpu >"$out" 2>"$err"; check "FITCHECK_CATALOG" test $? -eq 0
  run 2 list hardware --catalog tests/fixtures/bad-syntax.json && check "malformed JSON names file and line" has_err 'tests/fixtures/bad-syntax.json: malformed JSON at line 4' && check "nothing printed" empty_out
  run 2 list hardware --catalog tests/fixtures/bad-field.json && check "bad field named" has_err "tests/fixtures/bad-field.json: entry 'rtx4090': field 'bandwidth_gbs' must be a positive number" && check "one line" one_line_err
  run 2 list models --catalog tests/fixtures/bad-reference.json && check "unknown reference" has_err "entry 'ghost': field 'same_as'"
  run 2 list models --catalog tests/fixtures/no-such-file.json && check "missing file" has_err 'cannot open'
  FITCHECK_CATALOG=tests/fixtures/bad-field.json fc_run list models >"$out" 2>"$err"; check "FITCHECK_CATALOG error exits 2" test $? -eq 2
  fc_run list models >&- 2>"$err"; check "write error exits 2" test $? -eq 2
  ;;
*) echo "unknown group $GROUP"; exit 2 ;;
esac
echo "$GROUP: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
