"""A self-contained HTML report of a network audit (`camwatch audit FILE... --html REPORT.html`).

One HTML5 document with its CSS and a small filter script inline and nothing fetched from
anywhere: it opens from a USB stick on an air-gapped laptop. Everything shown is escaped,
because banners, titles and inventory fields are written by whoever controls the device.
The page is complete without JavaScript; the script only adds a filter box over the
device table.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

LEGAL_NOTE = (
    "For networks you are authorised to assess. Identification is passive: from banners "
    "and inventories; no device was logged into."
)

_NUM = ' class="num"'

DEVICE_COLUMNS = (
    "IP address",
    "Port",
    "Manufacturer",
    "Brand as sold",
    "Type",
    "Model",
    "Firmware",
    "Confidence",
    "CVEs",
    "Of concern",
    "Evidence",
)

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #1a1a1a; background: #fff; line-height: 1.45; }
header, main, footer { max-width: 90rem; margin: 0 auto; padding: 0 1.25rem; }
header { border-bottom: 2px solid #1a1a1a; padding-bottom: 0.75rem; }
h1 { margin: 1rem 0 0.5rem; font-size: 1.6rem; }
h2 { margin-top: 2rem; font-size: 1.25rem; }
a { color: #0b4f8a; }
.skip { position: absolute; left: -10000px; top: 0; background: #fff; color: #0b4f8a;
  padding: 0.5rem 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.skip:focus { left: 0.5rem; top: 0.5rem; z-index: 10; outline: 3px solid #0b4f8a; }
.legal { border-left: 4px solid #0b4f8a; background: #eef4fa; padding: 0.5rem 0.75rem; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0 0 0.5rem 0; }
.meta ul { margin: 0; padding-left: 1.25rem; }
.figures { display: flex; flex-wrap: wrap; gap: 0.75rem; padding: 0; margin: 0; }
.figures div { border: 1px solid #595959; border-radius: 4px; padding: 0.5rem 0.9rem;
  min-width: 10rem; }
.figures dt { font-size: 0.9rem; color: #3d3d3d; }
.figures dd { margin: 0; font-size: 1.6rem; font-weight: 700; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid #8a8a8a; padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { background: #e8e8e8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.concern td, tr.concern th { background: #fff1e0; }
.flag { font-weight: 700; color: #8a1c00; }
.kev { display: inline-block; background: #8a1c00; color: #fff; font-weight: 700;
  padding: 0 0.3rem; border-radius: 3px; font-size: 0.8rem; }
.possible { font-style: italic; color: #3d3d3d; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.88rem;
  word-break: break-all; }
th code, td > code { white-space: nowrap; word-break: normal; }
details code { white-space: normal; word-break: break-all; }
details summary { cursor: pointer; color: #0b4f8a; }
details ul { margin: 0.3rem 0; padding-left: 1.1rem; min-width: 20rem; }
.filter { margin: 0.5rem 0; }
.filter input { font-size: 1rem; padding: 0.25rem 0.4rem; min-width: 18rem; }
.note { border: 1px solid #8a8a8a; padding: 0.5rem 0.75rem; background: #f6f6f6; }
.wide { overflow-x: auto; }
"""

_SCRIPT = """
(function () {
  var wrap = document.getElementById("device-filter-wrap");
  var box = document.getElementById("device-filter");
  var status = document.getElementById("device-filter-status");
  var rows = Array.prototype.slice.call(
    document.querySelectorAll("#device-table > tbody > tr"));
  if (!wrap || !box || !rows.length) { return; }
  var texts = null;
  wrap.hidden = false;
  box.addEventListener("input", function () {
    if (texts === null) {
      texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    }
    var wanted = box.value.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = !wanted || texts[i].indexOf(wanted) !== -1;
      rows[i].hidden = !hit;
      if (hit) { shown++; }
    }
    status.textContent = shown + " of " + rows.length + " devices shown";
  });
})();
"""


def render_report(
    devices: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    *,
    title: str,
    sources: Sequence[str],
    bad_examples: Sequence[str] = (),
    generated: datetime.datetime | None = None,
    limit: int = 50_000,
) -> str:
    """The audit as one self-contained HTML5 document.

    `devices` are `Device.as_dict()` mappings and `summary` is `Summary.as_dict()`. At most
    `limit` devices are listed (of concern first, then by address); the page says how many
    were left out. Every value from the audit is HTML-escaped.
    """
    when = generated or datetime.datetime.now(datetime.UTC)
    ordered = sorted(devices, key=_device_order)
    parts = [
        _head(title),
        '<body>\n<a class="skip" href="#devices">Skip to the device table</a>\n',
        _header(title, sources, when),
        '<main id="main">\n',
        _figures(summary, devices),
        _vendor_table(summary.get("by_vendor") or ()),
        _cve_table(summary.get("by_cve") or ()),
        _device_section(ordered, max(limit, 0)),
        _bad_records(bad_examples, _int(summary.get("bad_records"))),
        _methods(),
        "</main>\n",
        _footer(),
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


# --- small helpers ---------------------------------------------------------------------


def _e(value: Any) -> str:
    """Any value as escaped text; None as an empty string."""
    return "" if value is None else escape(str(value), quote=True)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _count(value: Any) -> str:
    return f"{_int(value):,}"


def _confidence(value: Any) -> str:
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return ""


def _ip_key(ip: Any) -> tuple[int, int, str]:
    """Addresses in numeric order (IPv4 before IPv6), names after them, none last."""
    if ip is None or ip == "":
        return (3, 0, "")
    try:
        address = ipaddress.ip_address(str(ip))
    except ValueError:
        return (2, 0, str(ip))
    return (address.version // 6, int(address), "")


def _device_order(device: Mapping[str, Any]) -> tuple[bool, tuple[int, int, str], int]:
    return (not device.get("of_concern"), _ip_key(device.get("ip")), _int(device.get("port")))


def _has_kev(device: Mapping[str, Any]) -> bool:
    return any(cve.get("kev") for cve in device.get("cves") or ())


def _vendor_label(slug_or_name: Any) -> str:
    return _e(slug_or_name) if slug_or_name else '<span class="possible">unknown</span>'


# --- page sections ---------------------------------------------------------------------


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
    )


def _header(title: str, sources: Sequence[str], when: datetime.datetime) -> str:
    files = "".join(f"<li><code>{_e(source)}</code></li>" for source in sources)
    stamp = when.isoformat(timespec="seconds")
    shown = when.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    return (
        f"<header>\n<h1>{_e(title)}</h1>\n"
        f'<p class="legal" role="note">{_e(LEGAL_NOTE)}</p>\n'
        '<dl class="meta">\n'
        f"<dt>Input files ({len(sources):,})</dt><dd><ul>{files or '<li>none</li>'}</ul></dd>\n"
        f'<dt>Generated</dt><dd><time datetime="{_e(stamp)}">{_e(shown)}</time></dd>\n'
        "</dl>\n</header>\n"
    )


def _figures(summary: Mapping[str, Any], devices: Sequence[Mapping[str, Any]]) -> str:
    kev = summary.get("kev_devices")
    kev_count = _int(kev) if kev is not None else sum(1 for d in devices if _has_kev(d))
    figures = (
        ("records", "Records read", summary.get("records")),
        ("bad-records", "Bad records", summary.get("bad_records")),
        ("devices", "Devices identified", summary.get("devices", len(devices))),
        ("of-concern", "Of concern", summary.get("of_concern")),
        ("kev", "Devices with a CVE in CISA's KEV", kev_count),
    )
    items = "".join(
        f'<div id="figure-{key}"><dt>{_e(label)}</dt><dd>{_count(value)}</dd></div>'
        for key, label, value in figures
    )
    return (
        '<section aria-labelledby="figures-heading">\n'
        '<h2 id="figures-heading">Headline figures</h2>\n'
        f'<dl class="figures">{items}</dl>\n</section>\n'
    )


def _table(caption: str, table_id: str, headers: Iterable[tuple[str, bool]], body: str) -> str:
    """A table with a caption and column headers (`(label, numeric)` pairs)."""
    cells = "".join(
        f'<th scope="col"{_NUM if numeric else ""}>{_e(label)}</th>' for label, numeric in headers
    )
    return (
        f'<div class="wide"><table id="{table_id}">\n<caption>{_e(caption)}</caption>\n'
        f"<thead><tr>{cells}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>\n"
    )


def _vendor_table(rows: Iterable[Mapping[str, Any]]) -> str:
    body = "".join(
        f'<tr><th scope="row">{_vendor_label(row.get("manufacturer"))}</th>'
        f"<td>{_e(row.get('brand') or '')}</td>"
        f"<td>{_e(row.get('device_type') or 'unknown')}</td>"
        f'<td class="num">{_count(row.get("devices"))}</td></tr>\n'
        for row in rows
    )
    headers = (("Manufacturer", False), ("Brand", False), ("Type", False), ("Devices", True))
    return (
        '<section aria-labelledby="vendors-heading">\n'
        '<h2 id="vendors-heading">By manufacturer, brand and type</h2>\n'
        + (
            _table("Devices by manufacturer, brand and type", "vendor-table", headers, body)
            if body
            else "<p>No devices were identified.</p>\n"
        )
        + "</section>\n"
    )


def _cve_table(rows: Iterable[Mapping[str, Any]]) -> str:
    body = "".join(
        f'<tr><th scope="row"><code>{_e(row.get("cve"))}</code></th>'
        f"<td>{_kev_text(bool(row.get('kev')))}</td>"
        f'<td class="num">{_count(row.get("devices"))}</td></tr>\n'
        for row in rows
    )
    headers = (("CVE", False), ("In CISA's KEV catalogue", False), ("Devices", True))
    return (
        '<section aria-labelledby="cves-heading">\n'
        '<h2 id="cves-heading">By CVE</h2>\n'
        + (
            _table("Devices by CVE (KEV: known to be exploited)", "cve-table", headers, body)
            if body
            else "<p>No identified device matched a known CVE.</p>\n"
        )
        + "</section>\n"
    )


def _kev_text(kev: bool) -> str:
    return '<span class="kev">KEV</span> yes' if kev else "no"


# --- the device table ------------------------------------------------------------------


def _device_section(ordered: Sequence[Mapping[str, Any]], limit: int) -> str:
    shown = ordered[:limit]
    left_out = len(ordered) - len(shown)
    rows = "".join(_device_row(device) for device in shown)
    headers = ((label, label in ("Port", "Confidence")) for label in DEVICE_COLUMNS)
    caption = "Identified devices, of concern first, then by address"
    return (
        '<section id="devices" aria-labelledby="devices-heading" tabindex="-1">\n'
        '<h2 id="devices-heading">Devices</h2>\n'
        + _omitted(left_out, len(ordered))
        + _filter_box()
        + (_table(caption, "device-table", headers, rows) if rows else "<p>None.</p>\n")
        + "</section>\n"
    )


def _omitted(left_out: int, total: int) -> str:
    if left_out <= 0:
        return ""
    return (
        f'<p class="note" id="devices-left-out" role="note">Showing the first '
        f"{total - left_out:,} of {total:,} devices; {left_out:,} were left out of this page. "
        "The JSON output has all of them.</p>\n"
    )


def _filter_box() -> str:
    return (
        '<div class="filter" id="device-filter-wrap" hidden>'
        '<label for="device-filter">Filter devices (any text in the row)</label> '
        '<input type="search" id="device-filter" autocomplete="off" '
        'aria-describedby="device-filter-status"> '
        '<span id="device-filter-status" role="status" aria-live="polite"></span></div>\n'
    )


def _device_row(device: Mapping[str, Any]) -> str:
    concern = bool(device.get("of_concern"))
    cells = (
        f'<th scope="row"><code>{_e(device.get("ip"))}</code></th>'
        f'<td class="num">{_e(device.get("port"))}</td>'
        f"<td>{_vendor_label(device.get('manufacturer'))}</td>"
        f"<td>{_e(device.get('brand'))}</td>"
        f"<td>{_e(device.get('device_type'))}</td>"
        f"<td>{_e(device.get('model'))}</td>"
        f"<td>{_e(device.get('firmware'))}</td>"
        f'<td class="num">{_confidence(device.get("confidence"))}</td>'
        f"<td>{_device_cves(device.get('cves') or ())}</td>"
        f"<td>{_concern_text(concern)}</td>"
        f"<td>{_evidence(device)}</td>"
    )
    row_class = ' class="concern"' if concern else ""
    return f"<tr{row_class}>{cells}</tr>\n"


def _concern_text(concern: bool) -> str:
    return '<strong class="flag">Yes: of concern</strong>' if concern else "No"


def _device_cves(cves: Iterable[Mapping[str, Any]]) -> str:
    items = []
    for cve in cves:
        text = f"<code>{_e(cve.get('cve'))}</code>"
        if cve.get("kev"):
            text += ' <span class="kev">KEV</span>'
        if cve.get("certainty") == "possible":
            text += ' <span class="possible">(possible)</span>'
        items.append(text)
    return "<br>".join(items)


def _evidence(device: Mapping[str, Any]) -> str:
    evidence = list(device.get("evidence") or ())
    items = [_evidence_item(item) for item in evidence]
    items += _identity_items(device)
    items += [_cve_reason(cve) for cve in device.get("cves") or () if cve.get("reason")]
    hidden = f'<span class="visually-hidden"> for {_e(device.get("ip"))}</span>'
    label = f"Evidence ({len(evidence)}){hidden}"
    return f"<details><summary>{label}</summary><ul>{''.join(items)}</ul></details>"


def _evidence_item(item: Mapping[str, Any]) -> str:
    claim = _e(item.get("manufacturer") or "unknown")
    if item.get("brand"):
        claim += f" (brand {_e(item.get('brand'))})"
    return (
        f"<li>{_e(item.get('signal'))}: <code>{_e(item.get('value'))}</code>; "
        f"rule <code>{_e(item.get('rule'))}</code> says {claim}, "
        f"confidence {_confidence(item.get('confidence'))}; "
        f"from <code>{_e(item.get('source'))}</code></li>"
    )


def _identity_items(device: Mapping[str, Any]) -> list[str]:
    fields = (("mac", "MAC address"), ("hostname", "Host name"), ("serial", "Serial number"))
    items = [
        f"<li>{label}: <code>{_e(device[key])}</code></li>"
        for key, label in (*fields, ("location", "Location"))
        if device.get(key)
    ]
    records = device.get("records") or ()
    if records:
        listed = ", ".join(f"<code>{_e(record)}</code>" for record in records)
        items.append(f"<li>Records: {listed}</li>")
    return items


def _cve_reason(cve: Mapping[str, Any]) -> str:
    cvss = f", CVSS {_e(cve.get('cvss'))}" if cve.get("cvss") is not None else ""
    added = f", in KEV since {_e(cve.get('kev_added'))}" if cve.get("kev_added") else ""
    return (
        f"<li><code>{_e(cve.get('cve'))}</code> ({_e(cve.get('certainty'))}{cvss}{added}): "
        f"{_e(cve.get('reason'))}</li>"
    )


# --- bad records, methods, footer ------------------------------------------------------


def _bad_records(examples: Sequence[str], total: int) -> str:
    if not examples:
        return ""
    items = "".join(f"<li><code>{_e(example)}</code></li>" for example in examples)
    more = total - len(examples)
    tail = f"<p>{more:,} more bad records are not shown.</p>\n" if more > 0 else ""
    return (
        '<section aria-labelledby="bad-heading">\n'
        '<h2 id="bad-heading">The first bad records</h2>\n'
        "<p>Records that could not be read, with the reason; they were skipped.</p>\n"
        f'<ol id="bad-records">{items}</ol>\n{tail}</section>\n'
    )


def _methods() -> str:
    return (
        '<section aria-labelledby="methods-heading">\n'
        '<h2 id="methods-heading">Methods</h2>\n'
        "<p>Each device is identified from independent pieces of evidence: banners, page "
        "titles, certificate and inventory fields, MAC address prefixes. Each rule that "
        "matches gives a confidence <var>c</var> that a manufacturer made the device. "
        "Independent evidence for one manufacturer combines as "
        "1 &minus; &prod;(1 &minus; <var>c</var>); half the score of the strongest rival "
        "manufacturer is then subtracted, so conflicting evidence lowers the confidence.</p>\n"
        "<p>Devices sold under another company's brand (rebadges) are resolved to their "
        "manufacturer through the vendor register's relations, each weighted by how well "
        "it is established: high 0.95, medium 0.8, low 0.5.</p>\n"
        "<p>A CVE is <em>affected</em> when the identified model and firmware fall within "
        "the advisory, and <em>possible</em> when that could not be confirmed. KEV marks "
        "CVEs in CISA's Known Exploited Vulnerabilities catalogue. &ldquo;Of concern&rdquo; "
        "follows the concern policy applied to the manufacturer or brand.</p>\n"
        "</section>\n"
    )


def _footer() -> str:
    return f'<footer>\n<p class="legal">{_e(LEGAL_NOTE)}</p>\n</footer>\n'
