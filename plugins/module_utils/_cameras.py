# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding cameras: by id, exact name, shell-style pattern or camera group, plus their PTZ details.

Shared by ``camera_info``, ``ptz_task`` and the inventory plugin; it knows the API (through the client)
and nothing of Ansible. Two rules keep it fast on sites with thousands of cameras:

* names are matched locally against one paged list of cameras, never with one request per camera;
* per-camera extras (PTZ presets, PTZ tasks) are read with bounded concurrency.

``GET /cameras`` lists enabled cameras only; ``?disabled`` adds the disabled ones (docs/xprotect-api.md §4).
Camera groups nest (``/cameraGroups/{id}/cameraGroups``); a group's cameras are those of the group and
of all its subgroups.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import typing as t
from urllib.parse import quote

from ._concurrency import map_all, map_bounded
from ._errors import InputError, NotFoundError, XProtectError
from ._ids import is_id, object_id

PATTERN_CHARACTERS = frozenset('*?[')
INCLUDE_CHOICES = ('ptz_presets', 'ptz_tasks')
PTZ_PRESETS_PATH = 'cameras/{camera_id}/ptzPresets'
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64
#: Up to this many cameras given by id are read one by one; more are matched against one paged list
#: (reading 5,000 cameras to find one would cost more than the one GET).
BY_ID_LIMIT = 20
#: How many problems an error message spells out before it summarises the rest.
MESSAGE_LIMIT = 10

Camera = t.Dict[str, t.Any]


class CameraSelectionError(NotFoundError):
    """A camera or camera group given by id or name does not exist, or a name fits more than one."""

    hint = ''


# -- small helpers -------------------------------------------------------------------------------------

def is_pattern(text: str) -> bool:
    """True for a shell-style pattern (``Lobby*``, ``Gate ?``, ``[AB]*``)."""
    return any(character in PATTERN_CHARACTERS for character in text)


def camera_id(camera: t.Mapping[str, t.Any]) -> str:
    """The camera's id in lower case (ids are GUIDs; the API answers them in lower case, users may not)."""
    return object_id(camera).lower()


def camera_name(camera: t.Mapping[str, t.Any]) -> str:
    return str(camera.get('name') or camera.get('displayName') or '')


def describe(camera: t.Mapping[str, t.Any]) -> str:
    """``'Lobby 0001' (0a1b...)`` for messages."""
    return f"'{camera_name(camera)}' ({camera_id(camera)})"


def ptz_capability(camera: t.Mapping[str, t.Any]) -> bool | None:
    """True/False from ``ptzEnabled``; None when the server does not send the field (before 2023)."""
    value = camera.get('ptzEnabled')
    return value if isinstance(value, bool) else None


def sort_cameras(cameras: t.Iterable[Camera]) -> list[Camera]:
    """A stable order that does not depend on the server: by name (case-insensitively), then id."""
    return sorted(cameras, key=lambda camera: (camera_name(camera).casefold(), camera_name(camera), camera_id(camera)))


def unique_by_id(cameras: t.Iterable[Camera]) -> list[Camera]:
    """The cameras without repeats, first occurrence kept."""
    seen: set[str] = set()
    unique = []
    for camera in cameras:
        ident = camera_id(camera)
        if ident not in seen:
            seen.add(ident)
            unique.append(camera)
    return unique


def name_matches(camera: t.Mapping[str, t.Any], name: str) -> bool:
    """Exact, case-sensitive match, or a shell-style pattern (``fnmatchcase``)."""
    actual = camera_name(camera)
    if is_pattern(name):
        return fnmatch.fnmatchcase(actual, name)
    return actual == name


def summarize(items: t.Sequence[str], separator: str = '; ') -> str:
    """The first few items joined, and how many more there are (a message must stay readable)."""
    shown = list(items[:MESSAGE_LIMIT])
    if len(items) > MESSAGE_LIMIT:
        shown.append(f'and {len(items) - MESSAGE_LIMIT} more')
    return separator.join(shown)


# -- reading cameras -----------------------------------------------------------------------------------

def disabled_flag(include_disabled: bool) -> list[tuple[str, t.Any]]:
    return [('disabled', None)] if include_disabled else []


def list_cameras(client: t.Any, *, include_disabled: bool) -> list[Camera]:
    """Every camera (every page); disabled ones only with ``include_disabled``."""
    return client.list('cameras', params=disabled_flag(include_disabled), action='list the cameras')


def get_camera(client: t.Any, ident: str) -> Camera:
    """One camera by id (enabled or not, as the API returns it), or ``CameraSelectionError``."""
    ident = ident.strip()
    if not is_id(ident):
        raise CameraSelectionError(f"'{ident}' is not a camera id (a GUID such as 0a1b2c3d-0000-4000-8000-00000000abcd)",
                                   action='find the camera')
    try:
        return client.get_data(f'cameras/{quote(ident, safe="")}', action=f'read camera {ident}')
    except NotFoundError:
        raise CameraSelectionError(f'no camera has the id {ident}', action='find the camera', status=404) from None


class CameraIndex:
    """Cameras indexed by id and by exact name, for resolving what a user typed."""

    def __init__(self, cameras: t.Iterable[Camera]) -> None:
        self.cameras = list(cameras)
        self.by_id: dict[str, Camera] = {}
        self.by_name: dict[str, list[Camera]] = {}
        for camera in self.cameras:
            self.by_id[camera_id(camera)] = camera
            self.by_name.setdefault(camera_name(camera), []).append(camera)

    def resolve(self, reference: str) -> Camera:
        """The camera whose id or exact name is ``reference``; ``CameraSelectionError`` explains a miss."""
        reference = reference.strip()
        if is_id(reference) and reference.lower() in self.by_id:
            return self.by_id[reference.lower()]
        matches = self.by_name.get(reference, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            ids = ', '.join(camera_id(camera) for camera in matches)
            raise CameraSelectionError(f"the name '{reference}' fits {len(matches)} cameras ({ids}); give the id instead")
        raise CameraSelectionError(self.miss(reference))

    def miss(self, reference: str) -> str:
        if is_id(reference):
            return f'no camera has the id {reference}'
        text = f"no camera is named '{reference}'"
        if is_pattern(reference):
            return text + ' (patterns are not accepted here; list cameras with milestone.xprotect.camera_info name patterns first)'
        folded = [name for name in self.by_name if name.casefold() == reference.casefold()]
        close = folded or difflib.get_close_matches(reference, list(self.by_name), n=3, cutoff=0.8)
        if close:
            text += ' (did you mean ' + ' or '.join(f"'{name}'" for name in close) + '?)'
        return text


def resolve_cameras(client: t.Any, references: t.Sequence[str], *, workers: int = DEFAULT_CONCURRENCY) -> list[Camera]:
    """The cameras named by ``references`` (ids or exact names), in the given order, each once.

    Disabled cameras are found too: whether a task can run on one is the server's call. Every unknown or
    ambiguous reference is reported at once, before anything else is done.
    """
    cleaned = [str(reference).strip() for reference in references]
    if not cleaned:
        return []
    distinct_ids = {reference.lower() for reference in cleaned}
    problems: list[str] = []
    cameras: list[Camera] = []
    if all(is_id(reference) for reference in cleaned) and len(distinct_ids) <= BY_ID_LIMIT:
        outcomes = map_bounded(lambda ident: get_camera(client, ident), sorted(distinct_ids), workers=workers)
        found: dict[str, Camera] = {}
        for outcome in outcomes:
            if isinstance(outcome.error, CameraSelectionError):
                problems.append(outcome.error.summary)
            elif outcome.error is not None:
                raise outcome.error
            else:
                found[outcome.item] = t.cast(Camera, outcome.value)
        cameras = [found[reference.lower()] for reference in cleaned if reference.lower() in found]
    else:
        index = CameraIndex(list_cameras(client, include_disabled=True))
        for reference in cleaned:
            try:
                cameras.append(index.resolve(reference))
            except CameraSelectionError as error:
                problems.append(error.summary)
    if problems:
        raise CameraSelectionError(summarize(list(dict.fromkeys(problems))), action='find the cameras')
    return unique_by_id(cameras)


# -- camera groups -------------------------------------------------------------------------------------

@dataclasses.dataclass
class GroupTree:
    """Camera groups read so far: by id, their names, their children and their paths (``Site/Area``)."""

    groups: dict[str, dict[str, t.Any]] = dataclasses.field(default_factory=dict)
    children: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    paths: dict[str, str] = dataclasses.field(default_factory=dict)

    def add(self, group: dict[str, t.Any], parent_path: str | None) -> str:
        ident = camera_id(group)
        self.groups[ident] = group
        self.children.setdefault(ident, [])
        name = camera_name(group)
        self.paths[ident] = f'{parent_path}/{name}' if parent_path else name
        return ident

    def subtree(self, root: str) -> list[str]:
        """``root`` and every group below it (each once, even if the server repeats one)."""
        order: list[str] = []
        pending = [root]
        while pending:
            ident = pending.pop(0)
            if ident in order:
                continue
            order.append(ident)
            pending.extend(self.children.get(ident, []))
        return order


def _subgroups(client: t.Any, group_id: str) -> list[dict[str, t.Any]]:
    return client.list(f'cameraGroups/{quote(group_id, safe="")}/cameraGroups', action=f'list the subgroups of camera group {group_id}')


def _walk(client: t.Any, tree: GroupTree, level: list[str], workers: int) -> None:
    """Read the subgroups of ``level``, then of their children, one level at a time, with bounded concurrency."""
    while level:
        next_level: list[str] = []
        for ident, children in map_all(lambda group_id: _subgroups(client, group_id), level, workers=workers):
            for child in children or []:
                child_id = camera_id(child)
                if child_id in tree.groups:
                    continue  # a server that lists a group under itself must not loop us forever
                tree.add(child, tree.paths[ident])
                tree.children[ident].append(child_id)
                next_level.append(child_id)
        level = next_level


def group_miss(reference: str, tree: GroupTree, *, top_level: t.Sequence[str]) -> str:
    """Why no group fits ``reference``: near names at any depth, and the top-level groups."""
    names = sorted({camera_name(group) for group in tree.groups.values()}, key=str.casefold)
    near = [name for name in names if name.casefold() == reference.casefold()] or difflib.get_close_matches(reference, names, n=3, cutoff=0.75)
    text = f"no camera group is named '{reference}'"
    if near:
        text += ' (did you mean ' + ' or '.join(f"'{name}'" for name in near) + '?)'
    top_names = sorted((camera_name(tree.groups[ident]) for ident in top_level), key=str.casefold)
    return text + f"; the top-level groups are: {summarize(top_names, ', ') or 'none'}"


def find_camera_group(client: t.Any, reference: str, *, workers: int = DEFAULT_CONCURRENCY,
                      known: tuple[GroupTree, list[str]] | None = None) -> tuple[dict[str, t.Any], list[str]]:
    """The camera group with this id or exact name, and the ids of it and all its subgroups.

    A name may fit groups at any depth; more than one is an error that lists their paths and ids.
    ``known`` is every camera group already read (``read_camera_groups``); given, the server is not asked again.
    """
    reference = reference.strip()
    if known is not None:
        tree, level = known
        if is_id(reference):
            if reference.lower() not in tree.groups:
                raise CameraSelectionError(f'no camera group has the id {reference}', action='find the camera group', status=404)
            return tree.groups[reference.lower()], tree.subtree(reference.lower())
        return _match_group(tree, level, reference)
    tree = GroupTree()
    if is_id(reference):
        try:
            group = client.get_data(f'cameraGroups/{quote(reference, safe="")}', action=f'read camera group {reference}')
        except NotFoundError:
            raise CameraSelectionError(f'no camera group has the id {reference}', action='find the camera group', status=404) from None
        root = tree.add(group, None)
        _walk(client, tree, [root], workers)
        return group, tree.subtree(root)
    top = client.list('cameraGroups', action='list the camera groups')
    level = [tree.add(group, None) for group in top]
    _walk(client, tree, list(level), workers)
    return _match_group(tree, level, reference)


def _match_group(tree: GroupTree, level: list[str], reference: str) -> tuple[dict[str, t.Any], list[str]]:
    matches = [ident for ident, group in tree.groups.items() if camera_name(group) == reference]
    if not matches:
        raise CameraSelectionError(group_miss(reference, tree, top_level=level), action='find the camera group')
    if len(matches) > 1:
        listed = ', '.join(f"'{tree.paths[ident]}' ({ident})" for ident in matches)
        raise CameraSelectionError(f"the name '{reference}' fits {len(matches)} camera groups: {listed}; give the id instead",
                                   action='find the camera group')
    return tree.groups[matches[0]], tree.subtree(matches[0])


def group_cameras(client: t.Any, group_ids: t.Sequence[str], *, include_disabled: bool, workers: int = DEFAULT_CONCURRENCY) -> list[Camera]:
    """The cameras of the given groups, each once."""
    def members(group_id: str) -> list[Camera]:
        return client.list(f'cameraGroups/{quote(group_id, safe="")}/cameras', params=disabled_flag(include_disabled),
                           action=f'list the cameras of camera group {group_id}')

    cameras: list[Camera] = []
    for _group_id, found in map_all(members, list(group_ids), workers=workers):
        cameras.extend(found or [])
    return unique_by_id(cameras)


def read_camera_groups(client: t.Any, *, workers: int = DEFAULT_CONCURRENCY) -> tuple[GroupTree, list[str]]:
    """Every camera group at every depth (for the inventory plugin): the tree and the top-level group ids."""
    tree = GroupTree()
    top = client.list('cameraGroups', action='list the camera groups')
    level = [tree.add(group, None) for group in top]
    _walk(client, tree, list(level), workers)
    return tree, level


def cameras_by_group(client: t.Any, group_ids: t.Sequence[str], *, include_disabled: bool,
                     workers: int = DEFAULT_CONCURRENCY) -> dict[str, list[Camera]]:
    """The cameras the API lists in each group, by group id (one paged list per group, not per camera)."""
    outcomes = map_all(lambda group_id: group_cameras(client, [group_id], include_disabled=include_disabled, workers=1),
                       list(group_ids), workers=workers)
    members: dict[str, list[Camera]] = {}
    for group_id, found in outcomes:
        members[group_id] = found or []
    return members


# -- PTZ details ---------------------------------------------------------------------------------------

def presets_path(camera: t.Mapping[str, t.Any] | str) -> str:
    ident = camera if isinstance(camera, str) else camera_id(camera)
    return PTZ_PRESETS_PATH.format(camera_id=quote(ident, safe=''))


def read_ptz_presets(client: t.Any, camera: Camera) -> list[dict[str, t.Any]]:
    """The camera's PTZ presets (every page), in the server's order."""
    return client.list(presets_path(camera), action=f'list the PTZ presets of camera {describe(camera)}')


def read_ptz_tasks(client: t.Any, camera: Camera) -> list[dict[str, t.Any]]:
    """The preset tasks the camera offers (``?tasks&noData``): ``[{"id", "displayName"}]``."""
    return client.list_tasks(presets_path(camera), action=f'list the PTZ preset tasks of camera {describe(camera)}')


def add_ptz_details(client: t.Any, cameras: t.Sequence[Camera], include: t.Collection[str], *,
                    workers: int = DEFAULT_CONCURRENCY) -> None:
    """Add ``ptz_presets`` and/or ``ptz_tasks`` to each camera, reading them with bounded concurrency.

    A camera whose ``ptzEnabled`` is false has neither, so it costs no request; one without the field
    (older servers) is asked.
    """
    kinds = [kind for kind in INCLUDE_CHOICES if kind in include]
    if not kinds:
        return
    jobs: list[tuple[Camera, str]] = []
    for camera in cameras:
        for kind in kinds:
            if ptz_capability(camera) is False:
                camera[kind] = []
            else:
                jobs.append((camera, kind))

    def fetch(job: tuple[Camera, str]) -> list[dict[str, t.Any]]:
        camera, kind = job
        return read_ptz_presets(client, camera) if kind == 'ptz_presets' else read_ptz_tasks(client, camera)

    for (camera, kind), found in map_all(fetch, jobs, workers=workers):
        camera[kind] = found or []


def keep_ptz_cameras(client: t.Any, cameras: t.Sequence[Camera], *, workers: int = DEFAULT_CONCURRENCY) -> list[Camera]:
    """Only PTZ cameras. Where ``ptzEnabled`` is missing, a camera counts as PTZ if it offers preset tasks."""
    unknown = [camera for camera in cameras if ptz_capability(camera) is None]
    offers: dict[str, bool] = {}
    for camera, offered in map_all(lambda camera: read_ptz_tasks(client, camera), unknown, workers=workers):
        offers[camera_id(camera)] = bool(offered)
        # Keep what was read: it is the only sign of PTZ on such servers (the inventory's ptz group uses it).
        camera['ptz_tasks'] = list(offered or [])
    return [camera for camera in cameras if ptz_capability(camera) or offers.get(camera_id(camera), False)]


# -- camera_info's selection ---------------------------------------------------------------------------

@dataclasses.dataclass
class CameraSelection:
    """What camera_info (and the inventory plugin) ask for; all given criteria must hold."""

    ident: str | None = None
    name: str | None = None
    include_disabled: bool = False
    ptz_only: bool = False
    camera_group: str | None = None
    include: tuple[str, ...] = ()


def select_cameras(client: t.Any, selection: CameraSelection, *, workers: int = DEFAULT_CONCURRENCY,
                   known_groups: tuple[GroupTree, list[str]] | None = None,
                   known_members: t.Mapping[str, list[Camera]] | None = None) -> list[Camera]:
    """Cameras matching ``selection`` in a stable order, with the PTZ details asked for.

    A camera asked for by id is returned whether enabled or not (the API does the same); an unknown id
    is an error. Filters that match nothing give an empty list. ``known_groups`` and ``known_members``
    (every camera group and the cameras each lists, read with the same ``include_disabled``) spare the
    server a second reading of the camera groups.
    """
    if selection.camera_group:
        _group, subtree = find_camera_group(client, selection.camera_group, workers=workers, known=known_groups)
        if known_members is not None and not selection.ident:
            cameras = unique_by_id(camera for ident in subtree for camera in known_members.get(ident, []))
        else:
            cameras = group_cameras(client, subtree, include_disabled=selection.include_disabled or bool(selection.ident), workers=workers)
        if selection.ident:
            get_camera(client, selection.ident)  # an unknown id must be an error, not an empty list
    elif selection.ident:
        cameras = [get_camera(client, selection.ident)]
    else:
        cameras = list_cameras(client, include_disabled=selection.include_disabled)
    if selection.ident:
        cameras = [camera for camera in cameras if camera_id(camera) == selection.ident.strip().lower()]
    if selection.name:
        cameras = [camera for camera in cameras if name_matches(camera, selection.name)]
    if selection.ptz_only:
        cameras = keep_ptz_cameras(client, cameras, workers=workers)
    cameras = sort_cameras(cameras)
    add_ptz_details(client, cameras, selection.include, workers=workers)
    return cameras


def read_cameras_job(module: t.Any) -> dict[str, t.Any]:
    """The job of camera_info: check the selection before any request, then read the cameras it selects."""
    params = module.params
    concurrency = params['concurrency']
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise InputError(f'concurrency must be between 1 and {MAX_CONCURRENCY}, not {concurrency}')
    # An empty value usually comes from an unset variable; ignoring it would select every camera of the site.
    blank = [option for option in ('id', 'name', 'camera_group') if params[option] is not None and not params[option].strip()]
    if blank:
        raise InputError(f"{', '.join(blank)} is empty; leave the option out to select cameras without it")
    if params['id'] is not None and not is_id(params['id']):
        raise InputError(f"id '{params['id'].strip()}' is not a camera id (a GUID such as 0a1b2c3d-0000-4000-8000-00000000abcd)")
    selection = CameraSelection(ident=params['id'], name=params['name'], include_disabled=params['include_disabled'],
                                ptz_only=params['ptz_only'], camera_group=params['camera_group'], include=tuple(params['include']))
    try:
        cameras = select_cameras(module.client, selection, workers=concurrency)
    except XProtectError as error:
        error.result = {'cameras': []}  # type: ignore[attr-defined]
        raise
    return dict(changed=False, cameras=cameras)
