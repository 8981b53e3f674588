# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every type of the resource-type table as code: the jobs of the generic ``resource`` and ``resource_info`` modules.

What a type allows comes from the table (``_resource_types``, generated from Milestone's OpenAPI document):
its paths, verbs, identity field, writable, read-only and write-only fields, references and tasks. What
the table cannot know is curated here in a few lines (``BUILTIN_RULES``). Planning, check mode, diff and
partial results are the planner's (``_planner``), as for every named resource.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import re
import typing as t
from urllib.parse import quote

from . import _planner as planner
from ._concurrency import map_all
from ._errors import ConflictError, InputError, NotFoundError, XProtectError
from ._events import builtin_reason as event_builtin_reason
from ._ids import EXAMPLE_GUID, id_key, is_id, object_id, show
from ._resource_types import FILTER_OPERATORS, RESOURCE_TYPES

Obj = t.Dict[str, t.Any]
UPDATE_SECRETS = ('on_create', 'always')
INCLUDE_CHOICES = ('definitions', 'tasks', 'resources')
INFO_WORKERS = 8
#: Field names that mark built-in objects, whatever the type.
BUILTIN_FLAGS = ('builtIn', 'builtin', 'isBuiltIn')


def _role_builtin(obj: Obj) -> str | None:
    # The document spells the Administrators role's roleType "Adminstrative"; accept the corrected spelling too.
    if str(obj.get('roleType', '')).lower() in ('adminstrative', 'administrative', 'adminrole'):
        return 'built-in Administrators role'
    return None


#: Built-in objects the table cannot describe: never renamed, deleted or purged.
BUILTIN_RULES: dict[str, t.Callable[[Obj], str | None]] = {
    'userDefinedEvents': event_builtin_reason,
    'roles': _role_builtin,
}
#: Why a type cannot be created or deleted through the API, where the table only knows that it cannot.
CREATE_REFUSALS = {
    'cameras': 'cameras are discovered with their hardware, not created: add the hardware (AddHardware task on the recording server)',
    'microphones': 'microphones are discovered with their hardware, not created',
    'speakers': 'speakers are discovered with their hardware, not created',
    'metadata': 'metadata devices are discovered with their hardware, not created',
    'inputEvents': 'inputs are discovered with their hardware, not created',
    'outputs': 'outputs are discovered with their hardware, not created',
    'hardware': 'hardware is added by the AddHardware task of a recording server, not created',
    'recordingServers': 'recording servers register themselves when they are installed',
}
DELETE_REFUSALS = {
    'hardware': 'hardware is removed through its recording server (parent: {type: recordingServers, ...})',
}


def label_of(type_name: str) -> str:
    """'timeProfiles' -> 'time profile' (for messages)."""
    words = re.sub(r'([a-z])([A-Z])', r'\1 \2', type_name).lower()
    if words.endswith('ies'):
        return words[:-3] + 'y'
    if words.endswith('s') and not words.endswith('ss'):
        return words[:-1]
    return words


@dataclasses.dataclass(frozen=True)
class Parent:
    type: str
    ident: str
    name: str = ''


class ResourceType:
    """One type of the table, with what the modules need to ask of it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.entry = RESOURCE_TYPES[name]
        self.fields: dict[str, dict[str, t.Any]] = self.entry['fields']
        self.label = label_of(name)
        self._secrets = frozenset(field for field, spec in self.fields.items() if spec['secret'])
        self._references = frozenset(field for field, spec in self.fields.items() if spec.get('reference'))
        # the planner's own comparison, which reference_aware_changes refines (built once: it runs per object)
        self.plain_kind = planner.Kind(type=name, label=self.label, plural=self.label + 's', collection=name, secrets=self._secrets,
                                       identity=self.entry.get('identity') or 'name')

    @classmethod
    def lookup(cls, given: t.Any, where: str = 'type') -> 'ResourceType':
        """The type as the API spells it in paths, matched without regard to case; a miss names the closest types."""
        if not isinstance(given, str) or not given.strip():
            raise InputError(f'{where} must name a resource type as the API spells it in paths, such as timeProfiles or cameras')
        wanted = given.strip()
        for name in RESOURCE_TYPES:
            if name.lower() == wanted.lower():
                return cls(name)
        close = difflib.get_close_matches(wanted.lower(), [name.lower() for name in RESOURCE_TYPES], n=3, cutoff=0.5)
        names = [next(name for name in RESOURCE_TYPES if name.lower() == lowered) for lowered in close]
        hint = f' (did you mean {", ".join(names)}?)' if names else ''
        raise InputError(f"{where} '{wanted}' is not a type of the XProtect Config API{hint}; the types are listed in "
                         'ansible-doc milestone.xprotect.resource')

    # -- what the type allows ------------------------------------------------------------------------

    @property
    def identity(self) -> str | None:
        return self.entry.get('identity')

    @property
    def scope(self) -> str:
        return str(self.entry['scope'])

    def writable(self) -> list[str]:
        return sorted(name for name, field in self.fields.items() if not field['read_only'])

    def secrets(self) -> frozenset:
        return self._secrets

    def parent_entry(self, parent_type: str | None) -> dict[str, t.Any] | None:
        for entry in self.entry['parents']:
            if parent_type is not None and entry['type'].lower() == parent_type.lower():
                return entry
        return None

    def verbs(self, parent: Parent | None) -> set[str]:
        """The verbs on the collection this task works on (the root's, or the parent's collection's)."""
        verbs = set(self.entry['verbs'])
        if parent is not None:
            entry = self.parent_entry(parent.type)
            verbs = set(entry['verbs']) if entry else set()
            # An object of a child collection is read, updated and deleted at the root when the type lives there too.
            verbs |= {verb for verb in self.entry['verbs'] if verb in ('get', 'patch', 'put')}
            if entry and entry.get('item') and 'delete' in entry['verbs']:
                verbs.add('delete')
        return verbs

    def collection_path(self, parent: Parent | None) -> str | None:
        if parent is None:
            return self.entry.get('collection')
        entry = self.parent_entry(parent.type)
        if entry is None or not entry.get('collection'):
            return None
        return str(entry['collection']).replace('{parent_id}', quote(parent.ident, safe=''))

    def item_path(self, ident: str, parent: Parent | None) -> str:
        """Where one object is read, updated and deleted: at the root when the type lives there, else under its parent."""
        if parent is not None:
            entry = self.parent_entry(parent.type)
            if entry and entry.get('item') and not self.entry.get('item'):
                return str(entry['item']).replace('{parent_id}', quote(parent.ident, safe='')).replace('{id}', quote(ident, safe=''))
        template = self.entry.get('item') or f'{self.name}/{{id}}'
        return str(template).replace('{id}', quote(ident, safe=''))

    def delete_path(self, ident: str, parent: Parent | None) -> str:
        if parent is not None:
            entry = self.parent_entry(parent.type)
            if entry and entry.get('item') and 'delete' in entry['verbs']:
                return str(entry['item']).replace('{parent_id}', quote(parent.ident, safe='')).replace('{id}', quote(ident, safe=''))
        return self.item_path(ident, parent)

    def lists_disabled(self, parent: Parent | None) -> bool:
        return parent is None and 'disabled' in self.entry.get('query', [])

    def builtin(self, obj: Obj) -> str | None:
        rule = BUILTIN_RULES.get(self.name)
        if rule is not None:
            reason = rule(obj)
            if reason:
                return reason
        if any(obj.get(flag) is True for flag in BUILTIN_FLAGS):
            return f'built-in {self.label}'
        return None

    def update_method(self, parent: Parent | None) -> str:
        return 'PATCH' if 'patch' in self.verbs(parent) else 'PUT'

    def kind(self, parent: Parent | None) -> '_GenericKind':
        collection = self.collection_path(parent) or self.name
        return _GenericKind(type=self.name, label=self.label, plural=self.label + 's', collection=collection,
                            identity=self.identity or 'name', builtin=self.builtin, update_method=self.update_method(parent),
                            secrets=self.secrets(), resource=self, parent=parent,
                            compare=lambda obj, properties, update_secrets: reference_aware_changes(self, obj, properties, update_secrets),
                            ambiguity_advice='Give id to address one of them, or remove the extra ones (items with purge=true keeps the oldest).')

    def since_note(self) -> str:
        since = self.entry.get('since')
        return f' (it came with XProtect {since})' if since else ''


@dataclasses.dataclass(frozen=True)
class _GenericKind(planner.Kind):
    """A planner kind whose objects live where the table says (a parent's collection, the root)."""

    resource: t.Any = None
    parent: t.Any = None

    def item_path(self, obj: Obj) -> str:
        return t.cast(ResourceType, self.resource).item_path(object_id(obj), self.parent)


class GenericWriter(planner.Writer):
    """The planner's writer, deleting where the type deletes (a parent's collection for hardware, say)."""

    def delete(self, obj: Obj) -> None:
        kind = t.cast(_GenericKind, self.kind)
        path = t.cast(ResourceType, kind.resource).delete_path(object_id(obj), kind.parent)
        self.client.delete(path, action=f'delete the {kind.label} {kind.describe(obj)}')


# -- input -------------------------------------------------------------------------------------------

SECRET_WORDS = ('password', 'secret', 'passphrase')


def register_secrets(module: t.Any, rtype: ResourceType, properties: t.Any) -> None:
    """Mask write-only values everywhere, the module's invocation included, before anything can fail.

    Fields the table marks write-only, and any field whose name says it is a secret (a misspelled one too).
    """
    if not isinstance(properties, dict):
        return
    for field, value in properties.items():
        if field in rtype.secrets() or any(word in str(field).lower() for word in SECRET_WORDS):
            module.add_secret(value if isinstance(value, str) else None)


def check_properties(rtype: ResourceType, properties: t.Any, where: str) -> dict[str, t.Any]:
    """Unknown and read-only fields fail before any request, naming the writable ones."""
    if properties is None:
        return {}
    if not isinstance(properties, dict):
        raise InputError(f'{where} must be a dictionary of fields, not {type(properties).__name__}')
    writable = rtype.writable()
    problems = []
    for field in properties:
        spec = rtype.fields.get(field)
        if spec is None:
            close = difflib.get_close_matches(str(field), writable, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ''
            problems.append(f"'{field}' is not a field of {rtype.name}{hint}")
        elif spec['read_only'] and field not in rtype.entry.get('create_only', []):
            problems.append(f"'{field}' is read-only (the server sets it)")
    if problems:
        raise InputError(f'{where}: ' + '; '.join(problems) + f'. The writable fields of {rtype.name} are: {", ".join(writable) or "none"}')
    return dict(properties)


def parse_parent(value: t.Any) -> tuple[ResourceType, str | None, str | None] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or 'type' not in value or not (value.get('id') or value.get('name')):
        raise InputError('parent must be a dictionary with type and id or name, for example {type: recordingServers, name: RS-01}')
    unknown = sorted(set(value) - {'type', 'id', 'name'})
    if unknown:
        raise InputError(f'parent has unknown key(s) {", ".join(unknown)}; give type and id or name')
    if value.get('id') is not None and not is_id(value['id']):
        raise InputError(f"parent.id must be a GUID such as {EXAMPLE_GUID}, not {value['id']!r}")
    return ResourceType.lookup(value['type'], 'parent.type'), value.get('id'), value.get('name')


def reference_value(spec: dict[str, t.Any], target_type: str, ident: str) -> t.Any:
    """A reference in the format the field takes (the API uses five)."""
    reference = spec['reference'] or {'format': 'object'}
    form = reference.get('format')
    if form == 'bracket':
        return f"{reference.get('prefix') or target_type[:1].upper() + target_type[1:].rstrip('s')}[{ident.upper()}]"
    if form == 'slash':
        return f'{target_type}/{ident}'
    if form in ('guid', 'text'):
        return ident
    return {'type': target_type, 'id': ident}


def reference_id(value: t.Any) -> str | None:
    """The id a reference value points at, in any of the API's formats (for comparison)."""
    if isinstance(value, dict) and 'id' in value:
        return id_key(value['id'])
    if isinstance(value, str):
        match = re.search(r'([0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})', value)
        if match:
            return id_key(match.group(1))
    return None


# -- reading -----------------------------------------------------------------------------------------

def not_offered(error: XProtectError, rtype: ResourceType) -> XProtectError:
    """A 404 "Unknown resource" means the server does not offer the type at all (an older XProtect)."""
    if isinstance(error, NotFoundError) and any('unknown resource' in text.lower() for text in error.details):
        replaced = NotFoundError(f'the server does not offer the type {rtype.name}{rtype.since_note()}', action=error.action,
                                 status=error.status, details=error.details, method=error.method, path=error.path,
                                 hint='Check the XProtect version of the server, or leave this type out.')
        return replaced
    return error


class Reader:
    """Reads objects of one type (and resolves parents and references) for one module run."""

    def __init__(self, client: t.Any) -> None:
        self.client = client
        self._lists: dict[tuple[str, str | None], list[Obj]] = {}

    def list(self, rtype: ResourceType, parent: Parent | None, *, params: list[tuple[str, t.Any]] | None = None) -> list[Obj]:
        path = rtype.collection_path(parent)
        if path is None:
            where = f' under {parent.type}' if parent else ''
            raise InputError(f'{rtype.name} cannot be listed{where}; '
                             + (f'give its parent (one of {", ".join(p["type"] for p in rtype.entry["parents"])})'
                                if rtype.entry['parents'] and parent is None else 'address one object by id'))
        query = list(params or [])
        if rtype.lists_disabled(parent):
            query.append(('disabled', None))
        key = (path, repr(query))
        if key not in self._lists:
            try:
                self._lists[key] = self.client.list(path, params=query, action=f'list the {rtype.label}s')
            except XProtectError as error:
                raise not_offered(error, rtype) from None
        return self._lists[key]

    def get(self, rtype: ResourceType, ident: str, parent: Parent | None, flags: t.Sequence[str] = ()) -> t.Any:
        path = rtype.item_path(ident, parent)
        try:
            return self.client.get(path, params=[(flag, None) for flag in flags] or None, action=f'read the {rtype.label} {ident}')
        except XProtectError as error:
            raise not_offered(error, rtype) from None

    def find(self, rtype: ResourceType, *, ident: str | None, name: str | None, parent: Parent | None, where: str) -> Obj:
        """One existing object by id or exact name; a miss or an ambiguous name fails with what there is."""
        if ident is not None and (rtype.collection_path(parent) is None or rtype.scope == 'singleton'):
            body = self.get(rtype, ident, parent)
            return dict(body.get('data') or {}) if isinstance(body, dict) else {}
        objects = self.list(rtype, parent)
        if ident is not None:
            for obj in objects:
                if id_key(object_id(obj)) == id_key(ident):
                    return obj
            raise ConflictError(f'{where}: no {rtype.label} has the id {ident}')
        holders = [obj for obj in objects if str(obj.get(rtype.identity or 'name', '')) == name]
        if len(holders) == 1:
            return holders[0]
        if holders:
            raise ConflictError(f'{where}: {len(holders)} {rtype.label}s are named {show(str(name))} '
                                f'(ids {", ".join(sorted(object_id(obj) for obj in holders))}); give id instead')
        names = sorted(str(obj.get(rtype.identity or 'name', '')) for obj in objects)
        close = difflib.get_close_matches(str(name), names, n=3)
        hint = f' (did you mean {", ".join(show(n) for n in close)}?)' if close else ''
        raise ConflictError(f'{where}: no {rtype.label} is named {show(str(name))}{hint}')

    def parent(self, value: t.Any, rtype: ResourceType) -> Parent | None:
        parsed = parse_parent(value)
        if parsed is None:
            if rtype.scope == 'child' and not rtype.entry.get('collection'):
                parents = ', '.join(entry['type'] for entry in rtype.entry['parents'])
                raise InputError(f'{rtype.name} lives under another object: give parent with one of the types {parents}')
            return None
        parent_type, ident, name = parsed
        if rtype.parent_entry(parent_type.name) is None:
            parents = ', '.join(entry['type'] for entry in rtype.entry['parents']) or 'none'
            raise InputError(f'{rtype.name} does not live under {parent_type.name}; its parent types are: {parents}')
        if ident is not None:
            return Parent(parent_type.name, str(ident).lower())
        obj = self.find(parent_type, ident=None, name=name, parent=None, where='parent')
        return Parent(parent_type.name, object_id(obj).lower(), str(name))

    def references(self, rtype: ResourceType, properties: dict[str, t.Any], where: str) -> dict[str, t.Any]:
        """Fields that reference another object given as {type, id} or {type, name}, sent in the field's own format.

        A list field of references (an alarm definition's ``sourceList``, ``relatedCameraList``, its event lists) takes
        such a reference in each entry.
        """
        resolved = dict(properties)
        for field, value in properties.items():
            spec = rtype.fields.get(field) or {}
            if not spec.get('reference'):
                continue
            if isinstance(value, list):
                resolved[field] = [self.reference(spec, entry, f'{where}.{field}[{index}]') for index, entry in enumerate(value)]
            else:
                resolved[field] = self.reference(spec, value, f'{where}.{field}')
        return resolved

    def reference(self, spec: dict[str, t.Any], value: t.Any, where: str) -> t.Any:
        """One reference given as {type, id} or {type, name}, in the field's format; any other value as given."""
        if not is_reference(value):
            return value
        target = ResourceType.lookup(value['type'], f'{where}.type')
        ident = value.get('id')
        if ident is None:
            ident = object_id(self.find(target, ident=None, name=value['name'], parent=None, where=where))
        return reference_value(spec, target.name, str(ident))


def is_reference(value: t.Any) -> bool:
    """``{type, id}`` or ``{type, name}`` (a plain object value of a reference field has other keys)."""
    return (isinstance(value, dict) and 'type' in value and not set(value) - {'type', 'id', 'name'}
            and bool(value.get('id') or value.get('name')))


# -- comparison ----------------------------------------------------------------------------------------

def reference_aware_changes(rtype: ResourceType, obj: Obj, properties: t.Mapping[str, t.Any], update_secrets: str) -> dict[str, t.Any]:
    """The planner's comparison, with references compared by the id they point at, whatever their format."""
    changes = planner.field_changes(rtype.plain_kind, obj, properties, update_secrets=update_secrets)
    for field in [field for field in changes if field in rtype._references]:  # pylint: disable=protected-access
        if field not in rtype.secrets() and _same_references(changes[field], obj.get(field)):
            del changes[field]
    return changes


def _same_references(wanted: t.Any, current: t.Any) -> bool:
    """Whether two values of a reference field point at the same objects (a list entry by entry, in its order)."""
    if isinstance(wanted, list) and isinstance(current, list):
        return len(wanted) == len(current) and all(_same_references(one, other) for one, other in zip(wanted, current))
    ident = reference_id(wanted)
    return (ident is not None and ident == reference_id(current)) or planner.normalize(wanted) == planner.normalize(current)


# -- the resource module's job -----------------------------------------------------------------------------

def _view(rtype: ResourceType, obj: Obj, fields: t.Iterable[str]) -> dict[str, t.Any]:
    """An object as the diff shows it: its name, id and the fields the task gave, secrets masked."""
    shown: dict[str, t.Any] = {}
    identity = rtype.identity
    if identity and identity in obj:
        shown[identity] = obj[identity]
    if object_id(obj):
        shown['id'] = object_id(obj)
    for field in sorted(set(fields)):
        if field in rtype.secrets():
            shown[field] = '********' if field in obj or obj.get('__secret_set__') else None
        elif field in obj:
            shown[field] = obj[field]
    return shown


def _item_result(rtype: ResourceType, action: str, obj: Obj, changed: t.Iterable[str] = ()) -> dict[str, t.Any]:
    return {'name': str(obj.get(rtype.identity or 'name', '')) if rtype.identity else None, 'id': object_id(obj) or None,
            'action': action, 'changed_fields': sorted(set(changed))}


def _check_verbs(rtype: ResourceType, parent: Parent | None, *, state: str, purge: bool = False) -> None:
    verbs = rtype.verbs(parent)
    if (state == 'absent' or purge) and 'delete' not in verbs:
        why = DELETE_REFUSALS.get(rtype.name) or f'the API offers no DELETE for {rtype.name}' + (f' under {parent.type}' if parent else '')
        raise InputError(f'{rtype.name} cannot be deleted: {why}')
    if state == 'present' and not verbs & {'patch', 'put', 'create'}:
        raise InputError(f'{rtype.name} cannot be written through the API: it is read-only (use milestone.xprotect.resource_info)')


def _refuse_create(rtype: ResourceType, parent: Parent | None, names: t.Sequence[str]) -> None:
    if 'create' in rtype.verbs(parent):
        return
    why = CREATE_REFUSALS.get(rtype.name) or f'the API offers no create for {rtype.name}' + (f' under {parent.type}' if parent else '')
    listed = ', '.join(show(name) for name in names[:5]) + (' and more' if len(names) > 5 else '')
    raise ConflictError(f'No {rtype.label} is named {listed}, and {rtype.name} cannot be created: {why}. Nothing was changed.')


def manage_resource(module: t.Any) -> dict[str, t.Any]:
    """The job of milestone.xprotect.resource."""
    params = module.params
    rtype = ResourceType.lookup(params['type'])
    state, purge, update_secrets = params['state'], params['purge'], params['update_secrets']
    if params['items'] is not None:
        return _manage_items(module, rtype, state, purge, update_secrets)
    register_secrets(module, rtype, params['properties'])
    if purge:
        raise InputError('purge=true works with items (it deletes the objects of the type that items does not list)')
    properties = check_properties(rtype, params['properties'], 'properties')
    name, ident = params['name'], params['id']
    if name is not None:
        name = planner.Kind(type=rtype.name, label=rtype.label, plural=rtype.label + 's', collection=rtype.name).check_name(name, 'name')
    if ident is not None and not is_id(ident) and rtype.scope != 'singleton':
        raise InputError(f'id must be the id of an existing {rtype.label}, a GUID such as {EXAMPLE_GUID}, not {ident!r}')
    if name is not None and not rtype.identity:
        raise InputError(f'{rtype.name} objects have no name: address one by id (for {rtype.name} the id of its device)')
    reader = Reader(module.client)
    parent = reader.parent(params['parent'], rtype)
    _check_verbs(rtype, parent, state=state)
    properties = reader.references(rtype, properties, 'properties')
    kind = rtype.kind(parent)
    if rtype.collection_path(parent) is None and rtype.scope != 'singleton' and ident is None and rtype.entry['parents']:
        parents = ', '.join(entry['type'] for entry in rtype.entry['parents'])
        raise InputError(f'{rtype.name} live under another object: give parent (one of the types {parents}), or id to address one directly')
    if rtype.scope == 'singleton' or rtype.collection_path(parent) is None:
        return _manage_singleton(module, rtype, reader, parent, ident, properties, update_secrets)
    existing = reader.list(rtype, parent)
    plan = planner.plan_one(kind, existing, name=name, wanted_id=ident, state=state, properties=properties, update_secrets=update_secrets)
    if plan.action == 'create':
        _refuse_create(rtype, parent, [plan.name])
    result_obj = plan.obj
    if plan.changed and not module.check_mode:
        result_obj = planner.apply_one(GenericWriter(module.client, kind, existing), plan)
    elif plan.action in ('rename', 'update'):
        result_obj = kind.updated_copy(plan.obj, plan.changes)
    for warning in plan.warnings:
        module.warn(warning)
    fields = list(properties)
    before = {} if plan.action == 'create' else _view(rtype, plan.obj, fields)
    after = {} if plan.action == 'delete' else _view(rtype, dict(result_obj, **({'__secret_set__': True} if plan.action == 'create' else {})), fields)
    if plan.action == 'create':
        after = _view(rtype, dict(kind.predicted_new(plan.name, properties), __secret_set__=True), fields) | (
            {'id': object_id(result_obj)} if object_id(result_obj) else {})
    action = {'create': 'created', 'rename': 'updated', 'update': 'updated', 'delete': 'deleted'}.get(plan.action, 'unchanged')
    return dict(changed=plan.changed, resource=_strip_secrets(rtype, result_obj), action=action,
                changed_fields=sorted(plan.changes) if plan.action in ('rename', 'update') else sorted(properties) if plan.action == 'create' else [],
                diff={'before': before, 'after': after})


def _strip_secrets(rtype: ResourceType, obj: Obj) -> Obj:
    return {key: value for key, value in obj.items() if key not in rtype.secrets() and key != '__secret_set__'}


def _manage_singleton(module: t.Any, rtype: ResourceType, reader: Reader, parent: Parent | None, ident: str | None,
                      properties: dict[str, t.Any], update_secrets: str) -> dict[str, t.Any]:
    """A parent-scoped singleton (settings/{deviceId}): it always exists; only its fields change."""
    if ident is None:
        raise InputError(f'{rtype.name} is addressed by the id of its owner (for example the camera id of settings/<camera id>): give id')
    if module.params['state'] == 'absent':
        raise InputError(f'{rtype.name} cannot be deleted: it exists as long as its owner does')
    body = reader.get(rtype, ident, parent)
    current = dict(body.get('data') or {}) if isinstance(body, dict) else {}
    changes = reference_aware_changes(rtype, current, properties, update_secrets)
    result_obj = dict(current, **changes)
    if changes and not module.check_mode:
        result_obj = module.client.update(rtype.item_path(ident, parent), changes, method=rtype.update_method(parent),
                                          action=f'update {", ".join(sorted(changes))} of {rtype.name}/{ident}')
    fields = list(properties)
    return dict(changed=bool(changes), resource=_strip_secrets(rtype, result_obj), action='updated' if changes else 'unchanged',
                changed_fields=sorted(changes), diff={'before': _view(rtype, current, fields), 'after': _view(rtype, dict(current, **changes), fields)})


def _parse_items(rtype: ResourceType, items: t.Any, state: str,
                 common: dict[str, t.Any]) -> tuple[list[planner.Entry], list[dict[str, t.Any]]]:
    """Present entries for the planner (with the task's ``properties`` under each item's own), and absent ones."""
    kind = planner.Kind(type=rtype.name, label=rtype.label, plural=rtype.label + 's', collection=rtype.name)
    present_raw, absent = [], []
    for index, item in enumerate(items):
        where = f'items[{index}]'
        if not isinstance(item, dict):
            # a bare GUID is an id (the name is kept), anything else a name
            item = {'id': item.strip()} if is_id(item) else {'name': item}
        unknown = sorted(set(item) - {'name', 'id', 'previous_name', 'properties', 'state'})
        if unknown:
            raise InputError(f'{where} has unknown key(s) {", ".join(unknown)}; an item has name or id, and properties, previous_name, state')
        item_state = item.get('state', state)
        if item_state not in ('present', 'absent'):
            raise InputError(f"{where}.state must be present or absent, not {item_state!r}")
        if 'name' not in item and 'id' not in item:
            raise InputError(f'{where} needs name or id')
        properties = check_properties(rtype, item.get('properties'), f'{where}.properties')
        if item_state == 'absent':
            if properties or item.get('previous_name') is not None:
                raise InputError(f'{where}: properties and previous_name only work with state present')
            if item.get('id') is not None and not is_id(item['id']):
                raise InputError(f"{where}.id must be a GUID such as {EXAMPLE_GUID}, not {item['id']!r}")
            absent.append(dict(item, where=where))
            continue
        entry = {key: value for key, value in item.items() if key in ('name', 'id', 'previous_name')}
        entry['properties'] = dict(common, **properties)
        if 'name' not in entry:
            entry['name'] = None
        present_raw.append((where, entry))
    entries = []
    for where, raw in present_raw:
        if raw['name'] is None:
            # addressed by id alone: the name it has is kept (filled in once the objects are listed)
            if not is_id(raw.get('id')):
                raise InputError(f"{where}.id must be a GUID such as {EXAMPLE_GUID}, not {raw.get('id')!r}")
            entries.append(planner.Entry(name='', object_id=str(raw['id']).strip(), properties=raw['properties'], where=where))
            continue
        parsed = planner.parse_entries(kind, [{key: value for key, value in raw.items() if value is not None and key != 'properties'}
                                              | ({'properties': raw['properties']} if raw['properties'] else {})], 'present',
                                       extra_keys=('properties',))[0]
        entries.append(dataclasses.replace(parsed, where=where))
    names = [entry.name for entry in entries if entry.name]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(f'items lists {", ".join(show(name) for name in repeated)} more than once; list every object once')
    return entries, absent


def _manage_items(module: t.Any, rtype: ResourceType, state: str, purge: bool, update_secrets: str) -> dict[str, t.Any]:
    params = module.params
    if params['name'] is not None or params['id'] is not None:
        raise InputError('items replaces name and id: give either items, or one object with name or id')
    register_secrets(module, rtype, params['properties'])
    for item in params['items']:
        if isinstance(item, dict):
            register_secrets(module, rtype, item.get('properties'))
    common = check_properties(rtype, params['properties'], 'properties')
    entries, absent = _parse_items(rtype, params['items'], state, common)
    reader = Reader(module.client)
    parent = reader.parent(params['parent'], rtype)
    _check_verbs(rtype, parent, state='absent' if absent else 'present', purge=purge)
    if entries:
        _check_verbs(rtype, parent, state='present')
    entries = [dataclasses.replace(entry, properties=reader.references(rtype, dict(entry.properties), f'{entry.where}.properties'))
               for entry in entries]
    existing = reader.list(rtype, parent)
    by_id = planner.index_by_id(existing)
    # items given by id alone keep their name
    named = []
    for entry in entries:
        if not entry.name:
            obj = by_id.get(id_key(entry.object_id))
            if obj is None:
                raise ConflictError(f'{entry.where}: no {rtype.label} has the id {entry.object_id}. Nothing was changed.')
            entry = dataclasses.replace(entry, name=str(obj.get(rtype.identity or 'name', '')))
        named.append(entry)
    kind = rtype.kind(parent)
    try:
        plan = planner.plan_set(kind, existing, named, state='present', purge=purge, update_secrets=update_secrets)
    except ConflictError as error:
        error.add_note('Nothing was changed.')
        raise
    _plan_absent_items(rtype, kind, plan, existing, absent)
    if plan.creates:
        _refuse_create(rtype, parent, [create.name for create in plan.creates])
    for warning in plan.warnings:
        module.warn(warning)
    progress = planner.Progress()
    if plan.changed and not module.check_mode:
        try:
            planner.apply_set(GenericWriter(module.client, kind, existing), plan, progress)
        except XProtectError as error:
            result = _items_result(rtype, plan, progress, done_only=True)
            done = sum(1 for item in result['resources'] if item['action'] != 'unchanged')
            error.add_note(f'{done} write(s) succeeded before this failure (see resources); run the task again: it continues from '
                           'where it stopped.' if done else 'Nothing else was changed.')
            error.result = result  # type: ignore[attr-defined]
            raise
    return _items_result(rtype, plan, progress if not module.check_mode else None)


def _plan_absent_items(rtype: ResourceType, kind: planner.Kind, plan: planner.SetPlan, existing: list[Obj],
                       absent: list[dict[str, t.Any]]) -> None:
    listed = {id(obj) for obj in plan.deletes}
    by_id = planner.index_by_id(existing)
    by_name = planner.index_by_name(kind, existing)
    for item in absent:
        if item.get('id') is not None:
            holders = [by_id[id_key(item['id'])]] if id_key(item['id']) in by_id else []
        else:
            holders = by_name.get(str(item['name']), [])
        for obj in holders:
            reason = rtype.builtin(obj)
            if reason:
                raise ConflictError(f"{item['where']}: " + kind.builtin_message(obj, 'delete') + ' Nothing was changed.')
            if id(obj) not in listed:
                plan.deletes.append(obj)
                listed.add(id(obj))
        if not holders:
            plan.unchanged.append(str(item.get('name') or item.get('id')))


def _items_result(rtype: ResourceType, plan: planner.SetPlan, progress: planner.Progress | None, *, done_only: bool = False) -> dict[str, t.Any]:
    kind = plan.kind
    items: list[dict[str, t.Any]] = []
    answers = {id(update.obj): answer for update, answer in (progress.updated if progress else [])}
    done_updates = set(answers)
    created = {kind.name_of(obj): obj for obj in (progress.created if progress else [])}
    deleted = {id(obj) for obj in (progress.deleted if progress else [])}
    changed_any = False
    touched = set()
    for update in plan.updates:
        touched.add(id(update.obj))
        if done_only and id(update.obj) not in done_updates:
            items.append(_item_result(rtype, 'not_done', update.obj, update.changes))
            continue
        items.append(_item_result(rtype, 'updated', kind.updated_copy(update.obj, update.changes), update.changes))
        changed_any = True
    for create in plan.creates:
        obj = created.get(create.name)
        if done_only and obj is None:
            items.append({'name': create.name, 'id': None, 'action': 'not_done', 'changed_fields': sorted(create.properties)})
            continue
        items.append(_item_result(rtype, 'created', obj or {kind.identity: create.name}, create.properties))
        changed_any = True
    for obj in plan.deletes:
        touched.add(id(obj))
        if done_only and id(obj) not in deleted:
            items.append(_item_result(rtype, 'not_done', obj))
            continue
        items.append(_item_result(rtype, 'deleted', obj))
        changed_any = True
    listed = {entry.name for entry in plan.entries}
    for obj in plan.existing:
        if id(obj) not in touched and kind.name_of(obj) in listed:
            items.append(_item_result(rtype, 'unchanged', obj))
    before_names = {}
    after_names = {}
    for update in plan.updates:
        key = kind.name_of(update.obj) or object_id(update.obj)
        before_names[key] = _view(rtype, update.obj, update.changes)
        after_names[plan.new_name(update) or key] = _view(rtype, kind.updated_copy(update.obj, update.changes), update.changes)
    for create in plan.creates:
        after_names[create.name] = _view(rtype, dict(kind.predicted_new(create.name, create.properties), __secret_set__=True), create.properties)
    for obj in plan.deletes:
        before_names[kind.name_of(obj) or object_id(obj)] = _view(rtype, obj, ())
    counts = {action: sum(1 for item in items if item['action'] == action) for action in ('created', 'updated', 'deleted', 'unchanged')}
    return dict(changed=changed_any if done_only else plan.changed, resources=items, totals=counts,
                diff={'before': before_names, 'after': after_names})


# -- the resource_info module's job ------------------------------------------------------------------------

def filter_query(filters: t.Any) -> list[tuple[str, str]]:
    """``{model: "contains:axis"}`` as the API's query (``model=contains:'axis'``), quoting done here."""
    if filters is None:
        return []
    if not isinstance(filters, dict):
        raise InputError('filters must be a dictionary such as {model: "contains:axis"}')
    query = []
    operators = [op for op in FILTER_OPERATORS if op]
    for field, raw in filters.items():
        text = str(raw).lower() if isinstance(raw, bool) else str(raw)
        operator, _sep, value = text.partition(':')
        if _sep and operator in operators:
            expression = f"{operator}:'{value}'"
        elif _sep and operator.lower() in [op.lower() for op in operators]:
            proper = next(op for op in operators if op.lower() == operator.lower())
            expression = f"{proper}:'{value}'"
        elif _sep and re.match(r'^[A-Za-z]+$', operator) and operator not in ('http', 'https'):
            raise InputError(f"filters.{field}: '{operator}' is not a filter operator; use one of {', '.join(operators)} "
                             f"(for example contains:{value}), or give the value alone for an exact match")
        else:
            expression = f"'{text}'"
        query.append((str(field), expression))
    return query


def read_resources(module: t.Any) -> dict[str, t.Any]:
    """The job of milestone.xprotect.resource_info."""
    params = module.params
    rtype = ResourceType.lookup(params['type'])
    include = list(params['include'] or [])
    ident, name = params['id'], params['name']
    if ident is not None and not is_id(ident) and rtype.scope != 'singleton':
        raise InputError(f'id must be a GUID such as {EXAMPLE_GUID}, not {ident!r}')
    if name is not None and not name.strip():
        # usually an unset variable: ignoring it would return every object of the type
        raise InputError('name is empty; leave it out to read every object of the type, or give a name or pattern')
    query = filter_query(params['filters'])
    reader = Reader(module.client)
    parent = reader.parent(params['parent'], rtype)
    flags = [flag for flag in INCLUDE_CHOICES if flag in include]
    if ident is not None and (rtype.scope == 'singleton' or rtype.collection_path(parent) is None):
        body = reader.get(rtype, ident, parent, flags)
        obj = dict(body.get('data') or {}) if isinstance(body, dict) else {}
        for flag in flags:
            obj[flag] = body.get(flag) if isinstance(body, dict) else None
        return dict(changed=False, resources=[_strip_secrets(rtype, obj)])
    if params['include_disabled'] is False and rtype.lists_disabled(parent):
        objects = reader.client.list(rtype.collection_path(parent), params=query, action=f'list the {rtype.label}s')
    else:
        objects = reader.list(rtype, parent, params=query)
    if ident is not None:
        objects = [obj for obj in objects if id_key(object_id(obj)) == id_key(ident)]
    if name is not None:
        field = rtype.identity or 'name'
        pattern = any(char in name for char in '*?[')
        objects = [obj for obj in objects if (fnmatch.fnmatchcase(str(obj.get(field, '')), name) if pattern else str(obj.get(field, '')) == name)]
    if flags and objects:
        def details(obj: Obj) -> Obj:
            body = reader.get(rtype, object_id(obj), parent, flags)
            detailed = dict(body.get('data') or obj) if isinstance(body, dict) else dict(obj)
            for flag in flags:
                detailed[flag] = body.get(flag) if isinstance(body, dict) else None
            return detailed
        objects = [value for _obj, value in map_all(details, objects, workers=INFO_WORKERS)]
    return dict(changed=False, resources=[_strip_secrets(rtype, obj) for obj in objects])
