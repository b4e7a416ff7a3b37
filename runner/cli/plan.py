"""``patrol plan``: parses for ``runner.commands.plan``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from ..commands import plan as plan_cmd
from .common import EstateOpt, choices, command, done, estate_root, exit_status

EXITS = exit_status(
    "the head estate is valid and no spare-part commitment is left short",
    failed="the head estate is invalid (its errors come first), or the change leaves a "
           "spare-part commitment short (or shorter) at a site",
    usage="usage error: a revision Git does not know, a path that is not an estate or not in "
          "a Git repository")


class PlanFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    gitlab = "gitlab"
    sarif = "sarif"


def register(app: typer.Typer) -> None:
    command(app, "plan", exits=EXITS)(plan)


def plan(
    base: Annotated[str, typer.Option("--base", metavar="REV", help="Revision to compare from "
                                      "(e.g. the target branch).")],
    head: Annotated[str, typer.Option("--head", metavar="REV", help="Revision to compare to "
                                      "(read from Git; the working tree is not read).")]
    = "HEAD",
    fmt: Annotated[PlanFormat, typer.Option(
        "--format", "-f", metavar=choices(PlanFormat),
        help="gitlab and sarif: the head's problems only.")] = PlanFormat.text,
    estate: EstateOpt = None,
) -> None:
    """What a change means: the semantic diff of the estate between two Git revisions."""
    done(plan_cmd.run(root=estate_root(estate), base=base, head=head, fmt=fmt.value))
