# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole site as code: the job of ``site_export`` (write a site's configuration as YAML files, or compare it with them).

One file per type, ``<type>.yml``, holding ``{<type>: [items]}`` where each item is what the collection's module for the
type takes back (``SITE_TYPES`` says which module): objects by name, never by the site's GUIDs; read-only and server-set
fields left out; secrets replaced by a placeholder that names the vault key to fill in. Keys are sorted and objects sorted
by name, and nothing volatile is written, so a second export of an unchanged site is byte-identical.

The order of ``SITE_TYPES`` is the order a directory is applied in (the ``site_config`` role reads it from the manifest):
it is worked out once here, from the references of the resource-type table and the few dependencies the table cannot
know (``EXTRA_DEPENDENCIES``). A curated type (hardware, device settings) is one more entry.
"""

from __future__ import annotations

import dataclasses
import heapq
import os
import typing as t
from urllib.parse import quote

from . import _generic as generic
from ._access import DEVICE_KINDS, join_path
from ._concurrency import map_all
from ._errors import ConflictError, InputError, XProtectError
from ._files import write_atomically
from ._hardware import DEVICE_KINDS as HARDWARE_DEVICE_KINDS
from ._hardware import _driver_id as driver_of
from ._hardware import _parent_id as parent_of
from ._ids import id_key, object_id, show
from ._resource_types import RESOURCE_TYPES
from ._settings import DEFINITIONS as SETTINGS_DEFINITIONS
from ._settings import DEVICE_TYPES as SETTINGS_DEVICE_TYPES
from ._settings import Definition, _parts, _section, _stream_label, _usage_summary
from ._transport import COLLECTION_VERSION

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core
    HAS_YAML = False

Obj = t.Dict[str, t.Any]
FORMAT = 1
MANIFEST = 'manifest.yml'
SECRETS_VARIABLE = 'vault_site_secrets'
WORKERS = 8
HEADER = ('# XProtect site configuration, written by milestone.xprotect.site_export.\n'
          '# Apply it with the milestone.xprotect.site_config role; compare a site with it with playbook milestone.xprotect.site_drift.\n')
#: Never exported, whatever the table says (the site's identity of an object, and what the server derives).
ALWAYS_LEFT_OUT = frozenset(('id', 'relations', 'displayName', 'name', 'lastModified', 'createdDate'))
ZERO_GUID = '00000000-0000-0000-0000-000000000000'

#: Types handled by a curated module (never through ``resource``), by the module that applies them.
CURATED = {'userDefinedEvents': 'user_defined_events', 'basicUsers': 'basic_user', 'roles': 'role', 'hardware': 'hardware',
           'settings': 'device_settings'}
CURATED.update({group_type: 'device_group' for group_type, _device_type, _label in DEVICE_KINDS.values()})
#: Top-level types that could be created and updated, but are not a site's portable configuration.
LEFT_OUT = {
    'registeredServices': "the site's own services (management server, event server) with their addresses: another site has its own",
}
#: Dependencies the table's references cannot show: (before, after).
EXTRA_DEPENDENCIES = (
    ('basicUsers', 'roles'),            # a role's members are basic users
    ('clientProfiles', 'roles'),        # a role's client profile
    ('timeProfiles', 'roles'),          # a role's login time profile
    ('roles', 'viewGroups'),            # XProtect creates a view group with each new role
    ('userDefinedEvents', 'alarmDefinitions'),
    ('userDefinedEvents', 'rules'),
    ('analyticsEvents', 'alarmDefinitions'),
    ('genericEvents', 'alarmDefinitions'),
    # the hardware brings the devices (with their names) that groups, alarm definitions and rules refer to
    ('hardware', 'alarmDefinitions'),
    ('hardware', 'rules'),
    *(('hardware', group_type) for group_type, _device_type, _label in DEVICE_KINDS.values()),
    ('hardware', 'settings'),           # the settings of the devices the hardware brings
)
#: The properties of a settings entry that name it, never set.
SETTINGS_IDENTITY = frozenset(('displayName', 'streamReferenceId'))
#: Types applied last: they refer to devices, which the hardware brings.
LATE_TYPES = frozenset(group_type for group_type, _device_type, _label in DEVICE_KINDS.values())


def _generic_types() -> list[str]:
    """Every top-level type of the table that can be created and updated, less the curated and the left-out ones."""
    names = []
    for name, entry in RESOURCE_TYPES.items():
        verbs = set(entry['verbs'])
        if entry['scope'] == 'top' and 'create' in verbs and verbs & {'patch', 'put'} and name not in CURATED and name not in LEFT_OUT:
            names.append(name)
    return names


def _order(names: t.Sequence[str]) -> list[str]:
    """Dependency order: what is referenced first (table references and EXTRA_DEPENDENCIES); ties by name, device groups last."""
    chosen = set(names)
    edges: dict[str, set[str]] = {name: set() for name in names}
    for name in names:
        for spec in RESOURCE_TYPES[name]['fields'].values():
            reference = spec.get('reference') or {}
            for target in reference.get('types') or []:
                if target in chosen and target != name:
                    edges[target].add(name)
    for before, after in EXTRA_DEPENDENCIES:
        if before in chosen and after in chosen:
            edges[before].add(after)
    waiting = {name: 0 for name in names}
    for targets in edges.values():
        for target in targets:
            waiting[target] += 1
    ready = [(name in LATE_TYPES, name) for name in names if waiting[name] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _late, name = heapq.heappop(ready)
        order.append(name)
        for target in sorted(edges[name]):
            waiting[target] -= 1
            if waiting[target] == 0:
                heapq.heappush(ready, (target in LATE_TYPES, target))
    if len(order) != len(names):  # pragma: no cover - the table has no cycle
        raise RuntimeError('the site types depend on each other in a cycle')
    return order


@dataclasses.dataclass(frozen=True)
class SiteType:
    name: str
    module: str

    @property
    def file(self) -> str:
        return f'{self.name}.yml'


SITE_TYPES: tuple[SiteType, ...] = tuple(SiteType(name, CURATED.get(name, 'resource'))
                                         for name in _order(list(CURATED) + _generic_types()))
TYPE_NAMES = tuple(site_type.name for site_type in SITE_TYPES)


# -- YAML -----------------------------------------------------------------------------------------------

class Unsafe(str):
    """A string that looks like a Jinja template: written as ``!unsafe`` so that Ansible never renders it."""


TEMPLATE_MARKS = ('{{', '{%', '{#')


def _mark(value: t.Any) -> t.Any:
    if isinstance(value, str) and any(mark in value for mark in TEMPLATE_MARKS) and not isinstance(value, Placeholder):
        return Unsafe(value)
    if isinstance(value, dict):
        return {key: _mark(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mark(item) for item in value]
    return value


class Placeholder(str):
    """The template that a secret is written as; Ansible renders it from the vault."""


def placeholder(key: str) -> Placeholder:
    quoted = key.replace('\\', '\\\\').replace("'", "\\'")
    return Placeholder(f"{{{{ {SECRETS_VARIABLE}['{quoted}'] }}}}")


if HAS_YAML:
    class _Dumper(yaml.SafeDumper):  # pylint: disable=too-many-ancestors
        """Block style, sequences indented below their key, no line wrapping, no aliases."""

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> t.Any:
            return super().increase_indent(flow, False)

        def ignore_aliases(self, data: t.Any) -> bool:
            return True

    #: libyaml's emitter and parser, where PyYAML has them: the same text, several times faster (large sites).
    FAST_YAML = bool(getattr(yaml, '__with_libyaml__', False))

    class _FastDumper(getattr(yaml, 'CSafeDumper', yaml.SafeDumper)):  # type: ignore[misc]  # pylint: disable=too-many-ancestors
        """libyaml's emitter (block sequences not indented below their key: :func:`_indent_sequences` does that)."""

        def ignore_aliases(self, data: t.Any) -> bool:
            return True

    for _dumper in (_Dumper, _FastDumper):
        _dumper.add_representer(Unsafe, lambda dumper, value: dumper.represent_scalar('!unsafe', str(value), style="'"))
        _dumper.add_representer(Placeholder, lambda dumper, value: dumper.represent_scalar('tag:yaml.org,2002:str', str(value), style='"'))

    class _Loader(getattr(yaml, 'CSafeLoader', yaml.SafeLoader) if FAST_YAML else yaml.SafeLoader):  # type: ignore[misc]  # pylint: disable=too-many-ancestors
        """Reads the files back (``!unsafe`` strings as plain strings, ``!vault`` values as opaque text)."""

    _Loader.add_constructor('!unsafe', lambda loader, node: loader.construct_scalar(node))
    _Loader.add_constructor('!vault', lambda loader, node: '!vault ' + str(loader.construct_scalar(node)))


#: Characters after which a scalar spans lines; a text with one is written by PyYAML's own emitter.
LINE_BREAKS = ('\n', '\r', '\x85', '\u2028', '\u2029')
#: Longer keys, and empty ones, are written by PyYAML's own emitter too (they are not simple keys to it).
ONE_LINE_LIMIT = 100


def _one_line(value: t.Any) -> bool:
    """Whether every node of ``value`` is written on a line of its own (what :func:`_indent_sequences` relies on)."""
    if isinstance(value, str):
        return not any(mark in value for mark in LINE_BREAKS)
    if isinstance(value, dict):
        return all(isinstance(key, str) and 0 < len(key) < ONE_LINE_LIMIT and _one_line(key) and _one_line(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_one_line(item) for item in value)
    return True


def _indent_sequences(text: str) -> str:
    """libyaml's block layout with every block sequence indented below its key, as :class:`_Dumper` writes it.

    For a text whose nodes each take one line: a line ``- ...`` in the column of the key that the line before opened
    (``key:``) starts a sequence that libyaml did not indent; it and every line below it up to the next line left of it,
    or in its column but not an item, move two columns right, once per such sequence that holds them.
    """
    lines = []
    open_at: list[int] = []
    key_column = -1
    for line in text.splitlines(keepends=True):
        content = line.lstrip(' ')
        column = len(line) - len(content)
        item = content.startswith('- ') or content.rstrip('\n') == '-'
        while open_at and (column < open_at[-1] or (column == open_at[-1] and not item)):
            open_at.pop()
        if item and column == key_column and (not open_at or open_at[-1] != column):
            open_at.append(column)
        lines.append(' ' * (2 * len(open_at)) + line)
        stripped = content.rstrip()
        prefix = len(content) - len(content.lstrip('- ')) if item else 0
        key_column = column + prefix if stripped.endswith(':') else -1
    return ''.join(lines)


def dump(data: t.Any) -> str:
    """A file's text: block style, sequences indented below their key, keys sorted, no line wrapping, no aliases."""
    marked = _mark(data)
    options: dict[str, t.Any] = dict(sort_keys=True, default_flow_style=False, allow_unicode=True, width=100000)
    if FAST_YAML and _one_line(marked):
        return HEADER + _indent_sequences(yaml.dump(marked, Dumper=_FastDumper, **options))
    return HEADER + yaml.dump(marked, Dumper=_Dumper, **options)


def load(path: str) -> t.Any:
    with open(path, encoding='utf-8') as handle:
        return yaml.load(handle, Loader=_Loader)  # nosec - a SafeLoader subclass


# -- reading the site ---------------------------------------------------------------------------------------

def _sort_name(value: str) -> tuple[str, str]:
    return (value.casefold(), value)


def _settable(entry: Obj, definitions: dict[str, t.Any] | None) -> Obj:
    """The values of one settings entry that its definitions let be set, as the server gives them."""
    values = {}
    for key, value in entry.items():
        if key in SETTINGS_IDENTITY or isinstance(value, (dict, list)) or value is None:
            continue
        raw = next((spec for other, spec in (definitions or {}).items() if str(other).lower() == str(key).lower()), None)
        if raw is None or not Definition.parse(str(key), raw).can_set:
            continue
        values[str(key)] = value
    return values


class Exporter:
    """Reads the types of one run and turns them into file contents."""

    def __init__(self, module: t.Any) -> None:
        self.module = module
        self.client = module.client
        self.lists: dict[str, list[Obj]] = {}
        self.indexes: dict[str, tuple[dict[str, list[Obj]], dict[str, int]]] = {}
        self.problems: list[str] = []
        self.secrets: list[str] = []

    def list(self, type_name: str) -> list[Obj]:
        if type_name not in self.lists:
            rtype = generic.ResourceType(type_name)
            params = [('disabled', None)] if 'disabled' in rtype.entry.get('query', []) else None
            try:
                self.lists[type_name] = self.client.list(rtype.entry['collection'], params=params, action=f'list the {rtype.label}s')
            except XProtectError as error:
                raise generic.not_offered(error, rtype) from None
        return self.lists[type_name]

    def unique(self, type_name: str, objects: list[Obj], what: str) -> list[Obj]:
        """Objects named once; a name several share is a problem (the files address objects by name)."""
        by_name: dict[str, list[Obj]] = {}
        for obj in objects:
            by_name.setdefault(str(obj.get('name', '')), []).append(obj)
        for name, holders in sorted(by_name.items()):
            if len(holders) > 1:
                self.problems.append(f'{type_name}: {len(holders)} {what} are named {show(name)} (ids '
                                     f'{", ".join(sorted(object_id(obj) for obj in holders))}); rename one so that each has a name of its own')
        return [holders[0] for _name, holders in sorted(by_name.items(), key=lambda pair: _sort_name(pair[0])) if len(holders) == 1]

    # -- references ----------------------------------------------------------------------------------------

    def index(self, type_name: str, objects: list[Obj]) -> tuple[dict[str, list[Obj]], dict[str, int]]:
        """The objects of a type by id, and how many share each name (built once per type: references are many)."""
        if type_name not in self.indexes:
            by_id: dict[str, list[Obj]] = {}
            names: dict[str, int] = {}
            for obj in objects:
                by_id.setdefault(id_key(object_id(obj)), []).append(obj)
                name = str(obj.get('name', ''))
                names[name] = names.get(name, 0) + 1
            self.indexes[type_name] = (by_id, names)
        return self.indexes[type_name]

    def reference(self, spec: dict[str, t.Any], value: t.Any) -> t.Any:
        """A single reference as ``{type, name}`` where its target is found by id and named once; else as the site has it."""
        reference = spec.get('reference') or {}
        if isinstance(value, dict):
            if set(value) != {'type', 'id'}:
                return value
            target_type, ident = str(value.get('type') or ''), str(value.get('id') or '')
        elif isinstance(value, str) and len(reference.get('types') or []) == 1:
            target_type, ident = reference['types'][0], generic.reference_id(value) or ''
        else:
            return value
        target = next((name for name in RESOURCE_TYPES if name.lower() == target_type.lower()), None)
        if not ident or id_key(ident) == ZERO_GUID or target is None or RESOURCE_TYPES[target]['scope'] != 'top' \
                or not RESOURCE_TYPES[target].get('collection') or 'list' not in RESOURCE_TYPES[target]['verbs']:
            return value
        try:
            objects = self.list(target)
        except XProtectError:
            return value
        by_id, names = self.index(target, objects)
        holders = by_id.get(id_key(ident), [])
        if len(holders) != 1 or not holders[0].get('name'):
            return value
        name = str(holders[0]['name'])
        if names.get(name, 0) > 1:
            self.module.warn(f'the {generic.label_of(target)} {show(name)} is referenced by id: several share the name')
            return value
        return {'type': target, 'name': name}

    # -- types ---------------------------------------------------------------------------------------------------

    def export(self, site_type: SiteType) -> list[t.Any]:
        if site_type.module == 'user_defined_events':
            return self.user_defined_events()
        if site_type.module == 'device_group':
            return self.device_groups(site_type.name)
        if site_type.module == 'role':
            return self.roles()
        if site_type.module == 'basic_user':
            return self.basic_users()
        if site_type.module == 'hardware':
            return self.hardware()
        if site_type.module == 'device_settings':
            return self.settings()
        return self.generic(site_type.name)

    def hardware(self) -> list[Obj]:
        """Each hardware as an item of milestone.xprotect.hardware: address, recording server and driver, its credentials
        (the password as a placeholder), name, description, enabled state, and every device with its channel, name and
        enabled state."""
        servers = {id_key(object_id(server)): str(server.get('name', '')) for server in self.list('recordingServers')}
        hardware = self.list('hardware')
        if not hardware:
            return []

        def drivers(server_id: str) -> list[Obj]:
            return self.client.list(f'recordingServers/{server_id}/hardwareDrivers',
                                    action=f'list the hardware drivers of the recording server {show(servers.get(server_id, server_id))}')

        def devices(kind: str) -> list[Obj]:
            return self.list(HARDWARE_DEVICE_KINDS[kind][0])

        by_driver: dict[str, Obj] = {}
        for _server, found in map_all(drivers, sorted({parent_of(obj) for obj in hardware if parent_of(obj)}), workers=WORKERS):
            by_driver.update({id_key(object_id(driver)): driver for driver in found})
        channels: dict[str, dict[str, list[Obj]]] = {}
        for kind, found in map_all(devices, list(HARDWARE_DEVICE_KINDS), workers=WORKERS):
            for device in found:
                channels.setdefault(parent_of(device), {}).setdefault(kind, []).append(device)
        items = []
        seen: dict[str, list[Obj]] = {}
        for obj in hardware:
            server = servers.get(parent_of(obj), parent_of(obj))
            address = str(obj.get('address') or '')
            key = hardware_identity(server, address)
            seen.setdefault(key, []).append(obj)
            driver = by_driver.get(driver_of(obj)) or {}
            secret = f'hardware/{key}/password'
            self.secrets.append(secret)
            item: Obj = {'address': address, 'recording_server': server, 'name': str(obj.get('name', '')),
                         'description': str(obj.get('description') or ''), 'enabled': bool(obj.get('enabled')),
                         'username': str(obj.get('userName') or ''), 'password': placeholder(secret)}
            number = driver.get('number')
            if isinstance(number, int) and not isinstance(number, bool):
                item['driver'] = str(number)
            elif driver.get('name'):
                item['driver'] = str(driver['name'])
            found = channels.get(id_key(object_id(obj)), {})
            item['devices'] = {kind: sorted(({'channel': device.get('channel'), 'name': str(device.get('name', '')),
                                              'enabled': bool(device.get('enabled'))} for device in found[kind]),
                                            key=lambda device: (str(type(device['channel'])), device['channel']))
                               for kind in HARDWARE_DEVICE_KINDS if found.get(kind)}
            items.append(item)
        for key, holders in sorted(seen.items()):
            if len(holders) > 1:
                self.problems.append(f'hardware: {len(holders)} hardware are at {show(key)} (ids '
                                     f'{", ".join(sorted(object_id(obj) for obj in holders))}); remove the one that is not in use')
        return sorted(items, key=lambda item: (_sort_name(item['recording_server']), item['address']))

    def settings(self) -> list[Obj]:
        """Each device's settings as an item of milestone.xprotect.device_settings: the general settings and the stream
        settings its driver lets be set (``canSet``), as the server writes them, and a camera's stream usage."""
        jobs: list[tuple[str, Obj]] = []
        for option, dtype in SETTINGS_DEVICE_TYPES.items():
            devices = self.list(dtype.api)
            jobs += [(option, device) for device in self.unique('settings', devices, dtype.plural)]
        without_definitions: list[str] = []

        def read(job: tuple[str, Obj]) -> Obj | None:
            option, device = job
            dtype = SETTINGS_DEVICE_TYPES[option]
            ident, name = quote(object_id(device), safe=''), str(device['name'])
            label = f'{dtype.label} {show(name)}'
            path, action = f'settings/{ident}', f'read the settings of the {label}'
            body = self.client.get(path, params=SETTINGS_DEFINITIONS, action=action)
            data = self.client.envelope(body, 'data', 'GET', path, action)
            definitions = body.get('definitions') if isinstance(body, dict) else None
            if not isinstance(definitions, dict):
                without_definitions.append(label)
                return None
            parts = _parts(data)
            item: Obj = {'device': name, 'device_type': option}
            general: Obj = {}
            for index, entry in enumerate(parts['generalSettings']):
                general.update(_settable(entry, _section(definitions, 'generalSettings', index, entry)))
            if general:
                item['general'] = general
            streams, labels = [], {}
            for index, entry in enumerate(parts['stream']):
                labels[id_key(entry.get('streamReferenceId', ''))] = _stream_label(entry, index)
                values = _settable(entry, _section(definitions, 'stream', index, entry))
                if values:
                    streams.append({'stream': _stream_label(entry, index), 'settings': values})
            if streams:
                item['streams'] = streams
            if option == 'cameras':
                usage = self.client.get_data(f'streams/{ident}', action=f'read the stream usage of the {label}')
                entries = [{key: value for key, value in _usage_summary(entry, labels).items() if value is not None}
                           for entry in usage.get('stream') or [] if isinstance(entry, dict)]
                if entries:
                    item['stream_usage'] = entries
            return item if len(item) > 2 else None

        items = [item for _job, item in map_all(read, jobs, workers=WORKERS) if item is not None]
        if without_definitions:
            self.module.warn(f'the server gave no definitions with the settings of {len(without_definitions)} device(s) '
                             f'({", ".join(sorted(without_definitions)[:5])}{", ..." if len(without_definitions) > 5 else ""}), '
                             'so which of their settings can be set is not known: settings.yml leaves them out')
        order = list(SETTINGS_DEVICE_TYPES)
        return sorted(items, key=lambda item: (order.index(item['device_type']), _sort_name(item['device'])))

    def generic(self, type_name: str) -> list[Obj]:
        rtype = generic.ResourceType(type_name)
        items = []
        for obj in self.unique(type_name, self.list(type_name), f'{rtype.label}s'):
            name = str(obj['name'])
            properties: Obj = {}
            for field, spec in rtype.fields.items():
                if field in ALWAYS_LEFT_OUT or spec['read_only']:
                    continue
                if spec['secret']:
                    key = f'{type_name}/{name}/{field}'
                    self.secrets.append(key)
                    properties[field] = placeholder(key)
                elif field in obj:
                    value = obj[field]
                    if spec.get('reference'):
                        value = [self.reference(spec, entry) for entry in value] if isinstance(value, list) else self.reference(spec, value)
                    properties[field] = value
            items.append({'name': name, 'properties': properties})
        return items

    def user_defined_events(self) -> list[str]:
        events = [obj for obj in self.list('userDefinedEvents') if str(obj.get('subtype', 'UserDefined')) != 'System']
        return [str(obj['name']) for obj in self.unique('userDefinedEvents', events, 'user-defined events')]

    def basic_users(self) -> list[Obj]:
        items = []
        users = [obj for obj in self.list('basicUsers') if not obj.get('isExternal')]
        for obj in self.unique('basicUsers', users, 'basic users'):
            name = str(obj['name'])
            key = f'basicUsers/{name}/password'
            self.secrets.append(key)
            item: Obj = {'name': name, 'user_password': placeholder(key)}
            for option, field in (('description', 'description'), ('can_change_password', 'canChangePassword'),
                                  ('force_password_change', 'forcePasswordChange')):
                if field in obj:
                    item[option] = obj[field]
            if obj.get('status') in ('Enabled', 'LockedOutByAdmin'):
                item['status'] = obj['status']
            items.append(item)
        return items

    def roles(self) -> list[Obj]:
        rtype = generic.ResourceType('roles')
        roles = self.unique('roles', self.list('roles'), 'roles')
        basic_sids = {str(user.get('sid', '')).upper(): str(user.get('name', '')) for user in self.list('basicUsers') if user.get('sid')}

        def members(role: Obj) -> list[Obj]:
            return self.client.list(f'roles/{object_id(role)}/users', action=f'list the members of the role {show(str(role["name"]))}')

        items = []
        for role, users in map_all(members, roles, workers=WORKERS):
            names = []
            for user in users:
                sid = str(user.get('sid', ''))
                domain = str(user.get('domain') or '')
                if sid.upper() in basic_sids:
                    names.append(basic_sids[sid.upper()])
                elif domain.upper() == '[BASIC]':
                    names.append(str(user.get('accountName') or user.get('name') or ''))
                elif sid:
                    names.append(sid.upper())  # Windows users and groups are added by SID, the same on every site of a domain
            properties = {field: role[field] for field, spec in rtype.fields.items()
                          if field in role and field not in ALWAYS_LEFT_OUT and not spec['read_only']}
            items.append({'name': str(role['name']), 'properties': properties, 'members': sorted(set(names), key=_sort_name)})
        return sorted(items, key=lambda item: _sort_name(item['name']))

    def device_groups(self, group_type: str) -> list[Obj]:
        device_type, device_label = next((device, label) for kind, device, label in DEVICE_KINDS.values() if kind == group_type)
        label = generic.label_of(group_type)
        found: list[tuple[tuple[str, ...], Obj]] = []
        level = [((), group) for group in self.unique(group_type, self.list(group_type), f'top-level {label}s')]
        while level:
            found.extend((path + (str(group['name']),), group) for path, group in level)

            def subgroups(entry: tuple[tuple[str, ...], Obj]) -> list[Obj]:
                path, group = entry
                return self.client.list(f'{group_type}/{object_id(group)}/{group_type}',
                                        action=f'list the subgroups of the {label} {show(join_path(path + (str(group["name"]),)))}')

            next_level = []
            for (path, group), children in map_all(subgroups, level, workers=WORKERS):
                where = f'{label}s below {show(join_path(path + (str(group["name"]),)))}'
                next_level.extend((path + (str(group['name']),), child) for child in self.unique(group_type, children, where))
            level = next_level

        def members(entry: tuple[tuple[str, ...], Obj]) -> list[Obj]:
            path, group = entry
            return self.client.list(f'{group_type}/{object_id(group)}/{device_type}', params=[('disabled', None)],
                                    action=f'list the {device_label}s of the {label} {show(join_path(path))}')

        read = map_all(members, found, workers=WORKERS)
        shared: set[str] = set()
        if any(devices for _entry, devices in read):
            names = [str(device.get('name', '')) for device in self.list(device_type)]
            shared = {name for name in names if names.count(name) > 1}
        items = []
        for (path, group), devices in read:
            member_names = sorted({str(device.get('name', '')) for device in devices}, key=_sort_name)
            for name in member_names:
                if name in shared:
                    self.problems.append(f'{group_type}: the {label} {show(join_path(path))} has the {device_label} {show(name)} as '
                                         f'a member, and several {device_label}s are named so; rename them so that each has a name of its own')
            item: Obj = {'path': join_path(path), 'members': member_names}
            if 'description' in group:
                item['description'] = group['description']
            items.append(item)
        return sorted(items, key=lambda item: [_sort_name(name) for name in item['path'].split('/')])

    def product_version(self) -> tuple[str, str]:
        try:
            sites = self.client.list('sites', action='read the site')
        except XProtectError:
            return '', ''
        site = sites[0] if sites else {}
        return str(site.get('version') or ''), str(site.get('name') or '')


# -- comparing -----------------------------------------------------------------------------------------------

def hardware_identity(recording_server: str, address: str) -> str:
    """How a hardware is named in a drift report and in the vault keys: its address on its recording server."""
    return f'{address} on {recording_server}'


def settings_identity(device: str, device_type: str) -> str:
    """How a device's settings are named in a drift report: the device's name and its type."""
    return f'{device} ({device_type})'


def identity(site_type: SiteType, item: t.Any) -> str:
    if isinstance(item, dict):
        if site_type.module == 'hardware':
            return hardware_identity(str(item.get('recording_server', '')), str(item.get('address', '')))
        if site_type.module == 'device_settings':
            return settings_identity(str(item.get('device', '')), str(item.get('device_type', '')))
        return str(item.get('path') if site_type.module == 'device_group' else item.get('name'))
    return str(item)


def compare(site_type: SiteType, wanted: list[t.Any], actual: list[t.Any]) -> dict[str, t.Any]:
    """What the directory has that the site lacks (missing), the other way round (extra), and what differs, per field."""
    want = {identity(site_type, item): item for item in wanted}
    have = {identity(site_type, item): item for item in actual}
    different = []
    for key in sorted(set(want) & set(have), key=_sort_name):
        before, after = have[key], want[key]
        if before == after:
            continue
        fields: dict[str, t.Any] = {}
        flat_before, flat_after = _flatten(before, site_type), _flatten(after, site_type)
        for field in sorted(set(flat_before) | set(flat_after)):
            if flat_before.get(field) != flat_after.get(field):
                fields[field] = {'site': flat_before.get(field), 'directory': flat_after.get(field)}
        different.append({'name': key, 'fields': fields})
    return {'missing': sorted(set(want) - set(have), key=_sort_name), 'extra': sorted(set(have) - set(want), key=_sort_name),
            'different': different}


def _flatten(item: t.Any, site_type: SiteType) -> dict[str, t.Any]:
    if not isinstance(item, dict):
        return {}
    flat = {}
    settings = site_type.module == 'device_settings'
    for key, value in item.items():
        if settings and key == 'general' and isinstance(value, dict):  # a device's settings, one by one
            flat.update({f'general.{field}': inner for field, inner in value.items()})
        elif settings and key == 'streams' and isinstance(value, list):
            for entry in value:
                if isinstance(entry, dict) and isinstance(entry.get('settings'), dict):
                    flat.update({f'streams[{entry.get("stream")}].{field}': inner for field, inner in entry['settings'].items()})
        elif key == 'properties' and isinstance(value, dict):
            flat.update({f'properties.{field}': inner for field, inner in value.items()})
        elif key == 'devices' and isinstance(value, dict):  # a hardware's devices, by kind and channel
            for kind, entries in value.items():
                for entry in entries if isinstance(entries, list) else [entries]:
                    if isinstance(entry, dict):
                        flat[f'devices.{kind}[{entry.get("channel")}]'] = {field: inner for field, inner in entry.items() if field != 'channel'}
        else:
            flat[key] = value
    return flat


# -- the module's job -----------------------------------------------------------------------------------------------

def select_types(given: t.Any) -> list[SiteType]:
    if not given:
        return list(SITE_TYPES)
    by_lower = {site_type.name.lower(): site_type for site_type in SITE_TYPES}
    unknown = [str(name) for name in given if str(name).lower() not in by_lower]
    if unknown:
        raise InputError(f'types: {", ".join(show(name) for name in unknown)} cannot be exported; the types are {", ".join(TYPE_NAMES)}')
    wanted = {str(name).lower() for name in given}
    return [site_type for site_type in SITE_TYPES if site_type.name.lower() in wanted]


def _write(path: str, text: str) -> None:
    write_atomically(path, text, '.site-export-')


def _read(path: str) -> str | None:
    try:
        with open(path, encoding='utf-8') as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def export_site(module: t.Any) -> dict[str, t.Any]:
    """The job of milestone.xprotect.site_export."""
    params = module.params
    dest = params['dest']
    if not isinstance(dest, str) or not dest.strip():
        raise InputError('dest must be the directory to write the files to (or, with compare=true, to compare the site with)')
    selected = select_types(params['types'])
    if os.path.exists(dest) and not os.path.isdir(dest):
        raise InputError(f'dest {show(dest)} is a file; give a directory')
    if params['compare'] and not os.path.isdir(dest):
        raise InputError(f'dest {show(dest)} does not exist: compare=true compares the site with the files of an export there')
    exporter = Exporter(module)
    contents = {site_type.name: exporter.export(site_type) for site_type in selected}
    if exporter.problems:
        raise ConflictError('The site cannot be written by name: ' + '; '.join(exporter.problems) + '. No file was written.')
    if params['compare']:
        return _compare(dest, selected, contents)
    version, site_name = exporter.product_version()
    results = []
    pending: dict[str, str] = {}
    for site_type in selected:
        text = dump({site_type.name: contents[site_type.name]})
        path = os.path.join(dest, site_type.file)
        changed = _read(path) != text
        if changed:
            pending[path] = text
        results.append({'type': site_type.name, 'file': site_type.file, 'count': len(contents[site_type.name]), 'changed': changed,
                        'module': f'milestone.xprotect.{site_type.module}'})
    manifest_path = os.path.join(dest, MANIFEST)
    listed = {entry['type']: entry for entry in _previous_manifest(manifest_path)}
    listed.update({entry['type']: {key: entry[key] for key in ('type', 'file', 'count', 'module')} for entry in results})
    exported_types = {site_type.name for site_type in selected}
    kept = {key for key in _previous_secrets(manifest_path) if key.split('/', 1)[0] not in exported_types}
    secrets = sorted(set(exporter.secrets) | kept)
    manifest = {
        'format': FORMAT,
        'collection': {'name': 'milestone.xprotect', 'version': COLLECTION_VERSION},
        'source': {'site': site_name, 'product_version': version},
        'types': [listed[name] for name in TYPE_NAMES if name in listed],
        'secrets': {'variable': SECRETS_VARIABLE, 'keys': secrets},
    }
    manifest_text = dump(manifest)
    if _read(manifest_path) != manifest_text:
        pending[manifest_path] = manifest_text
    if pending and not module.check_mode:
        os.makedirs(dest, exist_ok=True)
        for path, text in pending.items():
            _write(path, text)
    return dict(changed=bool(pending), dest=dest, types=results, manifest=MANIFEST, secrets=secrets,
                files_changed=sorted(os.path.basename(path) for path in pending))


def _previous_manifest(path: str) -> list[dict[str, t.Any]]:
    try:
        data = load(path)
    except (OSError, yaml.YAMLError):
        return []
    entries = data.get('types') if isinstance(data, dict) else None
    return [entry for entry in entries or [] if isinstance(entry, dict) and entry.get('type') in TYPE_NAMES]


def _previous_secrets(path: str) -> list[str]:
    try:
        data = load(path)
    except (OSError, yaml.YAMLError):
        return []
    secrets = data.get('secrets') if isinstance(data, dict) else None
    keys = secrets.get('keys') if isinstance(secrets, dict) else None
    return [str(key) for key in keys or []]


def _compare(dest: str, selected: list[SiteType], contents: dict[str, list[t.Any]]) -> dict[str, t.Any]:
    drift = {}
    results = []
    for site_type in selected:
        path = os.path.join(dest, site_type.file)
        if not os.path.exists(path):
            continue
        try:
            data = load(path)
        except yaml.YAMLError as error:
            raise InputError(f'{site_type.file} in {show(dest)} is not valid YAML: {error}') from None
        wanted = data.get(site_type.name) if isinstance(data, dict) else None
        if not isinstance(wanted, list):
            raise InputError(f'{site_type.file} in {show(dest)} must hold {{{site_type.name}: [...]}}, as site_export writes it')
        found = compare(site_type, wanted, contents[site_type.name])
        results.append({'type': site_type.name, 'file': site_type.file, 'count': len(contents[site_type.name]),
                        'drifted': any(found.values()), 'module': f'milestone.xprotect.{site_type.module}'})
        if any(found.values()):
            drift[site_type.name] = found
    return dict(changed=False, dest=dest, types=results, drift=drift, drifted=bool(drift))
