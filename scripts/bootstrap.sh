#!/usr/bin/env bash
# Create the project's virtual environment from the lock file (once per lock change).
# Usage: scripts/bootstrap.sh            (VENV=path to use another location,
#                                         PYTHON=path to choose the interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"

find_python() {
    local candidates=("${PYTHON:-}" python3.12 python3.13 python3.14 python3)
    candidates+=("$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.12 /usr/bin/python3.12)
    for c in "${candidates[@]}"; do
        [ -n "$c" ] || continue
        if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
            echo "$c"
            return 0
        fi
    done
    echo "bootstrap: error: Python >= 3.12 not found (set PYTHON=/path/to/python3.12)" >&2
    return 1
}

stamp="$VENV/.installed-$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    python="$(find_python)"
    echo "bootstrap: installing into $VENV with $("$python" --version)" >&2
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --require-hashes -r requirements.lock
    "$VENV/bin/pip" install --quiet --no-deps --no-build-isolation -e .
    touch "$stamp"
fi
