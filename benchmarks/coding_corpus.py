"""The response-coding corpus: FOI replies written for evaluation, with gold labels, and a
renderer that turns each into a real file in its format (PDF, scanned PDF, DOCX, XLSX, XLS,
ODS, CSV, HTML, email, zip, text).

Every reply is invented: the bodies are fictional and no real letter is copied. Each lives
in tests/data/coding/corpus/NNN-short-slug.yaml:

```yaml
id: 007-northfield-council-qa          # equals the file stem
body_kind: district-council            # one of BODY_KINDS below
nation: england                        # england | wales | scotland | northern-ireland
format: pdf                            # pdf | pdf-scanned | docx | xlsx | xls | ods | csv | html
                                       # | eml | zip | txt
description: one line saying what this case tests
document:
  title: "Freedom of Information request FOI/2023/0412"   # optional heading
  paragraphs: ["...", "..."]          # prose in order
  tables:                              # optional; each rendered after the paragraphs
    - name: Cameras                    # optional: the sheet name in xlsx, xls and ods
      rows: [["Make", "Model", "Qty"], ["Hikvision", "DS-2CD2143G0-I", "40"]]
  attachments:                         # only for eml and zip: nested documents
    - name: cctv-assets.xlsx           # the extension says the format (pdf, docx, xlsx, xls,
      document: {paragraphs: [...], tables: [...]}   # ods, csv, html, txt); no nesting
  sender: foi@northfield.gov.uk        # optional, eml only: the From address
  date: 2023-03-14                     # optional, eml only: the Date header
gold:                                  # what a careful human coder records from the WHOLE file
  regime: FOIA                         # FOIA | FOISA | EIR | null when the text names no Act
  outcome: provided                    # provided | partly_provided | not_held | refused | ncnd
                                       # | null (no letter, e.g. a bare spreadsheet)
  exemptions: [s.12]                   # sections applied, "s.N", in that regime's numbering
  vendors: {hikvision: held, dahua: not_held}
  counts:
    - {device_type: camera, vendor: hikvision, count: 241}
  capabilities: {facial-recognition: "no", anpr: "yes"}   # quote yes/no: YAML reads booleans
  models: [DS-2CD2143G0-I]             # model codes as written, exact
```

How the formats carry the document: PDF, DOCX, HTML and text put the title, then the
paragraphs, then each table. Spreadsheets (xlsx, xls, ods) put the title and paragraphs, if
any, one per row in column A of a first sheet called "Notes", then one sheet per table;
whole numbers in table cells become numeric cells. A CSV holds exactly one table and no
prose (validation refuses anything else, so no gold label can rest on text the file lacks).
A scanned PDF is an image of the text only: no tables, no text layer. An email's body is
the title and paragraphs; its attachments are rendered recursively. A zip holds a
letter.txt of the title and paragraphs (when there are any) and the rendered attachments.

Labelling rules (the extractor is built to the same rules):

- Vendors: the register slug of the name as written (HiLook -> hilook, not hikvision).
  `held` when the body says it has, uses or used the vendor's equipment, or lists it in an
  asset table; `not_held` when it says it has none. Names only in the requester's quoted
  question, or otherwise merely mentioned, are not labelled.
- Counts: one per stated count; a table's Total row is not a count. Device words: cameras
  and CCTV cameras -> camera; static/fixed -> fixed-camera; PTZ, pan tilt zoom ->
  ptz-camera; dome -> dome-camera; IP cameras -> ip-camera; thermal cameras ->
  thermal-camera; body worn cameras, body-worn video, BWV -> body-worn; ANPR cameras ->
  anpr; NVRs, network video recorders -> nvr; DVRs, digital video recorders -> dvr;
  recorders -> recorder. A table row counts when its quantity column (Qty, Quantity,
  Number, No., Count, Total units) has a number; its type comes from a type or
  description column, else from the model code (Hikvision DS-76/77/96 and Dahua NVR...
  -> nvr; Hikvision DS-71/72/73/90 and Dahua XVR/HCVR -> dvr; any other code -> camera),
  its vendor from the make or manufacturer column. In prose the vendor is attached only
  when named in the same sentence as the count. Number words one to twenty count. Years,
  money, hours, percentages, references, dates, section numbers and numbers in the quoted
  question never count. A count restated in the Welsh half of a bilingual letter is the
  same count, labelled once; the Welsh halves in this corpus state no device numbers.
- Exemptions: every section the body applies to withhold, refuse or not confirm, without
  subsection. Procedural sections are never listed: s.1 (the duty to confirm or deny), s.10,
  s.16 and the FOIA s.17 refusal notice. Under FOISA the s.17 notice that information is
  not held and the s.18 refusal to confirm or deny ARE listed, as the sections applied.
- Capabilities: only when the reply says so ("none of our cameras have facial recognition
  enabled" -> facial-recognition: "no"). Wherever ANPR or thermal cameras are counted, the
  reply also says in words that ANPR or thermal imaging is used, so the label does not
  depend on inferring a capability from a count.
- Regime: set only when the text names the Act (or FOIA, FOISA, EIR); a bare
  "Freedom of Information request" heading names no Act.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import io
import random
import re
import zipfile
import zlib
from collections.abc import Callable
from email.message import EmailMessage
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO / "tests" / "data" / "coding" / "corpus"

BODY_KINDS = frozenset(
    {
        "london-borough",
        "metropolitan-council",
        "unitary-council",
        "county-council",
        "district-council",
        "welsh-council",
        "scottish-council",
        "ni-council",
        "police-force",
        "school",
        "academy-trust",
        "fe-college",
        "university",
        "nhs-trust",
    }
)
NATIONS = frozenset({"england", "wales", "scotland", "northern-ireland"})
ATTACHMENT_FORMATS = frozenset({"pdf", "docx", "xlsx", "xls", "ods", "csv", "html", "txt"})
FORMATS = ATTACHMENT_FORMATS | {"pdf-scanned", "eml", "zip"}
SHEET_FORMATS = frozenset({"xlsx", "xls", "ods"})
REGIMES = frozenset({"FOIA", "FOISA", "EIR"})
OUTCOMES = frozenset({"provided", "partly_provided", "not_held", "refused", "ncnd"})
DEVICE_TYPES = frozenset(
    {
        "camera",
        "fixed-camera",
        "ptz-camera",
        "dome-camera",
        "ip-camera",
        "thermal-camera",
        "body-worn",
        "anpr",
        "nvr",
        "dvr",
        "recorder",
    }
)
CAPABILITIES = frozenset(
    {
        "facial-recognition",
        "anpr",
        "thermal",
        "gender-detection",
        "age-estimation",
        "demographic-detection",
        "audio-recording",
    }
)
# Manufacturers of no concern, being added to the register alongside this corpus; accepted
# here too so the corpus validates whether or not the register has them yet.
NON_CONCERN_SLUGS = frozenset(
    {
        "axis",
        "bosch",
        "hanwha",
        "avigilon",
        "sony",
        "panasonic",
        "mobotix",
        "vivotek",
        "genetec",
        "milestone",
    }
)

TOP_KEYS = ("id", "body_kind", "nation", "format", "description", "document", "gold")
DOCUMENT_KEYS = frozenset({"title", "paragraphs", "tables", "attachments", "sender", "date"})
GOLD_KEYS = ("regime", "outcome", "exemptions", "vendors", "counts", "capabilities", "models")
ID_PATTERN = re.compile(r"^\d{3}-[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION_PATTERN = re.compile(r"^s\.\d+$")
# Scanned letters are one page of large type: enough for a short letter, no more.
SCANNED_MOST_CHARS = 1600
# Fixed so that renders are byte-for-byte repeatable.
FIXED_TIME = dt.datetime(2023, 3, 14, 10, 0, 0, tzinfo=dt.UTC)
ZIP_TIME = (2023, 3, 14, 10, 0, 0)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = DEJAVU.with_name("DejaVuSans-Bold.ttf")


def vendor_slugs() -> frozenset[str]:
    """Slugs a gold label may use: the register's, plus the non-concern manufacturers."""
    register = resources.files("camwatch") / "data" / "vendors.yaml"
    vendors = yaml.safe_load(register.read_text(encoding="utf-8"))["vendors"]
    return frozenset(v["slug"] for v in vendors) | NON_CONCERN_SLUGS


# --- Loading and validation -------------------------------------------------------------


class _Problem(ValueError):
    """A corpus file breaks the schema: names the file and the field."""

    def __init__(self, name: str, field: str, problem: str) -> None:
        super().__init__(f"{name}: {field}: {problem}")


def load_corpus(directory: Path = CORPUS_DIR) -> list[dict[str, Any]]:
    """Every case in the directory, validated and in file-name order."""
    slugs = vendor_slugs()
    cases, seen = [], set()
    for path in sorted(directory.glob("*.yaml")):
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise _Problem(path.name, "(file)", f"not valid YAML: {error}") from error
        validate(spec, path.stem, slugs)
        if spec["id"] in seen:
            raise _Problem(path.name, "id", f"{spec['id']!r} is used twice")
        seen.add(spec["id"])
        cases.append(spec)
    return cases


def validate(spec: Any, stem: str, slugs: frozenset[str]) -> None:
    """Raise ValueError naming the file and field unless `spec` fits the schema. Table
    cells given as YAML numbers are turned into strings in place."""
    name = f"{stem}.yaml"
    _exact_keys(name, "", spec, TOP_KEYS)
    if spec["id"] != stem:
        raise _Problem(name, "id", f"{spec['id']!r} must equal the file stem {stem!r}")
    if not isinstance(spec["id"], str) or not ID_PATTERN.match(spec["id"]):
        raise _Problem(name, "id", "must look like NNN-short-slug")
    _one_of(name, "body_kind", spec["body_kind"], BODY_KINDS)
    _one_of(name, "nation", spec["nation"], NATIONS)
    _one_of(name, "format", spec["format"], FORMATS)
    if not isinstance(spec["description"], str) or not spec["description"].strip():
        raise _Problem(name, "description", "must be a non-empty string")
    _document(name, "document", spec["document"], spec["format"], nested=False)
    _gold(name, spec["gold"], slugs)


def _exact_keys(name: str, field: str, value: Any, keys: tuple[str, ...]) -> None:
    """`field` is the mapping's dotted path, "" at the top level."""
    if not isinstance(value, dict):
        raise _Problem(name, field or "(file)", "must be a mapping")
    missing = [k for k in keys if k not in value]
    extra = sorted(set(value) - set(keys), key=str)
    for key, problem in [(k, "missing") for k in missing] + [(k, "unknown") for k in extra]:
        raise _Problem(name, f"{field}.{key}" if field else str(key), problem)


def _one_of(name: str, field: str, value: Any, allowed: frozenset[str]) -> None:
    if value not in allowed:
        raise _Problem(name, field, f"{value!r} is not one of {sorted(allowed)}")


def _strings(name: str, field: str, value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Problem(name, field, "must be a list of strings")


def _document(name: str, field: str, doc: Any, fmt: str, nested: bool) -> None:
    if not isinstance(doc, dict):
        raise _Problem(name, field, "must be a mapping")
    extra = sorted(set(doc) - DOCUMENT_KEYS)
    if extra:
        raise _Problem(name, f"{field}.{extra[0]}", "unknown")
    if "title" in doc and not isinstance(doc["title"], str):
        raise _Problem(name, f"{field}.title", "must be a string")
    _strings(name, f"{field}.paragraphs", doc.setdefault("paragraphs", []))
    _tables(name, f"{field}.tables", doc.setdefault("tables", []))
    _email_fields(name, field, doc, fmt)
    _format_limits(name, field, doc, fmt)
    if "attachments" in doc:
        if fmt not in ("eml", "zip") or nested:
            raise _Problem(name, f"{field}.attachments", f"not allowed in {fmt}")
        _attachments(name, f"{field}.attachments", doc["attachments"])


def _tables(name: str, field: str, tables: Any) -> None:
    if not isinstance(tables, list):
        raise _Problem(name, field, "must be a list")
    for i, table in enumerate(tables):
        where = f"{field}[{i}]"
        if not isinstance(table, dict) or set(table) - {"rows", "name"} or "rows" not in table:
            raise _Problem(name, where, "must be a mapping with rows and an optional name")
        rows = table["rows"]
        if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
            raise _Problem(name, f"{where}.rows", "must be a non-empty list of lists")
        for j, row in enumerate(rows):
            for k, cell in enumerate(row):
                if isinstance(cell, bool) or not isinstance(cell, str | int):
                    raise _Problem(name, f"{where}.rows[{j}][{k}]", "must be a string")
                row[k] = str(cell)


def _email_fields(name: str, field: str, doc: dict[str, Any], fmt: str) -> None:
    for key in ("sender", "date"):
        if key in doc and fmt != "eml":
            raise _Problem(name, f"{field}.{key}", "only for eml")
    if "sender" in doc and not re.match(r"^[^@\s]+@[^@\s]+\.[a-z]+$", str(doc["sender"])):
        raise _Problem(name, f"{field}.sender", "must be an email address")
    if "date" in doc and not isinstance(doc["date"], dt.date):
        raise _Problem(name, f"{field}.date", "must be a date (YYYY-MM-DD)")


def _format_limits(name: str, field: str, doc: dict[str, Any], fmt: str) -> None:
    if fmt == "csv" and (doc["paragraphs"] or "title" in doc or len(doc["tables"]) != 1):
        raise _Problem(name, f"{field}.tables", "a csv holds exactly one table and no prose")
    if fmt == "pdf-scanned":
        if doc["tables"]:
            raise _Problem(name, f"{field}.tables", "a scanned letter has no tables")
        if len(doc.get("title", "")) + sum(map(len, doc["paragraphs"])) > SCANNED_MOST_CHARS:
            raise _Problem(name, f"{field}.paragraphs", "too long for one scanned page")
    if not (doc["paragraphs"] or doc["tables"] or doc.get("attachments")):
        raise _Problem(name, f"{field}.paragraphs", "the document is empty")


def _attachments(name: str, field: str, attachments: Any) -> None:
    if not isinstance(attachments, list) or not attachments:
        raise _Problem(name, field, "must be a non-empty list")
    names = set()
    for i, item in enumerate(attachments):
        where = f"{field}[{i}]"
        if not isinstance(item, dict) or set(item) != {"name", "document"}:
            raise _Problem(name, where, "must have exactly name and document")
        fmt = Path(str(item["name"])).suffix.lstrip(".")
        if fmt not in ATTACHMENT_FORMATS:
            raise _Problem(name, f"{where}.name", f"extension must be one of {ATTACHMENT_FORMATS}")
        if item["name"] in names or item["name"] == "letter.txt":
            raise _Problem(name, f"{where}.name", f"{item['name']!r} is used twice")
        names.add(item["name"])
        _document(name, f"{where}.document", item["document"], fmt, nested=True)


def _gold(name: str, gold: Any, slugs: frozenset[str]) -> None:
    _exact_keys(name, "gold", gold, GOLD_KEYS)
    if gold["regime"] is not None:
        _one_of(name, "gold.regime", gold["regime"], REGIMES)
    if gold["outcome"] is not None:
        _one_of(name, "gold.outcome", gold["outcome"], OUTCOMES)
    _strings(name, "gold.exemptions", gold["exemptions"])
    for section in gold["exemptions"]:
        if not SECTION_PATTERN.match(section):
            raise _Problem(name, "gold.exemptions", f"{section!r} must look like s.12")
    _labels(name, "gold.vendors", gold["vendors"], slugs, frozenset({"held", "not_held"}))
    _labels(name, "gold.capabilities", gold["capabilities"], CAPABILITIES, frozenset({"yes", "no"}))
    _counts(name, gold["counts"], slugs)
    _strings(name, "gold.models", gold["models"])
    if len(set(gold["models"])) != len(gold["models"]):
        raise _Problem(name, "gold.models", "lists a model twice")


def _labels(
    name: str, field: str, value: Any, keys: frozenset[str], values: frozenset[str]
) -> None:
    if not isinstance(value, dict):
        raise _Problem(name, field, "must be a mapping")
    for key, label in value.items():
        _one_of(name, f"{field}.{key}", key, keys)
        _one_of(name, f"{field}.{key}", label, values)


def _counts(name: str, counts: Any, slugs: frozenset[str]) -> None:
    if not isinstance(counts, list):
        raise _Problem(name, "gold.counts", "must be a list")
    for i, entry in enumerate(counts):
        where = f"gold.counts[{i}]"
        _exact_keys(name, where, entry, ("device_type", "vendor", "count"))
        _one_of(name, f"{where}.device_type", entry["device_type"], DEVICE_TYPES)
        if entry["vendor"] is not None:
            _one_of(name, f"{where}.vendor", entry["vendor"], slugs)
        count = entry["count"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise _Problem(name, f"{where}.count", "must be a positive whole number")


# --- Rendering ---------------------------------------------------------------------------

Document = dict[str, Any]


def extension(fmt: str) -> str:
    return "pdf" if fmt == "pdf-scanned" else fmt


def render(spec: dict[str, Any], directory: Path) -> Path:
    """Write the case's reply as a real file in its format; return the file's path."""
    path = directory / f"{spec['id']}.{extension(spec['format'])}"
    path.write_bytes(render_bytes(spec["document"], spec["format"], spec["id"]))
    return path


def render_bytes(doc: Document, fmt: str, ident: str) -> bytes:
    return RENDERERS[fmt](doc, ident)


def _text_lines(doc: Document) -> list[str]:
    """The title and paragraphs, one per line."""
    return ([doc["title"]] if doc.get("title") else []) + list(doc.get("paragraphs", []))


# PDF (text layer) ---------------------------------------------------------------------

# Core fonts are Latin-1 only; used when DejaVu is missing, with Welsh circumflexes and
# typographic punctuation spelled in the nearest Latin-1 characters.
LATIN1_FALLBACK = str.maketrans(
    {
        "\u0175": "w",  # w circumflex
        "\u0177": "y",  # y circumflex
        "\u0174": "W",
        "\u0176": "Y",
        "\u2014": "-",  # em dash
        "\u2013": "-",  # en dash
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
    }
)


def _pdf_font(pdf: Any) -> tuple[str, Callable[[str], str]]:
    if DEJAVU.exists() and DEJAVU_BOLD.exists():
        pdf.add_font("DejaVu", "", str(DEJAVU))
        pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
        return "DejaVu", str

    def latin1(text: str) -> str:
        return text.translate(LATIN1_FALLBACK).encode("latin-1", "replace").decode("latin-1")

    return "Helvetica", latin1


def _pdf(doc: Document, ident: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_title(doc.get("title", ident))
    font, clean = _pdf_font(pdf)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    if doc.get("title"):
        pdf.set_font(font, "B", 14)
        pdf.multi_cell(0, 8, clean(doc["title"]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.set_font(font, "", 11)
    for paragraph in doc.get("paragraphs", []):
        pdf.multi_cell(0, 6, clean(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_font(font, "", 9)
    for table in doc.get("tables", []):
        with pdf.table(first_row_as_headings=True, line_height=5) as grid:
            for row in table["rows"]:
                grid.row([clean(cell) for cell in row])
        pdf.ln(4)
    return bytes(pdf.output())


# PDF (scanned: an image of the page, no text layer) --------------------------------------

PAGE_PIXELS = (1700, 2200)  # US Letter at 200 dpi
SCAN_DPI = 200


def _scan_font(size: int) -> Any:
    from PIL import ImageFont

    if DEJAVU.exists():
        return ImageFont.truetype(str(DEJAVU), size)
    return ImageFont.load_default(size=size)


def _scan_lines(doc: Document, font: Any, width: int) -> list[str]:
    """Wrap each paragraph to the page width, a blank line between paragraphs."""
    lines: list[str] = []
    for text in _text_lines(doc):
        line = ""
        for word in text.split():
            trial = f"{line} {word}".strip()
            if line and font.getlength(trial) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines += [line, ""]
    return lines


def _scan_page(lines: list[str], font: Any, seed: int) -> Any:
    from PIL import Image, ImageChops, ImageDraw

    page = Image.new("L", PAGE_PIXELS, 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((130, 150 + i * 52), line, fill=25, font=font)
    # A scanner's slight skew and a sprinkle of toner specks, seeded so renders repeat.
    page = page.rotate(0.5, resample=Image.Resampling.BICUBIC, fillcolor=255)
    rng = random.Random(seed)
    specks = Image.frombytes("L", PAGE_PIXELS, rng.randbytes(PAGE_PIXELS[0] * PAGE_PIXELS[1]))
    specks = specks.point(lambda v: 170 if v < 2 else 255)
    return ImageChops.darker(page, specks)


def _pdf_scanned(doc: Document, ident: str) -> bytes:
    from fpdf import FPDF

    font = _scan_font(36)
    lines = _scan_lines(doc, font, PAGE_PIXELS[0] - 260)
    per_page = (PAGE_PIXELS[1] - 300) // 52
    points = (PAGE_PIXELS[0] * 72 / SCAN_DPI, PAGE_PIXELS[1] * 72 / SCAN_DPI)
    pdf = FPDF(unit="pt", format=points)
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_auto_page_break(False)
    for start in range(0, len(lines), per_page):
        image = _scan_page(lines[start : start + per_page], font, zlib.crc32(ident.encode()))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=75)
        pdf.add_page()
        pdf.image(buffer, x=0, y=0, w=points[0], h=points[1])
    return bytes(pdf.output())


# Word ----------------------------------------------------------------------------------


def _docx(doc: Document, ident: str) -> bytes:
    import docx

    word = docx.Document()
    word.core_properties.created = word.core_properties.modified = FIXED_TIME
    if doc.get("title"):
        word.add_heading(doc["title"], level=1)
    for paragraph in doc.get("paragraphs", []):
        word.add_paragraph(paragraph)
    for table in doc.get("tables", []):
        rows = table["rows"]
        grid = word.add_table(rows=len(rows), cols=max(map(len, rows)))
        grid.style = "Table Grid"
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                grid.cell(i, j).text = cell
        word.add_paragraph("")
    buffer = io.BytesIO()
    word.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip_times(data: bytes) -> bytes:
    """The same zip with every member dated FIXED_TIME: Office writers stamp the clock on
    the members and (openpyxl, on saving) in the document's modified property."""
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = info.compress_type
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            target.writestr(fixed, content)
    return out.getvalue()


# Spreadsheets ----------------------------------------------------------------------------

WHOLE_NUMBER = re.compile(r"^(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)$")


def _cell_value(cell: str) -> str | int:
    """Whole numbers become numbers, as a spreadsheet would hold them; codes stay text."""
    return int(cell.replace(",", "")) if WHOLE_NUMBER.match(cell) else cell


def _sheets(doc: Document) -> list[tuple[str, list[list[str | int]]]]:
    """(sheet name, rows): a Notes sheet of the prose, if any, then one sheet per table."""
    sheets: list[tuple[str, list[list[str | int]]]] = []
    if _text_lines(doc):
        sheets.append(("Notes", [[line] for line in _text_lines(doc)]))
    for i, table in enumerate(doc.get("tables", []), start=1):
        rows = [[_cell_value(cell) for cell in row] for row in table["rows"]]
        sheets.append((str(table.get("name", f"Table {i}"))[:31], rows))
    return sheets


def _xlsx(doc: Document, ident: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.created = book.properties.modified = FIXED_TIME.replace(tzinfo=None)
    book.remove(book.active)
    for title, rows in _sheets(doc):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _xls(doc: Document, ident: str) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in _sheets(doc):
        sheet = book.add_sheet(title)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                sheet.write(i, j, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" \
manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
ODS_CONTENT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
"""
ODS_CONTENT_TAIL = "</office:spreadsheet></office:body></office:document-content>\n"


def _ods_cell(value: str | int) -> str:
    if value == "":
        return "<table:table-cell/>"
    if isinstance(value, int):
        head = f'<table:table-cell office:value-type="float" office:value="{value}">'
    else:
        head = '<table:table-cell office:value-type="string">'
    return f"{head}<text:p>{escape(str(value))}</text:p></table:table-cell>"


def _ods_content(doc: Document) -> str:
    parts = [ODS_CONTENT_HEAD]
    for title, rows in _sheets(doc):
        parts.append(f'<table:table table:name="{escape(title, {chr(34): "&quot;"})}">')
        for row in rows:
            parts.append("<table:table-row>" + "".join(map(_ods_cell, row)))
            parts.append("</table:table-row>")
        parts.append("</table:table>\n")
    parts.append(ODS_CONTENT_TAIL)
    return "".join(parts)


def _ods(doc: Document, ident: str) -> bytes:
    """An OpenDocument spreadsheet by hand: the mimetype member first and stored, as ODF
    requires so that the type can be read at a fixed offset."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        mimetype = zipfile.ZipInfo("mimetype", date_time=ZIP_TIME)
        archive.writestr(mimetype, "application/vnd.oasis.opendocument.spreadsheet")
        for name, text in (("META-INF/manifest.xml", ODS_MANIFEST), ("content.xml", None)):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text if text is not None else _ods_content(doc))
    return out.getvalue()


# Text formats ----------------------------------------------------------------------------


def _csv(doc: Document, ident: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(doc["tables"][0]["rows"])
    return buffer.getvalue().encode("utf-8")


def _html(doc: Document, ident: str) -> bytes:
    title = escape(doc.get("title", ident))
    parts = ["<!DOCTYPE html>", '<html lang="en">', '<head><meta charset="utf-8">']
    parts.append(f"<title>{title}</title></head>")
    parts.append("<body>")
    if doc.get("title"):
        parts.append(f"<h1>{title}</h1>")
    parts += [f"<p>{escape(p)}</p>" for p in doc.get("paragraphs", [])]
    for table in doc.get("tables", []):
        parts.append('<table border="1">')
        for i, row in enumerate(table["rows"]):
            tag = "th" if i == 0 else "td"
            parts.append("<tr>" + "".join(f"<{tag}>{escape(c)}</{tag}>" for c in row) + "</tr>")
        parts.append("</table>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


def _plain_text(doc: Document) -> str:
    blocks = list(_text_lines(doc))
    for table in doc.get("tables", []):
        blocks.append("\n".join(" | ".join(row) for row in table["rows"]))
    return "\n\n".join(blocks) + "\n"


def _txt(doc: Document, ident: str) -> bytes:
    return _plain_text(doc).encode("utf-8")


# Containers ------------------------------------------------------------------------------

MIME_TYPES = {
    "pdf": ("application", "pdf"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "xls": ("application", "vnd.ms-excel"),
    "ods": ("application", "vnd.oasis.opendocument.spreadsheet"),
    "csv": ("text", "csv"),
    "html": ("text", "html"),
    "txt": ("text", "plain"),
}


def _attachment_files(doc: Document, ident: str) -> list[tuple[str, str, bytes]]:
    """(name, format, bytes) of each attachment, rendered."""
    files = []
    for item in doc.get("attachments", []):
        fmt = Path(item["name"]).suffix.lstrip(".")
        files.append((item["name"], fmt, render_bytes(item["document"], fmt, ident)))
    return files


def _sender(doc: Document, ident: str) -> str:
    # Without an explicit sender, the body's name is the slug's first word after the number.
    return doc.get("sender") or f"foi@{ident.split('-')[1]}.gov.uk"


def _eml(doc: Document, ident: str) -> bytes:
    message = EmailMessage()
    sender = _sender(doc, ident)
    message["From"] = sender
    message["To"] = "requester@example.org"
    message["Subject"] = doc.get("title", f"Your request {ident}")
    when = doc.get("date")
    sent = dt.datetime.combine(when, dt.time(10), dt.UTC) if when else FIXED_TIME
    message["Date"] = email.utils.format_datetime(sent)
    message["Message-ID"] = f"<{ident}@{sender.split('@')[1]}>"
    message.set_content("\n\n".join(doc.get("paragraphs", [])) + "\n")
    for name, fmt, data in _attachment_files(doc, ident):
        maintype, subtype = MIME_TYPES[fmt]
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    if message.is_multipart():
        message.set_boundary(f"=={ident}==")  # fixed, so renders repeat
    return message.as_bytes()


def _zip(doc: Document, ident: str) -> bytes:
    members = []
    if _text_lines(doc):
        members.append(("letter.txt", _plain_text(doc).encode("utf-8")))
    members += [(name, data) for name, _, data in _attachment_files(doc, ident)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


RENDERERS: dict[str, Callable[[Document, str], bytes]] = {
    "pdf": _pdf,
    "pdf-scanned": _pdf_scanned,
    "docx": _docx,
    "xlsx": _xlsx,
    "xls": _xls,
    "ods": _ods,
    "csv": _csv,
    "html": _html,
    "txt": _txt,
    "eml": _eml,
    "zip": _zip,
}


def main() -> None:
    """Render the whole corpus into a directory, for looking at the files by hand."""
    import argparse

    parser = argparse.ArgumentParser(description="Render the coding corpus.")
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    for spec in load_corpus():
        print(render(spec, args.output))


if __name__ == "__main__":
    main()
