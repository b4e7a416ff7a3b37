"""`patrol lab ...`: the local test fleet."""

import typer

app = typer.Typer(no_args_is_help=True)
