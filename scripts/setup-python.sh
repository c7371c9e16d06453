#!/usr/bin/env bash
# Sets up the project's Python environment in .venv/ from requirements.txt (pinned ray and xoscar,
# which the Ray harness, the Ray/xoscar rule checks and the actor snippets run against).
# Idempotent: a finished environment is marked with the hash of requirements.txt and reused at once;
# Ray is a large wheel, so it is installed only when the requirements change.
# Where pip cannot reach an index, it says so in one line and exits non-zero; the Ray tests then fail
# with that line (they read it from .venv/.setup-error), never skip.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
req="$root/requirements.txt"
marker="$venv/.ready"
errfile="$venv/.setup-error"
hash="$(sha256sum "$req" | cut -d' ' -f1)"

if [ -f "$marker" ] && [ "$(cat "$marker")" = "$hash" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

fail() {
  mkdir -p "$venv"
  echo "$1" > "$errfile"
  echo "setup-python: $1" >&2
  exit 1
}

base="${CONCURRENCY_LENS_BASE_PYTHON:-}"
if [ -z "$base" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then base="$(command -v "$candidate")"; break; fi
  done
fi
[ -n "$base" ] || fail "no python3 on PATH: install Python 3.11 to run the Ray and xoscar tests"

version="$("$base" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
case "$version" in
  3.9|3.10|3.11|3.12|3.13) ;;
  *) fail "Python $version at $base has no pinned ray/xoscar wheels: use 3.9 to 3.13 (CONCURRENCY_LENS_BASE_PYTHON)" ;;
esac

start=$(date +%s)
echo "setup-python: creating $venv with $base (Python $version) from requirements.txt (once; ray is large)"
rm -rf "$venv"
"$base" -m venv "$venv" || fail "python -m venv failed with $base (Debian: apt-get install python3-venv)"
log="$(mktemp)"
# Binary wheels only: building ray or xoscar from source would take far longer than the tests.
if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --only-binary=:all: \
    -r "$req" >"$log" 2>&1; then
  if grep -qiE "connection|resolve|network|Max retries|timed out|No matching distribution" "$log"; then
    tail -5 "$log" >&2
    rm -f "$log"
    fail "pip could not install ray/xoscar from the package index (no network or no wheel for Python $version): see the lines above"
  fi
  tail -20 "$log" >&2
  rm -f "$log"
  fail "pip install -r requirements.txt failed: see the lines above"
fi
rm -f "$log"
"$venv/bin/python" -c 'import ray, xoscar' || fail "ray or xoscar installed but does not import"
rm -f "$errfile"
echo "$hash" > "$marker"
echo "setup-python: ready in $(( $(date +%s) - start )) s"
