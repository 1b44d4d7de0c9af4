"""The `migralex` command: a thin shell over the library (no rule logic here)."""

from __future__ import annotations

from typing import Annotated

import typer

from migralex import __version__
from migralex.allocation.commands import register as register_relocate
from migralex.api.commands import serve_command
from migralex.cases.commands import register as register_cases
from migralex.cycle.commands import register as register_cycle
from migralex.data.commands import app as data_app
from migralex.decide.commands import register as register_decide
from migralex.forecast.commands import register as register_forecast
from migralex.law.commands import app as law_app
from migralex.law.commands import deadline_command, overview_command
from migralex.registry.commands import app as registry_app

app = typer.Typer(
    name="migralex",
    help=(
        "The EU Pact on Migration and Asylum, executable: law, cases, annual cycle, simulator,"
        " registry, dashboard."
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"migralex {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Options of the `migralex` command itself (--version)."""


app.add_typer(law_app, name="law", help="The acts of the Pact: texts, dated parameters, regimes.")
app.add_typer(data_app, name="data", help="The shipped real data: catalogue and tables.")
app.command("deadline")(deadline_command)
app.command("overview")(overview_command)
app.command("serve")(serve_command)
register_cycle(app)
register_decide(app)
register_cases(app)
register_forecast(app)
register_relocate(app)
__import__("migralex.sim.commands").sim.commands.register(app)
app.add_typer(registry_app, name="registry", help="The Eurodac-like registry: datasets, hits, retention.")
__import__("migralex.readmission.commands").readmission.commands.register(app)
__import__("migralex.resettlement.commands").resettlement.commands.register(app)
app.add_typer(__import__("migralex.tp.commands").tp.commands.app, name="tp", help="Temporary protection.")
app.add_typer(
    __import__("migralex.screening.commands").screening.commands.app,
    name="screening",
    help="Screening at the external border (Regulation 2024/1356): checks, form, referral.",
)


def main() -> None:
    """Entry point of the `migralex` console script."""
    app()
