"""``confvault lab start|stop``: the lab's click group (the main CLI mounts ``lab_group``)."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from confvault_lab.control import Lab, read_pid
from confvault_lab.errors import LabError
from confvault_lab.inventory import credentials_env
from confvault_lab.platforms import NAMES
from confvault_lab.serve import serve_forever
from confvault_lab.server import LabServer
from confvault_lab.spec import LabSpec, load_spec, quick_spec, spec_from_json

P = ParamSpec("P")
R = TypeVar("R")
DEFAULT_LAB_DIR = Path(".confvault-lab")


def _one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """A user's mistake prints one line and exits with its code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except LabError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper


@click.group("lab")
def lab_group() -> None:
    """Simulated network devices over SSH on loopback, for demos, tests and benchmarks."""


# --lab-dir on every command that works on a running lab (`serve` names it without a default).
_lab_dir_option = click.option(
    "--lab-dir", type=click.Path(path_type=Path), default=DEFAULT_LAB_DIR
)

# What describes the devices: a spec file, or --count and its companions (see quick_spec).
_SPEC_OPTIONS = (
    click.option(
        "--spec", "spec_path", type=click.Path(path_type=Path), help="Lab spec YAML file."
    ),
    click.option("--count", type=int, help="Number of devices (instead of --spec)."),
    click.option(
        "--platforms",
        default=",".join(NAMES),
        show_default=True,
        help="Comma-separated platforms for --count, used round-robin.",
    ),
    click.option(
        "--latency", type=float, default=0.0, help="Login delay in seconds (with --count)."
    ),
    click.option("--size", type=int, default=20_000, help="Configuration size in bytes."),
    click.option("--mode", type=click.Choice(["port", "address"]), default="port"),
    click.option(
        "--base-port", type=int, default=None, help="First port (mode port) or shared port."
    ),
)


def _lab_spec_options(command: Callable[..., None]) -> Callable[..., None]:
    """The spec options, handed to ``command`` as one ``spec`` (a LabSpec)."""

    @functools.wraps(command)
    @_one_line_errors
    def with_spec(
        spec_path: Path | None,
        count: int | None,
        platforms: str,
        latency: float,
        size: int,
        mode: str,
        base_port: int | None,
        **others: Any,
    ) -> None:
        if spec_path is not None and count is not None:
            raise LabError("--spec and --count: give one or the other")
        if spec_path is not None:
            spec = load_spec(spec_path)
        else:
            names = [p.strip() for p in platforms.split(",") if p.strip()]
            spec = quick_spec(
                count or 10, names, latency=latency, size=size, mode=mode, base_port=base_port
            )
        command(spec=spec, **others)

    for option in reversed(_SPEC_OPTIONS):
        with_spec = option(with_spec)
    return with_spec


def _announce(server: LabServer, seconds: float) -> None:
    click.echo(f"lab: {len(server.devices)} devices listening (started in {seconds:.2f} s)")
    click.echo("lab: clients need " + ", ".join(sorted(credentials_env(server.spec))))


@lab_group.command("start")
@_lab_spec_options
@click.option("--inventory-dir", type=click.Path(path_type=Path), default=Path("inventory"))
@_lab_dir_option
@click.option("--background", is_flag=True, help="Detach; `confvault lab stop` ends it.")
@_one_line_errors
def start_command(spec: LabSpec, inventory_dir: Path, lab_dir: Path, background: bool) -> None:
    """Serve the devices and write a Nornir inventory for them."""
    if not background:
        serve_forever(spec, lab_dir, inventory_dir, _announce)
        return
    _start_background(spec, lab_dir, inventory_dir)


def _start_background(spec: LabSpec, lab_dir: Path, inventory_dir: Path) -> None:
    pid = read_pid(lab_dir)
    if pid is not None and _alive(pid):
        raise LabError(f"{lab_dir}: a lab is already running (pid {pid}); `confvault lab stop`")
    lab_dir.mkdir(parents=True, exist_ok=True)
    spec_file = lab_dir / "spec.json"
    from confvault_lab.spec import spec_to_json

    spec_file.write_text(json.dumps(spec_to_json(spec)), encoding="utf-8")
    # The lab writes its pid once it listens and its inventory is written: wait for that.
    (lab_dir / "lab.pid").unlink(missing_ok=True)
    (lab_dir / "devices.json").unlink(missing_ok=True)
    command = [sys.executable, "-m", "confvault_lab", "serve", "--spec-json", str(spec_file)]
    command += ["--lab-dir", str(lab_dir), "--inventory-dir", str(inventory_dir), "--write-pid"]
    with (lab_dir / "lab.log").open("wb") as log_file:
        process = subprocess.Popen(
            command,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    while not (lab_dir / "lab.pid").exists():
        if process.poll() is not None:
            lines = (lab_dir / "lab.log").read_text(encoding="utf-8", errors="replace").splitlines()
            raise LabError(f"lab did not start: {lines[-1] if lines else 'no output'}")
        time.sleep(0.05)
    # The lab outlives this command on purpose; mark it reaped so Popen does not warn about it.
    process.returncode = 0
    click.echo(f"lab: running in the background (pid {process.pid}); inventory in {inventory_dir}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except (ProcessLookupError, FileNotFoundError):
        return False
    return state != "Z"  # a zombie has exited; only its parent has not reaped it yet


@lab_group.command("stop")
@_lab_dir_option
@_one_line_errors
def stop_command(lab_dir: Path) -> None:
    """Stop a lab started with --background."""
    pid = read_pid(lab_dir)
    if pid is None or not _alive(pid):
        raise LabError(f"{lab_dir}: no running lab (no live pid in {lab_dir / 'lab.pid'})")
    os.kill(pid, signal.SIGTERM)
    for _ in range(200):
        if not _alive(pid):
            break
        time.sleep(0.05)
    (lab_dir / "lab.pid").unlink(missing_ok=True)
    click.echo(f"lab: stopped (pid {pid})")


@lab_group.command("change")
@click.argument("devices", nargs=-1, required=True)
@_lab_dir_option
@_one_line_errors
def change_command(devices: tuple[str, ...], lab_dir: Path) -> None:
    """Make a realistic configuration change on each DEVICE of a running lab."""
    lab = Lab.attach(lab_dir)
    for name in devices:
        lab.mutate(name)
        click.echo(f"{name}: configuration changed")


@lab_group.command("fault")
@click.argument("device")
@click.argument("fault")
@_lab_dir_option
@_one_line_errors
def fault_command(device: str, fault: str, lab_dir: Path) -> None:
    """Inject FAULT into DEVICE of a running lab (`none` clears it)."""
    Lab.attach(lab_dir).set_fault(device, None if fault == "none" else fault)
    click.echo(f"{device}: fault {fault}")


@lab_group.command("serve", hidden=True)
@click.option("--spec-json", type=click.Path(path_type=Path), required=True)
@click.option("--lab-dir", type=click.Path(path_type=Path), required=True)
@click.option("--inventory-dir", type=click.Path(path_type=Path), default=None)
@click.option("--write-pid", is_flag=True)
@_one_line_errors
def serve_command(
    spec_json: Path, lab_dir: Path, inventory_dir: Path | None, write_pid: bool
) -> None:
    """Internal: the process behind Lab(in_subprocess=True) and `start --background`."""
    spec = spec_from_json(json.loads(spec_json.read_text(encoding="utf-8")))

    def ready(server: LabServer, seconds: float) -> None:
        if write_pid:
            (lab_dir / "lab.pid").write_text(str(os.getpid()), encoding="utf-8")
        _announce(server, seconds)

    serve_forever(spec, lab_dir, inventory_dir, ready)


def main() -> None:
    lab_group(prog_name="python -m confvault_lab")
