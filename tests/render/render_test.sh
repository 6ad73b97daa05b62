#!/usr/bin/env bash
# render_test.sh FITCHECK JSONCHECK GROUP - the charts and the svg and html
# formats through the fitcheck binary, as a user runs them. Run from the repo
# root. Groups: text (terminal and Markdown bars), svg, html.
#
# Expected values are not copied from earlier output: each chart is checked
# against the rules it is drawn by (the longest bar is 40 cells / the whole
# plot, every other bar in proportion to its value) and against the table
# the same command prints (which models do not fit, the speeds shown).
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") JSONCHECK=$2 GROUP=$3
out=$(mktemp) err=$(mktemp) tmp=$(mktemp -d)
trap 'rm -rf "$out" "$err" "$tmp"' EXIT
. "$(dirname "$0")/../cli_lib.sh"
export LANG=C.UTF-8 TERM=xterm
unset LC_ALL LC_CTYPE NO_COLOR

FULL=$'\xe2\x96\x88' # U+2588, a whole cell of bar
REPL=$'\xef\xbf\xbd' # U+FFFD, the replacement character

# the lines of the text chart titled $1 in $out (up to the blank line)
chart_lines() { awk -v t="$1" 'index($0, t) == 1 { on = 1; next } on && /^$/ { exit } on' "$out"; }

# Unicode bars: the largest value is 40 cells = 320 eighths, every other
# value x round(x / max * 320) eighths: whole cells (U+2588) and one of the
# eighths U+258F (1) .. U+2589 (7). Values are printed to 0.1, so allow one
# eighth either way.
bars_in_proportion() {
  chart_lines "$1" | LC_ALL=C awk '
    /does not fit/ { next }
    {
      line = $0
      n = gsub(/\342\226\210/, "", line); e = n * 8
      split("\217 \216 \215 \214 \213 \212 \211", tail, " ")
      for (k = 1; k <= 7; k++) if (index(line, "\342\226" tail[k])) e += k
      if (!match(line, / [0-9.]+( \([^)]*\))?$/)) { print "no value: " $0; bad = 1; next }
      v = substr(line, RSTART + 1); sub(/ .*/, "", v)
      val[++m] = v + 0; eighths[m] = e
      if (v + 0 > max) max = v + 0
    }
    END {
      if (m < 2) { print "fewer than two bars"; exit 1 }
      for (i = 1; i <= m; i++) {
        want = int(val[i] / max * 320 + 0.5)
        if (eighths[i] < want - 1 || eighths[i] > want + 1) {
          printf "value %s: %d eighths, expected %d\n", val[i], eighths[i], want; bad = 1
        }
        if (val[i] == max && eighths[i] != 320) { print "the largest bar is not 40 cells"; bad = 1 }
      }
      exit bad
    }'
}

# ASCII bars: round(x / max * 40) cells of '#', the largest exactly 40
ascii_in_proportion() {
  chart_lines "$1" | LC_ALL=C awk '
    /does not fit/ { next }
    /[^ -~]/ { print "not ASCII: " $0; bad = 1 }
    {
      c = 0; if (match($0, /#+/)) c = RLENGTH
      if (!match($0, / [0-9.]+( \([^)]*\))?$/)) { print "no value: " $0; bad = 1; next }
      v = substr($0, RSTART + 1); sub(/ .*/, "", v)
      val[++m] = v + 0; cells[m] = c; if (v + 0 > max) max = v + 0
    }
    END {
      if (m < 2) exit 1
      for (i = 1; i <= m; i++) {
        want = int(val[i] / max * 40 + 0.5)
        if (cells[i] < want - 1 || cells[i] > want + 1 || (val[i] == max && cells[i] != 40)) {
          printf "value %s: %d cells, expected %d\n", val[i], cells[i], want; bad = 1
        }
      }
      exit bad
    }'
}

# the headline table of compare's table output: how many "-" cells (a side
# that cannot run the model) and its rows' speeds as the chart prints them,
# "31.8 t/s (Q5_K_M)*" -> "31.8 (Q5_K_M*)"
headline_dashes() {
  chart_lines "Estimated decode speed" | awk -F '  +' 'NR > 2 { n += ($2 == "-") + ($3 == "-") } END { print n + 0 }'
}
headline_rows() { chart_lines "Estimated decode speed" | awk 'NR > 2' | wc -l; }
headline_speeds() {
  chart_lines "Estimated decode speed" | awk -F '  +' 'NR > 2 { print $2; print $3 }' |
    grep -v '^-$' | sed -E 's/ t\/s \(([^)]*)\)(\*?)$/ (\1\2)/' | sort
}

# SVG bars: every <rect> of a bar (height 16) is value / axis end * plot
# width long, the plot running from the first grid line (x0) to the last
# (the axis end); the value is printed to 0.1, so allow its rounding.
svg_in_proportion() {
  awk '
    /<line x1="/ { match($0, /x1="[0-9.]+"/); x = substr($0, RSTART + 4, RLENGTH - 5) + 0
                   if (nl++ == 0) x0 = x; xe = x }
    /text-anchor="middle"/ { t = $0; sub(/<\/text>.*/, "", t); sub(/.*>/, "", t); end = t + 0 }
    /height="16" fill=/ {
      match($0, /width="[0-9.]+"/); w = substr($0, RSTART + 7, RLENGTH - 8) + 0
      t = $0; sub(/.*<text[^>]*>/, "", t); sub(/ .*/, "", t); sub(/<.*/, "", t)
      ww[++m] = w; vv[m] = t + 0
    }
    END {
      if (m < 2 || end <= 0 || xe <= x0) { print "no bars or axis"; exit 1 }
      p = xe - x0
      for (i = 1; i <= m; i++) {
        want = vv[i] / end * p; tol = 0.05 / end * p + 0.01
        if (ww[i] < want - tol || ww[i] > want + tol) {
          printf "value %s: width %s, expected %.2f\n", vv[i], ww[i], want; bad = 1
        }
      }
      exit bad
    }' "$1"
}

no_script() { ! grep -qi '<script' "$out"; }
# no address but the SVG namespace: nothing is fetched
only_svg_ns() { ! grep -Eo 'https?://[^" ]*' "$out" | grep -qv '^http://www.w3.org/2000/svg$'; }
# nothing a browser would fetch or follow (catalog sources are shown as text)
no_remote() { ! grep -Eqi '<(link|img|iframe|object|embed|a)[ >]|url\(|@import| src=| href=' "$out"; }
no_address() { ! grep -Eqi 'https?://' "$out"; }
well_formed() { xmllint --noout "$1" 2>&1 | head -5; xmllint --noout "$1" >/dev/null 2>&1; }
balanced() { # balanced TAG: as many <TAG as </TAG> in $out
  [ "$(grep -o "<$1[ >]" "$out" | wc -l)" -eq "$(grep -o "</$1>" "$out" | wc -l)" ]
}
need_xmllint() {
  command -v xmllint >/dev/null && return 0
  echo "FAIL: xmllint not found (apt-get install libxml2-utils, README Quick start line 2)"
  fail=$((fail + 1)); return 1
}

case $GROUP in
text)
  run 0 compare rtx4090 m4pro-48 && cp "$out" "$tmp/table.txt"
  check "compare: chart after the headline table" bash -c "grep -A 20000 '^Estimated decode speed' '$out' | grep -q '^Decode speed, headline models (tok/s)$'"
  check "compare: unicode bars in proportion" bars_in_proportion "Decode speed, headline models (tok/s)"
  # two lines (A, B) per headline model; a side the table shows as "-" is a
  # "does not fit" bar
  rows=$(headline_rows) dashes=$(headline_dashes)
  check "compare: two chart lines per headline model ($rows)" test "$(chart_lines 'Decode speed, headline models' | wc -l)" -eq $((2 * rows))
  check "compare: 'does not fit' for each '-' in the table ($dashes)" test "$(chart_lines 'Decode speed, headline models' | grep -c 'does not fit$')" -eq "$dashes"
  check "compare: at least one side does not fit (Llama 3.3 70B on 24 GiB)" test "$dashes" -ge 1
  run 0 compare rtx4090 m4pro-48 --ascii
  check "compare --ascii: '#' bars in proportion, ASCII only" ascii_in_proportion "Decode speed, headline models (tok/s)"
  check "compare --ascii: no block characters" bash -c "! grep -q '$FULL' '$out'"
  TERM=dumb "$BIN" compare rtx4090 m4pro-48 >"$out" 2>"$err"
  check "TERM=dumb: ASCII bars" ascii_in_proportion "Decode speed, headline models (tok/s)"
  run 0 model llama3.1-8b
  check "model: chart before the device table" bash -c "grep -B 100000 '^Devices' '$out' | grep -q '^Decode speed, top 20 of the [0-9]* devices below (tok/s)$'"
  check "model: unicode bars in proportion" bars_in_proportion "Decode speed, top 20 of the"
  check "model: 20 bars" test "$(chart_lines 'Decode speed, top 20 of the' | wc -l)" -eq 20
  run 0 model llama3.1-8b --ascii && check "model --ascii: bars in proportion" ascii_in_proportion "Decode speed, top 20 of the"
  run 0 model deepseek-r1 --vendor apple --quant q4_k_m --all
  # 671 B parameters at 4.89 bits/weight are 671e9 * 4.89 / 8 = 410 GB: of
  # the Apple machines only the 512 GB M3 Ultra holds them (the next largest
  # has 256 GB), so with --all its bar comes first and the other 19 of the 20
  # are empty "does not fit" bars
  chart_lines "Decode speed, top 20" >"$tmp/apple"
  check "model --all: the 512 GB Mac has the bar" bash -c "head -1 '$tmp/apple' | grep -q '512 GB).*$FULL'"
  check "model --all: 19 devices it does not fit on, empty bars" test "$(tail -n +2 "$tmp/apple" | grep -c ' does not fit$')" -eq 19
  run 0 compare rtx4090 m4pro-48 --format markdown
  check "markdown: chart heading and fence" bash -c "grep -A2 '^### Decode speed, headline models (tok/s)$' '$out' | tail -1 | grep -qx '\`\`\`text'"
  check "markdown: bars inside the fence" bash -c "awk '/^\`\`\`text\$/ { on = 1; next } /^\`\`\`\$/ { on = 0 } on' '$out' | grep -q '$FULL'"
  run 0 compare rtx4090 m4pro-48 --format csv
  check "csv: no chart" bash -c "! grep -q -e 'does not fit' -e '$FULL' -e 'headline' '$out'"
  check "csv: the all-models table" bash -c "head -1 '$out' | grep -q '^\"model_id\",\"params_b\",'"
  run 0 compare rtx4090 m4pro-48 --format json
  check "json: no chart in the document" bash -c "! grep -q -e 'headline models' -e 'does not fit' '$out'"
  check "json still valid" json_ok a.id b.id models
  ;;
svg)
  need_xmllint || true
  run 0 compare rtx4090 m4pro-48 --format svg && cp "$out" "$tmp/compare.svg"
  check "compare svg: XML declaration" bash -c "head -1 '$out' | grep -q '^<?xml version=\"1.0\" encoding=\"UTF-8\"?>$'"
  check "compare svg: the SVG namespace" has_out '^<svg xmlns="http://www.w3.org/2000/svg" width="[0-9]*" height="[0-9]*" viewBox="0 0 [0-9]* [0-9]*"'
  command -v xmllint >/dev/null && check "compare svg: well-formed XML" well_formed "$tmp/compare.svg"
  check "compare svg: no script" no_script
  check "compare svg: no address but the namespace" only_svg_ns
  check "compare svg: no NaN/inf" no_nan
  check "compare svg: title of both devices" has_out '<title>GeForce RTX 4090 vs Apple M4 Pro'
  check "compare svg: chart title" has_out '>Decode speed, headline models (tok/s)</text>'
  check "compare svg: legend names both sides" bash -c "grep -q '>rtx4090</text>' '$out' && grep -q '>m4pro-48</text>' '$out'"
  check "compare svg: bars in proportion" svg_in_proportion "$tmp/compare.svg"
  # the same figures as the table: speeds and quants, and an empty bar for
  # each side the table shows as "-"
  "$BIN" compare rtx4090 m4pro-48 >"$out" 2>/dev/null
  dashes=$(headline_dashes) rows=$(headline_rows)
  headline_speeds >"$tmp/table-speeds"
  check "compare svg: 'does not fit' for each '-' in the table ($dashes)" test "$(grep -c '>does not fit</text>' "$tmp/compare.svg")" -eq "$dashes"
  check "compare svg: a bar or an empty one per model and side" test $(($(grep -c 'height="16" fill=' "$tmp/compare.svg") + dashes)) -eq $((2 * rows))
  grep 'height="16" fill=' "$tmp/compare.svg" | sed -E 's/.*<text[^>]*>//; s/<\/text>.*//' | sort >"$tmp/svg-speeds"
  check "compare svg: the table's speeds and quants" cmp -s "$tmp/table-speeds" "$tmp/svg-speeds"
  run 0 model llama3.1-8b --format svg && cp "$out" "$tmp/model.svg"
  command -v xmllint >/dev/null && check "model svg: well-formed XML" well_formed "$tmp/model.svg"
  check "model svg: no script, no address" bash -c "! grep -qi '<script' '$out' && ! grep -Eo 'https?://[^\" ]*' '$out' | grep -qv '^http://www.w3.org/2000/svg\$'"
  check "model svg: bars in proportion" svg_in_proportion "$tmp/model.svg"
  check "model svg: 20 bars" test "$(grep -c 'height="16" fill=' "$tmp/model.svg")" -eq 20
  # "top 20 of the N devices below": N is the device table's length (CSV rows)
  n=$(sed -n 's/.*>Decode speed, top 20 of the \([0-9]*\) devices below (tok\/s)<.*/\1/p' "$tmp/model.svg" | head -1)
  "$BIN" model llama3.1-8b --format csv >"$out" 2>/dev/null
  check "model svg: N in the title is the device count ($n)" test "${n:-0}" -eq $(($(wc -l <"$out") - 1))
  run 0 model llama3.3-70b --vendor apple --format svg && check "model svg: filters" has_out 'Apple M'
  for cmd in "list hardware" "hardware rtx4090" "show rtx4090"; do
    name=${cmd%% *}
    # shellcheck disable=SC2086
    run 2 $cmd --format svg && check "$name svg: one-line error naming the command" bash -c "grep -q \"^fitcheck: --format svg: '$name' has no chart\" '$err' && [ \$(wc -l <'$err') -eq 1 ]" && check "$name svg: nothing on stdout" empty_out
  done
  # a catalog entry whose name has markup characters and bytes that are not
  # UTF-8: escaped, replaced by U+FFFD, and the document still well-formed
  printf '{"schema_version":1,"hardware":[{"id":"labgpu","name":"Lab <b>&amp; \\"x\\" \xff\xfe GPU","vendor":"nvidia","category":"desktop_gpu","memory_gb":24,"memory_type":"GDDR6","bandwidth_gbs":1000,"fp16_tflops":100,"backend":"cuda","release_year":2024,"source":"test"}]}' >"$tmp/odd.json"
  run 0 compare labgpu rtx4090 --catalog "$tmp/odd.json" --format svg && cp "$out" "$tmp/odd.svg"
  check "svg: markup in a name escaped" has_out "<title>Lab &lt;b&gt;&amp;amp; &quot;x&quot; $REPL$REPL GPU vs GeForce RTX 4090</title>"
  command -v xmllint >/dev/null && check "svg: a name that is not UTF-8, still well-formed" well_formed "$tmp/odd.svg"
  run 0 compare labgpu rtx4090 --catalog "$tmp/odd.json" --format html
  check "html: markup in a name escaped" has_out '<span class="dev">Lab &lt;b&gt;&amp;amp; &quot;x&quot; '
  check "html: no <b> from the catalog" bash -c "! grep -q '<b>' '$out'"
  run 2 compare rtx4090 m4pro-48 --format pdf && check "unknown format lists svg and html" has_err 'csv, svg or html'
  ;;
html)
  run 0 compare rtx4090 m4pro-48 --format html && cp "$out" "$tmp/compare.html"
  check "compare html: doctype first" bash -c "head -1 '$out' | grep -qx '<!DOCTYPE html>'"
  check "compare html: charset" has_out '<meta charset="utf-8">'
  check "compare html: inline style" has_out '^<style>$'
  check "compare html: no script" no_script
  check "compare html: nothing fetched (no link, img, url(), src=, href=)" no_remote
  check "compare html: no address at all" no_address
  check "compare html: no NaN/inf" no_nan
  check "compare html: header with both devices" has_out '^<h1><span class="dev">GeForce RTX 4090</span><span class="vs">vs</span><span class="dev">Apple M4 Pro'
  check "compare html: quick verdict in the header" bash -c "sed -n '/<header/,/<\/header>/p' '$out' | grep -q '<p>Quick verdict: '"
  for h in 'Specs' 'Estimated decode speed (prompt' 'Decode speed, headline models (tok/s)' 'All models' 'Only GeForce RTX 4090 can run' 'Only Apple M4 Pro' 'Both run natively'; do
    check "compare html: section '$h'" has_out "<h2>$h"
  done
  check "compare html: one inline chart" test "$(grep -c '^<svg ' "$out")" -eq 1
  check "compare html: the spec table marks the better value" has_out '<td class="num better">'
  for t in section table thead tbody tr td th svg figure header main footer; do
    check "compare html: <$t> balanced" balanced "$t"
  done
  sed -n '/^<svg /,/^<\/svg>/p' "$tmp/compare.html" >"$tmp/inline.svg"
  command -v xmllint >/dev/null && check "compare html: the inline chart is well-formed" well_formed "$tmp/inline.svg"
  check "compare html: the inline chart's bars in proportion" svg_in_proportion "$tmp/inline.svg"
  check "compare html: the chart's title is the section heading, not drawn twice" test "$(grep -c '>Decode speed, headline models (tok/s)</text>' "$tmp/inline.svg")" -eq 0
  run 0 model llama3.1-8b --format html
  for h in 'Memory at 4096 tokens' 'Decode speed, top 20 of the' 'Devices (best quant that fits'; do
    check "model html: section '$h'" has_out "<h2>$h"
  done
  check "model html: heading" has_out '^<h1>Llama 3.1 8B (llama3.1-8b)'
  check "model html: decode bars in the device table" has_out '<span class="bar"><span style="width:100.0%"></span></span>'
  check "model html: nothing fetched" no_remote
  check "model html: no address at all" no_address
  # html is a generic page: every command has one
  for cmd in "list hardware" "estimate rtx4090 llama3.1-8b" "hardware rtx4090" "show rtx4090" "plan rtx4090 llama3.1-8b"; do
    # shellcheck disable=SC2086
    run 0 $cmd --format html && check "${cmd%% *} html: a page" bash -c "head -1 '$out' | grep -qx '<!DOCTYPE html>' && tail -1 '$out' | grep -qx '</html>' && grep -q '<table' '$out'" && check "${cmd%% *} html: nothing fetched" no_remote
  done
  ;;
*) echo "unknown group $GROUP"; exit 2 ;;
esac

echo "$GROUP: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
