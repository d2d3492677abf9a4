"""Giấy mời for many recipients: one fresh WeasyPrint render each, against the batch path.

    .venv/bin/python benchmarks/invitations_pdf.py --n 200

Renders the same N one-page invitations (one plan, N distinct recipients)
twice in one run:

(a) naive: for each recipient a new font configuration, a newly parsed
    stylesheet and one HTML → PDF/A render (``rendering.naive_render_pdf``);
(b) the project's batch path (``rendering.render_pdfs``): one set-up, the
    recipient-specific paragraphs laid out together, the shared page laid
    out once per shape, one PDF/A file written per recipient.

Prints both per-invitation times; the last line is ``speedup: <a/b>x``.
Needs no database: the plan is built from unsaved model instances.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from conferences.models import Conference, DistributionLine, Plan  # noqa: E402
from conferences.selectors import PlanDocument  # noqa: E402
from directory.models import Organisation  # noqa: E402
from documents import rendering  # noqa: E402
from documents.content import Recipient, invitation_content  # noqa: E402

UNITS = [
    ("Ủy ban nhân dân thành phố", True),
    ("Ủy ban nhân dân huyện", True),
    ("Ủy ban nhân dân thị xã", True),
    ("Sở", False),
    ("Ban Quản lý các Khu công nghiệp và Khu kinh tế mở", False),
]
PLACES = ["Tam Kỳ", "Hội An", "Điện Bàn", "Thăng Bình", "Đại Lộc", "Bắc Trà My", "Hiệp Đức", "Núi Thành", "Phú Ninh", "Duy Xuyên"]


def plan_document() -> PlanDocument:
    body = Organisation(
        code="quang-nam:ubnd-tinh", name="Ủy ban nhân dân tỉnh Quảng Nam", kind="people_committee", tier="province"
    )
    plan = Plan(
        issuing_body=body,
        letterhead_parent="ỦY BAN NHÂN DÂN",
        letterhead_name="TỈNH QUẢNG NAM",
        place="Quảng Nam",
        year=2024,
        month=5,
        subject="Tổ chức Hội nghị trực tuyến phân tích, đánh giá kết quả\nChỉ số SIPAS, Chỉ số PAPI năm 2023 tỉnh Quảng Nam",
        sign_on_behalf_of="ỦY BAN NHÂN DÂN",
        sign_for_mode="KT",
        sign_for_title="CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Hồ Quang Bửu",
    )
    Conference(
        plan=plan,
        form="online",
        starts_at=timezone.make_aware(datetime.datetime(2024, 5, 31, 8, 0)),
        chair_text="Thường trực UBND tỉnh",
    )
    return PlanDocument(
        plan=plan,
        legal_bases=[],
        sections=[],
        participant_blocks=[],
        agenda=[],
        task_groups=[],
        distribution=[DistributionLine(text="Lưu: VT, TH, NCKS.")],
        placed_contents=set(),
    )


def recipients(n: int) -> list[Recipient]:
    out = []
    for i in range(n):
        unit, hosts = UNITS[i % len(UNITS)]
        place = PLACES[(i // len(UNITS)) % len(PLACES)]
        name = f"{unit} {place} số {i + 1}" if unit != "Sở" else f"Sở Nội vụ tỉnh Quảng Nam (đơn vị {i + 1})"
        venue = (
            f"Phòng họp trực tuyến cấp huyện (điểm cầu {name})"
            if hosts
            else "Tại Hội trường số 2 (tầng 2), Văn phòng Ủy ban nhân dân tỉnh"
        )
        out.append(Recipient(name=name, bridge_point="Điểm cầu", venue=venue, key=f"unit-{i}", hosts_point=hosts))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="number of invitations (default 200)")
    args = parser.parse_args()

    doc = plan_document()
    documents = [invitation_content(doc, recipient) for recipient in recipients(args.n)]
    rendering.naive_render_pdf(documents[0])  # import and first-use costs of WeasyPrint, Pango, fontconfig

    start = time.perf_counter()
    naive = [rendering.naive_render_pdf(document) for document in documents]
    a = (time.perf_counter() - start) / args.n

    rendering.setup.cache_clear()  # the batch path pays for its own one-time set-up
    start = time.perf_counter()
    batch = rendering.render_pdfs(documents)
    b = (time.perf_counter() - start) / args.n

    assert len(naive) == len(batch) == args.n
    print(f"invitations: {args.n} (one page each, PDF/A-2b)")
    print(f"(a) naive, fresh font configuration and stylesheet each: {a * 1000:.1f} ms per invitation")
    print(f"(b) batch path: {b * 1000:.1f} ms per invitation")
    print(f"speedup: {a / b:.2f}x")


if __name__ == "__main__":
    main()
