"""Z-order (Morton) codes: integer cell coordinates interleaved bit by bit, so that cells
near in the code are near on the ground. Shared by the signage search (which queries in
this order) and the map's clusters (whose every cell is a run of it). Pure: numpy only."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def _spread_bits(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Insert a zero bit between each of the low 32 bits (the classic bit-twiddling steps)."""
    v = v & np.uint64(0xFFFFFFFF)
    for shift, mask in (
        (16, 0x0000FFFF0000FFFF),
        (8, 0x00FF00FF00FF00FF),
        (4, 0x0F0F0F0F0F0F0F0F),
        (2, 0x3333333333333333),
        (1, 0x5555555555555555),
    ):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def morton(cx: npt.NDArray[Any], cy: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """Z-order code of integer cell coordinates (each under 2**32): x in the even bits."""
    return _spread_bits(cx.astype(np.uint64)) | (_spread_bits(cy.astype(np.uint64)) << np.uint64(1))
