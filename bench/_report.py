"""The collection benchmark's markdown report: derived figures, ratios and the issue 6 targets."""

from __future__ import annotations

from typing import Any

TARGET_WALL_RATIO = 1.15
TARGET_CPU_RATIO = 1.5
TARGET_RSS_MB = 250
TARGET_DB_CONNECTIONS = 3
TARGET_STEADY_COMMIT_S = 0.5
TARGET_FIRST_COMMIT_S = 10.0
TARGET_HISTORY_MS = 100


def derive(row: dict[str, Any], params: dict[str, Any], devices: int | None = None) -> None:
    """Add ideal wall time, ratio, rate and per-device CPU to a phase's raw figures."""
    n = devices or row["devices"] or 1
    row["ideal_s"] = n * params["latency_s"] / params["workers"]
    row["wall_over_ideal"] = row["wall_s"] / row["ideal_s"] if row["ideal_s"] else None
    row["devices_per_s"] = n / row["wall_s"]
    # what one worker spends per device, latency included: L plus the tool's own overhead
    row["worker_s_per_device"] = row["wall_s"] * params["workers"] / n
    row["cpu_ms_per_device"] = row["cpu_s"] / n * 1000
    row["lab_cpu_ms_per_device"] = row["lab_cpu_s"] / n * 1000


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _loads(loads: Any) -> str:
    return "/".join(f"{x:.1f}" for x in loads) if loads else "-"


def _phase_line(name: str, row: dict[str, Any]) -> str:
    timings = row.get("timings", {})
    connections = (
        f"{row['db_connections_peak_open']} open / {row['db_connections_peak_in_use']} in use"
        if "db_connections_peak_open" in row
        else "-"
    )
    cells = [
        name,
        f"{row['ok']}/{row['devices']}",
        _fmt(row["wall_s"], 1),
        _fmt(row["ideal_s"], 1),
        _fmt(row["wall_over_ideal"]),
        _fmt(row["devices_per_s"], 1),
        _fmt(row["worker_s_per_device"], 3),
        _fmt(row["cpu_ms_per_device"], 1),
        _fmt(row["peak_rss_mb"], 0)
        + (
            f" ({row['rss_during_collection_mb']:.0f})" if "rss_during_collection_mb" in row else ""
        ),
        _fmt(row["lab_cpu_ms_per_device"], 1),
        _fmt(timings.get("collect_s"), 1),
        _fmt(timings.get("commit_s")),
        _fmt(timings.get("db_s")),
        connections,
    ]
    return "| " + " | ".join(cells) + " |"


PHASE_HEADER = (
    "| phase | ok | wall s | ideal s | wall/ideal | dev/s | worker s/dev | client CPU ms/dev "
    "| peak RSS MB (in collection) "
    "| lab CPU ms/dev | collect s | commit s | db s | DB connections |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def _check(label: str, met: bool, figure: str) -> str:
    return f"- [{'x' if met else ' '}] {label}: {figure}"


def targets(results: dict[str, Any]) -> list[str]:
    first, steady = results["confvault_first"], results["confvault_steady"]
    baseline, history = results["baseline"], results["history"]
    cpu_ratio = first["cpu_ms_per_device"] / baseline["cpu_ms_per_device"]
    worst_rss = max(first["peak_rss_mb"], steady["peak_rss_mb"])
    connections = max(first["db_connections_peak_open"], steady["db_connections_peak_open"])
    worst_history = max(history["history_library_ms"], history["diff_library_ms"])
    return [
        _check(
            f"wall <= {TARGET_WALL_RATIO} x ideal",
            first["wall_over_ideal"] is not None and first["wall_over_ideal"] <= TARGET_WALL_RATIO,
            f"first {_fmt(first['wall_over_ideal'])}, steady {_fmt(steady['wall_over_ideal'])}"
            f" (worker s/device {first['worker_s_per_device']:.3f}"
            f" vs baseline {baseline['worker_s_per_device']:.3f})",
        ),
        _check(
            f"CPU/device <= {TARGET_CPU_RATIO} x baseline",
            cpu_ratio <= TARGET_CPU_RATIO,
            f"{cpu_ratio:.2f} x ({first['cpu_ms_per_device']:.1f} vs "
            f"{baseline['cpu_ms_per_device']:.1f} ms)",
        ),
        _check(
            f"steady Git commit < {TARGET_STEADY_COMMIT_S} s",
            steady["timings"]["commit_s"] < TARGET_STEADY_COMMIT_S,
            f"{steady['timings']['commit_s']:.2f} s ({steady['changed']} changed)",
        ),
        _check(
            f"first import < {TARGET_FIRST_COMMIT_S:.0f} s",
            first["timings"]["commit_s"] < TARGET_FIRST_COMMIT_S,
            f"{first['timings']['commit_s']:.2f} s",
        ),
        _check(f"peak RSS < {TARGET_RSS_MB} MB", worst_rss < TARGET_RSS_MB, f"{worst_rss:.0f} MB"),
        _check(
            f"<= {TARGET_DB_CONNECTIONS} DB connections",
            connections <= TARGET_DB_CONNECTIONS,
            f"peak {connections} open",
        ),
        _check(
            f"history/diff < {TARGET_HISTORY_MS} ms (library, after these runs)",
            worst_history < TARGET_HISTORY_MS,
            f"{worst_history:.0f} ms; 365-run history: see bench/git_commit.py",
        ),
    ]


def markdown_report(results: dict[str, Any]) -> str:
    params = results["params"]
    for key in ("confvault_first", "confvault_steady", "baseline"):
        derive(results[key], params)
    first, baseline = results["confvault_first"], results["baseline"]
    lines = [
        f"## Collection benchmark: N={params['devices']}, W={params['workers']}, "
        f"L={params['latency_s']} s login, {params['size']} B configs, {params['database']}",
        "",
        "Machine load average (1, 5, 15 min) at start "
        f"{_loads(results['machine'].get('load_average_at_start'))}, at end "
        f"{_loads(results['machine'].get('load_average_at_end'))}.",
        "",
        PHASE_HEADER,
        _phase_line("confvault first run", first),
        _phase_line(
            f"confvault steady ({results['mutated']} changed)", results["confvault_steady"]
        ),
        _phase_line("baseline netmiko script", baseline),
        "",
        f"confvault / baseline: wall {first['wall_s'] / baseline['wall_s']:.2f} x, "
        f"CPU per device {first['cpu_ms_per_device'] / baseline['cpu_ms_per_device']:.2f} x. "
        f"Lab: {results['lab_sessions']} sessions, {results['lab_errors']} errors.",
        "",
        *targets(results),
        "",
    ]
    history = results["history"]
    lines += [
        f"History of {history['device']} ({history['commits']} commits, diff "
        f"{history['diff_lines']} lines): library history "
        f"{history['history_library_ms']:.1f} ms, diff {history['diff_library_ms']:.1f} ms; "
        f"CLI history {history['history_cli_ms']:.0f} ms, "
        f"diff {history['diff_cli_ms']:.0f} ms (Python + import alone: "
        f"{history['python_startup_ms']:.0f} ms).",
    ]
    if "scaling" in results:
        lines += [
            "",
            "| N | wall s | ideal s | wall/ideal | worker s/dev | client CPU ms/dev "
            "| peak RSS MB | lab start s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in results["scaling"]:
            derive(row, params, row["n"])
            lines.append(
                f"| {row['n']} | {row['wall_s']:.1f} | {row['ideal_s']:.1f} "
                f"| {_fmt(row['wall_over_ideal'])} | {row['worker_s_per_device']:.3f} "
                f"| {row['cpu_ms_per_device']:.1f} | {row['peak_rss_mb']:.0f} "
                f"| {_fmt(row.get('lab_start_s'), 1)} |"
            )
    return "\n".join(lines)
