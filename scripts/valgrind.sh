#!/usr/bin/env bash
# scripts/valgrind.sh [BUILD_DIR] - the CLI tests under valgrind memcheck.
#
# Builds fitcheck without sanitizers (Debug, in BUILD_DIR, default
# build-valgrind) and runs the CLI test scripts -- tests/cli/cli_test.sh (every
# group), tests/input/input_test.sh (every group), the users/machines tests
# (tests/serving), cost (tests/cost), charts (tests/render: text, svg, html)
# and the bad-input corpus
# tests/bad/run_bad.sh -- plus 'validate --cross-validate' and 'calibrate' on
# tests/measured, with every fitcheck invocation wrapped (FITCHECK_WRAPPER,
# read by tests/cli_lib.sh and run_bad.sh) in
#
#   valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
#            --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99
#
# Each invocation writes its report to a log file of its own; a clean run
# writes nothing. Fails (exit 1) when a test fails (an error or leak turns an
# exit status into 99) or any log is not empty, and prints the reports.
# VALGRIND_KEEP=DIR keeps the logs there. Run time: about 10 minutes on one core.
# One block: bash reads it whole before running it (safe to edit meanwhile).
{
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-valgrind}
command -v valgrind >/dev/null || {
  echo "valgrind.sh: valgrind is needed (apt-get install valgrind)" >&2; exit 2; }

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DFITCHECK_SANITIZE=OFF \
  -DFITCHECK_FUZZ=OFF >/dev/null || exit 2
cmake --build "$build" -j2 --target fitcheck fc_jsoncheck fc_gguf_gen >/dev/null || exit 2
bin=$build/fitcheck jsoncheck=$build/tests/fc_jsoncheck gguf_gen=$build/tests/fc_gguf_gen

logs=${VALGRIND_KEEP:-$(mktemp -d)}
mkdir -p "$logs"
[ -n "${VALGRIND_KEEP:-}" ] || trap 'rm -rf "$logs"' EXIT
rm -f "$logs"/vg.*.log "$logs/count"
wrapper=$logs/fitcheck-under-valgrind
# The log is opened on fd 9 before valgrind starts: with --log-file, a test
# that closes stdout would have valgrind's log take fd 1.
cat >"$wrapper" <<EOF
#!/bin/sh
echo >>"$logs/count"
exec 9>"$logs/vg.\$\$.log"
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \\
  --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --log-fd=9 "\$@"
EOF
chmod +x "$wrapper"
export FITCHECK_WRAPPER=$wrapper

cd "$root" || exit 2
start=$(date +%s)
failed=()
step() { # step NAME COMMAND...: run one test script, note a failure
  local name=$1; shift
  echo "+ $name"
  "$@" >"$logs/step.out" 2>&1
  local rc=$?
  grep -E -A2 '^(FAIL|bad inputs:|[a-z]+: [0-9]+ passed)' "$logs/step.out"
  [ "$rc" -eq 0 ] || failed+=("$name")
}
for g in basics list estimate commands catalogs; do
  step "cli $g" bash tests/cli/cli_test.sh "$bin" "$jsoncheck" "$g"
done
for g in check files plan recommend local; do
  step "input $g" bash tests/input/input_test.sh "$bin" "$jsoncheck" "$g" "$gguf_gen"
done
step "serving" bash tests/serving/serving_test.sh "$bin" "$jsoncheck"
for g in formats api errors compare; do
  step "cost $g" bash tests/cost/cost_test.sh "$bin" "$jsoncheck" "$g"
done
for g in text svg html; do
  step "render $g" bash tests/render/render_test.sh "$bin" "$jsoncheck" "$g"
done
BAD_TIMEOUT=600 step "bad inputs" bash tests/bad/run_bad.sh "$bin" tests/bad/cases.txt
measured() { # the fitting paths, which the scripts above do not reach
  "$wrapper" "$bin" validate tests/measured/measured-public.csv --cross-validate --summary \
    >/dev/null || return 1
  "$wrapper" "$bin" calibrate tests/measured/measured-public.csv --output "$logs/cal.json" \
    >/dev/null || return 1
  "$wrapper" "$bin" estimate rtx4090 llama3.1-8b --calibration "$logs/cal.json" >/dev/null
}
step "validate/calibrate" measured

secs=$(($(date +%s) - start))
n=$(wc -l <"$logs/count")
reports=$(find "$logs" -name 'vg.*.log' -size +0 | sort)
echo "valgrind.sh: $n fitcheck invocations under memcheck in ${secs}s"
if [ -n "$reports" ]; then
  echo "valgrind.sh: $(echo "$reports" | wc -l) invocations with errors or leaks:"
  for f in $reports; do echo "== $f"; head -60 "$f"; done
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "valgrind.sh: failed: ${failed[*]}"
fi
[ -z "$reports" ] && [ ${#failed[@]} -eq 0 ] && echo "valgrind.sh: 0 errors, 0 leaks"
[ -z "$reports" ] && [ ${#failed[@]} -eq 0 ]
}
