"""`patrol demo`: the newcomer's first command — real hosts, a real inspection, a real commit.

The lab is the one connection provider here, so this command (with ``runner/commands/lab.py``)
is the only one that reads the lab without being asked to.

Exit 0 once the inspection is recorded and committed in the clone, whatever its checks found:
the verdicts are what the demo shows, and on a shared machine the lab hosts' load (they share
the machine's kernel) is not theirs to pass or fail. ``./scripts/bootstrap && patrol demo``
therefore succeeds on every machine that can run the lab. Exit 1 when the inspection could not
be made (Ansible reached no host), 3 when the machine cannot run the lab.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import Exit


def run(root: Path, checklist: str) -> int:
    from .. import archive
    from ..execute import require_ansible
    from ..inspect import commit_summary, inspect
    from ..lab import DEFAULT, ansible_vars, fleet
    from ..lab.state import load
    from ..progress import Progress

    require_ansible()  # before the lab comes up and the clone is made, not after
    progress = Progress()
    if load(DEFAULT) is None:
        progress.text("lab: bringing up the estate's hosts...")
        fleet.up(root, echo=progress.text)
    else:
        progress.text("lab: already up, reusing it")
    where = Path(tempfile.mkdtemp(prefix="patrol-demo-")) / "estate"
    archive.clone(root, where)
    progress.text(f"demo clone: {where} (your own branch is not touched)")
    result = inspect(where, checklist, connections=ansible_vars(), on_host=progress.host,
                     on_start=lambda sel: progress.text(
        f"inspect {checklist}: {len(sel.hosts)} hosts, measuring..."))
    progress.text("")
    progress.text(commit_summary(result))
    progress.text(f"record {result.record_path}")
    if result.commit:
        progress.lines(archive.show_stat(where, result.commit))  # as git shows it
    progress.text(f"The archive is in {where}: try `git -C {where} log -p -1`.")
    progress.text("The lab stays up for more experiments; `patrol lab down` removes it.")
    return int(Exit.OK)
