"""The fast path (netaudit/fast.py, runner.py): the pre-filter finds what parsing every
line finds; chunks, workers and gzip change nothing; bad lines keep their numbers."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import orjson
import pytest
from benchmarks.netaudit_synthetic import write

from camwatch.netaudit import runner
from camwatch.netaudit.fusion import fuse
from camwatch.netaudit.observation import ReadReport
from camwatch.netaudit.readers import zgrab2
from camwatch.netaudit.rules import bundled_rules
from camwatch.netaudit.vendors import register

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

JUNK = [
    b"",  # blank: not a record
    b"\x00\xff\xfe binary junk \x01",
    b'{"ip": "192.0.2.7", "data": {"http": {"result": {"response": {"headers": '
    b'{"server": ["Hikvision-Webs"]',
    b'{"ip": "192.0.2.8", "data": ',
    b"[1, 2, 3]",
]


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 synthetic records with junk lines spliced in at known places."""
    folder = tmp_path_factory.mktemp("scan")
    clean = write(folder / "clean.jsonl", 3000).read_bytes().splitlines()
    lines: list[bytes] = []
    for number, line in enumerate(clean):
        if number % 600 == 5:
            lines.extend(JUNK)
        lines.append(line)
    path = folder / "scan.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def http_record(ip: str, body: str) -> dict:
    """A zgrab2 line of one HTTP response with this body."""
    response = {"status_code": 200, "body": body}
    return {"ip": ip, "data": {"http": {"result": {"response": response}}}}


def run_audit(path: Path, **options) -> tuple[list[dict], ReadReport]:
    out = io.BytesIO()
    run = runner.AuditRun(paths=[path], write=out.write, collect=False, **options)
    list(runner.audit(run))
    return [orjson.loads(line) for line in out.getvalue().splitlines()], run.report


def bad_lines(report: ReadReport) -> set[int]:
    return {problem.line for problem in report.examples}


def test_prefilter_finds_what_parsing_every_line_finds(scan: Path) -> None:
    fast, fast_report = run_audit(scan, workers=1)
    strict, strict_report = run_audit(scan, workers=1, strict=True)
    assert fast == strict
    assert len(fast) > 350
    # Every junk line is counted, with its line number, on both paths.
    junk_numbers = {
        n for n, line in enumerate(scan.read_bytes().split(b"\n"), 1) if line in JUNK[1:]
    }
    assert bad_lines(fast_report) == bad_lines(strict_report) == junk_numbers


def test_fast_path_equals_the_reader_and_fusion_one_record_at_a_time(scan: Path) -> None:
    fast, _ = run_audit(scan, workers=1)
    rules, registry = bundled_rules(), register()
    expected = []
    with scan.open("rb") as stream:
        for observation in zgrab2.read(stream, str(scan), ReadReport()):
            device = fuse([observation], rules, registry)
            if device is not None and device.of_concern:  # the default reports only these
                expected.append(orjson.loads(orjson.dumps(device.as_dict(registry))))
    assert fast == expected


def test_chunks_and_workers_change_nothing(scan: Path, monkeypatch) -> None:
    whole, whole_report = run_audit(scan, workers=1)
    monkeypatch.setattr(runner, "CHUNK_BYTES", 50_000)
    assert len(list(runner.chunk_ranges(scan))) > 10
    split, split_report = run_audit(scan, workers=2)
    assert split == whole
    assert bad_lines(split_report) == bad_lines(whole_report)
    assert split_report.records == whole_report.records


def test_gzip_gives_the_same_answer(scan: Path, tmp_path: Path, monkeypatch) -> None:
    plain, _ = run_audit(scan, workers=1)
    packed = tmp_path / "scan.jsonl.gz"
    packed.write_bytes(gzip.compress(scan.read_bytes(), mtime=0))
    monkeypatch.setattr(runner, "CHUNK_BYTES", 70_000)
    zipped, report = run_audit(packed, workers=2)
    assert not any("compressed" in problem.reason for problem in report.examples)

    def numbered(records: list[dict]) -> list[tuple[str, dict]]:
        return [(r.pop("records")[0].rsplit(":", 1)[1], r) for r in records]

    assert numbered(zipped) == numbered(plain)


def test_line_numbers_point_at_the_record(scan: Path) -> None:
    fast, _ = run_audit(scan, workers=1)
    lines = scan.read_bytes().split(b"\n")
    for device in fast[:50]:
        number = int(device["records"][0].rsplit(":", 1)[1])
        assert orjson.loads(lines[number - 1])["ip"] == device["ip"]


def test_summary_counts_every_device(scan: Path) -> None:
    run = runner.AuditRun(paths=[scan], workers=1, collect=True)
    devices = list(runner.audit(run))
    assert run.summary.devices == len(devices)
    assert run.summary.of_concern == sum(device.of_concern for device in devices)
    assert run.summary.records == run.report.records


def _compare(
    tmp_path: Path, lines: list[dict], name: str, fmt: str, all_makers: bool = False
) -> list[dict]:
    """Fast and strict runs over the lines agree (zgrab2 lines among generic web servers);
    the devices found."""
    body = [orjson.dumps(line) for line in lines]
    if fmt == "zgrab2":
        filler = write(tmp_path / "filler.jsonl", 40).read_bytes().splitlines()
        body = [*filler[:20], *body, *filler[20:]]
    path = tmp_path / name
    path.write_bytes(b"\n".join(body) + b"\n")
    fast, _ = run_audit(path, workers=1, fmt=fmt, all_makers=all_makers)
    strict, _ = run_audit(path, workers=1, strict=True, fmt=fmt, all_makers=all_makers)
    assert fast == strict
    return [device for device in fast if device["ip"].startswith("192.0.2.")]


def test_model_codes_alone_trigger_the_prefilter(tmp_path: Path) -> None:
    from camwatch.netaudit import grammar

    models = [ex.model for r in grammar.load_model_rules().rules for ex in r.examples]
    lines = [
        http_record(f"192.0.2.{n % 250}", f"<html><title>{model}</title></html>")
        for n, model in enumerate(models)
    ]
    found = _compare(tmp_path, lines, "models.jsonl", "zgrab2")
    assert len(found) >= len(models) * 0.9


def test_firmware_vendor_names_and_macs_alone_trigger_the_prefilter(tmp_path: Path) -> None:
    from camwatch.netaudit import grammar
    from camwatch.netaudit.vendors import register

    firmware = [
        ex.text
        for g in grammar.load_firmware_grammars().grammars
        if g.manufacturer and "build" in g.pattern.groupindex
        for ex in g.examples
        if ex.build is not None or ex.platform
    ]
    shodan = [{"ip_str": "192.0.2.1", "port": 80, "data": "", "version": text} for text in firmware]
    mac = {"44:19:B6:01:02:03": {}}
    shodan.append({"ip_str": "192.0.2.2", "port": 80, "data": "", "mac": mac})
    found = _compare(tmp_path, shodan, "shodan.jsonl", "shodan")
    assert len(found) >= len(shodan) * 0.9
    names = sorted({name for name in register().names if name.isascii()})
    censys = [
        {"ip": "192.0.2.3", "services": [{"port": 80, "software": [{"vendor": name}]}]}
        for name in names
    ]
    found = _compare(tmp_path, censys, "censys.jsonl", "censys", all_makers=True)
    assert len(found) >= len(names) * 0.9


def test_truncated_gzip_keeps_what_came_before_and_counts_the_break(
    scan: Path, tmp_path: Path
) -> None:
    packed = gzip.compress(scan.read_bytes(), mtime=0)
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(packed[: len(packed) // 2])
    devices, report = run_audit(broken, workers=1, fmt="zgrab2")
    whole, _ = run_audit(scan, workers=1)
    assert 0 < len(devices) < len(whole)
    assert devices == [
        dict(d, records=[r.replace(str(scan), str(broken)) for r in d["records"]])
        for d in whole[: len(devices)]
    ]
    assert any("compressed data ends" in problem.reason for problem in report.examples)


def test_body_markers_are_found_by_both_paths(tmp_path: Path) -> None:
    from camwatch.netaudit.rules import bundled_rules

    bodies = [
        str(example["value"])
        for rule in bundled_rules().by_field.get("http.body", ())
        for example in rule.examples
    ]
    assert bodies
    lines = [
        http_record(f"192.0.2.{n + 1}", f"<html><body>{body}</body></html>")
        for n, body in enumerate(bodies)
    ]
    found = _compare(tmp_path, lines, "bodies.jsonl", "zgrab2")
    assert {device["evidence"][0]["signal"] for device in found} >= {"http.body"}


def test_a_bare_version_names_no_maker(tmp_path: Path) -> None:
    lines = [
        {"ip_str": "192.0.2.9", "port": 80, "data": "", "product": "nginx", "version": v}
        for v in ("1.18.0-6", "2.4.41", "V2.3.8-8")
    ]
    assert _compare(tmp_path, lines, "versions.jsonl", "shodan") == []


def test_every_build_dated_firmware_example_holds_its_trigger() -> None:
    import re

    from camwatch.netaudit import grammar

    for rule in grammar.load_firmware_grammars().grammars:
        if not (rule.manufacturer and "build" in rule.pattern.groupindex):
            continue
        assert rule.trigger, rule.id
        for example in rule.examples:
            assert re.search(rule.trigger, example.text, re.IGNORECASE), (rule.id, example.text)


@pytest.mark.parametrize("all_makers", [False, True])
def test_other_makers_only_with_all_makers(scan: Path, all_makers: bool) -> None:
    fast, _ = run_audit(scan, workers=1, all_makers=all_makers)
    strict, _ = run_audit(scan, workers=1, strict=True, all_makers=all_makers)
    assert fast == strict
    makers = {device["manufacturer"] for device in fast}
    assert {"Hikvision", "Dahua"} <= makers
    others = makers - {"Hikvision", "Dahua"}
    assert bool(others) is all_makers
    assert all(device["of_concern"] for device in fast) is not all_makers
