"""`patrol validate [PATH]`: every estate file and the references between them, all errors at once.

Exit 0 when the estate is valid (warnings allowed), 1 when it is not, 2 when PATH is not an
estate. Output formats: ``text`` (``file:line:col: error: message``, then a count line),
``github`` (workflow annotations), and for tools ``json`` (versioned, a rule id per problem),
``gitlab`` (a Code Quality report) and ``sarif`` (SARIF 2.1.0, GitHub code scanning).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ..errors import Exit, Problem
from ..escape import terminal, visible


def _github_escape(text: str, *, prop: bool = False) -> str:
    text = visible(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


MACHINE_FORMATS = ("json", "gitlab", "sarif")


def render_problems(problems: list[Problem], fmt: str, *, files: int) -> str:
    """Problems for a tool: Patrol's JSON, a GitLab Code Quality report, or SARIF."""
    from ..formats import gitlab, problems_json, sarif

    if fmt == "gitlab":
        return gitlab.render(problems)
    if fmt == "sarif":
        return sarif.render(problems)
    return problems_json.render(problems, files=files)


def render(problems: list[Problem], fmt: str, *, files: int) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if fmt in MACHINE_FORMATS:
        return render_problems(problems, fmt, files=files)
    if fmt == "github":
        lines = [
            f"::{p.severity} file={_github_escape(p.file, prop=True)},line={p.line},"
            f"col={p.column}::{_github_escape(p.message)}"
            for p in problems
        ]
        return "\n".join(lines)
    lines = [terminal(p) for p in problems]  # a key or value may hold escape sequences
    verdict = "estate is valid" if errors == 0 else "estate is invalid"
    lines.append(f"{verdict}: {errors} error{'s' * (errors != 1)}, "
                 f"{warnings} warning{'s' * (warnings != 1)} in {files} file{'s' * (files != 1)}")
    return "\n".join(lines)


def run(root: Path = Path("."), fmt: str = "text", today: date | None = None) -> int:
    from ..estate.files import NotAnEstate, scan_tree

    root = Path(root)
    if not root.is_dir():
        print(f"patrol validate: {root}: no such directory", file=sys.stderr)
        return int(Exit.USAGE)
    try:
        files, unreadable = scan_tree(root)
    except NotAnEstate as exc:
        print(f"patrol validate: {exc}", file=sys.stderr)
        return int(Exit.USAGE)
    except OSError as exc:
        print(f"patrol validate: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return int(Exit.USAGE)
    from ..estate import cache

    today = today or date.today()
    use_cache = cache.enabled()
    cache_key = cache.key(files, today) if use_cache else ""
    problems = cache.load(root, cache_key) if use_cache else None
    if problems is None:
        from ..estate.loader import load_estate_files

        _, problems = load_estate_files(files, today=today)
        if use_cache:
            cache.store(root, cache_key, problems)
    problems = sorted(unreadable + problems)  # by file and line, as the loader sorts
    out = render(problems, fmt, files=len(files) + len(unreadable))
    if out:
        print(out)
    return int(Exit.FAILED if any(p.severity == "error" for p in problems) else Exit.OK)
