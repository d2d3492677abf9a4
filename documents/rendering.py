"""HTML → PDF with WeasyPrint. The only module of the project that imports it.

Templates under ``templates/documents/`` and the print stylesheet
``static/documents/print.css`` (which loads the bundled Liberation Serif with
``@font-face``) make PDF/A-2b files in the layout of Decree 30/2020.

- One :class:`FontConfiguration` and one parsed stylesheet per process.
- Resources come only from ``static/documents/`` through
  :class:`LocalStaticFetcher`: no network, no other file.
- All text is normalised to Unicode NFC before layout.
- Batches lay out many documents in one WeasyPrint document and split the
  pages (:func:`render_pdfs`), which reuses the whole set-up.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import mimetypes
import threading
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# WeasyPrint logs every step at INFO, from its import on.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.document import Page  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from .content import OfficialDocument, Paragraph  # noqa: E402

STYLESHEET = "documents/print.css"
PDF_VARIANT = "pdf/a-2b"
TEMPLATES = {"plan": "documents/plan.html", "invitation": "documents/invitation.html"}
PAGE_TEMPLATE = "documents/page.html"
BATCH_TEMPLATE = "documents/batch.html"
MEASURE_TEMPLATE = "documents/measure.html"
ANCHOR_PREFIX = "official-document-"

# WeasyPrint's layout shares Pango and fontconfig state: one render at a time
# per process (Celery runs one task per process; runserver has threads).
_lock = threading.Lock()


def static_root() -> Path:
    """The folder of the print stylesheet and fonts (``static/documents/``)."""
    found = finders.find(STYLESHEET)
    if not found:
        raise FileNotFoundError(f"{STYLESHEET} is not in the static files")
    return Path(found).resolve().parent


class LocalStaticFetcher(URLFetcher):
    """Serves ``file:`` URLs inside one folder and refuses everything else,
    stopping the render (plan texts are user input)."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Only local static files may be loaded, not {url!r}")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"{url!r} is not a file under {self.root}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})


class RenderSetup:
    """Font configuration, fetcher and parsed stylesheet, built once and reused."""

    def __init__(self, root: Path | None = None):
        self.root = root or static_root()
        self.base_url = self.root.as_uri() + "/"
        self.fetcher = LocalStaticFetcher(self.root)
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(
            filename=str(self.root / Path(STYLESHEET).name),
            base_url=self.base_url,
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )

    def html(self, markup: str) -> HTML:
        return HTML(string=unicodedata.normalize("NFC", markup), base_url=self.base_url, url_fetcher=self.fetcher)

    def render(self, markup: str):
        """Lay out HTML into a WeasyPrint document (pages, not yet a PDF)."""
        return self.html(markup).render(stylesheets=[self.stylesheet], font_config=self.font_config)

    def write(self, document) -> bytes:
        return document.write_pdf(pdf_variant=PDF_VARIANT)


@cache
def setup() -> RenderSetup:
    """The process-wide set-up."""
    return RenderSetup()


def document_html(document: OfficialDocument) -> str:
    return render_to_string(
        PAGE_TEMPLATE, {"doc": document, "body_template": TEMPLATES[document.kind], "anchor": f"{ANCHOR_PREFIX}0", "overlaid": ()}
    )


def render_pdf(document: OfficialDocument) -> bytes:
    """One document (the plan with its agenda, or one Giấy mời) as PDF/A-2b."""
    with _lock:
        current = setup()
        return current.write(current.render(document_html(document)))


def render_pdfs(
    documents: Sequence[OfficialDocument],
    *,
    batch_size: int = 50,
    progress: Callable[[int, int], None] | None = None,
) -> list[bytes]:
    """Many documents, each as its own PDF/A-2b file, in input order.

    Documents that differ only in some body paragraphs (the Giấy mời of one
    plan for each recipient) are laid out once per distinct shape and the
    differing paragraphs are laid out together and drawn over the shared
    page (:func:`_render_overlaid`). Others are laid out ``batch_size`` at a
    time in one WeasyPrint document and split (:func:`_render_split`).
    ``progress(done, total)`` is called after each batch.
    """
    results: list[bytes] = []
    total = len(documents)
    for start in range(0, total, batch_size):
        chunk = list(documents[start : start + batch_size])
        variable = _variable_paragraphs(chunk)
        with _lock:
            current = setup()
            if variable:
                results += _render_overlaid(current, chunk, variable)
            else:
                results += _render_split(current, chunk)
        if progress:
            progress(len(results), total)
    return results


def _with_metadata(laid_out, pages, document: OfficialDocument):
    part = laid_out.copy(pages)
    part.metadata = copy.copy(laid_out.metadata)
    part.metadata.title = document.title
    part.metadata.description = document.subject
    part.metadata.authors = [document.author]
    return part


def _render_split(current: RenderSetup, chunk: list[OfficialDocument]) -> list[bytes]:
    """Lay out the chunk as one WeasyPrint document and split its pages; each
    document starts a page group, so its page numbering is its own."""
    markup = render_to_string(
        BATCH_TEMPLATE,
        {"items": [(f"{ANCHOR_PREFIX}{i}", TEMPLATES[d.kind], d) for i, d in enumerate(chunk)], "first": chunk[0]},
    )
    laid_out = current.render(markup)
    return [current.write(_with_metadata(laid_out, pages, chunk[i])) for i, pages in enumerate(_split(laid_out, len(chunk)))]


def _split(laid_out, count: int) -> list[list]:
    """Pages of each document of a batch, found by the anchor that starts it."""
    starts = {}
    for number, page in enumerate(laid_out.pages):
        for anchor in page.anchors:
            if anchor.startswith(ANCHOR_PREFIX):
                starts.setdefault(int(anchor.removeprefix(ANCHOR_PREFIX)), number)
    if sorted(starts) != list(range(count)):
        raise RuntimeError("A document of the batch has no page")
    bounds = [starts[i] for i in range(count)] + [len(laid_out.pages)]
    return [laid_out.pages[bounds[i] : bounds[i + 1]] for i in range(count)]


def _variable_paragraphs(chunk: list[OfficialDocument]) -> list[int]:
    """Indexes of the body paragraphs that differ within the chunk, when the
    documents differ only there (same parts, same number of paragraphs)."""
    if len(chunk) < 2 or any(d.agenda for d in chunk) or len({len(d.body) for d in chunk}) != 1:
        return []
    variable = [i for i in range(len(chunk[0].body)) if len({d.body[i] for d in chunk}) > 1]
    shapes = {dataclasses.replace(_blanked(d, variable), title="", subject="") for d in chunk}
    return variable if len(shapes) == 1 else []


def _blanked(document: OfficialDocument, variable: list[int]) -> OfficialDocument:
    body = tuple(Paragraph("", style=p.style) if i in variable else p for i, p in enumerate(document.body))
    return dataclasses.replace(document, body=body)


def _boxes_by_id(laid_out, ids: set[str]) -> dict[str, tuple[int, object]]:
    """The block box of each element id: ``{id: (page index, box)}``."""
    found = {}
    for index, page in enumerate(laid_out.pages):
        for box in page._page_box.descendants():
            element = box.element
            if element is not None and box.element_tag == "p" and element.get("id") in ids:
                found.setdefault(element.get("id"), (index, box))
    return found


def _render_overlaid(current: RenderSetup, chunk: list[OfficialDocument], variable: list[int]) -> list[bytes]:
    """Lay out what differs once for the whole chunk, and what is shared once per shape.

    1. The differing paragraphs of every document, laid out together at the
       body width (one WeasyPrint document): this gives their lines and heights.
    2. One page per shape (the heights of a document's differing paragraphs),
       with those paragraphs laid out but hidden: this gives where they go.
    3. Each document's page is the page of its shape plus its own paragraph
       boxes moved into place (just before it is written, so documents can
       share boxes); only the PDF is written per document.
    The result is the same page as :func:`render_pdf` gives for that document.
    """
    # Each distinct paragraph at each position is laid out once; documents
    # that share one (and never need it twice at a time) share its boxes.
    keys = [{i: f"m{i}-{document.body[i].fingerprint()}" for i in variable} for document in chunk]
    measured = {key: chunk[d].body[i] for d, row in enumerate(keys) for i, key in row.items()}
    laid_out_paragraphs = current.render(render_to_string(MEASURE_TEMPLATE, {"paragraphs": measured.items()}))
    boxes = {key: box for key, (_, box) in _boxes_by_id(laid_out_paragraphs, set(measured)).items()}
    shape_of = [tuple(round(boxes[row[i]].height, 3) for i in variable) for row in keys]

    shapes = {}
    for d, shape in enumerate(shape_of):
        if shape not in shapes:
            markup = render_to_string(
                PAGE_TEMPLATE,
                {"doc": chunk[d], "body_template": TEMPLATES[chunk[d].kind], "anchor": f"{ANCHOR_PREFIX}0", "overlaid": variable},
            )
            laid_out = current.render(markup)
            frames = _boxes_by_id(laid_out, {f"frame-{i}" for i in variable})
            shapes[shape] = (laid_out, {i: frames[f"frame-{i}"] for i in variable})

    results = []
    for d, document in enumerate(chunk):
        laid_out, frames = shapes[shape_of[d]]
        extra: dict[int, list] = {}
        for i, (page_index, frame) in frames.items():
            box = boxes[keys[d][i]]
            if abs(box.width - frame.width) > 0.01:
                raise RuntimeError("A measured paragraph and its frame differ in width")
            box.translate(frame.content_box_x() - box.content_box_x(), frame.content_box_y() - box.content_box_y())
            extra.setdefault(page_index, []).append(box)
        pages = [
            Page(page._page_box.copy_with_children([*page._page_box.children, *extra.get(index, [])]))
            for index, page in enumerate(laid_out.pages)
        ]
        results.append(current.write(_with_metadata(laid_out, pages, document)))
    return results


def render_html(markup: str) -> bytes:
    """A printable page of the project's own (name cards…) as PDF/A-2b, with
    the bundled fonts and the print stylesheet (its ``@page`` rules can be
    replaced by the page's own stylesheet, loaded from ``static/documents/``)."""
    with _lock:
        current = setup()
        return current.write(current.render(markup))


def naive_render_pdf(document: OfficialDocument) -> bytes:
    """A fresh font configuration and stylesheet for one document: the
    baseline of ``benchmarks/invitations_pdf.py``, not used by the app."""
    with _lock:
        fresh = RenderSetup(setup().root)
        return fresh.write(fresh.render(document_html(document)))
