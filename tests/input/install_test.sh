#!/usr/bin/env bash
# install_test.sh BUILD_DIR WHAT - 'cmake --install' into a temporary prefix
# (WHAT=install), or render the man page with man -l (WHAT=man; exit 77, a
# skip, when man is not installed). Run from the repo root.
set -u
BUILD=$1 WHAT=$2
pass=0 fail=0
check() {
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what"; fail=$((fail + 1)); fi
}
case $WHAT in
install)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cmake --install "$BUILD" --prefix "$tmp" >"$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
  bindir=$tmp/bin
  [ -d "$bindir" ] || bindir=$(dirname "$(find "$tmp" -name fitcheck -type f -perm -u+x | head -1)")
  check "binary installed" test -x "$bindir/fitcheck"
  check "installed binary runs" bash -c "'$bindir/fitcheck' --version | grep -q '^fitcheck [0-9]'"
  check "installed binary has its catalog" bash -c "'$bindir/fitcheck' check rtx4090 llama3.1-8b >/dev/null"
  man1=$(find "$tmp" -path '*/man1/fitcheck.1' | head -1)
  check "man page installed under share/man/man1" test -n "$man1"
  check "bash completion installed" test -f "$tmp/share/bash-completion/completions/fitcheck"
  check "zsh completion installed" test -f "$tmp/share/zsh/site-functions/_fitcheck"
  # the bash completion completes command names and formats
  check "bash completion works" bash -c "
    PATH='$bindir':\$PATH
    source '$tmp/share/bash-completion/completions/fitcheck'
    COMP_WORDS=(fitcheck rec); COMP_CWORD=1; _fitcheck
    [ \"\${COMPREPLY[*]}\" = recommend ] || exit 1
    COMP_WORDS=(fitcheck check --format j); COMP_CWORD=3; _fitcheck
    [ \"\${COMPREPLY[*]}\" = json ]"
  if command -v zsh >/dev/null; then
    check "zsh completion parses" zsh -n "$tmp/share/zsh/site-functions/_fitcheck"
  fi
  ;;
man)
  if ! command -v man >/dev/null; then
    echo "SKIP: man is not installed (the page is checked where man-db is)"
    exit 77
  fi
  txt=$(MANWIDTH=80 man -l docs/fitcheck.1 2>"${TMPDIR:-/tmp}/fc_man_err.$$")
  warn=$(grep -v '^$' "${TMPDIR:-/tmp}/fc_man_err.$$"); rm -f "${TMPDIR:-/tmp}/fc_man_err.$$"
  check "man -l renders" test -n "$txt"
  check "no warnings from man ($warn)" test -z "$warn"
  for section in NAME SYNOPSIS COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT EXAMPLES; do
    check "section $section" grep -q "^$section" <<<"$txt"
  done
  for cmd in check plan recommend estimate; do
    check "documents $cmd" grep -q "$cmd" <<<"$txt"
  done
  ;;
esac
echo "$WHAT: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
