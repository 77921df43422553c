#!/usr/bin/env bash
# Create .venv with Python 3.12 or 3.13 and install crisis-sim into it (editable).
# Usage: scripts/bootstrap.sh [extras]   e.g. scripts/bootstrap.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

works() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3, 12), (3, 13)) else 1)' 2>/dev/null; }

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3; do
        [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && works "$candidate" && {
            command -v "$candidate"; return 0; }
    done
    # pyenv installs whose shims refuse to run without PYENV_VERSION set
    if command -v pyenv >/dev/null 2>&1; then
        for candidate in "$(pyenv root)"/versions/3.13*/bin/python3.13 "$(pyenv root)"/versions/3.12*/bin/python3.12; do
            [ -x "$candidate" ] && works "$candidate" && { echo "$candidate"; return 0; }
        done
    fi
    return 1
}

if [ ! -x .venv/bin/python ] || ! works .venv/bin/python; then
    python=$(find_python) || {
        echo "crisis-sim needs Python 3.12 or 3.13 (Hydra does not run on 3.14)." >&2
        echo "Install one, or point PYTHON=/path/to/python3.12 at it." >&2
        exit 1
    }
    echo "Creating .venv with $python ($("$python" --version))"
    rm -rf .venv
    "$python" -m venv .venv
fi

stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    touch "$stamp"
fi
