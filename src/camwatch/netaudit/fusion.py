"""Evidence fusion: every signal about one host becomes one identified device.

Each rule hit, model code and stated vendor is a claim that some manufacturer made the
device, with a confidence. A claim through a brand (an EZVIZ realm, an "LTS" inventory
row) is carried to the brand's manufacturer by the vendor register's relation and weighed
by that relation's confidence. Claims for one manufacturer combine as independent
evidence (1 - product of (1 - c)), counting each rule once; a rival manufacturer's score
takes half of itself off the winner's. Every claim stays in the device's evidence, so a
reader can see why, and disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from camwatch.netaudit.observation import Observation
from camwatch.netaudit.rules import Hit, Ruleset
from camwatch.netaudit.vendors import VendorRegister

# nmap's device types, as this audit names them.
SCANNER_TYPES = {"webcam": "camera", "media device": "dvr", "storage-misc": "storage"}
MODEL_FIELDS = ("model", "hardware_id", "service.product", "http.title", "hostname", "banner")
DEFAULT_MIN_CONFIDENCE = 0.5
# The documented keys of a device in JSON, in order (docs/audit.md).
DEVICE_KEYS = (
    "ip",
    "port",
    "manufacturer",
    "brand",
    "device_type",
    "model",
    "firmware",
    "of_concern",
    "confidence",
    "evidence",
    "cves",
    "serial",
    "location",
    "mac",
    "hostname",
    "records",
)
# How much a firmware string in a maker's grammar says about the maker.
FIRMWARE_PLATFORM = 0.8
FIRMWARE_STYLE = 0.5


@dataclass(frozen=True)
class Evidence:
    signal: str
    value: str
    rule: str
    manufacturer: str | None
    brand: str | None
    confidence: float
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "signal": self.signal,
            "value": self.value[:200],
            "rule": self.rule,
            "manufacturer": self.manufacturer,
            "brand": self.brand,
            "confidence": round(self.confidence, 3),
            "source": self.source,
        }


@dataclass
class Device:
    ip: str | None
    port: int | None
    manufacturer: str | None
    brand: str | None
    device_type: str | None
    model: str | None
    firmware: str | None
    of_concern: bool
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    cves: list[Any] = field(default_factory=list)
    mac: str | None = None
    hostname: str | None = None
    serial: str | None = None
    location: str | None = None
    records: list[str] = field(default_factory=list)

    def as_dict(self, register: VendorRegister) -> dict[str, Any]:
        return {
            "ip": self.ip,
            "port": self.port,
            "manufacturer": register.name(self.manufacturer),
            "brand": register.name(self.brand),
            "device_type": self.device_type,
            "model": self.model,
            "firmware": self.firmware,
            "of_concern": self.of_concern,
            "confidence": round(self.confidence, 3),
            "evidence": [item.as_dict() for item in self.evidence],
            "cves": [_cve_dict(cve) for cve in self.cves],
            "serial": self.serial,
            "location": self.location,
            "mac": self.mac,
            "hostname": self.hostname,
            "records": self.records[:20],
        }


def _cve_dict(cve: Any) -> dict[str, Any]:
    return {
        "cve": cve.cve,
        "certainty": cve.certainty,
        "kev": cve.kev,
        "kev_added": cve.kev_added.isoformat() if cve.kev_added else None,
        "cvss": cve.cvss,
        "reason": cve.reason,
    }


def _claims(hit: Hit, register: VendorRegister) -> list[Evidence]:
    rule = hit.rule
    if rule.manufacturer:
        return [_evidence(hit, rule.manufacturer, rule.brand, rule.confidence)]
    if rule.brand:
        makers = register.makers(rule.brand)
        return [
            _evidence(hit, maker.manufacturer, rule.brand, rule.confidence * maker.weight)
            for maker in makers
        ] or [_evidence(hit, rule.brand, None, rule.confidence)]
    return [_evidence(hit, None, None, rule.confidence)]


def _evidence(hit: Hit, manufacturer: str | None, brand: str | None, conf: float) -> Evidence:
    return Evidence(hit.field, hit.shown, hit.rule.id, manufacturer, brand, conf, hit.rule.source)


def _stated_vendor(
    signals: Mapping[str, str], hits: Sequence[Hit], register: VendorRegister
) -> list[Evidence]:
    """An inventory's or device's own statement of its vendor, by the register's names,
    when no rule on the `vendor` field already spoke for it (a claim counts once)."""
    if any(hit.field == "vendor" for hit in hits):
        return []
    stated = signals.get("vendor")
    slug = register.slug_for(stated) if stated else None
    if not stated or slug is None:
        return []
    makers = register.makers(slug)
    if not makers:
        return [Evidence("vendor", stated, "stated-vendor", slug, None, 0.9, "register-names")]
    return [
        Evidence("vendor", stated, "stated-vendor", m.manufacturer, slug, 0.9 * m.weight, m.source)
        for m in makers
    ]


def _model_claim(signals: Mapping[str, str], hits: Sequence[Hit]) -> tuple[Any, Evidence | None]:
    from camwatch.netaudit import grammar

    extracted = [hit.extracted["model"] for hit in hits if "model" in hit.extracted]
    for name, text in [*(("extracted", m) for m in extracted), *_model_texts(signals)]:
        match = grammar.parse_model(text) if name in ("model", "extracted") else None
        match = match or grammar.find_model(text)
        if match is not None:
            evidence = Evidence(
                "model" if name == "extracted" else name,
                text,
                match.rule,
                match.manufacturer,
                match.brand,
                match.confidence,
                match.source,
            )
            return match, evidence
    return None, None


def _model_texts(signals: Mapping[str, str]) -> Iterable[tuple[str, str]]:
    return ((name, signals[name]) for name in MODEL_FIELDS if name in signals)


def _scores(evidence: Iterable[Evidence]) -> dict[str, float]:
    """Combined confidence per manufacturer, each rule counted once (its strongest claim)."""
    strongest: dict[tuple[str, str], float] = {}
    for item in evidence:
        if item.manufacturer:
            key = (item.manufacturer, item.rule)
            strongest[key] = max(strongest.get(key, 0.0), item.confidence)
    missing: dict[str, float] = {}
    for (manufacturer, _rule), confidence in strongest.items():
        missing[manufacturer] = missing.get(manufacturer, 1.0) * (1.0 - confidence)
    return {manufacturer: 1.0 - rest for manufacturer, rest in missing.items()}


def decide(evidence: Sequence[Evidence]) -> tuple[str | None, float]:
    """The manufacturer the evidence points to, and how sure it makes us."""
    scores = sorted(_scores(evidence).items(), key=lambda item: (-item[1], item[0]))
    if not scores:
        return None, 0.0
    winner, score = scores[0]
    rival = scores[1][1] if len(scores) > 1 else 0.0
    return winner, max(score - rival / 2, 0.0)


def _brand(evidence: Sequence[Evidence], manufacturer: str) -> str | None:
    branded = [e for e in evidence if e.manufacturer == manufacturer and e.brand]
    return max(branded, key=lambda e: e.confidence).brand if branded else None


def _device_type(hits: Sequence[Hit], model: Any, signals: Mapping[str, str]) -> str | None:
    if model is not None and model.device_type:
        return str(model.device_type)
    typed = [hit.rule for hit in hits if hit.rule.device_type]
    if typed:
        return max(typed, key=lambda rule: rule.confidence).device_type
    return SCANNER_TYPES.get(signals.get("service.devicetype", "").lower())


def _firmware(signals: Mapping[str, str], hits: Sequence[Hit]) -> tuple[str | None, Any]:
    from camwatch.netaudit import grammar

    candidates = [signals.get("firmware")]
    candidates += [hit.extracted.get("firmware") for hit in hits]
    candidates.append(signals.get("service.version"))
    for text in candidates:
        if text and (parsed := grammar.parse_firmware(text)) is not None:
            return text, parsed
    stated = signals.get("firmware")
    return stated, None


def _first(signals: Sequence[Mapping[str, str]], name: str) -> str | None:
    return next((s[name] for s in signals if name in s), None)


def merged_signals(observations: Sequence[Observation]) -> dict[str, str]:
    """One host's signals from all its records; the first value of a field wins."""
    merged: dict[str, str] = {}
    for observation in observations:
        for name, value in observation.signals.items():
            merged.setdefault(name, value)
    return merged


def fuse(
    observations: Sequence[Observation],
    ruleset: Ruleset,
    register: VendorRegister,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> Device | None:
    """The device that one host's observations show, or None when nothing identifies it."""
    hits = [hit for o in observations for hit in ruleset.match_signals(o.signals)]
    signals = merged_signals(observations)
    evidence = [claim for hit in hits for claim in _claims(hit, register)]
    evidence += _stated_vendor(signals, hits, register)
    model, model_evidence = _model_claim(signals, hits)
    if model_evidence is not None:
        evidence.append(model_evidence)
    firmware_text, firmware = _firmware(signals, hits)
    evidence += _firmware_claim(firmware)
    manufacturer, confidence = decide(evidence)
    if manufacturer is None or confidence < min_confidence:
        return None
    found = Found(evidence, model, firmware_text, firmware, manufacturer, confidence)
    return _device(observations, signals, hits, found, register)


@dataclass(frozen=True)
class Found:
    """What fusion concluded about one host, before it becomes a Device."""

    evidence: list[Evidence]
    model: Any
    firmware_text: str | None
    firmware: Any
    manufacturer: str
    confidence: float


def _firmware_claim(firmware: Any) -> list[Evidence]:
    """A firmware string in a maker's own grammar: a platform name (IPC_G5, DH_IPC-...) is
    strong evidence; a version-and-build style alone is weaker."""
    from camwatch.netaudit import grammar

    # A version alone says nothing about the maker (nginx is 1.18.0-6 too); a build date
    # in the maker's own format, or a platform name, does.
    if firmware is None or (firmware.build is None and not firmware.platform):
        return []
    grammars = {g.id: g for g in grammar.load_firmware_grammars().grammars}
    rule = grammars.get(firmware.rule)
    if rule is None or rule.manufacturer is None:
        return []
    confidence = FIRMWARE_PLATFORM if firmware.platform else FIRMWARE_STYLE
    return [
        Evidence(
            "firmware", firmware.text, rule.id, rule.manufacturer, None, confidence, rule.source
        )
    ]


def _device(
    observations: Sequence[Observation],
    signals: Mapping[str, str],
    hits: Sequence[Hit],
    found: Found,
    register: VendorRegister,
) -> Device:
    from camwatch.netaudit import vulns

    manufacturer = found.manufacturer
    model_code = found.model.model if found.model is not None else signals.get("model")
    ports = {o.port for o in observations if o.port is not None}
    return Device(
        ip=next((o.ip for o in observations if o.ip), None),
        port=ports.pop() if len(ports) == 1 else None,
        manufacturer=manufacturer,
        brand=_brand(found.evidence, manufacturer),
        device_type=_device_type(hits, found.model, signals),
        model=model_code,
        firmware=found.firmware_text,
        of_concern=register.of_concern(manufacturer)
        or register.of_concern(_brand(found.evidence, manufacturer)),
        confidence=found.confidence,
        evidence=sorted(found.evidence, key=lambda e: -e.confidence),
        cves=vulns.match_cves(manufacturer, model_code, found.firmware),
        mac=signals.get("mac"),
        hostname=signals.get("hostname"),
        serial=signals.get("serial") or _first([h.extracted for h in hits], "serial"),
        location=signals.get("location"),
        records=[f"{o.source}:{o.line}" for o in observations],
    )
