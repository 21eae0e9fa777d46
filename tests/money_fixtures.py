"""A realistic OCDS 1.1 release package of UK notices, made up, with the answer known.

The shape is that of Contracts Finder and Find a Tender: ocids under the prefix
ocds-b5fd17-, parties with roles and Companies House identifiers, the tender classified by
CPV with items, values in pounds, awards with suppliers and contract periods, contracts.
About 6% of the notices are about surveillance cameras, found in three ways: by CPV code
alone (the text says nothing a term matches), by text alone under a neutral CPV code
(45310000 electrical installation), and by a vendor's name. The rest are cleaning,
catering, IT, construction and other work, including decoys: cleaning and catering notices
whose text mentions CCTV or cameras. Some notices come as two releases (the tender, then
the award, later in the file).

The ground truth is by construction, not by running the classifier.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OCID_PREFIX = "ocds-b5fd17-"
MATCHED_BUYERS = [
    "London Borough of Hammersmith and Fulham",
    "Camden Council",
    "Cambridge City Council",
    "Huntingdonshire District Council",
    "Tower Hamlets Council",
    "Leeds City Council",
]
# Made-up bodies: a matcher must leave these alone.
UNMATCHED_BUYERS = [
    "Westmoor Valley Drainage Board",
    "Northfold Academies Trust",
    "Eastbrook Community Interest Company",
]
INTEGRATORS = ["Chroma Vision Limited", "Sentinel Visual Systems Ltd", "Kestrel Monitoring Ltd"]
CONTRACTORS = [
    "Brightway Cleaning Services Ltd",
    "Harvest Table Catering Ltd",
    "Apex Build and Civils Ltd",
    "Nimbus Digital Solutions Ltd",
    "Greenline Grounds Maintenance Ltd",
]
PLACES = ["the town centre", "the civic centre", "the market square", "the bus station"]


@dataclass(frozen=True)
class Kind:
    """One sort of notice: its CPV codes, words, suppliers, and whether it is surveillance."""

    cpv: tuple[str, ...]
    titles: tuple[str, ...]
    descriptions: tuple[str, ...]
    suppliers: tuple[str, ...]
    surveillance: bool


# Found by CPV only: nothing in the words matches a term.
BY_CPV = Kind(
    ("32323500", "35125300", "32234000", "35120000", "92222000", "35125000"),
    ("Public space monitoring system", "Control room equipment renewal"),
    ("Supply, installation and support of the monitoring equipment at {place}.",),
    tuple(INTEGRATORS),
    True,
)
# Found by words only, under a neutral code.
BY_TEXT = Kind(
    ("45310000",),
    ("Installation of CCTV at {place}", "ANPR cameras for council car parks"),
    (
        "Design and installation of a closed circuit television system covering {place}.",
        "Body-worn video cameras for civil enforcement officers, with docking stations.",
        "Replacement of network video recorders and surveillance cameras at {place}.",
    ),
    tuple(INTEGRATORS),
    True,
)
# Found by a manufacturer's name.
BY_VENDOR = Kind(
    ("45310000", "32420000"),
    ("Camera equipment for {place}", "Equipment upgrade at {place}"),
    (
        "Supply of Hikvision equipment and licences for {place}.",
        "Maintenance of the existing Dahua estate at {place}.",
    ),
    tuple(INTEGRATORS),
    True,
)
# Cleaning and catering that mention cameras: never surveillance purchases.
DECOYS = (
    Kind(
        ("90910000",),
        ("Cleaning of the CCTV control room", "Office cleaning, civic centre"),
        (
            "Daily cleaning of offices at {place}, including the CCTV monitoring suite.",
            "Cleaning services; the contractor must not obstruct the security cameras.",
        ),
        ("Brightway Cleaning Services Ltd",),
        False,
    ),
    Kind(
        ("55520000",),
        ("Staff catering, civic centre", "Catering for the CCTV operators' shifts"),
        ("Hot meals for staff at {place}, including night shifts in the CCTV control room.",),
        ("Harvest Table Catering Ltd",),
        False,
    ),
)
UNRELATED = (
    Kind(
        ("90910000", "90911200"),
        ("Cleaning services", "Window cleaning"),
        ("Cleaning of council buildings at {place}.",),
        ("Brightway Cleaning Services Ltd",),
        False,
    ),
    Kind(
        ("55520000",),
        ("School meals", "Catering for events"),
        ("Provision of catering at {place}.",),
        ("Harvest Table Catering Ltd",),
        False,
    ),
    Kind(
        ("72000000", "48000000"),
        ("Hosted telephony", "Finance system replacement", "Video conferencing equipment"),
        ("Software, hosting and support for the council's services.",),
        ("Nimbus Digital Solutions Ltd",),
        False,
    ),
    Kind(
        ("45000000", "45210000"),
        ("Refurbishment of the leisure centre", "Car park resurfacing"),
        ("Construction works at {place}.",),
        ("Apex Build and Civils Ltd",),
        False,
    ),
    Kind(
        ("77310000",),
        ("Grounds maintenance", "Parks and open spaces maintenance"),
        ("Grass cutting and planting at {place}.",),
        ("Greenline Grounds Maintenance Ltd",),
        False,
    ),
)


def write_ocds_package(path: Path, count: int = 1000, seed: int = 7) -> set[str]:
    """Write `count` notices as an OCDS 1.1 release package at `path`; return the ocids of
    those that are about surveillance cameras."""
    rng = random.Random(seed)
    numbers = _company_numbers(rng)
    first: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []  # award releases, published after all the tenders
    related: set[str] = set()
    for _ in range(count):
        kind = _pick_kind(rng)
        ocid = OCID_PREFIX + str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if kind.surveillance:
            related.add(ocid)
        releases = _releases(rng, ocid, kind, numbers)
        first.append(releases[0])
        later.extend(releases[1:])
    package = {
        "uri": "https://www.contractsfinder.service.gov.uk/Published/OCDS/Search",
        "publishedDate": "2024-01-31T12:00:00Z",
        "version": "1.1",
        "publisher": {"name": "Crown Commercial Service", "scheme": "GB-GOR", "uid": "PB1"},
        "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "releases": [*first, *later],
    }
    path.write_text(json.dumps(package, indent=1), encoding="utf-8")
    return related


def _pick_kind(rng: random.Random) -> Kind:
    roll = rng.random()
    if roll < 0.06:
        return rng.choice((BY_CPV, BY_TEXT, BY_VENDOR))
    if roll < 0.12:
        return rng.choice(DECOYS)
    return rng.choice(UNRELATED)


def _company_numbers(rng: random.Random) -> dict[str, str]:
    return {name: f"{rng.randrange(10**7, 10**8):08d}" for name in INTEGRATORS + CONTRACTORS}


def _releases(
    rng: random.Random, ocid: str, kind: Kind, numbers: dict[str, str]
) -> list[dict[str, Any]]:
    buyer = rng.choice(MATCHED_BUYERS + UNMATCHED_BUYERS)
    buyer_ref = {"id": _body_id(buyer), "name": buyer}
    supplier = rng.choice(kind.suppliers)
    supplier_party = {
        "id": f"GB-COH-{numbers[supplier]}",
        "name": supplier,
        "identifier": {"scheme": "GB-COH", "id": numbers[supplier], "legalName": supplier},
        "roles": ["supplier"],
    }
    year = rng.randrange(2015, 2024)
    tendered = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    awarded = f"{year + 1}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    amount = round(rng.uniform(5_000, 900_000), 2)
    tender = _tender(rng, kind, amount, _period(awarded, rng))
    awards, contracts = _award(ocid, awarded, amount, supplier_party, tender["contractPeriod"])
    common = {"ocid": ocid, "language": "en", "initiationType": "tender", "buyer": buyer_ref}
    buyer_party = {**buyer_ref, "roles": ["buyer"]}
    award = {
        **common,
        "id": f"{ocid}-award",
        "date": f"{awarded}T09:00:00Z",
        "tag": ["award", "contract"],
        "parties": [buyer_party, supplier_party],
        "tender": tender,
        "awards": awards,
        "contracts": contracts,
    }
    if rng.random() >= 0.15:
        return [award]
    # Published twice: the tender, then the award (which repeats only the tender's id).
    first = {
        **common,
        "id": f"{ocid}-tender",
        "date": f"{tendered}T09:00:00Z",
        "tag": ["tender"],
        "parties": [buyer_party],
        "tender": tender,
    }
    return [first, {**award, "tender": {"id": tender["id"], "status": "complete"}}]


def _tender(
    rng: random.Random, kind: Kind, amount: float, period: dict[str, str]
) -> dict[str, Any]:
    place = rng.choice(PLACES)
    cpv = rng.choice(kind.cpv)
    item = {
        "id": "1",
        "classification": {"scheme": "CPV", "id": f"{cpv}-{rng.randrange(10)}"},
        "additionalClassifications": [],
    }
    return {
        "id": f"CF-{rng.randrange(10**5, 10**6)}",
        "title": rng.choice(kind.titles).format(place=place),
        "description": rng.choice(kind.descriptions).format(place=place),
        "status": "complete",
        "classification": {"scheme": "CPV", "id": cpv, "description": ""},
        "items": [item],
        "value": {"amount": round(amount * 1.1, 2), "currency": "GBP"},  # the estimate
        "contractPeriod": period,
    }


def _award(
    ocid: str, awarded: str, amount: float, supplier: dict[str, Any], period: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    award = {
        "id": f"{ocid}-award-1",
        "status": "active",
        "date": f"{awarded}T00:00:00Z",
        "value": {"amount": amount, "currency": "GBP"},
        "suppliers": [{"id": supplier["id"], "name": supplier["name"]}],
        "contractPeriod": period,
    }
    contract = {
        "id": f"{ocid}-contract-1",
        "awardID": award["id"],
        "status": "active",
        "value": {"amount": amount, "currency": "GBP"},
        "period": period,
    }
    return [award], [contract]


def _body_id(name: str) -> str:
    # Stable across runs (str hashes are salted per process).
    return "GB-CFS-" + str(uuid.uuid5(uuid.NAMESPACE_URL, name).int % 10**6)


def _period(awarded: str, rng: random.Random) -> dict[str, str]:
    start_year = int(awarded[:4])
    end_year = start_year + rng.randrange(1, 6)
    return {
        "startDate": f"{awarded}T00:00:00+01:00",
        "endDate": f"{end_year}{awarded[4:]}T23:59:59+01:00",
    }
