"""A scraped article's date line: "Published: March 3, 2026", "Dec. 1, 2026 10:30 AM",
"Tuesday, 3 March 2026", "2026-03-03".

Ingest reads the publication date off such a line near the top of a file, so that an article
stating its date keeps it (``published`` in the front matter); a file stating none keeps
none. Only a line that is wholly a date (with its label, weekday and time) counts: a
sentence that mentions a date says when something happened, not when the article appeared.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_LABEL = (r"(?:(?:first\s+)?published|posted|updated|last\s+updated|date|dated)"
          r"(?:\s+(?:on|at))?\s*[:|–—-]?\s*")
_WEEKDAY = (r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|thu|thur|thurs|fri|"
            r"sat|sun)\.?,?\s+")
_MONTH = r"(?P<{}>[a-z]+)\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE = (rf"(?:{_MONTH.format('month')}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})"
         rf"|(?P<day2>\d{{1,2}}){_ORDINAL}\s+{_MONTH.format('month2')},?\s+(?P<year2>\d{{4}})"
         r"|(?P<iso>\d{4}-\d{2}-\d{2}))")
# A time and zone after the date: "10:30 AM", "at 5:02 p.m. JST", "| 14:00 GMT+8".
_TIME = (r"(?:\s*(?:,|\||·|–|—|-|at)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?"
         r"(?:\s*[a-z]{2,4}(?:[+-]\d{1,2})?)?)?")
_DATE_LINE_RE = re.compile(rf"^(?:{_LABEL})?(?:{_WEEKDAY})?{_DATE}{_TIME}\s*$", re.IGNORECASE)


def publication_date(line: str) -> dt.date | None:
    """The date ``line`` states if the line is nothing but a (labelled) date, else ``None``
    (also for an impossible date such as February 30)."""
    match = _DATE_LINE_RE.match(line.strip())
    if match is None:
        return None
    try:
        if match["iso"]:
            return dt.date.fromisoformat(match["iso"])
        month = _MONTHS.get((match["month"] or match["month2"]).lower())
        if month is None:
            return None
        return dt.date(int(match["year"] or match["year2"]), month,
                       int(match["day"] or match["day2"]))
    except ValueError:
        return None
