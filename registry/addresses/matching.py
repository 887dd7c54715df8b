"""Placing an address on the national address reference: the block (街区) point when its town
and block are published, else the town (大字・町丁目) point. Pure: a `Reference` is built from
plain rows (from the database by `load_reference`, or from a list in tests) and `place`
returns plain results.

How an address is read. It is normalised (registry.addresses.normalise); a leading
prefecture and a city of the reference are dropped when present. The town is the longest town
key of the reference that the text starts with and that ends where a name can end (before a
number, a hyphen, 字, the end or a non-Japanese character): "本町田1-2" is not 本町 followed by
"田". Knowing the towns makes this more reliable than cutting at the first number: 一番町 and
三条町 keep their numbers. Then:
- "本町3-12-5": the first number is the 丁目 when the reference publishes "本町3丁目";
- "本郷字北原1234": a 小字 after 字 is passed over, since the reference keys 地番 rows by
  大字 and number (its 小字 is a column of its own);
- the block is the number that follows, looked up among the town's block points (街区符号 in
  住居表示 areas, 地番 in the others: the same key, "本郷1234-5" is 地番 1234).

When several cities of the reference publish the town and the address names none (nor the
caller's `city_hint`), the address is ambiguous. A longer town key is a closer match than a
shorter one, so 本町田 in one city wins over 本町 in another.

Several points for one key: the representative ones (代表フラグ) are kept when there are any;
if different points remain, the key is ambiguous, never a guess.

Candidates for an address that is not placed are the reference's published addresses closest
to it by `difflib` similarity of the normalised text. They are drawn from an index, not from a
scan of the reference: towns that share characters with the address's town (an inverted index
per character), or the blocks of its town.
"""

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Protocol

from registry.addresses.normalise import (
    NAME_CHARACTER,
    PREFECTURES,
    NameIndex,
    normalise,
    split_town,
    strip_town_prefix,
)

Level = Literal["block", "town"]
MAX_CANDIDATES = 3
# Below this similarity a published address is no help to whoever fixes the row.
CANDIDATE_CUTOFF = 0.5  # a one-character slip in a two-character name (旭待 for 旭町) is 0.5
# Towns sharing most characters with the address, compared by difflib afterwards.
CANDIDATE_POOL = 12
_UNINDEXED = frozenset("0123456789-丁目")

_LEADING_NUMBER = re.compile(r"([0-9]+)(?:-|$)")
_CHOME_AS_NUMBER = re.compile(r"^([^0-9]+?)([0-9]+)-(?=[0-9])")
_KOAZA = re.compile(r"字[^0-9-]*-?")
_BLOCK_NUMBER = re.compile(r"-?([0-9]+)")
_NUMBER_RUN = re.compile(r"[0-9]+(?:-[0-9]+)*")
_CHOME_WRITTEN = re.compile(r"[0-9]+丁目")
# A number (any script) followed by 番 or 番地, not by 番町/番丁 (part of a town's name).
_BAN_WRITTEN = re.compile(r"[0-9一二三四五六七八九十百千〇]番(?!町|丁)")


class ReferenceRow(NamedTuple):
    """One published point. `town_key` and `block_key` are `town_key(town)` and
    `block_key(block)`; `block` and `block_key` are empty at town level."""

    city: str
    level: str
    town_key: str
    block_key: str
    lon: float
    lat: float
    town: str
    block: str
    koaza: str = ""
    residential: bool = True
    representative: bool = True


class PointLike(Protocol):
    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...


class AddressPointLike(Protocol):
    """What the reference reads of an address point (registry.models.AddressPoint)."""

    city: str
    level: str
    town: str
    koaza: str
    block: str
    town_key: str
    block_key: str
    residential: bool
    representative: bool

    @property
    def location(self) -> PointLike: ...


@dataclass(frozen=True)
class Placement:
    level: Level
    lon: float
    lat: float
    matched: str  # the published address of the point, e.g. "秦野市本町三丁目12番"


@dataclass(frozen=True)
class NotPlaced:
    reason: Literal["unknown", "ambiguous"]
    candidates: tuple[str, ...]  # published addresses, closest first, at most three


class _Point(NamedTuple):
    lon: float
    lat: float
    published: str
    representative: bool


@dataclass
class _Spot:
    """The points published under one key (a block, or a town at town level)."""

    points: list[_Point] = field(default_factory=list)

    def resolved(self) -> _Point | None:
        """The one point of the key, or None when different points remain (ambiguous)."""
        kept = [point for point in self.points if point.representative] or self.points
        if len({(point.lon, point.lat) for point in kept}) == 1:
            return kept[0]
        return None

    def published(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(point.published for point in self.points))


@dataclass
class _Town:
    city: str
    key: str
    published: str
    point: _Spot = field(default_factory=_Spot)  # town level; empty when only blocks exist
    blocks: dict[str, _Spot] = field(default_factory=dict)


class _Found(NamedTuple):
    town: _Town
    block_key: str


def _published(row: ReferenceRow) -> str:
    if row.level == "town":
        return f"{row.city}{row.town}"
    suffix = "番" if row.residential else "番地"
    return f"{row.city}{row.town}{row.koaza}{row.block}{suffix}"


class Reference:
    """The published points of one or more cities, indexed for `place`."""

    def __init__(
        self, rows: Iterable[ReferenceRow], prefectures: Collection[str] = PREFECTURES
    ) -> None:
        # town key → city → town: one dict serves the address with or without its city.
        self._towns: dict[str, dict[str, _Town]] = defaultdict(dict)
        for row in rows:
            town = self._towns[row.town_key].get(row.city)
            if town is None:
                town = _Town(row.city, row.town_key, f"{row.city}{row.town}")
                self._towns[row.town_key][row.city] = town
            point = _Point(row.lon, row.lat, _published(row), row.representative)
            if row.level == "town":
                town.published = point.published
                town.point.points.append(point)
            else:
                town.blocks.setdefault(row.block_key, _Spot()).points.append(point)
        self._towns = dict(self._towns)
        self._longest = max((len(key) for key in self._towns), default=0)
        self.cities = frozenset(city for by_city in self._towns.values() for city in by_city)
        self._city_names = NameIndex(self.cities)
        self._prefectures = NameIndex(prefectures)
        self._by_character: dict[str, list[_Town]] | None = None
        self._candidate_cache: dict[tuple[str, frozenset[str]], tuple[str, ...]] = {}

    @classmethod
    def from_points(cls, points: Iterable[AddressPointLike]) -> "Reference":
        return cls(
            ReferenceRow(
                city=point.city,
                level=point.level,
                town_key=point.town_key,
                block_key=point.block_key,
                lon=point.location.x,
                lat=point.location.y,
                town=point.town,
                block=point.block,
                koaza=point.koaza,
                residential=point.residential,
                representative=point.representative,
            )
            for point in points
        )

    def __bool__(self) -> bool:
        return bool(self._towns)

    def place(self, address: str, city_hint: str | None = None) -> Placement | NotPlaced:
        """The block point of the address, else its town point, else why not (module
        docstring). `city_hint` stands for the city when the address names none."""
        text = normalise(address)
        # Normalising writes 3番3号 as 3-3; whether the address named a 番 (not a 丁目) is read
        # first: "清水町3番3号" is block 3 of 清水町 even where 清水町三丁目 exists.
        ban_written = bool(_BAN_WRITTEN.search(unicodedata.normalize("NFKC", address)))
        _, text = self._prefectures.split(text)
        city, text = self._city_names.split(text)
        if city is None and city_hint in self.cities:
            city = city_hint
        cities = frozenset((city,)) if city is not None else self.cities
        text = strip_town_prefix(text)
        found = self._find(text, cities, ban_written)
        if not found and (chome := _CHOME_AS_NUMBER.sub(r"\1\2丁目", text, count=1)) != text:
            # "本町3-12-5" where the reference publishes 本町3丁目 and no 本町.
            found = self._find(chome, cities, ban_written)
        if not found:
            return NotPlaced("unknown", self._town_candidates(text, cities))
        if len(found) > 1:
            return NotPlaced("ambiguous", tuple(_label(each) for each in found)[:MAX_CANDIDATES])
        return _placement(found[0])

    def _find(self, text: str, cities: frozenset[str], ban_written: bool = False) -> list[_Found]:
        """The towns (one per city) whose key is the longest that `text` starts with and
        ends at a boundary, with the block number that follows."""
        for length in range(min(len(text), self._longest), 0, -1):
            by_city = self._towns.get(text[:length])
            if by_city is None:
                continue
            towns = [town for city, town in by_city.items() if city in cities]
            after = text[length:]
            if not towns or (NAME_CHARACTER.match(after) and not after.startswith("字")):
                continue
            return sorted(
                (
                    found
                    for town in towns
                    for found in self._block_of(town, after, cities, ban_written)
                ),
                key=lambda found: found.town.city,
            )
        return []

    def _block_of(
        self, town: _Town, after: str, cities: frozenset[str], ban_written: bool
    ) -> list[_Found]:
        """The block the text after the town names: one, or two when hyphens alone leave it
        open whether the first number is a 丁目 or the town's own 番 and both are published."""
        if _CHOME_WRITTEN.match(after):
            # A 丁目 the reference does not publish (its longest town key would have taken a
            # published one): its 番 cannot be told from another 丁目's, so the town's point.
            return [_Found(town, "")]
        own = self._own_block(town, after)
        chome = _LEADING_NUMBER.match(after)
        if chome is None or ban_written:
            return [own]
        # "本町3-12-5" where the reference publishes 本町3丁目.
        by_city = self._towns.get(f"{town.key}{chome.group(1)}丁目", {})
        if town.city not in by_city or town.city not in cities:
            # Three numbers (3-12-5) read as 丁目-番-号: a 丁目 not published, the town's point.
            run = _NUMBER_RUN.match(after)
            return [_Found(town, "")] if run and run.group(0).count("-") >= 2 else [own]
        in_chome = self._own_block(by_city[town.city], after[chome.end() :])
        # "清水町3-3" is 清水町3番3号 or 清水町三丁目3番; three numbers (3-12-1) are 丁目-番-号.
        numbers = _NUMBER_RUN.match(after)
        two_or_fewer = numbers is not None and numbers.group(0).count("-") < 2
        if (
            two_or_fewer
            and own.block_key in town.blocks
            and in_chome.block_key in in_chome.town.blocks
        ):
            return [own, in_chome]
        return [in_chome]

    @staticmethod
    def _own_block(town: _Town, after: str) -> _Found:
        koaza = _KOAZA.match(after)
        if koaza:
            after = after[koaza.end() :]
        number = _BLOCK_NUMBER.match(after)
        return _Found(town, number.group(1) if number else "")

    def _town_candidates(self, text: str, cities: frozenset[str]) -> tuple[str, ...]:
        query = split_town(text)[0] or text
        if not query:
            return ()
        cache_key = (query, cities)
        cached = self._candidate_cache.get(cache_key)
        if cached is not None:
            return cached
        # Per town, how many of the query's characters it may share: an upper bound of the
        # characters difflib can match, so towns that cannot reach the cutoff are dropped
        # before any comparison. Digits and 丁目 are in most keys: they are counted as shared
        # with every town rather than looked up, and a town must share a name character.
        shared: Counter[int] = Counter()
        towns: dict[int, _Town] = {}
        index = self._character_index()
        unindexed = 0
        for character, count in Counter(query).items():
            if character in _UNINDEXED:
                unindexed += count
                continue
            for town in index.get(character, ()):
                if town.city in cities:
                    shared[id(town)] += count
                    towns[id(town)] = town
        pool = {
            identity: towns[identity].key
            for identity, bound in shared.most_common()
            if 2 * (bound + unindexed) / (len(query) + len(towns[identity].key)) >= CANDIDATE_CUTOFF
        }
        best = _closest(query, dict(list(pool.items())[:CANDIDATE_POOL]), MAX_CANDIDATES)
        result = tuple(towns[identity].published for identity in best)
        self._candidate_cache[cache_key] = result
        return result

    def _character_index(self) -> dict[str, list[_Town]]:
        """Character → towns whose key holds it; built at the first unknown address."""
        if self._by_character is None:
            index: dict[str, list[_Town]] = defaultdict(list)
            for by_city in self._towns.values():
                for town in by_city.values():
                    for character in set(town.key) - _UNINDEXED:
                        index[character].append(town)
            self._by_character = dict(index)
        return self._by_character


def _closest[Identity](query: str, pool: dict[Identity, str], count: int) -> list[Identity]:
    """The identities of the `count` texts of `pool` most similar to `query`, best first."""
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(query)
    scored: list[tuple[float, str, Identity]] = []
    for identity, text in pool.items():
        matcher.set_seq1(text)
        if matcher.real_quick_ratio() >= CANDIDATE_CUTOFF and matcher.quick_ratio() >= (
            CANDIDATE_CUTOFF
        ):
            ratio = matcher.ratio()
            if ratio >= CANDIDATE_CUTOFF:
                scored.append((-ratio, text, identity))
    scored.sort(key=lambda item: item[:2])
    return [identity for _, _, identity in scored[:count]]


def _label(found: _Found) -> str:
    block = found.town.blocks.get(found.block_key) if found.block_key else None
    return block.points[0].published if block else found.town.published


def _placement(found: _Found) -> Placement | NotPlaced:
    town = found.town
    block = town.blocks.get(found.block_key) if found.block_key else None
    if block is not None:
        return _placed("block", block)
    if town.point.points:
        return _placed("town", town.point)
    # Only the block level is loaded for this town and its block is not published.
    pool = {key: f"{town.key}{key}" for key in town.blocks}
    closest = _closest(f"{town.key}{found.block_key}", pool, MAX_CANDIDATES)
    return NotPlaced("unknown", tuple(town.blocks[key].points[0].published for key in closest))


def _placed(level: Level, spot: _Spot) -> Placement | NotPlaced:
    point = spot.resolved()
    if point is None:
        return NotPlaced("ambiguous", spot.published()[:MAX_CANDIDATES])
    return Placement(level, point.lon, point.lat, point.published)
