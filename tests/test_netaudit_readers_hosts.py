"""Host-level readers of the network audit: nmap XML, masscan, ARP tables, DHCP leases and
ONVIF device information. Every field each one maps, bad records counted with their line
numbers, gzip, format detection, flat memory on a 50,000-host scan, XML bombs refused, and
arbitrary input giving observations or AuditInputError and nothing else."""

from __future__ import annotations

import base64
import gzip
import io
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from camwatch.netaudit import certificates
from camwatch.netaudit.observation import FIELDS, AuditInputError, Observation, ReadReport
from camwatch.netaudit.readers import (
    FORMATS,
    arp,
    common,
    detect,
    dhcp,
    masscan,
    nmap,
    onvif,
    read_path,
)

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

DATA = Path(__file__).parent / "data" / "netaudit"
MINE = {"nmap": nmap, "masscan": masscan, "arp": arp, "dhcp": dhcp, "onvif": onvif}
HIKVISION_SUBJECT = "CN=www.hikvision.com, OU=DVRNVR, O=HIKVISION, L=HangZhou, ST=ZheJiang, C=CN"


def read_bytes(
    module: ModuleType, data: bytes, report: ReadReport | None = None
) -> list[Observation]:
    return list(module.read(io.BytesIO(data), "input.txt", report or ReadReport()))


def read_fixture(
    module: ModuleType, name: str, report: ReadReport | None = None
) -> list[Observation]:
    with (DATA / name).open("rb") as stream:
        return list(module.read(stream, name, report or ReadReport()))


def by_port(observations: list[Observation], ip: str) -> dict[int | None, dict[str, str]]:
    return {o.port: o.signals for o in observations if o.ip == ip}


def bad_lines(report: ReadReport) -> list[int]:
    return [example.line for example in report.examples]


# --- nmap -----------------------------------------------------------------------------------


def test_nmap_hikvision_host_every_port_and_script() -> None:
    report = ReadReport()
    observations = read_fixture(nmap, "nmap-cameras-sv.xml", report)
    ports = by_port(observations, "192.168.1.64")
    assert list(ports) == [23, 80, 443, 554, 8000]
    for signals in ports.values():
        assert signals["mac"] == "44:19:B6:AA:BB:CC"
        assert signals["hostname"] == "cam-lobby.example.lan"
    web = ports[80]
    assert web["http.server"] == "App-webs/"
    assert web["service.product"] == "Hikvision IP camera httpd"
    assert web["service.devicetype"] == "webcam"
    assert web["favicon.md5"] == "89b932fcc47cf4ca3faadb0cfdef89cf"
    assert web["http.wwwauth"] == (
        'Digest qop="auth", realm="IP Camera(C6207)", '
        'nonce="4e4455334f4441354e5455364f54637a4e7a67345a44493d", Basic realm="IP Camera(C6207)"'
    )
    assert "http.title" not in web  # "Site doesn't have a title" is nmap's text, not a title
    assert ports[443]["tls.subject"] == HIKVISION_SUBJECT
    assert ports[443]["tls.issuer"] == HIKVISION_SUBJECT
    # The banner script's \xNN escapes and its line wrapping undone, telnet negotiation dropped.
    assert ports[23]["telnet.banner"] == "192.0.0.64 login:"
    assert "banner" not in ports[23]
    assert ports[554]["service.product"] == "Hikvision 7513 POE IP camera rtspd"
    assert all(o.line == 15 for o in observations if o.ip == "192.168.1.64")
    assert report.records == 6  # hosts, the down one too
    assert report.bad == 0


def test_nmap_dahua_rtsp_from_fingerprint_strings_and_extrainfo_as_banner() -> None:
    ports = by_port(read_fixture(nmap, "nmap-cameras-sv.xml"), "192.168.1.108")
    assert ports[554]["rtsp.server"] == "Dahua Rtsp Server"
    assert ports[554]["rtsp.realm"] == 'Basic realm="device"'
    assert ports[80]["http.title"] == "WEB SERVICE"
    assert ports[37777] == {"mac": "3C:EF:8C:12:34:56", "banner": "DVRIP"}
    # servicefp is nmap's submission blob, not a signal
    assert not any("SF-Port554" in value for value in ports[554].values())


def test_nmap_axis_ftp_ssh_snmp_and_names() -> None:
    observations = read_fixture(nmap, "nmap-cameras-sv.xml")
    axis = by_port(observations, "192.168.1.90")
    assert axis[21]["ftp.banner"] == "220 AXIS M3045-V Network Camera 9.80.1 (2019) ready."
    assert axis[21]["service.version"] == "9.80.1"
    assert axis[80]["http.title"] == "AXIS"  # the title, not the redirect note after it
    assert axis[80]["http.server"] == "Apache/2.4.37 (Unix) OpenSSL/1.1.1k"
    assert axis[80]["hostname"] == "axis-accc8e010203.example.lan"  # PTR before "user"
    snmp_host = by_port(observations, "192.168.1.161")
    assert snmp_host[161]["snmp.sysdescr"] == (
        "Linux DS-2CD2143G0-I 3.18.20 #1 PREEMPT Mon Aug 24 20:13:18 CST 2020 armv7l"
    )
    assert snmp_host[161]["banner"] == "SNMPv1 server; public"
    assert snmp_host[22]["ssh.banner"] == "SSH-2.0-dropbear_2019.78"


def test_nmap_host_without_open_ports_and_down_hosts() -> None:
    observations = read_fixture(nmap, "nmap-cameras-sv.xml")
    nvr = [o for o in observations if o.ip == "192.168.1.200"]
    assert [(o.port, o.signals) for o in nvr] == [
        (None, {"mac": "E0:50:8B:AB:CD:EF", "hostname": "nvr-basement.example.lan"})
    ]
    assert not [o for o in observations if o.ip == "192.168.1.250"]  # down
    assert len(observations) == 14


def nmap_doc(*hosts: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n<nmaprun scanner="nmap">\n' + "\n".join(hosts) + "\n</nmaprun>\n"
    ).encode()


def nmap_port(body: str, portid: int = 80, service: str = '<service name="http"/>') -> str:
    return (
        '<host><status state="up"/><address addr="10.0.0.5" addrtype="ipv4"/><ports>'
        f'<port protocol="tcp" portid="{portid}"><state state="open"/>{service}{body}</port>'
        "</ports></host>"
    )


def test_nmap_script_text_without_tables() -> None:
    cert = (
        '<script id="ssl-cert" output="Subject: commonName=www.hikvision.com/organizationName='
        "HIKVISION/stateOrProvinceName=ZheJiang/countryName=CN&#xa;Issuer: commonName=Root CA/"
        'organizationName=Acme, Inc.&#xa;Not valid before: 2019-03-12T06:29:04"/>'
    )
    auth = (
        '<script id="http-auth" output="&#xa;HTTP/1.1 401 Unauthorized&#xd;&#xa;'
        '  Basic realm=hikvision&#xa;"/>'
    )
    headers = (
        '<script id="http-headers" output="&#xa;  Server: DNVRS-Webs&#xa;  Location: '
        'http://10.0.0.5/index.asp&#xa;  &#xa;  (Request type: HEAD)&#xa;"/>'
    )
    favicon = '<script id="http-favicon" output="Hikvision DVR"/>'
    title = '<script id="http-title" output="NETSurveillance WEB"/>'
    signals = read_bytes(nmap, nmap_doc(nmap_port(cert + auth + headers + favicon + title)))[
        0
    ].signals
    assert signals["tls.subject"] == "CN=www.hikvision.com, O=HIKVISION, ST=ZheJiang, C=CN"
    assert signals["tls.issuer"] == "CN=Root CA, O=Acme\\, Inc."
    assert signals["http.wwwauth"] == "Basic realm=hikvision"
    assert signals["http.server"] == "DNVRS-Webs"
    assert signals["http.location"] == "http://10.0.0.5/index.asp"
    assert signals["http.title"] == "NETSurveillance WEB"
    assert "favicon.md5" not in signals  # a known icon is printed by name, without its hash


def test_nmap_snmp_oid_service_hostname_and_ipv6() -> None:
    snmp = (
        '<script id="snmp-info" output=""><elem key="enterprise">1.3.6.1.4.1.39165</elem></script>'
    )
    service = '<service name="http" product="Hikvision DVR httpd" hostname="DVR-01"/>'
    host = nmap_port(snmp, 161, service).replace(
        'addr="10.0.0.5" addrtype="ipv4"', 'addr="2001:DB8::5" addrtype="ipv6"'
    )
    [observation] = read_bytes(nmap, nmap_doc(host))
    assert observation.ip == "2001:db8::5"
    assert observation.port == 161
    assert observation.signals["snmp.sysobjectid"] == "1.3.6.1.4.1.39165"
    assert observation.signals["hostname"] == "DVR-01"


def test_nmap_banner_on_other_services_and_rtsp_server_lines() -> None:
    banner = '<script id="banner" output="DVRDVS-Webs ready\\x0D\\x0A"/>'
    rtsp = '<script id="rtsp-methods" output="&#xa;  Server: Hipcam RealServer/V1.0&#xa;"/>'
    observation = read_bytes(nmap, nmap_doc(nmap_port(banner + rtsp, 9000)))[0]
    assert observation.signals == {
        "banner": "DVRDVS-Webs ready",
        "rtsp.server": "Hipcam RealServer/V1.0",
    }


def test_nmap_closed_ports_and_hosts_without_address() -> None:
    closed = nmap_port("").replace('state state="open"', 'state state="closed"')
    report = ReadReport()
    observations = read_bytes(nmap, nmap_doc(closed, "<host><ports/></host>"), report)
    assert observations == []
    assert report.bad == 1
    assert bad_lines(report) == [4]
    assert "without an address" in report.examples[0].reason


def test_masscan_xml_is_read_by_the_nmap_reader() -> None:
    observations = read_fixture(nmap, "masscan-cameras.xml")
    assert [(o.ip, o.port, o.signals, o.line) for o in observations] == [
        ("192.168.1.64", 80, {}, 6),
        ("192.168.1.64", 80, {"http.server": "App-webs/"}, 7),
        ("192.168.1.108", 80, {"http.title": "WEB SERVICE"}, 8),
        ("192.168.1.23", 23, {"telnet.banner": "192.0.0.64 login:"}, 9),
    ]


def test_nmap_truncated_file_keeps_every_whole_host_and_counts_one_bad_record() -> None:
    lines = (DATA / "nmap-cameras-sv.xml").read_bytes().splitlines(keepends=True)
    cut = b"".join(lines[:80])  # inside the Dahua host, which starts on line 74
    report = ReadReport()
    observations = read_bytes(nmap, cut, report)
    assert {o.ip for o in observations} == {"192.168.1.64"}
    assert len(observations) == 5
    assert report.bad == 1
    assert bad_lines(report) == [81]  # where the text ends: after the 80th line's newline


def test_nmap_malformed_mid_file_stops_there() -> None:
    good = nmap_port("")
    data = nmap_doc(good, good.replace("<ports>", "<ports><oops>"), good)
    report = ReadReport()
    observations = read_bytes(nmap, data, report)
    assert len(observations) == 1
    assert bad_lines(report) == [4]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE nmaprun [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<nmaprun><host><hostnames><hostname name="&lol9;"/></hostnames></host></nmaprun>
"""


def test_nmap_xml_bomb_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_bytes(BILLION_LAUGHS)
    assert detect(path) == "nmap"
    with pytest.raises(AuditInputError, match="XML entity declarations refused") as raised:
        list(read_path(path, ReadReport()))
    assert str(path) in str(raised.value)


def test_nmap_external_entity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE nmaprun [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<nmaprun>&x;</nmaprun>"
    )
    with pytest.raises(AuditInputError, match="possible XML bomb"):
        list(read_path(path, ReadReport(), "nmap"))


def test_nmap_not_xml_or_not_nmap_is_refused() -> None:
    with pytest.raises(AuditInputError, match="not XML"):
        read_bytes(nmap, b"open tcp 80 1.2.3.4 1\n")
    with pytest.raises(AuditInputError, match="root element is <foo>"):
        read_bytes(nmap, b"<?xml version='1.0'?><foo><host/></foo>")


NMAP_HOST = (
    '<host starttime="1699956133" endtime="1699956290"><status state="up" reason="arp-response"'
    ' reason_ttl="0"/>\n<address addr="10.{a}.{b}.{c}" addrtype="ipv4"/>\n<address addr="44:19:B6:'
    '{a:02X}:{b:02X}:{c:02X}" addrtype="mac" vendor="Hangzhou Hikvision Digital Technology"/>\n'
    '<hostnames>\n</hostnames>\n<ports><port protocol="tcp" portid="80"><state state="open" '
    'reason="syn-ack" reason_ttl="64"/><service name="http" product="Hikvision IP camera httpd" '
    'devicetype="webcam" method="probed" conf="10"/></port>\n</ports>\n</host>\n'
)


def test_nmap_50000_hosts_stream_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    hosts = 50_000
    with path.open("w") as out:
        out.write('<?xml version="1.0"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner="nmap">\n')
        for i in range(hosts):
            out.write(NMAP_HOST.format(a=i >> 16 & 255, b=i >> 8 & 255, c=i & 255))
        out.write("</nmaprun>\n")
    size = path.stat().st_size
    report = ReadReport()
    tracemalloc.start()
    try:
        count = 0
        with path.open("rb") as stream:
            for observation in nmap.read(stream, str(path), report):
                count += 1
                last = observation
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == hosts
    assert report.bad == 0
    assert last.ip == "10.0.195.79"
    assert last.signals["mac"] == "44:19:B6:00:C3:4F"
    assert last.line == 3 + 8 * (hosts - 1) + 1
    assert size > 20_000_000
    assert peak < 5_000_000, f"peak {peak} bytes while reading {size} bytes"


# --- masscan --------------------------------------------------------------------------------


def test_masscan_json_status_and_every_banner_type() -> None:
    report = ReadReport()
    observations = read_fixture(masscan, "masscan-cameras.json", report)
    by_line = {o.line: (o.ip, o.port, o.signals) for o in observations}
    assert by_line[2] == ("192.168.1.64", 80, {})
    assert by_line[4] == ("192.168.1.64", 80, {"http.server": "App-webs/"})
    http = by_line[6][2]
    assert http["http.server"] == "App-webs/"
    assert http["http.title"] == "Document Error: Unauthorized"
    assert http["http.wwwauth"].startswith('Digest qop="auth", realm="IP Camera(C6207)"')
    assert http["http.wwwauth"].endswith(', Basic realm="IP Camera(C6207)"')
    assert http["http.body"].startswith("<!DOCTYPE html>")
    assert by_line[8][2] == {"banner": "TLS/1.2 cipher:0xc02f, www.hikvision.com"}
    assert by_line[10][2] == {"tls.subject": HIKVISION_SUBJECT, "tls.issuer": HIKVISION_SUBJECT}
    assert by_line[12][2] == {"http.title": "WEB SERVICE"}
    assert by_line[16][2] == {"telnet.banner": "192.0.0.64 login:"}
    assert by_line[18][2] == {"ftp.banner": "220 AXIS M3045-V Network Camera 9.80.1 (2019) ready."}
    assert by_line[20][2] == {"ssh.banner": "SSH-2.0-dropbear_2019.78"}
    assert by_line[22] == (
        "192.168.1.161",
        161,
        {
            "snmp.sysdescr": "Linux DS-2CD2143G0-I 3.18.20 armv7l",
            "snmp.sysobjectid": "1.3.6.1.4.1.39165.1.1",
        },
    )
    assert by_line[24][2] == {"banner": "RFB 003.008"}
    assert 26 not in by_line  # a closed port
    assert report.records == 13  # lines, the closed port's too
    assert report.bad == 0


def test_masscan_ndjson() -> None:
    observations = read_fixture(masscan, "masscan-cameras.ndjson")
    assert [(o.ip, o.port, o.signals) for o in observations] == [
        ("192.168.1.64", 80, {}),
        ("192.168.1.64", 80, {"http.server": "App-webs/"}),
        ("192.168.1.108", 80, {"http.title": "WEB SERVICE"}),
        ("192.168.1.23", 23, {"telnet.banner": "192.0.0.64 login:"}),
        ("192.168.1.5", None, {}),  # a ping reply has no port
    ]


def test_masscan_list_output_with_escaped_banners() -> None:
    report = ReadReport()
    observations = read_fixture(masscan, "masscan-cameras.txt", report)
    by_line = {o.line: (o.ip, o.port, o.signals) for o in observations}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert by_line[4][2] == {
        "http.server": "App-webs/",
        "http.wwwauth": 'Basic realm="hikvision"',
        "http.title": "Document Error: Unauthorized",
        "http.body": "<html><head><title>Document Error: Unauthorized</title></head></html>",
    }
    assert by_line[7][2] == {"telnet.banner": "192.0.0.64 login:"}
    assert by_line[9] == ("192.168.1.5", None, {})
    assert report.bad == 0


def masscan_banner(name: str, banner: str) -> bytes:
    record = {
        "ip": "10.0.0.9",
        "timestamp": "1",
        "ports": [{"port": 554, "proto": "tcp", "service": {"name": name, "banner": banner}}],
    }
    return json.dumps(record).encode() + b"\n"


def hikvision_der() -> bytes:
    """The default Hikvision certificate in masscan-cameras.json's X509 banner (line 10)."""
    record = json.loads((DATA / "masscan-cameras.json").read_text().splitlines()[9])
    return base64.b64decode(record["ports"][0]["service"]["banner"])


def test_masscan_rtsp_subject_text_ca_and_utf8_banners() -> None:
    rtsp = (
        "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\n"
        'WWW-Authenticate: Basic realm="device"\r\n\r\n'
    )
    [observation] = read_bytes(masscan, masscan_banner("rtsp", rtsp))
    assert observation.signals == {
        "rtsp.server": "Dahua Rtsp Server",
        "rtsp.realm": 'Basic realm="device"',
    }
    subject = "CN=www.hikvision.com, OU=DVRNVR, O=HIKVISION"
    assert read_bytes(masscan, masscan_banner("ssl", subject))[0].signals == {
        "tls.subject": subject
    }
    der = hikvision_der()
    ca = read_bytes(masscan, masscan_banner("X509CA", base64.b64encode(der).decode()))
    assert ca[0].signals == {"tls.issuer": HIKVISION_SUBJECT}
    # masscan escapes each byte of UTF-8 text on its own
    html = read_bytes(masscan, masscan_banner("html", "<html><title> NVR &amp; DVR </title>"))
    assert html[0].signals == {
        "http.title": "NVR & DVR",
        "http.body": "<html><title> NVR &amp; DVR </title>",
    }
    title = "".join(f"\\u00{byte:02x}" for byte in "海康威视".encode())
    line = masscan_banner("title", "@").replace(b"@", title.encode())
    assert read_bytes(masscan, line)[0].signals == {"http.title": "海康威视"}


def test_masscan_bad_lines_counted_with_line_numbers() -> None:
    good = json.dumps({"ip": "10.0.0.1", "ports": [{"port": 80, "proto": "tcp", "status": "open"}]})
    lines = [
        "[",  # 1
        good,  # 2
        ",",  # 3
        '{"ip": "10.0.0.2", "ports": [',  # 4: cut
        good + ",",  # 5: the old trailing-comma style
        '{"ip": "999.1.1.1", "ports": []}',  # 6
        "open tcp 99999 10.0.0.3 1",  # 7
        "this is not masscan",  # 8
        good.replace("80", '"http"'),  # 9
        "[" + good + "," + good.replace("10.0.0.1", "10.0.0.5") + "]",  # 10: an array on one line
        "]",  # 11
        "{finished: 1}",  # 12: how masscan 1.0 ended its JSON
    ]
    report = ReadReport()
    observations = read_bytes(masscan, "\n".join(lines).encode(), report)
    assert [(o.line, o.ip) for o in observations] == [
        (2, "10.0.0.1"),
        (5, "10.0.0.1"),
        (10, "10.0.0.1"),
        (10, "10.0.0.5"),
    ]
    assert bad_lines(report) == [4, 6, 7, 8, 9]
    assert report.bad == 5


def test_certificate_names_from_der_and_garbage() -> None:
    der = hikvision_der()
    assert certificates.names_of(der) == (HIKVISION_SUBJECT, HIKVISION_SUBJECT)
    assert certificates.names_of(der[:100]) is None
    assert certificates.names_of(b"") is None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_certificate_names_never_fail_on_bytes(data: bytes) -> None:
    result = certificates.names_of(data)
    assert result is None or all(isinstance(name, str) for name in result)


# --- ARP --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "arp-ip-neigh.txt",
            [
                (1, "192.168.1.1", "00:1A:2B:3C:4D:5E", None),
                (2, "192.168.1.64", "44:19:B6:AA:BB:CC", None),
                (3, "192.168.1.108", "3C:EF:8C:12:34:56", None),
                (6, "fe80::4619:b6ff:feaa:bbcc", "44:19:B6:AA:BB:CC", None),
                (7, "192.168.1.90", "AC:CC:8E:01:02:03", None),
            ],
        ),
        (
            "arp-linux-arp-a.txt",
            [
                (1, "192.168.1.1", "00:1A:2B:3C:4D:5E", None),
                (2, "192.168.1.64", "44:19:B6:AA:BB:CC", "cam-lobby.example.lan"),
                (3, "192.168.1.108", "3C:EF:8C:12:34:56", None),
            ],
        ),
        (
            "arp-macos-arp-a.txt",
            [
                (1, "192.168.1.1", "00:1A:2B:3C:4D:5E", None),
                (2, "192.168.1.64", "44:19:B6:AA:BB:CC", "cam-lobby.local"),
                (3, "192.168.1.108", "3C:EF:8C:12:34:56", None),
                (4, "192.168.1.90", "AC:CC:8E:01:02:03", None),
            ],
        ),
        (
            "arp-windows-arp-a.txt",
            [
                (4, "192.168.1.1", "00:1A:2B:3C:4D:5E", None),
                (5, "192.168.1.64", "44:19:B6:AA:BB:CC", None),
                (6, "192.168.1.108", "3C:EF:8C:12:34:56", None),
                (13, "10.0.0.90", "AC:CC:8E:01:02:03", None),
            ],
        ),
        (
            "arp-proc-net-arp.txt",
            [
                (2, "192.168.1.1", "00:1A:2B:3C:4D:5E", None),
                (3, "192.168.1.64", "44:19:B6:AA:BB:CC", None),
                (5, "192.168.1.108", "3C:EF:8C:12:34:56", None),
            ],
        ),
        (
            "arp-net-tools.txt",
            [
                (2, "192.168.1.1", "00:1A:2B:3C:4D:5E", None),
                (3, None, "44:19:B6:AA:BB:CC", "cam-lobby.example.lan"),
            ],
        ),
        (
            "arp-cisco-show-ip-arp.txt",
            [
                (2, "10.20.0.1", "00:11:22:33:44:55", None),
                (3, "10.20.0.64", "44:19:B6:AA:BB:CC", None),
                (4, "10.20.0.108", "3C:EF:8C:12:34:56", None),
            ],
        ),
    ],
)
def test_arp_tables(name: str, expected: list[tuple[int, str | None, str, str | None]]) -> None:
    report = ReadReport()
    observations = read_fixture(arp, name, report)
    found = [(o.line, o.ip, o.signals["mac"], o.signals.get("hostname")) for o in observations]
    assert found == expected
    assert all(o.port is None for o in observations)
    assert report.bad == 0
    assert report.records == len(expected)


def test_arp_bad_lines_counted_prose_ignored() -> None:
    report = ReadReport()
    observations = read_fixture(arp, "arp-bad-lines.txt", report)
    assert [o.ip for o in observations] == ["192.168.1.1", "192.168.1.108"]
    assert bad_lines(report) == [3, 4, 6]
    assert "invalid address" in report.examples[0].reason
    assert "invalid MAC" in report.examples[1].reason


def test_arp_windows_output_saved_by_powershell_as_utf16(tmp_path: Path) -> None:
    text = (DATA / "arp-windows-arp-a.txt").read_text()
    path = tmp_path / "arp.txt"
    path.write_bytes(text.encode("utf-16"))  # with a byte order mark, as PowerShell 5 writes
    assert detect(path) == "arp"
    observations = list(read_path(path, ReadReport()))
    assert [o.ip for o in observations] == [
        "192.168.1.1",
        "192.168.1.64",
        "192.168.1.108",
        "10.0.0.90",
    ]


# --- DHCP -------------------------------------------------------------------------------------


def test_dhcp_isc_leases() -> None:
    report = ReadReport()
    observations = read_fixture(dhcp, "dhcp-dhcpd.leases", report)
    assert [(o.line, o.ip) for o in observations] == [
        (9, "192.168.1.64"),
        (21, "192.168.1.108"),
        (32, "192.168.1.90"),
        (40, "192.168.1.64"),  # every lease, not only the latest: the fusion groups them
        (51, "192.168.1.120"),
    ]
    assert observations[0].signals == {
        "mac": "44:19:B6:AA:BB:CC",
        "dhcp.vendor_class": "HIKVISION DS-2CD2143G0-I",
        "hostname": "cam-lobby",
    }
    assert observations[2].signals["dhcp.vendor_class"] == "Axis,Camera,M3045-V,9.80.1"
    assert observations[3].signals["hostname"] == 'cam-lob"byé'  # \" and octal UTF-8 bytes
    assert observations[4].signals["dhcp.vendor_class"] == "MSFT 5.0"  # written as hex
    assert report.bad == 0


def test_dhcp_dnsmasq_leases() -> None:
    report = ReadReport()
    observations = read_fixture(dhcp, "dhcp-dnsmasq.leases", report)
    assert [(o.line, o.ip, o.signals) for o in observations] == [
        (1, "192.168.1.64", {"mac": "44:19:B6:AA:BB:CC", "hostname": "cam-lobby"}),
        (2, "192.168.1.108", {"mac": "3C:EF:8C:12:34:56"}),
        (3, "192.168.1.90", {"mac": "AC:CC:8E:01:02:03", "hostname": "axis-accc8e010203"}),
        (5, "2001:db8::64", {"hostname": "cam-lobby"}),  # IPv6 leases hold an IAID, not a MAC
    ]
    assert report.bad == 0


def test_dhcp_kea_csv() -> None:
    report = ReadReport()
    observations = read_fixture(dhcp, "dhcp-kea-leases4.csv", report)
    assert [(o.line, o.ip, o.signals) for o in observations] == [
        (2, "192.168.1.64", {"mac": "44:19:B6:AA:BB:CC", "hostname": "cam-lobby.example.lan"}),
        (3, "192.168.1.108", {"mac": "3C:EF:8C:12:34:56"}),
    ]
    assert bad_lines(report) == [4]


def test_dhcp_bad_and_unclosed_leases() -> None:
    text = "\n".join(
        [
            "lease 192.168.1.10 {",  # 1
            "  hardware ethernet 44:19:b6:aa:bb:01;",  # 2
            "}",  # 3
            "lease 192.168.1.400 {",  # 4: not an address; the block is skipped
            "  hardware ethernet 44:19:b6:aa:bb:02;",  # 5
            "}",  # 6
            "what is this",  # 7
            "lease 192.168.1.11 {",  # 8: never closed before the next lease
            "  hardware ethernet 44:19:b6:aa:bb:03;",  # 9
            "lease 192.168.1.12 {",  # 10
            '  client-hostname "cam12";',  # 11: the file ends inside this lease
        ]
    )
    report = ReadReport()
    observations = read_bytes(dhcp, text.encode(), report)
    assert [(o.line, o.ip) for o in observations] == [(1, "192.168.1.10")]
    assert bad_lines(report) == [4, 7, 10, 10]
    assert "line 8 not closed" in report.examples[2].reason
    assert "file ends inside it" in report.examples[3].reason


# --- ONVIF ------------------------------------------------------------------------------------

HIKVISION_INFO = {
    "vendor": "HIKVISION",
    "model": "DS-2CD2143G0-I",
    "firmware": "V5.5.800 build 210628",
    "serial": "DS-2CD2143G0-I20200101AAWRE12345678",
    "hardware_id": "88",
}


def test_onvif_single_response_takes_the_address_from_the_device_url() -> None:
    [observation] = read_fixture(onvif, "onvif-hikvision-device-info.xml")
    assert (observation.ip, observation.port, observation.line) == ("192.168.1.64", 80, 1)
    assert observation.signals == HIKVISION_INFO


def test_onvif_concatenated_responses_skip_faults() -> None:
    report = ReadReport()
    observations = read_fixture(onvif, "onvif-concatenated.xml", report)
    assert [(o.line, o.signals["vendor"], o.signals["model"]) for o in observations] == [
        (1, "Dahua", "IPC-HFW2431S-S-S2"),
        (3, "AXIS", "M3045-V"),
        (17, "General", "IPC-T2431T-AS"),
        (17, "Lorex", "LNB8005"),
    ]
    assert all(o.ip is None for o in observations)  # nothing in them says whose they are
    assert observations[0].signals["firmware"] == "2.800.0000000.21.R, Build Date 2021-06-15"
    assert report.bad == 0
    assert report.records == 5  # the Fault too: a refusal, not a broken record


def test_onvif_json_lines() -> None:
    observations = read_fixture(onvif, "onvif-responses.jsonl")
    assert [(o.ip, o.port) for o in observations] == [
        ("192.168.1.64", 80),
        ("192.168.1.108", 80),
        ("192.168.1.90", 80),
        ("10.0.0.7", 8899),
    ]
    assert observations[0].signals == HIKVISION_INFO
    assert observations[1].signals["hardware_id"] == "1.00"
    assert observations[2].signals == {
        "vendor": "AXIS",
        "model": "M3045-V",
        "firmware": "9.80.1",
        "serial": "ACCC8E010203",
    }


def test_onvif_bare_response_and_bad_records() -> None:
    bare = (
        '<tds:GetDeviceInformationResponse xmlns:tds="http://www.onvif.org/ver10/device/wsdl">'
        "<tds:Manufacturer>Dahua</tds:Manufacturer></tds:GetDeviceInformationResponse>"
    )
    [observation] = read_bytes(onvif, ("<!-- 10.1.2.3 -->\n" + bare + "\n").encode())
    assert (observation.ip, observation.signals) == ("10.1.2.3", {"vendor": "Dahua"})
    lines = [
        '{"ip": "10.0.0.1", "Manufacturer": "Dahua"}',  # 1
        '{"ip": "10.0.0.2", "Manufacturer": ',  # 2: cut
        '{"ip": "not an address", "Manufacturer": "Dahua"}',  # 3
        '{"ip": "10.0.0.4", "response": "<s:Envelope><oops></s:Envelope>"}',  # 4
        '{"note": "nothing here"}',  # 5
        "<s:Envelope><s:Body>",  # 6: never closed
    ]
    report = ReadReport()
    observations = read_bytes(onvif, "\n".join(lines).encode(), report)
    assert [o.ip for o in observations] == ["10.0.0.1"]
    assert bad_lines(report) == [2, 3, 4, 5, 6]


def test_onvif_xml_bomb_is_refused_naming_the_file(tmp_path: Path) -> None:
    bomb = BILLION_LAUGHS.replace(b"nmaprun", b"s:Envelope").replace(
        b"<s:Envelope><host>", b"<s:Envelope><GetDeviceInformationResponse>"
    )
    path = tmp_path / "device-info.xml"
    path.write_bytes(bomb)
    with pytest.raises(AuditInputError, match="possible XML bomb") as raised:
        list(read_path(path, ReadReport(), "onvif"))
    assert str(path) in str(raised.value)
    line = json.dumps({"ip": "10.0.0.1", "response": bomb.decode()}).encode()
    with pytest.raises(AuditInputError, match="possible XML bomb"):
        read_bytes(onvif, line)


# --- shared: gzip, detection, long lines ------------------------------------------------------

FIXTURES = {
    "nmap-cameras-sv.xml": "nmap",
    "masscan-cameras.xml": "nmap",
    "masscan-cameras.json": "masscan",
    "masscan-cameras.ndjson": "masscan",
    "masscan-cameras.txt": "masscan",
    "arp-ip-neigh.txt": "arp",
    "arp-linux-arp-a.txt": "arp",
    "arp-macos-arp-a.txt": "arp",
    "arp-windows-arp-a.txt": "arp",
    "arp-proc-net-arp.txt": "arp",
    "arp-net-tools.txt": "arp",
    "arp-cisco-show-ip-arp.txt": "arp",
    "arp-bad-lines.txt": "arp",
    "dhcp-dhcpd.leases": "dhcp",
    "dhcp-dnsmasq.leases": "dhcp",
    "dhcp-kea-leases4.csv": "dhcp",
    "onvif-hikvision-device-info.xml": "onvif",
    "onvif-concatenated.xml": "onvif",
    "onvif-responses.jsonl": "onvif",
}


@pytest.mark.parametrize(("name", "fmt"), FIXTURES.items())
def test_detect_picks_the_format(name: str, fmt: str, tmp_path: Path) -> None:
    assert detect(DATA / name) == fmt
    packed = tmp_path / f"{name}.gz"
    packed.write_bytes(gzip.compress((DATA / name).read_bytes()))
    assert detect(packed) == fmt


@pytest.mark.parametrize(("name", "fmt"), list(FIXTURES.items()))
def test_every_fixture_sniffs_as_its_own_format(name: str, fmt: str) -> None:
    head = (DATA / name).read_bytes()[:65536]
    assert MINE[fmt].sniff(head)


def test_sniffers_leave_other_readers_files_alone() -> None:
    """A sniffer tried before another format's must not claim that format's files."""
    for path in sorted(DATA.iterdir()):
        owner = path.name.split("-")[0]
        if owner in MINE or owner not in FORMATS or path.suffix == ".gz":
            continue
        head = path.read_bytes()[:65536]
        earlier = [name for name in FORMATS[: FORMATS.index(owner)] if name in MINE]
        assert [name for name in earlier if MINE[name].sniff(head)] == [], path.name


@pytest.mark.parametrize(("name", "fmt"), list(FIXTURES.items()))
def test_gzip_reads_the_same_through_read_path(name: str, fmt: str, tmp_path: Path) -> None:
    packed = tmp_path / f"{name}.gz"
    packed.write_bytes(gzip.compress((DATA / name).read_bytes()))
    plain_report, packed_report = ReadReport(), ReadReport()
    plain = list(read_path(DATA / name, plain_report, fmt))
    unpacked = list(read_path(packed, packed_report, fmt))
    assert [(o.ip, o.port, o.signals, o.line) for o in unpacked] == [
        (o.ip, o.port, o.signals, o.line) for o in plain
    ]
    assert plain
    assert packed_report.bad == plain_report.bad
    assert packed_report.formats == {fmt: 1}
    assert all(o.source == str(packed) for o in unpacked)


@pytest.mark.parametrize("fmt", ["nmap", "masscan", "arp"])
def test_truncated_gzip_counts_one_bad_record(fmt: str, tmp_path: Path) -> None:
    name = {
        "nmap": "nmap-cameras-sv.xml",
        "masscan": "masscan-cameras.json",
        "arp": "arp-ip-neigh.txt",
    }[fmt]
    packed = gzip.compress((DATA / name).read_bytes() * 3)
    path = tmp_path / "cut.gz"
    path.write_bytes(packed[: len(packed) - 40])
    report = ReadReport()
    list(read_path(path, report, fmt))
    assert report.bad >= 1
    assert any(
        "ends early" in example.reason or "breaks off" in example.reason
        for example in report.examples
    )


def test_overlong_lines_are_counted_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "MAX_LINE", 100)
    monkeypatch.setattr(common, "CHUNK", 64)
    data = b"192.168.1.1 dev eth0 lladdr 00:1a:2b:3c:4d:5e REACHABLE\n" + b"x" * 1000 + b"\n"
    data += b"192.168.1.64 dev eth0 lladdr 44:19:b6:aa:bb:cc STALE\n" + b"y" * 500
    report = ReadReport()
    observations = read_bytes(arp, data, report)
    assert [(o.line, o.ip) for o in observations] == [(1, "192.168.1.1"), (3, "192.168.1.64")]
    assert bad_lines(report) == [2, 4]


def test_text_lines_numbers_crlf_and_a_last_line_without_newline() -> None:
    data = b"\xef\xbb\xbfone\r\ntwo\n\nfour"
    lines = list(common.text_lines(io.BytesIO(data), "x", ReadReport()))
    assert lines == [(1, "one"), (2, "two"), (3, ""), (4, "four")]


def test_readers_import_nothing_from_django() -> None:
    modules = ", ".join(f"camwatch.netaudit.readers.{name}" for name in MINE)
    code = f"import sys, {modules}; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"


# --- arbitrary input: observations or AuditInputError, nothing else ----------------------------


def assert_only_observations(module: ModuleType, data: bytes) -> None:
    report = ReadReport()
    try:
        observations = list(module.read(io.BytesIO(data), "fuzz.input", report))
    except AuditInputError as error:
        refusal = str(error)
        observations = []
    else:
        refusal = "fuzz.input"
    assert "fuzz.input" in refusal  # a refusal names the file
    for observation in observations:
        assert isinstance(observation, Observation)
        assert observation.line >= 1
        assert observation.source == "fuzz.input"
        assert observation.port is None or 0 <= observation.port <= 65535
        assert set(observation.signals) <= set(FIELDS)
        assert all(
            isinstance(v, str) and v.strip() == v and 0 < len(v) <= 4096
            for v in observation.signals.values()
        )
    assert report.bad == len(report.examples) or len(report.examples) == report.keep
    assert isinstance(module.sniff(data[:65536]), bool)


def fragments(block: str) -> list[str]:
    """One fragment a line; spaces and line breaks are fragments of their own."""
    return [line.strip() for line in block.strip().splitlines()] + [" ", "  ", "\n", "\r\n"]


FRAGMENTS = {
    "nmap": fragments(
        """
        <?xml version="1.0"?>
        <!DOCTYPE nmaprun>
        <!DOCTYPE x [<!ENTITY a "b">]>
        &a;
        <nmaprun scanner="nmap">
        </nmaprun>
        <host>
        </host>
        <status state="down"/>
        <address addr="192.168.1.64" addrtype="ipv4"/>
        <address addr="fe80::1" addrtype="ipv6"/>
        <address addr="44:19:B6:AA:BB:CC" addrtype="mac"/>
        <address addr="x" addrtype="mac"/>
        <hostnames><hostname name="cam" type="PTR"/></hostnames>
        <ports>
        </ports>
        <port protocol="tcp" portid="80">
        <port portid="99999">
        </port>
        <state state="open"/>
        <service name="telnet" product="p" version="v" extrainfo="e" hostname="h"/>
        <service name="X509" banner="MIIB\\xff"/>
        <service name="http" banner="HTTP/1.0 200\\x0d\\x0aServer: x"/>
        <script id="http-title" output="t">
        <script id="ssl-cert" output="Subject: commonName=a/O=b">
        <script id="http-auth" output="x">
        <script id="http-headers" output="Server: y">
        <script id="banner" output="\\xff\\xfb\\x01a\\x0">
        <script id="snmp-sysdescr" output="d&#xa;  System uptime: 1">
        <script id="snmp-info" output="1.3.6.1.4.1.2">
        <script id="http-favicon" output="0123456789abcdef0123456789ABCDEF">
        <script id="fingerprint-strings" output="">
        <elem key="NULL, GetRequest">
        <elem key="RTSPRequest">
        RTSP/1.0 200 OK&#xa;Server: s
        HTTP/1.1 401&#xa;WWW-Authenticate: Basic
        <table key="subject">
        <elem key="commonName">
        <table key="params">
        <elem key="scheme">
        </elem>
        </table>
        </script>
        <
        >
        "
        &amp;
        <![CDATA[x]]>
        <!-- c -->
        """
    ),
    "masscan": fragments(
        """
        [
        ]
        ,
        {
        }
        #masscan
        "ip": "192.168.1.64"
        "ip": 5
        "timestamp": "1"
        "ports": [
        {"port": 80, "proto": "tcp", "status": "open"}
        {"port": -1}
        {"port": 0, "proto": "icmp"}
        "service": {"name": "http", "banner": "HTTP/1.1 200\\r\\nServer: a\\r\\n\\r\\n<title>"}
        "service": {"name": "X509", "banner": "MIIBIjAN"}
        "service": {"name": "snmp", "banner": "sysObjectID:enterprises.1"}
        "rec_type": "banner"
        "data": {"service_name": "title", "banner": "x"}
        "data": [1]
        open tcp 80 192.168.1.64 1700000000
        banner tcp 23 10.0.0.1 1 telnet \\xff\\xfd\\x01login:
        banner udp 161 10.0.0.1 1 snmp sysDescr:x
        closed tcp 1 10.0.0.1 1
        open icmp 0 ::1 1
        :
        """
    ),
    "arp": fragments(
        """
        192.168.1.64
        fe80::1%eth0
        999.1.1.1
        dev eth0
        lladdr
        44:19:b6:aa:bb:cc
        0:1:2:3:4:5
        ff-ff-ff-ff-ff-ff
        4419.b6aa.bbcc
        REACHABLE
        FAILED
        ? (
        ) at
        <incomplete>
        (incomplete)
        [ether] on eth0
        Interface: 10.0.0.5 --- 0x4
        Internet Address
        dynamic
        0x1
        0x0
        0x2
        *
        ether
        Internet
        ARPA
        Incomplete
        """
    ),
    "dhcp": fragments(
        """
        lease
        192.168.1.64
        2001:db8::1
        1.2.3.999
        {
        }
        ;
        hardware ethernet
        44:19:b6:aa:bb:cc
        client-hostname "
        "
        \\
        \\303\\251
        \\777
        set vendor-class-identifier =
        4d:53:46
        option host-name
        failover peer "x" state {
        duid 00:01
        1700000000
        *
        address,hwaddr,client_id,hostname
        address,duid,
        ,
        # comment
        authoring-byte-order little-endian;
        """
    ),
    "onvif": fragments(
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <?xml version="1.0" encoding="bogus"?>
        <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">
        </s:Envelope>
        </Envelope>
        <tds:GetDeviceInformationResponse xmlns:tds="http://www.onvif.org/ver10/device/wsdl">
        </tds:GetDeviceInformationResponse>
        <GetDeviceInformationResponse>
        </GetDeviceInformationResponse>
        <tds:Manufacturer>
        </tds:Manufacturer>
        <Model>
        </Model>
        <s:Fault/>
        HIKVISION
        <!-- http://192.168.1.64:80/onvif/device_service -->
        <!-- 10.0.0.1 -->
        http://[fe80::1]:99999/
        {"ip": "192.168.1.64", "port": 80, "response": "
        "}
        {"Manufacturer": "x", "FirmwareVersion": "1"}
        {"xaddrs": "http://10.0.0.7:8899/onvif"}
        {"ip": 7}
        <!DOCTYPE x [<!ENTITY a "b">]>
        &a;
        {
        <
        """
    ),
}


def base64_text(data: bytes) -> str:
    return base64.b64encode(data).decode()


def fragment_text(fmt: str) -> st.SearchStrategy[bytes]:
    pieces = st.one_of(st.sampled_from(FRAGMENTS[fmt]), st.text(max_size=8))
    return st.lists(pieces, max_size=40).map(
        lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
    )


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_nmap_arbitrary_bytes(data: bytes) -> None:
    assert_only_observations(nmap, data)


@settings(max_examples=200, deadline=None)
@given(fragment_text("nmap"))
def test_nmap_arbitrary_fragments(data: bytes) -> None:
    assert_only_observations(nmap, data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_masscan_arbitrary_bytes(data: bytes) -> None:
    assert_only_observations(masscan, data)


@settings(max_examples=200, deadline=None)
@given(fragment_text("masscan"))
def test_masscan_arbitrary_fragments(data: bytes) -> None:
    assert_only_observations(masscan, data)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([*sorted(masscan.BANNERS), "X509", "telnet", "ftp", "ssh", "vnc"]),
    st.one_of(st.text(max_size=300), st.binary(max_size=300).map(base64_text)),
)
def test_masscan_arbitrary_banners(name: str, banner: str) -> None:
    assert_only_observations(masscan, masscan_banner(name, banner))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arp_arbitrary_bytes(data: bytes) -> None:
    assert_only_observations(arp, data)


@settings(max_examples=200, deadline=None)
@given(fragment_text("arp"))
def test_arp_arbitrary_fragments(data: bytes) -> None:
    assert_only_observations(arp, data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_dhcp_arbitrary_bytes(data: bytes) -> None:
    assert_only_observations(dhcp, data)


@settings(max_examples=200, deadline=None)
@given(fragment_text("dhcp"))
def test_dhcp_arbitrary_fragments(data: bytes) -> None:
    assert_only_observations(dhcp, data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_onvif_arbitrary_bytes(data: bytes) -> None:
    assert_only_observations(onvif, data)


@settings(max_examples=200, deadline=None)
@given(fragment_text("onvif"))
def test_onvif_arbitrary_fragments(data: bytes) -> None:
    assert_only_observations(onvif, data)
