"""Synthetic HTTP banner scans for the network-audit benchmark, in zgrab2 JSON Lines.

The mix follows the peer measurement in ../shared/research/fingerprint-facts.md section 8:
12% Hikvision-family Server headers (Hikvision-Webs, App-webs/, DNVRS-Webs, DVRDVS-Webs,
bare Webs), 5% Dahua-style pages (no Server header, title "WEB SERVICE"), 3% uc-httpd,
5% other cameras (Axis, Bosch, Hanwha, Vivotek, Mobotix) and 75% generic web servers with
common titles; records of about 360 bytes. A fixed seed makes every run the same file.
"""

from __future__ import annotations

import random
from pathlib import Path

import orjson

HIKVISION = ["Hikvision-Webs", "App-webs/", "DNVRS-Webs", "DVRDVS-Webs", "Webs"]
OTHER_CAMERAS = [
    ("Axis", "AXIS P3245-LVE Network Camera"),
    ("Boa/0.94.13", "Bosch NDE-3502-AL"),
    ("lighttpd/1.4.35", "Hanwha Wisenet XNV-6080R"),
    ("Boa/0.94.14rc21", "VIVOTEK FD9360-H"),
    ("MOBOTIX Camera", "MOBOTIX M16B"),
]
GENERIC = ["nginx/1.{}.{}", "Apache/2.4.{}", "Microsoft-IIS/{}.0", "lighttpd/1.4.{}", "cloudflare"]
TITLES = ["Welcome to nginx!", "Login", "Home", "Apache2 Ubuntu Default Page", "Dashboard"]
FILLER = '<div class="content"><p>Lorem ipsum dolor sit amet, consectetur.</p></div>'


def _headers(rng: random.Random) -> tuple[str | None, str]:
    """A Server header (or None) and a title, by the mix above."""
    roll = rng.random()
    if roll < 0.12:
        return rng.choice(HIKVISION), rng.choice(["", "index", "Web Client"])
    if roll < 0.17:
        return None, "WEB SERVICE"
    if roll < 0.20:
        return "uc-httpd 1.0.0", "NETSurveillance WEB"
    if roll < 0.25:
        return rng.choice(OTHER_CAMERAS)
    server = rng.choice(GENERIC).format(rng.randint(0, 25), rng.randint(0, 20))
    return server, rng.choice(TITLES)


def record(rng: random.Random) -> dict[str, object]:
    server, title = _headers(rng)
    body = f"<html><head><title>{title}</title></head><body>{FILLER}</body></html>"
    headers = {"content_type": ["text/html"], "content_length": [str(len(body))]}
    if server:
        headers["server"] = [server]
    ip = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    response = {"status_code": 200, "headers": headers, "body": body}
    return {
        "ip": ip,
        "data": {
            "http": {"status": "success", "protocol": "http", "result": {"response": response}}
        },
    }


def write(path: Path, records: int, seed: int = 7) -> Path:
    """Write `records` records to `path` and return it."""
    rng = random.Random(seed)
    with path.open("wb") as out:
        batch: list[bytes] = []
        for _ in range(records):
            batch.append(orjson.dumps(record(rng)))
            if len(batch) == 10_000:
                out.write(b"\n".join(batch) + b"\n")
                batch.clear()
        if batch:
            out.write(b"\n".join(batch) + b"\n")
    return path
