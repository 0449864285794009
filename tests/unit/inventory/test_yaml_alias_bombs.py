"""YAML aliases that stand for billions of values are refused at once, in one line naming the file.

~500 bytes of nested aliases used to take 1 GB (7 levels) to 9 GB and 35 s (8 levels) before the
error, because the message printed ``repr()`` of the whole expanded value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from confvault.errors import ConfigError
from confvault.inventory import load_inventory
from confvault.inventory.yaml_loader import parse_yaml, shorten
from confvault.settings import load_settings

WriteProject = Callable[..., Path]  # the write_project fixture (conftest.py)


def alias_bomb(levels: int, indent: str = "") -> str:
    """``levels`` of 9 aliases each over a list of 9 strings: 9 ** (levels + 1) values."""
    lines = [f'{indent}a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join(f"*a{level - 1}" for _ in range(9))
        lines.append(f"{indent}a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [7, 8])
def test_alias_bomb_in_settings_is_one_line_naming_the_file(tmp_path: Path, levels: int) -> None:
    config = tmp_path / "confvault.yaml"
    config.write_text(f"x-bomb:\n{alias_bomb(levels, '  ')}workers: *a{levels}\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, env={}, overrides={}, cwd=tmp_path)
    message = str(caught.value)
    assert "confvault.yaml" in message
    assert "alias" in message
    assert "\n" not in message
    assert len(message) < 300


def test_alias_bomb_as_a_hosts_provider_is_refused(write_project: WriteProject) -> None:
    hosts = f"x-bomb:\n{alias_bomb(8, '  ')}r1:\n  platform: ios\n  data:\n    provider: *a8\n"
    nornir_config = write_project(hosts=hosts)
    with pytest.raises(ConfigError) as caught:
        load_inventory(nornir_config, env={})
    assert "hosts.yaml" in str(caught.value)
    assert "alias" in str(caught.value)


def test_ordinary_aliases_still_work() -> None:
    hosts = "".join(f"h{i}:\n  <<: *common\n  hostname: 10.0.0.{i}\n" for i in range(200))
    text = "common: &common\n  platform: ios\n  groups: [acme]\n" + hosts
    data = parse_yaml(text, "hosts.yaml")
    assert data["h199"]["platform"] == "ios"
    assert data["h0"]["groups"] == ["acme"]


def test_shorten_stops_without_materialising_a_shared_value() -> None:
    value: list[object] = ["lol"] * 9
    for _ in range(12):  # 9 ** 13 leaves: a full repr would never finish
        value = [value] * 9
    text = shorten(value)
    assert text.startswith("[[[[")
    assert text.endswith("...")
    assert len(text) == 60


@pytest.mark.parametrize(
    "value",
    [1, "abc", [1, 2, {"a": "b"}], {"k": [1] * 100}, "x" * 200, None, 3.5, {"a": {"b": [1, "t"]}}],
)
def test_shorten_reads_like_repr(value: object) -> None:
    full = repr(value)
    assert shorten(value) == (full if len(full) <= 60 else full[:57] + "...")
