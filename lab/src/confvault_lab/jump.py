"""A jump host for the lab: an SSH server on loopback that forwards (direct-tcpip) to loopback only.

It runs its own asyncio loop in a thread, like ``Lab``; one user, by password or public key. The
forwarding is asyncssh's own: a channel to 127.0.0.0/8 is opened, anything else is refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import threading
from pathlib import Path
from types import TracebackType

import asyncssh

from confvault_lab.errors import LabError
from confvault_lab.spec import check_loopback

START_TIMEOUT_S = 10.0


class _JumpServer(asyncssh.SSHServer):
    def __init__(self, jump: JumpHost) -> None:
        self._jump = jump
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._jump.live.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self._jump.live.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == self._jump.username and password == self._jump.password

    def public_key_auth_supported(self) -> bool:
        return bool(self._jump.authorized_keys)

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return username == self._jump.username and key.public_data in self._jump.authorized_keys

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        try:
            loopback = ipaddress.ip_address(dest_host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise asyncssh.ChannelOpenError(
                asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED,
                "the lab jump host forwards to loopback only",
            )
        self._jump.forwarded += 1
        return True  # asyncssh opens the TCP connection to dest_host:dest_port itself


class JumpHost:
    """``with JumpHost(folder) as jump:`` serves on ``jump.address:jump.port`` in the block."""

    def __init__(
        self,
        folder: Path,
        *,
        username: str = "jump",
        password: str = "jump-password",  # noqa: S107 - the documented lab default
        address: str = "127.0.0.1",
        port: int = 0,
        authorized_keys: tuple[Path, ...] = (),  # public key files, besides the password
    ) -> None:
        check_loopback(address, "jump host address")
        try:
            self.authorized_keys = frozenset(
                asyncssh.read_public_key(str(p)).public_data for p in authorized_keys
            )
        except (OSError, asyncssh.KeyImportError) as error:
            raise LabError(f"jump host: cannot read a public key: {error}") from None
        self.folder = folder
        self.username = username
        self.password = password
        self.address = address
        self.port = port
        self.forwarded = 0  # channels opened to lab devices
        self.live: set[asyncssh.SSHServerConnection | None] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncssh.SSHAcceptor | None = None

    def _host_key(self) -> asyncssh.SSHKey:
        path = self.folder / "jump_host_key"
        if path.exists():
            return asyncssh.read_private_key(str(path))
        self.folder.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519")
        key.write_private_key(str(path))
        path.chmod(0o600)
        return key

    async def _listen(self) -> asyncssh.SSHAcceptor:
        server: asyncssh.SSHAcceptor = await asyncssh.listen(
            self.address,
            self.port,
            server_host_keys=[self._host_key()],
            server_factory=lambda: _JumpServer(self),
            allow_pty=False,
            login_timeout=30,
        )
        return server

    def start(self) -> JumpHost:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="confvault-lab-jump", daemon=True)
        thread.start()
        try:
            server = asyncio.run_coroutine_threadsafe(self._listen(), loop).result(START_TIMEOUT_S)
        except OSError as error:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()
            raise LabError(
                f"jump host: cannot listen on {self.address}:{self.port} ({error.strerror})"
            ) from None
        self._loop, self._thread, self._server = loop, thread, server
        self.port = server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        loop, thread, server = self._loop, self._thread, self._server
        if loop is None or thread is None or server is None:
            return

        async def close() -> None:
            server.close()
            await server.wait_closed()
            conns = [c for c in self.live if c is not None]
            for conn in conns:
                conn.abort()
            await asyncio.gather(*(c.wait_closed() for c in conns))  # and their forwards

        asyncio.run_coroutine_threadsafe(close(), loop).result(START_TIMEOUT_S)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        self._loop = self._thread = self._server = None

    def __enter__(self) -> JumpHost:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
