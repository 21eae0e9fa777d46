"""`camwatch audit`: the commands over the audit library, end to end, including loading
the devices into the registry as holdings."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from benchmarks.netaudit_synthetic import write
from click.testing import CliRunner

from camwatch.cli import main
from camwatch.netaudit.fusion import DEVICE_KEYS

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("cli") / "scan.jsonl", 2000)


def invoke(*args: str):
    return RUNNER.invoke(main, ["audit", *args], catch_exceptions=False)


def test_json_lines_out_one_device_each(scan: Path) -> None:
    result = invoke(str(scan), "--json", "--workers", "1")
    assert result.exit_code == 0, result.output
    devices = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(devices) > 250
    makers = {device["manufacturer"] for device in devices}
    assert {"Hikvision", "Dahua"} <= makers
    for device in devices:
        assert tuple(device) == DEVICE_KEYS
        assert device["evidence"]


def test_summary_and_output_file(scan: Path, tmp_path: Path) -> None:
    out = tmp_path / "devices.jsonl"
    result = invoke(str(scan), "--output", str(out), "--summary", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "Read 2,000 records (0 bad)" in result.output
    assert "Hikvision" in result.output
    assert len(out.read_text().splitlines()) > 250


def test_html_report(scan: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = invoke(str(scan), "--html", str(page), "--workers", "1")
    assert result.exit_code == 0, result.output
    text = page.read_text()
    assert "<table" in text
    assert "Hikvision" in text


def test_bad_lines_reported_with_numbers_and_rest_processed(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = write(tmp_path / "good.jsonl", 50).read_bytes().splitlines()
    path.write_bytes(b"\n".join([*good[:10], b"\x00\x01binary junk", *good[10:]]) + b"\n")
    result = invoke(str(path), "--format", "zgrab2", "--summary", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "line 11" in result.output
    assert "(1 bad)" in result.output


def test_unrecognised_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some words\nthat are not a scan\n")
    result = RUNNER.invoke(main, ["audit", str(path)])
    assert result.exit_code == 1
    assert "notes.txt" in result.output
    assert "--format" in result.output


def test_rules_check_passes_on_the_bundled_rules() -> None:
    result = invoke("rules", "--check", "--json")
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert any(rule["manufacturer"] == "dahua" for rule in listing)


def test_probe_needs_authorisation() -> None:
    result = RUNNER.invoke(main, ["audit", "probe", "127.0.0.1:9"])
    assert result.exit_code == 2
    assert "--authorised" in result.output


class _FakeCamera(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        _FakeCamera.requests.append(f"{self.command} {self.path}")
        body = b"<html><head><title>index</title></head></html>"
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def version_string(self) -> str:
        return "Hikvision-Webs"

    def log_message(self, *args: object) -> None:
        pass


def test_probe_identifies_a_fake_camera_on_loopback() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeCamera)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        result = RUNNER.invoke(
            main, ["audit", "probe", f"http://127.0.0.1:{port}", "--authorised", "--json"]
        )
    finally:
        server.shutdown()
    assert result.exit_code == 0, result.output
    device = json.loads(result.stdout.splitlines()[0])
    assert (device["ip"], device["port"], device["manufacturer"]) == (
        "127.0.0.1",
        port,
        "Hikvision",
    )
    assert set(_FakeCamera.requests) <= {"GET /", "GET /favicon.ico"}


@pytest.mark.django_db
def test_load_attaches_holdings_once(scan: Path) -> None:
    from camwatch.registry.models import Holding, Source

    before = Holding.objects.count()
    result = invoke(str(scan), "--load", "camden", "--workers", "1")
    assert result.exit_code == 0, result.output
    loaded = Holding.objects.filter(method="network_audit", body__slug="camden")
    assert loaded.exists()
    assert {h.vendor.slug for h in loaded} >= {"hikvision", "dahua"}
    source = Source.objects.get(key__startswith="network-audit-")
    assert all(source in h.sources.all() for h in loaded)
    # Citations are public: no device's address appears in them.
    addresses = {json.loads(line)["ip"] for line in scan.read_text().splitlines()}
    for holding in loaded:
        quote = holding.citations.get().quote
        assert "matched rule" in quote
        assert not any(address in quote for address in addresses)
    total = sum(h.count for h in loaded)
    again = invoke(str(scan), "--load", "camden", "--workers", "1")
    assert again.exit_code == 0
    assert Holding.objects.count() == before + loaded.count()
    assert sum(h.count for h in loaded.all()) == total
    assert "unchanged" in again.output


@pytest.mark.django_db
def test_load_into_an_unknown_body_stores_nothing(scan: Path) -> None:
    from camwatch.registry.models import Holding, Source

    holdings, sources = Holding.objects.count(), Source.objects.count()
    result = RUNNER.invoke(main, ["audit", str(scan), "--load", "no-such-body", "--workers", "1"])
    assert result.exit_code == 1
    assert "no-such-body" in result.output
    assert (Holding.objects.count(), Source.objects.count()) == (holdings, sources)
