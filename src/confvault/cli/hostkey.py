"""``hostkey accept DEVICE``: trust a device's new SSH host key (after the device was replaced)."""

from __future__ import annotations

import click

from confvault.cli.context import AppContext
from confvault.cli.output import console
from confvault.service.hostkeys import accept_host_key


@click.group("hostkey")
def hostkey_group() -> None:
    """Device SSH host keys (the host_keys setting; kept in <data_dir>/known_hosts)."""


@hostkey_group.command("accept")
@click.argument("device")
@click.pass_obj
def accept_command(app: AppContext, device: str) -> None:
    """Read the host key DEVICE presents now and make it the one known for it."""
    accepted = accept_host_key(app.settings(), device)
    was = f"; it replaced {', '.join(accepted.replaced)}" if accepted.replaced else ""
    console().print(
        f"{accepted.device}: host key {accepted.fingerprint} accepted as {accepted.name} "
        f"in {accepted.file}{was}",
        markup=False,  # "[host]:port" is not rich markup
    )
