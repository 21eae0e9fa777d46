"""The scan readers (zgrab2, Shodan, Censys) and the inventory reader: what each record
gives, how bad records are counted, and that no input makes them fail in another way."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Generator
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO, cast

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from camwatch.netaudit.observation import AuditInputError, BadRecord, Observation, ReadReport
from camwatch.netaudit.readers import censys, common, detect, inventory, read_path, shodan, zgrab2

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

DATA = Path(__file__).parent / "data" / "netaudit"
HIK_SUBJECT = "CN=www.hikvision.com, OU=DVRNVR, O=HIKVISION, L=HangZhou"
DAHUA_REALM_START = 'Digest realm="Login to ND011811000000"'
FIXTURES = {
    "zgrab2-cameras.jsonl": "zgrab2",
    "shodan-cameras.jsonl": "shodan",
    "shodan-search.json": "shodan",
    "shodan-array.json": "shodan",
    "shodan-host.json": "shodan",
    "censys-hosts.jsonl": "censys",
    "inventory-cameras.csv": "inventory",
    "inventory-semicolon.csv": "inventory",
}
MODULES: dict[str, ModuleType] = {
    "zgrab2": zgrab2,
    "shodan": shodan,
    "censys": censys,
    "inventory": inventory,
}


def read_bytes(
    module: ModuleType, data: bytes, source: str = "input"
) -> tuple[list[Observation], ReadReport]:
    report = ReadReport()
    return list(module.read(io.BytesIO(data), source, report)), report


def read_fixture(name: str) -> tuple[list[Observation], ReadReport]:
    report = ReadReport()
    return list(read_path(DATA / name, report, FIXTURES[name])), report


def by_address(observations: list[Observation]) -> dict[tuple[str | None, int | None], Any]:
    return {(found.ip, found.port): found.signals for found in observations}


# zgrab2


def test_zgrab2_reads_every_line_of_the_fixture() -> None:
    found, report = read_fixture("zgrab2-cameras.jsonl")
    assert (report.records, report.bad) == (11, 0)
    assert [item.line for item in found] == list(range(1, 12))
    assert all(item.source.endswith("zgrab2-cameras.jsonl") for item in found)


def test_zgrab2_hikvision_http_on_a_port_named_in_the_url() -> None:
    signals = by_address(read_fixture("zgrab2-cameras.jsonl")[0])[("198.51.100.10", 8080)]
    assert signals["http.server"] == "App-webs/"
    assert signals["http.body"].startswith("<!DOCTYPE html>")
    assert "http.title" not in signals  # an empty <title></title> is no title


def test_zgrab2_https_certificate_and_default_port() -> None:
    signals = by_address(read_fixture("zgrab2-cameras.jsonl")[0])[("198.51.100.11", 443)]
    assert signals["tls.subject"] == HIK_SUBJECT
    assert signals["tls.issuer"] == HIK_SUBJECT
    assert signals["http.server"] == "Hikvision-Webs"


def test_zgrab2_dahua_title_and_digest_realm() -> None:
    signals = by_address(read_fixture("zgrab2-cameras.jsonl")[0])[("198.51.100.12", 80)]
    assert signals["http.title"] == "WEB SERVICE"
    assert signals["http.wwwauth"].startswith(DAHUA_REALM_START)
    assert "http.server" not in signals


def test_zgrab2_axis_upper_case_title_location_and_entities() -> None:
    found = by_address(read_fixture("zgrab2-cameras.jsonl")[0])
    axis = found[("198.51.100.13", 80)]
    assert axis["http.title"] == "AXIS P1344 Network Camera"
    assert axis["http.location"] == "/view/viewer_index.shtml?id=150"
    assert found[("198.51.100.15", 80)]["http.title"] == "Login \u2013 NVR & DVR"
    assert found[("198.51.100.14", 80)]["hostname"] == "www.example.org"


def test_zgrab2_other_modules() -> None:
    found = by_address(read_fixture("zgrab2-cameras.jsonl")[0])
    # ssh and telnet on one line: two ports, none named, so no port.
    assert found[("198.51.100.16", None)] == {
        "ssh.banner": "SSH-2.0-OpenSSH_7.4",
        "telnet.banner": "192.0.0.64 login:",
    }
    assert found[("198.51.100.17", 554)] == {"rtsp.server": "Dahua Rtsp Server"}
    assert found[("198.51.100.18", 21)]["ftp.banner"].startswith("220 AXIS P1344")


def test_zgrab2_v1_shape_and_a_timed_out_host() -> None:
    found = by_address(read_fixture("zgrab2-cameras.jsonl")[0])
    assert found[("198.51.100.19", 81)]["http.server"] == "DVRDVS-Webs"
    assert found[("198.51.100.19", 81)]["http.title"] == "DVR"
    assert found[("198.51.100.20", None)] == {}


def test_zgrab2_line_port_body_limit_and_redirect_location() -> None:
    body = "<html><title>x</title>" + "a" * 20000
    record = {
        "ip": "192.0.2.1",
        "port": 8443,
        "data": {
            "http": {
                "result": {
                    "response": {"headers": {"server": ["  lighttpd  "]}, "body": body},
                    "redirect_response_chain": [{"headers": {"location": ["/login.html"]}}],
                }
            }
        },
    }
    found = zgrab2.to_observation(record, "s", 3)
    assert found is not None
    assert (found.ip, found.port, found.line) == ("192.0.2.1", 8443, 3)
    assert found.signals["http.server"] == "lighttpd"
    assert len(found.signals["http.body"]) == 8192
    assert found.signals["http.location"] == "/login.html"


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("<html><head><title>Index</title></head>", "Index"),
        ("<HTML><TITLE>Upper</TITLE></HTML>", "Upper"),
        ('<title id="t">With attributes</Title>', "With attributes"),
        ("<title>\n   Split\n   over lines\n</title>", "Split over lines"),
        ("<title>Caf&eacute; &amp; bar</title>", "Caf\u00e9 & bar"),
        ("<title>Never closed", "Never closed"),
        ("<title></title>", None),
        ("no title here", None),
        ("x" * 70000 + "<title>Too far</title>", None),
    ],
)
def test_title_of(body: str, title: str | None) -> None:
    assert zgrab2.title_of(body) == title


def test_zgrab2_records_without_address_and_of_the_wrong_shape() -> None:
    assert zgrab2.to_observation({"data": {}}, "s", 1) is None
    assert zgrab2.to_observation({"ip": "", "data": {}}, "s", 1) is None
    named = zgrab2.to_observation({"domain": "cam.example"}, "s", 1)
    assert named is not None
    assert (named.ip, named.signals) == (None, {"hostname": "cam.example"})
    wrong: list[Any] = [
        [],
        "text",
        {"ip": 7},
        {"ip": "192.0.2.1", "data": [1]},
        {"ip": "1", "port": "x"},
    ]
    for bad in wrong:
        with pytest.raises(ValueError, match=r"."):
            zgrab2.to_observation(bad, "s", 1)


# Shodan


def test_shodan_hikvision_http_banner() -> None:
    found, report = read_fixture("shodan-cameras.jsonl")
    assert (report.records, report.bad) == (10, 0)
    signals = by_address(found)[("203.0.113.10", 80)]
    assert signals["http.server"] == "App-webs/"
    assert signals["favicon.mmh3"] == "999357577"
    assert len(signals["favicon.md5"]) == 32
    assert signals["mac"] == "44:19:B6:12:34:56"
    assert signals["hostname"] == "cam-10.example.net"
    assert signals["service.product"] == "Hikvision IP Camera"
    assert signals["service.devicetype"] == "webcam"
    assert (signals["model"], signals["firmware"]) == ("DS-2CD2143G0-I", "V5.5.800 build 210628")
    assert "http.title" not in signals
    assert "http.location" not in signals  # Shodan's http.location is the page's path


def test_shodan_certificate_names_in_a_stable_order() -> None:
    signals = by_address(read_fixture("shodan-cameras.jsonl")[0])[("203.0.113.11", 443)]
    assert signals["tls.subject"] == HIK_SUBJECT
    assert signals["tls.issuer"] == HIK_SUBJECT  # given in another order
    assert shodan.dn_of({"C": "GB", "emailAddress": "a@b", "CN": "x", "ST": "Kent"}) == (
        "CN=x, ST=Kent, C=GB, emailAddress=a@b"
    )
    assert shodan.dn_of({}) is None


def test_shodan_dahua_rtsp_and_http_banners() -> None:
    found = by_address(read_fixture("shodan-cameras.jsonl")[0])
    rtsp = found[("203.0.113.12", 554)]
    assert rtsp["rtsp.server"] == "Dahua Rtsp Server"
    assert rtsp["rtsp.realm"].startswith(DAHUA_REALM_START)
    assert found[("203.0.113.12", 80)]["http.title"] == "WEB SERVICE"


def test_shodan_raw_banners_by_module() -> None:
    found = by_address(read_fixture("shodan-cameras.jsonl")[0])
    assert found[("203.0.113.13", 23)] == {"telnet.banner": "192.0.0.64 login:"}
    assert found[("203.0.113.14", 22)] == {"ssh.banner": "SSH-2.0-OpenSSH_7.4"}
    assert found[("203.0.113.15", 21)]["ftp.banner"].startswith("220 AXIS P1344")
    assert found[("203.0.113.16", 161)] == {
        "snmp.sysdescr": "Hikvision IP camera DS-2CD2043G0-I",
        "snmp.sysobjectid": "1.3.6.1.4.1.39165.1.1",
    }
    assert found[("203.0.113.18", 37777)] == {"banner": "\x00\x01dahua-dvrip\x00"}


def test_shodan_headers_from_the_raw_response() -> None:
    signals = by_address(read_fixture("shodan-cameras.jsonl")[0])[("203.0.113.17", 80)]
    assert signals["http.server"] == "nginx/1.18.0"
    assert signals["http.location"] == "https://203.0.113.17/"
    banner = {
        "ip_str": "192.0.2.9",
        "port": 8080,
        "data": 'HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm="hikvision"\r\n'
        "Server: Hikvision-Webs\r\n\r\n<html>",
        "http": {"server": "Given-In-Http"},
    }
    found = shodan.to_observation(banner, "s", 1)
    assert found is not None
    assert found.signals["http.server"] == "Given-In-Http"
    assert found.signals["http.wwwauth"] == 'Basic realm="hikvision"'


def test_shodan_module_unknown_port_decides_and_banner_is_cut() -> None:
    telnet = shodan.to_observation({"ip_str": "192.0.2.9", "port": 23, "data": "login:"}, "s", 1)
    assert telnet is not None
    assert telnet.signals == {"telnet.banner": "login:"}
    other = shodan.to_observation({"ip_str": "192.0.2.9", "port": 9, "data": "z" * 5000}, "s", 1)
    assert other is not None
    assert len(other.signals["banner"]) == 1024


def test_shodan_snmp_section_and_numeric_address() -> None:
    banner = {
        "ip": 3221225994,
        "port": 161,
        "snmp": {"description": "DH-IPC-HFW2431S", "objectid": "1.3.6.1.4.1.37496.1"},
    }
    found = shodan.to_observation(banner, "s", 1)
    assert found is not None
    assert found.ip == "192.0.2.10"
    assert found.signals["snmp.sysobjectid"] == "1.3.6.1.4.1.37496.1"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "shodan-search.json",
            [("203.0.113.10", 80), ("203.0.113.11", 443), ("203.0.113.12", 554)],
        ),
        ("shodan-array.json", [("203.0.113.13", 23), ("203.0.113.14", 22), ("203.0.113.15", 21)]),
        ("shodan-host.json", [("203.0.113.12", 554), ("203.0.113.12", 80)]),
    ],
)
def test_shodan_json_documents(name: str, expected: list[tuple[str, int]]) -> None:
    found, report = read_fixture(name)
    assert [(item.ip, item.port) for item in found] == expected
    assert (report.records, report.bad) == (len(expected), 0)


def test_shodan_search_result_on_one_line() -> None:
    matches = [
        json.loads(line) for line in (DATA / "shodan-cameras.jsonl").read_text().splitlines()
    ]
    data = orjson.dumps({"matches": matches[:2], "total": 2}) + b"\n"
    found, report = read_bytes(shodan, data)
    assert [(item.ip, item.line) for item in found] == [("203.0.113.10", 1), ("203.0.113.11", 1)]
    assert report.records == 2


def test_shodan_host_document_on_one_line() -> None:
    host = json.loads((DATA / "shodan-host.json").read_text())
    found, report = read_bytes(shodan, orjson.dumps(host) + b"\n")
    assert [(item.ip, item.port, item.line) for item in found] == [
        ("203.0.113.12", 554, 1),
        ("203.0.113.12", 80, 1),
    ]
    assert report.records == 2
    assert shodan.to_observation(host, "s", 1) is None


def test_shodan_truncated_array_counts_one_bad_record() -> None:
    found, report = read_bytes(shodan, b'[{"ip_str": "192.0.2.1", "port": 80}, {"ip_str": "19')
    assert [item.ip for item in found] == ["192.0.2.1"]
    assert report.bad == 1
    assert "invalid JSON document" in report.examples[0].reason


def test_shodan_records_without_address_and_of_the_wrong_shape() -> None:
    assert shodan.to_observation({"port": 80}, "s", 1) is None
    wrong: tuple[Any, ...] = (
        [],
        {"ip_str": 5},
        {"ip": [1]},
        {"ip": -1},
        {"ip_str": "1", "http": [1]},
        {"ip_str": "1", "port": []},
    )
    for bad in wrong:
        with pytest.raises(ValueError, match=r"."):
            shodan.to_observation(bad, "s", 1)


# Censys


def test_censys_one_observation_per_service() -> None:
    found, report = read_fixture("censys-hosts.jsonl")
    assert (report.records, report.bad) == (6, 0)
    assert len(found) == 13
    hik = by_address(found)
    assert hik[("192.0.2.10", 80)]["http.server"] == "App-webs/"
    assert hik[("192.0.2.10", 80)]["favicon.md5"] == "89b932fcc47cf4ca3faadb0cfdef89cf"
    assert hik[("192.0.2.10", 80)]["vendor"] == "Hikvision"
    assert hik[("192.0.2.10", 80)]["hostname"] == "cam-10.example.com"
    assert hik[("192.0.2.10", 443)]["tls.subject"] == HIK_SUBJECT
    assert hik[("192.0.2.10", 443)]["http.wwwauth"] == 'Basic realm="hikvision"'
    assert hik[("192.0.2.10", 554)]["rtsp.realm"].startswith('Digest realm="Hikvision"')


def test_censys_dahua_services() -> None:
    found = by_address(read_fixture("censys-hosts.jsonl")[0])
    assert found[("192.0.2.20", 80)]["http.title"] == "WEB SERVICE"
    assert found[("192.0.2.20", 554)]["rtsp.server"] == "Dahua Rtsp Server"
    assert found[("192.0.2.20", 554)]["rtsp.realm"].startswith(DAHUA_REALM_START)
    assert found[("192.0.2.20", 161)] == {
        "snmp.sysdescr": "DH-IPC-HFW2431S",
        "snmp.sysobjectid": "1.3.6.1.4.1.37496.1",
    }
    assert found[("192.0.2.20", 23)] == {"telnet.banner": "IPC login:"}


def test_censys_axis_nginx_and_other_banners() -> None:
    found = by_address(read_fixture("censys-hosts.jsonl")[0])
    axis = found[("192.0.2.30", 21)]
    assert axis["ftp.banner"].startswith("220 AXIS P1344")
    assert (axis["vendor"], axis["service.product"], axis["service.version"]) == (
        "Axis",
        "P1344",
        "5.40.9.2",
    )
    assert found[("192.0.2.30", 22)] == {"ssh.banner": "SSH-2.0-OpenSSH_7.4"}
    nginx = found[("192.0.2.40", 443)]
    assert (nginx["http.server"], nginx["http.location"]) == ("nginx", "https://example.com/")
    assert found[("192.0.2.40", 9999)] == {"banner": "hello from a custom daemon"}


def test_censys_platform_shape_and_a_host_without_services() -> None:
    found = by_address(read_fixture("censys-hosts.jsonl")[0])
    platform = found[("192.0.2.50", 8000)]
    assert platform["http.server"] == "Hikvision-Webs"
    assert platform["favicon.mmh3"] == "999357577"
    assert platform["favicon.md5"] == "efca7d9aeaad122133c65cdf628ac574"
    assert platform["tls.subject"] == HIK_SUBJECT
    assert platform["vendor"] == "Hikvision"
    assert found[("192.0.2.60", None)] == {}


def test_censys_api_answer_wrapper() -> None:
    record = {"code": 200, "result": {"ip": "192.0.2.7", "services": [{"port": 80}]}}
    assert [(item.ip, item.port) for item in censys.to_observations(record, "s", 1)] == [
        ("192.0.2.7", 80)
    ]


def test_censys_records_without_address_and_of_the_wrong_shape() -> None:
    assert censys.to_observations({"services": []}, "s", 1) == []
    wrong: list[Any] = [[], {"ip": 5}, {"ip": "1", "services": [1]}, {"ip": "1", "services": 3}]
    for bad in wrong:
        with pytest.raises(ValueError, match=r"."):
            censys.to_observations(bad, "s", 1)


# JSON Lines in general


@pytest.mark.parametrize(
    "name", ["zgrab2-cameras.jsonl", "shodan-cameras.jsonl", "censys-hosts.jsonl"]
)
def test_bad_lines_are_counted_with_their_numbers_and_the_rest_read(name: str) -> None:
    module = MODULES[FIXTURES[name]]
    good = (DATA / name).read_bytes().splitlines()
    data = b"\n".join(
        [
            good[0],
            b"{not json",
            b"",
            b"\x00\xff\xfe\x89PNG\r\x1a binary",
            good[1],
            b"[1, 2]",
            b"   ",
        ]
    )
    found, report = read_bytes(module, data + b"\n", "mixed")
    assert {item.line for item in found} == {1, 5}
    assert report.records == 2
    assert report.bad == 3
    assert [(bad.source, bad.line) for bad in report.examples] == [
        ("mixed", 2),
        ("mixed", 4),
        ("mixed", 6),
    ]
    assert report.examples[0].reason.startswith("invalid JSON")
    assert report.examples[2].reason == "not a JSON object"


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_gzip_through_read_path(name: str, tmp_path: Path) -> None:
    packed = tmp_path / f"{name}.gz"
    packed.write_bytes(gzip.compress((DATA / name).read_bytes()))
    plain_found, plain_report = read_fixture(name)
    report = ReadReport()
    found = list(read_path(packed, report))
    assert [(item.ip, item.port, item.signals) for item in found] == [
        (item.ip, item.port, item.signals) for item in plain_found
    ]
    assert (report.records, report.bad) == (plain_report.records, plain_report.bad)
    assert report.formats == {FIXTURES[name]: 1}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_detect_picks_the_format(name: str) -> None:
    assert detect(DATA / name) == FIXTURES[name]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_only_the_right_reader_sniffs_a_fixture(name: str) -> None:
    head = (DATA / name).read_bytes()[:65536]
    claims = {format_name for format_name, module in MODULES.items() if module.sniff(head)}
    assert claims == {FIXTURES[name]}


@pytest.mark.parametrize(
    "head",
    [
        b'{"ip":"192.0.2.1","port":80,"proto":"tcp","rec_type":"banner",'
        b'"data":{"service_name":"http.server","banner":"App-webs/"}}\n',
        b'{"ip":"192.0.2.1","timestamp":"1","ports":[{"port":80,"proto":"tcp"}]}\n',
        b'<?xml version="1.0"?>\n<nmaprun>',
        b"\x00\x01\x02 binary",
        b"",
        b"[]",
        b"{}",
    ],
)
def test_scan_readers_do_not_claim_other_input(head: bytes) -> None:
    assert not any(module.sniff(head) for module in (zgrab2, shodan, censys))


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    lines = (DATA / "zgrab2-cameras.jsonl").read_bytes() * 400
    packed = gzip.compress(lines)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    report = ReadReport()
    found = list(read_path(path, report, "zgrab2"))
    assert found
    assert report.bad >= 1
    assert "cannot read further" in report.examples[-1].reason


class Breaking:
    """A stream that gives its data, then fails as a damaged gzip stream does."""

    def __init__(self, data: bytes, error: Exception) -> None:
        self.data = data
        self.error = error

    def read1(self, size: int = -1) -> bytes:
        if self.data:
            given, self.data = self.data[:size], self.data[size:]
            return given
        raise self.error

    read = read1


@pytest.mark.parametrize(
    "error",
    [
        zlib.error("Error -3 while decompressing data: invalid block type"),
        EOFError("Compressed file ended before the end-of-stream marker was reached"),
        gzip.BadGzipFile("CRC check failed"),
    ],
)
@pytest.mark.parametrize(
    ("name", "count"),
    [("zgrab2-cameras.jsonl", 11), ("censys-hosts.jsonl", 13), ("inventory-cameras.csv", 5)],
)
def test_a_damaged_stream_keeps_what_was_read(name: str, count: int, error: Exception) -> None:
    module = MODULES[FIXTURES[name]]
    report = ReadReport()
    stream = cast(BinaryIO, Breaking((DATA / name).read_bytes(), error))
    found = list(module.read(stream, "damaged", report))
    assert len(found) == count
    assert report.examples[-1].reason.startswith("cannot read further")
    with pytest.raises(AuditInputError, match="damaged: cannot read"):
        list(module.read(cast(BinaryIO, Breaking(b"", error)), "damaged", ReadReport()))


def test_records_are_counted_when_the_reader_stops_early() -> None:
    data = (DATA / "zgrab2-cameras.jsonl").read_bytes()
    report = ReadReport()
    reading = cast(Generator[Observation, None, None], zgrab2.read(io.BytesIO(data), "s", report))
    next(reading)
    next(reading)
    reading.close()
    assert report.records == 2


class Pieces:
    """A stream whose reads return the given pieces, one a read."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = list(pieces)

    def read1(self, size: int = -1) -> bytes:
        return self.pieces.pop(0) if self.pieces else b""

    read = read1


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(st.binary(max_size=40) | st.sampled_from([b"\n", b"a\nb", b"\n\n"])))
def test_batches_cut_any_chunks_into_whole_lines(pieces: list[bytes]) -> None:
    report = ReadReport()
    stream = cast(BinaryIO, Pieces([piece for piece in pieces if piece]))
    lines = [line for batch in common.batches(stream, "s", report) for line in batch]
    data = b"".join(pieces)
    assert b"".join(lines) == data
    assert lines == io.BytesIO(data).readlines()
    assert report.bad == 0


def test_lines_across_tiny_chunks_read_as_usual(monkeypatch: pytest.MonkeyPatch) -> None:
    expected, _ = read_fixture("zgrab2-cameras.jsonl")
    monkeypatch.setattr(common, "BATCH_BYTES", 7)
    found, report = read_fixture("zgrab2-cameras.jsonl")
    assert [(item.line, item.signals) for item in found] == [
        (item.line, item.signals) for item in expected
    ]
    assert report.records == 11


def test_a_line_over_the_limit_is_counted_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "BATCH_BYTES", 16)
    monkeypatch.setattr(common, "LINE_LIMIT", 100)
    record = b'{"ip": "192.0.2.1", "data": {}}\n'
    data = record + b'{"ip": "' + b"x" * 500 + b'"}\n' + record + b"x" * 300
    for module in (zgrab2, shodan, censys):
        found, report = read_bytes(module, data)
        assert report.examples[:1] == [BadRecord("input", 2, "line over 64 MB")]
        assert [bad.line for bad in report.examples] == [2, 4]
    found, report = read_bytes(zgrab2, data)
    assert [item.line for item in found] == [1, 3]
    assert report.records == 2


# Inventory


def test_inventory_csv_columns_and_values() -> None:
    found, report = read_fixture("inventory-cameras.csv")
    rows = {item.line: item for item in found}
    assert rows[2].ip == "10.20.0.11"
    assert rows[2].port is None
    assert rows[2].signals == {
        "mac": "44:19:B6:12:34:56",
        "hostname": "Reception camera",
        "vendor": "Hikvision",
        "model": "DS-2CD2143G0-I",
        "firmware": "V5.5.800 build 210628",
        "serial": "DS-2CD2143G0-I20210701AAWRF12345678",
        "location": "HQ Reception",
    }
    assert rows[3].signals["mac"] == "3C:EF:8C:01:02:03"
    assert rows[4].signals["mac"] == "00:40:8C:12:34:56"
    assert report.records == 5


def test_inventory_bad_values_are_counted_and_the_row_kept() -> None:
    found, report = read_fixture("inventory-cameras.csv")
    rows = {item.line: item for item in found}
    assert "mac" not in rows[5].signals
    assert rows[5].signals["hostname"] == "Lobby"
    assert rows[8].ip is None
    assert rows[8].signals["hostname"] == "Yard camera"
    assert [(bad.line, bad.reason) for bad in report.examples] == [
        (5, "bad MAC address 'zz:zz:zz'"),
        (6, "no ip, mac, hostname or serial"),
        (8, "bad IP address 'not-an-ip'"),
    ]


def test_inventory_semicolons_and_other_aliases() -> None:
    found, report = read_fixture("inventory-semicolon.csv")
    assert (report.records, report.bad) == (2, 0)
    assert found[0].signals == {
        "hostname": "kamera-eingang",
        "mac": "44:19:B6:AA:BB:CC",
        "vendor": "Hikvision",
        "model": "DS-2CD2T47G2-L",
        "serial": "J12345678",
    }
    assert found[1].ip == "10.30.0.6"


def test_inventory_without_a_header_is_refused_naming_the_file() -> None:
    report = ReadReport()
    with pytest.raises(AuditInputError, match=r"inventory-noheader\.csv.*ip address") as caught:
        list(read_path(DATA / "inventory-noheader.csv", report, "inventory"))
    assert caught.value.source.endswith("inventory-noheader.csv")


def test_inventory_tab_separated_utf16() -> None:
    text = "Host Name\tIPv4\tMAC_Address\tMake\n cam-1 \t10.0.0.1\t4419.b612.3456\tHikvision\n"
    found, report = read_bytes(inventory, text.encode("utf-16"))
    assert report.bad == 0
    assert (found[0].ip, found[0].signals) == (
        "10.0.0.1",
        {"hostname": "cam-1", "mac": "44:19:B6:12:34:56", "vendor": "Hikvision"},
    )


def test_inventory_windows_1252_and_prefix_lengths() -> None:
    data = "ip;name;site\n10.0.0.2/24;Caméra hall;Bâtiment A\n".encode("cp1252")
    found, _ = read_bytes(inventory, data)
    assert (found[0].ip, found[0].signals["location"]) == ("10.0.0.2", "Bâtiment A")


def test_inventory_row_over_a_megabyte_is_counted_and_skipped() -> None:
    data = b"ip,name\n10.0.0.1,a\n10.0.0.2," + b"x" * (1 << 21) + b"\n10.0.0.3,c\n"
    found, report = read_bytes(inventory, data)
    assert [item.ip for item in found] == ["10.0.0.1", "10.0.0.3"]
    assert [(bad.line, bad.reason) for bad in report.examples] == [(3, "row longer than 1 MB")]


def test_inventory_quoted_field_over_a_megabyte_is_counted() -> None:
    # A stray quote: the field runs on over many lines until the csv module's limit.
    field = b'"' + (b"y" * 1000 + b"\n") * 1100
    data = b"ip,name\n10.0.0.1,a\n10.0.0.2," + field
    found, report = read_bytes(inventory, data)
    assert [item.ip for item in found] == ["10.0.0.1"]
    assert report.bad >= 1
    assert "field larger than field limit" in report.examples[0].reason


def test_inventory_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Camera estate, exported 2026-05-01"])
    devices = book.create_sheet("Devices")
    devices.append(["Site survey"])
    devices.append([])
    devices.append(["IP Address", "MAC", "Manufacturer", "Model", "Serial No.", "S/N", "Room"])
    devices.append(
        ["10.40.0.1", "44:19:b6:00:00:01", "Hikvision", "DS-2CD2143G0-I", None, 12345.0, "101"]
    )
    devices.append([None, None, None, None, None, None, None])
    devices.append(["10.40.0.2", "bad", "Dahua", "IPC-HDW2431T", None, "7J0A", 102])
    path = tmp_path / "estate.xlsx"
    book.save(path)
    assert detect(path) == "inventory"
    assert inventory.sniff(path.read_bytes()[:65536])
    report = ReadReport()
    found = list(read_path(path, report))
    assert [(item.ip, item.line) for item in found] == [("10.40.0.1", 4), ("10.40.0.2", 6)]
    assert found[0].signals == {
        "mac": "44:19:B6:00:00:01",
        "vendor": "Hikvision",
        "model": "DS-2CD2143G0-I",
        "serial": "12345",
        "location": "101",
    }
    assert found[1].signals["location"] == "102"
    assert [(bad.line, bad.reason) for bad in report.examples] == [(6, "bad MAC address 'bad'")]


def test_inventory_xlsx_without_a_header_and_a_damaged_workbook(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["10.0.0.1", "cam"])
    path = tmp_path / "plain.xlsx"
    book.save(path)
    with pytest.raises(AuditInputError, match=r"plain\.xlsx.*no header row"):
        list(read_path(path, ReadReport()))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[:300])
    with pytest.raises(AuditInputError, match=r"broken\.xlsx.*XLSX"):
        list(read_path(broken, ReadReport()))


@pytest.mark.parametrize(
    ("head", "claimed"),
    [
        (b"\xef\xbb\xbfIP Address,MAC Address,Notes\n", True),
        (b"\n\nhost_name;ip-address\n", True),
        (b"Serial\tManufacturer\n", True),
        (b"PK\x03\x04rest of a workbook", True),
        (b"Camera estate export\n\nIP Address,MAC Address\n", True),
        (b"ip\n10.0.0.1\n", False),
        (b"10.0.0.1,aa:bb:cc:dd:ee:ff\n", False),
        (b'{"ip": "192.0.2.1", "services": []}\n', False),
        (b"", False),
    ],
)
def test_inventory_sniff(head: bytes, claimed: bool) -> None:
    assert inventory.sniff(head) is claimed


def test_inventory_single_column_header_is_enough_to_read() -> None:
    found, report = read_bytes(inventory, b"IP\n10.0.0.1\n\n10.0.0.2\n")
    assert [item.ip for item in found] == ["10.0.0.1", "10.0.0.2"]
    assert report.records == 2


# Whatever the input: only Observations, counted bad records, or AuditInputError


KEYS = [
    "ip", "ip_str", "domain", "data", "http", "result", "response", "headers", "server",
    "www_authenticate", "location", "body", "request", "url", "host", "scheme", "tls_log",
    "handshake_log", "server_certificates", "certificate", "parsed", "subject_dn", "port",
    "protocol", "banner", "server_id", "raw", "ssh", "telnet", "tls", "_shodan", "module", "ssl",
    "cert", "subject", "issuer", "favicon", "hash", "html", "title", "mac", "hostnames", "snmp",
    "hikvision", "matches", "services", "service_name", "software", "vendor", "hardware",
    "endpoints", "favicons", "md5_hash", "leaf_data", "certificates", "oid_system", "dns",
    "reverse_dns", "names", "redirect_response_chain", "endpoint_id", "ipv6",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        ["192.0.2.1", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", "RTSP/1.0 200", "https"]
    )
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(KEYS) | st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


def _assume_only_observations(found: object) -> None:
    """Found is Observations (or None): signals are non-empty text, ports whole numbers."""
    items: list[object] = found if isinstance(found, list) else [found]
    for item in items:
        if item is None:
            continue
        assert isinstance(item, Observation)
        assert all(isinstance(value, str) and value for value in item.signals.values())
        assert item.port is None or isinstance(item.port, int)
        assert item.ip is None or isinstance(item.ip, str)


def _read_anything(module: ModuleType, data: bytes) -> None:
    report = ReadReport()
    try:
        found = list(module.read(io.BytesIO(data), "fuzz", report))
    except AuditInputError:
        return
    _assume_only_observations(found)
    assert report.bad >= 0
    assert report.records >= 0


@settings(max_examples=200, deadline=None)
@given(value=JSON)
def test_to_observation_takes_any_json(value: Any) -> None:
    for convert in (zgrab2.to_observation, shodan.to_observation, censys.to_observations):
        try:
            found = convert(value, "fuzz", 1)
        except ValueError:
            continue
        _assume_only_observations(found)


def _records(name: str) -> list[Any]:
    return [orjson.loads(line) for line in (DATA / name).read_bytes().splitlines()]


RECORDS = {
    zgrab2.to_observation: _records("zgrab2-cameras.jsonl"),
    shodan.to_observation: _records("shodan-cameras.jsonl"),
    censys.to_observations: _records("censys-hosts.jsonl"),
}


def _mutate(value: Any, steps: list[int], replacement: Any) -> Any:
    """The value with the part that `steps` lead to (child by index) replaced."""
    if not steps or not isinstance(value, dict | list) or not value:
        return replacement
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[steps[0] % len(keys)]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[key] = _mutate(value[key], steps[1:], replacement)
    return copy


@settings(max_examples=200, deadline=None)
@given(
    choice=st.integers(min_value=0, max_value=100),
    mutations=st.lists(
        st.tuples(st.lists(st.integers(min_value=0, max_value=50), max_size=10), JSON),
        min_size=1,
        max_size=3,
    ),
)
def test_to_observation_takes_damaged_real_records(
    choice: int, mutations: list[tuple[list[int], Any]]
) -> None:
    for convert, records in RECORDS.items():
        record = records[choice % len(records)]
        for steps, replacement in mutations:
            record = _mutate(record, steps, replacement)
        try:
            found = convert(record, "fuzz", 1)
        except ValueError:
            continue
        _assume_only_observations(found)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(JSON, max_size=6))
def test_read_takes_any_json_lines(values: list[Any]) -> None:
    data = b"".join(orjson.dumps(value) + b"\n" for value in values)
    for module in (zgrab2, shodan, censys):
        _read_anything(module, data)
        _read_anything(module, b"[" + b",".join(orjson.dumps(value) for value in values) + b"]")


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_read_takes_any_bytes(data: bytes) -> None:
    for module in MODULES.values():
        _read_anything(module, data)
        _read_anything(module, b"ip,mac,name\n" + data)
        _read_anything(module, b"PK\x03\x04" + data)
        assert module.sniff(data) in (True, False)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            st.sampled_from(["10.0.0.1", "44:19:B6:00:00:01", "zz", "", " ", '"', "a;b", "\x00"])
            | st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
            max_size=6,
        ),
        max_size=12,
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_inventory_takes_any_rows(rows: list[list[str]], delimiter: str) -> None:
    header = delimiter.join(["IP Address", "MAC", "Hostname", "Vendor", "Serial", "Site"])
    text = "\n".join([header, *(delimiter.join(row) for row in rows)]) + "\n"
    for encoding in ("utf-8", "utf-16", "cp1252"):
        data = text.encode(encoding, errors="replace")
        report = ReadReport()
        found = list(inventory.read(io.BytesIO(data), "fuzz", report))
        _assume_only_observations(found)
        assert report.records == len(found)
