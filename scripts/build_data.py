"""Build the tidy Parquet tables of `migralex.data` from the raw source files in `data/raw/`.

Usage: .venv/bin/python scripts/build_data.py [TABLE ...]   (all tables when none is named)
"""

from __future__ import annotations

import sys
from pathlib import Path

from migralex.data.build import BUILDERS, write_tables
from migralex.data.load import TABLES

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    """Build the named tables (or all) and print their rows and coverage."""
    unknown = [name for name in argv if name not in BUILDERS]
    if unknown:
        print(f"unknown table(s): {', '.join(unknown)}; known: {', '.join(BUILDERS)}")
        return 2
    manifest = write_tables(ROOT / "data" / "raw", TABLES, argv or None)
    for name in argv or list(BUILDERS):
        size = (TABLES / f"{name}.parquet").stat().st_size
        entry = manifest[name]
        print(f"{name:28} {entry['rows']:>9,} rows {size / 1024:8.1f} KiB  {entry['coverage']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
