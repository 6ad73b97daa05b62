# cli_lib.sh - sourced by the CLI test scripts: run the fitcheck binary ($BIN)
# and check its exit status, stdout ($out) and stderr ($err). The caller sets
# BIN, JSONCHECK, out and err; pass and fail count the checks.
# FITCHECK_WRAPPER="CMD ARGS" runs every invocation of the binary under CMD
# (scripts/valgrind.sh runs the tests under valgrind this way).
pass=0 fail=0

# fc_run ARGS...: the binary, under $FITCHECK_WRAPPER when set
fc_run() {
  # shellcheck disable=SC2086
  ${FITCHECK_WRAPPER:-} "$BIN" "$@"
}

# run EXPECTED_STATUS ARGS...: runs the binary, keeps stdout/stderr
run() {
  local want=$1; shift
  fc_run "$@" >"$out" 2>"$err" </dev/null
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: fitcheck $* exited $got, expected $want"; sed 's/^/  stderr: /' "$err" | head -3
    fail=$((fail + 1)); return 1
  fi
  pass=$((pass + 1)); return 0
}
check() { # check DESCRIPTION COMMAND...: a predicate on the last run
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what"; fail=$((fail + 1)); fi
}
has_out() { grep -q -- "$1" "$out"; }
has_err() { grep -q -- "$1" "$err"; }
one_line_err() { [ "$(wc -l <"$err")" -eq 1 ] && grep -q '^fitcheck: ' "$err"; }
empty_out() { [ ! -s "$out" ]; }
json_ok() { "$JSONCHECK" "$@" <"$out"; }
csv_ok() { head -1 "$out" | grep -q '^"' && [ "$(wc -l <"$out")" -ge 2 ]; }
no_nan() { ! grep -Eiq '(^|[^a-z])(nan|inf)([^a-z]|$)' "$out"; }
