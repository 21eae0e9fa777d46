"""The pure engines import nothing from Django, so they run anywhere, fast."""

import subprocess
import sys

import pytest

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

PURE = [
    "camwatch.registry.concern",
    "camwatch.registry.dates",
    "camwatch.registry.estates",
    "camwatch.registry.charts",
    "camwatch.registry.textsearch",
    "camwatch.registry.loader.files",
    "camwatch.registry.loader.schema",
    "camwatch.registry.loader.reference",
    "camwatch.registry.claimspec",
    "camwatch.findings.stats",
    "camwatch.findings.arithmetic",
    "camwatch.findings.ledger",
    "camwatch.foi.calendar",
    "camwatch.foi.states",
    "camwatch.foi.classify",
    "camwatch.foi.wording",
    "camwatch.foi.mail.parse",
    "camwatch.foi.redact",
    "camwatch.coding.extract",
    "camwatch.coding.documents",
    "camwatch.coding.readers",
    "camwatch.coding.censor",
    "camwatch.sightings.osm",
    "camwatch.sightings.photos",
    "camwatch.sightings.spatial",
    "camwatch.sightings.clusters",
    "camwatch.sightings.zorder",
    "camwatch.sightings.boundaries",
    "camwatch.money.currency",
    "camwatch.money.classify",
    "camwatch.money.ocds",
    "camwatch.money.spend",
    "camwatch.money.matching",
    "camwatch.money.trail",
    "camwatch.netaudit.observation",
    "camwatch.netaudit.rules",
    "camwatch.netaudit.oui",
    "camwatch.netaudit.vendors",
    "camwatch.netaudit.fusion",
    "camwatch.netaudit.fast",
    "camwatch.netaudit.runner",
    "camwatch.netaudit.distributed",
    "camwatch.netaudit.session",
    "camwatch.netaudit.grammar",
    "camwatch.netaudit.vulns",
    "camwatch.netaudit.probe",
    "camwatch.netaudit.certificates",
    "camwatch.netaudit.crew",
    "camwatch.netaudit.report",
    "camwatch.netaudit.readers",
]


@pytest.mark.parametrize("module", PURE)
def test_pure_module_does_not_import_django(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"
