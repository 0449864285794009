"""Database URLs as a user may see them: whatever the input, no part of a password is shown.

Pure text handling, no SQLAlchemy: settings display URLs without paying for its import, and a
URL SQLAlchemy cannot parse (or parses wrongly) must be masked just the same.
"""

from __future__ import annotations

import re

MASK = "***"
# libpq also takes the password as a query parameter (postgresql://app@db/x?password=...).
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


def password_span(url: str) -> tuple[int, int] | None:
    """Where the password sits in ``url`` (start, end), or None when it holds none.

    The userinfo runs from after ``://`` up to the LAST '@': a password may itself contain '@',
    '/' or ':', so the first '@' or '/' is no safe end. The password is everything after the
    first ':' of the userinfo (a user name cannot contain ':').
    """
    scheme_end = url.find("://")
    start = scheme_end + 3 if scheme_end >= 0 else 0
    end = url.rfind("@", start)
    if end < 0:
        return None
    colon = url.find(":", start, end)
    if colon < 0:
        return None
    return colon + 1, end


def redact_url(url: str) -> str:
    """The URL with its password replaced by ``***`` (safe for messages, logs and ``--json``)."""
    span = password_span(url)
    if span is not None:
        start, end = span
        url = f"{url[:start]}{MASK}{url[end:]}"
    return _QUERY_PASSWORD.sub(rf"\1{MASK}", url)
