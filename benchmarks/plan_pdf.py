"""Seconds to render one plan with its agenda as PDF/A, cold and warm.

    .venv/bin/python manage.py load_demo   # once, into the configured database
    .venv/bin/python benchmarks/plan_pdf.py --key seed-000

Cold includes WeasyPrint's first use in the process (font configuration,
stylesheet); warm is the best of five renders after it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from conferences.models import Plan  # noqa: E402
from conferences.selectors import plan_document_for_system  # noqa: E402
from documents import rendering, services  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", default="seed-000", help="import key of the plan (default seed-000)")
    args = parser.parse_args()
    plan = Plan.objects.get(key=args.key)
    document = services.plan_official_document(plan_document_for_system(plan_id=plan.pk))

    start = time.perf_counter()
    rendering.render_pdf(document)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(5):
        start = time.perf_counter()
        pdf = rendering.render_pdf(document)
        warm.append(time.perf_counter() - start)
    pages = len(rendering.setup().render(rendering.document_html(document)).pages)
    print(f"{args.key}: {pages} pages, {len(pdf):,} bytes")
    print(f"cold: {cold:.3f} s")
    print(f"warm: {min(warm):.3f} s (best of 5)")


if __name__ == "__main__":
    main()
