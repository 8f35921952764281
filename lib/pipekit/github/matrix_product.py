"""The combinations of a matrix's cross product that exclude keeps: counted and listed without walking the
ones it removes.

GitHub walks the whole product (MatrixBuilder.Build) and counts what survives; the 256-job limit applies to
that count, so a 2**17 product that exclude cuts to 256 is a valid matrix. Walking 2**17 combinations, or a
few million, to find them is too slow here, so we decide vector by vector instead. An exclude entry is a set
of conditions, each on one vector's value (matrix_filters), and removes a combination when all of them hold.
Going through the vectors in order, we carry the set of entries whose conditions have held so far ("alive"):
the kept combinations are those that end with none alive, and combinations that reach the same alive set at
the same vector have the same future. Counting the states is therefore enough, and listing the kept
combinations visits only the branches that lead to one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

MAX_STATES = 200_000  # beyond this many (vector, alive entries) states we give up rather than use the memory


class KeptCombinations:
    """The kept combinations of a cross product, as tuples of value positions, first vector slowest.

    `removes[v][j]` is the bit set of the exclude entries whose conditions on vector v hold for its j-th
    value (an entry without a condition on v holds for all of them); `last_tested[e]` is the last vector
    entry e has a condition on, -1 for none.
    """

    def __init__(self, removes: Sequence[Sequence[int]], last_tested: Sequence[int]) -> None:
        self._removes = removes
        self._everything = (1 << len(last_tested)) - 1
        # entries with no condition on vector v or later: alive when reaching v, they remove the combination
        self._settled = [
            sum(1 << entry for entry, last in enumerate(last_tested) if last < level)
            for level in range(len(removes) + 1)
        ]
        self._kept_from: list[dict[int, int]] | None = None

    def count(self, allowed: Sequence[Sequence[int]] | None = None) -> int | None:
        """How many combinations exclude keeps, among those using only the `allowed` value positions of each
        vector (all by default); None when that takes more than MAX_STATES states."""
        kept_from = self._kept_from_states(allowed)
        if kept_from is None:
            return None
        if allowed is None:
            self._kept_from = kept_from
        return kept_from[0].get(self._everything, 0)

    def walk(self) -> Iterator[tuple[int, ...]]:
        """The kept combinations in GitHub's order; call `count()` first."""
        kept_from = self._kept_from
        if kept_from is None:
            raise RuntimeError("KeptCombinations.walk() needs a successful count() first")
        last = len(self._removes)
        stack: list[tuple[int, int, tuple[int, ...]]] = [(0, self._everything, ())]
        while stack:
            level, alive, chosen = stack.pop()
            if level == last:
                yield chosen
                continue
            children = [
                (level + 1, alive & mask, (*chosen, position))
                for position, mask in enumerate(self._removes[level])
                if kept_from[level + 1].get(alive & mask, 0)
            ]
            stack.extend(reversed(children))  # the first value on top: it is listed first

    def _kept_from_states(self, allowed: Sequence[Sequence[int]] | None) -> list[dict[int, int]] | None:
        """For each vector, the alive sets that can reach it and how many kept combinations follow each."""
        masks = [
            Counter(
                removes[position] for position in (range(len(removes)) if allowed is None else allowed[v])
            )
            for v, removes in enumerate(self._removes)
        ]
        reachable: list[set[int]] = [{self._everything}]
        states = 1
        for level, level_masks in enumerate(masks):
            living = [alive for alive in reachable[level] if not alive & self._settled[level]]
            reachable.append({alive & mask for alive in living for mask in level_masks})
            states += len(reachable[-1])
            if states > MAX_STATES:
                return None
        last = len(masks)
        kept_from: list[dict[int, int]] = [{} for _ in range(last)]
        kept_from.append({alive: int(alive == 0) for alive in reachable[last]})
        for level in range(last - 1, -1, -1):
            below = kept_from[level + 1]
            kept_from[level] = {
                alive: 0
                if alive & self._settled[level]
                else sum(count * below[alive & mask] for mask, count in masks[level].items())
                for alive in reachable[level]
            }
        return kept_from
