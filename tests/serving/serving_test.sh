#!/usr/bin/env bash
# serving_test.sh FITCHECK JSONCHECK - many users, different GPUs in one
# machine, several machines (issue 7), through the CLI in every format.
# Expected figures are worked out by hand in the comments from catalog
# values (fitcheck show ... prints them): Llama 3.1 8B 8.03 B params,
# 32 layers x 8 KV heads x 128 head_dim; Q4_K_M 4.8944 bits/weight;
# RTX 4090 24 GiB (0.5 GiB kept for the desktop), 128 SMs; DeepSeek-R1
# 671.026 B params; M3 Ultra 512 GB with a 430.08 GiB default GPU limit.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") JSONCHECK=$2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
. "$(dirname "$0")/../cli_lib.sh"

# jv KEY: the first number or string after "KEY": in the last JSON output
jv() { grep -Eo "\"$1\":[[:space:]]*(\"[^\"]*\"|[-0-9.e+]+|true|false|null)" "$out" | head -1 |
       sed -E 's/^"[^"]*":[[:space:]]*//; s/^"//; s/"$//'; }
is() { [ "$(jv "$1")" = "$2" ]; }
# near KEY VALUE TOL: |jv(KEY) - VALUE| <= TOL
near() { awk -v a="$(jv "$1")" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }'; }

E="estimate rtx4090 llama3.1-8b --quant q4_k_m --ctx 8192"

# ---- many users ----
# KV per user: 2 x 32 x 8 x 128 x 2 B = 131,072 B/token x 8192 = 1,073,741,824;
# 4 users: 4,294,967,296
run 0 $E --users 4 --format json && check "users json" json_ok users max_users decode_tokens_per_s_total
check "4 users" is users 4
check "KV for 4 users" is kv_cache_bytes 4294967296
check "KV per user" is kv_cache_bytes_per_user 1073741824
# most users at 8192 tokens: 23.5 GiB = 25,232,932,864 B, less the GPU weights
# (8.03e9 x 4.8944 / 8 = 4.9128e9, less the 525,336,576-param input embedding
# kept in RAM, 0.3214e9: 4.5914e9), less the overhead (CUDA context 8 + 2.9 x
# 128 = 379.2 MiB = 0.3976e9, compute buffer 512 x 4 x (128256 + 2 x 4096 + 2 x
# 14336) = 0.3382e9): 19.906e9 / 1,073,741,824 = 18.5 -> 18
check "most users" is max_users 18
per=$(jv decode_tokens_per_s) total=$(jv decode_tokens_per_s_total)
check "total = 4 x per user" awk -v p="$per" -v t="$total" 'BEGIN { d = t - 4 * p; exit !(p > 0 && d < 0.05 && d > -0.05) }'
# per-user speed falls and the total rises as users are added (weights read
# once per step; KV per user)
prev_per=1e9 prev_total=0 ok=1
for u in 1 2 4 8 16; do
  "$BIN" $E --users "$u" --format json >"$out" 2>"$err" || ok=0
  p=$(jv decode_tokens_per_s) t=$(jv decode_tokens_per_s_total)
  awk -v p="$p" -v pp="$prev_per" -v t="$t" -v pt="$prev_total" 'BEGIN { exit !(p <= pp && t >= pt) }' || ok=0
  prev_per=$p prev_total=$t
done
check "per user falls, total rises with users" test "$ok" = 1
run 0 $E --users 4 && check "table: per user" has_out 'decode, per user' &&
  check "table: all users" has_out 'decode, all users' && check "table: continuous batching named" has_out 'continuous batching' &&
  check "table: KV per user" has_out '4 users x 1.00 GiB' && check "table: most users" has_out 'most users *18' &&
  check "batched bench command" has_out 'llama-batched-bench .* -c 32768 .* -npl 4'
# the memory chart: KV for 4 users is 4 x 1 GiB = 4.0, available 23.5 GiB
run 0 $E --users 4 --format svg && check "svg: KV bar" has_out '>KV cache, 4 users<' && check "svg: 4.0 GiB" has_out '>4\.0<' &&
  check "svg: available 23.5" has_out '>23\.5<'
run 0 $E --users 4 --format markdown && check "markdown: all users" has_out '| decode, all users |' && check "markdown: most users" has_out '| most users | 18 |'
run 0 $E --users 4 --format csv && check "csv" csv_ok && check "csv: max_users column" bash -c "head -1 '$out' | grep -q max_users" &&
  check "csv: total column" bash -c "head -1 '$out' | grep -q decode_tokens_per_s_total"
# 64 users at 8192 tokens need 64 GiB of KV: check fails (exit 1)
run 1 check rtx4090 llama3.1-8b --quant q4_k_m --ctx 8192 --users 64 && check "check: users line" has_out 'users *64'
run 0 check rtx4090 llama3.1-8b --quant q4_k_m --ctx 8192 --users 16
run 0 compare rtx5090 m4pro-48 --users 8 --format json && check "compare with users" json_ok models

# ---- different GPUs in one machine ----
# Llama 3.3 70B Q4_K_M: 70.55e9 x 4.8944 / 8 = 43.16e9 B = 40.2 GiB: more than
# one 4090 (23.5 GiB available: offload), less than 4090 + 3090 (2 x 23.5 = 47 GiB)
run 0 estimate rtx4090 llama3.3-70b --quant q4_k_m --format json && check "one 4090: offload" is verdict offload
run 0 estimate rtx4090,rtx3090 llama3.3-70b --quant q4_k_m --format json && check "4090 + 3090: fits" is verdict fits
check "two devices" is devices_per_machine 2
check "47 GiB available" is available_bytes 50465865728
check "others listed" bash -c "grep -A2 '\"others\"' '$out' | grep -q rtx3090"
run 0 estimate rtx4090,rtx3090 llama3.3-70b --quant q4_k_m && check "title names both" has_out 'RTX 4090 + GeForce RTX 3090' && check "layer split" has_out 'layer split'
run 0 estimate rtx4090,rtx3090 llama3.3-70b --quant q4_k_m --format markdown && check "markdown mixed" has_out '48 GiB in all'
run 0 estimate rtx4090,rtx3090 llama3.3-70b --quant q4_k_m --format csv && check "csv mixed" csv_ok
run 0 estimate 2xrtx4090 llama3.1-8b --format json && check "2xrtx4090 = two" is count 2
run 0 estimate rtx4090x2 llama3.1-8b --format json && check "rtx4090x2 = two" is count 2
run 0 compare rtx4090,rtx3090 m4max-128 && check "compare a mixed side" has_out 'GeForce RTX 4090 + GeForce RTX 3090 vs'
run 0 hardware rtx4090,rtx3090 && check "hardware a mixed box" has_out 'What GeForce RTX 4090 + GeForce RTX 3090 can run'

# ---- several machines ----
# DeepSeek-R1 Q8_0: 671.026e9 x 8.5 / 8 = 712.97e9 B = 664 GiB: more than one
# M3 Ultra can give the GPU (512 - 8 GiB kept for macOS = 504 GiB), less than
# two machines' default limits (2 x 430.08 = 860.16 GiB)
run 0 estimate m3ultra-512 deepseek-r1 --quant q8_0 --format json && check "one M3 Ultra: no" is verdict no
run 0 estimate m3ultra-512 deepseek-r1 --quant q8_0 --nodes 2 --link tb5 --format json && check "two: fits" is verdict fits
check "machines" is machines 2
check "machine link" is machine_link tb5
check "no raise needed" is needs_raise false
# the default link between 2025 Macs is Thunderbolt 5; between PCs 10 GbE
run 0 estimate m3ultra-512 llama3.1-8b --nodes 2 --format json && check "default Mac link" is machine_link tb5
run 0 estimate rtx4090 llama3.1-8b --nodes 2 --format json && check "default PC link" is machine_link 10gbe
# one stream does not get faster on two machines (they take turns, plus a hop)
run 0 estimate m3ultra-512 llama3.1-8b --quant f16 --format json; one=$(jv decode_tokens_per_s)
run 0 estimate m3ultra-512 llama3.1-8b --quant f16 --nodes 2 --format json; two=$(jv decode_tokens_per_s)
check "no speed-up for one stream" awk -v a="$one" -v b="$two" 'BEGIN { exit !(b < a && b > 0.8 * a) }'
# one hop over Thunderbolt 5: 30 us + one fp16 activation vector, 2 x 4096 B /
# 10 GB/s = 0.82 us: 0.0308 ms per token
check "hop counted" near interconnect_ms_per_token 0.0308 0.00005
run 0 estimate m3ultra-512 deepseek-r1 --quant q8_0 --nodes 2 && check "table: machines" has_out '2 machines of Apple M3 Ultra' &&
  check "table: link" has_out 'tb5 between machines' && check "rpc hint" has_out -- '--rpc'
run 0 estimate m3ultra-512 deepseek-r1 --quant q8_0 --nodes 2 --format markdown && check "markdown machines" has_out '2 machines of'
run 0 estimate m3ultra-512 deepseek-r1 --quant q8_0 --nodes 2 --format csv && check "csv machines" csv_ok
run 0 estimate m3ultra-512 deepseek-r1 --quant q8_0 --nodes 2 --format svg && check "svg machines" has_out '2 machines of Apple M3 Ultra'
run 0 estimate m3ultra-512 deepseek-r1 --quant q8_0 --nodes 2 --format html && check "html machines" has_out '2 machines of Apple M3 Ultra'
run 0 compare rtx5090 m4pro-48 --users 8 --format svg && check "compare svg with users" has_out '^<svg '
run 0 compare rtx4090,rtx3090 m4max-128 --format html && check "compare html mixed side" has_out 'GeForce RTX 4090 + GeForce RTX 3090'

# ---- the articles' big cases: DeepSeek-R1 671B at Q4_K_M ----
# 671.026e9 x 4.8944 / 8 = 410.5e9 B = 382.3 GiB of weights.
# M3 Ultra 512 GB: 430.08 GiB by default: fits
run 0 estimate m3ultra-512 deepseek-r1 --quant q4_k_m --format json && check "R1 Q4 on M3 Ultra fits" is fits true
# 5 x RTX PRO 6000 (96 GiB, 0.5 kept back each): 477.5 GiB: fits
run 0 estimate rtx-pro-6000x5 deepseek-r1 --quant q4_k_m --format json && check "R1 Q4 on 5 x RTX PRO 6000 fits" is fits true
# 4 x RTX 5090: 4 x 31.5 = 126 GiB, plus 60 GiB of free RAM (64 - 4): no
run 0 estimate rtx5090x4 deepseek-r1 --quant q4_k_m --format json && check "R1 Q4 on 4 x RTX 5090: no" is verdict no

# ---- plan: the server lines ----
# llama-server divides -c among its -np slots: each of 4 users gets the context shown
run 0 plan rtx4090 llama3.1-8b --users 4 && check "plan: -np 4" has_out 'llama-server .* -np 4 '
ctx=$(sed -n 's/^1 .*llama\.cpp  *F16  *\([0-9][0-9]*\) .*/\1/p' "$out" | head -1)
check "plan: -c is 4 x the context ($ctx)" has_out "llama-server -m llama3.1-8b-F16.gguf -c $((ctx * 4)) -np 4 "
check "plan: vllm --max-num-seqs 4" has_out 'vllm serve .* --max-num-seqs 4'
# different GPUs: -ts in proportion to their memory (24 and 24 GiB)
run 0 plan rtx4090,rtx3090 llama3.3-70b && check "plan: -ts by memory" has_out -- '-sm layer -ts 24,24'
run 0 plan m3ultra-512 deepseek-r1 --nodes 2 && check "plan: rpc" has_out -- '--rpc <1 other machines' &&
  check "plan: no single-machine mlx line for two machines" bash -c "! grep -q mlx_lm.server '$out'"

# ---- errors: one line, exit 2 ----
for bad in "--users 0" "--users -1" "--users lots" "--users 100000" "--nodes 0" "--nodes 2000" "--nodes x"; do
  run 2 estimate rtx4090 llama3.1-8b $bad && check "$bad: one line" one_line_err && check "$bad: empty stdout" empty_out
done
run 2 estimate rtx4090,m4pro-48 llama3.1-8b && check "unified does not mix" has_err 'cannot share one machine' && check "one line" one_line_err
run 2 estimate rtx4090,rx7900xtx llama3.1-8b && check "backend must be shared" has_err 'does not run the cuda backend' && check "one line" one_line_err
run 0 estimate rtx4090,rx7900xtx llama3.1-8b --backend vulkan
run 2 estimate rtx4090,rtx3090 llama3.1-8b --split tensor && check "tensor split needs identical" has_err 'identical devices'
run 2 estimate 2xrtx4090 llama3.1-8b --gpus 3 && check "two counts" has_err 'both give a device count'
run 2 estimate rtx4090,nosuchgpu llama3.1-8b && check "unknown in a list" has_err "unknown hardware 'nosuchgpu'"
run 2 estimate rtx4090 llama3.1-8b --nodes 2 --link nosuch && check "unknown link" has_err -- '--link'

echo "serving: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
