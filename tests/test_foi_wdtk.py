"""Importing WhatDoTheyKnow requests: fixture files in tests/data/wdtk/ are written to the
shape Alaveteli serves at /request/<url_title>.json (InfoRequest#json_for_api)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from camwatch.cli import main
from camwatch.foi.models import Campaign, Event, Message, Request
from camwatch.foi.wdtk import WdtkError, import_files

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data" / "wdtk"


@pytest.fixture
def campaign() -> Campaign:
    return Campaign.objects.create(slug="bbw-2021", title="Advanced CCTV", requester_name="R")


def test_import_maps_state_events_and_the_clock(campaign: Campaign) -> None:
    report = import_files(campaign, [DATA / "advanced_cctv_northumbria.json"])
    assert len(report.created) == 1
    assert report.events == 4
    request = Request.objects.get(body__slug="northumbria-police")
    assert request.state == "partially_successful"
    assert request.whatdotheyknow_url.endswith("/request/advanced_cctv_northumbria")
    # Sent 10 August 2021; the clarification (a follow-up while awaiting clarification)
    # reached the force on 13 August, so day 0 moved there (FOIA s.1(3)).
    assert request.received == dt.date(2021, 8, 10)
    assert request.clarified == ["2021-08-13"]
    assert request.due == dt.date(2021, 9, 13)  # 30 August 2021 was a bank holiday
    imported = request.events.filter(kind__startswith="wdtk:")
    assert list(imported.values_list("kind", flat=True)) == [
        "wdtk:sent", "wdtk:response", "wdtk:followup_sent", "wdtk:response",
    ]  # fmt: skip
    assert imported.first().at == dt.datetime(2021, 8, 10, 9, 2, 12, tzinfo=dt.UTC)
    replies = request.messages.filter(direction="in")
    assert replies.count() == 2
    assert "section 43(2)" in replies.last().text


def test_a_rerun_adds_nothing_and_a_scottish_body_gets_foisa(campaign: Campaign) -> None:
    files = [DATA / "advanced_cctv_northumbria.json", DATA / "advanced_cctv_edinburgh.json"]
    import_files(campaign, files)
    counts = (Request.objects.count(), Event.objects.count(), Message.objects.count())
    again = import_files(campaign, files)
    assert again.created == []
    assert again.events == 0
    assert (Request.objects.count(), Event.objects.count(), Message.objects.count()) == counts
    edinburgh = Request.objects.get(body__slug="city-of-edinburgh")
    assert edinburgh.regime == "foisa"
    assert edinburgh.state == "waiting_response"


def test_bad_files_name_the_field_and_change_nothing(campaign: Campaign, tmp_path: Path) -> None:
    with pytest.raises(WdtkError, match=r"public_body.url_name: no public body 'atlantis_council'"):
        import_files(campaign, [DATA / "unknown_body.json"])
    broken = json.loads((DATA / "advanced_cctv_edinburgh.json").read_text())
    broken["described_state"] = "on_the_moon"
    (tmp_path / "bad.json").write_text(json.dumps(broken))
    with pytest.raises(WdtkError, match="described_state: unknown WhatDoTheyKnow state"):
        import_files(campaign, [tmp_path / "bad.json"])
    del broken["public_body"]
    (tmp_path / "bad.json").write_text(json.dumps(broken))
    with pytest.raises(WdtkError, match=r"bad\.json: public_body: Field required"):
        import_files(campaign, [tmp_path / "bad.json"])
    assert not Request.objects.exists()


def test_cli_import(campaign: Campaign) -> None:
    result = CliRunner().invoke(
        main, ["foi", "import-wdtk", "bbw-2021", str(DATA / "advanced_cctv_edinburgh.json")]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 1 new" in result.output
    result = CliRunner().invoke(
        main, ["foi", "import-wdtk", "bbw-2021", str(DATA / "unknown_body.json")]
    )
    assert result.exit_code == 1
    assert "atlantis_council" in result.output
