"""``/tasks`` (docs/xprotect-api.md §6): list, get (``?tasks&noData`` -> TaskCleanup "Finish", TaskStop "Stop"), cleanup, stop."""

from __future__ import annotations

from aiohttp import web

from .responses import ApiError, not_found
from .rest import ID, RestRequest, Router, collection, result, single, task_id
from .tasks import TASK_ACTIONS, Task

LEGACY_CLEANUP_TEXT = "Bad request -not supported, Method flow missing next MethodId"


def _task(req: RestRequest) -> Task:
    task = req.state.tasks.get(req.ids[0])
    if task is None:
        raise not_found()
    return task


async def list_tasks(req: RestRequest) -> web.Response:
    """GET /tasks."""
    now = req.state.tasks.clock()
    return collection(req, [task.to_json(now) for task in req.state.tasks.tasks.values()])


async def get_task(req: RestRequest) -> web.Response:
    """GET /tasks/{id}: state and progress follow the elapsed time."""
    task = _task(req)
    return single(req, task.to_json(req.state.tasks.clock()), tasks=TASK_ACTIONS, resources=())


async def task_action(req: RestRequest) -> web.Response:
    """POST /tasks/{id}?task=TaskCleanup|TaskStop (body empty or ``{}``, both seen in the samples)."""
    task = _task(req)
    action = task_id(req, [item["id"] for item in TASK_ACTIONS])
    await req.json()  # any JSON (or none) is accepted, but malformed JSON is still a 400
    if action == "TaskStop":
        req.state.tasks.stop(task)
        return result({"state": "Success"})
    req.state.tasks.remove(task.ident)
    if req.state.config.legacy_cleanup_400:
        # 2021 R2 pre-release gateway: the cleanup happened, yet the answer is this 400 (docs/xprotect-api.md §6).
        raise ApiError(400, LEGACY_CLEANUP_TEXT)
    return result({"state": "Success"})


def register(router: Router) -> None:
    """Add the tasks routes."""
    router.add("GET", "tasks", list_tasks)
    router.add("GET", f"tasks/{ID}", get_task)
    router.add("POST", f"tasks/{ID}", task_action)
