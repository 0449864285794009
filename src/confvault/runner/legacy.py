"""Old devices' SSH algorithms, opt-in per host or group (``extras: {legacy_algorithms: true}``).

paramiko 5 no longer knows the SHA-1 key exchanges nor ``ssh-rsa`` (SHA-1) host-key signatures,
and still offers CBC ciphers and HMAC-MD5. By default confvault turns those two off as well, so
no device gets a legacy algorithm unless its inventory entry asks. With the option, the device's
transport (that one only) offers diffie-hellman-group14-sha1 and -group1-sha1, accepts ssh-rsa
host keys, and keeps CBC and HMAC-MD5.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from hashlib import sha1
from typing import Any, Final

import paramiko
from cryptography.hazmat.primitives import hashes
from paramiko.kex_group14 import KexGroup14SHA256
from paramiko.rsakey import RSAKey

LEGACY_OPTION: Final = "legacy_algorithms"  # the inventory's extras key
# Off unless a device opts in: paramiko would offer them to every device.
DISABLED_BY_DEFAULT: Final[Mapping[str, tuple[str, ...]]] = {
    "ciphers": ("aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"),
    "macs": ("hmac-md5", "hmac-md5-96"),
}


class KexGroup14SHA1(KexGroup14SHA256):  # type: ignore[misc]  # paramiko ships no type hints
    """RFC 4253 section 8.2: the 2048-bit group 14 with SHA-1."""

    name = "diffie-hellman-group14-sha1"
    hash_algo = sha1


class KexGroup1SHA1(KexGroup14SHA1):
    """RFC 4253 section 8.1: Oakley group 2 (RFC 2409 section 6.2), 1024 bits, with SHA-1."""

    P = int(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
        "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
        "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
        16,
    )
    name = "diffie-hellman-group1-sha1"


class LegacyRSAKey(RSAKey):  # type: ignore[misc]
    """An RSA host key that may also sign with SHA-1 (the ``ssh-rsa`` signature)."""

    HASHES = {**RSAKey.HASHES, "ssh-rsa": hashes.SHA1}


def legacy_transport(sock: Any, **kwargs: Any) -> paramiko.Transport:
    """A transport that also offers the legacy algorithms (``SSHClient.connect``'s factory)."""
    transport = paramiko.Transport(sock, **kwargs)
    kex = (KexGroup14SHA1, KexGroup1SHA1)
    # Instance attributes: only this device's transport changes, never paramiko's defaults.
    transport._kex_info = {**transport._kex_info, **{k.name: k for k in kex}}
    transport._preferred_kex = (*transport._preferred_kex, *(k.name for k in kex))
    transport._key_info = {**transport._key_info, "ssh-rsa": LegacyRSAKey}
    transport._preferred_keys = (*transport._preferred_keys, "ssh-rsa")
    return transport


def disabled_algorithms(legacy: bool, chosen: object) -> dict[str, list[str]]:
    """netmiko's ``disabled_algorithms``: the inventory's own, plus confvault's default ones."""
    merged: dict[str, list[str]] = {}
    if isinstance(chosen, Mapping):
        merged = {str(kind): list(names) for kind, names in chosen.items()}
    if not legacy:
        for kind, names in DISABLED_BY_DEFAULT.items():
            merged[kind] = [
                *merged.get(kind, []),
                *(n for n in names if n not in merged.get(kind, [])),
            ]
    return merged


def with_legacy_transport(client: paramiko.SSHClient) -> paramiko.SSHClient:
    """The client, connecting through :func:`legacy_transport` (this instance only)."""
    connect: Callable[..., None] = client.connect

    def connect_legacy(*args: Any, **kwargs: Any) -> None:
        connect(*args, transport_factory=legacy_transport, **kwargs)

    client.connect = connect_legacy
    return client
