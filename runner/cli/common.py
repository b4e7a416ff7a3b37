"""What every command line module shares: the estate root, options, exit status, help format.

- **The estate root** is found as Git finds its root: without ``--estate``, the working
  directory and then each directory above it, up to the first that is an estate (has
  ``inventory/`` or ``policies/``); ``--estate DIR`` is used as given.
- **Help** names what an option takes (``--limit SELECTOR``, ``--format text|json|markdown``),
  never a Python type, lists the allowed values of a closed set, and ends with an "Exit status"
  section saying which codes the command returns and what each means there.
- **A bad value** (``--state late``, ``--quantity many``) is one line like every other usage
  error, ``patrol: --state: 'late' is not one of ...`` (exit 2), without the prefix of the
  library that checked it (typer checks values through pydantic: "Value error, ").

Everything here is light: this module imports only typer and the standard library, so
``patrol --help`` and shell completion stay fast.
"""

from __future__ import annotations

import gc
import textwrap
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from ..errors import Exit, PatrolError
from ..estate.files import find_estate
from . import complete

# --- the estate root ------------------------------------------------------------------------


def estate_root(given: Path | None) -> Path:
    """The estate a command works on: ``--estate`` as given (a missing directory is a usage
    error), else the nearest estate upward from the working directory (``.`` when it is the
    working directory itself, so messages read as before)."""
    if given is not None:
        if not given.is_dir():
            raise PatrolError(f"{given}: no such directory (expected the estate's root)")
        return given
    here = Path.cwd()
    found = find_estate(here)
    if found is None:
        raise PatrolError(f"{here} is not an estate, nor is any directory above it: none has "
                          "inventory/ or policies/ (give the estate's root with --estate)")
    return Path(".") if found == here else found


def done(code: int) -> NoReturn:
    """A command's return value is the process's exit code."""
    raise typer.Exit(int(code))


# --- exit status ----------------------------------------------------------------------------

USAGE = ("usage error: a bad argument or option value, a path that is not an estate; "
         "nothing is written")
INTERRUPTED = "interrupted (SIGINT or SIGTERM)"
WIDTH = 78


def exit_status(ok: str, *, failed: str | None = None, usage: str = USAGE,
                environment: str | None = None, interrupted: str = INTERRUPTED) -> str:
    """A command's "Exit status" section (its help's epilog): each code it can return
    (``runner.errors.Exit``) and what the code means for this command."""
    rows = [(Exit.OK, ok), (Exit.FAILED, failed), (Exit.USAGE, usage),
            (Exit.ENVIRONMENT, environment), (Exit.INTERRUPTED, interrupted)]
    lines = ["Exit status:"]
    for code, meaning in rows:
        if meaning is None:
            continue
        head = f"  {int(code):<5}"
        lines += textwrap.wrap(meaning, WIDTH, initial_indent=head,
                               subsequent_indent=" " * len(head))
    return "\n".join(lines)


RUN_ENVIRONMENT = ("the machine cannot do it: a missing tool (git, ssh), reports/ not "
                   "writable or full, another run holds the lock")
RUN_FAILED_ARCHIVE = ("a broken archive tip, signatures required without a signing key, "
                      "results that could not be written (kept in the spool), a --push that "
                      "conflicts")

# --- help: no type placeholders, allowed values, exit status --------------------------------


def choices(enum: type[Enum]) -> str:
    """The metavar of a closed set: its values, ``text|json|markdown``."""
    return "|".join(str(member.value) for member in enum)


def clean_message(message: str) -> str:
    """A library's message about a value, without the library's own prefix."""
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.replace(prefix, "")
    return message


def _param_rows(command: Any, ctx: typer.Context) -> tuple[list[tuple[str, str]],
                                                           list[tuple[str, str]]]:
    """Arguments and options as help rows: an argument by its name, an option by its flags
    and, when it takes a value, its metavar (what to give, never a Python type)."""
    arguments, options = [], []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:  # hidden
            continue
        text = record[1]
        if param.param_type_name == "argument":
            arguments.append((_argument_name(param), text))
            continue
        value = "" if param.is_flag or param.count else f" {param.metavar or param.name.upper()}"
        names = ", ".join(param.opts) + value
        if param.secondary_opts:
            names += " / " + ", ".join(param.secondary_opts)
        options.append((names, text))
    return arguments, options


def _argument_name(param: Any) -> str:
    return (param.metavar or param.name).upper()


def _usage_pieces(command: Any, ctx: typer.Context) -> list[str]:
    pieces = [command.options_metavar] if command.options_metavar else []
    for param in command.get_params(ctx):
        if param.param_type_name != "argument":
            continue
        name = _argument_name(param) + ("..." if param.nargs != 1 else "")
        pieces.append(name if param.required else f"[{name}]")
    return pieces


def _format_params(command: Any, ctx: typer.Context, formatter: Any) -> None:
    arguments, options = _param_rows(command, ctx)
    for title, rows in (("Arguments", arguments), ("Options", options)):
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)


def _format_epilog(command: Any, formatter: Any) -> None:
    """The epilog as written (the exit status table), not re-wrapped into one paragraph."""
    if command.epilog:
        formatter.write_paragraph()
        formatter.write(command.epilog.rstrip("\n") + "\n")


def _bad_value(exc: typer.BadParameter) -> PatrolError:
    """A bad value on the command line as Patrol says every usage error: one line naming the
    option and what was wrong, without the library's prefix (exit 2)."""
    param = exc.param
    if param is None:
        where = exc.param_hint if isinstance(exc.param_hint, str) else None
    elif param.param_type_name == "argument":
        where = _argument_name(param)
    else:
        where = param.opts[0]
    message = clean_message(exc.message).rstrip(".")
    return PatrolError(f"{where}: {message}" if where else message, exit_code=Exit.USAGE)


# --- the cyclic garbage collector around a command -------------------------------------------

_paused = False


def pause_collector() -> None:
    """No cyclic garbage collection until a command starts (``resume_collector``): reading the
    command line imports typer, pydantic and the command's options, and each automatic pass
    walks all of that again for nothing."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """Undo ``pause_collector`` (once; a collector paused by someone else stays paused). What
    the command line made lives as long as the process (modules, classes, schemas): it is
    frozen, out of every later pass, rather than walked by the first one."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def settle_before_exit() -> None:
    """The command is done and the process ends: every object left is frozen, so the
    interpreter's last full collection does not walk the modules, the estate and the archive
    just read once more (a tenth of a short command's time). Files and other resources are
    closed by their owners, atexit and the modules' teardown, as before."""
    resume_collector()
    gc.freeze()


class PatrolCommand(TyperCommand):
    """A command whose help is plain text in Patrol's format (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["rich_markup_mode"] = None
        super().__init__(*args, **kwargs)

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        return _usage_pieces(self, ctx)

    def format_options(self, ctx: typer.Context, formatter: Any) -> None:
        _format_params(self, ctx, formatter)

    def format_epilog(self, ctx: typer.Context, formatter: Any) -> None:
        _format_epilog(self, formatter)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except typer.BadParameter as exc:
            if type(exc) is not typer.BadParameter:  # a missing one: click's usage and hint
                raise
            raise _bad_value(exc) from None

    def invoke(self, ctx: typer.Context) -> Any:
        resume_collector()  # the command line is read: the command runs with the collector
        return super().invoke(ctx)


class PatrolGroup(TyperGroup):
    """A group of commands with the same help format as ``PatrolCommand``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["rich_markup_mode"] = None
        super().__init__(*args, **kwargs)

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        return [*_usage_pieces(self, ctx), self.subcommand_metavar]

    def format_options(self, ctx: typer.Context, formatter: Any) -> None:
        _format_params(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_epilog(self, ctx: typer.Context, formatter: Any) -> None:
        _format_epilog(self, formatter)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except typer.BadParameter as exc:
            if type(exc) is not typer.BadParameter:  # a missing one: click's usage and hint
                raise
            raise _bad_value(exc) from None


def group(*, help: str, exits: str | None = None, no_args_is_help: bool = False
          ) -> typer.Typer:
    """A typer sub-app (a command group) in the house format."""
    return typer.Typer(cls=PatrolGroup, rich_markup_mode=None, help=help, epilog=exits,
                       no_args_is_help=no_args_is_help, add_completion=False)


def command(app: typer.Typer, name: str | None = None, *, exits: str) -> Any:
    """``app.command`` in the house format, with the command's exit status."""
    return app.command(name, cls=PatrolCommand, epilog=exits)


# --- options every command shares ---------------------------------------------------------

ESTATE_HELP = ("Root of the estate repository (default: the working directory or the nearest "
               "directory above it with inventory/ or policies/).")
EstateOpt = Annotated[Path | None, typer.Option(
    "--estate", "-e", metavar="DIR", help=ESTATE_HELP, show_default=False)]
LabOpt = Annotated[bool, typer.Option(
    "--lab", help="Reach the estate's hosts through the lab (patrol lab up): its addresses, key "
    "and ssh options.")]
NowOpt = Annotated[str | None, typer.Option(
    "--now", metavar="TIME", help="Evaluate at this ISO time (tests).")]
CommitOpt = Annotated[bool, typer.Option("--commit/--no-commit", help="Commit the record.")]
PushOpt = Annotated[bool, typer.Option(
    "--push/--no-push", help="Push the commit (re-made on a moved tip, never forced).")]
EditPushOpt = Annotated[bool, typer.Option(
    "--push/--no-push", help="With an archive branch: push the record to it and the estate "
    "edit's own branch, for a PR.")]
HostSelectorOpt = Annotated[str | None, typer.Option(
    "--host", metavar="SELECTOR", help="Host selector (a host name, or e.g. role=web).",
    autocompletion=complete.hosts)]


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"
    sarif = "sarif"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


FormatOpt = Annotated[ReportFormat, typer.Option(
    "--format", "-f", metavar=choices(ReportFormat), help="Output format.")]

