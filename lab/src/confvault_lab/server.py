"""The lab's SSH server: one asyncio loop, one listener per device, one host key for all.

asyncssh's own ``listen`` rebuilds connection options per call and always sends the SSH banner, so
we build the options once and hand each accepted socket either to an asyncssh server connection
or, for a ``silent`` device, to a protocol that says nothing at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import asyncssh

from confvault_lab.device import DeviceRuntime, LabDevice, boot_time_for
from confvault_lab.errors import LabError
from confvault_lab.labdir import LabDir
from confvault_lab.session import DeviceSession
from confvault_lab.spec import LabSpec, check_loopback
from confvault_lab.telnet import TelnetDevice

log = logging.getLogger(__name__)

# What a `legacy: true` device offers, and nothing else: an old IOS or a 15-year-old switch.
LEGACY_ALGORITHMS = {
    "kex_algs": ["diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"],
    "encryption_algs": ["aes128-cbc", "3des-cbc"],
    "mac_algs": ["hmac-sha1", "hmac-md5"],
}
LEGACY_HOST_KEY_ALGS = (b"ssh-rsa",)  # the RSA key signs with SHA-1 only
POLL_INTERVAL_S = 0.2  # how often fault files are re-read and stats written
LISTEN_BACKLOG = 64


@dataclass(frozen=True, slots=True)
class LabStats:
    devices: int = 0
    connections: int = 0  # TCP connections accepted
    sessions_served: int = 0  # shell sessions that ran to their end
    auth_rejected: int = 0
    lab_errors: int = 0  # exceptions inside the lab (bugs): must stay 0 in any benchmark
    uptime_s: float = 0.0


class _SilentProtocol(asyncio.Protocol):
    """The `silent` fault: the TCP connection is accepted and then nothing, not even a banner."""

    def __init__(self, lab: LabServer) -> None:
        self._lab = lab

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._lab.silent_transports.add(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lab.silent_transports = {t for t in self._lab.silent_transports if not t.is_closing()}


class _DeviceServer(asyncssh.SSHServer):
    def __init__(self, lab: LabServer) -> None:
        self._lab = lab
        self._conn: asyncssh.SSHServerConnection | None = None
        self._device: DeviceRuntime | None = None
        self._user = ""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        address, port = conn.get_extra_info("sockname")[:2]
        self._device = self._lab.device_at(address, port)
        self._lab.live_connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._lab.live_connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return self._device is not None and self._device.spec.auth.password

    def public_key_auth_supported(self) -> bool:
        return self._device is not None and bool(self._device.spec.auth.keys)

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        device = self._device
        if device is None:
            return False
        accepted = (
            self._lab.fault_of(device.spec.name) != "auth_reject"
            and username.split("+", 1)[0] == device.spec.credentials.username
            and key.public_data in self._lab.authorized_keys(device.spec.auth.keys)
        )
        if accepted:
            self._user = username.split("+", 1)[0]
        return accepted  # paramiko offers keys one by one: a refused offer is not a failed login

    def validate_password(self, username: str, password: str) -> bool:
        device = self._device
        if device is None or not device.spec.auth.password:
            return False
        # netmiko logs in to RouterOS as `admin+ct511w4098h`: terminal flags after the `+`.
        user = username.split("+", 1)[0]
        credentials = device.spec.credentials
        accepted = (
            self._lab.fault_of(device.spec.name) != "auth_reject"
            and user == credentials.username
            and password == credentials.password
        )
        if accepted:
            self._user = user
        else:
            self._lab.auth_rejected += 1
        return accepted

    def session_requested(self) -> DeviceSession:
        if self._device is None:  # cannot happen: auth never succeeds without a device
            raise asyncssh.DisconnectError(asyncssh.DISC_BY_APPLICATION, "unknown device")
        return DeviceSession(self._lab, self._device, self._user)


class LabServer:
    """All devices of one lab, served from the running asyncio loop."""

    def __init__(self, spec: LabSpec, lab_dir: LabDir) -> None:
        self.spec = spec
        self.lab_dir = lab_dir
        self.live_connections: set[asyncssh.SSHServerConnection] = set()
        self.silent_transports: set[asyncio.BaseTransport] = set()
        self.auth_rejected = 0
        self._devices: dict[tuple[str, int], DeviceRuntime] = {}
        self._by_name: dict[str, DeviceRuntime] = {}
        self._listeners: dict[str, asyncio.Server] = {}
        self._faults: dict[str, str] = {}
        self._faults_mtime = -1
        self._keys: dict[tuple[str, ...], frozenset[bytes]] = {}
        self._options: asyncssh.SSHServerConnectionOptions | None = None
        self._replaced_options: asyncssh.SSHServerConnectionOptions | None = None
        self._legacy_options: asyncssh.SSHServerConnectionOptions | None = None
        self._poller: asyncio.Task[None] | None = None
        self._connections = 0
        self._sessions = 0
        self._errors = 0
        self._started = time.monotonic()
        self._last_stats: LabStats | None = None

    # -- start / stop --------------------------------------------------------------------------

    async def start(self) -> None:
        self._started = time.monotonic()
        logging.getLogger("asyncssh").setLevel(logging.WARNING)  # per-connection INFO costs CPU
        self._options = await self._connection_options(self.lab_dir.host_key())
        self._replaced_options = await self._connection_options(self._replacement_host_key())
        if any(d.legacy for d in self.spec.devices):
            legacy = await self._connection_options(
                self._stored_host_key("host_key_rsa", "ssh-rsa"), **LEGACY_ALGORITHMS
            )
            # asyncssh offers rsa-sha2-* for an RSA key too; an old device knows only ssh-rsa
            for algorithm in list(legacy.server_host_keys):
                if algorithm not in LEGACY_HOST_KEY_ALGS:
                    del legacy.server_host_keys[algorithm]
            self._legacy_options = legacy
        for name in self.lab_dir.read_faults():
            self.lab_dir.set_fault(name, None)  # the spec sets the initial faults
        for device in self.spec.devices:
            if device.fault:
                self.lab_dir.set_fault(device.name, device.fault)
        self.refresh_faults(force=True)
        started_at = datetime.now(UTC)
        for device_spec in self.spec.devices:
            self.authorized_keys(device_spec.auth.keys)  # a bad key file fails the start
        try:
            for index, device_spec in enumerate(self.spec.devices):
                address, port = self._address_for(index)
                sock = self._bind(device_spec.name, address, port)
                runtime = DeviceRuntime(
                    device_spec,
                    address,
                    sock.getsockname()[1],
                    boot_time_for(device_spec.name, started_at),
                )
                self._by_name[device_spec.name] = runtime
                self._devices[(address, runtime.port)] = runtime
                if self.spec.pregenerate:
                    runtime.generated_body(device_spec.size)
                if self._faults.get(device_spec.name) == "refuse":
                    sock.close()
                else:
                    self._listeners[device_spec.name] = await self._serve(runtime, sock)
        except BaseException:
            await self.stop()
            raise
        self.lab_dir.write_json(self.lab_dir.devices_file, [asdict(d) for d in self.devices])
        self._write_stats()
        self._poller = asyncio.get_running_loop().create_task(self._poll())

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        for listener in self._listeners.values():
            listener.close()
        self._listeners.clear()
        for conn in list(self.live_connections):
            conn.abort()
        for transport in list(self.silent_transports):
            transport.close()
        await asyncio.sleep(0)  # let aborted connections run their callbacks
        self._write_stats()

    async def _connection_options(
        self, host_key: asyncssh.SSHKey, **algorithms: list[str]
    ) -> asyncssh.SSHServerConnectionOptions:
        options: asyncssh.SSHServerConnectionOptions
        options = await asyncssh.SSHServerConnectionOptions.construct(
            server_host_keys=[host_key],
            **algorithms,
            server_factory=lambda: _DeviceServer(self),
            encoding=None,
            line_editor=False,
            login_timeout=30,
        )
        return options

    def _replacement_host_key(self) -> asyncssh.SSHKey:
        """The key of the `new_host_key` fault: kept in the lab dir, so it too is stable."""
        return self._stored_host_key("host_key_replaced", "ssh-ed25519")

    def _stored_host_key(self, file_name: str, algorithm: str) -> asyncssh.SSHKey:
        path = self.lab_dir.root / file_name
        if path.exists():
            return asyncssh.read_private_key(str(path))
        key = asyncssh.generate_private_key(algorithm)
        key.write_private_key(str(path))
        path.chmod(0o600)
        return key

    def _address_for(self, index: int) -> tuple[str, int]:
        listen = self.spec.listen
        if listen.mode == "port":
            return listen.address, (listen.base_port + index if listen.base_port else 0)
        address = str(ipaddress.ip_address(listen.address) + index)
        check_loopback(address, f"device #{index + 1} address")
        return address, listen.base_port

    def _bind(self, name: str, address: str, port: int) -> socket.socket:
        check_loopback(address, f"device {name}")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, port))
            sock.listen(LISTEN_BACKLOG)
        except OSError as error:
            sock.close()
            raise LabError(
                f"device {name}: cannot listen on {address}:{port} ({error.strerror})"
            ) from None
        sock.setblocking(False)
        return sock

    async def _serve(self, device: DeviceRuntime, sock: socket.socket) -> asyncio.Server:
        loop = asyncio.get_running_loop()
        options = self._options
        if options is None:
            raise LabError("the lab server was not started")

        def accept() -> asyncio.BaseProtocol:
            self._connections += 1
            self.refresh_faults()
            fault = self._faults.get(device.spec.name)
            if fault == "silent":
                return _SilentProtocol(self)
            if device.spec.transport == "telnet":
                return TelnetDevice(self, device)
            if device.spec.legacy and self._legacy_options is not None:
                return asyncssh.SSHServerConnection(loop, self._legacy_options)
            if fault == "new_host_key" and self._replaced_options is not None:
                return asyncssh.SSHServerConnection(loop, self._replaced_options)
            return asyncssh.SSHServerConnection(loop, options)

        return await loop.create_server(accept, sock=sock, backlog=LISTEN_BACKLOG)

    # -- faults --------------------------------------------------------------------------------

    def refresh_faults(self, force: bool = False) -> None:
        """Re-read fault files when the faults directory changed (one stat per call)."""
        mtime = self.lab_dir.faults_mtime()
        if force or mtime != self._faults_mtime:
            self._faults_mtime = mtime
            self._faults = self.lab_dir.read_faults()

    def fault_of(self, name: str) -> str | None:
        return self._faults.get(name)

    async def _apply_refusals(self) -> None:
        """`refuse` means no listener at all, so close or reopen listeners as faults change."""
        for name, device in self._by_name.items():
            refusing = self._faults.get(name) == "refuse"
            listening = name in self._listeners
            if refusing and listening:
                self._listeners.pop(name).close()
            elif not refusing and not listening:
                sock = self._bind(name, device.address, device.port)
                self._listeners[name] = await self._serve(device, sock)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_INTERVAL_S)
            try:
                self.refresh_faults(force=True)
                await self._apply_refusals()
                self._write_stats()
            except Exception as error:  # keep serving; the error is counted and logged
                self.record_error("<poller>", error)

    async def apply_now(self) -> None:
        """Make fault changes effective at once (the in-process API calls this after a write)."""
        self.refresh_faults(force=True)
        await self._apply_refusals()

    # -- lookups and statistics -----------------------------------------------------------------

    def authorized_keys(self, paths: tuple[str, ...]) -> frozenset[bytes]:
        """The public keys in these files (read once per file, as sshd reads authorized_keys)."""
        found = self._keys.get(paths)
        if found is None:
            try:
                found = frozenset(asyncssh.read_public_key(p).public_data for p in paths)
            except (OSError, asyncssh.KeyImportError) as error:
                raise LabError(f"cannot read a device's public key: {error}") from None
            self._keys[paths] = found
        return found

    def device_at(self, address: str, port: int) -> DeviceRuntime | None:
        return self._devices.get((address, port))

    @property
    def devices(self) -> list[LabDevice]:
        return [d.public for d in self._by_name.values()]

    def device(self, name: str) -> DeviceRuntime:
        try:
            return self._by_name[name]
        except KeyError:
            raise LabError(f"no lab device named {name!r}") from None

    def record_session(self) -> None:
        self._sessions += 1

    def record_error(self, where: str, error: BaseException) -> None:
        self._errors += 1
        log.error("lab error on %s: %r", where, error, exc_info=error)

    def stats(self) -> LabStats:
        return LabStats(
            devices=len(self._by_name),
            connections=self._connections,
            sessions_served=self._sessions,
            auth_rejected=self.auth_rejected,
            lab_errors=self._errors,
            uptime_s=round(time.monotonic() - self._started, 3),
        )

    def _write_stats(self) -> None:
        stats = self.stats()
        if (
            self._last_stats is None
            or stats.sessions_served != self._last_stats.sessions_served
            or (
                stats.connections != self._last_stats.connections
                or stats.lab_errors != self._last_stats.lab_errors
            )
        ):
            self.lab_dir.write_json(self.lab_dir.stats_file, asdict(stats))
            self._last_stats = stats
