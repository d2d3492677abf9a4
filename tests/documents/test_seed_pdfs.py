"""The five seed plans printed back in the Decree 30/2020 layout.

Text through ``pdftotext -layout`` (cropped to the columns of the header,
the footer and the agenda table), fonts through ``pdffonts``, positions
and styles through pdfplumber."""

from __future__ import annotations

import json
import re

import pytest

from conferences import formatting
from tests.conftest import DATA_DIR, collapse
from tests.documents.conftest import SEEDS
from tests.documents.pdfutil import MM, body_text, compact, in_order, is_nfc, open_pdf, pdffonts, pdftotext

TEXT_LEFT, TEXT_WIDTH = 30, 165  # mm
ISSUER = (TEXT_LEFT, 20, TEXT_WIDTH * 0.36, 45)
MOTTO = (TEXT_LEFT + TEXT_WIDTH * 0.36, 20, TEXT_WIDTH * 0.64, 45)


def expectations(seed: str) -> dict[str, list[str]]:
    return json.loads((DATA_DIR / "seed_expectations" / f"{seed}.json").read_text(encoding="utf-8"))


def lines(text: str) -> list[str]:
    return [collapse(line) for line in text.splitlines() if line.strip()]


def main_pages(seed) -> tuple[range, range]:
    """Pages (1-based) of the plan itself and of its attached agenda."""
    with open_pdf(seed.pdf) as document:
        texts = [collapse(page.extract_text() or "") for page in document.pages]
    reference = "(Kèm theo Kế hoạch số"
    agenda_start = next((i for i, t in enumerate(texts, 1) if reference in t), len(texts) + 1)
    return range(1, agenda_start), range(agenda_start, len(texts) + 1)


def table_columns(pdf: bytes, page_number: int) -> list[float]:
    """x (mm) of the vertical rules of the agenda table on a page."""
    with open_pdf(pdf) as document:
        page = document.pages[page_number - 1]
        edges = [e for e in page.edges if e["orientation"] == "v" and e["top"] > 25 * MM and e["bottom"] - e["top"] > 3 * MM]
        return sorted({round(e["x0"] / MM, 1) for e in edges})


@pytest.fixture(params=SEEDS)
def seed(request, rendered_seeds):
    return rendered_seeds[request.param]


def test_header_lines_number_and_italic_date(seed):
    issuer = lines(pdftotext(seed.pdf, page=1, box_mm=ISSUER))
    motto = lines(pdftotext(seed.pdf, page=1, box_mm=MOTTO))
    parent, name = seed.stored["letterhead"]
    assert issuer[:2] == [parent, name]
    assert re.fullmatch(r"Số: /KH-UBND", issuer[2]), issuer  # unissued: room for the number
    assert motto[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert re.fullmatch(rf"{seed.stored['place']}, ngày tháng( \d{{1,2}})? năm \d{{4}}", motto[2]), motto

    with open_pdf(seed.pdf) as document:
        page = document.pages[0]
        date_line = page.search(f"{seed.stored['place']}, ngày")[0]
        assert date_line["chars"] and all("Italic" in c["fontname"] for c in date_line["chars"])
        assert date_line["x0"] > MOTTO[0] * MM and date_line["top"] < (ISSUER[1] + ISSUER[3]) * MM
        own_line = [c for c in page.chars if c["x1"] < (ISSUER[0] + ISSUER[2]) * MM and c["text"] in name]
        assert any("Bold" in c["fontname"] for c in own_line)


def test_plan_parts_in_document_order(seed):
    plan_pages, _ = main_pages(seed)
    text = body_text(seed.pdf, pages=plan_pages)
    official = seed.official
    parts = ["KẾ HOẠCH", *seed.stored["subject"], *seed.stored["legal_bases"], *(p.printed for p in official.body)]
    assert in_order(text, parts) == []
    # Every heading and every participant line and task of the seed, as stored.
    for heading in seed.stored["headings"]:
        assert compact(heading) in compact(text)
    for kind in ("participant_lines", "tasks"):
        missing = [s for s in expectations(seed.key)[kind] if compact(s) not in compact(text)]
        assert not missing, f"{kind} missing from the PDF: {missing}"
    # Section headings are numbered I, II… in bold.
    headings = [p.lead for p in official.body if p.style == "heading"]
    assert headings and [h.split(".")[0] for h in headings] == [formatting.roman(n) for n in range(1, len(headings) + 1)]


def test_distribution_list_and_signature_block(seed):
    plan_pages, _ = main_pages(seed)
    last = plan_pages[-1]
    left = lines(pdftotext(seed.pdf, page=last, box_mm=(TEXT_LEFT, 20, TEXT_WIDTH * 0.45, 257)))
    right = collapse(pdftotext(seed.pdf, page=last, box_mm=(TEXT_LEFT + TEXT_WIDTH * 0.45, 20, TEXT_WIDTH * 0.55, 257)))
    start = left.index("Nơi nhận:")
    assert in_order(" ".join(left[start:]), [f"- {line}" for line in seed.stored["distribution"]]) == []
    assert left[-1] == f"- {seed.stored['distribution'][-1]}"
    signature = seed.official.signature
    if signature:
        assert in_order(right, [*signature.titles, seed.stored["signer_name"]]) == []
    with open_pdf(seed.pdf) as document:
        page = document.pages[last - 1]
        title = page.search("Nơi nhận:")[0]
        chars = [c for c in page.chars if abs(c["top"] - title["top"]) < 1 and c["x1"] <= title["x1"] + 0.5]
        assert all("Bold-Italic" in c["fontname"] and round(c["size"]) == 12 for c in chars)
        first_line = page.search(f"- {seed.stored['distribution'][0]}"[:12])[0]
        assert round(first_line["chars"][0]["size"]) == 11
        if signature:  # the authority line is level with “Nơi nhận:”
            authority = page.search(signature.titles[0][:8])[0]
            assert abs(authority["top"] - title["top"]) < 3


def test_attached_agenda_rows_and_performers(seed):
    _, agenda_pages = main_pages(seed)
    agenda = seed.official.agenda
    if agenda is None:
        assert len(agenda_pages) == 0 and seed.stored["agenda_contents"] == []
        return
    first = collapse(pdftotext(seed.pdf, page=agenda_pages[0], box_mm=(0, 20, 210, 80)))
    assert in_order(first, [agenda.title, *agenda.subject_lines, "(Kèm theo Kế hoạch số", "/KH-UBND ngày"]) == []
    assert re.search(r"tháng \d+ năm \d{4} của Ủy ban nhân dân tỉnh [^)]+\)", first)
    content, performers = [], []
    for number in agenda_pages:
        left, order_end, content_end, right = table_columns(seed.pdf, number)
        assert (round(left), round(right)) == (30, 195)
        content.append(collapse(pdftotext(seed.pdf, page=number, box_mm=(order_end, 20, content_end - order_end, 257))))
        performers.append(collapse(pdftotext(seed.pdf, page=number, box_mm=(content_end, 20, right - content_end, 257))))
    content, performers = " ".join(content), " ".join(performers)
    assert in_order(content, seed.stored["agenda_contents"]) == []
    assert in_order(performers, seed.stored["agenda_performers"]) == []
    assert len(seed.stored["agenda_contents"]) == len(expectations(seed.key)["agenda_rows"])
    for row in expectations(seed.key)["agenda_rows"]:
        assert compact(row) in compact(content)


def test_page_size_margins_and_page_numbers(seed):
    plan_pages, agenda_pages = main_pages(seed)
    right_margins = []
    with open_pdf(seed.pdf) as document:
        for number, page in enumerate(document.pages, 1):
            assert (round(page.width / MM), round(page.height / MM)) == (210, 297)
            body = [c for c in page.chars if c["top"] > 20 * MM and c["text"].strip()]
            assert 30 <= min(c["x0"] for c in body) / MM <= 35, f"page {number}: left edge"
            # Glyph advance boxes of a justified line end up to 0.5 mm past its ink (measured: ink at 195.1 mm).
            right_margins.append(210 - max(c["x1"] for c in body) / MM)
            assert right_margins[-1] >= 14.5, f"page {number}: text beyond the right margin"
            assert max(c["bottom"] for c in body) / MM <= 277
        assert 14.5 <= min(right_margins) <= 20, "justified lines end 15-20 mm from the right edge"
        for pages in (plan_pages, agenda_pages):
            if not pages:
                continue
            top = [c for c in document.pages[pages[0] - 1].chars if c["bottom"] < 20 * MM]
            assert not [c for c in top if c["text"].isdigit()], "no page number on a first page"
            if len(pages) > 1:
                second = [c for c in document.pages[pages[1] - 1].chars if c["bottom"] < 20 * MM and c["text"].isdigit()]
                assert "".join(c["text"] for c in second) == "2"
                centre = (second[0]["x0"] + second[0]["x1"]) / 2 / MM
                assert abs(centre - (TEXT_LEFT + TEXT_WIDTH / 2)) < 3
                assert round(second[0]["size"]) in (13, 14)


def test_fonts_embedded_text_nfc_and_body_size(seed):
    fonts = pdffonts(seed.pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts)
    assert {f["name"].split("+", 1)[1] for f in fonts} <= {
        "Decree-Serif",
        "Decree-Serif-Bold",
        "Decree-Serif-Italic",
        "Decree-Serif-Bold-Italic",
    }, "only the bundled Liberation Serif, never a system font"
    text = pdftotext(seed.pdf)
    assert is_nfc(text)
    with open_pdf(seed.pdf) as document:
        page = document.pages[0]
        first = seed.official.body[0].printed[:20]
        hit = page.search(first)[0]
        assert round(hit["chars"][0]["size"]) == 14


def test_docx_has_the_same_paragraphs_in_the_shipped_font(seed):
    import io

    import docx

    word = docx.Document(io.BytesIO(seed.docx))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [
        20,
        20,
        30,
        15,
    ]
    texts, fonts, sizes = [], set(), {}
    for block in word.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        paragraphs = (
            [docx.text.paragraph.Paragraph(block, word)]
            if tag == "p"
            else [docx.text.paragraph.Paragraph(p, word) for p in block.iter(docx.oxml.ns.qn("w:p"))]
        )
        for paragraph in paragraphs:
            if paragraph.text.strip():
                texts.append(paragraph.text)
                for run in paragraph.runs:
                    if run.text.strip():
                        fonts.add(run.font.name)
                        sizes[paragraph.text] = run.font.size.pt
    official = seed.official
    expected = [*seed.stored["letterhead"], *official.motto, official.letterhead.number, official.letterhead.place_date]
    expected = [t for t in expected if t]
    assert texts[: len(expected)] == expected
    main = official.paragraphs()
    assert texts[len(expected) : len(expected) + len(main)] == main
    if official.agenda:
        rest = texts[len(expected) + len(main) :]
        assert rest[: 2 + len(official.agenda.subject_lines)] == [
            official.agenda.title,
            *official.agenda.subject_lines,
            official.agenda.reference,
        ]
        assert in_order(" ".join(rest), seed.stored["agenda_contents"]) == []
    assert fonts == {"Liberation Serif"}
    assert sizes[official.body[0].printed] == 14
    assert sizes["Nơi nhận:"] == 12
    assert sizes[f"- {seed.stored['distribution'][0]}"] == 11
