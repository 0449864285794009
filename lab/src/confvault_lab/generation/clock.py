"""Times as the platforms print them: ctime, ISO, uptimes. Naive datetimes are taken as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC (the lab's clock)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def last_change(now: datetime, session_no: int) -> datetime:
    """A plausible 'last configuration change' time that moves with every session."""
    return utc(now) - timedelta(seconds=60 + (session_no * 7919) % 86_400)


def ctime(moment: datetime) -> str:
    """``Wed Nov 25 10:20:01 2026`` with the day padded like C ``ctime``."""
    m = utc(moment)
    return f"{DAYS[m.weekday()]} {MONTHS[m.month - 1]} {m.day:>2} {m:%H:%M:%S} {m.year}"


def hms_first(moment: datetime) -> str:
    """IOS style ``10:15:32 UTC Wed Nov 25 2026``."""
    m = utc(moment)
    return f"{m:%H:%M:%S} UTC {DAYS[m.weekday()]} {MONTHS[m.month - 1]} {m.day} {m.year}"


def iso(moment: datetime) -> str:
    return f"{utc(moment):%Y-%m-%d %H:%M:%S}"


def uptime_parts(now: datetime, boot_time: datetime) -> tuple[int, int, int, int, int]:
    """(weeks, days, hours, minutes, seconds) between boot and now, never negative."""
    seconds = max(0, int((utc(now) - utc(boot_time)).total_seconds()))
    minutes, sec = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    weeks, day = divmod(days, 7)
    return weeks, day, hour, minute, sec


def plural(value: int, unit: str) -> str:
    return f"{value} {unit}" if value == 1 else f"{value} {unit}s"


def uptime_in_words(now: datetime, boot_time: datetime) -> str:
    """``1 week, 2 days, 3 hours, 4 minutes`` (IOS, IOS XR and Comware say it this way)."""
    weeks, days, hours, minutes, _ = uptime_parts(now, boot_time)
    units = ((weeks, "week"), (days, "day"), (hours, "hour"), (minutes, "minute"))
    return ", ".join(plural(value, unit) for value, unit in units)
