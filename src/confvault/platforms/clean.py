"""``clean()``: raw command outputs in, the archived file out, in one fixed order of steps.

1. normalise: line endings, terminal overwrites (CR, backspace), ANSI escapes, trailing blanks
2. reject when the device refused a command (``ErrorClass.REJECTED``)
3. per-command ``keep`` / ``drop``
4. completeness of the configuration output (``ErrorClass.INCOMPLETE``)
5. drop or rewrite volatile lines
6. mask secrets (only when asked)
7. informational outputs become comment lines
8. the operator's extra commands: one comment block each, before the configuration
9. join, ending with exactly one newline

Pure: the same outputs always give the same bytes. No clock, no host name, no run id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from confvault.models import ErrorClass
from confvault.platforms.spec import Command, LineRule, OutputRejected, Platform

# "ESC [ n D" moves the cursor n columns left: VRP and Comware erase their pager prompt with it.
_CURSOR_LEFT = re.compile(r"\x1b\[(\d*)D")
# CSI sequences (colours, cursor moves, erase line), character-set choices (ESC ( B), then the
# two-byte ESC forms (ESC 7, ESC E...). The one ANSI rule: the dialogue's prompt view uses it too.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[@-Z\\-_78=>]")
# Anything a terminal would not print as text. netmiko decodes with errors="ignore", so binary noise
# shows up as C0/C1 control characters rather than U+FFFD; both are refused.
_GARBAGE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]")
# A refused command is answered at once, so only the first lines are searched: a banner or
# description further down that quotes an error text must not fail the device.
_ERROR_SEARCH_LINES = 5


def clean(
    platform: Platform,
    outputs: Sequence[str],
    *,
    mask_secrets: bool,
    extra_outputs: Sequence[tuple[str, str]] = (),
) -> str:
    """Turn ``outputs[i]`` (netmiko's text for ``platform.commands[i]``) into the archived file.

    ``extra_outputs``: (command, output) of the operator's extra commands, archived as comment
    blocks right before the configuration, so a diff shows them beside it. A refused extra
    command is noted in its block; it never fails the backup.

    Raises ``OutputRejected`` when the device refused a command or the configuration is incomplete.
    """
    if len(outputs) != len(platform.commands):
        raise ValueError(
            f"{platform.name}: {len(outputs)} outputs for {len(platform.commands)} commands"
        )
    blocks: list[list[str]] = []
    for command, raw in zip(platform.commands, outputs, strict=True):
        if command.is_config:
            blocks.extend(_extra_block(platform, c, out, mask_secrets) for c, out in extra_outputs)
        lines = normalise(raw)
        _reject_refused(platform, command, lines)
        lines = _keep_and_drop(command, lines)
        _reject_garbage(command, lines)
        if command.is_config:
            _check_complete(platform, command, lines)
        lines = _apply(platform.volatile, lines, platform.section_regex)
        if mask_secrets:
            lines = _apply(platform.secrets, lines, platform.section_regex)
        lines = _trim_blank_edges(lines)
        if command.as_comment:
            lines = _as_comments(platform.comment_prefix, lines)
        blocks.append(lines)
    text = "\n".join(line for block in blocks for line in block)
    return text + "\n"


def normalise(raw: str) -> list[str]:
    """Lines as a terminal would show them, without trailing blanks or blank first/last lines.

    The only normaliser: the dialogue hands over the channel's text as the device sent it.
    """
    text = strip_ansi(_cursor_left_as_backspaces(raw)).replace("\r\n", "\n")
    lines = [_render_overwrites(line).rstrip() for line in text.split("\n")]
    return _trim_blank_edges(lines)


def terminal_line(raw: str) -> str:
    """One line (no line break in it) as a terminal shows it, e.g. a prompt after a pager eraser."""
    return rendered_line(raw).strip()


def rendered_line(raw: str) -> str:
    """``terminal_line`` keeping the indentation (configuration lines are matched with it)."""
    return _render_overwrites(strip_ansi(_cursor_left_as_backspaces(raw))).rstrip()


def strip_ansi(text: str) -> str:
    """Terminal escape sequences (colours, cursor moves, character sets) out."""
    return _ANSI.sub("", text) if "\x1b" in text else text


def _cursor_left_as_backspaces(text: str) -> str:
    if "\x1b" not in text:
        return text
    # Capped: a line is never wider than this, and a hostile count must not allocate gigabytes.
    return _CURSOR_LEFT.sub(lambda m: "\b" * min(int(m.group(1) or 1), 4096), text)


def _render_overwrites(line: str) -> str:
    """Apply CR (back to column 0) and backspace the way a terminal does: pager erasers vanish."""
    if "\r" not in line and "\b" not in line:
        return line
    cells: list[str] = []
    cursor = 0
    for char in line:
        if char == "\r":
            cursor = 0
        elif char == "\b":
            cursor = max(0, cursor - 1)
        elif cursor < len(cells):
            cells[cursor] = char
            cursor += 1
        else:
            cells.append(char)
            cursor += 1
    return "".join(cells)


def _trim_blank_edges(lines: list[str]) -> list[str]:
    start = 0
    end = len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _reject_refused(platform: Platform, command: Command, lines: list[str]) -> None:
    refusal = _refusal(platform, lines)
    if refusal is not None:
        raise OutputRejected(ErrorClass.REJECTED, f"device refused {command.command!r}: {refusal}")


def _refusal(platform: Platform, lines: list[str]) -> str | None:
    """The device's error line, if it refused the command."""
    head = [line for line in lines if line.strip()][:_ERROR_SEARCH_LINES]
    for line in head:
        # Stripped: Comware indents its '% Unrecognized command' line by one blank.
        if any(regex.search(line.strip()) for regex in platform.error_regexes):
            return line.strip()
    return None


def _extra_block(platform: Platform, command: str, raw: str, mask_secrets: bool) -> list[str]:
    """'! --- show inventory ---' then the output as comments, with the platform's rules."""
    lines = normalise(raw)
    refusal = _refusal(platform, lines)
    if refusal is not None:
        lines = [f"refused by the device: {refusal}"]
    else:
        # a garbled session: its configuration cannot be trusted either
        _reject_garbage(Command(command), lines)
        lines = _apply(platform.volatile, lines, platform.section_regex)
        if mask_secrets:
            lines = _apply(platform.secrets, lines, platform.section_regex)
        lines = _trim_blank_edges(lines) or ["(no output)"]
    return _as_comments(platform.comment_prefix, [f"--- {command} ---", *lines])


def _keep_and_drop(command: Command, lines: list[str]) -> list[str]:
    if command.keep_regexes:
        lines = [ln for ln in lines if any(rx.search(ln) for rx in command.keep_regexes)]
    if command.drop_regexes:
        lines = [ln for ln in lines if not any(rx.search(ln) for rx in command.drop_regexes)]
    return lines


def _reject_garbage(command: Command, lines: list[str]) -> None:
    for number, line in enumerate(lines, start=1):
        found = _GARBAGE.search(line)
        if found:
            code = f"U+{ord(found.group()):04X}"
            raise OutputRejected(
                ErrorClass.INCOMPLETE,
                f"{command.command} output contains a non-printable character ({code}) "
                f"on line {number} (garbled session?)",
            )


def _check_complete(platform: Platform, command: Command, lines: list[str]) -> None:
    name = command.command
    content = [line for line in lines if line.strip()]
    if not content:
        raise OutputRejected(ErrorClass.INCOMPLETE, f"{name} output is empty")
    if platform.end_regex is not None and not platform.end_regex.search(content[-1]):
        raise OutputRejected(
            ErrorClass.INCOMPLETE,
            f"{name} output has no final {platform.end_marker_label} line (truncated?); "
            f"last line is {_shorten(content[-1])!r}",
        )
    if platform.balanced_braces:
        _check_braces(name, content)
    if len(content) < platform.min_config_lines:
        raise OutputRejected(
            ErrorClass.INCOMPLETE,
            f"{name} output has only {len(content)} lines, fewer than the "
            f"{platform.min_config_lines} a {platform.name} configuration always has",
        )
    for pattern, regex in zip(platform.required, platform.required_regexes, strict=True):
        if not any(regex.search(line) for line in content):
            raise OutputRejected(
                ErrorClass.INCOMPLETE,
                f"{name} output lacks {_describe(pattern)} (truncated or wrong command?)",
            )


def _check_braces(name: str, lines: list[str]) -> None:
    depth = 0
    for number, line in enumerate(lines, start=1):
        depth += _brace_delta(line)
        if depth < 0:
            raise OutputRejected(
                ErrorClass.INCOMPLETE, f"{name} output closes a '}}' never opened on line {number}"
            )
    if depth:
        raise OutputRejected(
            ErrorClass.INCOMPLETE,
            f"{name} output leaves {depth} '{{' unclosed (truncated?)",
        )


def _brace_delta(line: str) -> int:
    """Net '{' minus '}' outside double quotes and outside a trailing '#' comment."""
    delta = 0
    quoted = False
    escaped = False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = quoted
        elif char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "#":
            break  # '## SECRET-DATA', '## Last commit' and annotations hold free text
        elif char == "{":
            delta += 1
        elif char == "}":
            delta -= 1
    return delta


def mask_lines(platform: Platform, lines: list[str]) -> list[str]:
    """The platform's secret rules on any lines (a raw session log, not only a configuration)."""
    return _apply(platform.secrets, lines, platform.section_regex)


def _apply(
    rules: Iterable[LineRule], lines: list[str], sections: re.Pattern[str] | None = None
) -> list[str]:
    result = lines
    for rule in rules:
        if rule.within_regex is not None and sections is not None:
            result = _apply_within(rule, rule.within_regex, sections, result)
        elif rule.drops:
            result = [line for line in result if not rule.regex.search(line)]
        else:
            # search() first: most lines match no rule, and sub() with a template costs ~5x more.
            regex, replacement = rule.regex, rule.replacement or ""
            result = [regex.sub(replacement, ln) if regex.search(ln) else ln for ln in result]
    return result


def _apply_within(
    rule: LineRule, within: re.Pattern[str], sections: re.Pattern[str], lines: list[str]
) -> list[str]:
    """The rule on the lines of matching sections only (a header line belongs to its section)."""
    result: list[str] = []
    inside = False
    for line in lines:
        if sections.search(line):
            inside = within.search(line) is not None
        if inside and rule.regex.search(line):
            if rule.drops:
                continue
            line = rule.regex.sub(rule.replacement or "", line)
        result.append(line)
    return result


def _as_comments(prefix: str, lines: list[str]) -> list[str]:
    return [(prefix + line).rstrip() for line in lines]


def _describe(pattern: str) -> str:
    """'^line vty$' reads as "the 'line vty' line"; a real regex is shown as one."""
    text = pattern.removeprefix("^").removesuffix("$")
    if not any(char in text for char in ".^$*+?{}[]\\|()"):
        return f"the {text!r} line"
    return f"a line matching {pattern!r}"


def _shorten(line: str, limit: int = 60) -> str:
    stripped = line.strip()
    return stripped if len(stripped) <= limit else stripped[: limit - 3] + "..."
