"""OCDS packages and spending files into the money tables, through the library and the CLI:
what is kept, how names are matched, idempotence, bad input and the review queue."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import Permission, User
from django.test import Client
from tests.money_fixtures import write_ocds_package

from camwatch.cli import main
from camwatch.money import models as mm
from camwatch.money.imports import import_ocds, import_spend
from camwatch.registry.loader import DataFileErrors

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "money"
CHROMA_OCID = "ocds-b5fd17-2f0c6a5e-1f3b-4a0e-9d2b-0c1e5a7d9b11"


def imported() -> list[tuple[str, str]]:
    return sorted(mm.Contract.objects.filter(origin="ocds").values_list("ocid", "title"))


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    path = tmp_path_factory.mktemp("ocds") / "notices.json"
    return path, write_ocds_package(path, count=1000)


def test_a_thousand_notices_keep_exactly_the_surveillance_ones(package) -> None:
    path, truth = package
    report = import_ocds(path)
    stored = set(mm.Contract.objects.filter(origin="ocds").values_list("ocid", flat=True))
    assert stored == truth  # none missed, and no cleaning or catering decoy
    assert report.related == len(truth)
    assert report.outcomes["created"] == len(truth)
    assert all(c.reasons for c in mm.Contract.objects.filter(origin="ocds"))
    # One history row per contract made, and one more per contract whose manufacturers
    # were linked (links are in the history, so that a restore brings them back).
    history = mm.Contract.history.filter(origin="ocds")
    linked = mm.Contract.objects.filter(origin="ocds", manufacturers__isnull=False).distinct()
    assert history.filter(history_type="+").count() == len(truth)
    assert history.count() == len(truth) + linked.count()
    before = history.count()
    again = import_ocds(path)
    assert (again.outcomes["created"], again.outcomes["updated"]) == (0, 0)
    assert again.outcomes["unchanged"] == len(truth)
    assert history.count() == before  # no new history


def test_buyers_and_suppliers_are_matched(package) -> None:
    path, _truth = package
    import_ocds(path)
    contracts = mm.Contract.objects.filter(origin="ocds").select_related("buyer", "supplier")
    buyers = {c.buyer_name: c.buyer.slug if c.buyer else None for c in contracts}
    assert buyers["London Borough of Hammersmith and Fulham"] == "hammersmith-and-fulham"
    assert buyers["Camden Council"] == "camden"
    assert buyers["Cambridge City Council"] == "cambridge"
    for made_up in ("Westmoor Valley Drainage Board", "Northfold Academies Trust"):
        assert buyers.get(made_up) is None
    chroma = [c for c in contracts if c.supplier_name == "Chroma Vision Limited"]
    assert chroma
    assert {c.supplier.slug for c in chroma} == {"chroma-vision"}
    # Manufacturers named in a notice's text are linked, by the vendor register's names.
    named = [c for c in contracts if c.manufacturers.exists()]
    assert named
    for contract in named:
        text = f"{contract.title} {contract.description}".casefold()
        assert all(v.name.casefold() in text for v in contract.manufacturers.all())
    created = mm.Organisation.objects.filter(origin="ocds")
    assert "Chroma Vision Limited" not in {o.name for o in created}
    assert created.exists()


def test_the_small_release_package(tmp_path: Path) -> None:
    report = import_ocds(DATA / "release-package.json")
    assert report.read == 4  # the tender and award of one OCID are merged
    kept = dict(imported())
    assert CHROMA_OCID in kept
    assert "Cleaning of the CCTV control room" not in kept.values()
    assert "Staff canteen catering" not in kept.values()
    contract = mm.Contract.objects.get(ocid=CHROMA_OCID)
    assert (contract.buyer.slug, contract.supplier.slug) == (
        "hammersmith-and-fulham",
        "chroma-vision",
    )
    assert contract.value == Decimal("492000.00")
    assert contract.source.sha256  # the file is the source, by its digest


def test_a_record_package_imports(tmp_path: Path) -> None:
    report = import_ocds(DATA / "record-package.json")
    assert report.read == 2
    assert {ocid for ocid, _ in imported()} <= {"ocds-h6vhtk-031a2b", "ocds-h6vhtk-031c4d"}


@pytest.mark.parametrize("name", ["truncated.json", "bad-currency.json"])
def test_bad_packages_change_nothing_and_say_where(name: str) -> None:
    before = mm.Contract.objects.count(), mm.Organisation.objects.count()
    with pytest.raises(DataFileErrors) as raised:
        import_ocds(DATA / name)
    message = str(raised.value)
    assert name in message
    if name == "bad-currency.json":
        assert "XYZ" in message
        assert "currency" in message
    assert (mm.Contract.objects.count(), mm.Organisation.objects.count()) == before


def test_skip_bad_imports_the_rest_and_lists_the_bad() -> None:
    report = import_ocds(DATA / "bad-currency.json", skip_bad=True)
    assert len(report.skipped) >= 1
    assert "XYZ" in report.skipped[0]


def test_a_notice_twice_in_a_file_is_one_contract(tmp_path: Path) -> None:
    package = json.loads((DATA / "release-package.json").read_text())
    package["releases"] += package["releases"]
    doubled = tmp_path / "doubled.json"
    doubled.write_text(json.dumps(package))
    import_ocds(doubled)
    assert mm.Contract.objects.filter(ocid=CHROMA_OCID).count() == 1


def test_the_cli_reports_and_fails_cleanly() -> None:
    runner = CliRunner()
    good = runner.invoke(
        main, ["money", "import-ocds", str(DATA / "release-package.json"), "--json"]
    )
    assert good.exit_code == 0, good.output
    assert json.loads(good.output)["read"] == 4
    bad = runner.invoke(main, ["money", "import-ocds", str(DATA / "truncated.json")])
    assert bad.exit_code == 1
    assert "truncated.json" in bad.output
    assert "Nothing was imported." in bad.output


def test_an_uncertain_buyer_waits_for_a_reviewer_then_links(tmp_path: Path) -> None:
    package = json.loads((DATA / "release-package.json").read_text())
    uncertain = "Hammersmith & Fulham CCTV Partnership"  # close to a body, but not its name
    for release in package["releases"]:
        if release["ocid"] == CHROMA_OCID:
            release["buyer"]["name"] = uncertain
            for party in release.get("parties", []):
                if "buyer" in party.get("roles", []):
                    party["name"] = uncertain
    path = tmp_path / "uncertain.json"
    path.write_text(json.dumps(package))
    import_ocds(path)
    contract = mm.Contract.objects.get(ocid=CHROMA_OCID)
    assert contract.buyer is None
    assert contract.buyer_name == uncertain
    review = mm.NameReview.objects.get(kind="buyer", name=uncertain)
    assert review.candidate_body.slug == "hammersmith-and-fulham"

    reviewer = User.objects.create_user("reviewer", password="x")
    reviewer.user_permissions.add(Permission.objects.get(codename="review_names"))
    client = Client()
    client.force_login(reviewer)
    assert (
        "Hammersmith &amp; Fulham CCTV Partnership" in client.get("/money/names/").content.decode()
    )
    response = client.post("/money/names/", {"review": review.pk, "decision": "accept"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.buyer.slug == "hammersmith-and-fulham"
    assert uncertain in contract.buyer.aliases
    # The decision holds: the next import matches the name exactly, and asks nobody.
    import_ocds(path)
    assert mm.NameReview.objects.filter(status="pending").count() == 0


SPEND = DATA / "spend-hammersmith-2016.csv"


def test_a_spending_file_keeps_surveillance_lines_and_is_idempotent() -> None:
    report = import_spend(SPEND, body="hammersmith-and-fulham", profile="hammersmith-and-fulham")
    payments = mm.Payment.objects.filter(origin="spend", body__slug="hammersmith-and-fulham")
    chroma = payments.filter(supplier__slug="chroma-vision")
    # All nine Chroma Vision lines, the repeated one twice: identical lines in one file
    # are separate payments.
    assert chroma.count() == 9
    assert sum(p.amount for p in chroma) == Decimal("47865.00")
    assert not payments.filter(supplier_name__icontains="cleaning").exists()
    assert not payments.filter(supplier_name__icontains="veolia").exists()
    assert report.outcomes["created"] == payments.count()
    again = import_spend(SPEND, body="hammersmith-and-fulham", profile="hammersmith-and-fulham")
    assert again.outcomes["created"] == 0
    assert payments.count() == report.outcomes["created"]


def test_keep_all_lines_and_the_money_trail_chart(client: Client) -> None:
    import_spend(SPEND, body="hammersmith-and-fulham", profile="transparency-code", keep_all=True)
    total = sum(p.amount for p in mm.Payment.objects.filter(origin="spend"))
    assert total == Decimal("688111.11")
    page = json.loads(client.get("/bodies/hammersmith-and-fulham/money.json").content)
    assert len(page["payments"]) == 29
    # Every line is listed, but only surveillance lines (or those paid to an integrator)
    # count as spend: Veolia's refuse collection does not.
    counted = sum(
        Decimal(str(row["amount"])) for row in page["spend_by_year"] if row["year"] == 2016
    )
    lines = mm.Payment.objects.filter(origin="spend")
    expected = sum(p.amount for p in lines if p.surveillance or p.supplier_id)
    assert counted == expected
    assert not any(p.surveillance for p in lines.filter(supplier_name__startswith="VEOLIA"))
    assert counted < total - Decimal("556268.81") + Decimal("0.01")


def test_bad_spending_lines_name_line_and_column() -> None:
    with pytest.raises(DataFileErrors) as raised:
        import_spend(DATA / "spend-bad-rows.csv", body="camden", profile="transparency-code")
    assert "spend-bad-rows.csv:4" in str(raised.value)
    assert "Date" in str(raised.value)
    assert not mm.Payment.objects.filter(origin="spend").exists()
    report = import_spend(
        DATA / "spend-bad-rows.csv",
        body="camden",
        profile="transparency-code",
        skip_bad=True,
        keep_all=True,
    )
    assert len(report.skipped) == 2
    assert mm.Payment.objects.filter(origin="spend").count() == 4


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (["--body", "nowhere", "--profile", "transparency-code"], "unknown public body 'nowhere'"),
        (["--body", "camden", "--profile", "nope"], "unknown spending profile 'nope'"),
    ],
)
def test_import_spend_cli_refuses_unknown_body_or_profile(
    options: list[str], fragment: str
) -> None:
    result = CliRunner().invoke(main, ["money", "import-spend", str(SPEND), *options])
    assert result.exit_code == 1
    assert fragment in result.output


def test_a_saved_profile_is_found_by_name(tmp_path: Path, settings) -> None:
    saved = tmp_path / "profiles.yaml"
    saved.write_text(
        "profiles:\n"
        "  - name: our-council\n"
        "    description: Our council's layout\n"
        "    source: https://example.org/spending\n"
        "    encoding: auto\n"
        '    date_formats: ["%d/%m/%Y"]\n'
        "    columns:\n"
        "      date: [When]\n"
        "      supplier: [Paid To]\n"
        "      amount: [Sum]\n"
        "      description: [What For]\n"
    )
    spending = tmp_path / "spend.csv"
    spending.write_text(
        "When,Paid To,Sum,What For\n01/04/2021,Chroma Vision Ltd,1200.00,CCTV repair\n"
    )
    with pytest.raises(DataFileErrors, match="unknown spending profile 'our-council'"):
        import_spend(spending, body="camden", profile="our-council")
    settings.CAMWATCH_SPEND_PROFILES = str(saved)
    report = import_spend(spending, body="camden", profile="our-council")
    assert report.outcomes["created"] == 1
    payment = mm.Payment.objects.get(origin="spend", body__slug="camden")
    assert (payment.supplier.slug, payment.amount) == ("chroma-vision", Decimal("1200.00"))
