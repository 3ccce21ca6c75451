"""Loads the list of kecamatan and desa: the built-in Balangan list, or the CSV named in config.yaml."""

from __future__ import annotations

import csv
from pathlib import Path

from ..core.regions import RegionDirectory, parse_region_rows

BUILTIN_REGIONS = Path(__file__).resolve().parents[1] / "data" / "balangan-wilayah.csv"


def load_regions(path: Path | None = None) -> RegionDirectory:
    with (path or BUILTIN_REGIONS).open(encoding="utf-8", newline="") as handle:
        return parse_region_rows(csv.DictReader(handle))
