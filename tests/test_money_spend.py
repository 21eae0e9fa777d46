"""Councils' spending files: profiles, the reader, bad rows and de-duplication.

The fixtures in tests/data/money/ are synthetic, in the shape of real files: the
Hammersmith & Fulham one is UTF-8 with a byte-order mark, a two-line preamble and one row
published twice; the Huntingdonshire one is Windows-1252 with "£" amounts and the headers
the council documents; spend-bad-rows.csv has a bad date on line 4 and a bad amount on
line 7, after a quoted description that spans lines 5 and 6.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from camwatch.money.spend import (
    SpendLine,
    SpendProfile,
    header_key,
    line_fingerprint,
    load_profiles,
    parse_amount,
    parse_date,
    read_spend,
)
from camwatch.registry.loader.errors import DataFileError

DATA = Path(__file__).resolve().parent / "data" / "money"
HAMMERSMITH = DATA / "spend-hammersmith-2016.csv"
HUNTINGDONSHIRE = DATA / "spend-huntingdonshire-2018.csv"
BAD_ROWS = DATA / "spend-bad-rows.csv"
CODE_URL = "https://www.gov.uk/government/publications/local-government-transparency-code-2015"
MB = 1_000_000

PROFILES = load_profiles()
GENERIC = PROFILES["transparency-code"]


def read(
    path: Path,
    profile: SpendProfile = GENERIC,
    *,
    max_rows: int = 1_000_000,
    problems: list[DataFileError] | None = None,
) -> list[SpendLine]:
    return list(read_spend(path, profile, max_bytes=MB, max_rows=max_rows, problems=problems))


def totals(lines: list[SpendLine]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        sums[line.supplier] += line.amount
    return dict(sums)


def write(tmp_path: Path, text: str, name: str = "spend.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- Profiles -------------------------------------------------------------------------


def test_bundled_profiles() -> None:
    assert set(PROFILES) == {
        "transparency-code",
        "hammersmith-and-fulham",
        "huntingdonshire",
        "camden",
    }
    for profile in PROFILES.values():
        assert {"date", "supplier", "amount"} <= set(profile.columns)
        assert CODE_URL in profile.source
        assert profile.currency == "GBP"
        assert profile.encoding == "auto"
        assert "%d/%m/%Y" in profile.date_formats
    assert "huntingdonshire" in PROFILES["huntingdonshire"].source


def test_generic_profile_knows_the_common_aliases() -> None:
    columns = GENERIC.columns
    for field, headers in {
        "body": ["Body Name", "Body", "Organisation"],
        "date": ["Date", "Payment Date", "Transaction Date", "Date Paid"],
        "supplier": ["Supplier Name", "Supplier", "Beneficiary", "Vendor Name", "Merchant Name"],
        "amount": ["Amount", "Amount (£)", "Net Amount", "Value", "Total"],
        "expense_type": ["Expense Type"],
        "service": ["Expense Area", "Service Area", "Service", "Directorate", "Cost Centre"],
        "description": ["Description", "Purpose", "Narrative", "Expenditure Category"],
        "reference": ["Transaction Number", "Reference", "Invoice Number", "Transaction ID"],
    }.items():
        assert set(headers) <= set(columns[field]), field


def test_profiles_are_immutable() -> None:
    with pytest.raises(TypeError):
        GENERIC.columns["date"] = ("x",)  # type: ignore[index]


PROFILE = """\
profiles:
  - name: mine
    description: A test profile.
    source: nowhere
    encoding: auto
    date_formats: ["%d/%m/%Y"]
    columns:
      date: [When]
      supplier: [Who]
      amount: [How Much]
"""


def test_a_users_own_profile_file(tmp_path: Path) -> None:
    profiles = load_profiles(write(tmp_path, PROFILE, "mine.yaml"))
    assert list(profiles) == ["mine"]
    path = write(tmp_path, "When,Who,How Much\n01/04/2020,Acme,5\n")
    [line] = read(path, profiles["mine"])
    assert (line.date, line.supplier, line.amount) == (dt.date(2020, 4, 1), "Acme", Decimal("5.00"))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("amount: [How Much]", "description: [How Much]"), "columns.amount", "is required"),
        (("amount: [How Much]", "amount: [How Much]\n      color: [C]"), "columns.color", "field"),
        (('["%d/%m/%Y"]', '["%m/%d/%Y"]'), "date_formats", "month-first"),
        (('["%d/%m/%Y"]', '["dd/mm/yyyy"]'), "date_formats", "not a strptime format"),
        (("encoding: auto", "encoding: ebcdic-martian"), "encoding", "not a known encoding"),
        (("source: nowhere", "source: ''"), "source", "non-empty text"),
        (("    source: nowhere", "    source: nowhere\n    colour: red"), "colour", "unknown key"),
        (("      supplier: [Who]", "      supplier: [Who, When]"), "columns.supplier", "also"),
        (("    encoding: auto", "    encoding: auto\n    currency: pounds"), "currency", "ISO"),
    ],
)
def test_profile_errors_name_file_line_profile_and_field(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    path = write(tmp_path, PROFILE.replace(*change), "mine.yaml")
    with pytest.raises(DataFileError, match=message) as raised:
        load_profiles(path)
    error = raised.value
    assert (error.path, error.line, error.record, error.field) == (path, 2, "mine", field)


def test_profile_file_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="non-empty list of `profiles`"):
        load_profiles(write(tmp_path, "profiles: []\n", "a.yaml"))
    with pytest.raises(DataFileError, match="slug") as raised:
        load_profiles(write(tmp_path, PROFILE.replace("name: mine", "name: My Profile"), "b.yaml"))
    assert raised.value.field == "name"
    twice = PROFILE + PROFILE.split("profiles:\n")[1]
    with pytest.raises(DataFileError, match="second profile") as raised:
        load_profiles(write(tmp_path, twice, "c.yaml"))
    assert (raised.value.line, raised.value.record) == (11, "mine")
    with pytest.raises(DataFileError, match="not valid YAML"):
        load_profiles(write(tmp_path, "profiles: [\n", "d.yaml"))


# --- The fixtures ---------------------------------------------------------------------

HAMMERSMITH_TOTALS = {
    "CHROMA VISION LTD": Decimal("47865.00"),
    "VEOLIA ES (UK) LTD": Decimal("556268.81"),
    "BT PLC": Decimal("2040.80"),
    "SPARKLE CLEANING SERVICES LTD": Decimal("6930.00"),
    "SYNECTICS SECURITY LTD": Decimal("12395.50"),
    "LONDON BOROUGH OF CAMDEN": Decimal("29000.00"),
    "CAPITA BUSINESS SERVICES LTD": Decimal("12960.00"),
    "REDACTED PERSONAL DATA": Decimal("1240.00"),
    "EDF ENERGY CUSTOMERS PLC": Decimal("19411.00"),
}


@pytest.mark.parametrize("profile", ["hammersmith-and-fulham", "transparency-code"])
def test_hammersmith_file(profile: str) -> None:
    lines = read(HAMMERSMITH, PROFILES[profile])
    assert len(lines) == 29
    # Two preamble lines, the header on line 3, data on lines 4 to 32, two blank lines
    assert (lines[0].line, lines[-1].line) == (4, 32)
    assert totals(lines) == HAMMERSMITH_TOTALS
    assert sum(line.amount for line in lines) == Decimal("688111.11")
    first = lines[0]
    assert first == SpendLine(
        line=4,
        date=dt.date(2016, 4, 5),
        supplier="CHROMA VISION LTD",
        amount=Decimal("4250.00"),
        description="CCTV maintenance contract April",
        expense_type="Equipment Maintenance",
        service="Community Safety",
        reference="5100231",
        body="",
    )
    [credit] = [line for line in lines if line.amount < 0]
    assert (credit.line, credit.amount, credit.supplier) == (15, Decimal("-250.00"), first.supplier)
    # "2/6/2016" is 2 June: day-first
    assert {line.date for line in lines if line.reference == "5100601"} == {dt.date(2016, 6, 2)}


def test_the_repeated_row_has_one_fingerprint() -> None:
    lines = read(HAMMERSMITH)
    prints = Counter(line_fingerprint(line) for line in lines)
    assert len(prints) == 28
    [repeated] = [fingerprint for fingerprint, n in prints.items() if n > 1]
    assert prints[repeated] == 2
    assert [line.line for line in lines if line_fingerprint(line) == repeated] == [7, 24]
    unique = {line_fingerprint(line): line for line in lines}.values()
    assert totals(list(unique))["CHROMA VISION LTD"] == Decimal("35265.00")


def test_huntingdonshire_file_is_windows_1252_with_pound_signs() -> None:
    lines = read(HUNTINGDONSHIRE, PROFILES["huntingdonshire"])
    assert len(lines) == 11
    assert (lines[0].line, lines[-1].line) == (2, 12)
    assert totals(lines) == {
        "Chroma Vision Limited": Decimal("9280.00"),
        "Renée's Cleaning Services": Decimal("1040.00"),
        "Synectics Security Ltd": Decimal("17600.00"),
        "Cambridgeshire County Council": Decimal("18000.00"),
        "Huntingdon Town Council": Decimal("2500.00"),
        "Amey Services Ltd": Decimal("24068.00"),
    }
    first = lines[0]
    # The exclusive amount, the paid date, the body's name (not its code), an en dash
    assert first.amount == Decimal("3200.00")
    assert first.date == dt.date(2018, 7, 12)
    assert first.body == "Huntingdonshire District Council"
    assert first.description == "CCTV monitoring \u2013 July"
    assert (first.service, first.expense_type, first.reference) == (
        "Community Safety",
        "Contract Payments",
        "4401871",
    )
    dates = {line.line: line.date for line in lines}
    assert dates[5] == dt.date(2018, 8, 9)  # 09-AUG-18
    assert dates[8] == dt.date(2018, 9, 13)  # 13 September 2018
    assert min(line.amount for line in lines) == Decimal("-320.00")  # -£320.00


def test_the_generic_profile_reads_huntingdonshire_too() -> None:
    # All but the description: "Narr1" is too odd a header for the generic aliases.
    generic = read(HUNTINGDONSHIRE)
    own = read(HUNTINGDONSHIRE, PROFILES["huntingdonshire"])
    assert generic == [replace(line, description="") for line in own]


def test_a_missing_required_column_names_what_is_missing(tmp_path: Path) -> None:
    path = write(tmp_path, "Title\n\nBody name,Supplier name,Paid date,Inclusive amount\n")
    with pytest.raises(DataFileError, match="no column for amount") as raised:
        read(path)
    message = str(raised.value)
    assert "'Inclusive amount'" in message
    assert "first 20 lines" in message
    assert "transparency-code" in message


def test_bad_rows_are_collected_with_file_line_and_column() -> None:
    problems: list[DataFileError] = []
    lines = read(BAD_ROWS, problems=problems)
    assert [line.line for line in lines] == [2, 3, 5, 8]
    assert [(p.path, p.line, p.field) for p in problems] == [
        (BAD_ROWS, 4, "Date"),
        (BAD_ROWS, 7, "Amount"),
    ]
    assert "'31/02/2020'" in problems[0].message
    assert "'twelve hundred'" in problems[1].message
    assert lines[2].description == "Control room lines, quarterly"
    assert totals(lines) == {
        "Chroma Vision Ltd": Decimal("1200.00"),
        "Veolia ES (UK) Ltd": Decimal("275.50"),
        "BT plc": Decimal("1020.40"),
    }


def test_without_a_problems_list_the_first_bad_row_raises() -> None:
    lines = read_spend(BAD_ROWS, GENERIC, max_bytes=MB)
    assert next(lines).line == 2
    assert next(lines).line == 3
    with pytest.raises(DataFileError) as raised:
        next(lines)
    assert (raised.value.line, raised.value.field) == (4, "Date")
    assert str(raised.value).startswith(f"{BAD_ROWS}:4: field 'Date': not a date")


def test_every_bad_cell_of_a_row_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Supplier,Amount\nsoon,,lots\n01/04/2020,Acme\n\n,,\n")
    problems: list[DataFileError] = []
    assert read(path, problems=problems) == []
    assert [(p.line, p.field) for p in problems] == [
        (2, "Date"),
        (2, "Supplier"),
        (2, "Amount"),
        (3, "Amount"),  # a short row: its missing amount is empty, not an IndexError
    ]
    assert problems[3].message.endswith(": empty")


# --- Limits and encodings -------------------------------------------------------------


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Supplier,Amount\n01/04/2020,Acme,1\n")
    with pytest.raises(DataFileError, match="over the limit of 10"):
        read_spend(path, GENERIC, max_bytes=10)  # raised by the call, not by iterating


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot be read"):
        read_spend(tmp_path / "nope.csv", GENERIC, max_bytes=MB)


def test_row_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Supplier,Amount\n" + "01/04/2020,Acme,1\n" * 4)
    assert len(read(path, max_rows=4)) == 4
    with pytest.raises(DataFileError, match="more than 3 rows") as raised:
        read(path, max_rows=3)
    assert raised.value.line == 5


def test_auto_encoding_reads_utf8_pounds(tmp_path: Path) -> None:
    path = write(tmp_path, 'Date,Supplier,Amount (£)\n01/04/2020,Café Ltd,"£1,234.56"\n')
    [line] = read(path)
    assert (line.supplier, line.amount) == ("Café Ltd", Decimal("1234.56"))


def test_a_declared_encoding_that_does_not_fit_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"is not utf-8-sig text") as raised:
        read(HUNTINGDONSHIRE, replace(GENERIC, encoding="utf-8-sig"))
    assert raised.value.line == 2  # the first pound sign or en dash
    cp1252 = replace(GENERIC, encoding="cp1252")
    assert read(HUNTINGDONSHIRE, cp1252) == read(HUNTINGDONSHIRE)


def test_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Date,Supplier,Amount\n01/04/2020,Acme,1\n01/04/2020,Ac\x81me,1\n")
    with pytest.raises(DataFileError, match="not utf-8 or cp1252 text") as raised:
        read(path)
    assert raised.value.line == 3


def test_headers_match_ignoring_case_spaces_and_underscores(tmp_path: Path) -> None:
    path = write(tmp_path, "SUPPLIER_NAME,  payment   date ,AMOUNT(£)\nAcme,1 April 2020,7\n")
    [line] = read(path)
    assert (line.supplier, line.date, line.amount) == ("Acme", dt.date(2020, 4, 1), Decimal(7))
    assert header_key("\ufeffPayment_Date ") == header_key("payment date") == "paymentdate"


def test_the_first_listed_header_wins(tmp_path: Path) -> None:
    # The generic profile lists Payment Date before Date, and Amount before Total.
    path = write(tmp_path, "Date,Payment Date,Supplier,Total,Amount\n01/01/2020,02/01/2020,A,9,3\n")
    [line] = read(path)
    assert (line.date, line.amount) == (dt.date(2020, 1, 2), Decimal("3.00"))


def test_a_header_after_line_20_is_not_found(tmp_path: Path) -> None:
    path = write(tmp_path, "preamble\n" * 20 + "Date,Supplier,Amount\n01/04/2020,Acme,1\n")
    with pytest.raises(DataFileError, match="no header row"):
        read(path)
    path = write(tmp_path, "preamble\n" * 19 + "Date,Supplier,Amount\n01/04/2020,Acme,1\n")
    assert [line.line for line in read(path)] == [21]


def test_crlf_and_quoted_newlines_keep_physical_line_numbers(tmp_path: Path) -> None:
    text = (
        'Date,Supplier,Amount,Description\r\n01/04/2020,A,1,"two\r\nlines"\r\n02/04/2020,B,2,x\r\n'
    )
    assert [line.line for line in read(write(tmp_path, text))] == [2, 4]


# --- Cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("£1,234.56", "1234.56"),
        ("1234.5", "1234.50"),
        ("(123.45)", "-123.45"),
        ("-123.45", "-123.45"),
        ("£(250.00)", "-250.00"),
        ("(£250.00)", "-250.00"),
        ("-£5", "-5.00"),
        ("£-5", "-5.00"),
        ("123.45-", "-123.45"),
        ("\u2212 12", "-12.00"),
        (" 1,000,000 ", "1000000.00"),
        ("+7", "7.00"),
        (".5", "0.50"),
        ("0.005", "0.01"),
        ("(0.00)", "0.00"),
        ("GBP 10", "10.00"),
    ],
)
def test_amounts(text: str, amount: str) -> None:
    parsed = parse_amount(text)
    assert parsed == Decimal(amount)
    assert str(parsed) == amount  # pennies, no "-0.00"


@pytest.mark.parametrize(
    "text",
    ["", "twelve", "1.234,56", "12,34", "1,2345", "(12", "12)", "--5", "(-5)", "-5-", "1e5",
     "NaN", "Infinity", "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6", "£", "١٢"],
)  # fmt: skip
def test_not_amounts(text: str) -> None:
    assert parse_amount(text) is None


def test_amounts_from_spreadsheet_cells() -> None:
    assert parse_amount(1234.5) == Decimal("1234.50")
    assert parse_amount(-3) == Decimal("-3.00")
    assert parse_amount(0.1 + 0.2) == Decimal("0.30")
    for value in (True, None, float("nan"), float("inf"), 10**16, dt.date(2020, 1, 1)):
        assert parse_amount(value) is None


@pytest.mark.parametrize(
    "text",
    ["01/04/2020", "1/4/2020", "01/04/20", "2020-04-01", "01-Apr-2020", "01-APR-20",
     "1 April 2020", "1 Apr 2020", "01.04.2020", "01-04-2020", "01/04/2020 00:00:00",
     "2020-04-01 00:00:00", "2020-04-01T09:30:00", " 01/04/2020 "],
)  # fmt: skip
def test_uk_dates_are_day_first(text: str) -> None:
    assert parse_date(text, GENERIC.date_formats) == dt.date(2020, 4, 1)


@pytest.mark.parametrize("text", ["31/02/2020", "04/13/2020", "2020/13/01", "April", "", "43922"])
def test_not_dates(text: str) -> None:
    assert parse_date(text, GENERIC.date_formats) is None


def test_dates_from_spreadsheet_cells() -> None:
    assert parse_date(dt.datetime(2020, 4, 1, 9, 30), ()) == dt.date(2020, 4, 1)
    assert parse_date(dt.date(2020, 4, 1), ()) == dt.date(2020, 4, 1)
    assert parse_date(43922, GENERIC.date_formats) is None  # a serial is not guessed at


# --- Workbooks ------------------------------------------------------------------------


def workbook(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Spending over £500, Q1 2020-21"])
    data = book.create_sheet("Data")
    data.append(["Camden spending"])
    data.append(["Organisation Name", "Payment Date", "Transaction ID", "Supplier Name", "Amount"])
    data.append(["LB Camden", dt.datetime(2020, 4, 1), 90001.0, "Chroma Vision Ltd", 1200.5])
    data.append(["LB Camden", "02/04/2020", 90002, "Synectics plc", "£2,000.00"])
    # row 5 left empty; row 6 has a bad amount and row 7 a serial number for a date
    data.cell(row=6, column=1, value="LB Camden")
    data.cell(row=6, column=2, value=dt.datetime(2020, 4, 3))
    data.cell(row=6, column=4, value="Veolia")
    data.cell(row=6, column=5, value="n/a")
    data.append(["LB Camden", 43924, 90004, "Veolia", 10])
    path = tmp_path / "camden.xlsx"
    book.save(path)
    return path


def test_xlsx_lines_are_sheet_rows(tmp_path: Path) -> None:
    problems: list[DataFileError] = []
    lines = read(workbook(tmp_path), PROFILES["camden"], problems=problems)
    assert [(line.line, line.date, line.amount, line.reference, line.body) for line in lines] == [
        (3, dt.date(2020, 4, 1), Decimal("1200.50"), "90001", "LB Camden"),
        (4, dt.date(2020, 4, 2), Decimal("2000.00"), "90002", "LB Camden"),
    ]
    assert [(p.line, p.field) for p in problems] == [(6, "Amount"), (7, "Payment Date")]
    assert problems[0].message.startswith("sheet 'Data': ")


def test_a_damaged_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataFileError, match="not a readable XLSX"):
        read(path)


# --- De-duplication --------------------------------------------------------------------


def spend_line(**changes: object) -> SpendLine:
    fields: dict[str, object] = {
        "line": 4,
        "date": dt.date(2016, 4, 5),
        "supplier": "CHROMA VISION LTD",
        "amount": Decimal("4250.00"),
        "description": "CCTV maintenance contract April",
        "expense_type": "Equipment Maintenance",
        "service": "Community Safety",
        "reference": "5100231",
        "body": "",
    }
    return SpendLine(**{**fields, **changes})  # type: ignore[arg-type]


def test_fingerprints_are_stable() -> None:
    # Pinned: a change here makes every earlier import look new.
    assert line_fingerprint(spend_line()) == (
        "a19fe04bee59dc074ba87cdac45eb8652c4cd5920359d74035b7ee703f1a4513"
    )
    same = spend_line(line=99, supplier="  Chroma  Vision ltd ", service="x", expense_type="y")
    assert line_fingerprint(same) == line_fingerprint(spend_line())
    assert line_fingerprint(spend_line(amount=Decimal("4250.0"))) == line_fingerprint(spend_line())
    for change in (
        {"amount": Decimal("4250.01")},
        {"date": dt.date(2016, 4, 6)},
        {"reference": "5100232"},
        {"description": "CCTV maintenance contract May"},
        {"supplier": "CHROMA VISION LIMITED"},
    ):
        assert line_fingerprint(spend_line(**change)) != line_fingerprint(spend_line()), change


def test_fingerprint_fields_cannot_run_into_each_other() -> None:
    one = spend_line(reference="a|b", description="c")
    two = spend_line(reference="a", description="b|c")
    assert line_fingerprint(one) != line_fingerprint(two)


# --- Properties ------------------------------------------------------------------------

HEADER = b"Date,Supplier,Amount,Description\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from([b"", HEADER, b"\xef\xbb\xbf" + HEADER, b"PK\x03\x04"]),
    body=st.binary(max_size=3000),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_arbitrary_bytes_raise_only_data_file_errors(
    tmp_path_factory: pytest.TempPathFactory, prefix: bytes, body: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"spend{suffix}"
    path.write_bytes(prefix + body)
    problems: list[DataFileError] = []
    failure: DataFileError | None = None
    try:
        lines = list(read_spend(path, GENERIC, max_bytes=MB, max_rows=500, problems=problems))
    except DataFileError as error:
        lines, failure = [], error
    assert failure is None or failure.path == path
    for line in lines:
        assert line.supplier
        assert line.amount == line.amount.quantize(Decimal("0.01"))
    assert all(problem.line for problem in problems)


money = st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str)
row = st.tuples(
    st.one_of(st.dates().map(lambda d: d.strftime("%d/%m/%Y")), st.text(max_size=12)),
    st.text(max_size=20),
    st.one_of(money, st.text(max_size=10)),
    st.text(max_size=20),
)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(row, max_size=20))
def test_rows_either_parse_or_are_reported(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str, str]]
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("Date", "Supplier", "Amount", "Description"), *rows])
    path = tmp_path_factory.mktemp("rows") / "spend.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    problems: list[DataFileError] = []
    lines = list(read_spend(path, GENERIC, max_bytes=MB, problems=problems))
    reported = {problem.line for problem in problems}
    assert not reported & {line.line for line in lines}
    assert all(problem.field in {"Date", "Supplier", "Amount"} for problem in problems)


@given(st.text(max_size=40))
def test_cell_parsers_never_raise(text: str) -> None:
    parse_amount(text)
    parse_date(text, GENERIC.date_formats)
