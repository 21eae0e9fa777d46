"""The signage check over the stored cameras and signs: for each camera, the nearest sign
within the radius, or "no sign recorded within R m". Never worded as a breach: there is
no statutory distance, and a sign may simply not be recorded yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from camwatch.sightings.models import Sighting, Sign, Status
from camwatch.sightings.spatial import nearest_signs

DEFAULT_RADIUS_M = 50.0


@dataclass(frozen=True)
class SignageRow:
    sighting: int
    latitude: float
    longitude: float
    nearest_sign: int | None
    distance_m: float | None
    radius_m: float

    @property
    def finding(self) -> str:
        if self.distance_m is None:
            return f"no sign recorded within {self.radius_m:g} m"
        return f"sign recorded {self.distance_m:.0f} m away"

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "finding": self.finding}


def check(radius_m: float = DEFAULT_RADIUS_M) -> list[SignageRow]:
    live = [Status.VERIFIED, Status.PENDING]
    cameras = list(
        Sighting.objects.filter(status__in=live).values_list("pk", "latitude", "longitude")
    )
    signs = list(Sign.objects.filter(status__in=live).values_list("pk", "latitude", "longitude"))
    if not cameras:
        return []
    cam = np.array([(lon, lat) for _, lat, lon in cameras], dtype=float).reshape(-1, 2)
    sig = np.array([(lon, lat) for _, lat, lon in signs], dtype=float).reshape(-1, 2)
    found = nearest_signs(cam[:, 0], cam[:, 1], sig[:, 0], sig[:, 1], radius_m=radius_m)
    within = found.within()
    rows = []
    for i, (pk, lat, lon) in enumerate(cameras):
        hit = bool(within[i])
        rows.append(SignageRow(
            pk, lat, lon, signs[int(found.sign[i])][0] if hit else None,
            round(float(found.distance_m[i]), 1) if hit else None, radius_m,
        ))  # fmt: skip
    return rows
