#!/usr/bin/env bash
# First command of the README: set up, load the demo data and serve the app
# at http://127.0.0.1:8000 on the local defaults (SQLite, tasks in-process,
# mail written to var/mail/). Settings from the environment still apply.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DEBUG="${DEBUG:-true}"
ADDRESS="${ADDRESS:-127.0.0.1:8000}"
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py load_demo --invitations --url "http://$ADDRESS/"
echo
echo "Two-factor code of a demo reviewer, clerk or admin: .venv/bin/python manage.py demo_otp_code <username>"
echo "Serving at http://$ADDRESS/ (Ctrl+C to stop)"
exec .venv/bin/python manage.py runserver "$ADDRESS"
