"""Dates as users write them and as git stores them, and the window of commits a team table covers.

`--since` and `--until` take what `git log` takes (a day, an ISO 8601 time,
"3 weeks ago", unix seconds); `unix_seconds` turns each into one number so
that every stage compares commit times the same way.  `Window` carries the
resolved bounds from the options to the contributor stage.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone

import numpy as np

from miner.errors import MinerError


def iso_day(seconds: int) -> str:
    """The UTC day of unix time `seconds` as `git log --date=short` prints it, in any year git can store
    (Python's dates end with year 9999; a forged commit can be dated 3170843)."""
    return str(np.datetime64(seconds, "s").astype("datetime64[D]"))


def unix_seconds(value, now: float | None = None, end_of_day: bool = False) -> int | None:
    """Unix seconds from None, a number, a date, a datetime (naive = UTC), ISO 8601 text or "N days ago".

    Relative text takes days, weeks, months (30 days) or years (365 days);
    anything else is a one-line MinerError, never a silent "now".  A bare
    day (`2023-11-26` or a `date`) is its first second, or with `end_of_day`
    its last: `--until 2023-11-26` includes the 26th.  A moment outside the
    years 1 to 9999 is an error too: no date holds it, and it is likely
    milliseconds given for seconds.
    """
    seconds = _unix_seconds(value, now, end_of_day)
    if seconds is not None and not _FIRST_SECOND <= seconds <= _LAST_SECOND:
        raise MinerError(f"{value!r}: outside the years 1 to 9999 (unix times count seconds, not milliseconds)")
    return seconds


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_AGO = re.compile(r"(?P<count>\d+)\s+(?P<unit>day|week|month|year)s?\s+ago")
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def _unix_seconds(value, now: float | None, end_of_day: bool) -> int | None:
    if value is None or isinstance(value, (int, float)):
        return None if value is None else int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        relative = _AGO.fullmatch(text.lower())
        if relative:
            days = int(relative["count"]) * _UNIT_DAYS[relative["unit"]]
            return int(time.time() if now is None else now) - days * 86400  # in integers: any count is a number
        try:
            value = date.fromisoformat(text) if _DAY.fullmatch(text) else datetime.fromisoformat(text)
        except ValueError:
            raise MinerError(f"{value!r}: not a date (give YYYY-MM-DD, an ISO 8601 time, or 'N days ago')") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        day = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
        return int(day.timestamp()) + (86399 if end_of_day else 0)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


_FIRST_SECOND = int(datetime(1, 1, 1, tzinfo=timezone.utc).timestamp())
_LAST_SECOND = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp())


@dataclass(frozen=True)
class Window:
    """The commits the team tables cover, by committer time: from `since` to `until` (unix seconds, inclusive;
    None for an open end)."""

    since: int | None = None
    until: int | None = None

    @classmethod
    def parse(cls, since, until) -> Window:
        """The window `--since SINCE --until UNTIL` names; a bare `--until` day counts whole; one-line errors
        for text that is no date and for a window that ends before it starts."""
        start, end = _option("--since", since), _option("--until", until, end_of_day=True)
        if start is not None and end is not None and start > end:
            raise MinerError(f"--since {since} is after --until {until}: the window holds no commit")
        return cls(start, end)

    def holds(self, seconds: int) -> bool:
        return (self.since is None or seconds >= self.since) and (self.until is None or seconds <= self.until)


def _option(option: str, value, end_of_day: bool = False) -> int | None:
    try:
        return unix_seconds(value, end_of_day=end_of_day)
    except MinerError as error:
        raise MinerError(f"{option} {error}") from None
