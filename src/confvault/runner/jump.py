"""The way to one device: a TCP socket confvault opens, or a channel through a jump host.

Either way the first thing opened is a TCP socket with TCP_NODELAY, and that is the socket the
deadline watchdog shuts: through a jump host, shutting it ends the jump's SSH transport and with
it the device's channel, so the worker is freed exactly as on a direct connection. Each device
has its own jump connection (no sharing between workers: one device's cut never ends another's).
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from collections.abc import Mapping
from pathlib import Path

import paramiko
from netmiko.exceptions import NetmikoTimeoutException
from paramiko.ssh_exception import AuthenticationException, BadHostKeyException, ChannelException

from confvault.models import Device, ErrorClass, Secret
from confvault.runner.connection import open_tcp
from confvault.runner.hostkeys import HostKeyCheck, fingerprint
from confvault.runner.sshconfig import ProxyCommandStream, SshConfigEntry, lookup

JUMP_HOST = "jump_host"  # the inventory's extras key (checked by the inventory package)


class JumpHostError(Exception):
    """A failure at the jump host, already classified; the message names the jump host."""

    def __init__(self, error_class: ErrorClass, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class


def _reveal(value: object) -> object:
    return value.reveal() if isinstance(value, Secret) else value


class Route:
    """Open with :meth:`open`, watch :attr:`tcp`, hand :meth:`device_socket` to netmiko."""

    def __init__(
        self,
        tcp: socket.socket,
        target: tuple[str, int],
        jump: Mapping[str, object] | None = None,
        via_config: SshConfigEntry | None = None,
        proxy: ProxyCommandStream | None = None,
    ) -> None:
        self.tcp = tcp  # the socket the watchdog shuts
        self.target = target  # the device's address as the last hop sees it
        self._jump = jump
        self._config = via_config
        self._proxy = proxy
        self._client: paramiko.SSHClient | None = None

    @classmethod
    def open(cls, device: Device, timeout: float, ssh_config: Path | None = None) -> Route:
        jump = device.connect_options.get(JUMP_HOST)
        entry = lookup(device, ssh_config) if ssh_config is not None else None
        target = (entry.hostname, entry.port) if entry else (device.hostname, device.port)
        if not isinstance(jump, Mapping) and entry is not None:
            jump = entry.jump
            if entry.proxy_command is not None and jump is None:
                proxy = ProxyCommandStream(entry.proxy_command)
                return cls(proxy.sock, target, via_config=entry, proxy=proxy)
        if not isinstance(jump, Mapping):
            return cls(open_tcp(*target, timeout, device.platform), target, via_config=entry)
        try:
            tcp = open_tcp(str(jump["hostname"]), int(str(jump["port"])), timeout, "jump host")
        except NetmikoTimeoutException as error:
            reason = str(error).splitlines()[0].removeprefix("TCP connection to device failed. ")
            raise JumpHostError(
                ErrorClass.UNREACHABLE, f"{_label(jump)} unreachable: {reason}"
            ) from None
        return cls(tcp, target, jump, entry)

    def netmiko_options(self, device: Device) -> dict[str, object]:
        """What ssh_config adds to netmiko's options (the inventory's own key_file wins)."""
        entry = self._config
        if entry is None or not entry.identity_files or "key_file" in device.connect_options:
            return {}
        return {"key_file": entry.identity_files[0], "use_keys": True}

    def host_keys(self, check: HostKeyCheck) -> HostKeyCheck:
        """The device's known_hosts name: its HostKeyAlias, if ssh_config gives one."""
        alias = self._config.host_key_alias if self._config is not None else None
        return dataclasses.replace(check, alias=alias) if alias else check

    def device_socket(
        self, device: Device, timeout: float, host_keys: HostKeyCheck
    ) -> socket.socket | paramiko.Channel:
        """The device's byte stream: the TCP socket itself, or a direct-tcpip channel."""
        jump = self._jump
        if jump is None:
            return self.tcp
        dest = self.target
        host, port = str(jump["hostname"]), int(str(jump["port"]))
        if host_keys.mode != "off":
            client = host_keys.client(host, port)
        else:
            client = paramiko.SSHClient()
            client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # noqa: S507 - host_keys: off
        self._client = client
        try:
            client.connect(
                host,
                port,
                username=str(jump["username"]),
                password=_reveal(jump.get("password")),
                key_filename=jump.get("key_file"),
                passphrase=_reveal(jump.get("passphrase")),
                allow_agent=jump.get("allow_agent") is True,
                look_for_keys=jump.get("use_keys") is True,
                sock=self.tcp,
                timeout=timeout,
                banner_timeout=timeout,
                auth_timeout=timeout,
            )
        except AuthenticationException:
            raise JumpHostError(
                ErrorClass.AUTH, f"authentication failed at {_label(jump)}"
            ) from None
        except BadHostKeyException as error:
            raise JumpHostError(
                ErrorClass.HOST_KEY,
                f"host key changed for {_label(jump)}: expected "
                f"{fingerprint(error.expected_key)}, got {fingerprint(error.key)}",
            ) from None
        except paramiko.SSHException as error:
            if "not found in known_hosts" not in str(error):
                raise
            raise JumpHostError(
                ErrorClass.HOST_KEY, f"host key of {_label(jump)} is not known (host_keys: strict)"
            ) from None
        transport = client.get_transport()
        if transport is None:  # pragma: no cover - connect() either sets it or raises
            raise JumpHostError(ErrorClass.DISCONNECTED, f"{_label(jump)} closed the session")
        try:
            return transport.open_channel("direct-tcpip", dest, ("127.0.0.1", 0), timeout=timeout)
        except ChannelException as error:
            raise JumpHostError(
                ErrorClass.UNREACHABLE,
                f"{_label(jump)} could not reach {dest[0]}:{dest[1]} ({error.text})",
            ) from None

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
        with contextlib.suppress(OSError):
            self.tcp.close()
        if self._proxy is not None:
            self._proxy.close()


def _label(jump: Mapping[str, object]) -> str:
    return f"jump host {jump['hostname']}:{jump['port']}"
