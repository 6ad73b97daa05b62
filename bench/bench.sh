#!/usr/bin/env bash
# bench/bench.sh [BUILD_DIR] - the speed targets of issue 8, measured:
#   - wall time of whole processes: 'fitcheck compare rtx4090 m4pro-48' and
#     'fitcheck model llama3.3-70b' (N runs each, median, min and max)
#   - estimates per second over the full sweep (fc_bench_sweep, median of passes)
#   - peak memory of both processes (/usr/bin/time -v, maximum resident set)
#     and their minor page faults (each costs the kernel ~1.5 us here)
# BUILD_DIR (default build-bench) is configured and built as a Release build
# when missing. N=50 runs by default (N=... to change). Needs GNU time for the
# peak memory: apt-get install time (it is skipped, with a note, without it).
# Prints a Markdown section for docs/performance.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-bench}
N=${N:-50}
if [ ! -x "$build/fitcheck" ] || [ ! -x "$build/tests/fc_bench_sweep" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target fitcheck fc_bench_sweep >/dev/null
fi
bin=$build/fitcheck

# wall time of one run in microseconds; bash's EPOCHREALTIME needs no fork
now_us() {
  if [ -n "${EPOCHREALTIME:-}" ]; then local t=${EPOCHREALTIME/[.,]/}; echo "$t"
  else echo $(($(date +%s%N) / 1000)); fi
}
# time_cmd LABEL ARGS...: N runs after 3 warm-up runs; prints "median min max" in ms
time_cmd() {
  local samples=() i t0 t1
  for i in 1 2 3; do "$bin" "$@" >/dev/null; done
  for ((i = 0; i < N; i++)); do
    t0=$(now_us); "$bin" "$@" >/dev/null; t1=$(now_us)
    samples+=($((t1 - t0)))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{ a[NR] = $1 } END {
    m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "%.2f %.2f %.2f\n", m / 1000, a[1] / 1000, a[NR] / 1000 }'
}
# peak_kb ARGS...: "peak-RSS-KiB minor-page-faults" of one run
peak_kb() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$bin" "$@" 2>&1 >/dev/null | awk -F': ' '
      /Maximum resident set size/ { k = $2 } /Minor .*page faults/ { f = $2 }
      END { print k, f }'
  else echo "n/a n/a"; fi
}

# an empty process, to show what exec and the dynamic loader cost by themselves
base=$(N=$N; bin=/bin/true; time_cmd)
read -r cm cmin cmax <<<"$(time_cmd compare rtx4090 m4pro-48)"
read -r mm mmin mmax <<<"$(time_cmd model llama3.3-70b)"
read -r vm vmin vmax <<<"$(time_cmd --version)"
read -r ck cf <<<"$(peak_kb compare rtx4090 m4pro-48)"
read -r mk mf <<<"$(peak_kb model llama3.3-70b)"
sweep=$("$build/tests/fc_bench_sweep" 5)
rate=$(sed -E 's/.*median ([0-9]+) estimates.*/\1/' <<<"$sweep")

cpu=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')
echo "## Measured $(date -u +%Y-%m-%d) on $(uname -sm), ${cpu:-unknown CPU}, $(nproc) cores"
echo
# the commit of the tree the build was configured from (not necessarily this one)
src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt" 2>/dev/null)
echo "Commit $(git -C "${src:-$root}" describe --always --dirty --abbrev=7 2>/dev/null || echo '?'), $build, N=$N runs each (after 3 warm-up runs)."
echo
echo "| measurement | median | min | max | target |"
echo "|---|---|---|---|---|"
echo "| \`/bin/true\` (process start-up floor) | $(cut -d' ' -f1 <<<"$base") ms | $(cut -d' ' -f2 <<<"$base") ms | $(cut -d' ' -f3 <<<"$base") ms | |"
echo "| \`fitcheck --version\` (no catalog) | $vm ms | $vmin ms | $vmax ms | |"
echo "| \`fitcheck compare rtx4090 m4pro-48\` | $cm ms | $cmin ms | $cmax ms | < 5 ms |"
echo "| \`fitcheck model llama3.3-70b\` | $mm ms | $mmin ms | $mmax ms | < 5 ms |"
echo "| full sweep (fc_bench_sweep) | $rate estimates/s | | | > 1,000,000 /s |"
echo "| peak RSS, compare | ${ck} KiB | | | < 8 MB |"
echo "| peak RSS, model | ${mk} KiB | | | < 8 MB |"
echo "| page faults (minor), compare / model | $cf / $mf | | | |"
echo
echo "fc_bench_sweep: $sweep"
