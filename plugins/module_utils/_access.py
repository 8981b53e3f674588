# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Structure and access: device group hierarchies with their members, roles with members and overall permissions, basic users.

The jobs of ``device_group``, ``role`` and ``basic_user``. Each one reads first, plans with the planner
(``_planner``: identity by exact name or id, built-in objects, compare, check mode) and writes after, with
the resource types of the table (``_generic``) and the task runner (``_tasks``) for what only tasks can do:

* device groups: ``{kind}Groups`` (top level), ``{kind}Groups/{id}/{kind}Groups`` (subgroups: listed, and
  created there, docs/guides/access.md), ``{kind}Groups/{id}/{devices}`` (members: POST ``{type, id}``, DELETE);
* roles: ``roles`` (fields), ``roles/{id}/users?task=AddRoleMember|RemoveRoleMember`` (members, by SID),
  ``roles/{id}?task=ChangeOverallSecurityPermissions`` (per security namespace: read, then written);
* basic users: ``basicUsers`` (fields; the name is fixed at creation), ``basicUsers/{id}?task=ChangePasswordBasicUser``.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import re
import threading
import typing as t
from urllib.parse import quote

from . import _generic as generic
from . import _planner as planner
from ._concurrency import map_all, map_bounded
from ._errors import BadRequestError, ConflictError, InputError, NotFoundError, XProtectError
from ._ids import id_key, is_id, object_id, show
from ._tasks import CHANGED, TaskAccount, TaskFailedError, TaskRunner, WaitOptions

Obj = t.Dict[str, t.Any]
#: Requests at once where their order does not matter (group creates of one level, member changes, reads).
WORKERS = 16
MASK = '********'


def _quote(ident: str) -> str:
    return quote(str(ident), safe='')


def _bounded(jobs: t.Sequence[t.Callable[[], None]], workers: int = WORKERS) -> None:
    """Run every job, at most ``workers`` at once; after the first failure start no new one, then raise it."""
    failed = threading.Event()

    def guarded(job: t.Callable[[], None]) -> bool:
        if failed.is_set():
            return False
        try:
            job()
        except Exception:
            failed.set()
            raise
        return True

    for outcome in map_bounded(guarded, list(jobs), workers=workers):
        if outcome.error is not None:
            raise outcome.error


def _view(obj: Obj, fields: t.Iterable[str]) -> dict[str, t.Any]:
    """An object as a diff shows it: its name, id and the fields the task gives."""
    shown: dict[str, t.Any] = {}
    if 'name' in obj:
        shown['name'] = obj['name']
    if object_id(obj):
        shown['id'] = object_id(obj)
    for field in sorted(set(fields)):
        if field in obj:
            shown[field] = obj[field]
    return shown


def _task_runner(client: t.Any) -> TaskRunner:
    return TaskRunner(client, WaitOptions(wait=True, wait_timeout=120.0, wait_sleep=0.2, cleanup=True))


def _run_task(runner: TaskRunner, path: str, task: str, body: dict[str, t.Any], action: str) -> dict[str, t.Any]:
    """Invoke one task, follow it to its end (a synchronous answer or a server task), clean up; its final answer or the error."""
    account = TaskAccount(task=task)
    final: dict[str, t.Any] = {}

    def work(run: TaskAccount, start: float) -> None:
        result = runner.invoke(run, path, body, action=action, owned=lambda task_obj: False)
        final.update(runner.finish(run, result, start) or {})
        run.status, run.changed = CHANGED, True

    runner.run(account, work)
    if account.failed:
        if isinstance(account.failure, XProtectError):
            raise account.failure
        raise TaskFailedError(f'{task} failed: {account.error}', action=action)
    return final


# == device groups ===================================================================================

#: device_type -> (group type, device type of the API, label of one device)
DEVICE_KINDS = {
    'cameras': ('cameraGroups', 'cameras', 'camera'),
    'microphones': ('microphoneGroups', 'microphones', 'microphone'),
    'speakers': ('speakerGroups', 'speakers', 'speaker'),
    'metadata': ('metadataGroups', 'metadata', 'metadata device'),
    'inputs': ('inputEventGroups', 'inputEvents', 'input'),
    'outputs': ('outputGroups', 'outputs', 'output'),
}
DEVICE_TYPES = tuple(DEVICE_KINDS)
GROUP_KEYS = ('path', 'description', 'members', 'purge_members')
#: Answers of a server that does not create a group below another one (the Config API documents no such POST).
SUBGROUP_ADVICE = ('This XProtect does not create subgroups through its REST API (Milestone documents no POST for '
                   '{collection}): create {what} in the Management Client, then run the task again; the groups that exist are '
                   'found by path and their members and descriptions are managed by this module.')


def split_path(value: t.Any, where: str) -> tuple[str, ...]:
    """``Site A/Parking/North`` -> its group names; ``\\/`` is a slash inside a name and ``\\\\`` a backslash."""
    if not isinstance(value, str):
        raise InputError(f'{where} must be a string such as "Site A/Parking/North", not {type(value).__name__} {value!r}')
    names: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == '\\' and index + 1 < len(value) and value[index + 1] in '/\\':
            current.append(value[index + 1])
            index += 2
            continue
        if char == '/':
            names.append(''.join(current))
            current = []
        else:
            current.append(char)
        index += 1
    names.append(''.join(current))
    if len(names) > 1 and names[0] == '':
        names = names[1:]  # a leading slash: "/Site A/Parking"
    if len(names) > 1 and names[-1] == '':
        names = names[:-1]  # a trailing slash
    for name in names:
        if not name.strip():
            what = 'is empty' if value.strip() == '' else f'{show(value)} has an empty or blank group name'
            raise InputError(f'{where} {what}; a path is group names separated by "/", for example "Site A/Parking/North" '
                             '(write "\\/" for a slash inside a name)')
    return tuple(names)


def join_path(names: t.Sequence[str]) -> str:
    return '/'.join(name.replace('\\', '\\\\').replace('/', '\\/') for name in names)


@dataclasses.dataclass(frozen=True)
class MemberSpec:
    """One entry of ``members``: a device id, an exact name, or a shell-style pattern."""

    text: str
    where: str

    @property
    def is_pattern(self) -> bool:
        return not is_id(self.text) and any(char in self.text for char in '*?[')


@dataclasses.dataclass
class GroupNode:  # pylint: disable=too-many-instance-attributes
    """A group on one of the task's paths: what is asked of it, what the server has, what the plan does."""

    names: tuple[str, ...]
    parent: t.Optional['GroupNode']
    listed: bool = False
    where: str = ''
    description: str | None = None
    members: list[MemberSpec] | None = None
    purge_members: bool = False
    children: dict[str, 'GroupNode'] = dataclasses.field(default_factory=dict)
    #: the group as the server has it (None: to be created, or gone)
    obj: Obj | None = None
    #: the server's subgroups of this group (None: not read, or a new group)
    subgroups: list[Obj] | None = None
    #: the server's members (None: not read)
    current_members: list[Obj] | None = None
    # the plan
    create: bool = False
    changes: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    add: list[Obj] = dataclasses.field(default_factory=list)
    remove: list[Obj] = dataclasses.field(default_factory=list)
    delete: bool = False
    # what was done
    created: bool = False
    updated: bool = False
    added: list[Obj] = dataclasses.field(default_factory=list)
    removed: list[Obj] = dataclasses.field(default_factory=list)
    deleted: bool = False

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def path(self) -> str:
        return join_path(self.names)

    @property
    def ident(self) -> str:
        return object_id(self.obj) if self.obj else ''

    @property
    def depth(self) -> int:
        return len(self.names)


class GroupJob:  # pylint: disable=too-many-instance-attributes
    """The job of milestone.xprotect.device_group: paths, descriptions and members, read once, planned, then written level by level."""

    def __init__(self, module: t.Any) -> None:
        self.module = module
        self.params = module.params
        self.client: t.Any = None  # taken from the module after the input is checked (nothing is sent before)
        group_type, device_type, device_label = DEVICE_KINDS[self.params['device_type']]
        self.group_type = group_type
        self.device_type = device_type
        self.device_label = device_label
        self.rtype = generic.ResourceType(group_type)
        self.label = self.rtype.label  # 'camera group'
        self.state = self.params['state']
        self.roots: dict[str, GroupNode] = {}
        self.top: list[Obj] | None = None
        self.devices: list[Obj] | None = None
        self.warnings: list[str] = []
        self.lock = threading.Lock()

    # -- input -----------------------------------------------------------------------------------------

    def entries(self) -> list[dict[str, t.Any]]:
        params = self.params
        if params['path'] is not None and params['groups'] is not None:
            raise InputError('give either path (one group) or groups (many), not both')
        if params['path'] is None and params['groups'] is None:
            raise InputError('path is required: the group as "Site A/Parking/North" (or groups, a list of them)')
        common = {key: params[key] for key in ('description', 'members', 'purge_members') if params.get(key) is not None}
        if params['path'] is not None:
            return [dict(common, path=params['path'], where='path')]
        if not params['groups']:
            raise InputError('groups is an empty list, so there is nothing to do')
        entries = []
        for index, raw in enumerate(params['groups']):
            where = f'groups[{index}]'
            item = {'path': raw} if isinstance(raw, str) else raw
            if not isinstance(item, dict):
                raise InputError(f'{where} must be a path or a dictionary with path and optionally description, members, purge_members')
            unknown = sorted(str(key) for key in item if key not in GROUP_KEYS)
            if unknown:
                raise InputError(f'{where} has unknown key(s) {", ".join(unknown)}; an item has path and optionally '
                                 'description, members, purge_members')
            if 'path' not in item:
                raise InputError(f'{where} has no path')
            entries.append(dict(common, **{key: value for key, value in item.items() if value is not None}, where=where))
        return entries

    def parse(self) -> None:
        seen: dict[tuple[str, ...], str] = {}
        for entry in self.entries():
            where = entry['where']
            names = split_path(entry['path'], f'{where}' if where == 'path' else f'{where}.path')
            if names in seen:
                raise InputError(f'{where}: the path {show(join_path(names))} is also given in {seen[names]}; list every group once')
            seen[names] = where
            description = entry.get('description')
            if description is not None and not isinstance(description, str):
                raise InputError(f'{where}.description must be a string, not {type(description).__name__}')
            members = entry.get('members')
            purge = entry.get('purge_members', False)
            if not isinstance(purge, bool):
                raise InputError(f'{where}.purge_members must be true or false, not {purge!r}')
            if purge and members is None:
                raise InputError(f'{where}: purge_members removes the members that members does not list; give members '
                                 '(an empty list empties the group)')
            if self.state == 'absent' and (members is not None or description is not None or purge):
                raise InputError(f'{where}: description, members and purge_members only work with state=present')
            node = self.node(names)
            node.listed, node.where, node.description, node.purge_members = True, where, description, purge
            node.members = self.member_specs(members, where) if members is not None else None
        if self.state == 'absent':
            for node in self.walk():
                if node.listed and any(other.listed and other is not node for other in self.below(node)):
                    raise InputError(f'{node.where}: {show(node.path)} is to be deleted and a group below it is listed too; '
                                     'list the top-most group to delete only')

    def member_specs(self, members: t.Any, where: str) -> list[MemberSpec]:
        if not isinstance(members, list):
            raise InputError(f'{where}.members must be a list of {self.device_label} ids, names or patterns (such as "Parking*")')
        specs = []
        for index, value in enumerate(members):
            spot = f'{where}.members[{index}]'
            if not isinstance(value, str):
                raise InputError(f'{spot} must be a {self.device_label} id, name or pattern, not {type(value).__name__} {value!r}')
            if not value.strip():
                raise InputError(f'{spot} is blank; give a {self.device_label} id, name or pattern')
            specs.append(MemberSpec(value.strip() if is_id(value) else value, spot))
        return specs

    def node(self, names: tuple[str, ...]) -> GroupNode:
        """The node of a path (a path has at least one name), and of every group above it."""
        level = self.roots
        parent: GroupNode | None = None
        for depth in range(1, len(names) + 1):
            name = names[depth - 1]
            node = level.get(name)
            if node is None:
                node = level[name] = GroupNode(names[:depth], parent)
            parent, level = node, node.children
        return t.cast(GroupNode, parent)

    def walk(self) -> list[GroupNode]:
        """Every node, parents before children."""
        order: list[GroupNode] = []
        pending = list(self.roots.values())
        while pending:
            node = pending.pop(0)
            order.append(node)
            pending.extend(node.children.values())
        return order

    @staticmethod
    def below(node: GroupNode) -> list[GroupNode]:
        found: list[GroupNode] = []
        pending = list(node.children.values())
        while pending:
            child = pending.pop(0)
            found.append(child)
            pending.extend(child.children.values())
        return found

    # -- reading -----------------------------------------------------------------------------------------

    def subgroup_path(self, group_id: str) -> str:
        return f'{self.group_type}/{_quote(group_id)}/{self.group_type}'

    def members_path(self, group_id: str) -> str:
        return f'{self.group_type}/{_quote(group_id)}/{self.device_type}'

    def list_subgroups(self, group: Obj) -> list[Obj]:
        return self.client.list(self.subgroup_path(object_id(group)),
                                action=f'list the subgroups of the {self.label} {show(str(group.get("name", "")))}')

    def list_members(self, group: Obj) -> list[Obj]:
        return self.client.list(self.members_path(object_id(group)), params=[('disabled', None)],
                                action=f'list the {self.device_label}s of the {self.label} {show(str(group.get("name", "")))}')

    def match(self, node: GroupNode, siblings: list[Obj]) -> None:
        holders = [obj for obj in siblings if str(obj.get('name', '')) == node.name]
        if len(holders) > 1:
            where = f'under {show(join_path(node.names[:-1]))}' if node.parent else 'at the top level'
            raise ConflictError(f'{len(holders)} {self.label}s are named {show(node.name)} {where} (ids '
                                f'{", ".join(sorted(object_id(obj) for obj in holders))}); the module does not guess which one '
                                f'{show(node.path)} means. Rename or delete one of them first.')
        node.obj = holders[0] if holders else None

    def read(self) -> None:
        """The groups on the paths, level by level (subgroups of the groups that exist only), and what the plan needs to compare."""
        self.top = self.client.list(self.group_type, action=f'list the {self.label}s')
        level = list(self.roots.values())
        for node in level:
            self.match(node, self.top)
        while level:
            existing = [node for node in level if node.obj is not None and (node.children or self.needs_subtree(node))]
            for node, subgroups in map_all(lambda item: self.list_subgroups(t.cast(Obj, item.obj)), existing, workers=WORKERS):
                node.subgroups = subgroups
                for child in node.children.values():
                    self.match(child, node.subgroups)
            next_level = [child for node in level for child in node.children.values()]
            if self.state == 'absent':
                next_level += [extra for node in level if node.subgroups is not None for extra in self.extra_nodes(node)]
            level = next_level
        readers = [node for node in self.walk() if node.obj is not None and (
            node.members is not None or (self.state == 'absent' and (node.listed or self.delete_below(node))))]
        for node, members in map_all(lambda item: self.list_members(t.cast(Obj, item.obj)), readers, workers=WORKERS):
            node.current_members = members
        if any(node.members for node in self.walk()):
            self.devices = self.client.list(self.device_type, params=[('disabled', None)], action=f'list the {self.device_label}s')

    def needs_subtree(self, node: GroupNode) -> bool:
        """A group to delete: its subgroups are read (a non-empty group needs force; with force they go first)."""
        return self.state == 'absent' and (node.listed or self.delete_below(node))

    def delete_below(self, node: GroupNode) -> bool:
        ancestor = node.parent
        while ancestor is not None:
            if ancestor.listed:
                return bool(self.params['force'])
            ancestor = ancestor.parent
        return False

    def extra_nodes(self, node: GroupNode) -> list[GroupNode]:
        """The server's subgroups of a group to delete with force, which the task does not name."""
        if not self.params['force'] or not (node.listed or self.delete_below(node)):
            return []
        extra = []
        for child in node.subgroups or []:
            name = str(child.get('name', ''))
            extra_node = GroupNode(node.names + (name,), node, obj=child)
            # Two subgroups of one name below a group to delete: both go, each as its own node.
            node.children[f'{name}\x00{object_id(child)}'] = extra_node
            extra.append(extra_node)
        return extra

    # -- planning ----------------------------------------------------------------------------------------

    def resolve_members(self, node: GroupNode) -> list[Obj]:
        devices = self.devices or []
        by_id = {id_key(object_id(device)): device for device in devices}
        by_name: dict[str, list[Obj]] = {}
        for device in devices:
            by_name.setdefault(str(device.get('name', '')), []).append(device)
        wanted: dict[str, Obj] = {}
        problems = []
        for spec in node.members or []:
            if is_id(spec.text):
                device = by_id.get(id_key(spec.text))
                if device is None:
                    problems.append(f'{spec.where}: no {self.device_label} has the id {spec.text}')
                else:
                    wanted.setdefault(id_key(object_id(device)), device)
            elif spec.is_pattern:
                matches = [device for device in devices if fnmatch.fnmatchcase(str(device.get('name', '')), spec.text)]
                if not matches:
                    self.warnings.append(f'{spec.where}: the pattern {show(spec.text)} matches no {self.device_label}')
                for device in matches:
                    wanted.setdefault(id_key(object_id(device)), device)
            else:
                holders = by_name.get(spec.text, [])
                if len(holders) > 1:
                    problems.append(f'{spec.where}: {len(holders)} {self.device_label}s are named {show(spec.text)} (ids '
                                    f'{", ".join(sorted(object_id(device) for device in holders))}); give the id of the one meant')
                elif holders:
                    wanted.setdefault(id_key(object_id(holders[0])), holders[0])
                else:
                    close = difflib.get_close_matches(spec.text, list(by_name), n=3)
                    hint = f' (did you mean {", ".join(show(name) for name in close)}?)' if close else ''
                    problems.append(f'{spec.where}: no {self.device_label} is named {show(spec.text)}{hint}')
        if problems:
            raise ConflictError('; '.join(problems) + '. Nothing was changed.')
        return list(wanted.values())

    def plan(self) -> None:
        for node in self.walk():
            if self.state == 'absent':
                self.plan_absent(node)
                continue
            if node.obj is None:
                node.create = True
                node.changes = {'description': node.description} if node.description is not None else {}
                for warning in (planner.whitespace_warning(self.rtype.kind(None), node.name),):
                    if warning:
                        self.warnings.append(warning)
            elif node.description is not None:
                node.changes = planner.field_changes(self.rtype.kind(None), node.obj, {'description': node.description})
            if node.members is not None:
                wanted = self.resolve_members(node)
                current = node.current_members or []
                have = {id_key(object_id(device)) for device in current}
                node.add = [device for device in wanted if id_key(object_id(device)) not in have]
                if node.purge_members:
                    keep = {id_key(object_id(device)) for device in wanted}
                    node.remove = [device for device in current if id_key(object_id(device)) not in keep]
        if self.state == 'present':
            self.near_misses()

    def near_misses(self) -> None:
        kind = self.rtype.kind(None)
        for node in self.walk():
            if node.create and node.parent is None:
                self.warnings.extend(planner.near_miss_warnings(kind, [node.name], self.top or []))
            elif node.create and node.parent is not None and node.parent.subgroups is not None:
                self.warnings.extend(planner.near_miss_warnings(kind, [node.name], node.parent.subgroups))

    def plan_absent(self, node: GroupNode) -> None:
        if node.obj is None or not (node.listed or self.delete_below(node)):
            return
        reason = self.rtype.builtin(node.obj)
        if reason:
            raise ConflictError(f'The {self.label} {show(node.path)} is a {reason}; XProtect does not allow to delete it. '
                                'Leave it out of this task.')
        if node.listed and not self.params['force']:
            members, subgroups = len(node.current_members or []), len(node.subgroups or [])
            if members or subgroups:
                parts = [f'{members} {self.device_label}{"s" if members != 1 else ""}'] if members else []
                parts += [f'{subgroups} subgroup{"s" if subgroups != 1 else ""}'] if subgroups else []
                raise ConflictError(f'The {self.label} {show(node.path)} is not empty ({" and ".join(parts)}); nothing was deleted. '
                                    'Give force=true to delete it with its subgroups (the devices themselves stay), or empty it first.')
        node.delete = True
        node.remove = list(node.current_members or [])

    # -- writing -----------------------------------------------------------------------------------------

    def create(self, node: GroupNode) -> None:
        parent = node.parent
        collection = self.group_type if parent is None else self.subgroup_path(parent.ident)
        where = f' under {show(parent.path)}' if parent is not None else ''
        body = {'name': node.name}
        if node.description is not None:
            body['description'] = node.description
        before = {id_key(object_id(obj)) for obj in ((parent.subgroups or []) if parent is not None else (self.top or []))}

        def find_created() -> Obj | None:
            listing = self.client.list(collection, action=f'list the {self.label}s{where}')
            for obj in listing:
                if str(obj.get('name', '')) == node.name and id_key(object_id(obj)) not in before:
                    return obj
            return None

        action = f'create the {self.label} {show(node.name)}{where}'
        try:
            created = self.client.create(collection, body, find_created=find_created, action=action)
        except (BadRequestError, NotFoundError) as error:
            if parent is not None and _refused_subgroup(error):
                error.add_note(SUBGROUP_ADVICE.format(collection=f'{self.group_type}/{{id}}/{self.group_type}',
                                                      what=f'{show(node.name)} under {show(parent.path)}'))
            raise
        node.obj = {key: value for key, value in created.items() if key not in planner.CREATE_STATUS_FIELDS}
        node.subgroups = []
        node.current_members = []
        node.created = True

    def update(self, node: GroupNode) -> None:
        obj = t.cast(Obj, node.obj)
        answer = self.client.update(self.rtype.item_path(object_id(obj), None), dict(node.changes), method=self.rtype.update_method(None),
                                    action=f'update {", ".join(sorted(node.changes))} of the {self.label} {show(node.path)}')
        node.obj = dict(obj, **(answer if isinstance(answer, dict) else node.changes))
        node.updated = True

    def add_member(self, node: GroupNode, device: Obj) -> None:
        path = self.members_path(node.ident)
        ident = object_id(device)
        action = f'add the {self.device_label} {show(str(device.get("name", "")))} to the {self.label} {show(node.path)}'

        def send() -> dict[str, t.Any]:
            self.client.request('POST', path, body={'type': self.device_type, 'id': ident}, action=action, expected=(200, 201))
            return {}

        def look() -> dict[str, t.Any] | None:
            members = self.list_members(t.cast(Obj, node.obj))
            return {} if any(id_key(object_id(member)) == id_key(ident) for member in members) else None

        self.client.post_once(send, look)
        with self.lock:
            node.added.append(device)

    def remove_member(self, node: GroupNode, device: Obj) -> None:
        self.client.delete(f'{self.members_path(node.ident)}/{_quote(object_id(device))}',
                           action=f'remove the {self.device_label} {show(str(device.get("name", "")))} from the {self.label} {show(node.path)}')
        with self.lock:
            node.removed.append(device)

    def delete_group(self, node: GroupNode) -> None:
        self.client.delete(self.rtype.item_path(node.ident, None), action=f'delete the {self.label} {show(node.path)}')
        node.deleted = True

    def apply(self) -> None:
        nodes = self.walk()
        if self.state == 'present':
            for depth in sorted({node.depth for node in nodes}):
                level = [node for node in nodes if node.depth == depth]
                jobs: list[t.Callable[[], None]] = [(lambda item=node: self.create(item)) for node in level if node.create]
                jobs += [(lambda item=node: self.update(item)) for node in level if not node.create and node.changes]
                _bounded(jobs)
            jobs = [(lambda item=node, device=device: self.add_member(item, device)) for node in nodes for device in node.add]
            _bounded(jobs)
            _bounded([(lambda item=node, device=device: self.remove_member(item, device)) for node in nodes for device in node.remove])
            return
        # Deepest first: members out, then the group, so that a server which refuses non-empty groups deletes them too.
        doomed = [node for node in nodes if node.delete]
        for depth in sorted({node.depth for node in doomed}, reverse=True):
            level = [node for node in doomed if node.depth == depth]
            _bounded([(lambda item=node, device=device: self.remove_member(item, device)) for node in level for device in node.remove])
            _bounded([(lambda item=node: self.delete_group(item)) for node in level])

    # -- the result ----------------------------------------------------------------------------------------

    @staticmethod
    def device_ref(device: Obj) -> dict[str, str]:
        return {'id': object_id(device), 'name': str(device.get('name', ''))}

    def item(self, node: GroupNode, done_only: bool) -> dict[str, t.Any] | None:
        """One group of the result: planned (check mode, and the diff), or as done (``done_only``: a run, or a failed one)."""
        if self.state == 'absent':
            if not node.delete:
                return self.entry(node, 'unchanged') if node.listed else None
            if done_only:
                return self.entry(node, 'deleted' if node.deleted else 'not_done', removed=node.removed)
            return self.entry(node, 'deleted', removed=node.remove)
        if not node.listed and not node.create:
            return None
        if not done_only:
            action = 'created' if node.create else 'updated' if node.changes or node.add or node.remove else 'unchanged'
            return self.entry(node, action, fields=node.changes, added=node.add, removed=node.remove)
        if node.created:
            action = 'created'
        elif node.updated or node.added or node.removed:
            action = 'updated'
        elif node.create or node.changes or node.add or node.remove:
            action = 'not_done'
        else:
            action = 'unchanged'
        return self.entry(node, action, fields=node.changes if node.updated or node.created else {}, added=node.added, removed=node.removed)

    def entry(self, node: GroupNode, action: str, *, fields: t.Iterable[str] = (), added: t.Sequence[Obj] = (),
              removed: t.Sequence[Obj] = ()) -> dict[str, t.Any]:
        return {'path': node.path, 'id': node.ident or None, 'action': action, 'changed_fields': sorted(fields),
                'members_added': [self.device_ref(device) for device in added],
                'members_removed': [self.device_ref(device) for device in removed]}

    def view(self, node: GroupNode, after: bool) -> dict[str, t.Any]:
        shown: dict[str, t.Any] = {}
        if node.ident:
            shown['id'] = node.ident
        if node.description is not None or (after and node.create):
            if after:
                shown['description'] = node.description if node.description is not None else ''
            else:
                shown['description'] = (node.obj or {}).get('description', '')
        if node.members is not None or node.delete:
            members = {id_key(object_id(device)): device for device in (node.current_members or [])}
            if after:
                for device in node.remove:
                    members.pop(id_key(object_id(device)), None)
                for device in node.add:
                    members[id_key(object_id(device))] = device
                if node.delete:
                    members = {}
            shown['members'] = sorted(str(device.get('name', '')) for device in members.values())
        return shown

    def result(self, done_only: bool = False) -> dict[str, t.Any]:
        items = [item for item in (self.item(node, done_only) for node in self.walk()) if item is not None]
        before: dict[str, t.Any] = {}
        after: dict[str, t.Any] = {}
        for node, item in ((node, self.item(node, False)) for node in self.walk()):
            if item is None or item['action'] == 'unchanged':
                continue
            if not node.create:
                before[node.path] = self.view(node, after=False)
            if not node.delete:
                after[node.path] = self.view(node, after=True)
        totals = {action: sum(1 for item in items if item['action'] == action) for action in ('created', 'updated', 'deleted', 'unchanged')}
        totals['members_added'] = sum(len(item['members_added']) for item in items)
        totals['members_removed'] = sum(len(item['members_removed']) for item in items)
        changed = any(item['action'] in ('created', 'updated', 'deleted') for item in items)
        result: dict[str, t.Any] = dict(changed=changed, groups=items, totals=totals, diff={'before': before, 'after': after})
        if self.params['path'] is not None:
            names = split_path(self.params['path'], 'path')
            result['group'] = next((item for item in items if item['path'] == join_path(names)), None)
        return result

    def run(self) -> dict[str, t.Any]:
        self.parse()
        self.client = self.module.client
        self.read()
        self.plan()
        for warning in self.warnings:
            self.module.warn(warning)
        planned = self.result()
        if not planned['changed'] or self.module.check_mode:
            return planned
        try:
            self.apply()
        except XProtectError as error:
            partial = self.result(done_only=True)
            done = sum(1 for item in partial['groups'] if item['action'] in ('created', 'updated', 'deleted'))
            error.add_note(f'{done} group(s) were changed before this failure (see groups); run the task again: it continues from where '
                           'it stopped.' if done else 'Nothing else was changed.')
            error.result = partial  # type: ignore[attr-defined]
            raise
        return self.result(done_only=True)


def _refused_subgroup(error: XProtectError) -> bool:
    """The server's answer to a POST it does not serve (400 "Unknown request", 404, 405): no subgroup create here."""
    texts = ' '.join(error.details).lower()
    return error.status in (404, 405) or 'unknown request' in texts or 'not supported' in texts or 'unknown resource' in texts


def manage_device_group(module: t.Any) -> dict[str, t.Any]:
    """The job of milestone.xprotect.device_group."""
    return GroupJob(module).run()


# == roles =============================================================================================

SID_RE = re.compile(r'^S-1-\d+(?:-\d+)+$', re.IGNORECASE)
PERMISSION_VALUES = {'allow': 'Allow', 'deny': 'Deny', 'none': 'None'}
#: Keys of a ChangeOverallSecurityPermissions answer that are not permissions.
TASK_KEYS = frozenset(('securitynamespace', 'state', 'path', 'sessiondataid', 'displayname', 'errortext', 'errorcode', 'progress',
                       'relations', 'id'))
ADMINISTRATORS_NOTE = 'the Administrators role has every permission; overall security settings do not apply to it'


@dataclasses.dataclass(frozen=True)
class RoleMember:
    """One entry of ``members``: a SID, a Windows account (``DOMAIN\\name``, ``name@domain``) or a basic user's name."""

    text: str
    where: str
    kind: str  # sid, windows or basic

    @classmethod
    def parse(cls, value: t.Any, where: str) -> 'RoleMember':
        if not isinstance(value, str) or not value.strip():
            raise InputError(f'{where} must be a basic user name, a Windows account (DOMAIN\\name) or a SID (S-1-5-21-...), not {value!r}')
        text = value.strip()
        if SID_RE.match(text):
            return cls(text.upper(), where, 'sid')
        if text.upper().startswith('[BASIC]\\'):
            return cls(text[len('[BASIC]\\'):], where, 'basic')
        if '\\' in text or '@' in text:
            return cls(text, where, 'windows')
        return cls(value, where, 'basic')


def member_ref(user: Obj) -> dict[str, str]:
    """A role member as the result shows it: SID and name (DOMAIN\\account, or the basic user's name)."""
    domain, account = str(user.get('domain') or ''), str(user.get('accountName') or user.get('name') or user.get('displayName') or '')
    name = account if not domain or domain.upper() == '[BASIC]' else f'{domain}\\{account}'
    return {'sid': str(user.get('sid', '')), 'name': name}


def _windows_names(user: Obj) -> set[str]:
    domain, account = str(user.get('domain') or ''), str(user.get('accountName') or '')
    names = {str(user.get('displayName') or '').lower(), str(user.get('name') or '').lower()}
    if domain and account:
        names |= {f'{domain}\\{account}'.lower(), f'{account}@{domain}'.lower()}
    return names - {''}


def parse_overall_permissions(value: t.Any) -> dict[str, dict[str, str]]:
    """``{Cameras: {GENERIC_READ: Allow, EXPORT: Deny}}``, checked before any request."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError('overall_permissions must be a dictionary of security namespaces, each a dictionary of permissions, for '
                         'example {Cameras: {GENERIC_READ: Allow, EXPORT: Deny}}')
    parsed: dict[str, dict[str, str]] = {}
    for namespace, permissions in value.items():
        where = f'overall_permissions.{namespace}'
        if not isinstance(namespace, str) or not namespace.strip():
            raise InputError('overall_permissions has a blank security namespace; give its name (Cameras) or id')
        if not isinstance(permissions, dict) or not permissions:
            raise InputError(f'{where} must be a dictionary of permissions such as {{GENERIC_READ: Allow}}')
        checked = {}
        for key, wanted in permissions.items():
            if not isinstance(key, str) or not key.strip():
                raise InputError(f'{where} has a blank permission name')
            canonical = PERMISSION_VALUES.get(wanted.strip().lower()) if isinstance(wanted, str) else None
            if canonical is None:
                raise InputError(f'{where}.{key} must be Allow, Deny or None (quoted in YAML), not {wanted!r}')
            checked[key.strip()] = canonical
        parsed[namespace.strip()] = checked
    return parsed


def _permission_values(answer: t.Mapping[str, t.Any]) -> dict[str, str]:
    """The permissions in a ChangeOverallSecurityPermissions answer (``result`` or ``params``): name -> Allow/Deny/None."""
    values = {}
    for key, value in answer.items():
        if str(key).lower() in TASK_KEYS or not isinstance(value, str):
            continue
        canonical = PERMISSION_VALUES.get(value.strip().lower())
        if canonical is not None:
            values[str(key)] = canonical
    return values


@dataclasses.dataclass
class NamespacePlan:
    """The overall permissions of one security namespace: asked, found, to change, done."""

    given: str
    wanted: dict[str, str]
    ident: str = ''
    name: str = ''
    actions: list[str] = dataclasses.field(default_factory=list)
    current: dict[str, str] | None = None
    changes: dict[str, str] = dataclasses.field(default_factory=dict)
    done: bool = False

    def as_result(self, check_mode: bool) -> dict[str, t.Any]:
        if self.current is None:
            status = 'not_compared' if check_mode else 'not_done'
        elif not self.changes:
            status = 'unchanged'
        else:
            status = 'changed' if self.done or check_mode else 'not_done'
        return {'namespace': self.name or self.given, 'id': self.ident or None, 'status': status, 'changes': dict(self.changes)}


class RoleJob:  # pylint: disable=too-many-instance-attributes
    """The job of milestone.xprotect.role: fields with the planner, members and overall permissions with tasks."""

    def __init__(self, module: t.Any) -> None:
        self.module = module
        self.params = module.params
        self.client: t.Any = None
        self.rtype = generic.ResourceType('roles')
        self.kind = self.rtype.kind(None)
        self.warnings: list[str] = []
        self.role: Obj = {}
        self.plan: planner.OnePlan | None = None
        self.current_members: list[Obj] = []
        self.add: list[Obj] = []
        self.remove: list[Obj] = []
        self.added: list[Obj] = []
        self.removed: list[Obj] = []
        self.namespaces: list[NamespacePlan] = []
        #: the client profile asked for: {name, id, current (its id, once read), status}
        self.profile: dict[str, t.Any] | None = None
        self.written = False
        self.lock = threading.Lock()

    # -- input -----------------------------------------------------------------------------------------

    def check_input(self) -> tuple[str | None, str | None, dict[str, t.Any], list[RoleMember]]:
        params = self.params
        name = self.kind.check_name(params['name'], 'name') if params['name'] is not None else None
        ident = self.kind.check_id(params['id'], 'id') if params['id'] is not None else None
        if name is None and ident is None:
            raise InputError('name is required (or id, to address the role by id)')
        properties = generic.check_properties(self.rtype, params['properties'], 'properties')
        if 'name' in properties:
            raise InputError('properties.name: give the name with the name option (with id, to rename the role)')
        members = [RoleMember.parse(value, f'members[{index}]') for index, value in enumerate(params['members'] or [])]
        sids = [member.text.upper() for member in members if member.kind == 'sid']
        named = [member.text.lower() for member in members if member.kind != 'sid']
        for values in (sids, named):
            repeated = sorted({value for value in values if values.count(value) > 1})
            if repeated:
                raise InputError(f'members lists {", ".join(repeated)} more than once; list every member once')
        if params['purge_members'] and params['members'] is None:
            raise InputError('purge_members removes the members that members does not list; give members')
        overall = parse_overall_permissions(params['overall_permissions'])
        profile = params['client_profile']
        if profile is not None and (not isinstance(profile, str) or not profile.strip()):
            raise InputError('client_profile is blank; give the name or id of a client profile')
        if params['state'] == 'absent' and (properties or params['members'] is not None or overall or params['purge_members']
                                            or profile is not None):
            raise InputError('properties, members, purge_members, overall_permissions and client_profile only work with state=present')
        self.namespaces = [NamespacePlan(given, wanted) for given, wanted in overall.items()]
        return name, ident, properties, members

    # -- members -----------------------------------------------------------------------------------------

    def resolve_members(self, members: list[RoleMember]) -> list[dict[str, str]]:
        """Each entry as the SID to hold (and a name to show); what cannot be resolved fails before any write."""
        basic_users: list[Obj] | None = None
        if any(member.kind == 'basic' for member in members):
            basic_users = generic.Reader(self.client).list(generic.ResourceType('basicUsers'), None)
        wanted: dict[str, dict[str, str]] = {}
        problems = []
        for member in members:
            if member.kind == 'sid':
                holder = next((user for user in self.current_members if str(user.get('sid', '')).upper() == member.text), None)
                wanted[member.text] = member_ref(holder) if holder else {'sid': member.text, 'name': member.text}
            elif member.kind == 'windows':
                holder = next((user for user in self.current_members if member.text.lower() in _windows_names(user)), None)
                if holder is None:
                    problems.append(f'{member.where}: {show(member.text)} is not a member of the role, and XProtect adds Windows '
                                    'accounts and groups by SID, which its REST API cannot look up; give the SID of '
                                    f'{show(member.text)} (for example from "Get-ADUser" or "whoami /user")')
                else:
                    wanted[str(holder.get('sid', '')).upper()] = member_ref(holder)
            else:
                users = [user for user in basic_users or [] if str(user.get('name', '')) == member.text]
                if not users and self.module.check_mode:
                    # An earlier task of the play may create it; check mode did not.
                    self.warnings.append(f'{member.where}: no basic user is named {show(member.text)} yet; check mode counts it '
                                         'as added, a real run fails unless an earlier task creates it')
                    wanted[f'basic:{member.text}'] = {'sid': '', 'name': member.text}
                elif not users:
                    names = [str(user.get('name', '')) for user in basic_users or []]
                    close = difflib.get_close_matches(member.text, names, n=3)
                    hint = f' (did you mean {", ".join(show(name) for name in close)}?)' if close else ''
                    problems.append(f'{member.where}: no basic user is named {show(member.text)}{hint}; create it first '
                                    '(milestone.xprotect.basic_user), or give a Windows account as DOMAIN\\name or a SID')
                elif not users[0].get('sid'):
                    problems.append(f'{member.where}: the basic user {show(member.text)} has no SID in the server\'s answer')
                else:
                    wanted[str(users[0]['sid']).upper()] = {'sid': str(users[0]['sid']), 'name': member.text}
        if problems:
            raise ConflictError('; '.join(problems) + '. Nothing was changed.')
        return list(wanted.values())

    def plan_members(self, members: list[RoleMember], builtin: bool) -> None:
        if self.params['members'] is None:
            return
        wanted = self.resolve_members(members)
        have = {str(user.get('sid', '')).upper() for user in self.current_members}
        self.add = [dict(ref) for ref in wanted if ref['sid'].upper() not in have]
        if self.params['purge_members']:
            keep = {ref['sid'].upper() for ref in wanted}
            self.remove = [user for user in self.current_members if str(user.get('sid', '')).upper() not in keep]
        if builtin and self.current_members and len(self.remove) == len(self.current_members) and not self.add:
            raise ConflictError(f'The role {self.kind.describe(self.role)} is the built-in Administrators role; XProtect must keep '
                                'at least one member in it, and this task would remove all of them. Nothing was changed.')

    def member_task(self, runner: TaskRunner, task: str, body: dict[str, t.Any], who: str) -> None:
        role_id = object_id(self.role)
        verb = 'add' if task == 'AddRoleMember' else 'remove'
        preposition = 'to' if verb == 'add' else 'from'
        _run_task(runner, f'roles/{_quote(role_id)}/users', task, body,
                  f'{verb} {show(who)} {preposition} the role {self.kind.describe(self.role)}')

    def apply_members(self, runner: TaskRunner) -> None:
        def add(ref: Obj) -> None:
            self.member_task(runner, 'AddRoleMember', {'sid': ref['sid']}, ref['name'])
            with self.lock:
                self.added.append(ref)

        def remove(user: Obj) -> None:
            ident = object_id(user)
            self.member_task(runner, 'RemoveRoleMember', {'itemSelection': f'User[{ident.upper()}]'}, member_ref(user)['name'])
            with self.lock:
                self.removed.append(user)

        # Adds first: a role is never emptier than it has to be, even if a removal fails.
        _bounded([(lambda ref=ref: add(ref)) for ref in self.add], workers=8)
        _bounded([(lambda user=user: remove(user)) for user in self.remove], workers=8)

    # -- overall permissions -----------------------------------------------------------------------------

    def resolve_namespaces(self) -> None:
        if not self.namespaces:
            return
        rtype = generic.ResourceType('securityNamespaces')
        try:
            known = generic.Reader(self.client).list(rtype, None)
        except NotFoundError:
            known = None  # before 2024 R2: no list of namespaces; ids still work
        problems = []
        for plan in self.namespaces:
            if known is None:
                if not is_id(plan.given):
                    problems.append(f'overall_permissions.{plan.given}: this server does not list security namespaces (it came with '
                                    'XProtect 2024 R2); give the namespace by id')
                plan.ident = plan.given.lower()
                continue
            found = [ns for ns in known if id_key(object_id(ns)) == id_key(plan.given)] if is_id(plan.given) else \
                [ns for ns in known if plan.given in (str(ns.get('name', '')), str(ns.get('displayName', '')))] or \
                [ns for ns in known if plan.given.lower() in (str(ns.get('name', '')).lower(), str(ns.get('displayName', '')).lower())]
            if len(found) != 1:
                names = sorted({str(ns.get('displayName') or ns.get('name') or '') for ns in known})
                what = 'fits several security namespaces' if found else 'is not a security namespace of this server'
                problems.append(f'overall_permissions.{plan.given}: {show(plan.given)} {what}; the namespaces are: {", ".join(names)}')
                continue
            namespace = found[0]
            plan.ident, plan.name = object_id(namespace), str(namespace.get('displayName') or namespace.get('name') or plan.given)
            plan.actions = [str(action.get('name')) for action in namespace.get('securityActions') or [] if isinstance(action, dict)]
            if plan.actions:
                by_lower = {action.lower(): action for action in plan.actions}
                unknown = sorted(key for key in plan.wanted if key.lower() not in by_lower)
                if unknown:
                    problems.append(f'overall_permissions.{plan.given}: {", ".join(unknown)} {"is" if len(unknown) == 1 else "are"} not '
                                    f'a permission of {show(plan.name)}; its permissions are: {", ".join(plan.actions)}')
                plan.wanted = {by_lower.get(key.lower(), key): value for key, value in plan.wanted.items()}
        if problems:
            raise ConflictError('; '.join(problems) + '. Nothing was changed.')

    def read_permissions(self, runner: TaskRunner, plan: NamespacePlan) -> None:
        """The role's permissions in one namespace: the task invoked with the namespace alone answers them."""
        path = f'roles/{_quote(object_id(self.role))}'
        action = f'read the overall {plan.name or plan.given} permissions of the role {self.kind.describe(self.role)}'
        try:
            answer = _run_task(runner, path, 'ChangeOverallSecurityPermissions', {'securityNamespace': plan.ident}, action)
        except BadRequestError as error:
            if not error.params:
                raise
            answer = dict(error.params)  # a server that asks for the permissions, offering their current values
        plan.current = _permission_values(answer)
        plan.changes = {key: value for key, value in plan.wanted.items() if plan.current.get(key) != value}

    def write_permissions(self, runner: TaskRunner, plan: NamespacePlan) -> None:
        body: dict[str, t.Any] = {'securityNamespace': plan.ident}
        body.update(plan.current or {})
        body.update(plan.wanted)
        _run_task(runner, f'roles/{_quote(object_id(self.role))}', 'ChangeOverallSecurityPermissions', body,
                  f'change {", ".join(sorted(plan.changes))} of the overall {plan.name or plan.given} permissions of the role '
                  f'{self.kind.describe(self.role)}')
        plan.done = True

    # -- client profile ----------------------------------------------------------------------------------

    def resolve_profile(self) -> None:
        given = self.params['client_profile']
        if given is None:
            return
        profiles = generic.Reader(self.client).list(generic.ResourceType('clientProfiles'), None)
        given = given.strip()
        found = [item for item in profiles if id_key(object_id(item)) == id_key(given)] if is_id(given) else \
            [item for item in profiles if str(item.get('name', '')) == given]
        if len(found) != 1:
            listed = ', '.join(show(str(item.get('name', ''))) for item in profiles)
            what = 'is the name of several client profiles' if found else 'is not a client profile of this server'
            raise ConflictError(f'client_profile: {show(given)} {what}; the client profiles are: {listed}. Nothing was changed.')
        self.profile = {'name': str(found[0].get('name', '')), 'id': object_id(found[0]), 'current': None, 'status': 'not_compared'}

    def apply_profile(self, runner: TaskRunner) -> None:
        """SetClientProfile invoked without parameters answers them with the current value; set only when it differs."""
        profile = t.cast(dict, self.profile)
        path = f'roles/{_quote(object_id(self.role))}'
        profile['status'] = 'not_done'
        try:
            self.client.tasks.invoke(path, 'SetClientProfile', {}, action=f'read the client profile of the role {self.kind.describe(self.role)}')
            current = None  # a server that runs the task without parameters shows nothing to compare
        except BadRequestError as error:
            if not error.params:
                raise
            current = generic.reference_id(error.params.get('itemSelection'))
        profile['current'] = current
        if current == id_key(profile['id']):
            profile['status'] = 'unchanged'
            return
        _run_task(runner, path, 'SetClientProfile', {'itemSelection': f"ClientProfile[{profile['id'].upper()}]"},
                  f"set the client profile of the role {self.kind.describe(self.role)} to {show(profile['name'])}")
        profile['status'] = 'changed'

    # -- the run -----------------------------------------------------------------------------------------

    def result(self) -> dict[str, t.Any]:
        plan = t.cast(planner.OnePlan, self.plan)
        check = self.module.check_mode
        done = not check
        added = [dict(ref) for ref in (self.added if done else self.add)]
        removed = [member_ref(user) for user in (self.removed if done else self.remove)]
        gone = {ref['sid'].upper() for ref in removed}
        after_members = [member_ref(user) for user in self.current_members if str(user.get('sid', '')).upper() not in gone] + added
        namespaces = [ns.as_result(check) for ns in self.namespaces]
        role_changed = plan.changed if check else self.written
        profile_changed = self.profile is not None and self.profile['status'] == 'changed'
        changed = role_changed or bool(added or removed) or any(ns['status'] == 'changed' for ns in namespaces) or profile_changed
        if role_changed:
            action = {'create': 'created', 'rename': 'updated', 'update': 'updated', 'delete': 'deleted'}[plan.action]
        elif plan.changed:
            action = 'not_done'  # a real run that failed before the role was written
        else:
            action = 'updated' if changed else 'unchanged'
        fields = sorted(plan.changes) if plan.action in ('rename', 'update') else sorted(plan.properties) if plan.action == 'create' else []
        role = {key: value for key, value in self.role.items() if key not in planner.CREATE_STATUS_FIELDS}
        before: dict[str, t.Any] = {}
        after: dict[str, t.Any] = {}
        if plan.action != 'create':
            before = self.view(plan.obj, sorted(plan.changes), [member_ref(user) for user in self.current_members],
                               {ns.name or ns.given: {key: (ns.current or {}).get(key) for key in ns.changes} for ns in self.namespaces if ns.changes})
        if plan.action != 'delete':
            after = self.view(role, fields, after_members,
                              {ns.name or ns.given: dict(ns.changes) for ns in self.namespaces if ns.changes})
        result = dict(changed=changed, role=role, action=action, changed_fields=fields, members=after_members, members_added=added,
                      members_removed=removed, overall_permissions=namespaces, diff={'before': before, 'after': after})
        if self.profile is not None:
            result['client_profile'] = {key: self.profile[key] for key in ('name', 'id', 'status')}
            if profile_changed:
                before['client_profile'] = self.profile['current']
                after['client_profile'] = self.profile['name']
        return result

    def view(self, obj: Obj, fields: t.Sequence[str], members: list[dict[str, str]], permissions: dict[str, t.Any]) -> dict[str, t.Any]:
        shown = _view(obj, fields)
        if self.params['members'] is not None:
            shown['members'] = sorted(ref['name'] for ref in members)
        if permissions:
            shown['overall_permissions'] = permissions
        return shown

    def run(self) -> dict[str, t.Any]:
        name, ident, properties, members = self.check_input()
        self.client = self.module.client
        reader = generic.Reader(self.client)
        existing = reader.list(self.rtype, None)
        try:
            self.plan = planner.plan_one(self.kind, existing, name=name, wanted_id=ident, state=self.params['state'], properties=properties)
        except ConflictError as error:
            error.add_note('Nothing was changed.')
            raise
        plan = self.plan
        self.role = dict(plan.obj)
        builtin = bool(self.kind.builtin(plan.obj)) if plan.action != 'create' else False
        if builtin and self.namespaces:
            raise ConflictError(f'overall_permissions: {ADMINISTRATORS_NOTE} ({self.kind.describe(plan.obj)}). Nothing was changed.')
        if plan.action != 'create' and object_id(plan.obj) and self.params['members'] is not None:
            self.current_members = self.client.list(f'roles/{_quote(object_id(plan.obj))}/users',
                                                    action=f'list the members of the role {self.kind.describe(plan.obj)}')
        self.plan_members(members, builtin)
        self.resolve_namespaces()
        self.resolve_profile()
        self.warnings.extend(plan.warnings)
        for warning in self.warnings:
            self.module.warn(warning)
        if plan.action in ('rename', 'update'):
            self.role = self.kind.updated_copy(plan.obj, plan.changes)
        if self.module.check_mode:
            if self.namespaces:
                self.module.warn('overall_permissions were not compared: reading them takes a ChangeOverallSecurityPermissions task '
                                 'invocation, which check mode does not send; a real run reads them and writes only what differs')
            if self.profile is not None:
                self.module.warn('client_profile was not compared: reading it takes a SetClientProfile task invocation, which check '
                                 'mode does not send; a real run reads it and sets it only if it differs')
            return self.result()
        try:
            self.apply()
        except XProtectError as error:
            error.add_note('What was done before this failure is in the result; run the task again: it continues from where it stopped.'
                           if self.written or self.added or self.removed else 'Nothing else was changed.')
            error.result = self.result()  # type: ignore[attr-defined]
            raise
        return self.result()

    def apply(self) -> None:
        plan = t.cast(planner.OnePlan, self.plan)
        if self.profile is not None:
            self.profile['status'] = 'not_done'
        if plan.changed:
            known = len(plan.warnings)
            answer = planner.apply_one(generic.GenericWriter(self.client, self.kind, []), plan)
            self.written = True
            if plan.action == 'delete':
                return
            self.role = dict(answer) if answer else self.role
            for warning in plan.warnings[known:]:
                self.module.warn(warning)
        runner = _task_runner(self.client)
        self.apply_members(runner)
        if self.profile is not None:
            self.apply_profile(runner)
        if self.namespaces:
            _bounded([(lambda ns=ns: self.read_permissions(runner, ns)) for ns in self.namespaces], workers=4)
            _bounded([(lambda ns=ns: self.write_permissions(runner, ns)) for ns in self.namespaces if ns.changes], workers=4)


def manage_role(module: t.Any) -> dict[str, t.Any]:
    """The job of milestone.xprotect.role."""
    return RoleJob(module).run()


# == basic users ===========================================================================================

BASIC_USER_FIELDS = {'description': 'description', 'can_change_password': 'canChangePassword',
                     'force_password_change': 'forcePasswordChange', 'status': 'status'}
USER_STATUSES = ('Enabled', 'LockedOutByAdmin')


def manage_basic_user(module: t.Any) -> dict[str, t.Any]:  # pylint: disable=too-many-locals,too-many-branches,too-many-statements
    """The job of milestone.xprotect.basic_user."""
    params = module.params
    rtype = generic.ResourceType('basicUsers')
    kind = rtype.kind(None)
    password = params['user_password']
    if password is not None:
        module.add_secret(password)
        if password == '':
            raise InputError('user_password is empty; give the basic user a password (from a vault), or leave user_password out to keep it')
    name = kind.check_name(params['name'], 'name') if params['name'] is not None else None
    ident = kind.check_id(params['id'], 'id') if params['id'] is not None else None
    if name is None and ident is None:
        raise InputError('name is required (or id, to address the basic user by id)')
    properties = {field: params[option] for option, field in BASIC_USER_FIELDS.items() if params.get(option) is not None}
    state = params['state']
    if state == 'absent' and (properties or password is not None):
        raise InputError('user_password, description, can_change_password, force_password_change and status only work with state=present')
    if params['update_password'] == 'always' and password is None:
        raise InputError('update_password=always sets the password on every run: give user_password')
    client = module.client
    existing = generic.Reader(client).list(rtype, None)
    try:
        plan = planner.plan_one(kind, existing, name=name, wanted_id=ident, state=state, properties=properties)
    except ConflictError as error:
        error.add_note('Nothing was changed.')
        raise
    if plan.action == 'rename':
        raise ConflictError(f'The basic user {kind.describe(plan.obj)} cannot be renamed to {show(str(name))}: XProtect keeps the name a '
                            'basic user was created with (the Config API marks it read-only). Create a basic user with the new name '
                            'and remove the old one (state=absent). Nothing was changed.')
    if plan.action == 'create' and password is None:
        raise ConflictError(f'No basic user is named {show(plan.name)}, and a new basic user needs a password: give user_password. '
                            'Nothing was changed.')
    set_password = password is not None and (plan.action == 'create' or params['update_password'] == 'always')
    for warning in plan.warnings:
        module.warn(warning)
    user = dict(plan.obj)
    if plan.action == 'update':
        user = kind.updated_copy(plan.obj, plan.changes)
    password_done = False
    if not module.check_mode and (plan.changed or set_password):
        runner = _task_runner(client)
        try:
            if plan.action == 'create':
                user, password_done = _create_basic_user(client, kind, plan, t.cast(str, password), existing)
            elif plan.changed:
                user = planner.apply_one(generic.GenericWriter(client, kind, existing), plan)
            if set_password and not password_done and plan.action != 'delete':
                _run_task(runner, f'basicUsers/{_quote(object_id(user))}', 'ChangePasswordBasicUser', {'password': password},
                          f'set the password of the basic user {kind.describe(user)}')
                password_done = True
        except XProtectError as error:
            created = plan.action == 'create' and object_id(user)
            if created:
                error.add_note(f'The basic user was created (id {object_id(user)}) but its password was not set; run the task again with '
                               'update_password=always.')
            error.result = dict(changed=bool(created), user=_strip(rtype, user), action='created' if created else 'not_done',  # type: ignore[attr-defined]
                                changed_fields=[], password_changed=False)
            raise
    user = _strip(rtype, user)
    fields = sorted(plan.changes) if plan.action == 'update' else sorted(plan.properties) if plan.action == 'create' else []
    if set_password:
        fields = sorted(set(fields) | {'password'})
    action = {'create': 'created', 'update': 'updated', 'delete': 'deleted'}.get(plan.action, 'updated' if set_password else 'unchanged')
    before: dict[str, t.Any] = {}
    after: dict[str, t.Any] = {}
    shown = [field for field in fields if field != 'password']
    if plan.action != 'create':
        before = _view(plan.obj, shown)
        if set_password:
            before['password'] = MASK
    if plan.action != 'delete':
        after = _view(user if plan.action != 'create' else dict(user, **plan.properties), shown)
        if set_password:
            after['password'] = MASK + ' (new)'
    return dict(changed=plan.changed or set_password, user=user, action=action, changed_fields=fields,
                password_changed=set_password and (password_done or module.check_mode), diff={'before': before, 'after': after})


def _strip(rtype: generic.ResourceType, obj: Obj) -> Obj:
    return {key: value for key, value in obj.items() if key not in rtype.secrets() and key not in planner.CREATE_STATUS_FIELDS
            and key != 'password'}


def _create_basic_user(client: t.Any, kind: planner.Kind, plan: planner.OnePlan, password: str,
                       existing: list[Obj]) -> tuple[Obj, bool]:
    """POST the user; a server that wants the password in the create (as its AddBasicUser does) gets it there."""
    writer = generic.GenericWriter(client, kind, existing)
    try:
        return writer.create(plan.name, plan.properties), False
    except BadRequestError as error:
        asked = {str(key).lower() for key in (error.params or {})}
        if 'password' not in asked:
            raise
    return writer.create(plan.name, dict(plan.properties, password=password)), True
