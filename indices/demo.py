"""Index figures for the demo.

Published figures (from seed 002 and public reports, ``is_sample`` false):

- PAR Index 2020, Quảng Nam: rank 42/63 (score not stated); 2021: 86,57,
  rank 33/63, group B, up 9 places;
- SIPAS 2020, Quảng Nam: 80,60 %, rank 53/63; 2021: 84,24 %, rank 57/63,
  +3,64 points, down 4 places;
- PAPI 2020: Quảng Ninh 48,881, Đồng Tháp 46,961, Thái Nguyên 46,471 (ranks 1–3);
- PAR Index 2024: national mean 88,37 %, 13 provinces in group A and 50 in
  group B, Hải Phòng first with 96,17 %;
- SIPAS 2024: national mean 83,94 %, Hải Phòng first with 90,59 %.

Every other figure is **sample data** (``is_sample`` true, marked in the
interface): the other provinces' totals and ranks, drawn so that the
published ranks, groups and national means hold, and the component scores
(every province's fields, and Quảng Nam's criteria) that make the unit
profile and the generated improvement plan meaningful. They come from a
seeded random generator, so loading again gives the same figures and
creates nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from directory.models import AdministrativeUnit, Organisation, UnitLevel, UnitPeriod

from .models import Component, ComponentScore, Edition, EditionScope, FieldResponsibility, Index, Result, ScoreUnit
from .structures import apply_spec, structure_spec

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

QUANG_NAM = "L-P49"
HAI_PHONG = "L-P31"


@dataclass
class Published:
    rank: int
    total: str | None = None
    group: str = ""
    total_change: str | None = None
    rank_change: int | None = None


@dataclass
class EditionSpec:
    index: str
    year: int
    source: str = ""
    published: dict[str, Published] = field(default_factory=dict)
    sample_range: tuple[str, str] = ("75", "90")
    # (rank, lowest total of that rank and above): e.g. 13 provinces at 90 % or more.
    floors: list[tuple[int, str]] = field(default_factory=list)
    mean: str | None = None
    components: bool = True
    detail_units: tuple[str, ...] = (QUANG_NAM,)
    weak: dict[str, float] = field(default_factory=dict)  # component code → how much lower than the rest
    results: bool = True


# Criteria where Quảng Nam lost points in 2021 according to seed 002
# (publication of procedures, intangible fixed assets, ISO 9001, handling of files).
QUANG_NAM_WEAK = {"3.2": 0.55, "3.4": 0.75, "6.2": 0.6, "7.4": 0.65, "8.2": 0.8, "4": 0.85}

EDITIONS = [
    EditionSpec("papi", 2017, "Báo cáo PAPI 2017 (UNDP)", results=False),
    EditionSpec(
        "papi",
        2020,
        "Báo cáo PAPI 2020 (UNDP)",
        published={"L-P22": Published(1, "48.881"), "L-P87": Published(2, "46.961"), "L-P19": Published(3, "46.471")},
        sample_range=("40.5", "46.4"),
    ),
    EditionSpec(
        "par-index",
        2020,
        "Quyết định số 1150/QĐ-BNV ngày 31/5/2021 của Bộ trưởng Bộ Nội vụ",
        published={QUANG_NAM: Published(42)},
        sample_range=("75", "92"),
        components=False,
    ),
    EditionSpec(
        "par-index",
        2021,
        "Quyết định số 352/QĐ-BNV ngày 29/4/2022 của Bộ trưởng Bộ Nội vụ",
        published={QUANG_NAM: Published(33, "86.57", "B", None, 9)},
        sample_range=("76", "92.5"),
        weak=QUANG_NAM_WEAK,
    ),
    EditionSpec("par-index", 2022, "", sample_range=("77", "93"), weak={"3.2": 0.7, "6.2": 0.7, "7.4": 0.75}),
    EditionSpec("par-index", 2023, "", sample_range=("78", "93.5"), weak={"6.2": 0.75, "5.5": 0.8}),
    EditionSpec(
        "par-index",
        2024,
        "Chỉ số cải cách hành chính năm 2024 (Bộ Nội vụ)",
        published={HAI_PHONG: Published(1, "96.17")},
        sample_range=("82", "95.5"),
        floors=[(13, "90"), (63, "80")],
        mean="88.37",
        weak={"6.2": 0.8, "8.2": 0.85},
    ),
    EditionSpec(
        "sipas",
        2020,
        "Chỉ số SIPAS năm 2020 (Bộ Nội vụ)",
        published={QUANG_NAM: Published(53, "80.60")},
        sample_range=("76", "90"),
        components=False,
    ),
    EditionSpec(
        "sipas",
        2021,
        "Quyết định số 362/QĐ-BNV ngày 06/5/2022 của Bộ trưởng Bộ Nội vụ",
        published={QUANG_NAM: Published(57, "84.24", "", "3.64", -4)},
        sample_range=("78", "92"),
        weak={"2": 0.95, "5": 0.9},
    ),
    EditionSpec("sipas", 2022, "", sample_range=("78", "92"), weak={"5": 0.92}),
    EditionSpec("sipas", 2023, "", sample_range=("79", "92"), weak={"5": 0.93}),
    EditionSpec(
        "sipas",
        2024,
        "Chỉ số SIPAS năm 2024 (Bộ Nội vụ)",
        published={HAI_PHONG: Published(1, "90.59")},
        sample_range=("77", "90.5"),
        mean="83.94",
        weak={"5": 0.94},
    ),
]

# Department of Quảng Nam answering for each field (seed 002's assignments).
RESPONSIBILITIES = {
    "par-index": {
        "chi-dao-dieu-hanh": "quang-nam:so-noi-vu",
        "the-che": "quang-nam:so-tu-phap",
        "thu-tuc-hanh-chinh": "quang-nam:van-phong-ubnd-tinh",
        "to-chuc-bo-may": "quang-nam:so-noi-vu",
        "che-do-cong-vu": "quang-nam:so-noi-vu",
        "tai-chinh-cong": "quang-nam:so-tai-chinh",
        "chinh-phu-so": "quang-nam:so-thong-tin-truyen-thong",
        "tac-dong": "quang-nam:so-noi-vu",
    },
    "sipas": {
        "tiep-can-dich-vu": "quang-nam:van-phong-ubnd-tinh",
        "thu-tuc-hanh-chinh": "quang-nam:van-phong-ubnd-tinh",
        "cong-chuc": "quang-nam:so-noi-vu",
        "ket-qua-dich-vu": "quang-nam:so-tai-nguyen-moi-truong",
        "gop-y-phan-anh": "quang-nam:van-phong-ubnd-tinh",
    },
    "papi": {
        "tham-gia": "quang-nam:so-noi-vu",
        "cong-khai-minh-bach": "quang-nam:so-tai-nguyen-moi-truong",
        "trach-nhiem-giai-trinh": "quang-nam:van-phong-ubnd-tinh",
        "kiem-soat-tham-nhung": "quang-nam:so-noi-vu",
        "thu-tuc-hanh-chinh": "quang-nam:van-phong-ubnd-tinh",
        "dich-vu-cong": "quang-nam:so-noi-vu",
        "quan-tri-moi-truong": "quang-nam:so-tai-nguyen-moi-truong",
        "quan-tri-dien-tu": "quang-nam:so-thong-tin-truyen-thong",
    },
}


# Drawing sample figures ---------------------------------------------------------------


def _units(value: str | Decimal, scale: int) -> int:
    return int((Decimal(value) * scale).to_integral_value())


def sample_totals(spec: EditionSpec, slots: int, scale: int) -> dict[int, int | None]:
    """Total (in 1/scale points) for every rank 1..slots: published ranks keep
    their totals, the others are drawn strictly between their neighbours so
    that the ranking and the floors hold, then moved to reach the published mean."""
    rng = random.Random(f"{spec.index}-{spec.year}-totals")  # noqa: S311 - seeded sample figures
    high, low = _units(spec.sample_range[1], scale), _units(spec.sample_range[0], scale)
    fixed = {p.rank: _units(p.total, scale) if p.total else None for p in spec.published.values()}
    floors = {rank: _units(value, scale) for rank, value in spec.floors}
    # Boundaries (position, lowest value of the segment above it, highest of the segment below it).
    bounds = [(0.0, None, high), (slots + 1.0, low, None)]
    bounds += [(float(rank), total + 1, total - 1) for rank, total in fixed.items() if total is not None]
    bounds += [(rank + 0.5, floor, floor - 1) for rank, floor in floors.items()]
    bounds.sort()
    totals: dict[int, int | None] = dict(fixed)
    for (above, _, highest), (below, lowest, _) in zip(bounds, bounds[1:], strict=False):
        free = [rank for rank in range(int(above) + 1, int(below + 0.5)) if rank not in fixed and above < rank < below]
        totals.update(zip(free, sorted(rng.sample(range(lowest, highest + 1), len(free)), reverse=True), strict=True))
    if spec.mean is not None:
        _shift_to_mean(totals, fixed, floors, _units(spec.mean, scale) * slots, high, low)
    return totals


def _shift_to_mean(totals: dict[int, int | None], fixed: dict, floors: dict[int, int], target: int, high: int, low: int) -> None:
    """Move the free totals one unit at a time, keeping the order and the floors."""
    free = sorted(rank for rank in totals if rank not in fixed)
    bands = sorted(floors.items())

    def allowed(rank: int, value: int) -> bool:
        floor = next((f for r, f in bands if rank <= r), low)
        ceiling = next((f - 1 for r, f in reversed(bands) if rank > r), high)
        above, below = totals.get(rank - 1), totals.get(rank + 1)
        return floor <= value <= ceiling and (above is None or value < above) and (below is None or value > below)

    while (residual := target - sum(totals.values())) != 0:
        step = 1 if residual > 0 else -1
        moved = False
        for rank in free if step > 0 else reversed(free):
            if residual != 0 and allowed(rank, totals[rank] + step):
                totals[rank] += step
                residual -= step
                moved = True
        if not moved:
            raise ValueError("the published mean cannot be reached within the ranges")


def split(total: int, maxima: list[int], weights: list[float]) -> list[int]:
    """Share ``total`` among parts of the given maxima in proportion to
    ``weights`` × maximum; each part stays between 0 and its maximum."""
    total = max(0, min(total, sum(maxima)))
    raw = [m * w for m, w in zip(maxima, weights, strict=True)]
    scale = total / sum(raw) if sum(raw) else 0
    parts = [min(m, int(r * scale)) for m, r in zip(maxima, raw, strict=True)]
    index = 0
    while sum(parts) != total:
        step = 1 if sum(parts) < total else -1
        i = index % len(parts)
        if 0 <= parts[i] + step <= maxima[i]:
            parts[i] += step
        index += 1
    return parts


def _component_scores(
    spec: EditionSpec, components: list[Component], total: int, scale: int, *, unit_code: str, detail: bool
) -> dict[int, int]:
    """Scores (in 1/scale points) of the dimensions, and for a detailed unit of every component below them."""
    rng = random.Random(f"{spec.index}-{spec.year}-{unit_code}-components")  # noqa: S311 - seeded sample figures
    children: dict[int | None, list[Component]] = {}
    for component in components:
        children.setdefault(component.parent_id, []).append(component)
    averaged = spec.index == "sipas"  # SIPAS: the total is the mean of the elements (each out of 100)
    scores: dict[int, int] = {}

    def weights(parts: list[Component]) -> list[float]:
        bias = spec.weak if unit_code == QUANG_NAM else {}
        return [rng.uniform(0.85, 1.15) * bias.get(c.code, 1.0) for c in parts]

    top = children.get(None, [])
    if averaged:
        bias = spec.weak if unit_code == QUANG_NAM else {}
        base = [total + int((rng.uniform(-3, 3) + (bias.get(c.code, 1.0) - 1) * 40) * scale) for c in top]
        residual = total * len(top) - sum(base)
        base = [b + residual // len(top) + (i < residual % len(top)) for i, b in enumerate(base)]
        scores.update((c.pk, max(0, min(_units(c.max_score, scale), b))) for c, b in zip(top, base, strict=True))
    else:
        shares = split(total, [_units(c.max_score, scale) for c in top], weights(top))
        scores.update((c.pk, s) for c, s in zip(top, shares, strict=True))
    if detail:
        queue = list(top)
        while queue:
            parent = queue.pop(0)
            parts = children.get(parent.pk, [])
            if not parts:
                continue
            shares = split(scores[parent.pk], [_units(c.max_score, scale) for c in parts], weights(parts))
            scores.update((c.pk, s) for c, s in zip(parts, shares, strict=True))
            queue.extend(parts)
    return scores


def _quartile_group(labels: list[str], rank: int, out_of: int) -> str:
    return labels[min(len(labels) - 1, (rank - 1) * len(labels) // out_of)] if labels else ""


# Loading ------------------------------------------------------------------------------


@transaction.atomic
def indices_load() -> int:
    """Create the demo indices, editions (with their shipped component
    trees), results and component scores, and Quảng Nam's field
    responsibilities. Idempotent: existing rows are kept, missing ones
    added. Returns the number of results created."""
    indices = {}
    for row in INDICES:
        indices[row["code"]], _ = Index.objects.get_or_create(code=row["code"], defaults=row)
    provinces = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, period=UnitPeriod.BEFORE_2025).order_by("code")
    }
    created = 0
    for spec in EDITIONS:
        edition, _ = Edition.objects.get_or_create(
            index=indices[spec.index], year=spec.year, scope=EditionScope.NATIONAL, defaults={"source": spec.source}
        )
        apply_spec(edition, structure_spec(spec.index, spec.year))
        if spec.results:
            created += _load_results(spec, edition, provinces)
    _load_responsibilities(indices)
    return created


def _load_results(spec: EditionSpec, edition: Edition, provinces: dict[str, AdministrativeUnit]) -> int:
    scale = 1000 if spec.index == "papi" else 100
    slots = len(provinces)
    totals = sample_totals(spec, slots, scale)
    published_by_rank = {p.rank: code for code, p in spec.published.items()}
    rng = random.Random(f"{spec.index}-{spec.year}-order")  # noqa: S311 - seeded sample figures
    others = [code for code in provinces if code not in spec.published]
    rng.shuffle(others)
    unit_by_rank = {}
    for rank in range(1, slots + 1):
        unit_by_rank[rank] = published_by_rank.get(rank) or others.pop()
    existing = {r.admin_unit_id: r for r in Result.objects.filter(edition=edition)}
    new_results = []
    for rank, code in unit_by_rank.items():
        unit = provinces[code]
        if unit.pk in existing:
            continue
        published = spec.published.get(code)
        total = totals[rank]
        total_value = Decimal(total) / scale if total is not None else None
        group = published.group if published and published.group else _group(edition, total_value, rank, slots)
        new_results.append(
            Result(
                edition=edition,
                admin_unit=unit,
                total=total_value,
                rank=rank,
                out_of=slots,
                group=group,
                total_change=Decimal(published.total_change) if published and published.total_change else None,
                rank_change=published.rank_change if published else None,
                is_sample=published is None,
            )
        )
    Result.objects.bulk_create(new_results)
    if spec.components:
        _load_component_scores(spec, edition, totals, unit_by_rank, provinces, scale)
    return len(new_results)


def _group(edition: Edition, total: Decimal | None, rank: int, out_of: int) -> str:
    if edition.grouping.get("method") == "quartiles":
        return _quartile_group(edition.group_labels, rank, out_of)
    return edition.group_for(total)


def _load_component_scores(spec, edition, totals, unit_by_rank, provinces, scale) -> None:
    components = list(Component.objects.filter(edition=edition).order_by("code"))
    results = {r.admin_unit_id: r for r in Result.objects.filter(edition=edition)}
    have = set(ComponentScore.objects.filter(result__edition=edition).values_list("result_id", "component_id"))
    by_pk = {c.pk: c for c in components}
    rows = []
    for rank, code in unit_by_rank.items():
        if totals[rank] is None:
            continue
        result = results[provinces[code].pk]
        scores = _component_scores(spec, components, totals[rank], scale, unit_code=code, detail=code in spec.detail_units)
        for pk, value in scores.items():
            if (result.pk, pk) not in have and by_pk[pk].max_score is not None:
                rows.append(ComponentScore(result=result, component_id=pk, score=Decimal(value) / scale, is_sample=True))
    ComponentScore.objects.bulk_create(rows, batch_size=1000)


def _load_responsibilities(indices: dict[str, Index]) -> None:
    province = AdministrativeUnit.objects.filter(code=QUANG_NAM).first()
    organisations = dict(Organisation.objects.filter(code__startswith="quang-nam:").values_list("code", "pk"))
    if province is None:
        return
    have = set(FieldResponsibility.objects.filter(province=province).values_list("index_id", "field_key"))
    FieldResponsibility.objects.bulk_create(
        FieldResponsibility(province=province, index=indices[index_code], field_key=key, organisation_id=organisations[code])
        for index_code, mapping in RESPONSIBILITIES.items()
        for key, code in mapping.items()
        if code in organisations and (indices[index_code].pk, key) not in have
    )
