"""Image build time per target platform: which platforms a runner builds natively, and how much longer
the others take under QEMU emulation (data/build-platforms.yaml, every emulated factor an assumption)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from pipekit.errors import DataError
from pipekit.facts.packaged import data_yaml

FILE = "build-platforms.yaml"


@dataclasses.dataclass(frozen=True, kw_only=True)
class PlatformFactors:
    native: Mapping[str, frozenset[str]]  # runner architecture -> platforms it runs without emulation
    emulated: Mapping[str, float]  # platform -> minutes of an emulated build / minutes of a native one
    basis: Mapping[str, str]  # platform -> "assumption" or a source
    source: str

    def factor(self, platform: str, arch: str, design: Mapping[Any, float] | None = None) -> float:
        """How many native builds' worth of time building `platform` on an `arch` runner takes; the
        design's estimates.platform_factor wins over the table for an emulated platform."""
        if platform in self.native.get(arch, frozenset()):
            return 1.0
        if design and platform in design:
            return float(design[platform])
        return self.emulated.get(platform, max(self.emulated.values(), default=1.0))

    def build_factor(
        self, platforms: Iterable[str], arch: str, design: Mapping[Any, float] | None = None
    ) -> float:
        """A multi-platform build's minutes over a native single-platform build's: the platforms share
        the runner's cores, so their times add up."""
        return sum(self.factor(platform, arch, design) for platform in platforms)


def _parse(data: Any) -> PlatformFactors:
    where = f"data/{FILE}"
    if not isinstance(data, dict) or data.get("schema") != 1:
        raise DataError(f"{where}: expected a mapping with schema: 1")
    native, emulated = data.get("native"), data.get("emulated")
    if not isinstance(native, dict) or not all(isinstance(v, list) for v in native.values()):
        raise DataError(f"{where}: native: expected architecture: [platform, ...]")
    if not isinstance(emulated, dict):
        raise DataError(f"{where}: emulated: expected platform: {{factor, basis}}")
    factors: dict[str, float] = {}
    basis: dict[str, str] = {}
    for platform, entry in emulated.items():
        factor = entry.get("factor") if isinstance(entry, dict) else None
        if not isinstance(factor, (int, float)) or isinstance(factor, bool) or factor < 1:
            raise DataError(f"{where}: emulated.{platform}.factor: expected a number of at least 1")
        factors[str(platform)] = float(factor)
        basis[str(platform)] = str(entry.get("basis", "assumption"))
    return PlatformFactors(
        native={str(arch): frozenset(map(str, platforms)) for arch, platforms in native.items()},
        emulated=factors,
        basis=basis,
        source=str(data.get("source", "")),
    )


@functools.cache
def load_platform_factors() -> PlatformFactors:
    return _parse(data_yaml(FILE))
