"""Registry models, one module per concern."""

from camwatch.registry.models.bodies import FoiRegime, Membership, Nation, PublicBody
from camwatch.registry.models.devices import DeviceModel
from camwatch.registry.models.holdings import (
    CapabilityStatus,
    CountQualifier,
    Holding,
    HoldingCapability,
    HoldingSource,
    HoldingStatus,
    Method,
    ScopeKind,
)
from camwatch.registry.models.investigations import (
    Claim,
    DenominatorBasis,
    Investigation,
    InvestigationKind,
    InvestigationTarget,
    Outcome,
    SurveyLocation,
)
from camwatch.registry.models.snapshots import Revision, Snapshot, SnapshotBody
from camwatch.registry.models.sources import Source, SourceKind
from camwatch.registry.models.vendors import (
    ConcernPolicy,
    Ownership,
    RelationKind,
    Restriction,
    Vendor,
    VendorRelation,
    VendorRole,
)
from camwatch.registry.models.vocab import BodyKind, Capability, DeviceType

__all__ = [
    "BodyKind",
    "Capability",
    "CapabilityStatus",
    "Claim",
    "ConcernPolicy",
    "CountQualifier",
    "DenominatorBasis",
    "DeviceModel",
    "DeviceType",
    "FoiRegime",
    "Holding",
    "HoldingCapability",
    "HoldingSource",
    "HoldingStatus",
    "Investigation",
    "InvestigationKind",
    "InvestigationTarget",
    "Membership",
    "Method",
    "Nation",
    "Outcome",
    "Ownership",
    "PublicBody",
    "RelationKind",
    "Restriction",
    "Revision",
    "ScopeKind",
    "Snapshot",
    "SnapshotBody",
    "Source",
    "SourceKind",
    "SurveyLocation",
    "Vendor",
    "VendorRelation",
    "VendorRole",
]
