# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired state of user-defined events, shared by user_defined_event, user_defined_events and user_defined_event_info.

The work is split in three steps so that check mode and a real run cannot disagree:

1. *validate* the task's input (``check_name``, ``parse_entries``): nothing has been sent yet;
2. *plan* against one listing of ``/userDefinedEvents`` (``plan_one``, ``plan_set``): pure functions
   that raise ``EventConflictError`` for anything ambiguous or forbidden, still before any write;
3. *apply* the plan (``apply_plan``, ``apply_one``) with ``EventWriter``, or skip it in check mode.

``changed``, ``diff`` and the name lists are computed from the plan, so check mode reports exactly what
a real run does. Names are compared exactly (case, Unicode form and spaces count) because XProtect
stores them as given; ids are compared case-insensitively because the API lower-cases them.
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing as t
from urllib.parse import quote

from ._concurrency import map_bounded

EVENTS_PATH = 'userDefinedEvents'
USER_DEFINED = 'userdefined'
#: The built-in events every XProtect system has (subtype System). Protected by id as well as by subtype,
#: in case a server omits the subtype.
SYSTEM_EVENT_IDS = frozenset((
    '85867627-b287-4439-9e55-a63701e1715b',  # RequestStartRecording
    '77b1e70d-ba8d-4bb8-9ee8-43b09746d82a',  # RequestStopRecording
    '7605f8b0-7f5f-4432-b223-0bb2dc3f1f5c',  # RequestPlayAudio
))
ENTRY_KEYS = ('name', 'previous_name', 'id')
GUID_RE = re.compile(r'^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')
#: Fields of a create's ``result`` that report the operation, not the event (generic OAS create example).
CREATE_STATUS_FIELDS = ('state', 'path')
#: Per-event GETs of the info module are read-only, so a few may run at once.
INFO_WORKERS = 4

Event = t.Dict[str, t.Any]


class EventError(ValueError):
    """A problem found before any write: the message says what is wrong and how to fix it."""


class EventInputError(EventError):
    """The task's input cannot work; raised before any request is sent."""


class EventConflictError(EventError):
    """The input does not fit the server's events (ambiguous name, System event, unknown id)."""


# -- names, ids and event objects -----------------------------------------------------------------------

def show(name: str) -> str:
    """A name in double quotes, so leading or trailing spaces stay visible in messages."""
    return json.dumps(name, ensure_ascii=False)


def id_key(value: t.Any) -> str:
    """Ids compare case-insensitively: the API answers lower-case GUIDs, users may paste upper-case ones."""
    return str(value).lower()


def event_id(event: Event) -> str:
    """The event's id (from ``id`` or, failing that, ``relations.self.id``)."""
    value = event.get('id') or ((event.get('relations') or {}).get('self') or {}).get('id') or ''
    return str(value)


def event_name(event: Event) -> str:
    return str(event.get('name', ''))


def is_protected(event: Event) -> bool:
    """True for events XProtect does not let anyone rename or delete: every subtype but UserDefined."""
    subtype = str(event.get('subtype') or 'UserDefined').lower()
    return subtype != USER_DEFINED or id_key(event_id(event)) in SYSTEM_EVENT_IDS


def describe(event: Event) -> str:
    return f'{show(event_name(event))} (id {event_id(event)})'


def protected_message(event: Event, verb: str) -> str:
    subtype = event.get('subtype') or 'System'
    return (f'The event {describe(event)} is a built-in {subtype} event; XProtect does not allow to {verb} it. '
            'Leave it out of this task.')


def ambiguous_message(name: str, holders: t.Sequence[Event]) -> str:
    ids = ', '.join(sorted(event_id(event) for event in holders))
    return (f'{len(holders)} events are named {show(name)} (ids {ids}); the module does not guess which one is meant. '
            'Give id to address one of them, or remove the extra ones (milestone.xprotect.user_defined_events with '
            'purge=true keeps the oldest).')


def check_name(value: t.Any, where: str) -> str:
    """Refuse names that cannot name an event (not text, empty, blank); anything else is kept exactly as given, never stripped."""
    if not isinstance(value, str):
        raise EventInputError(f'{where} must be a string, not {type(value).__name__} {value!r}; '
                              'quote names such as 2024, yes or 1.10 in YAML so they stay text.')
    if value == '':
        raise EventInputError(f'{where} is empty; an event needs a name with at least one visible character.')
    if not value.strip():
        raise EventInputError(f'{where} {show(value)} consists of whitespace only; an event needs a name with at least one '
                              'visible character.')
    return value


def check_id(value: t.Any, where: str) -> str:
    """An event id is a GUID; anything else is refused before a request (it could only match nothing)."""
    if not isinstance(value, str) or not GUID_RE.match(value.strip()):
        raise EventInputError(f'{where} must be the id of an existing event, a GUID such as '
                              f'0a1b2c3d-0000-4000-8000-00000000abcd, not {value!r}.')
    return value.strip()


def whitespace_warning(name: str) -> str | None:
    if name != name.strip():
        return (f'The event name {show(name)} has leading or trailing whitespace. It is kept exactly as given, so it '
                'differs from the name without it; remove the spaces if they are a typo.')
    return None


def near_miss_warnings(names: t.Iterable[str], existing: t.Iterable[Event]) -> list[str]:
    """Warn when a new name differs from an existing one only by case or surrounding spaces."""
    folded: dict[str, list[Event]] = {}
    for event in existing:
        folded.setdefault(event_name(event).strip().casefold(), []).append(event)
    warnings = []
    for name in names:
        similar = [event for event in folded.get(name.strip().casefold(), []) if event_name(event) != name]
        if similar:
            warnings.append(f'{show(name)} is created beside the existing event {describe(similar[0])}: names are compared '
                            'exactly (case and spaces count). To rename the existing event instead, give previous_name or id.')
    return warnings


def by_name(events: t.Iterable[Event]) -> dict[str, list[Event]]:
    index: dict[str, list[Event]] = {}
    for event in events:
        index.setdefault(event_name(event), []).append(event)
    return index


def by_id(events: t.Iterable[Event]) -> dict[str, Event]:
    return {id_key(event_id(event)): event for event in events}


def age_key(event: Event) -> tuple[str, str]:
    """Oldest first; ISO timestamps of one server sort as text. The id breaks ties deterministically."""
    return (str(event.get('createdDate') or ''), id_key(event_id(event)))


def renamed_copy(event: Event, name: str) -> Event:
    """What the server is expected to answer after a rename (used in check mode)."""
    predicted = dict(event)
    predicted['name'] = name
    if 'displayName' in predicted:
        predicted['displayName'] = name
    return predicted


def predicted_new(name: str) -> Event:
    """A new event as far as it is known before the server creates it (check mode): no id, no timestamps."""
    return {'name': name, 'displayName': name, 'subtype': 'UserDefined'}


def list_events(client: t.Any) -> list[Event]:
    """Every event of the server, System ones included (one request per 500 events)."""
    return client.list(EVENTS_PATH, action='list the user-defined events')


# -- writing ----------------------------------------------------------------------------------------

class EventWriter:
    """Creates, renames and deletes events; a create that failed ambiguously is repeated only if nothing was created."""

    def __init__(self, client: t.Any, existing: t.Iterable[Event]) -> None:
        self.client = client
        self.known_ids = {id_key(event_id(event)) for event in existing}

    def _find_new(self, name: str) -> Event | None:
        # Called only after an ambiguous POST failure: an event with this name that was not there before is ours.
        for event in list_events(self.client):
            if event_name(event) == name and id_key(event_id(event)) not in self.known_ids:
                return event
        return None

    def create(self, name: str) -> Event:
        result = self.client.create(EVENTS_PATH, {'name': name}, find_created=lambda: self._find_new(name),
                                    action=f'create the user-defined event {show(name)}')
        created = {key: value for key, value in result.items() if key not in CREATE_STATUS_FIELDS}
        self.known_ids.add(id_key(event_id(created)))
        return created

    def rename(self, event: Event, name: str) -> Event:
        # PUT rather than PATCH: name is the only writable field, so both mean the same, and PUT works on every
        # gateway version (PATCH examples appear only from 2024 R1 on).
        return self.client.update(f'{EVENTS_PATH}/{quote(event_id(event), safe="")}', {'name': name}, method='PUT',
                                  action=f'rename the user-defined event {describe(event)} to {show(name)}')

    def delete(self, event: Event) -> None:
        self.client.delete(f'{EVENTS_PATH}/{quote(event_id(event), safe="")}', action=f'delete the user-defined event {describe(event)}')


def stored_name_warning(asked: str, stored: Event) -> str | None:
    """A server that changes names (trims them, say) would make every later run create the event again."""
    if 'name' in stored and event_name(stored) != asked:
        return (f'The server stored the event {show(asked)} as {show(event_name(stored))}. Use the stored name in the task, '
                'otherwise the next run will not find the event and create it again.')
    return None


# -- one event ----------------------------------------------------------------------------------------

@dataclasses.dataclass
class OnePlan:
    """What user_defined_event does: ``action`` is none, create, rename or delete."""

    action: str
    event: Event
    #: The name to create or rename to ('' for none and delete).
    name: str = ''
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.action != 'none'


def _find_by_id(existing: list[Event], wanted: str) -> Event | None:
    return by_id(existing).get(id_key(wanted))


def _plan_one_present(existing: list[Event], name: str | None, wanted_id: str | None) -> OnePlan:
    names = by_name(existing)
    if wanted_id is not None:
        event = _find_by_id(existing, wanted_id)
        if event is None:
            raise EventConflictError(f'No event has the id {wanted_id}. An id cannot be chosen for a new event: leave id out '
                                     'to create the event by name.')
        if name is None or event_name(event) == name:
            return OnePlan('none', event)
        if is_protected(event):
            raise EventConflictError(protected_message(event, 'rename'))
        others = [other for other in names.get(name, []) if other is not event]
        if others:
            raise EventConflictError(f'Cannot rename {describe(event)} to {show(name)}: the event(s) '
                                     f'{", ".join(describe(other) for other in others)} already have that name, and two events '
                                     'with one name cannot be told apart. Delete or rename the other event first.')
        return OnePlan('rename', event, name, [w for w in (whitespace_warning(name),) if w])
    if name is None:
        raise EventInputError('one of name or id is required.')
    holders = names.get(name, [])
    if len(holders) > 1:
        raise EventConflictError(ambiguous_message(name, holders))
    if holders:
        return OnePlan('none', holders[0])
    warnings = [w for w in (whitespace_warning(name),) if w] + near_miss_warnings([name], existing)
    return OnePlan('create', predicted_new(name), name, warnings)


def _plan_one_absent(existing: list[Event], name: str | None, wanted_id: str | None) -> OnePlan:
    if wanted_id is not None:
        event = _find_by_id(existing, wanted_id)
        if event is None:
            return OnePlan('none', {})
        if name is not None and event_name(event) != name:
            raise EventConflictError(f'The event with id {event_id(event)} is named {show(event_name(event))}, not {show(name)}; '
                                     'nothing was deleted. Give the right name, or leave name out to delete by id alone.')
    elif name is None:
        raise EventInputError('one of name or id is required.')
    else:
        holders = by_name(existing).get(name, [])
        if len(holders) > 1:
            raise EventConflictError(ambiguous_message(name, holders))
        if not holders:
            return OnePlan('none', {})
        event = holders[0]
    if is_protected(event):
        raise EventConflictError(protected_message(event, 'delete'))
    return OnePlan('delete', event)


def plan_one(existing: list[Event], *, name: str | None, wanted_id: str | None, state: str) -> OnePlan:
    """The single write (or none) that brings one event to ``state``; raises EventConflictError instead of guessing."""
    if state == 'present':
        return _plan_one_present(existing, name, wanted_id)
    return _plan_one_absent(existing, name, wanted_id)


def apply_one(writer: EventWriter, plan: OnePlan) -> Event:
    """Carry out ``plan``; returns the event as the server answered (the deleted event for a delete)."""
    if plan.action == 'create':
        created = writer.create(plan.name)
        plan.warnings.extend(w for w in (stored_name_warning(plan.name, created),) if w)
        return created
    if plan.action == 'rename':
        return writer.rename(plan.event, plan.name)
    if plan.action == 'delete':
        writer.delete(plan.event)
    return plan.event


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
        return {'before': view(plan.event), 'after': {}}
    if plan.action == 'rename':
        return {'before': view(plan.event), 'after': view(plan.event, plan.name)}
    same = view(plan.event) if plan.event else {}
    return {'before': same, 'after': same}


# -- a set of events ------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Entry:
    """One item of user_defined_events' ``events``."""

    name: str
    previous_name: str | None = None
    event_id: str | None = None
    where: str = ''


def _parse_entry(raw: t.Any, where: str, state: str) -> Entry:
    if not isinstance(raw, dict):
        return Entry(check_name(raw, where), where=where)
    unknown = sorted(str(key) for key in raw if key not in ENTRY_KEYS)
    if unknown:
        raise EventInputError(f'{where} has unknown key(s) {", ".join(unknown)}; an item is a name or a dict with name and '
                              'optionally previous_name or id.')
    if 'name' not in raw:
        raise EventInputError(f'{where} has no name; an item is a name or a dict with name and optionally previous_name or id.')
    name = check_name(raw['name'], f'{where}.name')
    previous = raw.get('previous_name')
    wanted_id = raw.get('id')
    if previous is not None and wanted_id is not None:
        raise EventInputError(f'{where} gives both previous_name and id; give one: id addresses the event directly.')
    if state == 'absent' and (previous is not None or wanted_id is not None):
        raise EventInputError(f'{where}: previous_name and id are for renames and only work with state=present.')
    if previous is not None:
        previous = check_name(previous, f'{where}.previous_name')
        if previous == name:
            raise EventInputError(f'{where}: previous_name is the same as name ({show(name)}); leave previous_name out.')
    if wanted_id is not None:
        wanted_id = check_id(wanted_id, f'{where}.id')
    return Entry(name, previous, wanted_id, where)


def _repeated(values: t.Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def parse_entries(raw_entries: t.Sequence[t.Any], state: str, purge: bool = False) -> list[Entry]:
    """Validate ``events`` (and purge) completely before anything is sent."""
    if purge and state != 'present':
        raise EventInputError('purge=true only works with state=present (it deletes every user-defined event not listed).')
    entries = [_parse_entry(raw, f'events[{index}]', state) for index, raw in enumerate(raw_entries)]
    names = _repeated(entry.name for entry in entries)
    if names:
        raise EventInputError(f'events lists {", ".join(show(name) for name in names)} more than once; list every name once.')
    previous = _repeated(entry.previous_name for entry in entries if entry.previous_name is not None)
    if previous:
        raise EventInputError(f'previous_name {", ".join(show(name) for name in previous)} is given for more than one event; '
                              'one event can only become one name.')
    ids = _repeated(id_key(entry.event_id) for entry in entries if entry.event_id is not None)
    if ids:
        raise EventInputError(f'the id(s) {", ".join(ids)} are given for more than one event; one event can only have one name.')
    listed = {entry.name for entry in entries}
    for entry in entries:
        if entry.previous_name in listed:
            raise EventInputError(f'{entry.where}: previous_name {show(entry.previous_name or "")} is also listed as an event '
                                  'to keep; an event cannot be renamed away and kept. Remove one of the two.')
    return entries


@dataclasses.dataclass
class Rename:
    event: Event
    name: str


@dataclasses.dataclass
class SetPlan:
    """What user_defined_events does, in the order it is done: renames, creates, then deletes."""

    state: str
    existing: list[Event]
    entries: list[Entry]
    renames: list[Rename] = dataclasses.field(default_factory=list)
    creates: list[str] = dataclasses.field(default_factory=list)
    deletes: list[Event] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    duplicates: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.renames or self.creates or self.deletes)


def _final_names(existing: list[Event], renames: list[Rename]) -> dict[str, list[Event]]:
    """Events by the name they will have once ``renames`` are done."""
    target = {id_key(event_id(rename.event)): rename.name for rename in renames}
    index: dict[str, list[Event]] = {}
    for event in existing:
        index.setdefault(target.get(id_key(event_id(event)), event_name(event)), []).append(event)
    return index


def _plan_id_entries(plan: SetPlan, claimed: dict[str, Event]) -> None:
    """Entries with id: that event must carry the name (renamed if needed)."""
    events = by_id(plan.existing)
    for entry in plan.entries:
        if entry.event_id is None:
            continue
        event = events.get(id_key(entry.event_id))
        if event is None:
            raise EventConflictError(f'{entry.where}: no event has the id {entry.event_id}. An id cannot be chosen for a new '
                                     'event: leave id out to create the event by name.')
        claimed[entry.name] = event
        if event_name(event) != entry.name:
            if is_protected(event):
                raise EventConflictError(f'{entry.where}: ' + protected_message(event, 'rename'))
            plan.renames.append(Rename(event, entry.name))


def _plan_name_entries(plan: SetPlan, claimed: dict[str, Event]) -> None:
    """Entries without id: keep an event of that name, else rename previous_name, else create."""
    final = _final_names(plan.existing, plan.renames)
    for entry in plan.entries:
        if entry.event_id is not None:
            continue
        if final.get(entry.name):
            if entry.previous_name is not None and final.get(entry.previous_name):
                plan.warnings.append(f'{entry.where}: both {show(entry.name)} and its previous_name {show(entry.previous_name)} '
                                     f'exist, so nothing was renamed; {show(entry.previous_name)} stays unless purge removes it.')
            continue
        holders = final.get(entry.previous_name, []) if entry.previous_name is not None else []
        if len(holders) > 1:
            raise EventConflictError(f'{entry.where}: cannot rename to {show(entry.name)}: ' + ambiguous_message(entry.previous_name or '', holders))
        if holders:
            if is_protected(holders[0]):
                raise EventConflictError(f'{entry.where}: ' + protected_message(holders[0], 'rename'))
            plan.renames.append(Rename(holders[0], entry.name))
            claimed[entry.name] = holders[0]
            # Keep the index current: the old name is free from now on, the new one is taken.
            final[entry.name] = final.pop(entry.previous_name or '')
        else:
            plan.creates.append(entry.name)


def _check_rename_targets(plan: SetPlan) -> None:
    """A rename must not give an event a name another event keeps: the two could not be told apart."""
    final = _final_names(plan.existing, plan.renames)
    for rename in plan.renames:
        others = [event for event in final.get(rename.name, []) if event is not rename.event]
        if others:
            raise EventConflictError(f'Cannot rename {describe(rename.event)} to {show(rename.name)}: '
                                     f'{", ".join(describe(other) for other in others)} will still have that name. '
                                     'Rename or remove the other event too, or choose another name.')


def _order_renames(renames: list[Rename]) -> list[Rename]:
    """Renames that free a name go before renames that take it (servers with unique names refuse the other order).

    A cycle (two events swapping names) keeps the given order; only a server with unique names refuses it.
    """
    pending = list(renames)
    ordered: list[Rename] = []
    while pending:
        held = {event_name(rename.event) for rename in pending}
        ready = [rename for rename in pending if rename.name not in held]
        if not ready:
            ordered.extend(pending)
            break
        ordered.extend(ready)
        done = {id(rename) for rename in ready}
        pending = [rename for rename in pending if id(rename) not in done]
    return ordered


def _keeper(holders: list[Event], claimed: Event | None) -> Event:
    """Which of several events with one listed name purge keeps: a System one, the one given by id, else the oldest."""
    protected = [event for event in holders if is_protected(event)]
    if protected:
        return protected[0]
    if claimed is not None and any(event is claimed for event in holders):
        return claimed
    return min(holders, key=age_key)


def _plan_duplicates_and_purge(plan: SetPlan, purge: bool, claimed: dict[str, Event]) -> None:
    listed = {entry.name for entry in plan.entries}
    shared: dict[str, list[Event]] = {}
    for name, holders in _final_names(plan.existing, plan.renames).items():
        if name not in listed:
            if purge:
                plan.deletes.extend(event for event in holders if not is_protected(event))
        elif len(holders) > 1:
            shared[name] = holders
            if purge:
                keeper = _keeper(holders, claimed.get(name))
                plan.deletes.extend(event for event in holders if event is not keeper and not is_protected(event))
    if shared and not purge:
        listing = '; '.join(f'{show(name)} (ids {", ".join(sorted(event_id(event) for event in holders))})'
                            for name, holders in sorted(shared.items()))
        plan.warnings.append(f'{len(shared)} listed name(s) are held by more than one event: {listing}. They were left alone; '
                             'purge=true keeps one of each (a System event, else the one given by id, else the oldest) and deletes the others.')


def _plan_present(plan: SetPlan, purge: bool) -> None:
    claimed: dict[str, Event] = {}
    _plan_id_entries(plan, claimed)
    _plan_name_entries(plan, claimed)
    _check_rename_targets(plan)
    plan.renames = _order_renames(plan.renames)
    _plan_duplicates_and_purge(plan, purge, claimed)
    written = {rename.name for rename in plan.renames} | set(plan.creates)
    plan.unchanged = [entry.name for entry in plan.entries if entry.name not in written]
    for name in [rename.name for rename in plan.renames] + plan.creates:
        plan.warnings.extend(w for w in (whitespace_warning(name),) if w)
    plan.warnings.extend(near_miss_warnings(plan.creates, plan.existing))


def _plan_absent(plan: SetPlan) -> None:
    names = by_name(plan.existing)
    for entry in plan.entries:
        holders = names.get(entry.name, [])
        protected = [event for event in holders if is_protected(event)]
        if protected:
            raise EventConflictError(f'{entry.where}: ' + protected_message(protected[0], 'delete'))
        if holders:
            # absent means no event may keep the name, so every holder goes, duplicates included.
            plan.deletes.extend(holders)
        else:
            plan.unchanged.append(entry.name)


def plan_set(existing: list[Event], entries: list[Entry], *, state: str, purge: bool) -> SetPlan:
    """The writes that bring the server's events to the declared set; raises EventConflictError before any write."""
    plan = SetPlan(state=state, existing=list(existing), entries=list(entries))
    plan.duplicates = {name: sorted(event_id(event) for event in holders)
                       for name, holders in by_name(existing).items() if len(holders) > 1}
    if state == 'present':
        _plan_present(plan, purge)
    else:
        _plan_absent(plan)
    plan.deletes.sort(key=lambda event: (event_name(event), age_key(event)))
    return plan


@dataclasses.dataclass
class Progress:
    """The writes done so far: reported even when a later write fails."""

    renamed: list[tuple[Rename, Event]] = dataclasses.field(default_factory=list)
    created: list[Event] = dataclasses.field(default_factory=list)
    deleted: list[Event] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def writes(self) -> int:
        return len(self.renamed) + len(self.created) + len(self.deleted)


def apply_plan(writer: EventWriter, plan: SetPlan, progress: Progress) -> None:
    """Do the writes one after another, stopping at the first failure (which propagates).

    Sequential on purpose: at most one write is in doubt when something fails, the order that lets
    renames free names for each other is kept, and non-destructive writes (renames, creates) are done
    before any delete. A converged run sends no write at all, so only first runs pay for it.
    """
    for rename in plan.renames:
        progress.renamed.append((rename, writer.rename(rename.event, rename.name)))
    for name in plan.creates:
        created = writer.create(name)
        progress.created.append(created)
        progress.warnings.extend(w for w in (stored_name_warning(name, created),) if w)
    for event in plan.deletes:
        writer.delete(event)
        progress.deleted.append(event)


def user_defined_names(events: t.Iterable[Event]) -> list[str]:
    return sorted(event_name(event) for event in events if not is_protected(event))


def set_diff(plan: SetPlan) -> dict[str, str]:
    """The sorted names of the user-defined events before and after, one per line (Ansible shows a unified diff)."""
    deleted = {id(event) for event in plan.deletes}
    renamed = {id(rename.event): rename.name for rename in plan.renames}
    after = [renamed.get(id(event), event_name(event)) for event in plan.existing if id(event) not in deleted and not is_protected(event)]
    after.extend(plan.creates)

    def text(names: t.Iterable[str]) -> str:
        return ''.join(name + '\n' for name in sorted(names))

    return {'before': text(user_defined_names(plan.existing)), 'after': text(after),
            'before_header': 'user-defined events before', 'after_header': 'user-defined events after'}


def _events_after(plan: SetPlan, progress: Progress | None) -> list[Event]:
    """Every event holding a listed name after the run (predicted in check mode), in the order of ``events``."""
    if plan.state != 'present':
        return []
    gone = {id(event) for event in plan.deletes}
    if progress is not None:
        replaced = {id(rename.event): answer for rename, answer in progress.renamed}
        new = list(progress.created)
    else:
        replaced = {id(rename.event): renamed_copy(rename.event, rename.name) for rename in plan.renames}
        new = [predicted_new(name) for name in plan.creates]
    current = [replaced.get(id(event), event) for event in plan.existing if id(event) not in gone] + new
    names = by_name(current)
    return [event for entry in plan.entries for event in names.get(entry.name, [])]


def _renamed_view(renames: t.Iterable[Rename]) -> list[dict[str, str]]:
    return [{'id': event_id(rename.event), 'previous_name': event_name(rename.event), 'name': rename.name} for rename in renames]


def set_result(plan: SetPlan, progress: Progress | None) -> dict[str, t.Any]:
    """The result of a complete run; ``progress`` is None in check mode (the plan is reported as if done)."""
    return {
        'changed': plan.changed,
        'created': sorted(plan.creates),
        'renamed': _renamed_view(plan.renames),
        'deleted': sorted(event_name(event) for event in plan.deletes),
        'unchanged': sorted(plan.unchanged),
        'duplicates': plan.duplicates,
        'events': _events_after(plan, progress),
        'diff': set_diff(plan),
    }


def partial_result(plan: SetPlan, progress: Progress) -> dict[str, t.Any]:
    """What a run that failed half-way did (only the writes that succeeded) and what it did not get to."""
    done_renames = {id(rename.event) for rename, _answer in progress.renamed}
    done_creates = {event_name(event) for event in progress.created}
    done_deletes = {id(event) for event in progress.deleted}
    return {
        'changed': progress.writes > 0,
        'created': sorted(event_name(event) for event in progress.created),
        'renamed': _renamed_view(rename for rename, _answer in progress.renamed),
        'deleted': sorted(event_name(event) for event in progress.deleted),
        'unchanged': sorted(plan.unchanged),
        'duplicates': plan.duplicates,
        'not_done': {
            'create': [name for name in plan.creates if name not in done_creates],
            'rename': _renamed_view(rename for rename in plan.renames if id(rename.event) not in done_renames),
            'delete': sorted(event_name(event) for event in plan.deletes if id(event) not in done_deletes),
        },
    }


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
    outcomes = map_bounded(lambda event: _details(client, event, flags), events, workers=INFO_WORKERS)
    for outcome in outcomes:
        if outcome.error is not None:
            raise outcome.error
    return [t.cast(Event, outcome.value) for outcome in outcomes]
