"""Campaigns from spec files: targets by filter or CSV, the wording per body kind, one
request per body, idempotent reloads, and errors that name file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from camwatch.cli import main
from camwatch.foi.campaigns import CampaignError, load_campaign
from camwatch.foi.models import Campaign, Event, Request
from camwatch.registry import models as m

pytestmark = pytest.mark.django_db

COUNCIL = (
    "Dear {body_name},\nUnder the {law}, which CCTV cameras does the council run?\n{requester_name}"
)
POLICE = "Dear {body_name},\nUnder the {law}, which cameras does the force run?\n{requester_name}"


def spec(folder: Path, targets: str, templates: str | None = None, extra: str = "") -> Path:
    templates = templates or (
        "  - group: local-authority\n"
        f"    subject: Council CCTV ({{reference}})\n    body: {COUNCIL!r}\n"
        "  - kind: police-force\n"
        f"    subject: Police cameras\n    body: {POLICE!r}\n"
    )
    path = folder / "campaign.yaml"
    path.write_text(
        "slug: test-campaign\ntitle: Test campaign\nrequester_name: A. Tester\n"
        f"{extra}targets:\n{targets}templates:\n{templates}"
    )
    return path


def test_each_kind_gets_its_own_wording(tmp_path: Path) -> None:
    bodies = "camden, metropolitan-police-service, glasgow-city, avon-and-somerset-constabulary"
    path = spec(tmp_path, f"  bodies: [{bodies}]\n")
    report = load_campaign(path, "tester")
    assert len(report.created) == 4
    assert report.no_template == []
    council = Request.objects.get(body__slug="camden")
    police = Request.objects.get(body__slug="metropolitan-police-service")
    assert "the council run" in council.text
    assert "force" not in council.text
    assert "the force run" in police.text
    assert "council" not in police.text
    assert council.subject == f"Council CCTV ({council.reference})"
    assert police.subject == f"Police cameras [{police.reference}]"  # the reference added
    assert "Freedom of Information Act 2000" in council.text
    glasgow = Request.objects.get(body__slug="glasgow-city")
    assert glasgow.regime == "foisa"
    assert "Freedom of Information (Scotland) Act 2002" in glasgow.text
    assert all(r.state == "draft" and r.received is None for r in Request.objects.all())


def test_bodies_without_a_template_get_no_request(tmp_path: Path) -> None:
    templates = f"  - kind: police-force\n    subject: Police cameras\n    body: {POLICE!r}\n"
    report = load_campaign(spec(tmp_path, "  bodies: [camden, kent-police]\n", templates), "t")
    assert report.no_template == ["camden"]
    assert list(Request.objects.values_list("body__slug", flat=True)) == ["kent-police"]


def test_targets_by_filter_and_tag(tmp_path: Path) -> None:
    load_campaign(spec(tmp_path, "  kinds: [welsh-council]\n  nations: [wales]\n"), "t")
    assert Request.objects.count() == m.PublicBody.objects.current().filter(
        kind__slug="welsh-council"
    ).count() == 22  # fmt: skip
    tagged = m.PublicBody.objects.get(slug="hackney")
    tagged.tags = ["ring-of-steel"]
    tagged.save()
    Campaign.objects.all().delete()
    load_campaign(spec(tmp_path, "  groups: [local-authority]\n  tags: [ring-of-steel]\n"), "t")
    assert list(Request.objects.values_list("body__slug", flat=True)) == ["hackney"]


def test_a_rerun_changes_nothing_and_sent_requests_are_never_rewritten(tmp_path: Path) -> None:
    path = spec(tmp_path, "  bodies: [camden, islington]\n")
    load_campaign(path, "t")
    events = Event.objects.count()
    again = load_campaign(path, "t")
    assert (again.created, again.updated, again.unchanged) == ([], [], 2)
    assert Event.objects.count() == events
    sent = Request.objects.get(body__slug="islington")
    sent.move_to("waiting_response", "t")
    path.write_text(path.read_text().replace("which CCTV cameras", "how many CCTV cameras"))
    changed = load_campaign(path, "t")
    assert changed.updated == [Request.objects.get(body__slug="camden").reference]
    assert "how many" in Request.objects.get(body__slug="camden").text
    sent.refresh_from_db()
    assert "which CCTV cameras" in sent.text


def test_csv_targets_with_addresses_and_errors_naming_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "targets.csv").write_text(
        "body,email\ncamden,foi@camden.example\nE09000019,\n"
        "Nowhere Council,\nleeds,not-an-address\n"
    )
    path = spec(tmp_path, "  csv: targets.csv\n")
    with pytest.raises(CampaignError) as error:
        load_campaign(path, "t")
    assert error.value.problems == [
        f"{tmp_path / 'targets.csv'}:4: body: no public body 'Nowhere Council'",
        f"{tmp_path / 'targets.csv'}:5: email: 'not-an-address' is not an email address",
    ]
    assert not Campaign.objects.exists()  # nothing half-made
    (tmp_path / "targets.csv").write_text("body,email\ncamden,foi@camden.example\nE09000019,\n")
    report = load_campaign(path, "t")
    assert len(report.created) == 2
    assert Request.objects.get(body__slug="camden").to_email == "foi@camden.example"
    assert Request.objects.get(body__slug="islington").to_email == ""  # found by GSS code
    assert report.no_address == [Request.objects.get(body__slug="islington").reference]


def test_template_with_an_unknown_field_names_template_and_field(tmp_path: Path) -> None:
    bad = "  - group: local-authority\n    subject: CCTV\n    body: 'Dear {council_name},'\n"
    path = spec(tmp_path, "  bodies: [camden]\n", bad)
    with pytest.raises(CampaignError) as error:
        load_campaign(path, "t")
    (problem,) = error.value.problems
    assert "templates.0 (group local-authority).body: unknown field {council_name}" in problem
    late = "  - group: local-authority\n    subject: CCTV\n    body: 'Due {due_date}'\n"
    with pytest.raises(CampaignError, match=r"unknown field \{due_date\}"):
        load_campaign(spec(tmp_path, "  bodies: [camden]\n", late), "t")
    braces = "  - group: local-authority\n    subject: CCTV\n    body: 'Dear {body_name'\n"
    with pytest.raises(CampaignError, match="literal braces"):
        load_campaign(spec(tmp_path, "  bodies: [camden]\n", braces), "t")


def test_spec_errors_and_a_dry_run(tmp_path: Path) -> None:
    path = spec(tmp_path, "  bodies: [camden, no-such-body]\n", extra="embargo_until: 2027-02-30\n")
    with pytest.raises(CampaignError) as error:
        load_campaign(path, "t")
    assert any("embargo_until: Input should be a valid date" in p for p in error.value.problems)
    path = spec(tmp_path, "  bodies: [camden, no-such-body]\n")
    with pytest.raises(CampaignError, match=r"targets.bodies.1: no public body 'no-such-body'"):
        load_campaign(path, "t")
    path = spec(tmp_path, "  bodies: [camden]\n", extra="owner: nobody\n")
    with pytest.raises(CampaignError, match="owner: no user 'nobody'"):
        load_campaign(path, "t")
    path = spec(tmp_path, "  bodies: [camden]\n")
    result = CliRunner().invoke(main, ["foi", "campaign", str(path), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert '"dry_run": true' in result.output
    assert not Campaign.objects.exists()
    assert not Request.objects.exists()
    result = CliRunner().invoke(main, ["foi", "campaign", str(tmp_path / "campaign.yaml")])
    assert result.exit_code == 0, result.output
    assert "drafted 1 requests" in result.output


def test_embargo_and_team(tmp_path: Path, django_user_model: type) -> None:
    owner = django_user_model.objects.create_user("owner", password="x")
    helper = django_user_model.objects.create_user("helper", password="x")
    stranger = django_user_model.objects.create_user("stranger", password="x")
    extra = "embargo_until: 2999-01-01\nowner: owner\ncollaborators: [helper]\n"
    load_campaign(spec(tmp_path, "  bodies: [camden]\n", extra=extra), "t")
    campaign = Campaign.objects.get()
    assert campaign.visible_to(owner)
    assert campaign.visible_to(helper)
    assert not campaign.visible_to(stranger)
    assert not campaign.is_public(dt.date(2998, 12, 31))
    assert campaign.is_public(dt.date(2999, 1, 1))


def test_dropped_targets_lose_their_unsent_drafts_and_numbers_are_never_reused(
    tmp_path: Path,
) -> None:
    path = spec(tmp_path, "  bodies: [camden, islington, hackney]\n")
    load_campaign(path, "t")
    hackney = Request.objects.get(body__slug="hackney").reference
    assert hackney.endswith("-2")  # numbered in order of the bodies' names
    Request.objects.get(body__slug="islington").move_to("waiting_response", "t")
    report = load_campaign(spec(tmp_path, "  bodies: [camden]\n"), "t")
    assert report.removed == [hackney]  # islington went out: it stays
    assert set(Request.objects.values_list("body__slug", flat=True)) == {"camden", "islington"}
    load_campaign(spec(tmp_path, "  bodies: [camden, leeds]\n"), "t")
    assert Request.objects.get(body__slug="leeds").reference.endswith("-4")


def test_filter_typos_and_twin_attachments_are_errors(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "letter.pdf").write_bytes(b"%PDF one")
    (tmp_path / "letter.pdf").write_bytes(b"%PDF two")
    path = spec(
        tmp_path,
        "  kinds: [london-borugh]\n  regions: [Atlantis]\n",
        extra="attachments: [letter.pdf, a/letter.pdf]\n",
    )
    with pytest.raises(CampaignError) as error:
        load_campaign(path, "t")
    problems = "\n".join(error.value.problems)
    assert "targets.kinds.0: no body has kind 'london-borugh'" in problems
    assert "targets.regions.0: no body has region 'Atlantis'" in problems
    assert "attachments.1: a second file named 'letter.pdf'" in problems
