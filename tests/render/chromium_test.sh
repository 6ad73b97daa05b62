#!/usr/bin/env bash
# chromium_test.sh FITCHECK - the HTML pages of compare and model rendered by
# headless Chromium (Debian's chromium package, README Quick start line 2):
# the screenshot is not blank and the rendered DOM has every section. Exits
# 77 (ctest SKIP_RETURN_CODE) when no Chromium is installed. Run from the
# repository root.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

browser=
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  echo "SKIP: no chromium found (apt-get install chromium, as README Quick start line 2 does)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Chromium in a container: no sandbox (no user namespaces), no /dev/shm of any
# size, and a profile and HOME of its own so it never touches the user's
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_CACHE_HOME=$tmp/home/.cache
mkdir -p "$HOME"
unset DBUS_SESSION_BUS_ADDRESS
log=$tmp/chromium.log
chrome() { # chrome PROFILE ARGS...: one headless run, at most 120 s
  local profile=$1; shift
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --no-default-browser-check --disable-extensions --mute-audio \
    --hide-scrollbars --user-data-dir="$tmp/profile-$profile" "$@" 2>>"$log"
}

pass=0 fail=0
check() {
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what"; fail=$((fail + 1)); fi
}
has() { grep -q -- "$2" "$1"; }

"$BIN" compare rtx4090 m4pro-48 --format html >"$tmp/compare.html" || { echo "FAIL: fitcheck compare --format html"; exit 1; }
"$BIN" model llama3.1-8b --format html >"$tmp/model.html" || { echo "FAIL: fitcheck model --format html"; exit 1; }
printf '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>empty</title></head><body></body></html>\n' >"$tmp/empty.html"

# ---- screenshots ----
W=1280 H=2400
for page in compare model empty; do
  chrome "shot-$page" --window-size=$W,$H --screenshot="$tmp/$page.png" "file://$tmp/$page.html" >/dev/null
  check "screenshot of the $page page written" test -s "$tmp/$page.png"
done

# the PNG header: the 8-byte signature, then the IHDR chunk with the width
# and height as 4-byte big-endian numbers at bytes 16-23
png_is() { # png_is FILE WIDTH HEIGHT
  [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ] &&
    [ "$(od -An -tu1 -j16 -N8 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4, $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')" = "$2 $3" ]
}
size() { wc -c <"$1"; }
# Not blank: a PNG is deflate-compressed, and an empty page (one colour over
# all 1280 x 2400 pixels) compresses to almost nothing, a few kB; text,
# tables, the coloured header and the bars do not. So the page's screenshot
# must be at least 5 times the size of the empty page's, taken the same way
# at the same size. This needs no image decoder (no python), and does not
# depend on the fonts installed: any text at all multiplies the size.
for page in compare model; do
  [ -s "$tmp/$page.png" ] || continue
  check "$page.png is a ${W}x$H PNG" png_is "$tmp/$page.png" $W $H
  if [ -s "$tmp/empty.png" ]; then
    check "$page page is not blank ($(size "$tmp/$page.png") bytes vs $(size "$tmp/empty.png") for an empty page)" \
      test "$(size "$tmp/$page.png")" -ge $((5 * $(size "$tmp/empty.png")))
  fi
done

# ---- the DOM Chromium built from the page ----
chrome dom-compare --dump-dom "file://$tmp/compare.html" >"$tmp/compare.dom"
chrome dom-model --dump-dom "file://$tmp/model.html" >"$tmp/model.dom"
d=$tmp/compare.dom
check "compare DOM: parsed (a body)" has "$d" '<body>'
check "compare DOM: header with both devices" has "$d" '<h1><span class="dev">GeForce RTX 4090</span><span class="vs">vs</span><span class="dev">Apple M4 Pro'
check "compare DOM: quick verdict" has "$d" '<p>Quick verdict: '
for h in 'Specs' 'Estimated decode speed (prompt' 'Decode speed, headline models (tok/s)' 'All models' 'Only GeForce RTX 4090 can run' 'Only Apple M4 Pro' 'Both run natively'; do
  check "compare DOM: section '$h'" has "$d" "<h2>$h"
done
# the chart is SVG in the DOM (the HTML parser put it in the SVG namespace:
# its rect and text elements survive as such), with bars and labels
check "compare DOM: inline SVG chart with bars" bash -c "grep -q '<svg ' '$d' && [ \$(grep -o '<rect ' '$d' | wc -l) -ge 4 ]"
check "compare DOM: 'does not fit' bars" has "$d" '>does not fit</text>'
check "compare DOM: the spec table" bash -c "[ \$(grep -o '<table' '$d' | wc -l) -ge 5 ]"
check "compare DOM: no script" bash -c "! grep -qi '<script' '$d'"
d=$tmp/model.dom
check "model DOM: heading" has "$d" '<h1>Llama 3.1 8B (llama3.1-8b)'
for h in 'Memory at 4096 tokens' 'Decode speed, top 20 of the' 'Devices (best quant that fits'; do
  check "model DOM: section '$h'" has "$d" "<h2>$h"
done
check "model DOM: 20 bars in the chart" test "$(grep -o '<rect [^>]*height="16"' "$d" | wc -l)" -eq 20

if [ "$fail" -ne 0 ]; then
  echo "--- chromium ($browser) stderr, last lines:"
  tail -20 "$log"
fi
echo "chromium: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
