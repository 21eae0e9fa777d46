"""PDF: the text layer through PDFium, and Tesseract OCR for pages that have none (scans).

A page counts as scanned when its text layer holds fewer than MIN_TEXT_CHARS letters.
Without Tesseract such a page is kept empty and the document carries a notice saying so,
rather than silently yielding nothing.
"""

from __future__ import annotations

import io
import subprocess

import pypdfium2 as pdfium

from camwatch.coding.documents import Context, Document, DocumentError

MIN_TEXT_CHARS = 20
OCR_DPI = 300
PDF_POINTS_PER_INCH = 72
MAX_OCR_PIXELS = 40_000_000  # an A4 page at 300 dpi is 8.7 million


def read_pdf(document: Document, data: bytes, context: Context, depth: int) -> None:
    pdf = _open(document.name, data)
    try:
        if len(pdf) > context.limits.max_pages:
            raise DocumentError(
                document.name,
                f"{len(pdf):,} pages is more than the limit of {context.limits.max_pages:,} "
                "(CAMWATCH_CODING_MAX_PAGES)",
            )
        tesseract = context.limits.tesseract_path()
        scanned = [
            _read_page(document, pdf[index], tesseract, context) for index in range(len(pdf))
        ]
    finally:
        pdf.close()
    pages = [number for number, was_scanned in enumerate(scanned, 1) if was_scanned]
    _notice_scans(document, pages, ocr=tesseract is not None)


def _open(name: str, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise DocumentError(name, "an encrypted PDF that needs a password") from error
        raise DocumentError(name, f"a damaged or unreadable PDF ({error})") from error


def _read_page(
    document: Document, page: pdfium.PdfPage, tesseract: str | None, context: Context
) -> bool:
    """Adds the page's text; True when the page had no text layer (a scan)."""
    try:
        text = page.get_textpage().get_text_bounded().replace("\r\n", "\n").strip()
        if sum(c.isalnum() for c in text) >= MIN_TEXT_CHARS:
            document.add_page(text)
            return False
        document.add_page(_ocr(document.name, page, tesseract, context) if tesseract else text)
        return True
    finally:
        page.close()


def _ocr(name: str, page: pdfium.PdfPage, tesseract: str, context: Context) -> str:
    # A page can declare any size; a scan is rendered at 300 dpi only while that stays
    # under MAX_OCR_PIXELS, else at the resolution that fits (a 14,400-point page would
    # otherwise take gigabytes).
    width, height = page.get_size()
    scale = OCR_DPI / PDF_POINTS_PER_INCH
    scale = min(scale, (MAX_OCR_PIXELS / max(width * height, 1)) ** 0.5)
    image = page.render(scale=scale, grayscale=True).to_pil()
    png = io.BytesIO()
    image.save(png, format="PNG")
    try:
        done = subprocess.run(  # noqa: S603 - a fixed program, the page image on stdin
            [tesseract, "stdin", "stdout", "--psm", "4", "--dpi", str(OCR_DPI)],
            input=png.getvalue(),
            capture_output=True,
            timeout=context.limits.ocr_timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise DocumentError(name, f"OCR took longer than {context.limits.ocr_timeout} s") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise DocumentError(name, f"Tesseract failed: {' '.join(message)}")
    return done.stdout.decode("utf-8", "replace").strip()


def _notice_scans(document: Document, pages: list[int], ocr: bool) -> None:
    if not pages:
        return
    listed = ", ".join(str(n) for n in pages[:10]) + (" ..." if len(pages) > 10 else "")
    if ocr:
        document.notices.append(f"page(s) {listed} had no text layer and were read by OCR")
    else:
        document.notices.append(
            f"page(s) {listed} have no text layer and Tesseract OCR is not available "
            "(install tesseract-ocr, or set CAMWATCH_TESSERACT): their text is missing"
        )
