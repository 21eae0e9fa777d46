"""Plain text and HTML letters."""

from __future__ import annotations

from html.parser import HTMLParser

from camwatch.coding.documents import CELL_SEPARATOR, Context, Document, DocumentError, Table


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252, which is what Office saves as."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def tidy(text: str) -> str:
    lines = (" ".join(line.replace(CELL_SEPARATOR, "  ").split()) for line in text.splitlines())
    return "\n".join(lines).strip()


def read_txt(document: Document, data: bytes, context: Context, depth: int) -> None:
    document.add_page(decode(data).replace("\r\n", "\n").strip())


class _Letter(HTMLParser):
    """Text with block elements as line breaks, and tables as rows of cells."""

    BLOCKS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr"})
    SKIP = frozenset({"script", "style", "head", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.tables: list[list[list[str]]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in self.BLOCKS and self.cell is None:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.tables:
            self.tables[-1].append(self.row)
            self.lines.append(CELL_SEPARATOR.join(self.row))
            self.lines.append("")
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.row is None:
            self.lines[-1] += data


def read_html(document: Document, data: bytes, context: Context, depth: int) -> None:
    parser = _Letter()
    try:
        parser.feed(decode(data))
        parser.close()
    except (AssertionError, ValueError) as error:  # html.parser's own failures
        raise DocumentError(document.name, f"unreadable HTML ({error})") from error
    lines = [line if CELL_SEPARATOR in line else " ".join(line.split()) for line in parser.lines]
    number = document.add_page("\n".join(line for line in lines if line.strip()))
    _keep_tables(document, parser.tables, number)


def _keep_tables(document: Document, tables: list[list[list[str]]], page: int) -> None:
    document.tables.extend(Table(page, "", rows) for rows in tables if rows)
