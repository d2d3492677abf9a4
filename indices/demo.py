"""Index figures for the demo, from seed 002 and public reports."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from directory.models import AdministrativeUnit

from .models import Component, ComponentLevel, Edition, EditionScope, Index, Result, ScoreUnit

INDICES = [
    {
        "code": "papi",
        "name": "PAPI",
        "full_name": "Chỉ số Hiệu quả Quản trị và Hành chính công cấp tỉnh",
        "score_unit": ScoreUnit.POINTS,
        "publisher": "UNDP và các đối tác",
    },
    {
        "code": "par-index",
        "name": "PAR Index",
        "full_name": "Chỉ số cải cách hành chính",
        "score_unit": ScoreUnit.PERCENT,
        "publisher": "Bộ Nội vụ",
    },
    {
        "code": "sipas",
        "name": "SIPAS",
        "full_name": "Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước",
        "score_unit": ScoreUnit.PERCENT,
        "publisher": "Bộ Nội vụ",
    },
]

PAPI_DIMENSIONS_SINCE_2018 = [
    "Tham gia của người dân ở cấp cơ sở",
    "Công khai, minh bạch trong việc ra quyết định ở địa phương",
    "Trách nhiệm giải trình với người dân",
    "Kiểm soát tham nhũng trong khu vực công",
    "Thủ tục hành chính công",
    "Cung ứng dịch vụ công",
    "Quản trị môi trường",
    "Quản trị điện tử",
]
PAR_FIELDS = [
    "Công tác chỉ đạo, điều hành cải cách hành chính",
    "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật tại tỉnh",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
    "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội của tỉnh",
]
SIPAS_ELEMENTS = [
    "Tiếp cận dịch vụ",
    "Thủ tục hành chính",
    "Công chức giải quyết công việc",
    "Kết quả dịch vụ",
    "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị",
]

EDITIONS = [
    {
        "index": "par-index",
        "year": 2021,
        "max_total": Decimal("100"),
        "source": "Quyết định số 352/QĐ-BNV ngày 29/4/2022 của Bộ trưởng Bộ Nội vụ",
        "components": [(name, None) for name in PAR_FIELDS],
        # Seed 002: 86,57; rank 33/63; group B; up 9 places on 2020.
        "results": [("L-P49", "86.57", 33, 63, "B", None, 9)],
    },
    {
        "index": "sipas",
        "year": 2021,
        "max_total": Decimal("100"),
        "source": "Quyết định số 362/QĐ-BNV ngày 06/5/2022 của Bộ trưởng Bộ Nội vụ",
        "components": [(name, None) for name in SIPAS_ELEMENTS],
        # Seed 002: 84,24; rank 57/63; +3,64 points and down 4 places on 2020.
        "results": [("L-P49", "84.24", 57, 63, "", "3.64", -4)],
    },
    {
        "index": "papi",
        "year": 2020,
        "max_total": Decimal("80"),
        "source": "Báo cáo PAPI 2020 (UNDP)",
        "components": [(name, Decimal("10")) for name in PAPI_DIMENSIONS_SINCE_2018],
        "results": [
            ("L-P22", "48.881", 1, 63, "", None, None),  # Quảng Ninh
            ("L-P87", "46.961", 2, 63, "", None, None),  # Đồng Tháp
            ("L-P19", "46.471", 3, 63, "", None, None),  # Thái Nguyên
        ],
    },
]


@transaction.atomic
def indices_load() -> int:
    """Create the demo indices, editions, component trees and results.
    Idempotent: existing rows are kept. Returns the number of results created."""
    created = 0
    indices = {}
    for row in INDICES:
        indices[row["code"]], _ = Index.objects.get_or_create(code=row["code"], defaults=row)
    for spec in EDITIONS:
        edition, _ = Edition.objects.get_or_create(
            index=indices[spec["index"]],
            year=spec["year"],
            scope=EditionScope.NATIONAL,
            defaults={"max_total": spec["max_total"], "source": spec["source"]},
        )
        for order, (name, max_score) in enumerate(spec["components"], start=1):
            Component.objects.get_or_create(
                edition=edition,
                code=str(order),
                defaults={"order": order, "name": name, "level": ComponentLevel.DIMENSION, "max_score": max_score},
            )
        for unit_code, total, rank, out_of, group, total_change, rank_change in spec["results"]:
            _, was_created = Result.objects.get_or_create(
                edition=edition,
                admin_unit=AdministrativeUnit.objects.get(code=unit_code),
                defaults={
                    "total": Decimal(total),
                    "rank": rank,
                    "out_of": out_of,
                    "group": group,
                    "total_change": Decimal(total_change) if total_change else None,
                    "rank_change": rank_change,
                },
            )
            created += was_created
    return created
