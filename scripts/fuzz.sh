#!/usr/bin/env bash
# scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
#
# Run one libFuzzer target (catalog, cli, csv, gguf, hf_config) for SECONDS from its
# seed corpus in tests/fuzz/corpus/TARGET. Builds build-fuzz (clang,
# -DFITCHECK_FUZZ=ON) when the binary is missing; FUZZ_BIN=PATH uses a given
# binary (the CTest smoke runs do). New inputs go to build-fuzz/fuzz-work/
# TARGET/corpus (never into the seed corpus), crashes to .../artifacts/; the
# target runs in a scratch directory. Exit status: 0 when nothing was found.
# A crash found becomes a regression test: add the artifact to the seed corpus
# (or to tests/bad/cases.txt) and fix the cause.
# The body is one block: bash reads it whole before running it, so that
# editing this file during a long run cannot break the run.
{
set -euo pipefail
usage() { echo "usage: scripts/fuzz.sh catalog|cli|csv|gguf|hf_config SECONDS [libFuzzer options]" >&2; exit 2; }
[ $# -ge 2 ] || usage
target=$1 seconds=$2; shift 2
case $target in catalog | cli | csv | gguf | hf_config) ;; *) usage ;; esac
[[ $seconds =~ ^[0-9]+$ ]] || usage
root=$(cd "$(dirname "$0")/.." && pwd)

bin=${FUZZ_BIN:-}
if [ -z "$bin" ]; then
  bin=$root/build-fuzz/tests/fuzz_$target
  if [ ! -x "$bin" ] || [ "${FUZZ_REBUILD:-1}" = 1 ]; then
    command -v clang >/dev/null || { echo "fuzz.sh: clang is needed (apt-get install clang)" >&2; exit 2; }
    CC=clang cmake -S "$root" -B "$root/build-fuzz" -DFITCHECK_FUZZ=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$root/build-fuzz" -j2 --target "fuzz_$target" >/dev/null
  fi
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=${FUZZ_WORK:-$(dirname "$bin")/fuzz-work}/$target
mkdir -p "$work/corpus" "$work/artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
      -artifact_prefix="$work/artifacts/")
case $target in
  catalog | hf_config) opts+=(-dict="$root/tests/fuzz/json.dict" -max_len=16384) ;;
  cli) opts+=(-close_fd_mask=2 -max_len=512) ;; # its one-line errors would flood the log
  csv) opts+=(-dict="$root/tests/fuzz/csv.dict" -max_len=16384) ;;
  gguf) opts+=(-max_len=8192) ;;
esac
log=$work/last-run.log
echo "fuzz.sh: $target for ${seconds}s (log: $log)"
set +e
(cd "$scratch" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
  "$bin" "${opts[@]}" "$@" "$work/corpus" "$root/tests/fuzz/corpus/$target") >"$log" 2>&1
rc=$?
set -e
grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb|INFO: .*corpus:)|#[0-9]+[[:space:]]+DONE' "$log" | tail -5 || true
echo "corpus: $(find "$work/corpus" -type f | wc -l) files in $work/corpus"
if [ "$rc" -ne 0 ]; then
  grep -E 'ERROR|SUMMARY|Test unit written|deadly signal|abort' "$log" | head -10 >&2 || true
  echo "fuzz.sh: $target found a problem (exit $rc); see $log and $work/artifacts" >&2
fi
exit "$rc"
}
