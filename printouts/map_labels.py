"""Where a map puts what it writes beside its points, so that nothing drawn covers anything
else: a greedy placement, in the order given, that tries the places around a point nearest
first and, when those are taken, places further out joined to the point by a leader line, or
gives up. Pure geometry in drawing units (points, origin at the bottom left)."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @classmethod
    def centred(cls, x: float, y: float, width: float, height: float) -> "Box":
        return cls(x - width / 2, y - height / 2, width, height)

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    def overlaps(self, other: "Box") -> bool:
        """Whether the two share any area (touching edges do not)."""
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )

    def within(self, width: float, height: float, inset: float = 0.0) -> bool:
        return (
            self.x >= inset
            and self.y >= inset
            and self.x + self.width <= width - inset
            and self.y + self.height <= height - inset
        )

    def nearest_point(self, x: float, y: float) -> tuple[float, float]:
        """The point of the box nearest to (x, y): where a leader line meets it."""
        return (
            min(max(x, self.x), self.x + self.width),
            min(max(y, self.y), self.y + self.height),
        )


@dataclass(frozen=True)
class Placed:
    box: Box
    # Drawn away from its point: a leader line joins them.
    leader: bool


# The eight directions tried around a point, nearest to the reading order first: right, left,
# above, below, then the diagonals.
DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
# How many rings further out are tried, with a leader line, before a label is left out.
RINGS = 4
# How many rings a marker tries around its point at each of its sizes, largest first.
BADGE_RINGS = 5
BADGE_SCALES = (1.0, 0.75, 0.5)


# What stands in the way of a box outside the map: it overlaps no place on the map.
OUTSIDE = Box(-math.inf, -math.inf, 0.0, 0.0)

# The side of the squares that boxes taken are filed under, in points: a box is compared
# only with those filed under the squares it touches, so that a map of hundreds of homes
# places its markers in linear rather than quadratic time.
CELL = 24.0


def _cells(box: Box) -> Iterable[tuple[int, int]]:
    for i in range(math.floor(box.x / CELL), math.floor((box.x + box.width) / CELL) + 1):
        for j in range(math.floor(box.y / CELL), math.floor((box.y + box.height) / CELL) + 1):
            yield i, j


class Placer:
    """Boxes taken so far on one map (markers, legend, scale bar, labels); each new one is
    placed where it overlaps none of them, inside the map."""

    def __init__(self, width: float, height: float, taken: Iterable[Box] = (), inset: float = 2):
        self.width = width
        self.height = height
        self.inset = inset
        self.taken: list[Box] = []
        self.labels: list[Box] = []
        self._filed: dict[tuple[int, int], list[Box]] = {}
        for box in taken:
            self.take(box)

    def free(self, box: Box) -> bool:
        return self._blocker(box.x, box.y, box.width, box.height) is None

    def _blocker(self, left: float, bottom: float, width: float, height: float) -> Box | None:
        """None where the box of these sides is free; else what stands in its way: a box
        taken that it overlaps, or `OUTSIDE` the map. `Box.within` and `Box.overlaps` written
        out: this runs hundreds of thousands of times a bundle."""
        inset = self.inset
        right, top = left + width, bottom + height
        if not (
            left >= inset
            and bottom >= inset
            and right <= self.width - inset
            and top <= self.height - inset
        ):
            return OUTSIDE
        filed = self._filed
        for i in range(math.floor(left / CELL), math.floor(right / CELL) + 1):
            for j in range(math.floor(bottom / CELL), math.floor(top / CELL) + 1):
                for other in filed.get((i, j), ()):
                    if (
                        left < other.x + other.width
                        and other.x < right
                        and bottom < other.y + other.height
                        and other.y < top
                    ):
                        return other
        return None

    def take(self, box: Box) -> None:
        self.taken.append(box)
        for cell in _cells(box):
            self._filed.setdefault(cell, []).append(box)

    def label(
        self, x: float, y: float, radius: float, width: float, height: float, gap: float = 1.5
    ) -> Placed | None:
        """A label of the size given beside the point (x, y) whose marker has `radius`; None
        when there is no room for it within a few rings around the point."""
        for ring in range(RINGS + 1):
            away = radius + gap + ring * (height + 2 * gap)
            for dx, dy in DIRECTIONS:
                box = _beside(x, y, away, dx, dy, width, height)
                if self.free(box):
                    self.take(box)
                    self.labels.append(box)
                    return Placed(box, leader=ring > 0)
        return None

    def badge(self, x: float, y: float, size: float) -> Placed:
        """A marker of half-width `size` at the point, or, when that is taken, the nearest free
        place around it (joined by a leader line); where none is near, the same set smaller
        (down to `BADGE_SCALES[-1]` of its size), then further out. Only on a map with no free
        place left at all is it set on its point, over another."""
        for scale in BADGE_SCALES:
            if spot := self._around(x, y, size * scale, BADGE_RINGS):
                return spot
        smallest = size * BADGE_SCALES[-1]
        reach = math.hypot(self.width, self.height) / (2 * smallest + 1)
        if spot := self._around(x, y, smallest, math.ceil(reach), first=BADGE_RINGS + 1):
            return spot
        here = Box.centred(x, y, 2 * size, 2 * size)
        self.take(here)
        return Placed(here, leader=False)

    def _around(self, x: float, y: float, size: float, rings: int, first: int = 0) -> Placed | None:
        """The first free place for a box of half-width `size` on the rings `first`..`rings`
        around the point (ring 0: on the point), nearest first."""
        side = 2 * size
        blocking = self._blocker
        # Places next to each other on a ring are mostly taken by the same box: it is tried
        # first (a place that overlaps it is not free, whatever else is there).
        last = OUTSIDE
        for ring in range(first, rings + 1):
            away = ring * (side + 1)
            for cos, sin in _ring(ring):
                left, bottom = x + away * cos - size, y + away * sin - size
                if (
                    left < last.x + last.width
                    and last.x < left + side
                    and bottom < last.y + last.height
                    and last.y < bottom + side
                ):
                    continue
                blocker = blocking(left, bottom, side, side)
                if blocker is None:
                    box = Box(left, bottom, side, side)
                    self.take(box)
                    return Placed(box, leader=ring > 0)
                last = blocker
        return None


@cache
def _ring(ring: int) -> tuple[tuple[float, float], ...]:
    """The directions tried on a ring: 8 a ring further out, evenly around (1 on ring 0)."""
    steps = max(1, 8 * ring)
    return tuple(
        (math.cos(2 * math.pi * step / steps), math.sin(2 * math.pi * step / steps))
        for step in range(steps)
    )


def _beside(x: float, y: float, away: float, dx: int, dy: int, width: float, height: float) -> Box:
    """The box `away` from the point in direction (dx, dy): beside it on that side, centred on
    the other axis when that component is 0."""
    if dx > 0:
        left = x + away
    elif dx < 0:
        left = x - away - width
    else:
        left = x - width / 2
    if dy > 0:
        bottom = y + away
    elif dy < 0:
        bottom = y - away - height
    else:
        bottom = y - height / 2
    return Box(left, bottom, width, height)


def overlapping(boxes: Sequence[Box]) -> list[tuple[int, int]]:
    """Pairs of boxes that overlap: what a map's labels must never do."""
    return [
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if boxes[i].overlaps(boxes[j])
    ]
