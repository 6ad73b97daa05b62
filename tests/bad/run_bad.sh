#!/usr/bin/env bash
# run_bad.sh FITCHECK CASES - the bad-input corpus (tests/bad/cases.txt): every
# case must exit with its status (2 for bad input) within 20 s, print nothing
# on stdout and exactly one stderr line "fitcheck: ..." containing the expected
# place (file, entry, field or flag). Run from the repository root. Built with
# -DFITCHECK_SANITIZE=ON, any sanitizer report breaks the one-line rule and
# the exit status. BAD_WRAPPER (or FITCHECK_WRAPPER, as for the other CLI
# tests) ="valgrind -q --error-exitcode=99 ..." runs every case under a
# wrapper; BAD_TIMEOUT=SECONDS changes the limit of each case (20);
# BAD_FILTER=REGEX runs only matching lines.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") CASES=$2
F=tests/bad/files
G=$(mktemp -d)
out=$G/.out err=$G/.err
trap 'rm -rf "$G"' EXIT

# ---- generated inputs (too big or too binary to keep in git) ----
awk 'BEGIN { printf "{\"schema_version\":1,\"hardware\":"; for (i = 0; i < 10000; i++) printf "[" }' >"$G/deep-array.json"
awk 'BEGIN { printf "{\"schema_version\":1,\"hardware\":[{\"id\":\"x\",\"x\":"
             for (i = 0; i < 10000; i++) printf "{\"a\":"; printf "1"
             for (i = 0; i < 10000; i++) printf "}"; printf "}]}" }' >"$G/deep-object.json"
awk 'BEGIN { srand(8); for (i = 0; i < 4096; i++) printf "%c", int(rand() * 256) }' >"$G/garbage.bin"
awk 'BEGIN { printf "{\"schema_version\":1,\"hardware\":[{\"id\":\"lab-gpu\",\"name\":\"Lab\""
             for (i = 0; i < 50000; i++) printf ",\"k%d\":1", i; printf ",\"k7\":2}]}" }' >"$G/many-keys.json"
awk 'BEGIN { printf "{\"schema_version\":1,\"hardware\":[{}"; for (i = 0; i < 10000; i++) printf ",{}"; printf "]}" }' >"$G/many-entries.json"
awk 'BEGIN { printf "{\"schema_version\":1,\"hardware\":[{\"id\":\"lab-gpu\",\"name\":\""
             for (i = 0; i < 70000; i++) printf "x"; printf "\"}]}" }' >"$G/huge-string.json"
awk 'BEGIN { printf "{\"schema_version\":1,\"models\":[{\"id\":\"lab\",\"name\":\"Lab\",\"source\":\"t\",\"aliases\":[\"a0\""
             for (i = 1; i < 300; i++) printf ",\"a%d\"", i; printf "]}]}" }' >"$G/many-aliases.json"
printf '{"schema_version":1,"hardware":[{"id":"lab-gpu","name":"Lab\tGPU"}]}' >"$G/tab-in-name.json"
mkdir "$G/a-directory"
printf '\xef\xbb\xbf{ "schema_version": 1, "hardware": [ ] ' >"$G/bom-truncated.json"

# measured-runs CSV (validate, calibrate)
H=source_id,hardware,hardware_notes,gpu_count,runtime,model,params_b,quant,context_or_test,metric,tokens_per_s
awk -v h="$H" 'BEGIN { print h; printf "lab,"; for (i = 0; i < 1000000; i++) printf "x"
                       print ",,1,llama.cpp (CUDA),Llama 3.1 8B,8,Q4_K_M,tg128,decode,100" }' >"$G/csv-huge-field.csv"
awk 'BEGIN { for (i = 0; i < 100; i++) printf "c%d,", i; print "tokens_per_s" }' >"$G/csv-many-columns.csv"
awk -v h="$H" 'BEGIN { print h; for (i = 0; i <= 100000; i++) print ",,,,,,,,,decode,1" }' >"$G/csv-many-rows.csv"
printf '%s\nlab,RTX 4090\000,,1,llama.cpp (CUDA),Llama 3.1 8B,8,Q4_K_M,tg128,decode,100\n' "$H" >"$G/csv-nul.csv"
mkdir "$G/dir.json" "$G/dir.gguf"
: >"$G/gguf-empty.gguf"

# GGUF headers: a valid v3 header (tests/bad/files/gguf-tiny-v3.gguf: 5
# tensors, 11 key-values) cut short at every kind of field, and patched. Its
# layout: magic 0, version 4, tensor count 8, key-value count 16; first key
# (general.architecture) length 24, text 32, value type 52, string length 56,
# text 64; general.file_type key text 119, value 140; llama.context_length
# value 176; llama.embedding_length value 214; llama.block_count value 247;
# llama.attention.head_count value 330, head_count_kv value 375;
# tokenizer.ggml.tokens key 415, item type 448, item count 452, items 460;
# first tensor (token_embd.weight) name 487, n_dims 512, dims 516, type 532,
# offset 536; last tensor's offset 766; the header ends at 774.
T=$F/gguf-tiny-v3.gguf
for n in 2 6 12 20 28 40 54 60 66 420 450 456 470 500 520 535 540 770; do
  head -c "$n" "$T" >"$G/gguf-cut-$n.gguf"
done
gguf_patch() { # gguf_patch NAME OFFSET PRINTF-BYTES [OFFSET BYTES]...
  local f=$G/$1; shift
  cp "$T" "$f"
  while [ $# -ge 2 ]; do
    printf "$2" | dd of="$f" bs=1 seek="$1" conv=notrunc status=none; shift 2
  done
}
gguf_patch gguf-bad-magic.gguf 0 'GGUX'
gguf_patch gguf-v1.gguf 4 '\001'
gguf_patch gguf-v4.gguf 4 '\004'
gguf_patch gguf-tensors-2e63.gguf 8 '\000\000\000\000\000\000\000\200'
gguf_patch gguf-kv-2e63.gguf 16 '\000\000\000\000\000\000\000\200'
gguf_patch gguf-no-tensors.gguf 8 '\000'
gguf_patch gguf-no-kv.gguf 16 '\000'
gguf_patch gguf-key-length.gguf 24 '\377\377\377\377\377\377\377\177'
gguf_patch gguf-string-length.gguf 56 '\000\000\000\000\000\000\000\100'
gguf_patch gguf-value-type.gguf 52 '\143'
gguf_patch gguf-array-length.gguf 452 '\000\000\000\000\000\000\000\020'
gguf_patch gguf-array-of-arrays.gguf 448 '\011'
gguf_patch gguf-ndims-100.gguf 512 '\144'
gguf_patch gguf-ndims-0.gguf 512 '\000'
gguf_patch gguf-dim-huge.gguf 516 '\000\000\000\000\000\000\000\100'
gguf_patch gguf-tensor-type.gguf 532 '\143'
gguf_patch gguf-offset.gguf 766 '\377\377\377\377\377\377\377\377'
gguf_patch gguf-align-0.gguf 119 'general.alignment' 140 '\000'
gguf_patch gguf-align-3.gguf 119 'general.alignment' 140 '\003'
gguf_patch gguf-blocks-0.gguf 247 '\000\000'
gguf_patch gguf-blocks-huge.gguf 247 '\377\377\377\177'
gguf_patch gguf-heads-0.gguf 330 '\000'
gguf_patch gguf-kv-heads-over.gguf 375 '\144'
gguf_patch gguf-embd-huge.gguf 214 '\377\377\377\377'
gguf_patch gguf-ctx-as-string.gguf 172 '\010'
gguf_patch gguf-no-arch.gguf 32 'general.architectury'
gguf_patch gguf-arch-unknown.gguf 64 'zzzzz'
gguf_patch gguf-name-escape.gguf 101 '\033[2J'

pass=0 fail=0 n=0
while IFS= read -r line || [ -n "$line" ]; do
  case $line in '' | '#'*) continue ;; esac
  if [ -n "${BAD_FILTER:-}" ] && ! printf '%s\n' "$line" | grep -Eq -- "$BAD_FILTER"; then continue; fi
  status=$(printf '%s' "${line%%|*}" | tr -d ' ')
  rest=${line#*|}
  expect=${rest%%|*}
  args=${rest#*|}
  expect=$(printf '%s' "$expect" | sed 's/^ *//; s/ *$//')
  n=$((n + 1))
  eval "set -- $args"
  envs=()
  while [ $# -gt 0 ] && [[ $1 =~ ^[A-Z_]+= ]]; do envs+=("$1"); shift; done
  # shellcheck disable=SC2086
  env ${envs[@]+"${envs[@]}"} timeout "${BAD_TIMEOUT:-20}" ${BAD_WRAPPER:-${FITCHECK_WRAPPER:-}} \
    "$BIN" "$@" >"$out" 2>"$err" </dev/null
  got=$?
  why=""
  if [ "$got" -ne "$status" ]; then
    why="exit $got, expected $status"
  elif [ "$status" -eq 2 ]; then
    if [ -s "$out" ]; then why="stdout not empty"
    elif [ "$(wc -l <"$err")" -ne 1 ]; then why="stderr has $(wc -l <"$err") lines, expected 1"
    elif ! grep -q '^fitcheck: ' "$err"; then why="stderr does not start with 'fitcheck: '"
    elif ! grep -qF -- "$expect" "$err"; then why="stderr lacks '$expect'"
    fi
  elif [ -n "$expect" ] && ! grep -qF -- "$expect" "$out" "$err"; then
    why="output lacks '$expect'"
  fi
  if [ -n "$why" ]; then
    fail=$((fail + 1))
    echo "FAIL: fitcheck $args: $why"
    head -c 600 "$err" | sed 's/^/  stderr: /'
  else
    pass=$((pass + 1))
  fi
done <"$CASES"
echo "bad inputs: $n cases, $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$n" -gt 0 ]
