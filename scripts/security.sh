#!/usr/bin/env bash
# Security checks of CI (scripts/test.sh runs this after `ruff check .`,
# whose configuration in pyproject.toml includes the flake8-bandit rules "S"):
#
#   1. ruff's security rules alone, so their result is named in the log;
#   2. pip-audit of the pinned requirements.txt against the vulnerability
#      database of PyPI (or OSV with PIP_AUDIT_SERVICE=osv).
#
# A vulnerable pin fails. When the vulnerability service cannot be reached
# (no network, or a PyPI mirror without the per-version JSON API) the
# requirements are NOT audited: this says so in capitals and does not
# pretend otherwise; it fails only when PIP_AUDIT_REQUIRED=true (set it where
# the service is reachable, so that losing it is noticed).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "ruff security rules (flake8-bandit, S)"
.venv/bin/ruff check --select S --quiet .
echo "ruff S: no findings"

say "pip-audit of requirements.txt (service: ${PIP_AUDIT_SERVICE:-pypi})"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
timeout "${PIP_AUDIT_TIMEOUT:-600}" .venv/bin/pip-audit --requirement requirements.txt --no-deps --disable-pip \
  --vulnerability-service "${PIP_AUDIT_SERVICE:-pypi}" --progress-spinner off --format json --output "$report" \
  2>"$report.log" || status=$?
# pip-audit exits 1 when it found vulnerabilities (the report is written) and
# with another status, or without a report, when the service failed.
if [ ! -s "$report" ]; then
  tail -3 "$report.log" >&2 || true
  echo "pip-audit: NOT AUDITED: the vulnerability service could not be reached (exit $status)."
  rm -f "$report.log"
  [ "${PIP_AUDIT_REQUIRED:-false}" = "true" ] && exit 1
  exit 0
fi
rm -f "$report.log"
.venv/bin/python - "$report" <<'PY'
import json
import os
import sys

dependencies = json.load(open(sys.argv[1]))["dependencies"]
skipped = [d for d in dependencies if "skip_reason" in d]
audited = [d for d in dependencies if "skip_reason" not in d]
vulnerable = [d for d in audited if d.get("vulns")]
required = os.environ.get("PIP_AUDIT_REQUIRED", "false") == "true"

for dependency in vulnerable:
    for vuln in dependency["vulns"]:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
        print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
if vulnerable:
    print(f"pip-audit: {len(vulnerable)} of {len(dependencies)} pinned packages have known vulnerabilities.")
    sys.exit(1)
if not audited:
    reason = skipped[0]["skip_reason"] if skipped else "no dependency listed"
    print(f"pip-audit: NOT AUDITED: the vulnerability service answered for none of the {len(dependencies)} packages")
    print(f"  (first reason: {reason}).")
    print("  Run scripts/security.sh where PyPI's JSON API (pypi.org/pypi/<name>/<version>/json) or OSV is reachable.")
    sys.exit(1 if required else 0)
if skipped:
    for dependency in skipped:
        print(f"NOT AUDITED {dependency['name']}: {dependency['skip_reason']}")
    print(f"pip-audit: {len(skipped)} of {len(dependencies)} packages could not be audited.")
    sys.exit(1)
print(f"pip-audit: {len(audited)} pinned packages audited, no known vulnerabilities.")
PY
