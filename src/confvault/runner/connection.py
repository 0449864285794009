"""nornir-netmiko's connection, tuned for thousands of short read-only sessions.

Three costs of the stock plugin (measured on the device lab: bench/README.md):

* paramiko opens its own socket without TCP_NODELAY, so every small SSH handshake packet waits
  for the peer's delayed ACK. We open the socket ourselves, set TCP_NODELAY, and hand it to
  netmiko (``sock=``), one socket per connection.
* After login netmiko's ``session_preparation()`` finds the prompt with sleeps and re-reads.
  confvault keeps netmiko's SSH login (``establish_connection``) and runs the rest of the
  session as a ``CliSession`` (``dialogue.py``): the platform's own set-up commands, each step
  reading until the device answers.
* ``disconnect()`` first runs the driver's ``cleanup()``, which for some drivers checks for
  configuration mode with a timing read: Huawei VRP sleeps in every logout. confvault's
  sessions only run show commands and never enter configuration mode, so closing the SSH
  channel is the whole logout.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from netmiko._telnetlib import telnetlib
from netmiko.channel import TelnetChannel
from netmiko.exceptions import NetmikoTimeoutException
from netmiko.ssh_dispatcher import CLASS_MAPPER
from nornir.core.configuration import Config
from nornir_netmiko.connections import Netmiko

from confvault.platforms import get_platform
from confvault.runner.dialogue import CliSession
from confvault.runner.hostkeys import HostKeyCheck
from confvault.runner.legacy import with_legacy_transport

DEFAULT_CONNECT_TIMEOUT_S = 10.0
DEFAULT_LOGIN_TIMEOUT_S = 60.0
LOGIN_TIMEOUT_EXTRA = "confvault_login_timeout"  # ours, taken out before netmiko sees extras
HOST_KEYS_EXTRA = "confvault_host_keys"  # ours too: a HostKeyCheck
LEGACY_EXTRA = "confvault_legacy_algorithms"  # ours: offer old devices' algorithms
TELNET_EXTRA = "confvault_telnet"  # ours: log in over telnet (netmiko's *_telnet class)


def open_tcp(hostname: str, port: int, timeout: float, device_type: str) -> socket.socket:
    """A connected socket with TCP_NODELAY; failures read like netmiko's own messages."""
    try:
        sock = socket.create_connection((hostname, port), timeout=timeout)
    except socket.gaierror:
        raise NetmikoTimeoutException(
            f"DNS failure--the hostname you provided was not resolvable in DNS: {hostname}:{port}"
        ) from None
    except OSError as error:
        # Same first line as netmiko, so the runner classifies it as unreachable.
        raise NetmikoTimeoutException(
            f"TCP connection to device failed. ({error.strerror or type(error).__name__})\n"
            f"Device settings: {device_type} {hostname}:{port}"
        ) from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _no_login_handler(delay_factor: float = 1.0) -> None:
    """Stands in for a driver's ``special_login_handler()``: the dialogue answers questions."""


class _TelnetStream(telnetlib.Telnet):
    """netmiko's Telnet, also readable like a paramiko channel (the dialogue uses recv)."""

    def settimeout(self, timeout: float) -> None:
        if self.sock is not None:
            self.sock.settimeout(timeout)

    def recv(self, size: int) -> bytes:
        data: bytes = self.read_some()  # type: ignore[no-untyped-call]  # b"" at end of file
        return data

    def sendall(self, data: bytes) -> None:
        self.write(data)  # type: ignore[no-untyped-call]  # doubles any IAC byte


def _telnet_login(connection: Any, sock: socket.socket) -> None:
    """netmiko's telnet start (``establish_connection``), on the socket confvault opened."""
    remote = _TelnetStream()  # type: ignore[no-untyped-call]  # netmiko's copy, no hints
    remote.host, remote.port, remote.timeout = connection.host, connection.port, connection.timeout
    remote.sock = sock
    connection.remote_conn = remote
    connection.channel = TelnetChannel(conn=remote, encoding=connection.encoding)
    connection.telnet_login()  # the driver's Username:/Password: dialogue
    # telnet_login read the first prompt; the dialogue starts by waiting for one: ask again
    connection.write_channel(connection.RETURN)


def _connect(
    connection: Any,
    platform: str,
    login_timeout: float,
    host_keys: HostKeyCheck | None = None,
    *,
    legacy: bool = False,
    telnet_sock: socket.socket | None = None,
) -> CliSession:
    """netmiko's login, then confvault's dialogue instead of ``session_preparation()``."""
    connection._modify_connection_params()  # e.g. RouterOS: '+ct511w4098h' after the username
    connection.special_login_handler = _no_login_handler  # this instance only
    if telnet_sock is not None:
        connection.establish_connection = lambda: _telnet_login(connection, telnet_sock)
    build = connection._build_ssh_client
    if host_keys is not None and host_keys.mode != "off":
        # netmiko's own client would accept any key (AutoAddPolicy); this one checks the file
        host, port = connection.host, connection.port

        def build() -> Any:
            return host_keys.client(host, port)

    if legacy:
        connection._build_ssh_client = lambda: with_legacy_transport(build())
    else:
        connection._build_ssh_client = build
    connection.establish_connection()
    try:
        session = CliSession(connection, get_platform(platform).dialogue)
        session.open(login_timeout)
    except BaseException:
        connection.disconnect()  # as netmiko does: no half-open session left behind
        raise
    return session


def netmiko_device_types() -> frozenset[str]:
    """Every ``device_type`` netmiko can log in as (a project platform names one of them)."""
    return frozenset(CLASS_MAPPER)


def _skip_cleanup(command: str = "") -> None:
    """Stands in for a driver's ``cleanup()``: nothing to leave in a read-only session."""


class FastNetmiko(Netmiko):  # type: ignore[misc]  # nornir_netmiko ships no type hints
    """The ``netmiko`` connection: TCP_NODELAY socket, confvault's dialogue, a logout that does
    not sleep. ``session`` is the logged-in CLI the collection task talks to."""

    session: CliSession

    def open(
        self,
        hostname: str | None,
        username: str | None,
        password: str | None,
        port: int | None,
        platform: str | None,
        extras: dict[str, Any] | None = None,
        configuration: Config | None = None,
    ) -> None:
        extras = dict(extras or {})
        login_timeout = float(extras.pop(LOGIN_TIMEOUT_EXTRA, DEFAULT_LOGIN_TIMEOUT_S))
        host_keys = extras.pop(HOST_KEYS_EXTRA, None)
        legacy = bool(extras.pop(LEGACY_EXTRA, False))
        telnet = bool(extras.pop(TELNET_EXTRA, False))
        if "sock" not in extras and hostname:
            timeout = float(extras.get("conn_timeout", DEFAULT_CONNECT_TIMEOUT_S))
            extras["sock"] = open_tcp(hostname, port or 22, timeout, platform or "")
        extras["auto_connect"] = False  # connect below: login, then the dialogue
        # netmiko's telnet class of the platform (cisco_ios -> cisco_ios_telnet)
        netmiko_type = get_platform(platform or "").device_type
        device_type = f"{netmiko_type}_telnet" if telnet else netmiko_type
        try:
            super().open(hostname, username, password, port, device_type, extras, configuration)
            self.session = _connect(
                self.connection,
                platform or "",
                login_timeout,
                host_keys,
                legacy=legacy,
                telnet_sock=extras["sock"] if telnet else None,
            )
        except BaseException:
            with contextlib.suppress(OSError):
                extras["sock"].close()
            raise

    def close(self) -> None:
        connection = self.connection
        connection.cleanup = _skip_cleanup  # this instance only; the driver class is untouched
        connection.disconnect()  # still closes the channel, transport and socket
