#!/usr/bin/env bash
# Prepare a machine to run the app: system packages, a Python >= 3.12
# virtual environment in .venv with the pinned requirements, compiled
# translations. Safe to run again: it only does what is missing.
#
#   scripts/setup.sh            what the app needs
#   scripts/setup.sh --tests    also what the test suite needs (Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--tests" ] && want_tests=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- System packages (Debian/Ubuntu) -------------------------------------
# WeasyPrint (documents): Pango, and HarfBuzz's subsetter (without it fonts
# are subset 2-3x slower). LibreOffice Writer without GUI converts DOCX
# contributions to PDF for the materials booklet (in the Celery worker).
# Tests read PDFs with poppler's pdftotext/pdffonts.
packages=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libreoffice-writer-nogui)
[ "$want_tests" = 1 ] && packages+=(chromium poppler-utils)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
else
  command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
  [ "$want_tests" = 1 ] && ! command -v chromium >/dev/null 2>&1 && missing+=(chromium)
  [ "$want_tests" = 1 ] && ! command -v pdftotext >/dev/null 2>&1 && missing+=(poppler-utils)
fi
# The backup/restore test runs pg_dump and pg_restore (any postgresql-client-NN will do).
[ "$want_tests" = 1 ] && ! command -v pg_dump >/dev/null 2>&1 && missing+=(postgresql-client)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# --- Python >= 3.12 --------------------------------------------------------
python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
find_python() {
  local candidate
  for candidate in ${PYTHON:-} python3.13 python3.12 python3 \
      "$HOME"/.pyenv/versions/3.13*/bin/python3 "$HOME"/.pyenv/versions/3.12*/bin/python3 \
      /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 \
      /usr/local/bin/python3.1[3-9] /usr/bin/python3.1[2-9]; do
    [ -n "$candidate" ] || continue
    # Run it: a pyenv shim can exist on PATH and still fail.
    if python_ok "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

if [ -x .venv/bin/python ] && ! python_ok .venv/bin/python; then
  say "Removing .venv: its Python is older than 3.12"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  if ! python=$(find_python); then
    echo "No Python >= 3.12 found. Install one (e.g. 'pyenv install 3.13' or 'apt-get install python3.13')," >&2
    echo "or point to it with PYTHON=/path/to/python3.12 $0" >&2
    exit 1
  fi
  say "Creating .venv with $python ($("$python" --version))"
  "$python" -m venv .venv
fi

stamp=.venv/.requirements.sha256
current=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$current" ]; then
  say "Installing Python packages (requirements.txt)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$current" > "$stamp"
fi

say "Compiling translations"
DEBUG=true .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var -v 0
