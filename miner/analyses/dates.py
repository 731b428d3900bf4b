"""Dates as the tables hand them out: timezone-aware datetimes in UTC, the tag's own offset beside them.

The stages compute with ISO 8601 text, which keeps the offset a tag or a
commit was written with; the tables an analysis returns carry
`datetime64[ns, UTC]` columns instead, so that pandas can sort, subtract and
resample them without parsing (`releases.set_index("date").resample("MS")`).
The offset the tag was made at, which a UTC time no longer shows, stays in
the releases table's `offset` column ("+02:00").  A date without a time (a
changelog's "2025-06-02") is midnight UTC of that day; an unknown one is NaT.
"""
from __future__ import annotations

import pandas as pd

# table -> its columns that hold a moment
DATE_COLUMNS = {
    "releases": ("date", "date_stamp"),
    "bursts": ("date",),
    "notes": ("date",),
    "capabilities": ("first_date",),
    "inflections": ("date",),
    "evolution": ("date",),
    "lines": ("first_date",),
}
_OFFSET = r"([+-]\d{2}:\d{2}|Z)$"


def typed_dates(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """`tables` with every moment column as UTC datetimes, and the releases' offsets in their own column.

    Applying it twice changes nothing, so stored tables written before the
    columns were typed read the same as new ones.
    """
    typed = dict(tables)
    for name, columns in DATE_COLUMNS.items():
        frame = typed.get(name)
        if frame is None:
            continue
        frame = frame.copy()
        if name == "releases" and "offset" not in frame.columns and "date" in frame.columns:
            frame.insert(frame.columns.get_loc("date") + 1, "offset", utc_offsets(frame["date"]))
        for column in columns:
            if column in frame.columns:
                frame[column] = as_utc(frame[column])
        typed[name] = frame
    return typed


def as_utc(values: pd.Series) -> pd.Series:
    """ISO 8601 texts (or datetimes) as UTC datetimes; empty text and None become NaT."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC")
    text = values.where(values.notna() & (values.astype(str) != ""), None)
    return pd.to_datetime(text, utc=True, format="ISO8601").astype("datetime64[ns, UTC]")


def utc_offsets(values: pd.Series) -> pd.Series:
    """The offset each ISO 8601 text was written with ("+02:00"; "+00:00" for Z), "" where it has none."""
    found = values.astype(str).str.extract(_OFFSET, expand=False).fillna("")
    return found.replace("Z", "+00:00")


def iso_text(values: pd.Series) -> pd.Series:
    """UTC datetimes as ISO 8601 text with their offset ("2025-05-10T10:00:00+00:00"), "" for NaT: how CSV
    writes a moment."""
    return values.map(lambda moment: "" if pd.isna(moment) else moment.isoformat())


def with_iso_text(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its moment columns as `iso_text`: how the CSV files and stored news facts hold them."""
    moments = [column for column, kind in frame.dtypes.items() if isinstance(kind, pd.DatetimeTZDtype)]
    return frame.assign(**{column: iso_text(frame[column]) for column in moments}) if moments else frame


def day(moment) -> str:
    """The UTC day of a moment ("2025-05-10"), "" when it is unknown."""
    return "" if moment is None or pd.isna(moment) else pd.Timestamp(moment).strftime("%Y-%m-%d")
