# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded concurrency for work on many objects inside one module call.

Per-camera requests (preset lists, task invocations and polls) spend their time waiting on the network
and on devices, so a small thread pool turns N sequential waits into N / workers. One client (one
token, one connection pool) serves all workers.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import typing as t

T = t.TypeVar('T')
R = t.TypeVar('R')


@dataclasses.dataclass
class Outcome(t.Generic[T, R]):
    """The result of one item: ``value`` on success, ``error`` if it raised."""

    item: T
    value: R | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def map_bounded(func: t.Callable[[T], R], items: t.Iterable[T], *, workers: int) -> list[Outcome[T, R]]:
    """Run ``func`` on every item with at most ``workers`` at once; results keep the input order.

    An exception in one item does not stop the others: it is returned in that item's ``Outcome``.
    """
    items = list(items)
    if not items:
        return []

    def call(item: T) -> Outcome[T, R]:
        try:
            return Outcome(item=item, value=func(item))
        except Exception as error:  # pylint: disable=broad-except  # reported per item by the caller
            return Outcome(item=item, error=error)

    if workers <= 1 or len(items) == 1:
        return [call(item) for item in items]
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(call, items))


def map_all(func: t.Callable[[T], R], items: t.Iterable[T], *, workers: int) -> list[tuple[T, R]]:
    """``map_bounded`` for work that is all or nothing: ``(item, value)`` pairs, or the first error (input order) raised."""
    pairs = []
    for outcome in map_bounded(func, items, workers=workers):
        if outcome.error is not None:
            raise outcome.error
        pairs.append((outcome.item, t.cast(R, outcome.value)))
    return pairs
