# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""User-defined events on the engine: the type's rules, and the jobs of user_defined_event, user_defined_events and _info.

What is particular to user-defined events (docs/xprotect-api.md §3): ``name`` is the only writable field;
renames use PUT (PATCH examples appear only from 2024 R1 on, PUT works on every gateway); the built-in
events of subtype ``System`` are present on every system and can be neither renamed nor deleted. The rest,
identity, planning, check mode, diff and partial results, is the planner's (``_planner``).
"""

from __future__ import annotations

import typing as t
from urllib.parse import quote

from . import _planner as planner
from ._concurrency import map_all
from ._errors import ConflictError, InputError, XProtectError
from ._ids import id_key, object_id, show  # noqa: F401  # pylint: disable=unused-import  # show: this module's interface
from ._planner import Entry, OnePlan, SetPlan, Writer  # noqa: F401  # Entry: part of this module's interface

EVENTS_PATH = 'userDefinedEvents'
USER_DEFINED = 'userdefined'
#: The built-in events every XProtect system has (subtype System). Protected by id as well as by subtype,
#: in case a server omits the subtype.
SYSTEM_EVENT_IDS = frozenset((
    '85867627-b287-4439-9e55-a63701e1715b',  # RequestStartRecording
    '77b1e70d-ba8d-4bb8-9ee8-43b09746d82a',  # RequestStopRecording
    '7605f8b0-7f5f-4432-b223-0bb2dc3f1f5c',  # RequestPlayAudio
))
#: Per-event GETs of the info module are read-only, so a few may run at once.
INFO_WORKERS = 4

Event = t.Dict[str, t.Any]

# The errors of 0.1, now the engine's.
EventError = XProtectError
EventInputError = InputError
EventConflictError = ConflictError


def builtin_reason(event: Event) -> str | None:
    """Why XProtect does not let anyone rename or delete the event: every subtype but UserDefined is built in."""
    subtype = str(event.get('subtype') or 'UserDefined')
    if subtype.lower() != USER_DEFINED:
        return f'built-in {subtype} event'
    if id_key(object_id(event)) in SYSTEM_EVENT_IDS:
        return 'built-in System event'
    return None


EVENTS = planner.Kind(
    type=EVENTS_PATH, label='event', plural='events', long_label='user-defined event', collection=EVENTS_PATH,
    builtin=builtin_reason, update_method='PUT',
    ambiguity_advice=('Give id to address one of them, or remove the extra ones (milestone.xprotect.user_defined_events with '
                      'purge=true keeps the oldest).'),
)
NEW_EVENT = {'subtype': 'UserDefined'}


def describe(event: Event) -> str:
    return EVENTS.describe(event)


def event_id(event: Event) -> str:
    return object_id(event)


def event_name(event: Event) -> str:
    return EVENTS.name_of(event)


def is_protected(event: Event) -> bool:
    return builtin_reason(event) is not None


def check_name(value: t.Any, where: str) -> str:
    return EVENTS.check_name(value, where)


def check_id(value: t.Any, where: str) -> str:
    return EVENTS.check_id(value, where)


def list_events(client: t.Any) -> list[Event]:
    """Every event of the server, System ones included (one request per 500 events)."""
    return client.list(EVENTS_PATH, action='list the user-defined events')


class Progress(planner.Progress):
    """The writes done so far (``renamed`` are the planner's updates: a rename is the only update of an event)."""

    def __init__(self, renamed: t.Iterable[t.Any] = (), created: t.Iterable[Event] = (), deleted: t.Iterable[Event] = (),
                 warnings: t.Iterable[str] = ()) -> None:
        super().__init__(updated=list(renamed), created=list(created), deleted=list(deleted), warnings=list(warnings))


# -- one event ----------------------------------------------------------------------------------------

def plan_one(existing: list[Event], *, name: str | None, wanted_id: str | None, state: str) -> OnePlan:
    """The single write (or none) that brings one event to ``state``; raises ConflictError instead of guessing."""
    plan = planner.plan_one(EVENTS, existing, name=name, wanted_id=wanted_id, state=state)
    if plan.action == 'create':
        plan.obj = EVENTS.predicted_new(plan.name, {}, NEW_EVENT)
    return plan


def one_diff(plan: OnePlan) -> dict[str, t.Any]:
    """before/after of one event: its id (when it exists before the run) and name; {} when absent."""
    def view(event: Event, name: str | None = None) -> dict[str, t.Any]:
        shown = {'name': name if name is not None else event_name(event)}
        if event_id(event):
            shown['id'] = event_id(event)
        return shown

    if plan.action == 'create':
        return {'before': {}, 'after': {'name': plan.name}}
    if plan.action == 'delete':
        return {'before': view(plan.obj), 'after': {}}
    if plan.action == 'rename':
        return {'before': view(plan.obj), 'after': view(plan.obj, plan.name)}
    same = view(plan.obj) if plan.obj else {}
    return {'before': same, 'after': same}


def manage_event(module: t.Any) -> dict[str, t.Any]:
    """The job of user_defined_event: one event by name or id, created, renamed or deleted."""
    params = module.params
    # Validated before the client exists: bad input sends nothing, not even a login.
    name = check_name(params['name'], 'name') if params['name'] is not None else None
    wanted_id = check_id(params['id'], 'id') if params['id'] is not None else None
    existing = list_events(module.client)
    plan = plan_one(existing, name=name, wanted_id=wanted_id, state=params['state'])
    event = plan.obj
    if plan.changed and not module.check_mode:
        event = planner.apply_one(Writer(module.client, EVENTS, existing), plan)
    elif plan.action == 'rename':
        event = EVENTS.updated_copy(plan.obj, plan.changes)
    for warning in plan.warnings:
        module.warn(warning)
    return dict(changed=plan.changed, event=event, diff=one_diff(plan))


# -- a set of events ------------------------------------------------------------------------------------

def parse_entries(raw_entries: t.Sequence[t.Any], state: str, purge: bool = False) -> list[Entry]:
    """Validate ``events`` (and purge) completely before anything is sent."""
    return planner.parse_entries(EVENTS, raw_entries, state, purge, option='events')


def plan_set(existing: list[Event], entries: list[Entry], *, state: str, purge: bool) -> SetPlan:
    """The writes that bring the server's events to the declared set; raises ConflictError before any write."""
    return planner.plan_set(EVENTS, existing, entries, state=state, purge=purge)


def user_defined_names(events: t.Iterable[Event]) -> list[str]:
    return sorted(event_name(event) for event in events if not is_protected(event))


def set_diff(plan: SetPlan) -> dict[str, str]:
    """The sorted names of the user-defined events before and after, one per line (Ansible shows a unified diff)."""
    deleted = {id(event) for event in plan.deletes}
    renamed = {id(update.obj): plan.new_name(update) for update in plan.renames}
    after = [renamed.get(id(event), event_name(event)) for event in plan.existing if id(event) not in deleted and not is_protected(event)]
    after.extend(create.name for create in plan.creates)

    def text(names: t.Iterable[str]) -> str:
        return ''.join(name + '\n' for name in sorted(names))

    return {'before': text(user_defined_names(plan.existing)), 'after': text(after),
            'before_header': 'user-defined events before', 'after_header': 'user-defined events after'}


def _events_after(plan: SetPlan, progress: planner.Progress | None) -> list[Event]:
    """Every event holding a listed name after the run (predicted in check mode), in the order of ``events``."""
    if plan.state != 'present':
        return []
    gone = {id(event) for event in plan.deletes}
    if progress is not None:
        replaced = {id(update.obj): answer for update, answer in progress.updated}
        new = list(progress.created)
    else:
        replaced = {id(update.obj): EVENTS.updated_copy(update.obj, update.changes) for update in plan.renames}
        new = [EVENTS.predicted_new(create.name, {}, NEW_EVENT) for create in plan.creates]
    current = [replaced.get(id(event), event) for event in plan.existing if id(event) not in gone] + new
    names = planner.index_by_name(EVENTS, current)
    return [event for entry in plan.entries for event in names.get(entry.name, [])]


def _renamed_view(plan: SetPlan, renames: t.Iterable[planner.Update]) -> list[dict[str, str]]:
    return [{'id': event_id(update.obj), 'previous_name': event_name(update.obj), 'name': plan.new_name(update)} for update in renames]


def set_result(plan: SetPlan, progress: planner.Progress | None) -> dict[str, t.Any]:
    """The result of a complete run; ``progress`` is None in check mode (the plan is reported as if done)."""
    return {
        'changed': plan.changed,
        'created': sorted(create.name for create in plan.creates),
        'renamed': _renamed_view(plan, plan.renames),
        'deleted': sorted(event_name(event) for event in plan.deletes),
        'unchanged': sorted(plan.unchanged),
        'duplicates': plan.duplicates,
        'events': _events_after(plan, progress),
        'diff': set_diff(plan),
    }


def partial_result(plan: SetPlan, progress: planner.Progress) -> dict[str, t.Any]:
    """What a run that failed half-way did (only the writes that succeeded) and what it did not get to."""
    done_renames = {id(update.obj) for update, _answer in progress.updated}
    done_creates = {event_name(event) for event in progress.created}
    done_deletes = {id(event) for event in progress.deleted}
    return {
        'changed': progress.writes > 0,
        'created': sorted(event_name(event) for event in progress.created),
        'renamed': _renamed_view(plan, (update for update, _answer in progress.updated)),
        'deleted': sorted(event_name(event) for event in progress.deleted),
        'unchanged': sorted(plan.unchanged),
        'duplicates': plan.duplicates,
        'not_done': {
            'create': [create.name for create in plan.creates if create.name not in done_creates],
            'rename': _renamed_view(plan, (update for update in plan.renames if id(update.obj) not in done_renames)),
            'delete': sorted(event_name(event) for event in plan.deletes if id(event) not in done_deletes),
        },
    }


def partway_message(result: dict[str, t.Any]) -> str:
    """What to tell the user when writes failed part-way: what was done, and that a re-run continues."""
    done = len(result['created']) + len(result['renamed']) + len(result['deleted'])
    if not done:
        return 'Nothing was changed.'
    return (f'{done} write(s) succeeded before this failure (see created, renamed, deleted); the rest is listed in not_done. '
            'Fix the cause and run the task again: it continues from where it stopped.')


def manage_event_set(module: t.Any) -> dict[str, t.Any]:
    """The job of user_defined_events: the whole set of a site's user-defined events."""
    state, purge = module.params['state'], module.params['purge']
    # Validated before the client exists: bad input sends nothing, not even a login.
    entries = parse_entries(module.params['events'], state, purge)
    existing = list_events(module.client)
    try:
        plan = plan_set(existing, entries, state=state, purge=purge)
    except ConflictError as error:
        error.add_note('Nothing was changed.')
        raise
    for warning in plan.warnings:
        module.warn(warning)
    progress = None
    if plan.changed and not module.check_mode:
        progress = Progress()
        try:
            planner.apply_set(Writer(module.client, EVENTS, existing), plan, progress)
        except XProtectError as error:
            result = partial_result(plan, progress)
            may_have_written = error.write and (error.ambiguous or (error.status is not None and 200 <= error.status < 300))
            if result['changed'] or not may_have_written:
                error.add_note(partway_message(result))
            error.result = result  # type: ignore[attr-defined]
            raise
    for warning in progress.warnings if progress else []:
        module.warn(warning)
    return set_result(plan, progress)


# -- reading (info) ----------------------------------------------------------------------------------------

def _details(client: t.Any, event: Event, flags: list[tuple[str, None]]) -> Event:
    body = client.get(f'{EVENTS_PATH}/{quote(event_id(event), safe="")}', params=flags,
                      action=f'read the user-defined event {describe(event)}')
    detailed = dict(body.get('data') or event) if isinstance(body, dict) else dict(event)
    for flag, _none in flags:
        detailed[flag] = body.get(flag, [] if flag == 'resources' else {}) if isinstance(body, dict) else None
    return detailed


def read_events(client: t.Any, *, name: str | None = None, wanted_id: str | None = None, resources: bool = False,
                definitions: bool = False) -> list[Event]:
    """Events filtered by exact name and/or id, each with ``resources`` and ``definitions`` when asked.

    One list request; the details need one GET per matching event (a few at a time).
    """
    events = list_events(client)
    if wanted_id is not None:
        events = [event for event in events if id_key(event_id(event)) == id_key(wanted_id)]
    if name is not None:
        events = [event for event in events if event_name(event) == name]
    flags = [(flag, None) for flag, wanted in (('resources', resources), ('definitions', definitions)) if wanted]
    if not flags or not events:
        return events
    return [detailed for _event, detailed in map_all(lambda event: _details(client, event, flags), events, workers=INFO_WORKERS)]


def read_events_job(module: t.Any) -> dict[str, t.Any]:
    """The job of user_defined_event_info."""
    params = module.params
    name = check_name(params['name'], 'name') if params['name'] is not None else None
    wanted_id = check_id(params['id'], 'id') if params['id'] is not None else None
    events = read_events(module.client, name=name, wanted_id=wanted_id, resources=params['resources'],
                         definitions=params['definitions'])
    return dict(changed=False, events=events)
