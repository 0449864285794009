"""nornir-netmiko's connection, tuned for thousands of short read-only sessions.

Two costs of the stock plugin, measured on the device lab (bench/README.md):

* paramiko opens its own socket without TCP_NODELAY, so every small SSH handshake packet waits
  for the peer's delayed ACK (~40 ms each on Linux). We open the socket ourselves, set
  TCP_NODELAY, and hand it to netmiko (``sock=``), one socket per connection.
* Before ``session_preparation()`` netmiko sends a newline and sleeps a fixed 0.1 s "so there is
  data". Every driver's preparation waits for the prompt itself (it polls and re-sends newlines),
  so we send the newline and skip the sleep: 0.1 s per device, ~7 % of a run at 1 s latency.
* ``disconnect()`` first runs the driver's ``cleanup()``, which for some drivers checks for
  configuration mode with a timing read: Huawei VRP sleeps 2 s in every logout. confvault's
  sessions only run show commands and never enter configuration mode, so closing the SSH
  channel is the whole logout.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from netmiko.exceptions import NetmikoTimeoutException
from nornir.core.configuration import Config
from nornir_netmiko.connections import Netmiko

DEFAULT_CONNECT_TIMEOUT_S = 10.0


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


def _connect(connection: Any) -> None:
    """netmiko's ``BaseConnection._open()`` (4.x) minus the sleep after the first newline."""
    connection._modify_connection_params()
    connection.establish_connection()
    try:
        connection.write_channel(connection.RETURN)
        connection.session_preparation()
    except BaseException:
        connection.disconnect()  # as netmiko does: no half-open session left behind
        raise


def _skip_cleanup(command: str = "") -> None:
    """Stands in for a driver's ``cleanup()``: nothing to leave in a read-only session."""


class FastNetmiko(Netmiko):  # type: ignore[misc]  # nornir_netmiko ships no type hints
    """The ``netmiko`` connection with a TCP_NODELAY socket and a logout that does not sleep."""

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
        if "sock" not in extras and hostname:
            timeout = float(extras.get("conn_timeout", DEFAULT_CONNECT_TIMEOUT_S))
            extras["sock"] = open_tcp(hostname, port or 22, timeout, platform or "")
        extras["auto_connect"] = False  # connect below, without netmiko's fixed sleep
        try:
            super().open(hostname, username, password, port, platform, extras, configuration)
            _connect(self.connection)
        except BaseException:
            with contextlib.suppress(OSError):
                extras["sock"].close()
            raise

    def close(self) -> None:
        connection = self.connection
        connection.cleanup = _skip_cleanup  # this instance only; the driver class is untouched
        connection.disconnect()  # still closes the channel, transport and socket
