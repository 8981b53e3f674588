# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server tasks: ``POST <path>?task=<Name>``, then ``/tasks/{id}`` until ``Success`` or ``Error`` (docs/xprotect-api.md §6).

Three layers, each usable alone:

* ``ServerTasks`` (``client.tasks``): the HTTP side. Invoke without ever starting a task twice after a lost
  answer, read, stop (``TaskStop``) and clean up (``TaskCleanup``) a task.
* ``TaskRunner``: one target's task run to its end. Invoke (with a look at ``GET /tasks`` before a
  repeat), follow a synchronous answer or wait for the task, stop it at the timeout, and clean up every
  task it started, whatever happened, recording it all in the target's ``TaskAccount``.
* ``run_fleet``: the same work on many targets with bounded concurrency, a failure tolerance, and a stop
  to new work once the server is clearly gone.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
import typing as t
from urllib.parse import quote

from ._concurrency import map_bounded
from ._errors import NotFoundError, TaskTimeoutError, UnexpectedResponseError, XProtectError
from ._waiter import TERMINAL_STATES, wait_for_task

#: Upper bound of wait_timeout and wait_sleep (a week): longer waits are typos.
MAX_WAIT_SECONDS = 604800.0
#: Connection failures in a row (with no success in between) after which a fleet run starts no new target.
SERVER_GONE_AFTER = 3

# Per-target outcomes (the ``status`` of a target's result).
CHANGED = 'changed'
UNCHANGED = 'unchanged'
WOULD_CHANGE = 'would_change'
STARTED = 'started'
FAILED = 'failed'
TIMED_OUT = 'timed_out'
SKIPPED = 'skipped'
NOT_ATTEMPTED = 'not_attempted'
STATUSES = (CHANGED, UNCHANGED, WOULD_CHANGE, STARTED, SKIPPED, FAILED, TIMED_OUT, NOT_ATTEMPTED)
FAILURE_STATUSES = (FAILED, TIMED_OUT)


class TaskFailedError(XProtectError):
    """A task was refused, ended in ``Error``, or cannot run on the target."""

    hint = ''


def task_id_of(result: t.Any) -> str | None:
    """The task id in a task invocation's ``result`` (``path: {type: tasks, id}``), or None if it finished at once."""
    if not isinstance(result, dict):
        return None
    path = result.get('path')
    if isinstance(path, dict) and str(path.get('type', '')).lower() == 'tasks' and path.get('id') is not None:
        return str(path['id'])
    return None


def task_reference_id(task: t.Mapping[str, t.Any]) -> str | None:
    """The id of a task in ``GET /tasks`` (the data carries it in ``relations.self``, not in ``id``)."""
    ident = task.get('id') or ((task.get('relations') or {}).get('self') or {}).get('id')
    return str(ident) if ident is not None else None


def check_wait_options(wait_timeout: float, wait_sleep: float) -> list[str]:
    """Problems with ``wait_timeout``/``wait_sleep`` (checked before any request)."""
    problems = []
    # NaN passes a "<= 0" test and would never time out; huge values overflow time.sleep.
    for option, value in (('wait_timeout', wait_timeout), ('wait_sleep', wait_sleep)):
        if not math.isfinite(value) or value > MAX_WAIT_SECONDS:
            problems.append(f'{option} must be a finite number of seconds up to {MAX_WAIT_SECONDS:g} (a week), not {value:g}')
        elif value <= 0:
            problems.append(f'{option} must be a positive number of seconds, not {value:g}')
    return problems


class ServerTasks:
    """The HTTP side of server tasks, for one client."""

    def __init__(self, client: t.Any) -> None:
        self.client = client

    @staticmethod
    def path(task_id: str) -> str:
        return f'tasks/{quote(str(task_id), safe="")}'

    def offered(self, path: str, *, action: str | None = None) -> list[dict[str, t.Any]]:
        """The tasks a resource offers (``?tasks&noData``): ``[{"id": ..., "displayName": ...}]``."""
        action = action or f'list the tasks of {path}'
        body = self.client.get(path, params=[('tasks', None), ('noData', None)], action=action)
        tasks = body.get('tasks') if isinstance(body, dict) else None
        if not isinstance(tasks, list):
            raise UnexpectedResponseError(f'GET {path}?tasks answered without a "tasks" list', action=action)
        return tasks

    def invoke(self, path: str, task: str, body: dict[str, t.Any] | None = None, *, action: str | None = None,
               find_started: t.Callable[[], dict[str, t.Any] | None] | None = None) -> dict[str, t.Any]:
        """Invoke ``task`` on a resource (``POST path?task=<task>``) and return its ``result``.

        After an ambiguous failure the invocation is repeated only if ``find_started`` finds no trace of it.
        """
        action = action or f'invoke {task} on {path}'

        def send() -> dict[str, t.Any]:
            response = self.client.request('POST', path, params=[('task', task)], body=body if body is not None else {}, action=action,
                                           expected=(200, 201, 202))
            return self.client.envelope(response.body, 'result', 'POST', path, action, status=response.status)

        return self.client.post_once(send, find_started)

    def get(self, task_id: str, *, action: str | None = None) -> dict[str, t.Any]:
        return self.client.get_data(self.path(task_id), action=action or f'read task {task_id}')

    def list(self) -> list[dict[str, t.Any]]:
        return self.client.list('tasks', action='list the server tasks')

    def stop(self, task_id: str) -> dict[str, t.Any]:
        """Run ``TaskStop`` on a running task (it then ends in ``Error``); returns the ``result``."""
        path = self.path(task_id)
        response = self.client.request('POST', path, params=[('task', 'TaskStop')], body={}, action=f'stop task {task_id}')
        return self.client.envelope(response.body, 'result', 'POST', path, f'stop task {task_id}')

    def cleanup(self, task_id: str) -> str:
        """Run ``TaskCleanup`` on a finished task. Returns ``cleaned``, ``gone`` or ``cleaned-legacy``.

        XProtect 2021 R2 gateways answer 400 "Method flow missing next MethodId" although the cleanup
        worked; that answer counts as success. A task that no longer exists needs no cleanup.
        """
        path = self.path(task_id)
        action = f'clean up task {task_id}'
        retries = self.client.settings.retries
        for attempt in range(retries + 1):
            try:
                self.client.request('POST', path, params=[('task', 'TaskCleanup')], body={}, action=action)
                return 'cleaned'
            except NotFoundError:
                return 'gone'
            except XProtectError as error:
                if error.status == 400 and any('missing next methodid' in text.lower() for text in error.details):
                    return 'cleaned-legacy'
                # Cleaning up twice is harmless (the second finds nothing), so ambiguous failures are repeated.
                if not error.ambiguous or attempt == retries:
                    raise
                self.client._sleep(self.client.backoff(attempt))  # pylint: disable=protected-access
        raise AssertionError('unreachable')  # pragma: no cover


# -- one target ---------------------------------------------------------------------------------------

@dataclasses.dataclass
class StartedTask:
    task_id: str
    finished: bool = False


@dataclasses.dataclass
class TaskAccount:
    """What happened to the tasks of one target: the base of every per-target result."""

    task: str
    status: str = FAILED
    changed: bool = False
    state: str | None = None
    progress: int | None = None
    error: str = ''
    error_code: int | None = None
    duration: float = 0.0
    started: list[StartedTask] = dataclasses.field(default_factory=list)
    cleanup: dict[str, str] = dataclasses.field(default_factory=dict)
    left_behind: list[str] = dataclasses.field(default_factory=list)
    #: The error that ended the target's run (kept for the fleet's stop rule and advice; not returned).
    failure: XProtectError | None = dataclasses.field(default=None, repr=False)

    @property
    def failed(self) -> bool:
        return self.status in FAILURE_STATUSES

    @property
    def task_ids(self) -> list[str]:
        return [started.task_id for started in self.started]

    def track(self, task_id: str) -> StartedTask:
        started = StartedTask(task_id)
        self.started.append(started)
        return started

    def note_task(self, task: t.Mapping[str, t.Any]) -> None:
        """Keep the last state and progress a task reported."""
        if task.get('state') is not None:
            self.state = str(task['state'])
        progress = task.get('progress')
        if isinstance(progress, (int, float)) and not isinstance(progress, bool):
            self.progress = int(progress)

    def task_result(self) -> dict[str, t.Any]:
        task_ids = self.task_ids
        return {
            'task': self.task,
            'status': self.status,
            'changed': self.changed,
            'task_id': task_ids[-1] if task_ids else None,
            'task_ids': task_ids,
            'state': self.state,
            'progress': self.progress,
            'duration': round(self.duration, 3),
            'error': self.error,
            'error_code': self.error_code,
            'tasks_left_behind': list(self.left_behind),
        }


@dataclasses.dataclass
class WaitOptions:
    wait: bool = True
    wait_timeout: float = 120.0
    wait_sleep: float = 1.0
    cleanup: bool = True


class TaskRunner:
    """Runs tasks on targets and accounts for every task it starts; one client serves every worker."""

    def __init__(self, client: t.Any, options: WaitOptions, *, clock: t.Callable[[], float] = time.monotonic,
                 sleeper: t.Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.options = options
        self.clock = clock
        self.sleeper = sleeper
        self.tasks_before: set[str] | None = None
        self._snapshot_taken = False
        self._snapshot_lock = threading.Lock()

    def known_tasks(self) -> set[str] | None:
        """Ids of the tasks that existed before this run invoked anything, so an ambiguous invoke can be checked.

        Read once, by the first worker about to invoke, while the others wait: a run (or check mode) that
        invokes nothing costs no extra request.
        """
        with self._snapshot_lock:
            if not self._snapshot_taken:
                self._snapshot_taken = True
                try:
                    self.tasks_before = {ident for ident in map(task_reference_id, self.client.tasks.list()) if ident}
                except XProtectError:
                    self.tasks_before = None  # then an ambiguous POST is not repeated, which is the safe side
            return self.tasks_before

    def invoke(self, account: TaskAccount, path: str, body: dict[str, t.Any], *, action: str,
               owned: t.Callable[[t.Mapping[str, t.Any]], bool]) -> dict[str, t.Any]:
        """Invoke ``account.task`` on ``path``; after a lost answer, a new task that ``owned`` claims is taken as the one started."""
        known_before = self.known_tasks()

        def find_started() -> dict[str, t.Any] | None:
            known = t.cast(t.Set[str], known_before) | set(account.task_ids)
            for task in self.client.tasks.list():
                ident = task_reference_id(task)
                if ident and ident not in known and owned(task):
                    return {'path': {'type': 'tasks', 'id': ident}, 'state': task.get('state'), 'sessionDataId': task.get('sessionDataId')}
            return None

        return self.client.tasks.invoke(path, account.task, body, action=action,
                                        find_started=find_started if known_before is not None else None)

    def finish(self, account: TaskAccount, result: dict[str, t.Any], start: float) -> dict[str, t.Any] | None:
        """Follow an invocation's result to its end; None when ``wait`` is false and a task was started."""
        task_id = task_id_of(result)
        if task_id is None:
            # A synchronous answer: the work is already done (or refused).
            account.note_task(result)
            if result.get('state') not in (None, 'Success'):
                raise TaskFailedError(f"the server answered state {result.get('state')}" + (f": {result['errorText']}" if result.get('errorText') else ''))
            return result
        started = account.track(task_id)
        account.note_task(result)
        if not self.options.wait:
            return None
        outcome = wait_for_task(self.client.get_task, task_id, timeout=self.options.wait_timeout, sleep=self.options.wait_sleep,
                                clock=self.clock, sleeper=self.sleeper, started=start)
        started.finished = True
        account.note_task(outcome.task)
        if not outcome.succeeded:
            code = outcome.task.get('errorCode')
            account.error_code = code if isinstance(code, int) and not isinstance(code, bool) else None
            raise TaskFailedError(outcome.error_text or f'task {task_id} ended in state {outcome.state} without an error text')
        return outcome.task

    def run(self, account: TaskAccount, work: t.Callable[[TaskAccount, float], None]) -> TaskAccount:
        """Run ``work(account, start)``, turn its errors into the account's status, and clean up after it."""
        start = self.clock()
        try:
            work(account, start)
        except TaskTimeoutError as error:
            account.status = TIMED_OUT
            account.note_task(error.last_task)
            account.error = self.client.redact(f'{error.summary}; raise wait_timeout (now {self.options.wait_timeout:g} s) if the '
                                               'device needs longer')
            account.failure = error
        except XProtectError as error:
            account.status = FAILED
            account.error = self.client.redact(error.without_hint() if error.unreachable else str(error))
            account.failure = error
        except Exception as error:  # pylint: disable=broad-except  # one target's bug must not cost the fleet its account
            account.status = FAILED
            account.error = self.client.redact(f'unexpected {type(error).__name__}: {error}')
        finally:
            self.clean_up(account)
            account.duration = self.clock() - start
        return account

    def clean_up(self, account: TaskAccount) -> None:
        """TaskCleanup on every task this target's run started, whatever its outcome; a running one is stopped first."""
        for started in account.started:
            if not self.options.cleanup or not self.options.wait:
                account.left_behind.append(started.task_id)
                continue
            if not started.finished:
                self.stop(started.task_id)
            try:
                account.cleanup[started.task_id] = self.client.cleanup_task(started.task_id)
            except XProtectError as error:
                account.cleanup[started.task_id] = 'failed'
                account.left_behind.append(started.task_id)
                note = f'task {started.task_id} could not be cleaned up: {self.client.redact(error.without_hint())}'
                account.error = f'{account.error} {note}'.strip()

    def stop(self, task_id: str) -> None:
        """TaskStop on a task that is still running; a failure is left to the cleanup that follows."""
        try:
            task = self.client.get_task(task_id, action=f'read task {task_id} before stopping it')
            if str(task.get('state', '')) in TERMINAL_STATES:
                return
            self.client.stop_task(task_id)
        except XProtectError:
            pass


# -- fleets ---------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FailureTolerance:
    """How many failed targets a run tolerates: a count (``3``) or a percentage of the targets (``10%``)."""

    amount: float = 0
    percent: bool = False

    @classmethod
    def parse(cls, value: t.Any) -> 'FailureTolerance':
        text = str(value if value is not None else 0).strip()
        percent = text.endswith('%')
        number_text = text[:-1].strip() if percent else text
        try:
            amount = float(number_text) if percent else int(number_text)
        except ValueError:
            raise ValueError(f"failure_tolerance must be a count such as 3 or a percentage such as '10%', not {value!r}") from None
        if not math.isfinite(amount) or amount < 0 or (percent and amount > 100):  # 'nan%' would tolerate everything
            raise ValueError(f"failure_tolerance must be a count of 0 or more or a percentage between 0% and 100%, not {value!r}")
        return cls(amount=amount, percent=percent)

    def exceeded(self, failures: int, total: int) -> bool:
        """True when ``failures`` of ``total`` targets are more than tolerated."""
        if failures == 0:
            return False
        if self.percent:
            return total == 0 or failures * 100.0 > self.amount * total
        return failures > self.amount

    def __str__(self) -> str:
        return f'{self.amount:g}%' if self.percent else f'{int(self.amount)}'


def fleet_option_problems(params: t.Mapping[str, t.Any], max_concurrency: int, problems: list[str]) -> FailureTolerance:
    """Check ``concurrency`` and ``failure_tolerance`` (appending to ``problems``); return the tolerance."""
    if not 1 <= params['concurrency'] <= max_concurrency:
        problems.append(f"concurrency must be between 1 and {max_concurrency}, not {params['concurrency']}")
    try:
        return FailureTolerance.parse(params['failure_tolerance'])
    except ValueError as error:
        problems.append(str(error))
        return FailureTolerance()


class ServerGoneGuard:
    """Stops a fleet from starting new targets once the server is clearly gone.

    "Clearly gone": ``SERVER_GONE_AFTER`` targets in a row failed because the server could not be reached,
    with no target succeeding in between. The error of the last of them is kept for the one piece of advice
    the run gives.
    """

    def __init__(self, threshold: int = SERVER_GONE_AFTER) -> None:
        self.threshold = threshold
        self.unreachable_in_a_row = 0
        self.gone_error: XProtectError | None = None
        self._lock = threading.Lock()

    @property
    def gone(self) -> bool:
        return self.gone_error is not None

    def record(self, account: TaskAccount) -> None:
        with self._lock:
            failure = account.failure
            if failure is not None and failure.unreachable:
                self.unreachable_in_a_row += 1
                if self.unreachable_in_a_row >= self.threshold and self.gone_error is None:
                    self.gone_error = failure
            elif not account.failed:
                self.unreachable_in_a_row = 0


A = t.TypeVar('A', bound=TaskAccount)
Item = t.TypeVar('Item')


def run_fleet(items: t.Sequence[Item], work: t.Callable[[Item], A], not_attempted: t.Callable[[Item], A], *, workers: int,
              guard: ServerGoneGuard | None = None) -> list[A]:
    """Every item's account, in the order given. One item's failure never stops the others; a server gone does."""
    guard = guard if guard is not None else ServerGoneGuard()

    def one(item: Item) -> A:
        if guard.gone:
            account = not_attempted(item)
            account.status = NOT_ATTEMPTED
            account.error = 'not attempted: the server could not be reached for the targets before it'
            return account
        account = work(item)
        guard.record(account)
        return account

    outcomes = map_bounded(one, list(items), workers=workers)
    return [t.cast(A, outcome.value) for outcome in outcomes]


def fleet_totals(accounts: t.Sequence[TaskAccount]) -> dict[str, int]:
    """Counts per status, plus the number of targets and of failures (timed out and failed)."""
    counts = {status: 0 for status in STATUSES}
    for account in accounts:
        counts[account.status] += 1
    counts['failures'] = counts[FAILED] + counts[TIMED_OUT]
    return counts


def fleet_advice(accounts: t.Sequence[TaskAccount]) -> str:
    """The advice of the errors that ended targets, each once (per-target errors carry no advice of their own)."""
    hints: list[str] = []
    for account in accounts:
        failure = account.failure
        if failure is not None and failure.unreachable and failure.hint and failure.hint not in hints:
            hints.append(failure.hint)
    return ' '.join(hints)
