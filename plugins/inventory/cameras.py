# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: cameras
short_description: Cameras of an XProtect VMS as inventory hosts
version_added: 0.1.0
description:
  - B(File name.) Name the inventory file C(xprotect.yml) or C(xprotect.yaml), or end its name in C(.xprotect.yml) or
    C(.xprotect.yaml), such as C(site-a.xprotect.yml). The plugin reads no other file; for another name Ansible only
    says that the source C(could not be verified by inventory plugin 'milestone.xprotect.cameras').
  - Makes every camera of an XProtect VMS an inventory host, so fleet work can use Ansible's own machinery
    (C(--limit), forks, C(serial), per-host results and retries).
  - Reads the cameras with paged lists (500 cameras a request) and one login, never one request per camera,
    unless O(include) asks for PTZ details.
  - B(Host names.) With O(hostnames=name) a camera's host name is its name made safe for Ansible host patterns
    and shells; letters with accents lose them (C(é) becomes C(e)), letters are lower-cased, and every run of
    characters other than C(a-z), C(0-9), C(.) and C(-) becomes one C(_); C(_), C(.) and C(-) are stripped from both ends.
    C(Parking North 0002 PTZ) becomes C(parking_north_0002_ptz). A name left empty by this becomes the camera id.
  - B(Collisions.) When the safe names of several cameras are equal (XProtect allows two cameras with the same name),
    each of them gets C(_) and the first 8 hexadecimal digits of its id appended, as in C(lobby_0001_0a1b2c3d).
    None of them keeps the plain name, so a C(--limit) that names it never silently picks another camera
    after one more camera of that name appears. The same rule makes camera group names unique.
  - B(Groups.) V(ptz) holds the PTZ cameras, V(enabled) and V(disabled) the cameras by state (these three always exist,
    possibly empty). With O(group_by_camera_groups), every camera group becomes a group named C(camera_group_) plus
    its name made safe (lower case, every run of characters other than C(a-z) and C(0-9) becomes C(_)),
    such as C(camera_group_parking_north); subgroups become child groups, so C(camera_group_parking) also holds
    the cameras of C(camera_group_parking_north). A camera group without a camera in the inventory makes no group.
  - B(Host variables.) Every field of the camera as the API returns it, named C(xprotect_) plus the field name in
    snake case (C(ptzEnabled) becomes C(xprotect_ptz_enabled)), plus C(xprotect_id) (the camera id, lower case),
    C(xprotect_hardware_id), C(xprotect_server_url), C(xprotect_camera_groups) (the paths of the camera groups
    that list the camera, such as C(Parking/Parking North), with O(group_by_camera_groups)), and
    C(xprotect_ptz_presets) / C(xprotect_ptz_tasks) with O(include).
  - Every host also gets C(ansible_connection=local) and C(ansible_python_interpreter) set to the Python running
    Ansible (as Ansible does for the implicit localhost), so tasks run on the controller with the Python that has
    C(requests). Override either with O(compose).
  - Values read from the server are marked unsafe, so a camera name or description is never evaluated as a template.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection.plugin_options
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description:
      - The name of this plugin. Ansible reads the file with this plugin only if it says so.
    type: str
    required: true
    choices: [milestone.xprotect.cameras]
    version_added: 0.1.0
  hostnames:
    description:
      - What the inventory host names are made of.
      - V(name) is the camera name made safe (see the description above for the rule and for collisions).
      - V(id) is the camera id (a lower-case GUID), which never changes when a camera is renamed.
    type: str
    choices: [name, id]
    default: name
    version_added: 0.1.0
  hostname_prefix:
    description:
      - Text put in front of every host name, for example V(site_a_).
      - Use it when several XProtect sites share one inventory; otherwise cameras of the same name on two sites
        would be one host (a warning says so when it happens).
      - Letters, digits, C(_), C(.) and C(-) only.
    type: str
    default: ''
    version_added: 0.1.0
  include_disabled:
    description:
      - Also make hosts of disabled cameras (in the group V(disabled)). The API hides them unless asked.
    type: bool
    default: false
    version_added: 0.1.0
  name:
    description:
      - Only cameras with this exact name, or whose name matches this shell-style pattern with C(*), C(?) or C([...]),
        such as V(Parking*). Matching is case-sensitive and happens on the controller, at no extra request.
    type: str
    version_added: 0.1.0
  camera_group:
    description:
      - Only cameras in this camera group (name or id) or in any of its subgroups.
      - A name that fits several groups, or an unknown group, is an error.
    type: str
    version_added: 0.1.0
  ptz_only:
    description:
      - Only PTZ cameras (C(ptzEnabled) true).
      - On servers whose cameras lack C(ptzEnabled) (before 2023), this asks each camera for its PTZ tasks.
    type: bool
    default: false
    version_added: 0.1.0
  include:
    description:
      - Extra information read for each PTZ camera, one request per camera and kind, O(concurrency) at a time.
      - V(ptz_presets) adds C(xprotect_ptz_presets), V(ptz_tasks) adds C(xprotect_ptz_tasks).
      - Cameras that are not PTZ cameras get empty lists without a request.
    type: list
    elements: str
    choices: [ptz_presets, ptz_tasks]
    default: []
    version_added: 0.1.0
  group_by_camera_groups:
    description:
      - Make a group of every camera group (and child groups of its subgroups).
      - Costs two paged lists per camera group; set to V(false) on sites with very many camera groups if the
        groups are not needed.
    type: bool
    default: true
    version_added: 0.1.0
  concurrency:
    description:
      - How many requests for camera groups and for O(include) run at once. Between 1 and 64.
    type: int
    default: 8
    version_added: 0.1.0
notes:
  - The inventory logs in once per load, and never puts the password or a token into host variables or the cache.
    The cache (O(cache)) holds the cameras and camera groups as read, and is used only while the connection and
    filter options stay the same.
  - Each module run on a camera host logs in by itself. For fleet plays, log in once with M(milestone.xprotect.login)
    and C(run_once), and pass the token with C(module_defaults) (see the examples).
  - If the server cannot be read, Ansible reports the error as a warning and goes on without these hosts, as for every
    inventory source. Set C(ANSIBLE_INVENTORY_UNPARSED_FAILED=true) (or C(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true))
    to make it fatal, for example in CI.
seealso:
  - module: milestone.xprotect.camera_info
  - module: milestone.xprotect.ptz_task
  - module: milestone.xprotect.login
  - name: Cameras as inventory hosts
    description: The user guide in the collection's docs/guides/inventory.md.
    link: https://github.com/milestone-xprotect/milestone.xprotect/blob/main/docs/guides/inventory.md
'''

EXAMPLES = r'''
# The smallest file, site-a.xprotect.yml, makes a host of every enabled camera; the connection then comes from
# XPROTECT_SERVER_URL, XPROTECT_USERNAME, XPROTECT_PASSWORD (and XPROTECT_CA_PATH):
#
#   plugin: milestone.xprotect.cameras
#
# Try it with: ansible-inventory -i site-a.xprotect.yml --graph

# parking.xprotect.yml: the PTZ cameras of the parking area, connection in the file, password from the vault,
# groups by PTZ capability and by hardware, cached for an hour.
plugin: milestone.xprotect.cameras
server_url: https://vms-a.example.com
username: automation
password: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  62313365396662343061393464336163383764373764613633653634306231386433626436623361
ca_path: /etc/pki/xprotect-ca.pem
camera_group: Parking
ptz_only: true
hostname_prefix: site_a_
keyed_groups:
  # keyed_groups need text: the groups are ptz_enabled_true and ptz_enabled_false
  - key: xprotect_ptz_enabled | string | lower
    prefix: ptz_enabled
  - key: xprotect_hardware_id
    prefix: hardware
compose:
  camera_label: xprotect_display_name ~ ' (' ~ xprotect_id ~ ')'
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/xprotect-inventory
cache_timeout: 3600

# A playbook for the hosts of this inventory (ansible-playbook -i parking.xprotect.yml ptz.yml --forks 16):
# one login for the whole play, then one PTZ task per camera host.
#
# - hosts: ptz
#   gather_facts: false
#   tasks:
#     - name: Log in once
#       milestone.xprotect.login:
#       run_once: true
#       register: xprotect_login
#
#     - name: Work on each camera with the shared token
#       module_defaults:
#         group/milestone.xprotect.api_gateway:
#           access_token: "{{ xprotect_login.access_token }}"
#       block:
#         - name: Import the presets stored on the device
#           milestone.xprotect.ptz_task:
#             cameras: ["{{ xprotect_id }}"]
#             task: GetDevicePresets
'''

import collections
import difflib
import functools
import hashlib
import itertools
import json
import re
import sys
import typing as t
import unicodedata

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.milestone.xprotect.plugins.module_utils._cameras import (
    MAX_CONCURRENCY,
    CameraSelection,
    camera_id,
    camera_name,
    cameras_by_group,
    ptz_capability,
    read_camera_groups,
    select_cameras,
)
from ansible_collections.milestone.xprotect.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    Redactor,
    XProtectClient,
    normalize_base_url,
)
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import XProtectError
from ansible_collections.milestone.xprotect.plugins.module_utils._module import CONNECTION_OPTIONS, settings_from_params

try:
    from ansible.utils.unsafe_proxy import wrap_var
except ImportError:  # gone from newer ansible-core, which needs no marking (see MARK_UNSAFE)
    def wrap_var(value: t.Any) -> t.Any:
        return value

PLUGIN_NAME = 'milestone.xprotect.cameras'
FILE_NAMES = ('xprotect.yml', 'xprotect.yaml')
VAR_PREFIX = 'xprotect_'
FIXED_GROUPS = ('ptz', 'enabled', 'disabled')
CAMERA_GROUP_PREFIX = 'camera_group_'
#: Raised whenever the shape of the cached data changes, so an old cache is read again from the server.
CACHE_FORMAT = 1
PREFIX_RE = re.compile(r'^[A-Za-z0-9_.-]*$')
SECRET_OPTIONS = ('password', 'access_token')
#: ansible-core 2.19 and later keep every value an inventory plugin sets untrusted (never templated) unless the
#: plugin declares trusted_by_default; before, the plugin itself has to mark server data unsafe.
MARK_UNSAFE = not hasattr(BaseInventoryPlugin, 'trusted_by_default')

Camera = t.Dict[str, t.Any]


# -- names ---------------------------------------------------------------------------------------------

def fold_to_ascii(text: str) -> str:
    """Accents dropped (``é`` -> ``e``); characters without an ASCII form become ``_``."""
    folded = []
    for character in unicodedata.normalize('NFKD', text):
        if unicodedata.combining(character):
            continue
        folded.append(character if character.isascii() else '_')
    return ''.join(folded)


def safe_host_name(text: str) -> str:
    """A name usable in host patterns and shells: ``Parking North 0002 PTZ`` -> ``parking_north_0002_ptz``."""
    return re.sub(r'[^a-z0-9.-]+', '_', fold_to_ascii(text).lower()).strip('_.-')


def safe_group_name(text: str) -> str:
    """A valid Ansible group name part: lower case letters, digits and ``_`` only."""
    return re.sub(r'[^a-z0-9]+', '_', fold_to_ascii(text).lower()).strip('_')


def unique_names(bases: t.Mapping[str, str]) -> dict[str, str]:
    """Make ``{id: base name}`` unique: every id whose base name is shared gets ``_`` + 8 characters of its id.

    Names that are unique are reserved first, so a suffixed name never takes one of them; if the short
    suffix still collides (two ids with the same first 8 characters), the whole id is used.
    """
    counts = collections.Counter(bases.values())
    names = {ident: base for ident, base in bases.items() if counts[base] == 1}
    taken = set(names.values())
    for ident in sorted(ident for ident, base in bases.items() if counts[base] > 1):
        base = bases[ident]
        compact = re.sub(r'[^a-z0-9]', '', ident.lower())
        candidates = itertools.chain([f'{base}_{compact[:8]}', f'{base}_{compact}'],
                                     (f'{base}_{compact}_{number}' for number in itertools.count(2)))
        name = next(candidate for candidate in candidates if candidate not in taken)
        taken.add(name)
        names[ident] = name
    return names


def host_names(cameras: t.Sequence[Camera], *, hostnames: str, prefix: str) -> dict[str, str]:
    """``{camera id: host name}`` for ``hostnames`` ``name`` or ``id``, with ``prefix``, unique."""
    bases = {}
    for camera in cameras:
        ident = camera_id(camera)
        base = ident if hostnames == 'id' else (safe_host_name(camera_name(camera)) or ident)
        bases[ident] = prefix + base
    return unique_names(bases)


def group_names(groups: t.Sequence[t.Mapping[str, t.Any]]) -> dict[str, str]:
    """``{camera group id: inventory group name}`` (``camera_group_`` + safe name), unique."""
    bases = {}
    for group in groups:
        ident = str(group['id'])
        bases[ident] = CAMERA_GROUP_PREFIX + (safe_group_name(str(group['name'])) or safe_group_name(ident))
    return unique_names(bases)


@functools.lru_cache(maxsize=1024)
def variable_name(field: str) -> str:
    """``ptzEnabled`` -> ``xprotect_ptz_enabled``; anything that is not a letter, digit or ``_`` becomes ``_``."""
    snake = re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1_\2', field)
    snake = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', snake).lower()
    return VAR_PREFIX + re.sub(r'[^a-z0-9_]', '_', snake)


# -- what a camera becomes ----------------------------------------------------------------------------

def is_ptz(camera: t.Mapping[str, t.Any]) -> bool:
    """``ptzEnabled``; on servers without the field, whether the camera offers PTZ tasks (if they were read)."""
    capability = ptz_capability(camera)
    if capability is None:
        return bool(camera.get('ptz_tasks'))
    return capability


def fixed_groups(camera: t.Mapping[str, t.Any]) -> list[str]:
    """The default groups of a camera: ``enabled`` or ``disabled``, and ``ptz``."""
    groups = ['disabled' if camera.get('enabled') is False else 'enabled']
    if is_ptz(camera):
        groups.append('ptz')
    return groups


def host_variables(camera: t.Mapping[str, t.Any], *, server_url: str, group_paths: list[str] | None) -> dict[str, t.Any]:
    """The ``xprotect_*`` variables of a camera host."""
    variables = {variable_name(field): value for field, value in camera.items()}
    variables[VAR_PREFIX + 'id'] = camera_id(camera)
    parent = (camera.get('relations') or {}).get('parent') or {}
    if str(parent.get('type', '')).lower() == 'hardware' and parent.get('id'):
        variables[VAR_PREFIX + 'hardware_id'] = str(parent['id']).lower()
    variables[VAR_PREFIX + 'server_url'] = server_url
    if group_paths is not None:
        variables[VAR_PREFIX + 'camera_groups'] = group_paths
    return variables


def used_groups(groups: t.Sequence[t.Mapping[str, t.Any]], host_ids: t.Collection[str]) -> set[str]:
    """Ids of the camera groups that hold a host themselves or through a subgroup."""
    used = {str(group['id']) for group in groups if any(ident in host_ids for ident in group['cameras'])}
    changed = True
    while changed:  # a few rounds: trees are shallow, and this needs no order among the records
        changed = False
        for group in groups:
            if str(group['id']) in used and group.get('parent') and group['parent'] not in used:
                used.add(group['parent'])
                changed = True
    return used


# -- reading the server --------------------------------------------------------------------------------

def group_records(tree: t.Any, members: t.Mapping[str, t.Sequence[t.Mapping[str, t.Any]]],
                  camera_ids: t.Collection[str]) -> list[dict[str, t.Any]]:
    """Camera groups as plain records (cacheable): id, name, path, parent id, and the ids of listed cameras."""
    order = list(tree.groups)
    parents = {child: parent for parent, children in tree.children.items() for child in children}
    return [{'id': ident, 'name': camera_name(tree.groups[ident]), 'path': tree.paths[ident], 'parent': parents.get(ident),
             'cameras': [camera_id(camera) for camera in members.get(ident, []) if camera_id(camera) in camera_ids]}
            for ident in order]


def read_inventory(client: t.Any, selection: CameraSelection, *, by_groups: bool, workers: int) -> dict[str, t.Any]:
    """Everything the inventory is built from: the selected cameras and, if asked, the camera groups."""
    if not by_groups:
        return {'cameras': select_cameras(client, selection, workers=workers), 'groups': []}
    # every camera group and its cameras are read once, and serve both camera_group and the groups
    tree, top = read_camera_groups(client, workers=workers)
    members = cameras_by_group(client, list(tree.groups), include_disabled=selection.include_disabled, workers=workers)
    cameras = select_cameras(client, selection, workers=workers, known_groups=(tree, top), known_members=members)
    groups = group_records(tree, members, {camera_id(camera) for camera in cameras})
    return {'cameras': cameras, 'groups': groups}


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Cameras as hosts; see DOCUMENTATION."""

    NAME = PLUGIN_NAME

    def verify_file(self, path: str) -> bool:
        """Only files named ``xprotect.yml`` / ``xprotect.yaml`` or ending in ``.xprotect.yml`` / ``.xprotect.yaml``."""
        if not super().verify_file(path):
            return False
        base = path.replace('\\', '/').rsplit('/', 1)[-1]
        if base in FILE_NAMES or base.endswith(tuple('.' + name for name in FILE_NAMES)):
            return True
        self.display.vvv(f'Skipping {path}: {PLUGIN_NAME} reads only files named xprotect.yml or ending in .xprotect.yml (or .yaml)')
        return False

    def parse(self, inventory: t.Any, loader: t.Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        self._refuse_unknown_options(config, path)
        self._check_options()
        data = self._cached_or_read(path, use_cache=cache)
        self._populate(data)

    # -- options -----------------------------------------------------------------------------------

    def _refuse_unknown_options(self, config: t.Mapping[str, t.Any], path: str) -> None:
        """Ansible ignores unknown keys of inventory files; a misspelt filter would silently widen the inventory."""
        known = set(self.option_definitions)
        for definition in self.option_definitions.values():
            known.update(definition.get('aliases') or [])
        unknown = sorted(str(key) for key in config if key not in known)
        if not unknown:
            return
        problems = []
        for key in unknown:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            problems.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ''))
        raise AnsibleParserError(f"{path}: unknown option{'s' if len(unknown) > 1 else ''} {', '.join(problems)} for "
                                 f'{PLUGIN_NAME}; its options are listed by: ansible-doc -t inventory {PLUGIN_NAME}')

    def _check_options(self) -> None:
        concurrency = self.get_option('concurrency')
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise AnsibleParserError(f'concurrency must be between 1 and {MAX_CONCURRENCY}, not {concurrency}')
        if not PREFIX_RE.match(self.get_option('hostname_prefix') or ''):
            raise AnsibleParserError(f"hostname_prefix '{self.get_option('hostname_prefix')}' may hold only letters, digits, _, . and -")

    def _connection_params(self) -> dict[str, t.Any]:
        """The connection options, templates rendered and vaulted values decrypted."""
        params = {}
        for option in CONNECTION_OPTIONS:
            value = self.get_option(option)
            if isinstance(value, str) and self.templar.is_template(value):
                value = self.templar.template(value)
            if value is not None and not isinstance(value, (str, bool, int, float)):
                value = str(value)  # a vaulted value decrypts when turned into text
            params[option] = value
        return params

    def _selection(self) -> CameraSelection:
        return CameraSelection(name=self.get_option('name'), include_disabled=self.get_option('include_disabled'),
                               ptz_only=self.get_option('ptz_only'), camera_group=self.get_option('camera_group'),
                               include=tuple(self.get_option('include') or ()))

    def _fingerprint(self, params: t.Mapping[str, t.Any]) -> str:
        """What the cached data depends on (never a secret): a change of any of these reads the server again."""
        selection = self._selection()
        relevant = {'format': CACHE_FORMAT, 'server_url': normalize_base_url(str(params.get('server_url') or '')),
                    'username': params.get('username'), 'auth_type': params.get('auth_type'), 'api_discovery': params.get('api_discovery'),
                    'name': selection.name, 'camera_group': selection.camera_group, 'include_disabled': selection.include_disabled,
                    'ptz_only': selection.ptz_only, 'include': sorted(selection.include),
                    'group_by_camera_groups': self.get_option('group_by_camera_groups')}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode()).hexdigest()

    # -- data: cache or server ---------------------------------------------------------------------

    def _cached_or_read(self, path: str, *, use_cache: bool) -> dict[str, t.Any]:
        """The inventory data from the cache when it is enabled, fresh and made with the same options; else from the server.

        ``use_cache`` is false on ``--flush-cache`` and ``meta: refresh_inventory``: the server is read and the cache renewed.
        """
        params = self._connection_params()
        fingerprint = self._fingerprint(params)
        caching = bool(self.get_option('cache'))
        key = self.get_cache_key(path)
        if caching and use_cache:
            try:
                cached = self._cache[key]
            except KeyError:
                cached = None
            if isinstance(cached, dict) and cached.get('fingerprint') == fingerprint:
                return cached
        data = self._read_server(params)
        data.update(fingerprint=fingerprint, server_url=normalize_base_url(str(params.get('server_url') or '')))
        if caching:
            self._cache[key] = data
        return data

    def _read_server(self, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        if not HAS_REQUESTS:
            raise AnsibleParserError(f'{PLUGIN_NAME} needs the Python library requests on the controller: {REQUESTS_IMPORT_ERROR}')
        concurrency = self.get_option('concurrency')
        # The modules' redaction: the secrets given, and every token the client is issued.
        redactor = Redactor(*(str(params.get(option)) for option in SECRET_OPTIONS if params.get(option)))
        client = None
        try:
            client = XProtectClient(settings_from_params(params, pool_size=max(10, concurrency)), redactor=redactor)
            for warning in client.warnings:
                self.display.warning(warning)
            return read_inventory(client, self._selection(), by_groups=self.get_option('group_by_camera_groups'), workers=concurrency)
        except XProtectError as error:
            # from None: the chained traceback (shown with -vvv) adds nothing to the sentence.
            raise AnsibleParserError(redactor.text(str(error))) from None
        finally:
            if client is not None:
                client.close()

    # -- building the inventory --------------------------------------------------------------------

    def _populate(self, data: t.Mapping[str, t.Any]) -> None:
        cameras: list[Camera] = list(data.get('cameras') or [])
        groups: list[dict[str, t.Any]] = list(data.get('groups') or [])
        names = host_names(cameras, hostnames=self.get_option('hostnames'), prefix=self.get_option('hostname_prefix') or '')
        by_groups = bool(self.get_option('group_by_camera_groups'))
        server_url = str(data.get('server_url') or '')
        paths: dict[str, list[str]] = {camera_id(camera): [] for camera in cameras}
        for group in groups:
            for ident in group['cameras']:
                if ident in paths:
                    paths[ident].append(group['path'])
        for group in FIXED_GROUPS:
            self.inventory.add_group(group)
        for camera in cameras:
            ident = camera_id(camera)
            self._add_camera(names[ident], camera, host_variables(camera, server_url=server_url,
                                                                  group_paths=paths[ident] if by_groups else None))
        self._add_camera_groups(groups, names)
        if any(self.get_option(option) for option in ('compose', 'groups', 'keyed_groups')):
            for camera in cameras:
                self._construct(names[camera_id(camera)])

    def _add_camera(self, host: str, camera: Camera, variables: t.Mapping[str, t.Any]) -> None:
        existing = self.inventory.hosts.get(host)
        if existing is not None and existing.vars.get(VAR_PREFIX + 'id') not in (None, camera_id(camera)):
            self.display.warning(f"Host {host} is defined twice: camera {camera_id(camera)} replaces camera "
                                 f"{existing.vars.get(VAR_PREFIX + 'id')} of another inventory source; "
                                 'give each source its own hostname_prefix')
        self.inventory.add_host(host)
        for group in fixed_groups(camera):
            self.inventory.add_child(group, host)
        for key, value in variables.items():
            # A camera name or description from the server must never be evaluated as a template.
            self.inventory.set_variable(host, key, wrap_var(value) if MARK_UNSAFE else value)
        self.inventory.set_variable(host, 'ansible_connection', 'local')
        self.inventory.set_variable(host, 'ansible_python_interpreter', sys.executable)

    def _add_camera_groups(self, groups: t.Sequence[t.Mapping[str, t.Any]], names: t.Mapping[str, str]) -> None:
        """A group per camera group holding a host (itself or below), subgroups as child groups."""
        used = used_groups(groups, names)
        records = [group for group in groups if str(group['id']) in used]
        # Named among all camera groups, so that a filter never changes the name of a group.
        inventory_names = {ident: name for ident, name in group_names(groups).items() if ident in used}
        for group in records:
            self.inventory.add_group(inventory_names[str(group['id'])])
        for group in records:
            name = inventory_names[str(group['id'])]
            parent = group.get('parent')
            if parent in inventory_names:
                self.inventory.add_child(inventory_names[parent], name)
            for ident in group['cameras']:
                if ident in names:
                    self.inventory.add_child(name, names[ident])

    def _construct(self, host: str) -> None:
        """compose, groups and keyed_groups of the constructed options, with the host's variables."""
        strict = self.get_option('strict')
        self._set_composite_vars(self.get_option('compose'), self.inventory.get_host(host).get_vars(), host, strict=strict)
        # Read once more so that groups and keyed_groups can use what compose just set.
        variables = self.inventory.get_host(host).get_vars()
        self._add_host_to_composed_groups(self.get_option('groups'), variables, host, strict=strict, fetch_hostvars=False)
        self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, host, strict=strict, fetch_hostvars=False)
