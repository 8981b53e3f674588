# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting on XProtect server tasks (``GET /tasks/{id}`` until ``Success`` or ``Error``).

A task starts ``Idle``, runs ``InProgress`` with a ``progress`` of 0..100, and ends ``Success`` or
``Error`` (with ``errorCode``/``errorText``). The waiter polls on a monotonic clock, so a wall-clock
change cannot shorten or stretch ``wait_timeout``; on timeout it raises ``TaskTimeoutError`` carrying the
last task it saw.
"""

from __future__ import annotations

import dataclasses
import time
import typing as t

from ._errors import TaskTimeoutError

TERMINAL_STATES = frozenset(('Success', 'Error'))


@dataclasses.dataclass
class TaskOutcome:
    """A finished task and how long it was waited for."""

    task_id: str
    task: dict[str, t.Any]
    duration: float

    @property
    def state(self) -> str:
        return str(self.task.get('state', ''))

    @property
    def succeeded(self) -> bool:
        return self.state == 'Success'

    @property
    def progress(self) -> int | None:
        progress = self.task.get('progress')
        return int(progress) if isinstance(progress, (int, float)) else None

    @property
    def error_text(self) -> str:
        text = self.task.get('errorText')
        return str(text) if text else ''


def wait_for_task(get_task: t.Callable[[str], dict[str, t.Any]], task_id: str, *, timeout: float, sleep: float,
                  clock: t.Callable[[], float] = time.monotonic, sleeper: t.Callable[[float], None] = time.sleep,
                  started: float | None = None) -> TaskOutcome:
    """Poll ``get_task(task_id)`` until the task ends or ``timeout`` seconds have passed.

    ``started`` (a ``clock()`` reading) lets the caller count time spent before the first poll, such as
    the invocation itself, into both the deadline and the reported duration.
    """
    begin = clock() if started is None else started
    deadline = begin + timeout
    last: dict[str, t.Any] | None = None
    while True:
        last = get_task(task_id)
        if str(last.get('state', '')) in TERMINAL_STATES:
            return TaskOutcome(task_id=task_id, task=last, duration=clock() - begin)
        remaining = deadline - clock()
        if remaining <= 0:
            waited = clock() - begin
            raise TaskTimeoutError(
                f'task {task_id} was still {last.get("state", "unfinished")} at {last.get("progress", "?")}% after {waited:.1f} s',
                task_id=task_id, last_task=last, duration=waited, action=f'wait for task {task_id}')
        sleeper(min(sleep, remaining))
