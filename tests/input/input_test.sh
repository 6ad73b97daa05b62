#!/usr/bin/env bash
# input_test.sh FITCHECK JSONCHECK GROUP GGUF_GEN - check, plan, recommend,
# model files and --hardware local, run as a user would. Run from the repo root.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") JSONCHECK=$2 GROUP=$3 GGUF_GEN=$4
tmp=$(mktemp -d)
out=$tmp/out err=$tmp/err
trap 'rm -rf "$tmp"' EXIT
FIX=$PWD/tests/input/fixtures
. "$(dirname "$0")/../cli_lib.sh"

# json_get KEY: a top-level number or string of the last output
json_num() { grep -Eo "\"$1\":[[:space:]]*[-0-9.e+]+" "$out" | head -1 | sed 's/.*:[[:space:]]*//'; }

case $GROUP in
check)
  for cmd in check plan recommend; do
    run 0 "$cmd" --help && check "$cmd --help has usage" has_out "^usage: fitcheck $cmd"
    run 0 help "$cmd" && check "help $cmd" has_out "^usage: fitcheck $cmd"
  done
  run 0 --help && check "main help lists check, plan, recommend" bash -c "grep -q '^  check' '$out' && grep -q '^  plan' '$out' && grep -q '^  recommend' '$out'"
  # not a terminal: no colour codes
  run 0 check rtx4090 llama3.1-8b && check "no escape codes when piped" bash -c "! grep -q $'\033' '$out'"
  # pass: an 8B model on a 24 GB card
  run 0 check --hardware rtx4090 --model llama3.1-8b
  check "pass heading" has_out '^PASS'
  # fail: 70B at Q4_K_M does not fit in 24 GB: one line saying how much is needed
  run 1 check --hardware rtx4090 --model llama3.3-70b --quant q4_k_m
  check "fail: one-line reason" one_line_err
  check "fail: needs X GiB, Y GiB available" has_err 'needs [0-9.]* GiB, [0-9.]* GiB available'
  check "fail: report on stdout" has_out '^FAIL'
  # fail on speed
  run 1 check rtx4090 llama3.1-8b --quant f16 --min-tps 1000
  check "speed reason" has_err 'decode [0-9.]* t/s < 1000'
  run 1 check rtx4090 llama3.1-8b --quant q4_k_m --max-ttft 0.000001
  check "ttft reason" has_err 'time to first token'
  # auto quant walks down the ladder until the speed target is met
  run 0 check rtx4090 llama3.1-8b --min-tps 100 --format json
  check "json verdict" json_ok schema_version command pass estimate.quant estimate.decode_tokens_per_s requirements.min_decode_tokens_per_s
  check "pass true" grep -Eq '"pass":[[:space:]]*true' "$out"
  check "a smaller quant than f16" bash -c "! grep -Eq '\"quant\":[[:space:]]*\"f16\"' '$out'"
  run 1 check rtx4090 llama3.3-70b --quant q4_k_m --format json
  check "fail json" json_ok pass reason estimate.verdict
  check "pass false" grep -Eq '"pass":[[:space:]]*false' "$out"
  # offload allowed
  run 0 check rtx4090 llama3.3-70b --quant q4_k_m --allow-offload
  # every format
  run 0 check rtx4090 llama3.1-8b --format csv && check "csv" csv_ok
  run 0 check rtx4090 llama3.1-8b --format markdown && check "markdown" has_out '^# PASS'
  run 1 check rtx4090 llama3.3-70b --quant f16 --format csv && check "fail csv" csv_ok
  # errors: exit 2, one line, nothing on stdout
  run 2 check rtx4090 nosuchmodel && check "unknown model" one_line_err && check "no stdout" empty_out
  run 2 check --model llama3.1-8b && check "no hardware" one_line_err
  run 2 check rtx4090 llama3.1-8b --min-tps fast && check "bad --min-tps" has_err 'min-tps'
  run 2 check rtx4090 ./does/not/exist.json && check "missing file" has_err 'cannot open'
  ;;
files)
  cfg=$tmp/Llama-3.1-8B/config.json
  mkdir -p "$(dirname "$cfg")" && cp "$FIX/llama3.1-8b.config.json" "$cfg"
  # config.json: the same estimate as the catalog entry
  run 0 estimate rtx4090 "$cfg" --quant q4_k_m --format json
  w1=$(json_num weights_bytes); k1=$(json_num kv_cache_bytes); d1=$(json_num decode_tokens_per_s)
  run 0 estimate rtx4090 llama3.1-8b --quant q4_k_m --format json
  w2=$(json_num weights_bytes); k2=$(json_num kv_cache_bytes); d2=$(json_num decode_tokens_per_s)
  check "config.json weights = catalog within 0.1% ($w1 vs $w2)" awk -v a="$w1" -v b="$w2" 'BEGIN{d=a-b; if(d<0)d=-d; exit !(d/b < 0.001)}'
  check "config.json KV cache = catalog ($k1 vs $k2)" test "$k1" = "$k2"
  check "config.json decode = catalog within 1% ($d1 vs $d2)" awk -v a="$d1" -v b="$d2" 'BEGIN{d=a-b; if(d<0)d=-d; exit !(d/b < 0.01)}'
  run 0 check --hardware l4 --model "$cfg" --min-tps 30 && check "CI example" has_out PASS
  run 0 model "$cfg" && check "model command takes a file" has_out 'Llama-3.1-8B'
  # a GGUF written by the test tool: weights are its tensor bytes
  "$GGUF_GEN" "$tmp/llama8b.gguf" 3 || { echo "FAIL: gguf gen"; fail=$((fail + 1)); }
  run 0 estimate rtx4090 "$tmp/llama8b.gguf" --format json
  w3=$(json_num weights_bytes); k3=$(json_num kv_cache_bytes)
  # 5,172,420,608 bytes of tensors (tests/input/test_gguf.c derives it)
  check "GGUF weights = tensor bytes within 2% ($w3)" awk -v a="$w3" 'BEGIN{d=a-5172420608; if(d<0)d=-d; exit !(d/5172420608 < 0.02)}'
  check "GGUF KV cache = catalog ($k3 vs $k2)" test "$k3" = "$k2"
  check "GGUF quant id is the file's" has_out 'llama8b.gguf#quant'
  run 0 estimate rtx4090 "$tmp/llama8b.gguf" && check "GGUF quant named from file_type" has_out 'Q4_K_M (file'
  check "bench line measures the file itself" has_out "llama-bench -m $tmp/llama8b.gguf -p"
  run 2 estimate rtx4090 "$tmp/llama8b.gguf" --quant q8_0 && check "--quant with GGUF" has_err 'fixed'
  run 0 check rtx4090 "$tmp/llama8b.gguf" --format csv && check "GGUF check csv" csv_ok
  "$GGUF_GEN" "$tmp/v2.gguf" 2 && run 0 estimate rtx4090 "$tmp/v2.gguf"
  # broken files: exit 2 with a one-line message naming the file
  head -c 1000 "$tmp/llama8b.gguf" >"$tmp/cut.gguf"
  run 2 estimate rtx4090 "$tmp/cut.gguf" && check "truncated GGUF" has_err 'truncated' && check "one line" one_line_err && check "names file" has_err 'cut.gguf'
  printf 'GGUF\003\000\000\000\377\377\377\377\377\377\377\377\000\000\000\000\000\000\000\000' >"$tmp/hostile.gguf"
  run 2 estimate rtx4090 "$tmp/hostile.gguf" && check "hostile count" one_line_err
  printf '{"model_type":"llama"}' >"$tmp/bad.json"
  run 2 estimate rtx4090 "$tmp/bad.json" && check "config missing field" has_err "num_hidden_layers" && check "one line" one_line_err
  printf '{' >"$tmp/syntax.json"
  run 2 estimate rtx4090 "$tmp/syntax.json" && check "config syntax" has_err 'malformed JSON'
  ;;
plan)
  run 0 plan --hardware rtx4090 --model llama3.1-8b && check "llama.cpp flags" has_out 'llama-server -m' && check "-ngl" has_out '\-ngl 99' && check "-c" has_out ' -c [0-9]'
  check "vllm line on CUDA" has_out 'vllm serve'
  run 0 plan --hardware rtx4090 --model qwen3-30b-a3b --quant q8_0 && check "MoE offload: --n-cpu-moe" has_out '\-\-n-cpu-moe'
  run 0 plan --hardware rtx4090 --model llama3.3-70b && check "layer offload: -ngl" has_out '\-ngl [0-9]'
  run 0 plan --hardware rtx3090 --model llama3.3-70b --gpus 2 && check "two GPUs: -ts" has_out '\-ts 1,1'
  run 0 plan --hardware m4pro-48 --model llama3.1-8b && check "MLX line on Apple" has_out 'mlx_lm'
  run 0 plan rtx4090 llama3.1-8b --format json && check "plan json" json_ok schema_version command options.0.llama_cpp options.0.decode_tokens_per_s
  run 0 plan rtx4090 llama3.1-8b --format csv && check "plan csv" csv_ok
  run 0 plan rtx4090 llama3.1-8b --format markdown && check "plan markdown" has_out '^# '
  run 2 plan rtx4090 && check "plan needs a model" one_line_err
  ;;
recommend)
  run 0 recommend --model llama3.3-70b --min-tps 20 && check "hardware table" has_out 'Quant'
  run 0 recommend --model llama3.3-70b --min-tps 20 --format json
  check "recommend json" json_ok schema_version command options.0.hardware.id options.0.quant options.0.decode_tokens_per_s options.0.count
  check "multi-GPU options listed" grep -Eq '"count":[[:space:]]*[2-8]' "$out"
  run 0 recommend --model llama3.1-8b --budget 2000 --format csv && check "recommend csv" csv_ok
  run 0 recommend --model llama3.1-8b --format markdown && check "recommend markdown" has_out '^# '
  run 0 recommend --hardware rtx4090 --min-tps 20 && check "models by size" has_out 'B'
  run 0 recommend --hardware rtx4090 --format json && check "models json" json_ok schema_version command groups.0.size models.0.id models.0.quant
  run 0 recommend --hardware rtx4090 --format csv && check "models csv" csv_ok
  run 2 recommend && check "needs --model or --hardware" one_line_err
  run 2 recommend --model llama3.1-8b --budget cheap && check "bad --budget" has_err 'budget'
  ;;
local)
  # detection against recorded tool outputs and a fake sysfs tree, never this machine
  export FITCHECK_SYSROOT=$FIX/sysroot-nvidia FITCHECK_NVIDIA_SMI=$FIX/nvidia-smi-2x4090.csv
  export FITCHECK_SYSCTL=/nonexistent
  run 0 hardware local --format json && check "2 x 4090 detected" grep -Eq '"id":[[:space:]]*"rtx4090"' "$out"
  run 0 estimate --hardware local --model llama3.1-8b --format json && check "estimate on local" json_ok hardware.id && check "two devices" grep -Eq '"count":[[:space:]]*2' "$out"
  run 0 hardware local --detect && check "free memory reported" has_out 'free'
  run 0 hardware local --detect --format json && check "detect json" json_ok schema_version devices.0.name devices.0.memory_total_mib devices.0.memory_free_mib devices.0.catalog_id system.ram_total_mib
  run 0 hardware local --detect --format csv && check "detect csv" csv_ok
  # AMD through sysfs
  export FITCHECK_SYSROOT=$FIX/sysroot-amd FITCHECK_NVIDIA_SMI=/nonexistent
  run 0 hardware local --detect --format json && check "AMD via sysfs" grep -q 'rx7900xtx' "$out"
  # Apple through sysctl
  export FITCHECK_SYSROOT=$FIX/sysroot-none FITCHECK_SYSCTL=$FIX/sysctl-m4pro-48.txt
  run 0 hardware local --detect --format json && check "Apple via sysctl" grep -q 'm4pro-48' "$out"
  # nothing known: say what was found and how to name it
  export FITCHECK_SYSROOT=$FIX/sysroot-none FITCHECK_SYSCTL=/nonexistent FITCHECK_NVIDIA_SMI=$FIX/nvidia-smi-unknown.csv
  run 2 estimate --hardware local --model llama3.1-8b && check "unknown device named" has_err 'Quadro Imaginary' && check "how to name it" has_err '\-\-hardware'
  ;;
*) echo "unknown group $GROUP"; exit 2 ;;
esac
echo "$GROUP: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
