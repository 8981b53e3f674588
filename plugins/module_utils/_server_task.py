# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Any ``?task=`` on any object: the job of the generic ``task`` module, on the shared task runner.

Per target, in a worker of a bounded pool (docs/xprotect-api.md §6):

1. the object is found (by id, or by exact name in its list), and must offer the task (``?tasks&noData``;
   matched without regard to case, "did you mean" on a miss);
2. the task is invoked with its parameters (``POST <path>?task=<Name>``); an invocation whose answer was lost is
   repeated only when ``GET /tasks`` shows no new task for the object;
3. a synchronous answer is the result; a task is waited for (``wait_timeout``), stopped at the timeout and cleaned
   up whatever happened; a two-step task (``sessionDataId``) runs its second step with the session id of the first;
4. a server that says parameters are missing gets the list of what it asks for, with the values it offers.

Check mode finds the targets, checks the task is offered and the parameters are known, and invokes nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
import time
import typing as t

from . import _generic as generic
from ._errors import BadRequestError, InputError, XProtectError
from ._ids import id_key, is_id, object_id, show
from ._tasks import (
    CHANGED,
    WOULD_CHANGE,
    FailureTolerance,
    TaskAccount,
    TaskFailedError,
    TaskRunner,
    WaitOptions,
    check_wait_options,
    fleet_advice,
    fleet_option_problems,
    fleet_totals,
    run_fleet,
)

MAX_CONCURRENCY = 64
SECRET_WORDS = ('password', 'secret', 'passphrase')
#: Task result and task fields that are the task's own bookkeeping, not a produced object.
OWN_FIELDS = frozenset(('relations', 'path', 'cameraPath'))


@dataclasses.dataclass
class Target:
    rtype: generic.ResourceType
    obj: dict[str, t.Any]
    parent: generic.Parent | None
    path: str
    #: The task runs on the collection (the object is its owner, the parent).
    collection: bool = False

    @property
    def ident(self) -> str:
        return object_id(self.obj)

    @property
    def name(self) -> str:
        return str(self.obj.get(self.rtype.identity or 'name') or self.obj.get('displayName') or '')

    def describe(self) -> str:
        if self.collection and self.parent is not None:
            owner = f'{show(self.parent.name)} ({self.parent.ident})' if self.parent.name else self.parent.ident
            return f'the {self.rtype.name} of {generic.label_of(self.parent.type)} {owner}'
        return f'{self.rtype.label} {show(self.name)} ({self.ident})' if self.name else f'{self.rtype.name}/{self.ident}'


@dataclasses.dataclass
class TargetRun(TaskAccount):
    """What happened on one target."""

    target: Target | None = None
    result: dict[str, t.Any] | None = None
    final: dict[str, t.Any] | None = None
    produced: dict[str, t.Any] | None = None
    session_data_id: int | None = None

    def as_result(self, redact: t.Callable[[t.Any], t.Any]) -> dict[str, t.Any]:
        target = t.cast(Target, self.target)
        result = {'type': target.rtype.name, 'id': target.ident, 'name': target.name}
        result.update(self.task_result())
        result['result'] = redact(self.result) if self.result is not None else None
        result['task_object'] = redact(self.final) if self.final is not None else None
        if self.produced is not None:
            result['object'] = redact(self.produced)
        if self.session_data_id is not None:
            result['session_data_id'] = self.session_data_id
        return result


def secret_parameters(rtype: generic.ResourceType, task: str | None, parameters: t.Mapping[str, t.Any]) -> list[str]:
    """The parameters whose values are secrets: the table says so, or their name does."""
    spec = (rtype.entry['tasks'].get(task or '') or {}).get('params', {})
    return [name for name in parameters
            if (spec.get(name) or {}).get('secret') or any(word in str(name).lower() for word in SECRET_WORDS)]


def known_task(rtype: generic.ResourceType, task: str) -> str | None:
    for name in rtype.entry['tasks']:
        if name.lower() == task.strip().lower():
            return name
    return None


def check_job(params: t.Mapping[str, t.Any]) -> tuple[list[str], FailureTolerance]:
    problems = []
    if not isinstance(params['task'], str) or not params['task'].strip():
        problems.append('task must name the task, as the object offers it (for example ChangePasswordHardware)')
    if params['steps'] == 'first' and not params['wait']:
        problems.append('steps=first needs wait=true: the session id of the first step comes from the finished task')
    problems += check_wait_options(params['wait_timeout'], params['wait_sleep'])
    tolerance = fleet_option_problems(params, MAX_CONCURRENCY, problems)
    if params['targets'] is not None and (params['type'] or params['id'] or params['name'] is not None):
        problems.append('targets replaces type, id and name: give either targets, or one object with type and id or name')
    if params['targets'] is None and not params['type']:
        problems.append('type is required (or targets, a list of {type, id | name})')
    if params['targets'] == []:
        problems.append('targets is an empty list, so there is nothing to do')
    if params['parameters'] is not None and not isinstance(params['parameters'], dict):
        problems.append('parameters must be a dictionary of the task\'s parameters')
    return problems, tolerance


def target_specs(params: t.Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
    if params['targets'] is None:
        return [{'type': params['type'], 'id': params['id'], 'name': params['name'], 'parent': params['parent'], 'where': 'the target'}]
    specs = []
    for index, raw in enumerate(params['targets']):
        where = f'targets[{index}]'
        if not isinstance(raw, dict) or 'type' not in raw or not (raw.get('id') or raw.get('name') or raw.get('parent')):
            raise InputError(f'{where} must be a dictionary with type and id or name (or parent, for a task of a child collection), '
                             'for example {type: hardware, name: Gate camera}')
        unknown = sorted(set(raw) - {'type', 'id', 'name', 'parent'})
        if unknown:
            raise InputError(f'{where} has unknown key(s) {", ".join(unknown)}; give type, id or name, and parent for child objects')
        specs.append(dict(raw, where=where))
    return specs


class TaskJob:
    """Runs one task on the targets; one client serves every worker."""

    def __init__(self, module: t.Any, tolerance: FailureTolerance) -> None:
        self.module = module
        self.params = module.params
        self.client = module.client
        self.tolerance = tolerance
        self.reader = generic.Reader(self.client)
        self.options = WaitOptions(wait=self.params['wait'], wait_timeout=self.params['wait_timeout'], wait_sleep=self.params['wait_sleep'],
                                   cleanup=self.params['cleanup'])
        self.runner = TaskRunner(self.client, self.options)
        self.parameters = dict(self.params['parameters'] or {})

    # -- targets -----------------------------------------------------------------------------------------

    def resolve(self, spec: dict[str, t.Any]) -> Target:
        rtype = generic.ResourceType.lookup(spec['type'], f"{spec['where']}.type" if spec['where'] != 'the target' else 'type')
        ident, name = spec.get('id'), spec.get('name')
        if ident is not None and not is_id(ident) and rtype.scope != 'singleton':
            raise InputError(f"{spec['where']}: id must be a GUID, not {ident!r}")
        parent = self.reader.parent(spec.get('parent'), rtype) if spec.get('parent') or rtype.scope == 'child' else None
        task = known_task(rtype, self.params['task'])
        on_collection = task is not None and rtype.entry['tasks'][task]['on'] == 'collection'
        if (on_collection or (task is None and parent is not None)) and ident is None and name is None:
            # a task of the collection itself (ptzPresets' GetDevicePresets, roles' CopyRole): its owner is the target
            owner = {'id': parent.ident, 'name': parent.name} if parent else {}
            return Target(rtype, owner, parent, rtype.collection_path(parent) or rtype.name, collection=True)
        if ident is None and name is None:
            raise InputError(f"{spec['where']} needs id or name: the task {self.params['task']} runs on one {rtype.label}")
        if ident is not None and (rtype.collection_path(parent) is None or rtype.scope == 'singleton'):
            obj = {'id': ident}
        else:
            obj = self.reader.find(rtype, ident=ident, name=name, parent=parent, where=spec['where'])
        path = (rtype.collection_path(parent) or rtype.name) if on_collection else rtype.item_path(object_id(obj), parent)
        return Target(rtype, obj, parent, path)

    # -- one target --------------------------------------------------------------------------------------

    def offered(self, target: Target) -> str:
        """The task as the object offers it; a miss names the closest of what it offers."""
        offered = [str(task.get('id', '')) for task in self.client.tasks.offered(target.path, action=f'list the tasks of {target.describe()}')]
        wanted = self.params['task'].strip()
        for name in offered:
            if name.lower() == wanted.lower():
                return name
        close = difflib.get_close_matches(wanted.lower(), [name.lower() for name in offered], n=1, cutoff=0.5)
        hint = f' (did you mean {next(name for name in offered if name.lower() == close[0])}?)' if close else ''
        raise TaskFailedError(f"it does not offer the task '{wanted}'{hint}; it offers: {', '.join(offered) or 'no tasks'}")

    def check_parameters(self, target: Target, task: str) -> None:
        spec = (target.rtype.entry['tasks'].get(task) or {}).get('params')
        if not spec:
            return  # the document does not describe them: the server decides
        unknown = sorted(name for name in self.parameters if name not in spec and name != 'sessionDataId')
        if unknown:
            raise InputError(f"the task {task} of {target.rtype.name} has no parameter {', '.join(unknown)}; its parameters are: "
                             f"{', '.join(sorted(spec))}")

    def work(self, account: TaskAccount, start: float) -> None:
        run = t.cast(TargetRun, account)
        target = t.cast(Target, run.target)
        run.task = self.offered(target)
        self.check_parameters(target, run.task)
        if self.module.check_mode:
            run.status, run.changed = WOULD_CHANGE, True
            return
        body = self.body_for(target, dict(self.parameters))
        steps = 2 if 'sessionDataId' in body else 1
        session = body.get('sessionDataId')
        for step in range(1, steps + 1):
            result = self.invoke(run, target, body)
            run.result = result
            final = self.runner.finish(run, result, start)
            run.changed = True
            if final is None:
                run.status = 'started'
                return
            run.final = final
            new_session = final.get('sessionDataId')
            if steps == 2 and step == 1:
                if not isinstance(new_session, int) or isinstance(new_session, bool) or new_session in (0, session):
                    break  # a one-step task that takes a session id: done
                run.session_data_id = new_session
                if self.params['steps'] == 'first':
                    break
                body = dict(body, sessionDataId=new_session)
        run.status = CHANGED
        run.produced = self.produced(target, run.final or run.result or {})

    def body_for(self, target: Target, parameters: dict[str, t.Any]) -> dict[str, t.Any]:
        """Parameters that reference objects, given as {type, id} or {type, name}, in the format the parameter takes."""
        spec = (target.rtype.entry['tasks'].get(known_task(target.rtype, self.params['task']) or '') or {}).get('params', {})
        body = dict(parameters)
        for name, value in parameters.items():
            reference = (spec.get(name) or {}).get('reference')
            if reference and isinstance(value, dict) and 'type' in value and (value.get('id') or value.get('name')) and \
                    not set(value) - {'type', 'id', 'name'}:
                rtype = generic.ResourceType.lookup(value['type'], f'parameters.{name}.type')
                ident = value.get('id') or object_id(self.reader.find(rtype, ident=None, name=value['name'], parent=None,
                                                                      where=f'parameters.{name}'))
                body[name] = generic.reference_value({'reference': reference}, rtype.name, str(ident))
        return body

    def invoke(self, run: TargetRun, target: Target, body: dict[str, t.Any]) -> dict[str, t.Any]:
        def owned(task: t.Mapping[str, t.Any]) -> bool:
            # a task names its object in one of its *Path fields (cameraPath, hardwarePath, ...) or its relations
            for key, value in task.items():
                if key.endswith('Path') and isinstance(value, dict) and id_key(value.get('id', '')) == id_key(target.ident):
                    return True
            return False

        try:
            return self.runner.invoke(run, target.path, body, action=f'invoke {run.task} on {target.describe()}', owned=owned)
        except BadRequestError as error:
            if error.params:
                raise self.missing_parameters(run.task, target, error) from None
            raise

    def missing_parameters(self, task: str, target: Target, error: XProtectError) -> XProtectError:
        asked = []
        definitions = error.definitions or {}
        for name, offered in sorted((error.params or {}).items()):
            text = name
            definition = definitions.get(name) if isinstance(definitions.get(name), dict) else {}
            options = definition.get('options') if definition else None
            if options:
                text += ' (one of: ' + ', '.join(str(option) for option in (options.values() if isinstance(options, dict) else options)) + ')'
            elif offered not in (None, '', [], {}):
                text += f' (the server offers: {offered})'
            asked.append(text)
        missing = InputError(f"the task {task} on {target.describe()} needs parameters the task did not give; the server asks for: "
                             f"{'; '.join(asked)}. Give them in parameters; nothing was run")
        missing.params = error.params
        return missing

    def produced(self, target: Target, task: t.Mapping[str, t.Any]) -> dict[str, t.Any] | None:
        """The object a task reports it made (a ``*Path`` field other than its own target), read once."""
        for key, value in task.items():
            if key in OWN_FIELDS or not key.endswith('Path') or not isinstance(value, dict):
                continue
            ident, kind = value.get('id'), value.get('type')
            if not ident or not kind or id_key(ident) == id_key(target.ident):
                continue
            try:
                return self.client.get_data(f'{kind}/{ident}', action=f'read the {kind} the task produced')
            except XProtectError:
                return {'type': kind, 'id': ident}
        return None


def target_line(run: TargetRun) -> str:
    """What happened to one target that failed, in one sentence."""
    target = t.cast(Target, run.target)
    tasks = f" (task {', '.join(run.task_ids)})" if run.task_ids else ''
    if run.status == 'timed_out':
        return f'{run.task} on {target.describe()} timed out{tasks}: {run.error}'
    return f'{run.task} failed on {target.describe()}{tasks}: {run.error}'


def run_task(module: t.Any) -> dict[str, t.Any]:
    """The job of milestone.xprotect.task."""
    params = module.params
    problems, tolerance = check_job(params)
    if problems:
        raise InputError('; '.join(problems))
    specs = target_specs(params)
    for spec in specs:
        rtype = generic.ResourceType.lookup(spec['type'], 'type')
        for name in secret_parameters(rtype, known_task(rtype, params['task']), params['parameters'] or {}):
            value = (params['parameters'] or {}).get(name)
            module.add_secret(value if isinstance(value, str) else None)
    job = TaskJob(module, tolerance)
    started = time.monotonic()
    targets = [job.resolve(spec) for spec in specs]

    def one(target: Target) -> TargetRun:
        return t.cast(TargetRun, job.runner.run(TargetRun(task=params['task'], target=target), job.work))

    runs = run_fleet(targets, one, lambda target: TargetRun(task=params['task'], target=target), workers=params['concurrency'])
    input_errors = [run.failure for run in runs if isinstance(run.failure, InputError)]
    if input_errors and len(runs) == 1:
        raise t.cast(InputError, input_errors[0])
    duration = time.monotonic() - started
    redact = module.redactor.data
    results = [run.as_result(redact) for run in runs]
    counts = fleet_totals(runs)
    counts['targets'] = len(runs)
    result: dict[str, t.Any] = dict(changed=any(run.changed for run in runs), targets=results, totals=counts, duration=round(duration, 3),
                                    tasks_left_behind=[task_id for run in runs for task_id in run.left_behind])
    if params['targets'] is None:
        single = results[0]
        result['result'] = single['result']
        result['task_object'] = single['task_object']
        if 'object' in single:
            result['object'] = single['object']
        if 'session_data_id' in single:
            result['session_data_id'] = single['session_data_id']
    failures = counts['failures'] + counts['not_attempted']
    if params['targets'] is None and runs[0].failed:
        failure = runs[0].failure
        text = target_line(runs[0])
        if result['tasks_left_behind']:
            text = text.rstrip('.') + f". Tasks left behind on the server: {', '.join(result['tasks_left_behind'])}."
        error = TaskFailedError(text.rstrip('.') if text else f"{params['task']} failed")
        if failure is not None:
            error.write = failure.write
            error.ambiguous = failure.ambiguous
        error.result = result  # type: ignore[attr-defined]
        raise error
    if tolerance.exceeded(failures, len(runs)):
        lines = [target_line(run).rstrip('.') for run in runs if run.failed]
        text = (f"{params['task']} failed on {counts['failures']} of {len(runs)} target{'s' if len(runs) != 1 else ''}"
                f' (failure_tolerance {tolerance}): ' + '; '.join(lines[:10]) + (f'; and {len(lines) - 10} more' if len(lines) > 10 else ''))
        advice = fleet_advice(runs)
        if advice:
            text += '. ' + advice.rstrip('.')
        error = TaskFailedError(text)
        error.result = result  # type: ignore[attr-defined]
        raise error
    for run in runs:
        if run.failed:
            module.warn(f'{target_line(run)} (tolerated by failure_tolerance {tolerance})')
    return result
