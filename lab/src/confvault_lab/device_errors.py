"""What a simulated device prints for a command it does not know (each platform picks one)."""

from __future__ import annotations

from collections.abc import Callable

# (prompt, command line, index of the offending token) -> error lines
ErrorRenderer = Callable[[str, str, int], str]


def _caret_under(prompt: str, line: str, token_index: int) -> str:
    """A caret under the start of the offending token, aligned with the echoed command."""
    tokens = line.split()
    column = len(prompt)
    if token_index < len(tokens):
        column += line.find(tokens[token_index])
    return " " * column + "^"


def caret_error(message: str) -> ErrorRenderer:
    """The Cisco-style error: a caret under the offending token, then ``message``."""

    def render(prompt: str, line: str, token_index: int) -> str:
        return f"{_caret_under(prompt, line, token_index)}\r\n{message}"

    return render
