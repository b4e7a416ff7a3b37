"""Write the light lock's exact versions into the pre-commit hook's additional_dependencies.

    python scripts/hook_pins.py          (scripts/lock runs it after every refresh)

Why not the lock itself: pre-commit installs a hook's repository with `pip install .` plus the
hook's additional_dependencies, and pip's hash-checking mode refuses a directory (`.`), so the
hook cannot take `-r requirements/light.txt` with its hashes. It gets the same versions, pinned
exactly and complete (every package the light install needs), so nothing floats; only the
build backend (setuptools, setuptools-scm) comes from pip's isolated build, as for any sdist.
tests/unit/test_lock.py fails when the hook and the lock disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "  # BEGIN pins from requirements/light.txt (scripts/lock writes them)\n"
END = "  # END pins\n"


def pins(lock: str) -> list[str]:
    """`name==version[; marker]` of every locked package the installed tool needs: all but
    those only the build backend (requirements/build.in) brings, read from the `# via` notes."""
    found: dict[str, tuple[str, set[str]]] = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", lock):
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)(?: ; ([^\\\n]*?))?\s*\\?\n",
                         entry)
        if match:
            notes = re.findall(r"#\s+(?:via\s+)?([^#\n]+)", entry)
            via = {note.strip().split(" (")[0] for note in notes if note.strip() != "via"}
            found[match[1]] = (f"{match[1]}=={match[2]}" + (f"; {match[3]}" if match[3] else ""),
                               via)
    needed: set[str] = set()
    grew = True
    while grew:  # needed: named by pyproject.toml, or by a needed package
        grew = False
        for name, (_pin, via) in found.items():
            if name not in needed and via & (needed | {"patrol-gitops"}):
                needed.add(name)
                grew = True
    return [pin for name, (pin, _via) in found.items() if name in needed]


def block(lock: str) -> str:
    lines = "".join(f'    - "{pin}"\n' for pin in pins(lock))
    return f"{BEGIN}  additional_dependencies:\n{lines}{END}"


def main() -> int:
    hooks = ROOT / ".pre-commit-hooks.yaml"
    text = hooks.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    hooks.write_text(text[:start] + block((ROOT / "requirements/light.txt").read_text())
                     + text[end:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
