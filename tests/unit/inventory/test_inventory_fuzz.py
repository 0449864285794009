"""Fuzzing: every input is either loaded or rejected with a ConfvaultError; nothing else escapes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confvault.errors import ConfvaultError
from confvault.inventory import load_inventory
from confvault.settings import load_settings

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FIELD_NAMES = st.sampled_from(
    [
        "hostname", "port", "username", "password", "platform", "groups", "data",
        "connection_options", "netmiko", "extras", "secret", "provider", "active",
        "accept_shrink", "r1", "lab", "${X}", "${file:x}", "workers", "timeout",
    ]
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | FIELD_NAMES
    | st.text(max_size=12)
    | st.sampled_from(["cisco_ios", "acme", "${X}", "${file:s.txt}", "${file:/}", "${", "a/b"])
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(FIELD_NAMES, inner, max_size=5),
    max_leaves=25,
)
# Shaped like an inventory, so fuzzing also reaches inheritance and device building.
ELEMENTS = st.dictionaries(
    st.sampled_from(["r1", "r2", "lab", "core", "R1"]),
    st.fixed_dictionaries(
        {},
        optional={
            "hostname": st.sampled_from(["192.0.2.1", "a b", ""]) | SCALARS,
            "platform": st.sampled_from(["cisco_ios", "ios", "nope"]),
            "port": st.integers(-5, 70000) | SCALARS,
            "username": st.sampled_from(["u", "${X}", "${file:s.txt}"]),
            "password": st.sampled_from(["p", "${X}", "${file:s.txt}", "${file:missing}"]),
            "groups": st.lists(st.sampled_from(["lab", "core", "nope"]), max_size=3),
            "data": st.fixed_dictionaries(
                {}, optional={"provider": st.sampled_from(["acme", "a/b"]), "active": SCALARS}
            ),
            "connection_options": st.just({"netmiko": {"extras": {"secret": "${X}"}}}),
        },
    ),
    max_size=4,
)
ENVIRONMENTS = st.dictionaries(
    st.sampled_from(["X", "BACKUP_MAX_WORKERS", "BACKUP_TIMEOUT", "DATABASE_URL", "DB_POOL_SIZE",
                     "DB_MAX_OVERFLOW", "DB_POOL_TIMEOUT", "CONFVAULT_CONFIG"]),
    st.text(max_size=20),
    max_size=4,
)  # fmt: skip
COMPLETE_DEFAULTS = {
    "hostname": "192.0.2.9",
    "platform": "cisco_ios",
    "username": "u",
    "password": "${file:s.txt}",
    "data": {"provider": "acme"},
}  # lets many fuzzed hosts load, so device building is fuzzed too
NORNIR_YAML = "inventory:\n  options:\n    host_file: hosts.yaml\n"


def as_text(document: object, raw: bytes | None) -> bytes:
    if raw is not None:
        return raw
    return yaml.safe_dump(document, allow_unicode=True).encode("utf-8")


@FUZZ
@given(
    hosts=ELEMENTS | DOCUMENTS,
    groups=ELEMENTS | DOCUMENTS,
    defaults=st.just(COMPLETE_DEFAULTS) | DOCUMENTS,
    raw=st.none() | st.binary(max_size=200),
    env=ENVIRONMENTS,
)
def test_inventory_loader_never_leaks_other_exceptions(
    hosts: object, groups: object, defaults: object, raw: bytes | None, env: dict[str, str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "nornir.yaml").write_text(NORNIR_YAML, encoding="utf-8")
        (base / "hosts.yaml").write_bytes(as_text(hosts, raw))
        (base / "groups.yaml").write_bytes(as_text(groups, None))
        (base / "defaults.yaml").write_bytes(as_text(defaults, None))
        (base / "s.txt").write_text("pw\n", encoding="utf-8")
        try:
            inventory = load_inventory(base / "nornir.yaml", env=env)
        except ConfvaultError as exc:
            assert "\n" not in str(exc)
        else:
            for device in inventory.devices:
                assert device.hostname
                assert device.platform
                assert device.provider


@FUZZ
@given(document=DOCUMENTS, raw=st.none() | st.binary(max_size=200), env=ENVIRONMENTS)
def test_settings_loader_never_leaks_other_exceptions(
    document: object, raw: bytes | None, env: dict[str, str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "confvault.yaml").write_bytes(as_text(document, raw))
        try:
            result = load_settings(None, env=env, overrides={}, cwd=base)
        except ConfvaultError as exc:
            assert "\n" not in str(exc)
        else:
            assert 1 <= result.workers <= 1000
            assert result.timeout > 0
