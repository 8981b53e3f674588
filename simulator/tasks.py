"""Server tasks (``/tasks``): ids "1", "2", ...; Idle -> InProgress -> Success | Error (docs/xprotect-api.md §6).

There is no background loop: a task's state is a function of the monotonic time since it was invoked,
and :meth:`TaskRegistry.settle` applies the side effects of tasks that have finished.  The REST
dispatcher calls ``settle`` before every request, so a client that never polls a task still sees its
effect (e.g. the new default preset) once ``--task-seconds`` have passed.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Callable

from .store import path_ref

# Outcome of a task, chosen when it is invoked (faults can force error or hang).
OUTCOMES = ("success", "error", "hang")
# Fraction of the task duration spent in state Idle before InProgress (progress stays 0).
IDLE_FRACTION = 0.1
# Where a hanging task's progress stops.
HANG_PROGRESS = 42
# Error reported by a simulated device failure: format of the OAS example ("VMO60277: ..."), code of the
# OAS tasks schema example (61002).
DEVICE_ERROR_CODE = 61002
DEVICE_ERROR_TEXT = "VMO61002: The operation failed. Communication with the device was lost."
STOPPED_ERROR_CODE = 61003
STOPPED_TEXT = "Stopped"

TASK_ACTIONS = (
    {"id": "TaskCleanup", "displayName": "Finish"},
    {"id": "TaskStop", "displayName": "Stop"},
)

# A task's effect: returns None on success, or an error text (code DEVICE_ERROR_CODE) or an (errorCode, errorText) pair that
# turns the task into Error.
Effect = Callable[["Task"], "str | tuple[int, str] | None"]


@dataclasses.dataclass
class Task:  # pylint: disable=too-many-instance-attributes
    """One server task."""

    ident: str
    kind: str
    site_id: str
    started: float
    duration: float
    outcome: str
    camera_id: str | None = None
    effect: Effect | None = None
    session_data_id: int = 0
    finished: bool = False
    error_code: int | None = None
    error_text: str | None = None
    final_progress: int = 100
    # Fields the effect adds when the task succeeds (hardwarePath of the hardware AddHardware made, a scan's findings).
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    display_name: str = "invokeResult"
    # The task's own fields (hardwarePath, recordingServerPath, ...) in place of the preset tasks' sessionDataId, cameraPath and
    # affectedProfileIds; None for the preset tasks.
    fields: dict[str, Any] | None = None
    # The error a ``task_outcome`` fault ends the task with (default: the device error below).
    fault_error: tuple[int, str] | None = None

    def progress_at(self, now: float) -> int:
        """Progress 0..100 estimated from the elapsed time."""
        if self.finished:
            return self.final_progress
        if self.duration <= 0:
            return 100 if self.outcome != "hang" else HANG_PROGRESS
        if self.state_at(now) == "Idle":
            return 0
        progress = int(100 * (now - self.started) / self.duration)
        if self.outcome == "hang":
            return min(max(progress, 0), HANG_PROGRESS)
        return min(max(progress, 0), 99)

    def state_at(self, now: float) -> str:
        """Idle, InProgress, Success or Error."""
        if self.finished:
            return "Error" if self.error_text is not None else "Success"
        if self.duration > 0 and now - self.started < IDLE_FRACTION * self.duration:
            return "Idle"
        return "InProgress"

    def to_json(self, now: float) -> dict[str, Any]:
        """The task's ``data`` object (NET README / OAS prose field set)."""
        data: dict[str, Any] = {
            "displayName": self.display_name,
            "progress": self.progress_at(now),
            "state": self.state_at(now),
        }
        if self.fields is not None:
            data.update(self.fields)
        else:
            data["sessionDataId"] = self.session_data_id
            if self.camera_id:
                data["cameraPath"] = path_ref("cameras", self.camera_id)
            data["affectedProfileIds"] = []
        if self.finished and self.error_text is not None:
            data["errorCode"] = self.error_code
            data["errorText"] = self.error_text
        data.update(self.extra)
        data["relations"] = {"parent": path_ref("sites", self.site_id), "self": path_ref("tasks", self.ident)}
        return data


class TaskRegistry:
    """All tasks not yet cleaned up."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.tasks: dict[str, Task] = {}
        self.next_id = 1

    def create(self, kind: str, *, site_id: str, duration: float, outcome: str, camera_id: str | None = None,  # pylint: disable=too-many-arguments
               effect: Effect | None = None, display_name: str = "invokeResult", fields: dict[str, Any] | None = None,
               fault_error: tuple[int, str] | None = None) -> Task:
        """Register a new task in state Idle."""
        task = Task(ident=str(self.next_id), kind=kind, site_id=site_id, started=self.clock(), duration=duration,
                    outcome=outcome, camera_id=camera_id, effect=effect, display_name=display_name, fields=fields,
                    fault_error=fault_error)
        self.next_id += 1
        self.tasks[task.ident] = task
        self.settle()
        return task

    def get(self, ident: str) -> Task | None:
        """The task ``ident`` or None."""
        return self.tasks.get(ident)

    def settle(self) -> None:
        """Finish every task whose time is up and apply its effect (see module docstring)."""
        now = self.clock()
        for task in self.tasks.values():
            if task.finished or task.outcome == "hang" or now - task.started < task.duration:
                continue
            task.finished = True
            task.final_progress = 100
            if task.outcome == "error":
                task.error_code, task.error_text = task.fault_error or (DEVICE_ERROR_CODE, DEVICE_ERROR_TEXT)
                continue
            failure = task.effect(task) if task.effect else None
            if isinstance(failure, tuple):
                task.error_code, task.error_text = failure
            elif failure:
                task.error_code, task.error_text = DEVICE_ERROR_CODE, failure

    def stop(self, task: Task) -> None:
        """TaskStop: a running task ends in Error "Stopped" without its effect; a finished one is left alone."""
        if task.finished:
            return
        now = self.clock()
        task.final_progress = task.progress_at(now)
        task.finished = True
        task.error_code, task.error_text = STOPPED_ERROR_CODE, STOPPED_TEXT

    def remove(self, ident: str) -> None:
        """TaskCleanup."""
        self.tasks.pop(ident, None)

    def open_count(self) -> int:
        """Tasks that exist (not cleaned up)."""
        return len(self.tasks)

    def running_count(self) -> int:
        """Tasks that have not finished yet."""
        return sum(1 for task in self.tasks.values() if not task.finished)
