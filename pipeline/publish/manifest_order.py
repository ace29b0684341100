"""The manifest's order of names put back from lists that each follow a part of it: the
page's spots and each spot's languages, in manifest order, from the catalog's `variants` and its
`variants_missing` (publish/cards.py's `page_model`).

Each list is in manifest order, but a list holds only some of the names (a language with all
its files rendered is in `variants` alone, one with none in `variants_missing` alone), so
neither gives the whole order: a spot's missing language goes where the manifest has it, not
after the rendered ones.
"""

from __future__ import annotations

import heapq


def manifest_order(sequences: list[list[str]]) -> dict[str, int]:
    """The rank of each name in the one order every sequence follows (each is a part of the
    manifest's list, with repeats); names no sequence orders stay as first met."""
    # Kahn's topological sort, the first met first among those ready: O(n log n) in names
    # and pairs (each name's followers are walked once, when it is ranked).
    waiting: dict[str, int] = {}            # name -> names still to rank before it
    followers: dict[str, set[str]] = {}
    for names in sequences:
        unique = list(dict.fromkeys(names))
        for name in unique:
            waiting.setdefault(name, 0)
            followers.setdefault(name, set())
        for before, name in zip(unique, unique[1:]):
            if name not in followers[before]:
                followers[before].add(name)
                waiting[name] += 1
    seen = {name: at for at, name in enumerate(waiting)}
    ready = [(seen[name], name) for name, count in waiting.items() if not count]
    heapq.heapify(ready)
    rank: dict[str, int] = {}
    while ready:
        _, name = heapq.heappop(ready)
        rank[name] = len(rank)
        for other in followers[name]:
            waiting[other] -= 1
            if not waiting[other]:
                heapq.heappush(ready, (seen[other], other))
    return rank
