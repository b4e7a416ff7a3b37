"""`patrol schema [--out DIR]`: the JSON Schema of each estate file kind, from the models.

Without ``--out``, prints one JSON object mapping schema file names to schemas; with it, writes
``DIR/<kind>.schema.json`` (the repository keeps them in ``schemas/``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import Exit


def run(out: Path | None = None) -> int:
    from ..estate.schema import export_schemas

    schemas = export_schemas()
    if out is None:
        print(json.dumps({name: json.loads(text) for name, text in schemas.items()}, indent=2,
                         sort_keys=True))
        return int(Exit.OK)
    out = Path(out)
    if out.exists() and not out.is_dir():
        print(f"patrol schema: {out} is not a directory", file=sys.stderr)
        return int(Exit.USAGE)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in schemas.items():
        path = out / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path}")
    return int(Exit.OK)
