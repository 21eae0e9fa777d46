"""TLS certificates' subject and issuer, as one string each, the same from every source.

Scanners print names in their own orders and spellings (nmap's "commonName=", masscan's
base64 certificates, a live handshake's DER); `dn_string` writes them all the same way, so
that one fingerprint rule reads every one. `certificate_names` reads the two names of a
DER certificate: with the `cryptography` package when it is installed, else with a reader
of just the few DER structures on the way to them.
"""

from __future__ import annotations

from collections.abc import Iterable

# Certificate name attributes, short as RFC 4514 writes them, in the order subjects are
# written (most specific first), so that a subject reads the same whichever scanner saw it.
DN_ORDER = ("CN", "OU", "O", "L", "ST", "C")
_ATTRIBUTES = {
    "2.5.4.3": "CN",
    "2.5.4.11": "OU",
    "2.5.4.10": "O",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.6": "C",
    "2.5.4.9": "STREET",
    "2.5.4.5": "serialNumber",
    "2.5.4.17": "postalCode",
    "2.5.4.4": "SN",
    "2.5.4.42": "GN",
    "2.5.4.12": "title",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
    "1.2.840.113549.1.9.1": "emailAddress",
}
DN_SHORT = {
    "commonName": "CN",
    "organizationalUnitName": "OU",
    "organizationName": "O",
    "localityName": "L",
    "stateOrProvinceName": "ST",
    "countryName": "C",
    **_ATTRIBUTES,
}


def dn_string(pairs: Iterable[tuple[str, str]]) -> str:
    """A distinguished name as one string, "CN=..., OU=..., O=...", attributes in the usual
    order whatever order they came in, commas in values escaped."""
    named = [(DN_SHORT.get(key, key), value) for key, value in pairs if value]

    def rank(pair: tuple[str, str]) -> int:
        return DN_ORDER.index(pair[0]) if pair[0] in DN_ORDER else len(DN_ORDER)

    ordered = sorted(named, key=rank)
    return ", ".join(f"{key}={_dn_escape(value)}" for key, value in ordered)


def _dn_escape(value: str) -> str:
    return value.strip().replace("\\", "\\\\").replace(",", "\\,")


Name = list[list[tuple[str, str]]]
"""A distinguished name as its relative names in certificate order, each a list of
(dotted OID, value) pairs."""


def certificate_names(der: bytes) -> tuple[Name, Name]:
    """The subject and issuer of a DER certificate; ValueError if it cannot be read.

    With the `cryptography` package installed it does the parsing; without it, a reader of
    just the few DER structures on the way to the two names (no private ssl helpers).
    """
    try:
        from cryptography import x509
    except ImportError:
        return _der_names(der)
    try:
        certificate = x509.load_der_x509_certificate(der)
    except Exception as exc:  # cryptography raises several types for a bad certificate
        raise ValueError(f"unreadable certificate: {exc}") from exc

    def pairs(name: x509.Name) -> Name:
        return [[(a.oid.dotted_string, _text(a.value)) for a in rdn] for rdn in name.rdns]

    return pairs(certificate.subject), pairs(certificate.issuer)


def format_name(name: Name) -> str:
    """A certificate name as one string, as `dn_string` writes every name."""
    return dn_string((_ATTRIBUTES.get(oid, oid), value) for rdn in name for oid, value in rdn)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _der(data: bytes, at: int) -> tuple[int, int, int]:
    """The tag, content start and content end of the DER element at `at`."""
    if at + 2 > len(data):
        raise ValueError("certificate truncated")
    tag, length, start = data[at], data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        if not 1 <= count <= 4 or start + count > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    if start + length > len(data):
        raise ValueError("certificate truncated")
    return tag, start, start + length


def _der_children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    children = []
    while start < end:
        child = _der(data, start)
        children.append(child)
        start = child[2]
    return children


def _der_names(der: bytes) -> tuple[Name, Name]:
    outer_tag, start, _ = _der(der, 0)
    tbs_tag, tbs_start, tbs_end = _der(der, start)
    fields = _der_children(der, tbs_start, tbs_end)
    if outer_tag != 0x30 or tbs_tag != 0x30 or not fields:
        raise ValueError("not a certificate")
    if fields[0][0] == 0xA0:  # the optional [0] version
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject
    if len(fields) < 5 or fields[2][0] != 0x30 or fields[4][0] != 0x30:
        raise ValueError("not a certificate")
    return _der_name(der, fields[4]), _der_name(der, fields[2])


def _der_name(data: bytes, element: tuple[int, int, int]) -> Name:
    name: Name = []
    for _, set_start, set_end in _der_children(data, element[1], element[2]):
        rdn = []
        for _, pair_start, pair_end in _der_children(data, set_start, set_end):
            parts = _der_children(data, pair_start, pair_end)
            if len(parts) != 2 or parts[0][0] != 0x06:
                raise ValueError("bad attribute in a name")
            oid = _der_oid(data[parts[0][1] : parts[0][2]])
            rdn.append((oid, _der_string(parts[1][0], data[parts[1][1] : parts[1][2]])))
        name.append(rdn)
    return name


def _der_oid(content: bytes) -> str:
    if not content:
        raise ValueError("empty OID")
    arcs, value = [], 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if not arcs:
        raise ValueError("bad OID")
    first = min(arcs[0] // 40, 2)
    return ".".join(str(arc) for arc in [first, arcs[0] - 40 * first, *arcs[1:]])


def _der_string(tag: int, content: bytes) -> str:
    codecs = {0x1E: "utf-16-be", 0x1C: "utf-32-be", 0x14: "iso-8859-1"}
    if tag in codecs:
        return content.decode(codecs[tag], "replace")
    if tag in (0x0C, 0x13, 0x16, 0x1A):  # UTF8, Printable, IA5, Visible strings
        return content.decode("utf-8", "replace")
    return content.hex()


def names_of(der: bytes) -> tuple[str, str] | None:
    """(subject, issuer) of a DER certificate as strings, or None when it is not one."""
    try:
        subject, issuer = certificate_names(der)
    except ValueError:
        return None
    return format_name(subject), format_name(issuer)
