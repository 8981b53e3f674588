# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PTZ preset tasks on one camera or a fleet: check, invoke, wait, clean up (docs/xprotect-api.md §5, §6).

For each camera, in a worker of a bounded pool:

1. the camera must offer the task (``GET cameras/{id}/ptzPresets?tasks&noData``);
2. ``DefaultPtzPreset``: the preset is resolved by id or exact name and sent as
   ``{"itemSelection": "PtzPreset[<UPPER-CASE-ID>]"}``; a preset that is already the default is not
   invoked. The answer is either synchronous (``result.state == "Success"``) or a task to wait on;
3. ``GetDevicePresets``: the documented two-step protocol. ``{"sessionDataId": 0}`` starts a task that
   reads the device; its final data carries a new ``sessionDataId``, which starts a second task that
   applies the result. The preset list is read before and after, so ``changed`` is true only if it
   changed;
4. ``Goto`` (2024 R2 and later): the preset is resolved as for ``DefaultPtzPreset`` and must offer the task
   (``GET cameras/{id}/ptzPresets/{presetId}?tasks&noData``); ``POST cameras/{id}/ptzPresets/{presetId}?task=Goto``
   moves the camera. A move is an action, not a state, so it always counts as a change;
5. every task this run started is cleaned up (``TaskCleanup``) whatever its outcome, in a ``finally``;
   a task still running at the timeout is stopped (``TaskStop``) first. Tasks that could not be cleaned
   up are reported as left behind.

An invoke POST that fails ambiguously (reset connection, 502/504) may have started a task. It is
repeated only if ``GET /tasks`` shows no task for the camera that was not there before the run's first
invocation (one snapshot for the whole run), so a device never gets two tasks by accident. Without that snapshot
(for example when the user may not read ``/tasks``), the POST is not repeated.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing as t

import time
from urllib.parse import quote

from ._cameras import (
    MAX_CONCURRENCY,
    Camera,
    camera_id,
    camera_name,
    describe,
    is_id,
    presets_path,
    ptz_capability,
    read_ptz_presets,
    read_ptz_tasks,
    resolve_cameras,
    summarize,
)
from ._errors import InputError
from ._tasks import (  # noqa: F401  # pylint: disable=unused-import  # the statuses: part of this module's interface
    CHANGED,
    FAILED,
    FAILURE_STATUSES,
    MAX_WAIT_SECONDS,
    NOT_ATTEMPTED,
    SKIPPED,
    STARTED,
    STATUSES,
    TIMED_OUT,
    UNCHANGED,
    WOULD_CHANGE,
    FailureTolerance,
    ServerGoneGuard,
    TaskAccount,
    TaskFailedError,
    TaskRunner,
    WaitOptions,
    check_wait_options,
    fleet_advice,
    fleet_option_problems,
    fleet_totals,
    run_fleet,
    task_reference_id,
)

DEFAULT_PTZ_PRESET = 'DefaultPtzPreset'
GET_DEVICE_PRESETS = 'GetDevicePresets'
GOTO = 'Goto'
PTZ_TASKS = (DEFAULT_PTZ_PRESET, GET_DEVICE_PRESETS, GOTO)
#: The tasks that act on one preset, given by ``preset``.
PRESET_TASKS = (DEFAULT_PTZ_PRESET, GOTO)
#: The two steps of GetDevicePresets; the protocol has no third.
DEVICE_PRESET_STEPS = 2

#: Preset fields whose change makes GetDevicePresets report ``changed``.
PRESET_FIELDS = ('name', 'devicePreset', 'devicePresetInternalId', 'defaultPreset', 'pan', 'tilt', 'zoom')


def canonical_task(name: str) -> str:
    """A known task in its documented spelling (the API matches task names case-insensitively)."""
    for known in PTZ_TASKS:
        if known.lower() == name.strip().lower():
            return known
    return name.strip()


def task_suggestion(name: str) -> str:
    """' (did you mean X?)' for a near miss of a known task name, else ''."""
    close = difflib.get_close_matches(name.strip().lower(), [known.lower() for known in PTZ_TASKS], n=1, cutoff=0.6)
    if not close:
        return ''
    return f' (did you mean {next(known for known in PTZ_TASKS if known.lower() == close[0])}?)'


class PtzError(TaskFailedError):
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
        if task not in (known.lower() for known in PTZ_TASKS):
            problems.append(f"task must be {DEFAULT_PTZ_PRESET}, {GET_DEVICE_PRESETS} or {GOTO}, not '{self.task}'{task_suggestion(self.task)}")
            return problems + check_wait_options(self.wait_timeout, self.wait_sleep)
        # A blank preset could only fail on every camera, after a request to each.
        if task == DEFAULT_PTZ_PRESET.lower() and not (self.preset and self.preset.strip()):
            problems.append(f'task {DEFAULT_PTZ_PRESET} needs preset (the name or id of the preset to make the default)')
        if task == GOTO.lower() and not (self.preset and self.preset.strip()):
            problems.append(f'task {GOTO} needs preset (the name or id of the preset to move the cameras to)')
        if task == GET_DEVICE_PRESETS.lower() and self.preset:
            problems.append(f'preset is only used by tasks {DEFAULT_PTZ_PRESET} and {GOTO}, not {self.task}')
        if task == GET_DEVICE_PRESETS.lower() and not self.wait:
            problems.append(f'wait=false cannot be used with {GET_DEVICE_PRESETS}: its second step needs the result of the first')
        if self.missing_preset not in ('fail', 'skip'):
            problems.append(f"missing_preset must be fail or skip, not '{self.missing_preset}'")
        return problems + check_wait_options(self.wait_timeout, self.wait_sleep)

    @property
    def wait_options(self) -> WaitOptions:
        return WaitOptions(wait=self.wait, wait_timeout=self.wait_timeout, wait_sleep=self.wait_sleep, cleanup=self.cleanup)


# -- one camera's account ------------------------------------------------------------------------------

@dataclasses.dataclass
class CameraRun(TaskAccount):  # pylint: disable=too-many-instance-attributes
    """What happened on one camera; ``as_result`` is what the module returns for it."""

    camera: Camera = dataclasses.field(default_factory=dict)
    preset: dict[str, str] | None = None
    preset_changes: dict[str, list[str]] | None = None
    #: The camera's preset names (for the fleet's "no camera has that preset" message).
    preset_names: list[str] = dataclasses.field(default_factory=list)
    before: t.Any = None
    after: t.Any = None

    @property
    def camera_id(self) -> str:
        return camera_id(self.camera)

    @property
    def camera_name(self) -> str:
        return camera_name(self.camera)

    def as_result(self) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {'camera_id': self.camera_id, 'camera_name': self.camera_name}
        result.update(self.task_result())
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


class PtzRunner:
    """Runs one ``PtzJob`` on cameras with bounded concurrency, on the shared task runner."""

    def __init__(self, client: t.Any, job: PtzJob, *, clock: t.Callable[[], float] | None = None,
                 sleeper: t.Callable[[float], None] | None = None) -> None:
        self.client = client
        self.job = job
        options = {key: value for key, value in (('clock', clock), ('sleeper', sleeper)) if value is not None}
        self.tasks = TaskRunner(client, job.wait_options, **options)
        self.guard = ServerGoneGuard()

    def run(self, cameras: t.Sequence[Camera], *, workers: int) -> list[CameraRun]:
        """Every camera's account, in the order given. One camera's failure never stops the others; a server gone does."""
        return run_fleet(list(cameras), self.run_camera, self._account, workers=workers, guard=self.guard)

    def _account(self, camera: Camera) -> CameraRun:
        return CameraRun(task=self.job.task, camera=camera)

    def run_camera(self, camera: Camera) -> CameraRun:
        return t.cast(CameraRun, self.tasks.run(self._account(camera), self._work))

    def _work(self, account: TaskAccount, start: float) -> None:
        run = t.cast(CameraRun, account)
        self._check_offered(run)
        if run.task.lower() == DEFAULT_PTZ_PRESET.lower():
            self._default_preset(run, start)
        elif run.task.lower() == GOTO.lower():
            self._goto(run, start)
        else:
            self._device_presets(run, start)

    # -- steps -----------------------------------------------------------------------------------------

    def _check_offered(self, run: CameraRun) -> None:
        """The camera must be PTZ and offer the task; the server's spelling of the task is used from here on."""
        if ptz_capability(run.camera) is False:
            raise PtzError('the camera is not a PTZ camera (ptzEnabled is false), so it offers no PTZ preset tasks')
        if self.job.task.lower() == GOTO.lower():
            run.task = GOTO  # a task of each preset, not of the camera's preset list: checked on the preset (_goto)
            return
        offered = read_ptz_tasks(self.client, run.camera)
        for task in offered:
            if str(task.get('id', '')).lower() == self.job.task.lower():
                run.task = str(task['id'])
                return
        listing = ', '.join(f"{task.get('id')} ({task.get('displayName')})" if task.get('displayName') else str(task.get('id'))
                            for task in offered)
        raise PtzError(f"the camera does not offer the task '{self.job.task}'; it offers: {listing or 'no PTZ preset tasks'}")

    def _find_preset(self, run: CameraRun) -> tuple[list[dict[str, t.Any]], t.Mapping[str, t.Any] | None]:
        """The camera's presets and the job's preset among them; None (the camera skipped) when it lacks it and that is allowed."""
        presets = read_ptz_presets(self.client, run.camera)
        run.preset_names = [preset_name(preset) for preset in presets]
        try:
            preset = resolve_preset(presets, t.cast(str, self.job.preset))
        except PresetMissingError as error:
            if self.job.missing_preset != 'skip':
                raise
            run.status, run.error = SKIPPED, self.client.redact(str(error))
            return presets, None
        run.preset = {'id': preset_id(preset), 'name': preset_name(preset)}
        return presets, preset

    def _default_preset(self, run: CameraRun, start: float) -> None:
        presets, preset = self._find_preset(run)
        if preset is None:
            return
        run.before = default_preset_name(presets)
        if preset.get('defaultPreset') is True:
            run.status, run.after = UNCHANGED, run.before
            return
        run.after = preset_name(preset)
        if self.job.check_mode:
            run.status, run.changed = WOULD_CHANGE, True
            return
        result = self._invoke(run, {'itemSelection': item_selection(preset)})
        finished = self.tasks.finish(run, result, start)
        # Only now: a refused invocation or a task ending in Error changed nothing.
        run.status, run.changed = (CHANGED if finished else STARTED), True

    def _goto(self, run: CameraRun, start: float) -> None:
        _presets, preset = self._find_preset(run)
        if preset is None:
            return
        path = f'{presets_path(run.camera)}/{quote(preset_id(preset), safe="")}'
        offered = self.client.list_tasks(path, action=f'read the tasks of preset {preset_name(preset)!r} of camera {describe(run.camera)}')
        if not any(str(task.get('id', '')).lower() == GOTO.lower() for task in offered):
            raise PtzError(f"the preset '{preset_name(preset)}' does not offer the task {GOTO} (XProtect 2024 R2 and later move cameras "
                           'to a preset through the API)')
        run.after = preset_name(preset)
        if self.job.check_mode:
            run.status, run.changed = WOULD_CHANGE, True
            return
        result = self._invoke(run, {}, path=path)
        finished = self.tasks.finish(run, result, start)
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
            final = self.tasks.finish(run, result, start) or {}
            if step == DEVICE_PRESET_STEPS:
                break
            session = next_session_id(final, session)
        after = read_ptz_presets(self.client, run.camera)
        run.after = sorted(preset_name(preset) for preset in after)
        run.preset_changes = preset_changes(before, after)
        run.changed = any(run.preset_changes.values())
        run.status = CHANGED if run.changed else UNCHANGED

    def _invoke(self, run: CameraRun, body: dict[str, t.Any], path: str | None = None) -> dict[str, t.Any]:
        def owned(task: t.Mapping[str, t.Any]) -> bool:
            return str(((task.get('cameraPath') or {}).get('id')) or '').lower() == run.camera_id

        return self.tasks.invoke(run, path or presets_path(run.camera), body, action=f'invoke {run.task} on camera {describe(run.camera)}',
                                 owned=owned)


# -- the whole run -------------------------------------------------------------------------------------

def totals(runs: t.Sequence[CameraRun]) -> dict[str, int]:
    """Counts per status, plus the number of cameras and of failures."""
    counts = fleet_totals(runs)
    counts['cameras'] = len(runs)
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
        lines.append(f'{describe(run.camera)} {what}{tasks}: {run.error.rstrip(".")}')
    return lines


def summary(task: str, runs: t.Sequence[CameraRun], duration: float) -> str:
    counts = totals(runs)
    parts = [f'{counts[status]} {status.replace("_", " ")}' for status in STATUSES if counts[status]]
    return f"{task} on {counts['cameras']} camera{'s' if counts['cameras'] != 1 else ''} in {duration:.1f} s: {', '.join(parts) or 'nothing to do'}"


def exceeded(tolerance: FailureTolerance, runs: t.Sequence[CameraRun]) -> bool:
    """True when the failures, counting cameras not attempted because the server was gone, are more than tolerated."""
    counts = totals(runs)
    return tolerance.exceeded(counts['failures'] + counts[NOT_ATTEMPTED], counts['cameras'])


def failure_message(task: str, runs: t.Sequence[CameraRun], duration: float, tolerance: FailureTolerance) -> str:
    counts = totals(runs)
    plural = 's' if counts['cameras'] != 1 else ''
    text = f"{task} failed on {counts['failures']} of {counts['cameras']} camera{plural} (failure_tolerance {tolerance})"
    lines = failure_lines(runs)
    if lines:
        text += ': ' + summarize(lines).rstrip('.')
    if counts[NOT_ATTEMPTED]:
        text += (f". The server could not be reached, so {counts[NOT_ATTEMPTED]} camera{'s were' if counts[NOT_ATTEMPTED] != 1 else ' was'} "
                 'not attempted (status not_attempted); run the task again once the server is back')
    advice = fleet_advice(runs)
    if advice:
        text += '. ' + advice.rstrip('.')
    behind = left_behind(runs)
    if behind:
        text += f". Tasks left behind on the server: {', '.join(behind)}"
    return text + f'. {summary(task, runs, duration)}.'


def no_camera_has_preset(job: PtzJob, runs: t.Sequence[CameraRun]) -> str | None:
    """With missing_preset=skip, a preset that no camera has is a typo, not a fleet that differs: say so."""
    if job.task not in PRESET_TASKS or not runs or any(run.status != SKIPPED for run in runs):
        return None
    names = sorted({name for run in runs for name in run.preset_names})
    close = difflib.get_close_matches(str(job.preset), names, n=3, cutoff=0.4)
    if not close:
        close = [name for name in names if str(job.preset).strip().casefold() in name.casefold()][:3]
    text = (f"No camera has a PTZ preset named '{job.preset}', so all {len(runs)} camera{'s were' if len(runs) != 1 else ' was'} skipped. "
            'Preset names are compared exactly (case and spaces count).')
    if close:
        text += ' Closest preset names on these cameras: ' + ', '.join(f"'{name}'" for name in close) + '.'
    elif names:
        text += ' The cameras have: ' + summarize([f"'{name}'" for name in names], ', ') + '.'
    return text


# -- the ptz_task module's job --------------------------------------------------------------------------

def job_from_params(params: t.Mapping[str, t.Any], check_mode: bool) -> tuple[PtzJob, FailureTolerance, list[str]]:
    """The job, its failure tolerance and the cameras, or an InputError naming every problem (before any request)."""
    job = PtzJob(task=canonical_task(params['task']), preset=params['preset'], wait=params['wait'], wait_timeout=params['wait_timeout'],
                 wait_sleep=params['wait_sleep'], cleanup=params['cleanup'], check_mode=check_mode,
                 missing_preset=params['missing_preset'])
    problems = job.problems()
    tolerance = fleet_option_problems(params, MAX_CONCURRENCY, problems)
    cameras = [camera for camera in params['cameras'] if camera and camera.strip()]
    if not params['cameras']:
        problems.append('cameras is an empty list, so there is nothing to do; when the list comes from camera_info, its selection '
                        'matched no camera (check the name pattern, the camera group and ptz_only)')
    elif not cameras:
        problems.append('cameras holds only empty names; give camera names or ids (an unset variable gives an empty name)')
    if problems:
        raise InputError('; '.join(problems))
    return job, tolerance, cameras


def run_ptz_task(module: t.Any) -> dict[str, t.Any]:
    """The job of ptz_task: resolve the cameras, run the task on each, account for every camera and task."""
    params = module.params
    job, tolerance, references = job_from_params(params, module.check_mode)
    started = time.monotonic()
    cameras = resolve_cameras(module.client, references, workers=params['concurrency'])
    runs = PtzRunner(module.client, job).run(cameras, workers=params['concurrency'])
    duration = time.monotonic() - started
    result = dict(
        changed=any(run.changed for run in runs),
        cameras=[run.as_result() for run in runs],
        totals=totals(runs),
        duration=round(duration, 3),
        tasks_left_behind=left_behind(runs),
    )
    if module._diff:  # pylint: disable=protected-access  # AnsibleModule exposes --diff only this way
        result['diff'] = diff(runs)
    if exceeded(tolerance, runs):
        error = PtzError(failure_message(job.task, runs, duration, tolerance))
        error.result = result  # type: ignore[attr-defined]
        raise error
    nothing_matched = no_camera_has_preset(job, runs)
    if nothing_matched:
        error = PresetMissingError(nothing_matched)
        error.result = result  # type: ignore[attr-defined]
        raise error
    for line in failure_lines(runs):
        module.warn(f'{job.task} (tolerated by failure_tolerance {tolerance}): {line}')
    if result['tasks_left_behind'] and job.wait and job.cleanup:
        module.warn(f"tasks left behind on the server: {', '.join(result['tasks_left_behind'])}")
    result['msg'] = summary(job.task, runs, duration)
    return result
