# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PTZ preset tasks on one camera or a fleet: check, invoke, wait, clean up (API notes §5, §6).

For each camera, in a worker of a bounded pool:

1. the camera must offer the task (``GET cameras/{id}/ptzPresets?tasks&noData``);
2. ``DefaultPtzPreset``: the preset is resolved by id or exact name and sent as
   ``{"itemSelection": "PtzPreset[<UPPER-CASE-ID>]"}``; a preset that is already the default is not
   invoked. The answer is either synchronous (``result.state == "Success"``) or a task to wait on;
3. ``GetDevicePresets``: the documented two-step protocol. ``{"sessionDataId": 0}`` starts a task that
   reads the device; its final data carries a new ``sessionDataId``, which starts a second task that
   applies the result. The preset list is read before and after, so ``changed`` is true only if it
   changed;
4. every task this run started is cleaned up (``TaskCleanup``) whatever its outcome, in a ``finally``;
   a task still running at the timeout is stopped (``TaskStop``) first. Tasks that could not be cleaned
   up are reported as left behind.

An invoke POST that fails ambiguously (reset connection, 502/504) may have started a task. It is
repeated only if ``GET /tasks`` shows no task for the camera that was not there before the run's first
invocation (one snapshot for the whole run), so a device never gets two tasks by accident. Without that snapshot
(for example when the user may not read ``/tasks``), the POST is not repeated.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
import typing as t

from ._cameras import (
    Camera,
    camera_id,
    camera_name,
    describe,
    is_id,
    presets_path,
    ptz_capability,
    read_ptz_presets,
    read_ptz_tasks,
    summarize,
)
from ._client import task_id_of
from ._concurrency import map_bounded
from ._errors import TaskTimeoutError, XProtectError
from ._waiter import TERMINAL_STATES, wait_for_task

DEFAULT_PTZ_PRESET = 'DefaultPtzPreset'
GET_DEVICE_PRESETS = 'GetDevicePresets'
#: The two steps of GetDevicePresets; the protocol has no third.
DEVICE_PRESET_STEPS = 2
#: Upper bound of wait_timeout and wait_sleep (a week): longer waits are typos.
MAX_WAIT_SECONDS = 604800.0

# Per-camera outcomes (the ``status`` of a camera's result).
CHANGED = 'changed'
UNCHANGED = 'unchanged'
WOULD_CHANGE = 'would_change'
STARTED = 'started'
FAILED = 'failed'
TIMED_OUT = 'timed_out'
SKIPPED = 'skipped'
STATUSES = (CHANGED, UNCHANGED, WOULD_CHANGE, STARTED, SKIPPED, FAILED, TIMED_OUT)
FAILURE_STATUSES = (FAILED, TIMED_OUT)

#: Preset fields whose change makes GetDevicePresets report ``changed``.
PRESET_FIELDS = ('name', 'devicePreset', 'devicePresetInternalId', 'defaultPreset', 'pan', 'tilt', 'zoom')


def canonical_task(name: str) -> str:
    """A known task in its documented spelling (the API matches task names case-insensitively)."""
    for known in (DEFAULT_PTZ_PRESET, GET_DEVICE_PRESETS):
        if known.lower() == name.strip().lower():
            return known
    return name.strip()


class PtzError(XProtectError):
    """A camera cannot do what was asked (no PTZ, task not offered, unknown preset, task ended in Error)."""

    hint = ''


class PresetMissingError(PtzError):
    """The camera has no preset with the requested name or id (fleets are rarely uniform)."""


# -- options -------------------------------------------------------------------------------------------

@dataclasses.dataclass
class PtzJob:
    """What to do on every camera."""

    task: str
    preset: str | None = None
    wait: bool = True
    wait_timeout: float = 120.0
    wait_sleep: float = 1.0
    cleanup: bool = True
    check_mode: bool = False
    missing_preset: str = 'fail'

    def problems(self) -> list[str]:
        """Option combinations that cannot work (checked before any request)."""
        problems = []
        task = self.task.lower()
        if task not in (DEFAULT_PTZ_PRESET.lower(), GET_DEVICE_PRESETS.lower()):
            problems.append(f"task must be {DEFAULT_PTZ_PRESET} or {GET_DEVICE_PRESETS}, not '{self.task}'")
        # A blank preset could only fail on every camera, after a request to each.
        if task == DEFAULT_PTZ_PRESET.lower() and not (self.preset and self.preset.strip()):
            problems.append(f'task {DEFAULT_PTZ_PRESET} needs preset (the name or id of the preset to make the default)')
        if task != DEFAULT_PTZ_PRESET.lower() and self.preset:
            problems.append(f'preset is only used by task {DEFAULT_PTZ_PRESET}, not {self.task}')
        if task == GET_DEVICE_PRESETS.lower() and not self.wait:
            problems.append(f'wait=false cannot be used with {GET_DEVICE_PRESETS}: its second step needs the result of the first')
        if self.missing_preset not in ('fail', 'skip'):
            problems.append(f"missing_preset must be fail or skip, not '{self.missing_preset}'")
        # NaN passes a "<= 0" test and would never time out; huge values overflow time.sleep.
        for option, value in (('wait_timeout', self.wait_timeout), ('wait_sleep', self.wait_sleep)):
            if not math.isfinite(value) or value > MAX_WAIT_SECONDS:
                problems.append(f'{option} must be a finite number of seconds up to {MAX_WAIT_SECONDS:g} (a week), not {value:g}')
            elif value <= 0:
                problems.append(f'{option} must be a positive number of seconds, not {value:g}')
        return problems


@dataclasses.dataclass(frozen=True)
class FailureTolerance:
    """How many failed cameras a run tolerates: a count (``3``) or a percentage of the cameras (``10%``)."""

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
        """True when ``failures`` of ``total`` cameras are more than tolerated."""
        if failures == 0:
            return False
        if self.percent:
            return total == 0 or failures * 100.0 > self.amount * total
        return failures > self.amount

    def __str__(self) -> str:
        return f'{self.amount:g}%' if self.percent else f'{int(self.amount)}'


# -- one camera's account ------------------------------------------------------------------------------

@dataclasses.dataclass
class StartedTask:
    task_id: str
    finished: bool = False


@dataclasses.dataclass
class CameraRun:  # pylint: disable=too-many-instance-attributes
    """What happened on one camera; ``as_result`` is what the module returns for it."""

    camera: Camera
    task: str
    status: str = FAILED
    changed: bool = False
    state: str | None = None
    progress: int | None = None
    error: str = ''
    error_code: int | None = None
    duration: float = 0.0
    preset: dict[str, str] | None = None
    preset_changes: dict[str, list[str]] | None = None
    started: list[StartedTask] = dataclasses.field(default_factory=list)
    cleanup: dict[str, str] = dataclasses.field(default_factory=dict)
    left_behind: list[str] = dataclasses.field(default_factory=list)
    before: t.Any = None
    after: t.Any = None

    @property
    def camera_id(self) -> str:
        return camera_id(self.camera)

    @property
    def camera_name(self) -> str:
        return camera_name(self.camera)

    @property
    def failed(self) -> bool:
        return self.status in FAILURE_STATUSES

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

    def as_result(self) -> dict[str, t.Any]:
        task_ids = [started.task_id for started in self.started]
        result: dict[str, t.Any] = {
            'camera_id': self.camera_id,
            'camera_name': self.camera_name,
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
        if self.preset is not None:
            result['preset'] = dict(self.preset)
        if self.preset_changes is not None:
            result['preset_changes'] = {key: list(value) for key, value in self.preset_changes.items()}
        return result


# -- presets -------------------------------------------------------------------------------------------

def preset_name(preset: t.Mapping[str, t.Any]) -> str:
    return str(preset.get('name') or preset.get('displayName') or '')


def preset_id(preset: t.Mapping[str, t.Any]) -> str:
    return camera_id(preset)  # same id rules (GUID, relations.self fallback)


def item_selection(preset: t.Mapping[str, t.Any]) -> str:
    """The DefaultPtzPreset argument; the OAS example and enum use the upper-case id."""
    return f'PtzPreset[{preset_id(preset).upper()}]'


def resolve_preset(presets: t.Sequence[t.Mapping[str, t.Any]], reference: str) -> t.Mapping[str, t.Any]:
    """The preset with this id or exact name; ``PtzError`` lists the camera's presets otherwise."""
    reference = reference.strip()
    if is_id(reference):
        for preset in presets:
            if preset_id(preset) == reference.lower():
                return preset
    matches = [preset for preset in presets if preset_name(preset) == reference]
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = ', '.join(preset_id(preset) for preset in matches)
        raise PtzError(f"the preset name '{reference}' fits {len(matches)} presets ({ids}); give the preset id instead")
    names = ', '.join(f"'{preset_name(preset)}'" for preset in presets) or 'none'
    raise PresetMissingError(f"the camera has no PTZ preset '{reference}'; its presets are: {names}")


def preset_snapshot(presets: t.Iterable[t.Mapping[str, t.Any]]) -> dict[str, tuple]:
    return {preset_id(preset): tuple(preset.get(field) for field in PRESET_FIELDS) for preset in presets}


def preset_changes(before: t.Sequence[t.Mapping[str, t.Any]], after: t.Sequence[t.Mapping[str, t.Any]]) -> dict[str, list[str]]:
    """Names of the presets added, removed and updated between two readings of a camera's list."""
    old, new = preset_snapshot(before), preset_snapshot(after)
    names = {preset_id(preset): preset_name(preset) for preset in list(before) + list(after)}
    return {
        'added': sorted(names[ident] for ident in new if ident not in old),
        'removed': sorted(names[ident] for ident in old if ident not in new),
        'updated': sorted(names[ident] for ident in new if ident in old and new[ident] != old[ident]),
    }


def default_preset_name(presets: t.Iterable[t.Mapping[str, t.Any]]) -> str | None:
    for preset in presets:
        if preset.get('defaultPreset') is True:
            return preset_name(preset)
    return None


# -- the runner ----------------------------------------------------------------------------------------

def next_session_id(task: t.Mapping[str, t.Any], previous: int) -> int:
    """The session id that step 1 of GetDevicePresets hands to step 2; without one, step 2 cannot run."""
    value = task.get('sessionDataId')
    try:
        session = int(value) if not isinstance(value, bool) else 0
    except (TypeError, ValueError):
        session = 0
    if session in (0, previous):
        raise PtzError(f'step 1 of {GET_DEVICE_PRESETS} finished without a new session id for step 2 (sessionDataId {value!r}), '
                       'so the presets read from the device were not applied')
    return session


def task_reference_id(task: t.Mapping[str, t.Any]) -> str | None:
    """The id of a task in ``GET /tasks`` (the data carries it in ``relations.self``, not in ``id``)."""
    ident = task.get('id') or ((task.get('relations') or {}).get('self') or {}).get('id')
    return str(ident) if ident is not None else None


class PtzRunner:
    """Runs one ``PtzJob`` on cameras with bounded concurrency; one client serves every worker."""

    def __init__(self, client: t.Any, job: PtzJob, *, clock: t.Callable[[], float] = time.monotonic,
                 sleeper: t.Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.job = job
        self.clock = clock
        self.sleeper = sleeper
        self.tasks_before: set[str] | None = None
        self._snapshot_taken = False
        self._snapshot_lock = threading.Lock()

    def run(self, cameras: t.Sequence[Camera], *, workers: int) -> list[CameraRun]:
        """Every camera's account, in the order given. One camera's failure never stops the others."""
        outcomes = map_bounded(self.run_camera, list(cameras), workers=workers)
        return [t.cast(CameraRun, outcome.value) for outcome in outcomes]

    def _known_tasks(self) -> set[str] | None:
        """Ids of the tasks that existed before this run invoked anything, so an ambiguous invoke can be checked.

        Read once, by the first worker about to invoke, while the others wait: a run (or check mode) that
        invokes nothing costs no extra request.
        """
        with self._snapshot_lock:
            if not self._snapshot_taken:
                self._snapshot_taken = True
                try:
                    tasks = self.client.list('tasks', action='list the server tasks')
                    self.tasks_before = {ident for ident in map(task_reference_id, tasks) if ident}
                except XProtectError:
                    self.tasks_before = None  # then an ambiguous POST is not repeated, which is the safe side
            return self.tasks_before

    def run_camera(self, camera: Camera) -> CameraRun:
        run = CameraRun(camera=camera, task=self.job.task)
        start = self.clock()
        try:
            self._check_offered(run)
            if run.task.lower() == DEFAULT_PTZ_PRESET.lower():
                self._default_preset(run, start)
            else:
                self._device_presets(run, start)
        except TaskTimeoutError as error:
            run.status = TIMED_OUT
            run.note_task(error.last_task)
            run.error = self.client.redact(error.summary)
        except XProtectError as error:
            run.status = FAILED
            run.error = self.client.redact(str(error))
        except Exception as error:  # pylint: disable=broad-except  # one camera's bug must not cost the fleet its account
            run.status = FAILED
            run.error = self.client.redact(f'unexpected {type(error).__name__}: {error}')
        finally:
            self._clean_up(run)
            run.duration = self.clock() - start
        return run

    # -- steps -----------------------------------------------------------------------------------------

    def _check_offered(self, run: CameraRun) -> None:
        """The camera must be PTZ and offer the task; the server's spelling of the task is used from here on."""
        if ptz_capability(run.camera) is False:
            raise PtzError('the camera is not a PTZ camera (ptzEnabled is false), so it offers no PTZ preset tasks')
        offered = read_ptz_tasks(self.client, run.camera)
        for task in offered:
            if str(task.get('id', '')).lower() == self.job.task.lower():
                run.task = str(task['id'])
                return
        listing = ', '.join(f"{task.get('id')} ({task.get('displayName')})" if task.get('displayName') else str(task.get('id'))
                            for task in offered)
        raise PtzError(f"the camera does not offer the task '{self.job.task}'; it offers: {listing or 'no PTZ preset tasks'}")

    def _default_preset(self, run: CameraRun, start: float) -> None:
        presets = read_ptz_presets(self.client, run.camera)
        try:
            preset = resolve_preset(presets, t.cast(str, self.job.preset))
        except PresetMissingError as error:
            if self.job.missing_preset != 'skip':
                raise
            run.status, run.error = SKIPPED, self.client.redact(str(error))
            return
        run.preset = {'id': preset_id(preset), 'name': preset_name(preset)}
        run.before = default_preset_name(presets)
        if preset.get('defaultPreset') is True:
            run.status, run.after = UNCHANGED, run.before
            return
        run.after = preset_name(preset)
        if self.job.check_mode:
            run.status, run.changed = WOULD_CHANGE, True
            return
        result = self._invoke(run, {'itemSelection': item_selection(preset)})
        finished = self._finish(run, result, start)
        # Only now: a refused invocation or a task ending in Error changed nothing.
        run.status, run.changed = (CHANGED if finished else STARTED), True

    def _device_presets(self, run: CameraRun, start: float) -> None:
        before = read_ptz_presets(self.client, run.camera)
        run.before = sorted(preset_name(preset) for preset in before)
        if self.job.check_mode:
            # What the device holds is only known by asking it, which check mode must not do.
            run.status, run.changed = WOULD_CHANGE, True
            return
        session = 0
        for step in range(1, DEVICE_PRESET_STEPS + 1):
            result = self._invoke(run, {'sessionDataId': session})
            final = self._finish(run, result, start) or {}
            if step == DEVICE_PRESET_STEPS:
                break
            session = next_session_id(final, session)
        after = read_ptz_presets(self.client, run.camera)
        run.after = sorted(preset_name(preset) for preset in after)
        run.preset_changes = preset_changes(before, after)
        run.changed = any(run.preset_changes.values())
        run.status = CHANGED if run.changed else UNCHANGED

    def _invoke(self, run: CameraRun, body: dict[str, t.Any]) -> dict[str, t.Any]:
        path = presets_path(run.camera)

        known_before = self._known_tasks()

        def find_started() -> dict[str, t.Any] | None:
            return self._find_started(run, t.cast(t.Set[str], known_before))

        return self.client.invoke_task(path, run.task, body, action=f'invoke {run.task} on camera {describe(run.camera)}',
                                       find_started=find_started if known_before is not None else None)

    def _find_started(self, run: CameraRun, known_before: set[str]) -> dict[str, t.Any] | None:
        """A task for this camera that neither existed before the run nor was started by it: the lost answer's task."""
        known = known_before | {started.task_id for started in run.started}
        for task in self.client.list('tasks', action='look for a task started by an unanswered request'):
            ident = task_reference_id(task)
            owner = str(((task.get('cameraPath') or {}).get('id')) or '').lower()
            if ident and ident not in known and owner == run.camera_id:
                return {'path': {'type': 'tasks', 'id': ident}, 'state': task.get('state'), 'sessionDataId': task.get('sessionDataId')}
        return None

    def _finish(self, run: CameraRun, result: dict[str, t.Any], start: float) -> dict[str, t.Any] | None:
        """Follow an invocation's result to its end; None when ``wait`` is false and a task was started."""
        task_id = task_id_of(result)
        if task_id is None:
            # A synchronous answer: the work is already done (or refused).
            run.note_task(result)
            if result.get('state') not in (None, 'Success'):
                raise PtzError(f"the server answered state {result.get('state')}" + (f": {result['errorText']}" if result.get('errorText') else ''))
            return result
        started = run.track(task_id)
        run.note_task(result)
        if not self.job.wait:
            return None
        outcome = wait_for_task(self.client.get_task, task_id, timeout=self.job.wait_timeout, sleep=self.job.wait_sleep,
                                clock=self.clock, sleeper=self.sleeper, started=start)
        started.finished = True
        run.note_task(outcome.task)
        if not outcome.succeeded:
            code = outcome.task.get('errorCode')
            run.error_code = code if isinstance(code, int) and not isinstance(code, bool) else None
            raise PtzError(outcome.error_text or f'task {task_id} ended in state {outcome.state} without an error text')
        return outcome.task

    # -- cleanup ---------------------------------------------------------------------------------------

    def _clean_up(self, run: CameraRun) -> None:
        """TaskCleanup on every task this camera's run started, whatever its outcome (module docstring)."""
        for started in run.started:
            if not self.job.cleanup or not self.job.wait:
                run.left_behind.append(started.task_id)
                continue
            if not started.finished:
                self._stop(started.task_id)
            try:
                run.cleanup[started.task_id] = self.client.cleanup_task(started.task_id)
            except XProtectError as error:
                run.cleanup[started.task_id] = 'failed'
                run.left_behind.append(started.task_id)
                note = f'task {started.task_id} could not be cleaned up: {self.client.redact(str(error))}'
                run.error = f'{run.error} {note}'.strip()

    def _stop(self, task_id: str) -> None:
        """TaskStop on a task that is still running; a failure is left to the cleanup that follows."""
        try:
            task = self.client.get_task(task_id, action=f'read task {task_id} before stopping it')
            if str(task.get('state', '')) in TERMINAL_STATES:
                return
            self.client.stop_task(task_id)
        except XProtectError:
            pass


# -- the whole run -------------------------------------------------------------------------------------

def totals(runs: t.Sequence[CameraRun]) -> dict[str, int]:
    """Counts per status, plus the number of cameras and of failures."""
    counts = {status: 0 for status in STATUSES}
    for run in runs:
        counts[run.status] += 1
    counts['cameras'] = len(runs)
    counts['failures'] = counts[FAILED] + counts[TIMED_OUT]
    return counts


def left_behind(runs: t.Sequence[CameraRun]) -> list[str]:
    return [task_id for run in runs for task_id in run.left_behind]


def diff(runs: t.Sequence[CameraRun]) -> dict[str, dict[str, t.Any]]:
    """Ansible's before/after: per camera that changed (or would), its default preset or its preset names."""
    changed = [run for run in runs if run.changed]
    names = [run.camera_name for run in changed]

    def key(run: CameraRun) -> str:
        return run.camera_name if names.count(run.camera_name) == 1 else f'{run.camera_name} ({run.camera_id})'

    return {'before': {key(run): run.before for run in changed}, 'after': {key(run): run.after for run in changed}}


def failure_lines(runs: t.Sequence[CameraRun]) -> list[str]:
    lines = []
    for run in runs:
        if not run.failed:
            continue
        what = 'timed out' if run.status == TIMED_OUT else 'failed'
        tasks = f" (task {', '.join(started.task_id for started in run.started)})" if run.started else ''
        lines.append(f'{describe(run.camera)} {what}{tasks}: {run.error}')
    return lines


def summary(task: str, runs: t.Sequence[CameraRun], duration: float) -> str:
    counts = totals(runs)
    parts = [f'{counts[status]} {status.replace("_", " ")}' for status in STATUSES if counts[status]]
    return f"{task} on {counts['cameras']} camera{'s' if counts['cameras'] != 1 else ''} in {duration:.1f} s: {', '.join(parts) or 'nothing to do'}"


def failure_message(task: str, runs: t.Sequence[CameraRun], duration: float, tolerance: FailureTolerance) -> str:
    counts = totals(runs)
    text = (f"{task} failed on {counts['failures']} of {counts['cameras']} camera{'s' if counts['cameras'] != 1 else ''}"
            f' (failure_tolerance {tolerance}): ' + summarize(failure_lines(runs)))
    behind = left_behind(runs)
    if behind:
        text += f". Tasks left behind on the server: {', '.join(behind)}"
    return text + f'. {summary(task, runs, duration)}.'
