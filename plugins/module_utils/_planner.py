# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planner of named resources: one object or a declared set, planned before any write, applied after.

A module works in three steps, so that check mode and a real run cannot disagree:

1. *validate* the input (``Kind.check_name``, ``parse_entries``): nothing has been sent yet;
2. *plan* against one listing of the type (``plan_one``, ``plan_set``): pure functions that raise
   ``ConflictError`` for anything ambiguous or forbidden, still before any write;
3. *apply* the plan (``apply_one``, ``apply_set``) with a ``Writer``, or, in check mode, report it as if done.

Identity is by exact name (case, Unicode form and spaces count, because XProtect stores names as given;
disabled objects included) or by id (compared case-insensitively). A name that several objects share is
never guessed. Built-in objects (``Kind.builtin``) are never renamed or deleted. Only the fields the user
gave are compared, after normalisation, so a re-run is quiet.

Writes of a set go in this order: renames one after another (so that names are freed before they are
taken), then the other updates and the creates with bounded concurrency, then the deletes, concurrently too,
once everything else succeeded. The first failure stops new writes; the writes done so far are in the
``Progress``, and a re-run completes the rest.
"""

from __future__ import annotations

import dataclasses
import threading
import typing as t
from urllib.parse import quote

from ._concurrency import map_bounded
from ._errors import ConflictError, InputError, XProtectError
from ._ids import EXAMPLE_GUID, id_key, is_id, object_id, show

Obj = t.Dict[str, t.Any]
#: Writes at once where their order does not matter.
WRITE_CONCURRENCY = 16
#: Fields the server sets, never compared.
SERVER_FIELDS = frozenset(('id', 'displayName', 'lastModified', 'createdDate', 'relations'))
#: Fields of a create's ``result`` that report the operation, not the object (generic OAS create example).
CREATE_STATUS_FIELDS = ('state', 'path')


def normalize(value: t.Any) -> t.Any:
    """A value in the form used for comparison: numbers the server answers as strings, GUID case, booleans."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if is_id(text):
            return text.lower()
        lowered = text.lower()
        if lowered in ('true', 'false'):
            return lowered == 'true'
        try:
            return float(text)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items() if key not in ('displayName',)}
    if isinstance(value, (list, tuple)):
        return [normalize(item) for item in value]
    return value


@dataclasses.dataclass(frozen=True)
class Kind:  # pylint: disable=too-many-instance-attributes
    """What the planner needs to know about a resource type (from the type table plus curated rules)."""

    #: The type as the API spells it in paths.
    type: str
    #: How messages name one object and several ('event', 'events').
    label: str
    plural: str
    #: The collection's path (``userDefinedEvents``; ``cameras/<id>/ptzPresets`` for a child collection).
    collection: str
    #: How actions name the type ('user-defined event'); the label by default.
    long_label: str = ''
    identity: str = 'name'
    #: Why an object is built in (never renamed, deleted or purged), or None.
    builtin: t.Callable[[Obj], str | None] = dataclasses.field(default=lambda obj: None, compare=False)
    update_method: str = 'PATCH'
    #: Write-only fields: never compared, never shown; sent on create, and on update only with update_secrets=always.
    secrets: frozenset = frozenset()
    #: A comparison of its own (references in any format, say): (object, properties, update_secrets) -> changed fields.
    compare: t.Optional[t.Callable[[Obj, t.Mapping[str, t.Any], str], t.Dict[str, t.Any]]] = dataclasses.field(default=None, compare=False)
    #: What to say after an ambiguity error (how to get rid of the duplicates).
    ambiguity_advice: str = 'Give id to address one of them, or remove the extra ones (purge=true keeps the oldest).'

    def __post_init__(self) -> None:
        if not self.long_label:
            object.__setattr__(self, 'long_label', self.label)

    def name_of(self, obj: Obj) -> str:
        return str(obj.get(self.identity, ''))

    @staticmethod
    def id_of(obj: Obj) -> str:
        return object_id(obj)

    def item_path(self, obj: Obj) -> str:
        return f'{self.collection}/{quote(object_id(obj), safe="")}'

    def describe(self, obj: Obj) -> str:
        return f'{show(self.name_of(obj))} (id {object_id(obj)})'

    def builtin_message(self, obj: Obj, verb: str) -> str:
        what = self.builtin(obj) or f'built-in {self.label}'
        return f'The {self.label} {self.describe(obj)} is a {what}; XProtect does not allow to {verb} it. Leave it out of this task.'

    def ambiguous_message(self, name: str, holders: t.Sequence[Obj]) -> str:
        ids = ', '.join(sorted(object_id(obj) for obj in holders))
        return (f'{len(holders)} {self.plural} are named {show(name)} (ids {ids}); the module does not guess which one is meant. '
                + self.ambiguity_advice)

    # -- input ----------------------------------------------------------------------------------------

    def check_name(self, value: t.Any, where: str) -> str:
        """Refuse names that cannot name an object (not text, empty, blank); anything else is kept exactly, never stripped."""
        if not isinstance(value, str):
            raise InputError(f'{where} must be a string, not {type(value).__name__} {value!r}; '
                             'quote names such as 2024, yes or 1.10 in YAML so they stay text.')
        article = 'an' if self.label[:1] in 'aeiou' else 'a'
        if value == '':
            raise InputError(f'{where} is empty; {article} {self.label} needs a name with at least one visible character.')
        if not value.strip():
            raise InputError(f'{where} {show(value)} consists of whitespace only; {article} {self.label} needs a name with at least one '
                             'visible character.')
        return value

    def check_id(self, value: t.Any, where: str) -> str:
        """An id is a GUID; anything else is refused before a request (it could only match nothing)."""
        if not is_id(value):
            article = 'an'
            raise InputError(f'{where} must be the id of {article} existing {self.label}, a GUID such as {EXAMPLE_GUID}, not {value!r}.')
        return str(value).strip()

    # -- predictions (check mode) -----------------------------------------------------------------------

    def predicted_new(self, name: str, properties: t.Mapping[str, t.Any], extra: t.Mapping[str, t.Any] | None = None) -> Obj:
        """A new object as far as it is known before the server creates it: no id, no timestamps, no secrets."""
        predicted = {key: value for key, value in properties.items() if key not in self.secrets}
        predicted[self.identity] = name
        predicted['displayName'] = name
        predicted.update(extra or {})
        return predicted

    def updated_copy(self, obj: Obj, changes: t.Mapping[str, t.Any]) -> Obj:
        """What the server is expected to answer after an update (used in check mode)."""
        predicted = dict(obj)
        predicted.update({key: value for key, value in changes.items() if key not in self.secrets})
        if self.identity in changes and 'displayName' in predicted:
            predicted['displayName'] = changes[self.identity]
        return predicted


def index_by_name(kind: Kind, objects: t.Iterable[Obj]) -> dict[str, list[Obj]]:
    index: dict[str, list[Obj]] = {}
    for obj in objects:
        index.setdefault(kind.name_of(obj), []).append(obj)
    return index


def index_by_id(objects: t.Iterable[Obj]) -> dict[str, Obj]:
    return {id_key(object_id(obj)): obj for obj in objects}


def age_key(obj: Obj) -> tuple[str, str]:
    """Oldest first; ISO timestamps of one server sort as text. The id breaks ties deterministically."""
    return (str(obj.get('createdDate') or ''), id_key(object_id(obj)))


def whitespace_warning(kind: Kind, name: str) -> str | None:
    if name != name.strip():
        return (f'The {kind.label} name {show(name)} has leading or trailing whitespace. It is kept exactly as given, so it '
                'differs from the name without it; remove the spaces if they are a typo.')
    return None


def near_miss_warnings(kind: Kind, names: t.Iterable[str], existing: t.Iterable[Obj]) -> list[str]:
    """Warn when a new name differs from an existing one only by case or surrounding spaces."""
    folded: dict[str, list[Obj]] = {}
    for obj in existing:
        folded.setdefault(kind.name_of(obj).strip().casefold(), []).append(obj)
    warnings = []
    for name in names:
        similar = [obj for obj in folded.get(name.strip().casefold(), []) if kind.name_of(obj) != name]
        if similar:
            warnings.append(f'{show(name)} is created beside the existing {kind.label} {kind.describe(similar[0])}: names are compared '
                            'exactly (case and spaces count). To rename the existing one instead, give previous_name or id.')
    return warnings


def field_changes(kind: Kind, obj: Obj, properties: t.Mapping[str, t.Any], *, update_secrets: str = 'on_create') -> dict[str, t.Any]:
    """The given fields whose value differs from the object's after normalisation (secrets: only with update_secrets=always)."""
    if kind.compare is not None:
        return kind.compare(obj, properties, update_secrets)
    changes = {}
    for field, wanted in properties.items():
        if field in SERVER_FIELDS:
            continue
        if field in kind.secrets:
            if update_secrets == 'always':
                changes[field] = wanted
            continue
        if normalize(obj.get(field)) != normalize(wanted):
            changes[field] = wanted
    return changes


# -- the plan -----------------------------------------------------------------------------------------

@dataclasses.dataclass
class Update:
    """Fields to write on an existing object; a rename is an update of the identity field."""

    obj: Obj
    changes: dict[str, t.Any]


@dataclasses.dataclass
class Create:
    name: str
    properties: dict[str, t.Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One declared object: its name, optionally the name it had or its id, and the fields to hold."""

    name: str
    previous_name: str | None = None
    object_id: str | None = None
    properties: t.Mapping[str, t.Any] = dataclasses.field(default_factory=dict)
    where: str = ''


@dataclasses.dataclass
class OnePlan:
    """What a one-object module does: ``action`` is none, create, rename, update or delete."""

    action: str
    obj: Obj
    #: The name to create or rename to ('' for none and delete).
    name: str = ''
    changes: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    properties: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.action != 'none'


@dataclasses.dataclass
class SetPlan:  # pylint: disable=too-many-instance-attributes
    """What a set module does, in the order it is done: renames, other updates and creates, then deletes."""

    kind: Kind
    state: str
    existing: list[Obj]
    entries: list[Entry]
    updates: list[Update] = dataclasses.field(default_factory=list)
    creates: list[Create] = dataclasses.field(default_factory=list)
    deletes: list[Obj] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    duplicates: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    warnings: list[str] = dataclasses.field(default_factory=list)
    #: The update of each object (by ``id()``), so that a plan of thousands finds it at once.
    update_index: dict[int, Update] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    @property
    def changed(self) -> bool:
        return bool(self.updates or self.creates or self.deletes)

    @property
    def renames(self) -> list[Update]:
        return [update for update in self.updates if self.kind.identity in update.changes]

    @property
    def field_updates(self) -> list[Update]:
        return [update for update in self.updates if self.kind.identity not in update.changes]

    def new_name(self, update: Update) -> str:
        return str(update.changes.get(self.kind.identity, self.kind.name_of(update.obj)))


# -- one object -----------------------------------------------------------------------------------------

def _plan_one_present(kind: Kind, existing: list[Obj], name: str | None, wanted_id: str | None,
                      properties: dict[str, t.Any], update_secrets: str) -> OnePlan:
    names = index_by_name(kind, existing)
    if wanted_id is not None:
        obj = index_by_id(existing).get(id_key(wanted_id))
        if obj is None:
            raise ConflictError(f'No {kind.label} has the id {wanted_id}. An id cannot be chosen for a new {kind.label}: leave id out '
                                f'to create the {kind.label} by name.')
        changes = field_changes(kind, obj, properties, update_secrets=update_secrets)
        if name is not None and kind.name_of(obj) != name:
            if kind.builtin(obj):
                raise ConflictError(kind.builtin_message(obj, 'rename'))
            others = [other for other in names.get(name, []) if other is not obj]
            if others:
                raise ConflictError(f'Cannot rename {kind.describe(obj)} to {show(name)}: the {kind.label}(s) '
                                    f'{", ".join(kind.describe(other) for other in others)} already have that name, and two {kind.plural} '
                                    f'with one name cannot be told apart. Delete or rename the other {kind.label} first.')
            changes[kind.identity] = name
            return OnePlan('rename', obj, name, changes, warnings=[w for w in (whitespace_warning(kind, name),) if w])
        if changes:
            return OnePlan('update', obj, kind.name_of(obj), changes)
        return OnePlan('none', obj)
    if name is None:
        raise InputError('one of name or id is required.')
    holders = names.get(name, [])
    if len(holders) > 1:
        raise ConflictError(kind.ambiguous_message(name, holders))
    if holders:
        changes = field_changes(kind, holders[0], properties, update_secrets=update_secrets)
        return OnePlan('update', holders[0], name, changes) if changes else OnePlan('none', holders[0])
    warnings = [w for w in (whitespace_warning(kind, name),) if w] + near_miss_warnings(kind, [name], existing)
    return OnePlan('create', kind.predicted_new(name, properties), name, properties=dict(properties), warnings=warnings)


def _plan_one_absent(kind: Kind, existing: list[Obj], name: str | None, wanted_id: str | None) -> OnePlan:
    if wanted_id is not None:
        obj = index_by_id(existing).get(id_key(wanted_id))
        if obj is None:
            return OnePlan('none', {})
        if name is not None and kind.name_of(obj) != name:
            raise ConflictError(f'The {kind.label} with id {object_id(obj)} is named {show(kind.name_of(obj))}, not {show(name)}; '
                                'nothing was deleted. Give the right name, or leave name out to delete by id alone.')
    elif name is None:
        raise InputError('one of name or id is required.')
    else:
        holders = index_by_name(kind, existing).get(name, [])
        if len(holders) > 1:
            raise ConflictError(kind.ambiguous_message(name, holders))
        if not holders:
            return OnePlan('none', {})
        obj = holders[0]
    if kind.builtin(obj):
        raise ConflictError(kind.builtin_message(obj, 'delete'))
    return OnePlan('delete', obj)


def plan_one(kind: Kind, existing: list[Obj], *, name: str | None, wanted_id: str | None, state: str,
             properties: t.Mapping[str, t.Any] | None = None, update_secrets: str = 'on_create') -> OnePlan:
    """The single write (or none) that brings one object to ``state``; raises ConflictError instead of guessing."""
    if state == 'present':
        return _plan_one_present(kind, existing, name, wanted_id, dict(properties or {}), update_secrets)
    return _plan_one_absent(kind, existing, name, wanted_id)


# -- a set of objects -----------------------------------------------------------------------------------

ENTRY_KEYS = ('name', 'previous_name', 'id')


def _parse_entry(kind: Kind, raw: t.Any, where: str, state: str, extra_keys: t.Sequence[str]) -> Entry:
    if not isinstance(raw, dict):
        return Entry(kind.check_name(raw, where), where=where)
    keys = ENTRY_KEYS + tuple(extra_keys)
    unknown = sorted(str(key) for key in raw if key not in keys)
    described = 'name and optionally previous_name or id' + (', ' + ', '.join(extra_keys) if extra_keys else '')
    if unknown:
        raise InputError(f'{where} has unknown key(s) {", ".join(unknown)}; an item is a name or a dict with {described}.')
    if 'name' not in raw:
        raise InputError(f'{where} has no name; an item is a name or a dict with {described}.')
    name = kind.check_name(raw['name'], f'{where}.name')
    previous = raw.get('previous_name')
    wanted_id = raw.get('id')
    if previous is not None and wanted_id is not None:
        raise InputError(f'{where} gives both previous_name and id; give one: id addresses the {kind.label} directly.')
    if state == 'absent' and (previous is not None or wanted_id is not None):
        raise InputError(f'{where}: previous_name and id are for renames and only work with state=present.')
    if previous is not None:
        previous = kind.check_name(previous, f'{where}.previous_name')
        if previous == name:
            raise InputError(f'{where}: previous_name is the same as name ({show(name)}); leave previous_name out.')
    if wanted_id is not None:
        wanted_id = kind.check_id(wanted_id, f'{where}.id')
    properties = raw.get('properties') or {}
    if not isinstance(properties, dict):
        raise InputError(f'{where}.properties must be a dictionary of fields, not {type(properties).__name__}.')
    return Entry(name, previous, wanted_id, dict(properties), where)


def _repeated(values: t.Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def parse_entries(kind: Kind, raw_entries: t.Sequence[t.Any], state: str, purge: bool = False, *, option: str = 'items',
                  extra_keys: t.Sequence[str] = ()) -> list[Entry]:
    """Validate a declared set (and purge) completely before anything is sent."""
    if purge and state != 'present':
        raise InputError(f'purge=true only works with state=present (it deletes every {kind.long_label} not listed).')
    entries = [_parse_entry(kind, raw, f'{option}[{index}]', state, extra_keys) for index, raw in enumerate(raw_entries)]
    names = _repeated(entry.name for entry in entries)
    if names:
        raise InputError(f'{option} lists {", ".join(show(name) for name in names)} more than once; list every name once.')
    previous = _repeated(entry.previous_name for entry in entries if entry.previous_name is not None)
    if previous:
        raise InputError(f'previous_name {", ".join(show(name) for name in previous)} is given for more than one {kind.label}; '
                         f'one {kind.label} can only become one name.')
    ids = _repeated(id_key(entry.object_id) for entry in entries if entry.object_id is not None)
    if ids:
        raise InputError(f'the id(s) {", ".join(ids)} are given for more than one {kind.label}; one {kind.label} can only have one name.')
    listed = {entry.name for entry in entries}
    for entry in entries:
        if entry.previous_name in listed:
            article = 'an' if kind.label[:1] in 'aeiou' else 'a'
            raise InputError(f'{entry.where}: previous_name {show(entry.previous_name or "")} is also listed as {article} {kind.label} '
                             f'to keep; {article} {kind.label} cannot be renamed away and kept. Remove one of the two.')
    return entries


def _final_names(plan: SetPlan) -> dict[str, list[Obj]]:
    """Objects by the name they will have once the renames are done."""
    target = {id_key(object_id(update.obj)): plan.new_name(update) for update in plan.renames}
    index: dict[str, list[Obj]] = {}
    for obj in plan.existing:
        index.setdefault(target.get(id_key(object_id(obj)), plan.kind.name_of(obj)), []).append(obj)
    return index


def _add_changes(plan: SetPlan, obj: Obj, changes: dict[str, t.Any]) -> None:
    if not changes:
        return
    # one update per object: found through an index, since a plan may hold thousands of them
    index = plan.update_index
    update = index.get(id(obj))
    if update is None:
        update = index[id(obj)] = Update(obj, dict(changes))
        plan.updates.append(update)
    else:
        update.changes.update(changes)


def _plan_id_entries(plan: SetPlan, claimed: dict[str, Obj], update_secrets: str) -> None:
    """Entries with id: that object must carry the name (renamed if needed) and the fields."""
    kind = plan.kind
    objects = index_by_id(plan.existing)
    for entry in plan.entries:
        if entry.object_id is None:
            continue
        obj = objects.get(id_key(entry.object_id))
        if obj is None:
            raise ConflictError(f'{entry.where}: no {kind.label} has the id {entry.object_id}. An id cannot be chosen for a new '
                                f'{kind.label}: leave id out to create the {kind.label} by name.')
        claimed[entry.name] = obj
        changes = field_changes(kind, obj, entry.properties, update_secrets=update_secrets)
        if kind.name_of(obj) != entry.name:
            if kind.builtin(obj):
                raise ConflictError(f'{entry.where}: ' + kind.builtin_message(obj, 'rename'))
            changes[kind.identity] = entry.name
        _add_changes(plan, obj, changes)


def _plan_name_entries(plan: SetPlan, claimed: dict[str, Obj], update_secrets: str) -> None:
    """Entries without id: keep the object of that name, else rename previous_name, else create."""
    kind = plan.kind
    final = _final_names(plan)
    for entry in plan.entries:
        if entry.object_id is not None:
            continue
        holders = final.get(entry.name)
        if holders:
            if entry.previous_name is not None and final.get(entry.previous_name):
                plan.warnings.append(f'{entry.where}: both {show(entry.name)} and its previous_name {show(entry.previous_name)} '
                                     f'exist, so nothing was renamed; {show(entry.previous_name)} stays unless purge removes it.')
            if len(holders) == 1 and entry.properties:
                _add_changes(plan, holders[0], field_changes(kind, holders[0], entry.properties, update_secrets=update_secrets))
            continue
        previous = final.get(entry.previous_name, []) if entry.previous_name is not None else []
        if len(previous) > 1:
            raise ConflictError(f'{entry.where}: cannot rename to {show(entry.name)}: ' + kind.ambiguous_message(entry.previous_name or '', previous))
        if previous:
            obj = previous[0]
            if kind.builtin(obj):
                raise ConflictError(f'{entry.where}: ' + kind.builtin_message(obj, 'rename'))
            changes = field_changes(kind, obj, entry.properties, update_secrets=update_secrets)
            changes[kind.identity] = entry.name
            _add_changes(plan, obj, changes)
            claimed[entry.name] = obj
            # Keep the index current: the old name is free from now on, the new one is taken.
            final[entry.name] = final.pop(entry.previous_name or '')
        else:
            plan.creates.append(Create(entry.name, dict(entry.properties)))


def _check_rename_targets(plan: SetPlan) -> None:
    """A rename must not give an object a name another object keeps: the two could not be told apart."""
    kind = plan.kind
    final = _final_names(plan)
    for update in plan.renames:
        name = plan.new_name(update)
        others = [obj for obj in final.get(name, []) if obj is not update.obj]
        if others:
            raise ConflictError(f'Cannot rename {kind.describe(update.obj)} to {show(name)}: '
                                f'{", ".join(kind.describe(other) for other in others)} will still have that name. '
                                f'Rename or remove the other {kind.label} too, or choose another name.')


def _order_renames(plan: SetPlan) -> None:
    """Renames that free a name go before renames that take it (servers with unique names refuse the other order).

    A cycle (two objects swapping names) keeps the given order; only a server with unique names refuses it.
    """
    pending = plan.renames
    ordered: list[Update] = []
    while pending:
        held = {plan.kind.name_of(update.obj) for update in pending}
        ready = [update for update in pending if plan.new_name(update) not in held]
        if not ready:
            ordered.extend(pending)
            break
        ordered.extend(ready)
        done = {id(update) for update in ready}
        pending = [update for update in pending if id(update) not in done]
    plan.updates = ordered + plan.field_updates


def _keeper(kind: Kind, holders: list[Obj], claimed: Obj | None) -> Obj:
    """Which of several objects with one listed name purge keeps: a built-in one, the one given by id, else the oldest."""
    builtin = [obj for obj in holders if kind.builtin(obj)]
    if builtin:
        return builtin[0]
    if claimed is not None and any(obj is claimed for obj in holders):
        return claimed
    return min(holders, key=age_key)


def _plan_duplicates_and_purge(plan: SetPlan, purge: bool, claimed: dict[str, Obj]) -> None:
    kind = plan.kind
    listed = {entry.name for entry in plan.entries}
    shared: dict[str, list[Obj]] = {}
    for name, holders in _final_names(plan).items():
        if name not in listed:
            if purge:
                plan.deletes.extend(obj for obj in holders if not kind.builtin(obj))
        elif len(holders) > 1:
            shared[name] = holders
            if purge:
                keeper = _keeper(kind, holders, claimed.get(name))
                plan.deletes.extend(obj for obj in holders if obj is not keeper and not kind.builtin(obj))
    if shared and not purge:
        listing = '; '.join(f'{show(name)} (ids {", ".join(sorted(object_id(obj) for obj in holders))})'
                            for name, holders in sorted(shared.items()))
        plan.warnings.append(f'{len(shared)} listed name(s) are held by more than one {kind.label}: {listing}. They were left alone; '
                             f'purge=true keeps one of each (a built-in {kind.label}, else the one given by id, else the oldest) and deletes the others.')


def _plan_present(plan: SetPlan, purge: bool, update_secrets: str) -> None:
    claimed: dict[str, Obj] = {}
    _plan_id_entries(plan, claimed, update_secrets)
    _plan_name_entries(plan, claimed, update_secrets)
    _check_rename_targets(plan)
    _order_renames(plan)
    _plan_duplicates_and_purge(plan, purge, claimed)
    written = {plan.new_name(update) for update in plan.updates} | {create.name for create in plan.creates}
    plan.unchanged = [entry.name for entry in plan.entries if entry.name not in written]
    for name in [plan.new_name(update) for update in plan.renames] + [create.name for create in plan.creates]:
        plan.warnings.extend(w for w in (whitespace_warning(plan.kind, name),) if w)
    plan.warnings.extend(near_miss_warnings(plan.kind, [create.name for create in plan.creates], plan.existing))


def _plan_absent(plan: SetPlan) -> None:
    kind = plan.kind
    names = index_by_name(kind, plan.existing)
    for entry in plan.entries:
        holders = names.get(entry.name, [])
        builtin = [obj for obj in holders if kind.builtin(obj)]
        if builtin:
            raise ConflictError(f'{entry.where}: ' + kind.builtin_message(builtin[0], 'delete'))
        if holders:
            # absent means no object may keep the name, so every holder goes, duplicates included.
            plan.deletes.extend(holders)
        else:
            plan.unchanged.append(entry.name)


def plan_set(kind: Kind, existing: list[Obj], entries: list[Entry], *, state: str, purge: bool,
             update_secrets: str = 'on_create') -> SetPlan:
    """The writes that bring the server's objects to the declared set; raises ConflictError before any write."""
    plan = SetPlan(kind=kind, state=state, existing=list(existing), entries=list(entries))
    plan.duplicates = {name: sorted(object_id(obj) for obj in holders)
                       for name, holders in index_by_name(kind, existing).items() if len(holders) > 1}
    if state == 'present':
        _plan_present(plan, purge, update_secrets)
    else:
        _plan_absent(plan)
    plan.deletes.sort(key=lambda obj: (kind.name_of(obj), age_key(obj)))
    return plan


# -- writing ----------------------------------------------------------------------------------------

class Writer:
    """Creates, updates and deletes objects of one kind; a create that failed ambiguously is repeated only if nothing was created."""

    def __init__(self, client: t.Any, kind: Kind, existing: t.Iterable[Obj]) -> None:
        self.client = client
        self.kind = kind
        self.known_ids = {id_key(object_id(obj)) for obj in existing}
        self._lock = threading.Lock()

    def _find_new(self, name: str) -> Obj | None:
        # Called only after an ambiguous POST failure: an object with this name that was not there before is ours.
        for obj in self.client.list(self.kind.collection, action=f'list the {self.kind.long_label}s'):
            if self.kind.name_of(obj) == name and id_key(object_id(obj)) not in self.known_ids:
                return obj
        return None

    def create(self, name: str, properties: t.Mapping[str, t.Any] | None = None) -> Obj:
        body = dict(properties or {})
        body[self.kind.identity] = name
        result = self.client.create(self.kind.collection, body, find_created=lambda: self._find_new(name),
                                    action=f'create the {self.kind.long_label} {show(name)}')
        created = {key: value for key, value in result.items() if key not in CREATE_STATUS_FIELDS}
        with self._lock:
            self.known_ids.add(id_key(object_id(created)))
        return created

    def update(self, obj: Obj, changes: t.Mapping[str, t.Any]) -> Obj:
        kind = self.kind
        if set(changes) == {kind.identity}:
            action = f'rename the {kind.long_label} {kind.describe(obj)} to {show(str(changes[kind.identity]))}'
        else:
            action = f'update {", ".join(sorted(changes))} of the {kind.long_label} {kind.describe(obj)}'
        return self.client.update(kind.item_path(obj), dict(changes), method=kind.update_method, action=action)

    def delete(self, obj: Obj) -> None:
        self.client.delete(self.kind.item_path(obj), action=f'delete the {self.kind.long_label} {self.kind.describe(obj)}')


def stored_name_warning(kind: Kind, asked: str, stored: Obj) -> str | None:
    """A server that changes names (trims them, say) would make every later run create the object again."""
    if kind.identity in stored and kind.name_of(stored) != asked:
        return (f'The server stored the {kind.label} {show(asked)} as {show(kind.name_of(stored))}. Use the stored name in the task, '
                'otherwise the next run will not find it and create it again.')
    return None


def apply_one(writer: Writer, plan: OnePlan) -> Obj:
    """Carry out ``plan``; returns the object as the server answered (the deleted object for a delete)."""
    if plan.action == 'create':
        created = writer.create(plan.name, plan.properties)
        plan.warnings.extend(w for w in (stored_name_warning(writer.kind, plan.name, created),) if w)
        return created
    if plan.action in ('rename', 'update'):
        return writer.update(plan.obj, plan.changes)
    if plan.action == 'delete':
        writer.delete(plan.obj)
    return plan.obj


@dataclasses.dataclass
class Progress:
    """The writes done so far: reported even when a later write fails (thread-safe: writes run concurrently)."""

    updated: list[tuple[Update, Obj]] = dataclasses.field(default_factory=list)
    created: list[Obj] = dataclasses.field(default_factory=list)
    deleted: list[Obj] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def writes(self) -> int:
        return len(self.updated) + len(self.created) + len(self.deleted)

    @property
    def renamed(self) -> list[tuple[Update, Obj]]:
        return self.updated


class _Stop(Exception):
    """An earlier write of the same batch failed: this one was not sent."""


def _concurrently(items: t.Sequence[t.Any], write: t.Callable[[t.Any], None], workers: int) -> None:
    """Run ``write`` on every item, at most ``workers`` at once; after the first failure start no new write, then raise it."""
    failed = threading.Event()

    def guarded(item: t.Any) -> None:
        if failed.is_set():
            raise _Stop()
        try:
            write(item)
        except Exception:
            failed.set()
            raise

    for outcome in map_bounded(guarded, list(items), workers=workers):
        if outcome.error is not None and not isinstance(outcome.error, _Stop):
            raise outcome.error


def apply_set(writer: Writer, plan: SetPlan, progress: Progress, *, workers: int = WRITE_CONCURRENCY) -> None:
    """Do the writes in the module docstring's order, stopping new writes at the first failure (which propagates)."""
    kind = writer.kind
    for update in plan.renames:
        answer = writer.update(update.obj, update.changes)
        with progress.lock:
            progress.updated.append((update, answer))

    def do_update(update: Update) -> None:
        answer = writer.update(update.obj, update.changes)
        with progress.lock:
            progress.updated.append((update, answer))

    def do_create(create: Create) -> None:
        created = writer.create(create.name, create.properties)
        with progress.lock:
            progress.created.append(created)
            progress.warnings.extend(w for w in (stored_name_warning(kind, create.name, created),) if w)

    def do_delete(obj: Obj) -> None:
        writer.delete(obj)
        with progress.lock:
            progress.deleted.append(obj)

    _concurrently([('update', update) for update in plan.field_updates] + [('create', create) for create in plan.creates],
                  lambda job: do_update(job[1]) if job[0] == 'update' else do_create(job[1]), workers)
    _concurrently(plan.deletes, do_delete, workers)
    # Results list objects in a stable order, whatever order the concurrent writes finished in.
    order = {create.name: index for index, create in enumerate(plan.creates)}
    progress.created.sort(key=lambda obj: order.get(kind.name_of(obj), len(order)))
    positions = {id(obj): index for index, obj in enumerate(plan.deletes)}
    progress.deleted.sort(key=lambda obj: positions.get(id(obj), len(positions)))


def may_have_written(error: XProtectError) -> bool:
    """True when a failed write may have been carried out (its answer was lost or unreadable)."""
    return bool(error.write and error.ambiguous) or bool(error.write and error.status is not None and 200 <= error.status < 300)
