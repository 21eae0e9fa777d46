"""Councils from the ONS packages: the inputs must agree, and the result is complete."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from camwatch.registry.loader import reference
from camwatch.registry.loader.files import read_yaml, strip_lines
from camwatch.registry.loader.reference import (
    Abolition,
    CodeChange,
    CouncilReference,
    LookupRow,
    NamedCode,
    ReferenceDataError,
    build_councils,
)
from camwatch.registry.loader.run import bundled_data_dir

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

LOOKUP = [
    LookupRow("E07000001", "Oldtown", "E10000001", "Shire"),
    LookupRow("E07000002", "Newtown", "E10000001", "Shire"),
    LookupRow("E06000001", "Bristol, City of", "E06000001", "Bristol, City of"),
    LookupRow("E09000001", "City of London", "E09000001", "City of London"),
]


def ref(**overrides: object) -> CouncilReference:
    data: dict[str, object] = {
        "packages": {},
        "lookup_source": "lookup",
        "current_codes_source": "onspd",
        "regions": {"E10000001": "South West", "E06000001": "South West"},
    }
    data.update(overrides)
    return CouncilReference.model_validate(data)


def by_code(records: list) -> dict:
    return {record.official_code: record for record in records}


def test_builds_names_kinds_regions_and_parents() -> None:
    current = {"E07000001", "E07000002", "E06000001", "E09000001", "S12000049"}
    names = [NamedCode(code="S12000049", area="Glasgow City", source="register")]
    records = by_code(build_councils(LOOKUP, current, ref(names=names)))
    assert records["E07000001"].kind == "district-council"
    assert records["E07000001"].parent == "shire"
    assert records["E07000001"].region == "South West"  # from its county
    assert records["E10000001"].name == "Shire County Council"
    assert records["E06000001"].name == "Bristol Council"
    assert records["E06000001"].slug == "bristol"
    assert "Bristol, City of" in records["E06000001"].aliases
    assert records["E09000001"].kind == "sui-generis-council"
    assert records["E09000001"].region == "London"
    assert records["S12000049"].region == "Scotland"
    assert records["S12000049"].regime == "foisa"
    assert records["S12000049"].source == "register"


def test_a_code_nobody_names_is_an_error() -> None:
    with pytest.raises(ReferenceDataError, match="E07000099"):
        build_councils(
            LOOKUP, {"E07000001", "E07000002", "E06000001", "E09000001", "E07000099"}, ref()
        )


def test_a_vanished_code_needs_an_abolition_or_code_change() -> None:
    with pytest.raises(ReferenceDataError, match="E07000002"):
        build_councils(LOOKUP, {"E07000001", "E06000001", "E09000001"}, ref())
    abolished = [
        Abolition(
            code="E07000002", end_date=dt.date(2023, 4, 1), successor="E07000001", source="si"
        )
    ]
    records = by_code(
        build_councils(LOOKUP, {"E07000001", "E06000001", "E09000001"}, ref(abolished=abolished))
    )
    assert records["E07000002"].end_date == dt.date(2023, 4, 1)
    assert records["E07000002"].successor == "oldtown"


def test_code_change_keeps_the_body_with_its_former_code() -> None:
    change = [CodeChange(code="E07000003", area="Newtown", replaces="E07000002", source="register")]
    regions = {"E10000001": "South West", "E06000001": "South West", "E07000003": "South West"}
    records = by_code(
        build_councils(
            LOOKUP,
            {"E07000001", "E07000003", "E06000001", "E09000001"},
            ref(code_changes=change, regions=regions),
        )
    )
    assert "E07000002" not in records
    assert records["E07000003"].former_codes == ["E07000002"]


def test_abolished_council_sharing_a_name_gets_a_dated_slug() -> None:
    lookup = [*LOOKUP, LookupRow("E07000005", "Dale", "E10000009", "Moor")]
    names = [NamedCode(code="E06000009", area="Moor", source="si")]
    abolished = [
        Abolition(
            code="E10000009", end_date=dt.date(2023, 4, 1), successor="E06000009", source="si"
        ),
        Abolition(
            code="E07000005", end_date=dt.date(2023, 4, 1), successor="E06000009", source="si"
        ),
    ]
    regions = {
        "E10000001": "South West",
        "E06000001": "South West",
        "E10000009": "North East",
        "E06000009": "North East",
    }
    records = by_code(
        build_councils(
            lookup,
            {"E07000001", "E07000002", "E06000001", "E09000001", "E06000009"},
            ref(names=names, abolished=abolished, regions=regions),
        )
    )
    assert records["E06000009"].slug == "moor"
    assert records["E10000009"].slug == "moor-until-2023"


def test_missing_region_is_an_error() -> None:
    with pytest.raises(ReferenceDataError, match="no region for E06000001"):
        build_councils(
            LOOKUP,
            {"E07000001", "E07000002", "E06000001", "E09000001"},
            ref(regions={"E10000001": "X"}),
        )


def bundled_reference() -> CouncilReference:
    document = read_yaml(bundled_data_dir() / "reference" / "councils.yaml", 1_000_000).data
    return CouncilReference.model_validate(strip_lines(document["council_reference"]))


def test_bundled_reference_cites_the_installed_packages() -> None:
    reference.check_versions(bundled_reference())


def test_every_uk_principal_council_is_listed() -> None:
    """382 principal councils in 2025: 317 in England (21 county, 164 district, 63
    unitary, 36 metropolitan, 32 London boroughs and the City of London), 22 in
    Wales, 32 in Scotland, 11 in Northern Ireland."""
    records = build_councils(
        reference.read_lookup(), set(reference.read_current_codes()), bundled_reference()
    )
    current = [r for r in records if r.end_date is None]
    assert len(current) == 382
    assert Counter(r.nation for r in current) == {
        "england": 317,
        "wales": 22,
        "scotland": 32,
        "northern-ireland": 11,
    }
    assert Counter(r.kind for r in current if r.nation == "england") == {
        "county-council": 21,
        "district-council": 164,
        "unitary-council": 63,
        "metropolitan-council": 36,
        "london-borough": 32,
        "sui-generis-council": 1,
    }
    assert all(r.region for r in records)
    assert len({r.slug for r in records}) == len(records)


def test_reference_file_exists() -> None:
    assert Path(bundled_data_dir(), "reference", "councils.yaml").is_file()
