"""The ``pydbpro`` command: serve, demo, user/token management, and the OpenAPI document.

Every configuration problem ends in one clear message and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys

import click

from ..settings import SettingsError
from .accounts import tokens, users
from .audit import audit
from .openapi import openapi
from .serving import demo, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pydbpro")
def cli() -> None:
    """PyDBPro: a web-based, read-only database explorer."""


cli.add_command(serve)
cli.add_command(demo)
cli.add_command(users)
cli.add_command(tokens)
cli.add_command(audit)
cli.add_command(openapi)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except SettingsError as error:
        click.echo(f"pydbpro: {error}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
