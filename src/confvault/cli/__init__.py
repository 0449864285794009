"""The ``confvault`` command. Thin: each command parses flags, calls ``confvault.service``, prints.

Exit codes (for cron, systemd timers and CI): 0 every device backed up, 1 some devices failed (the
rest was archived), 2 bad usage, settings or inventory, 3 could not run (database or archive).
"""

from __future__ import annotations

import sys
from importlib import metadata

import click

from confvault.cli.admin import db_group, init_command
from confvault.cli.archive import diff_command, history_command, show_command
from confvault.cli.context import AppContext
from confvault.cli.hostkey import hostkey_group
from confvault.cli.prune import prune_command
from confvault.cli.reports import devices_command, runs_command, status_command
from confvault.cli.run import run_command
from confvault.errors import EXIT_USAGE, ConfigError, ConfvaultError

LAB_MISSING = "confvault lab: the device lab is not installed; pip install 'confvault[lab]'"


class _RootGroup(click.Group):
    """Mounts commands that other distributions register (the lab's ``lab``) only when asked:
    loading one costs its imports (asyncssh, ~0.1 s), and the product never imports the lab."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_plugin_commands(), "lab"})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        entry = _plugin_commands().get(cmd_name)
        if entry is not None:
            loaded = entry.load()
            if isinstance(loaded, click.Command):
                return loaded
        if cmd_name == "lab":
            raise ConfigError(LAB_MISSING)  # one line and exit 2, never click's "no such command"
        return None


def _plugin_commands() -> dict[str, metadata.EntryPoint]:
    return {entry.name: entry for entry in metadata.entry_points(group="confvault.commands")}


@click.group(
    cls=_RootGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=str),
    help="Settings file (default: $CONFVAULT_CONFIG, else ./confvault.yaml if present).",
)
@click.option("--database-url", help="Overrides DATABASE_URL and the settings file.")
@click.option("--archive", "archive_path", help="Archive repository folder.")
@click.version_option(package_name="confvault")
@click.pass_context
def cli(
    ctx: click.Context,
    config_file: str | None,
    database_url: str | None,
    archive_path: str | None,
) -> None:
    """Network configuration backup: Nornir collection, Git archive, SQL status."""
    ctx.obj = AppContext(
        config_file=config_file,
        overrides={"database_url": database_url, "archive_path": archive_path},
    )


for command in (
    init_command,
    run_command,
    status_command,
    devices_command,
    runs_command,
    history_command,
    diff_command,
    show_command,
    prune_command,
    db_group,
    hostkey_group,
):
    cli.add_command(command)


def main() -> None:
    """Console entry point: our errors become one line on stderr and an exit code."""
    try:
        code = cli.main(standalone_mode=False)
    except ConfvaultError as error:
        click.echo(f"confvault: error: {error}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("confvault: aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_USAGE if error.exit_code == 2 else error.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)
