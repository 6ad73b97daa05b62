#!/usr/bin/env bash
# run_bad.sh FITCHECK CASES - the bad-input corpus (tests/bad/cases.txt): every
# case must exit with its status (2 for bad input) within 20 s, print nothing
# on stdout and exactly one stderr line "fitcheck: ..." containing the expected
# place (file, entry, field or flag). Run from the repository root. Built with
# -DFITCHECK_SANITIZE=ON, any sanitizer report breaks the one-line rule and
# the exit status. BAD_WRAPPER="valgrind -q --error-exitcode=99 ..." runs
# every case under a wrapper; BAD_FILTER=REGEX runs only matching lines.
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
  env ${envs[@]+"${envs[@]}"} timeout 20 ${BAD_WRAPPER:-} "$BIN" "$@" >"$out" 2>"$err" </dev/null
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
