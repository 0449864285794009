"""The lab spec (a small YAML file) and its expansion into concrete simulated devices."""

from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from confvault_lab.errors import LabError
from confvault_lab.platforms import BY_NAME, NAMES

FAULTS = (
    "auth_reject",
    "refuse",
    "silent",
    "slow",
    "disconnect",
    "no_end_marker",
    "garbage",
    "endless_pager",
    "unexpected_prompt",
    "login_question",  # VRP password change, Comware banner, RouterOS licence; others: no effect
    "huge",
    "shrink",
    # every command refused before enable, as AAA command authorisation does (IOS, EOS)
    "command_authorisation",
    "no_hostname",  # the prompt a device without a configured host-name shows
    "chassis_state",  # Junos '{master:0}' line before every prompt (virtual chassis); others: none
    "prompt_in_output",  # a line that is exactly the prompt in the configuration, then a pause
    "new_host_key",  # the device presents another host key, as a replaced device does
)
LISTEN_MODES = ("port", "address")
MAX_PORT = 65_535
DEFAULT_SIZE = 20_000
MIN_SIZE, MAX_SIZE = 2_000, 2_000_000


@dataclass(frozen=True, slots=True)
class Latency:
    login_s: float = 0.0  # before the first prompt
    command_s: float = 0.0  # before each command's output
    rate_bps: int = 0  # output bytes per second; 0 = unlimited


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str = "admin"
    password: str = "lab-password"  # noqa: S105 - the documented lab default
    enable: str = "lab-enable"


@dataclass(frozen=True, slots=True)
class Auth:
    """How a device lets users in: the password (as today) and/or public keys."""

    keys: tuple[str, ...] = ()  # paths of OpenSSH public key files (`id_ed25519.pub`)
    password: bool = True  # password and keyboard-interactive logins


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    """One simulated device, before it is bound to an address."""

    name: str
    platform: str
    provider: str
    size: int
    group: str  # inventory group holding this device's credential references
    latency: Latency = Latency()
    credentials: Credentials = Credentials()
    fault: str | None = None
    auth: Auth = Auth()
    legacy: bool = False  # offers only SHA-1 key exchanges, ssh-rsa, CBC and HMAC-SHA1/MD5
    transport: str = "ssh"  # or "telnet": Username/Password prompts, then the same CLI


@dataclass(frozen=True, slots=True)
class ListenSpec:
    mode: str = "port"
    address: str = "127.0.0.1"  # mode port: the one address; mode address: the first address
    base_port: int = 0  # mode port: 0 = any free port per device; mode address: the shared port


@dataclass(frozen=True, slots=True)
class LabSpec:
    devices: tuple[DeviceSpec, ...]
    listen: ListenSpec = ListenSpec()
    credential_groups: dict[str, Credentials] = field(default_factory=dict)
    # generate every configuration before listening (~1 ms each), so a benchmark's first run
    # measures the client, not the lab writing configurations on first request
    pregenerate: bool = False


def check_loopback(address: str, where: str) -> None:
    """Refuse anything outside loopback: the lab must never be reachable from the network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise LabError(f"{where}: {address!r} is not an IP address") from None
    if not ip.is_loopback:
        raise LabError(f"{where}: {address} is outside loopback; the lab only binds 127.0.0.0/8")


def _number(raw: Any, where: str, kind: type[int] | type[float], minimum: float = 0) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise LabError(f"{where}: expected a number, got {raw!r}")
    if raw < minimum:
        raise LabError(f"{where}: must be >= {minimum}, got {raw}")
    return kind(raw)


def _mapping(raw: Any, where: str) -> dict[Any, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise LabError(f"{where}: expected a mapping, got {type(raw).__name__}")
    return raw


def _parse_latency(raw: Any, where: str) -> Latency:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Latency(login_s=float(raw), command_s=float(raw) / 4)
    data = _mapping(raw, where)
    unknown = set(data) - {"login", "command", "rate"}
    if unknown:
        raise LabError(f"{where}: unknown key {sorted(unknown)[0]!r} (login, command, rate)")
    return Latency(
        login_s=_number(data.get("login", 0.0), f"{where}.login", float),
        command_s=_number(data.get("command", 0.0), f"{where}.command", float),
        rate_bps=_number(data.get("rate", 0), f"{where}.rate", int),
    )


def _parse_credentials(raw: Any, where: str, base: Credentials) -> Credentials:
    data = _mapping(raw, where)
    unknown = set(data) - {"username", "password", "enable"}
    if unknown:
        raise LabError(f"{where}: unknown key {sorted(unknown)[0]!r} (username, password, enable)")
    return Credentials(
        username=str(data.get("username", base.username)),
        password=str(data.get("password", base.password)),
        enable=str(data.get("enable", base.enable)),
    )


def _parse_auth(raw: Any, where: str) -> Auth:
    data = _mapping(raw, where)
    unknown = set(data) - {"keys", "password"}
    if unknown:
        raise LabError(f"{where}: unknown key {sorted(unknown)[0]!r} (keys, password)")
    keys = data.get("keys", [])
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise LabError(f"{where}.keys: expected a list of public key file paths")
    # A device with keys takes only keys unless the spec also allows the password.
    password = data.get("password", not keys)
    if not isinstance(password, bool):
        raise LabError(f"{where}.password: expected true or false, got {password!r}")
    if not keys and not password:
        raise LabError(f"{where}: a device must accept keys or the password")
    return Auth(tuple(str(Path(k).expanduser()) for k in keys), password)


def check_fault(fault: str, where: str) -> str:
    if fault not in FAULTS:
        raise LabError(f"{where}: unknown fault {fault!r}; known: {', '.join(FAULTS)}")
    return fault


def _parse_group(
    raw: Any, where: str, base_credentials: Credentials, taken: set[str]
) -> tuple[list[DeviceSpec], Credentials | None]:
    data = _mapping(raw, where)
    platform = data.get("platform")
    if platform not in BY_NAME:
        raise LabError(f"{where}.platform: {platform!r} is not one of {', '.join(NAMES)}")
    provider = str(data.get("provider", "lab"))
    count = _number(data.get("count", 1), f"{where}.count", int, minimum=1)
    size = _number(data.get("size", DEFAULT_SIZE), f"{where}.size", int, minimum=MIN_SIZE)
    if size > MAX_SIZE:
        raise LabError(f"{where}.size: {size} is over the maximum {MAX_SIZE}")
    prefix = str(data.get("name", f"{provider}-{BY_NAME[platform].tag}"))
    latency = _parse_latency(data.get("latency"), f"{where}.latency")
    auth = _parse_auth(data.get("auth"), f"{where}.auth")
    legacy = data.get("legacy", False)
    if not isinstance(legacy, bool):
        raise LabError(f"{where}.legacy: expected true or false, got {legacy!r}")
    transport = data.get("transport", "ssh")
    if transport not in ("ssh", "telnet"):
        raise LabError(f"{where}.transport: expected ssh or telnet, got {transport!r}")
    own_credentials = "credentials" in data
    credentials = _parse_credentials(
        data.get("credentials"), f"{where}.credentials", base_credentials
    )
    group = f"lab-{prefix}" if own_credentials else "lab"
    width = max(3, len(str(count)))
    names = [f"{prefix}-{i:0{width}d}" for i in range(1, count + 1)]
    faults: dict[str, str] = {}
    for key, fault in _mapping(data.get("faults"), f"{where}.faults").items():
        fault_where = f"{where}.faults.{key}"
        if isinstance(key, int) and 1 <= key <= count:
            target = names[key - 1]
        elif key in names:
            target = str(key)
        else:
            raise LabError(f"{fault_where}: no device {key!r} in this group (1..{count} or a name)")
        faults[target] = check_fault(str(fault), fault_where)
    devices = []
    for name in names:
        if name in taken:
            raise LabError(f"{where}: device name {name} is used twice")
        taken.add(name)
        devices.append(
            DeviceSpec(
                name,
                platform,
                provider,
                size,
                group,
                latency,
                credentials,
                faults.get(name),
                auth,
                legacy,
                transport,
            )
        )
    return devices, (credentials if own_credentials else None)


def parse_spec(raw: Any, source: str = "lab spec") -> LabSpec:
    data = _mapping(raw, source)
    unknown = set(data) - {"listen", "credentials", "groups", "pregenerate"}
    if unknown:
        raise LabError(
            f"{source}: unknown key {sorted(unknown)[0]!r} "
            "(listen, credentials, groups, pregenerate)"
        )
    pregenerate = data.get("pregenerate", False)
    if not isinstance(pregenerate, bool):
        raise LabError(f"{source}: pregenerate: expected true or false, got {pregenerate!r}")
    listen_raw = _mapping(data.get("listen"), f"{source}: listen")
    mode = str(listen_raw.get("mode", "port"))
    if mode not in LISTEN_MODES:
        raise LabError(f"{source}: listen.mode: {mode!r} is not 'port' or 'address'")
    default_address = "127.0.0.1" if mode == "port" else "127.1.0.1"
    default_port = 0 if mode == "port" else 2222
    listen = ListenSpec(
        mode=mode,
        address=str(listen_raw.get("address", default_address)),
        base_port=_number(
            listen_raw.get("base_port", default_port), f"{source}: listen.base_port", int
        ),
    )
    check_loopback(listen.address, f"{source}: listen.address")
    base = _parse_credentials(data.get("credentials"), f"{source}: credentials", Credentials())
    groups_raw = data.get("groups")
    if not isinstance(groups_raw, list) or not groups_raw:
        raise LabError(f"{source}: groups: expected a non-empty list of device groups")
    devices: list[DeviceSpec] = []
    credential_groups: dict[str, Credentials] = {"lab": base}
    taken: set[str] = set()
    for index, group_raw in enumerate(groups_raw):
        group_devices, own = _parse_group(group_raw, f"{source}: groups[{index}]", base, taken)
        devices.extend(group_devices)
        if own is not None:
            credential_groups[group_devices[0].group] = own
    _check_ports(listen, len(devices), f"{source}: listen.base_port")
    return LabSpec(tuple(devices), listen, credential_groups, pregenerate)


def _check_ports(listen: ListenSpec, devices: int, where: str) -> None:
    """Every port the lab will bind is a TCP port (1..65535), before any socket is made."""
    if listen.base_port == 0 and listen.mode == "port":
        return  # any free port per device
    last = listen.base_port + (devices - 1 if listen.mode == "port" else 0)
    if not 1 <= listen.base_port <= MAX_PORT:
        raise LabError(f"{where}: {listen.base_port} is not a TCP port (1..{MAX_PORT})")
    if last > MAX_PORT:
        raise LabError(
            f"{where}: {devices} devices from port {listen.base_port} would need ports up to "
            f"{last} (the last TCP port is {MAX_PORT})"
        )


def load_spec(path: Path) -> LabSpec:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise LabError(f"{path}: cannot read the lab spec ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "syntax error"
        raise LabError(f"{path}: not valid YAML{where}: {problem}") from None
    return parse_spec(raw, str(path))


def quick_spec(
    count: int,
    platforms: list[str],
    *,
    provider: str = "lab",
    latency: float = 0.0,
    size: int = DEFAULT_SIZE,
    mode: str = "port",
    base_port: int | None = None,
) -> LabSpec:
    """The spec behind ``lab start --count N --platforms a,b``: devices spread round-robin."""
    if count < 1:
        raise LabError(f"--count: must be at least 1, got {count}")
    if not platforms:
        raise LabError("--platforms: give at least one platform")
    per_platform = {p: count // len(platforms) for p in platforms}
    for p in platforms[: count % len(platforms)]:
        per_platform[p] += 1
    groups = [
        {"platform": p, "provider": provider, "count": n, "size": size, "latency": latency}
        for p, n in per_platform.items()
        if n
    ]
    listen: dict[str, Any] = {"mode": mode}
    if base_port is not None:
        listen["base_port"] = base_port
    return parse_spec({"listen": listen, "groups": groups}, "command line")


def spec_to_json(spec: LabSpec) -> dict[str, Any]:
    """A plain form of a parsed spec, to hand it to a lab running in a subprocess."""
    return asdict(spec)


def spec_from_json(data: dict[str, Any]) -> LabSpec:
    devices = tuple(
        DeviceSpec(
            **{
                **d,
                "latency": Latency(**d["latency"]),
                "credentials": Credentials(**d["credentials"]),
                "auth": Auth(tuple(d["auth"]["keys"]), d["auth"]["password"]),
            }
        )
        for d in data["devices"]
    )
    groups = {g: Credentials(**c) for g, c in data["credential_groups"].items()}
    return LabSpec(
        devices, ListenSpec(**data["listen"]), groups, bool(data.get("pregenerate", False))
    )
