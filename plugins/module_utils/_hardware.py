# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hardware as code: the jobs of ``hardware`` and ``hardware_info`` (docs/guides/hardware.md).

What the Config API offers and how it is used here (docs/xprotect-api.md §6, §7):

* identity: the address's host on a recording server (``/recordingServers/{id}/hardware``), as the server itself
  compares it (a second AddHardware of the same host answers ``VMO60276 ... already defined``);
* add: ``HardwareScan`` on the recording server when no driver is given (every driver tried, the one that speaks
  to the device is used), then ``AddHardware`` (a server task: the new hardware and its devices arrive disabled),
  then the hardware and the devices wanted are named and enabled with PATCH;
* change: PATCH ``/hardware/{id}`` (name, description, enabled, address, userName), ``ChangePasswordHardware``
  (a password cannot be compared: ``update_password``), ``ReplaceHardware`` (another driver, or another device
  taking over a hardware's devices: ``replaces``), ``MoveHardware`` (another recording server: ``move``);
* devices: PATCH ``/{cameras,microphones,...}/{id}`` by channel;
* remove: ``DELETE /recordingServers/{rs}/hardware/{id}``.

An add whose answer was lost is sent again only through the server's own guard: a second AddHardware of the same
host fails with VMO60276, and that answer is taken as "the hardware is there", so the hardware is never added
twice and a re-run completes whatever an interrupted run left (an added hardware that is still disabled with every
device disabled is configured as a new one).
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import re
import threading
import time
import typing as t
from urllib.parse import quote, urlsplit

from ._concurrency import map_all
from ._errors import ConflictError, InputError, TaskTimeoutError, XProtectError
from ._ids import id_key, is_id, object_id, show
from ._tasks import (CHANGED, FAILED, NOT_ATTEMPTED, UNCHANGED, WOULD_CHANGE, FailureTolerance, ServerGoneGuard, TaskAccount,
                     TaskFailedError, TaskRunner, WaitOptions, check_wait_options, fleet_advice, fleet_option_problems, run_fleet,
                     task_reference_id)
from ._waiter import TERMINAL_STATES

Obj = t.Dict[str, t.Any]

DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64
MASK = '********'
#: device kind option -> (collection of the API, label of one device)
DEVICE_KINDS = {
    'cameras': ('cameras', 'camera'),
    'microphones': ('microphones', 'microphone'),
    'speakers': ('speakers', 'speaker'),
    'metadata': ('metadata', 'metadata device'),
    'inputs': ('inputEvents', 'input'),
    'outputs': ('outputs', 'output'),
}
ITEM_KEYS = ('address', 'recording_server', 'driver', 'username', 'password', 'name', 'description', 'enabled', 'devices',
             'state', 'replaces', 'move')
#: Item keys whose module-wide default has another name (username and password are the connection's own options).
TOP_LEVEL = {'username': 'hardware_username', 'password': 'hardware_password'}
#: Fields compared and PATCHed on the hardware object: option -> field.
HARDWARE_FIELDS = {'name': 'name', 'description': 'description', 'enabled': 'enabled', 'username': 'userName'}
#: The server's codes for "already defined on the recording server" and "could not reach or log in to the device".
ALREADY_DEFINED_CODE = 60276
CONNECT_FAILED_CODE = 60281
#: Hardware whose devices are read one hardware at a time up to this many; above it, each device kind is listed once.
PER_HARDWARE_READS = 20
HOST_RE = re.compile(r'^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$')
SCANS = ('HardwareScan', 'HardwareScanExpress')
ADDED = 'add'
UPDATED = 'update'
REPLACED = 'replace'
MOVED = 'move'
REMOVED = 'remove'
NONE = 'none'


class HardwareError(XProtectError):
    """A hardware could not be brought to the state asked for (one sentence per hardware)."""

    hint = ''


def _quote(ident: str) -> str:
    return quote(str(ident), safe='')


# -- addresses ------------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Address:
    """A hardware address: the host always, the scheme and port only when the user gave them."""

    host: str
    scheme: str | None = None
    port: int | None = None

    @property
    def explicit(self) -> bool:
        return self.scheme is not None or self.port is not None

    @property
    def url(self) -> str:
        """The form XProtect keeps: ``http://<host>[:<port>]/`` (the default port left out)."""
        scheme = self.scheme or 'http'
        shown = f'[{self.host}]' if ':' in self.host else self.host
        default = 443 if scheme == 'https' else 80
        return f'{scheme}://{shown}{f":{self.port}" if self.port and self.port != default else ""}/'

    @property
    def sent(self) -> str:
        """What AddHardware and ReplaceHardware get: the host alone (as Milestone's example sends it), or the URL."""
        return self.url if self.explicit else self.host

    def __str__(self) -> str:
        return self.url if self.explicit else self.host


def parse_address(value: t.Any, where: str) -> Address:
    """An address as the user gives it (``192.0.2.10``, ``cam.example:8080``, ``https://cam.example/``), or InputError."""
    if value is not None and not isinstance(value, str):
        raise InputError(f'{where}: address must be text, not {type(value).__name__}: the device\'s IP address or host name, optionally as '
                         'a URL such as http://192.0.2.10/ or with a port (cam.example:8080)')
    if not isinstance(value, str) or not value.strip():
        raise InputError(f'{where}: address is required: the device\'s IP address or host name, optionally as a URL such as '
                         'http://192.0.2.10/ or with a port (cam.example:8080)')
    text = value.strip()
    has_scheme = '://' in text
    try:
        parts = urlsplit(text if has_scheme else '//' + text)
        port = parts.port
    except ValueError as error:
        raise InputError(f'{where}: address {show(text)} is not a valid address ({error}); give an IP address or host name, '
                         'optionally with a port, such as cam.example:8080') from None
    if parts.username is not None or parts.password is not None:
        raise InputError(f'{where}: the address holds a user name or password; give the address alone, and the credentials in '
                         'username and password')
    scheme = parts.scheme.lower() if has_scheme else None
    if scheme not in (None, 'http', 'https'):
        raise InputError(f'{where}: address {show(text)} has the scheme {show(parts.scheme)}; hardware is reached over http or https')
    if parts.path not in ('', '/') or parts.query or parts.fragment:
        raise InputError(f'{where}: address {show(text)} has a path or query; give the device\'s address alone, such as '
                         'http://192.0.2.10/')
    host = (parts.hostname or '').rstrip('.').lower()
    if not host:
        raise InputError(f'{where}: address {show(text)} has no host; give the device\'s IP address or host name')
    try:
        host = str(ipaddress.ip_address(host))
    except ValueError:
        if not HOST_RE.match(host):
            raise InputError(f'{where}: address {show(text)} is not an IP address or a host name') from None
        if host.rsplit('.', 1)[-1].isdigit():
            # no top-level domain is all digits: a mistyped IPv4 address (192.0.2.300, 192.0.2), not a host name
            raise InputError(f'{where}: address {show(text)} is not a valid IP address (four numbers from 0 to 255, such as '
                             '192.0.2.10) nor a host name') from None
    if port == 0:
        raise InputError(f'{where}: address {show(text)} has port 0; give a port between 1 and 65535, or none for the default')
    return Address(host=host, scheme=scheme, port=port)


def host_of(address: t.Any) -> str:
    """The host of an address the server holds (``http://192.0.2.10/``), lower case; '' if it has none."""
    text = str(address or '').strip()
    if not text:
        return ''
    try:
        host = urlsplit(text if '://' in text else '//' + text).hostname or ''
    except ValueError:
        return ''
    host = host.rstrip('.').lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def same_url(address: Address, stored: t.Any) -> bool:
    """Whether the server's address is the one given (scheme and port compared only when given)."""
    if not address.explicit:
        return True
    try:
        parts = urlsplit(str(stored or ''))
        port = parts.port
    except ValueError:
        return False
    scheme = (parts.scheme or 'http').lower()
    default = 443 if scheme == 'https' else 80
    wanted_scheme = address.scheme or 'http'
    wanted_port = address.port or (443 if wanted_scheme == 'https' else 80)
    return scheme == wanted_scheme and (port or default) == wanted_port


# -- input --------------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class DeviceWanted:
    kind: str
    channel: int
    name: str | None = None
    enabled: bool | None = None


@dataclasses.dataclass
class Item:  # pylint: disable=too-many-instance-attributes
    """One hardware as asked for, with the module-level defaults applied."""

    index: int
    address: Address
    recording_server: str | None
    driver: str | None
    username: str | None
    password: str | None
    name: str | None
    description: str | None
    enabled: bool | None
    devices: list[DeviceWanted]
    state: str
    replaces: Address | None
    move: bool

    @property
    def label(self) -> str:
        return f'hardware {self.address}'


def _text(value: t.Any, where: str, option: str, *, empty: bool = False) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f'{where}: {option} must be a string, not {type(value).__name__}')
    text = str(value)
    if not empty and not text.strip():
        raise InputError(f'{where}: {option} is empty; give a value or leave {option} out')
    return text


def _bool(value: t.Any, where: str, option: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ('yes', 'true', 'on', '1', 'no', 'false', 'off', '0'):
        return value.strip().lower() in ('yes', 'true', 'on', '1')
    raise InputError(f'{where}: {option} must be true or false, not {value!r}')


def _parse_devices(value: t.Any, where: str) -> list[DeviceWanted]:
    if value is None:
        return []
    if not isinstance(value, dict):
        raise InputError(f'{where}: devices must be a dictionary of device kinds ({", ".join(DEVICE_KINDS)}), each a list of '
                         '{channel, name, enabled}')
    found: list[DeviceWanted] = []
    for kind, entries in value.items():
        if kind not in DEVICE_KINDS:
            close = difflib.get_close_matches(str(kind), list(DEVICE_KINDS), n=1)
            raise InputError(f'{where}: devices has the unknown kind {show(str(kind))}' + (f'; did you mean {close[0]}?' if close else '')
                             + f' The kinds are {", ".join(DEVICE_KINDS)}.')
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise InputError(f'{where}: devices.{kind} must be a list of {{channel, name, enabled}}')
        seen: set[int] = set()
        for position, entry in enumerate(entries):
            spot = f'{where}: devices.{kind}[{position}]'
            if not isinstance(entry, dict):
                raise InputError(f'{spot} must be a dictionary with channel and name or enabled')
            unknown = sorted(set(entry) - {'channel', 'name', 'enabled'})
            if unknown:
                raise InputError(f'{spot} has unknown keys {", ".join(unknown)}; a device takes channel, name and enabled')
            channel = entry.get('channel')
            if isinstance(channel, str) and channel.strip().isdigit():
                channel = int(channel)
            if isinstance(channel, bool) or not isinstance(channel, int) or channel < 0:
                raise InputError(f'{spot}: channel must be a number of 0 or more (channels count from 0, as XProtect numbers them), '
                                 f'not {channel!r}')
            if channel in seen:
                raise InputError(f'{spot}: channel {channel} of {kind} is given twice')
            seen.add(channel)
            name = _text(entry.get('name'), spot, 'name')
            enabled = _bool(entry.get('enabled'), spot, 'enabled')
            if name is None and enabled is None:
                raise InputError(f'{spot}: give name, enabled or both for channel {channel}')
            found.append(DeviceWanted(kind=kind, channel=channel, name=name, enabled=enabled))
    return found


def parse_items(params: t.Mapping[str, t.Any]) -> list[Item]:
    """Every hardware asked for, checked before any request (InputError naming each problem and its fix)."""
    single = {key: params.get(key) for key in ('address', 'name', 'description', 'enabled', 'devices', 'replaces')}
    raw_items = params.get('items')
    if raw_items is not None and single['address'] is not None:
        raise InputError('give either address (one hardware) or items (a list), not both')
    if raw_items is None:
        if single['address'] is None:
            raise InputError('address is required (or items, a list of hardware each with an address)')
        raw_items = [{key: value for key, value in single.items() if value is not None}]
    elif any(single[key] is not None for key in ('name', 'description', 'devices', 'replaces')):
        given = [key for key in ('name', 'description', 'devices', 'replaces') if single[key] is not None]
        raise InputError(f'{", ".join(given)} describe one hardware; with items, give them in each item')
    items: list[Item] = []
    problems: list[str] = []
    for index, raw in enumerate(raw_items):
        where = f'items[{index}]' if params.get('items') is not None else 'hardware'
        try:
            items.append(_parse_item(index, raw, where, params))
        except InputError as error:
            problems.append(str(error))
    if problems:
        shown = problems[:10] + ([f'... and {len(problems) - 10} more'] if len(problems) > 10 else [])
        raise InputError('; '.join(shown) + ('' if len(problems) == 1 else f' ({len(problems)} problems; nothing was read or written)'))
    seen: dict[tuple[str | None, str], int] = {}
    for item in items:
        key = ((item.recording_server or '').lower() or None, item.address.host)
        if key in seen:
            raise InputError(f'items[{seen[key]}] and items[{item.index}] both describe {item.address.host}'
                             + (f' on {show(item.recording_server)}' if item.recording_server else '')
                             + '; give each hardware once')
        seen[key] = item.index
    return items


def _parse_item(index: int, raw: t.Any, where: str, params: t.Mapping[str, t.Any]) -> Item:
    if not isinstance(raw, dict):
        raise InputError(f'{where} must be a dictionary with at least address')
    unknown = sorted(set(raw) - set(ITEM_KEYS))
    if unknown:
        close = [match for key in unknown for match in difflib.get_close_matches(key, ITEM_KEYS, n=1)]
        raise InputError(f'{where} has unknown keys {", ".join(unknown)}' + (f' (did you mean {", ".join(close)}?)' if close else '')
                         + f'; an item takes {", ".join(ITEM_KEYS)}')
    address = parse_address(raw.get('address'), where)

    def pick(key: str) -> t.Any:
        return raw[key] if raw.get(key) is not None else params.get(TOP_LEVEL.get(key, key))

    state = pick('state') or 'present'
    if state not in ('present', 'absent'):
        raise InputError(f'{where}: state must be present or absent, not {state!r}')
    driver = pick('driver')
    if driver is not None and (isinstance(driver, bool) or not isinstance(driver, (str, int))):
        raise InputError(f'{where}: driver must be a driver number (such as 10) or name, not {driver!r}')
    driver_text = str(driver).strip() if driver is not None else None
    if driver_text == '':
        driver_text = None
    password = pick('password')
    if password is not None and not isinstance(password, str):
        raise InputError(f'{where}: password must be a string')
    replaces = parse_address(raw['replaces'], f'{where}: replaces') if raw.get('replaces') is not None else None
    item = Item(index=index, address=address, recording_server=_text(pick('recording_server'), where, 'recording_server'),
                driver=driver_text, username=_text(pick('username'), where, 'username'), password=password or None,
                name=_text(raw.get('name'), where, 'name'), description=_text(raw.get('description'), where, 'description', empty=True),
                enabled=_bool(pick('enabled'), where, 'enabled'), devices=_parse_devices(raw.get('devices'), where), state=state,
                replaces=replaces, move=bool(_bool(pick('move'), where, 'move')))
    if state == 'absent':
        extra = [key for key in ('name', 'description', 'devices', 'replaces') if raw.get(key) is not None]
        if extra:
            raise InputError(f'{where}: {", ".join(extra)} only work with state=present; to remove the hardware give its address '
                             '(and recording_server) alone')
    if replaces is not None and replaces.host == address.host:
        raise InputError(f'{where}: replaces names the address itself; replaces is the address of the hardware whose devices the '
                         'new device takes over')
    return item


def address_credentials(params: t.Mapping[str, t.Any]) -> list[str]:
    """Credentials typed into an address (``http://root:secret@192.0.2.10/``, ``https://token@cam.example/``): refused by
    parse_address, and masked before, since the address options are not secret and a failure shows them in the invocation."""
    values = [params.get('address'), params.get('replaces')]
    values += [item.get(key) for item in params.get('items') or [] if isinstance(item, dict) for key in ('address', 'replaces')]
    found = []
    for value in values:
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str) or '@' not in text:
                continue
            try:
                parts = urlsplit(text.strip() if '://' in text else '//' + text.strip())
            except ValueError:
                continue
            found += [secret for secret in (parts.username, parts.password) if secret]
    return found


def check_params(params: t.Mapping[str, t.Any]) -> tuple[list[Item], FailureTolerance]:
    """Every option, checked before any request."""
    problems: list[str] = []
    tolerance = fleet_option_problems(params, MAX_CONCURRENCY, problems)
    problems += check_wait_options(params['wait_timeout'], params['wait_sleep'])
    for kind in params.get('enable_new_devices') or []:
        if kind not in DEVICE_KINDS:
            problems.append(f'enable_new_devices has the unknown kind {show(str(kind))}; the kinds are {", ".join(DEVICE_KINDS)}')
    if problems:
        raise InputError('; '.join(problems))
    items = parse_items(params)
    if params['update_password'] == 'always':
        lacking = [item for item in items if item.state == 'present' and item.password is None]
        if lacking:
            raise InputError('update_password=always sets the password on every run: give hardware_password (or password in each item) '
                             f'(missing for {", ".join(str(item.address) for item in lacking[:5])})')
    return items, tolerance


# -- the site as read -----------------------------------------------------------------------------------------

def _parent_id(obj: Obj) -> str:
    parent = (obj.get('relations') or {}).get('parent') or {}
    return id_key(parent.get('id')) if isinstance(parent, dict) else ''


def _driver_id(hardware: Obj) -> str:
    path = hardware.get('hardwareDriverPath') or {}
    return id_key(path.get('id')) if isinstance(path, dict) else ''


class Site:
    """The recording servers, hardware, drivers and devices, read once and shared by the workers."""

    def __init__(self, client: t.Any, workers: int) -> None:
        self.client = client
        self.workers = workers
        self.servers: list[Obj] = client.list('recordingServers', action='list the recording servers')
        self.hardware: list[Obj] = client.list('hardware', params=[('disabled', None)], action='list the hardware')
        self._drivers: dict[str, list[Obj]] = {}
        self._devices: dict[str, dict[str, list[Obj]]] = {}
        self._lock = threading.Lock()

    # recording servers
    def server(self, wanted: str | None, item: Item) -> Obj:
        """The recording server an item names; left out, the only one, or the one already holding its address."""
        if wanted is None:
            if len(self.servers) == 1:
                return self.servers[0]
            with self._lock:
                holders = {_parent_id(hw) for hw in self._index().get(item.address.host, [])}
            if len(holders) == 1:
                return self.server_by_id(holders.pop()) or self.servers[0]
            names = ', '.join(sorted(show(str(server.get('name', ''))) for server in self.servers))
            raise ConflictError(f'{item.label}: the site has {len(self.servers)} recording servers ({names}); say which one in '
                                'recording_server')
        if is_id(wanted):
            found = self.server_by_id(id_key(wanted))
            if found is not None:
                return found
        named = [server for server in self.servers if server.get('name') == wanted]
        if not named:
            named = [server for server in self.servers if str(server.get('name', '')).lower() == wanted.lower()]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise ConflictError(f'{item.label}: {len(named)} recording servers are named {show(wanted)} '
                                f'(ids {", ".join(object_id(server) for server in named)}); give recording_server by id')
        close = difflib.get_close_matches(wanted, [str(server.get('name', '')) for server in self.servers], n=3)
        raise ConflictError(f'{item.label}: no recording server is named {show(wanted)}'
                            + (f'; did you mean {", ".join(show(name) for name in close)}?' if close else
                               f'; the recording servers are {", ".join(show(str(s.get("name", ""))) for s in self.servers)}'))

    def server_by_id(self, ident: str) -> Obj | None:
        return next((server for server in self.servers if object_id(server) == ident), None)

    def server_name(self, ident: str) -> str:
        server = self.server_by_id(ident)
        return str(server.get('name', ident)) if server else ident

    # hardware
    def _index(self) -> dict[str, list[Obj]]:
        """The hardware by host, built at the first lookup and kept up to date by remember and forget (the lock held): a
        fleet's lookups are dictionary accesses, not one scan of the site's hardware per item and lookup."""
        if getattr(self, '_by_host', None) is None:
            self._by_host: dict[str, list[Obj]] = {}
            self._host_by_id: dict[str, str] = {}
            for hw in self.hardware:
                self._index_add(hw)
        return self._by_host

    def _index_add(self, hardware: Obj) -> None:
        host = host_of(hardware.get('address'))
        self._by_host.setdefault(host, []).append(hardware)
        self._host_by_id[object_id(hardware)] = host

    def _index_drop(self, ident: str) -> None:
        if getattr(self, '_by_host', None) is None:
            return
        host = self._host_by_id.pop(ident, None)
        if host is not None:
            self._by_host[host] = [hw for hw in self._by_host.get(host, []) if object_id(hw) != ident]

    def on_server(self, server_id: str, host: str) -> list[Obj]:
        with self._lock:
            return [hw for hw in self._index().get(host, []) if _parent_id(hw) == server_id]

    def elsewhere(self, server_id: str, host: str) -> list[Obj]:
        with self._lock:
            return [hw for hw in self._index().get(host, []) if _parent_id(hw) != server_id]

    def remember(self, hardware: Obj) -> None:
        with self._lock:
            ident = object_id(hardware)
            self.hardware = [hw for hw in self.hardware if object_id(hw) != ident] + [hardware]
            if getattr(self, '_by_host', None) is not None:
                self._index_drop(ident)
                self._index_add(hardware)

    def forget(self, hardware: Obj) -> None:
        with self._lock:
            ident = object_id(hardware)
            self.hardware = [hw for hw in self.hardware if object_id(hw) != ident]
            self._index_drop(ident)

    # drivers
    def drivers(self, server_id: str) -> list[Obj]:
        with self._lock:
            known = self._drivers.get(server_id)
        if known is None:
            known = self.client.list(f'recordingServers/{_quote(server_id)}/hardwareDrivers',
                                     action=f'list the hardware drivers of recording server {show(self.server_name(server_id))}')
            with self._lock:
                self._drivers[server_id] = known
        return known

    def read_drivers(self, server_ids: t.Iterable[str]) -> None:
        map_all(self.drivers, sorted(set(server_ids)), workers=self.workers)

    def driver(self, server_id: str, wanted: str, item: Item) -> Obj:
        """A driver of the recording server by number, name or driver group."""
        drivers = self.drivers(server_id)
        if wanted.isdigit():
            found = [driver for driver in drivers if str(driver.get('number')) == wanted]
        else:
            found = [driver for driver in drivers if str(driver.get('name', '')) == wanted]
            if not found:
                found = [driver for driver in drivers
                         if wanted.lower() in (str(driver.get('name', '')).lower(), str(driver.get('displayName', '')).lower())]
            if not found:
                found = [driver for driver in drivers if str(driver.get('groupName', '')).lower() == wanted.lower()]
        if len(found) == 1:
            return found[0]
        server = show(self.server_name(server_id))
        if len(found) > 1:
            raise ConflictError(f'{item.label}: {len(found)} drivers of recording server {server} are named {show(wanted)}; give the '
                                f'driver number ({", ".join(str(driver.get("number")) for driver in found)})')
        listing = ', '.join(f'{driver.get("number")} ({driver.get("name")})' for driver in sorted(drivers, key=_driver_number)[:12])
        close = difflib.get_close_matches(wanted, [str(driver.get('name', '')) for driver in drivers], n=2)
        raise ConflictError(f'{item.label}: recording server {server} has no driver {show(wanted)}'
                            + (f'; did you mean {", ".join(show(name) for name in close)}?' if close else '.')
                            + f' Its drivers: {listing}' + (' ...' if len(drivers) > 12 else '')
                            + '. Leave driver out to have the recording server detect it.')

    def driver_by_id(self, server_id: str, ident: str) -> Obj | None:
        return next((driver for driver in self.drivers(server_id) if object_id(driver) == ident), None)

    # devices
    def read_devices(self, hardware_ids: t.Sequence[str], kinds: t.Sequence[str]) -> None:
        """The devices of these hardware, of these kinds: per hardware when they are few, else one list per kind."""
        wanted = [ident for ident in dict.fromkeys(hardware_ids)
                  if ident and not all(kind in self._devices.get(ident, {}) for kind in kinds)]
        if not wanted or not kinds:
            return
        if len(wanted) <= PER_HARDWARE_READS:
            map_all(lambda ident: self.devices_of(ident, kinds), wanted, workers=self.workers)
            return
        lists = map_all(lambda kind: (kind, self.client.list(DEVICE_KINDS[kind][0], params=[('disabled', None)],
                                                             action=f'list the {kind}')), list(kinds), workers=self.workers)
        by_hardware: dict[str, dict[str, list[Obj]]] = {}
        for _kind, (kind, devices) in lists:
            for device in devices:
                by_hardware.setdefault(_parent_id(device), {}).setdefault(kind, []).append(device)
        with self._lock:
            for ident in wanted:
                found = by_hardware.get(ident, {})
                self._devices.setdefault(ident, {}).update({kind: found.get(kind, []) for kind in kinds})

    def devices_of(self, hardware_id: str, kinds: t.Sequence[str]) -> dict[str, list[Obj]]:
        """The devices of one hardware per kind (read when not yet known)."""
        with self._lock:
            known = dict(self._devices.get(hardware_id, {}))
        missing = [kind for kind in kinds if kind not in known]
        for kind in missing:
            known[kind] = self.client.list(f'hardware/{_quote(hardware_id)}/{DEVICE_KINDS[kind][0]}', params=[('disabled', None)],
                                           action=f'list the {kind} of hardware {hardware_id}')
        if missing:
            with self._lock:
                self._devices.setdefault(hardware_id, {}).update({kind: known[kind] for kind in missing})
        return known

    def forget_devices(self, hardware_id: str) -> None:
        with self._lock:
            self._devices.pop(hardware_id, None)


def _driver_number(driver: Obj) -> tuple[int, str]:
    number = driver.get('number')
    return (number if isinstance(number, int) else 1 << 30, str(driver.get('name', '')))


# -- one hardware -----------------------------------------------------------------------------------------------

@dataclasses.dataclass
class HardwareRun(TaskAccount):  # pylint: disable=too-many-instance-attributes
    """What happened to one hardware."""

    item: Item | None = None
    server_id: str = ''
    server_name: str = ''
    action: str = NONE
    hardware: Obj = dataclasses.field(default_factory=dict)
    changes: list[str] = dataclasses.field(default_factory=list)
    devices: list[Obj] = dataclasses.field(default_factory=list)
    before: Obj = dataclasses.field(default_factory=dict)
    after: Obj = dataclasses.field(default_factory=dict)
    added: bool = False
    #: Every task this hardware's work started (each one cleaned up by its own run).
    all_task_ids: list[str] = dataclasses.field(default_factory=list)
    #: Whether a write of this hardware's work succeeded (so a failure after it still reports a change).
    wrote: bool = False

    def as_result(self) -> Obj:
        item = t.cast(Item, self.item)
        driver = self.hardware.get('hardwareDriverPath') or {}
        body = {
            'address': str(self.hardware.get('address') or item.address.url),
            'recording_server': self.server_name or item.recording_server,
            'recording_server_id': self.server_id or None,
            'id': object_id(self.hardware) or None,
            'name': self.hardware.get('name', item.name),
            'enabled': self.hardware.get('enabled', item.enabled),
            'model': self.hardware.get('model'),
            'driver_id': id_key(driver.get('id')) if isinstance(driver, dict) and driver.get('id') else None,
            'status': self.status,
            'changed': self.changed,
            'action': self.action,
            'changes': list(self.changes),
            'devices': self.devices,
            'error': self.error,
            'item': item.index,
            'task_ids': list(self.all_task_ids),
            'tasks_left_behind': list(self.left_behind),
        }
        return body


def _view(hardware: Obj, server_name: str) -> Obj:
    return {'name': hardware.get('name'), 'address': hardware.get('address'), 'recording_server': server_name,
            'enabled': hardware.get('enabled'), 'description': hardware.get('description'), 'username': hardware.get('userName'),
            'driver_id': _driver_id(hardware) or None}


def _device_view(device: Obj) -> Obj:
    return {'name': device.get('name'), 'enabled': device.get('enabled')}


class HardwareJob:  # pylint: disable=too-many-instance-attributes
    """Brings each hardware to its wanted state; one instance serves every worker."""

    def __init__(self, module: t.Any, site: Site, runner: TaskRunner, *, check_mode: bool) -> None:
        self.module = module
        self.client = module.client
        self.site = site
        self.runner = runner
        self.check_mode = check_mode
        params = module.params
        self.update_password = params['update_password']
        self.change_device_password = params['change_device_password']
        self.disable_unlisted = params['disable_unlisted_devices']
        self.enable_new = list(params.get('enable_new_devices') or [])

    # the work of one item
    def run(self, item: Item) -> HardwareRun:
        account = HardwareRun(task='hardware', item=item)
        self.runner.run(account, lambda run, start: self._work(t.cast(HardwareRun, run), item))
        if account.failed:
            account.error = account.error or 'failed'
            account.changed = account.wrote  # what was done before the failure stays done (a re-run completes the rest)
            if not account.wrote:
                account.changes = []
        return account

    def not_attempted(self, item: Item) -> HardwareRun:
        return HardwareRun(task='hardware', item=item, status=NOT_ATTEMPTED)

    def _work(self, run: HardwareRun, item: Item) -> None:
        server = self.site.server(item.recording_server, item)
        run.server_id, run.server_name = object_id(server), str(server.get('name', ''))
        if item.state == 'absent':
            self._remove(run, item)
            return
        holders = self.site.on_server(run.server_id, item.address.host)
        if len(holders) > 1:
            raise ConflictError(f'{item.label}: recording server {show(run.server_name)} holds {len(holders)} hardware at '
                                f'{item.address.host} (ids {", ".join(object_id(hw) for hw in holders)}); remove the extra ones')
        hardware = holders[0] if holders else None
        if hardware is None:
            hardware = self._move_or_replace(run, item)
        if hardware is None:
            hardware = self._add(run, item)
            if hardware is None:  # check mode
                return
        self._configure(run, item, hardware)

    def _settle(self, run: HardwareRun, action: str) -> None:
        if run.action in (NONE, UPDATED) or action == ADDED:
            run.action = action
        if self.check_mode:
            run.status, run.changed = WOULD_CHANGE, True
        else:
            run.status, run.changed = CHANGED, True

    # remove
    def _remove(self, run: HardwareRun, item: Item) -> None:
        holders = self.site.on_server(run.server_id, item.address.host)
        if not holders:
            run.status = UNCHANGED
            return
        for hardware in holders:
            run.before = _view(hardware, run.server_name)
            run.hardware = hardware
            if not self.check_mode:
                self.client.delete(f'recordingServers/{_quote(run.server_id)}/hardware/{_quote(object_id(hardware))}',
                                   action=f'remove {item.label} ({object_id(hardware)}) from recording server {show(run.server_name)}')
                run.wrote = True
                self.site.forget(hardware)
            self._settle(run, REMOVED)
            run.changes.append('removed')

    # move or replace
    def _move_or_replace(self, run: HardwareRun, item: Item) -> Obj | None:
        others = self.site.elsewhere(run.server_id, item.address.host)
        if others and item.replaces is None:
            other = others[0]
            where = show(self.site.server_name(_parent_id(other)))
            if not item.move:
                raise ConflictError(f'{item.label} is on recording server {where}, not {show(run.server_name)}: set move: true to move it '
                                    f'(MoveHardware), or give recording_server {where}')
            if len(others) > 1:
                raise ConflictError(f'{item.label} is on {len(others)} other recording servers; remove the extra ones before moving it')
            run.before = _view(other, self.site.server_name(_parent_id(other)))
            self._settle(run, MOVED)
            run.changes.append('recording_server')
            if self.check_mode:
                return dict(other, relations={'parent': {'type': 'recordingServers', 'id': run.server_id},
                                              'self': {'type': 'hardware', 'id': object_id(other)}})
            self._task(run, f'hardware/{_quote(object_id(other))}', 'MoveHardware',
                       {'destinationRecordingServer': f'recordingServers/{run.server_id}'},
                       f'move {item.label} to recording server {show(run.server_name)}')
            moved = self._read(object_id(other))
            self.site.remember(moved)
            return moved
        if item.replaces is None:
            return None
        old = self.site.on_server(run.server_id, item.replaces.host)
        if not old:
            raise ConflictError(f'{item.label}: replaces names {item.replaces.host}, but recording server {show(run.server_name)} has no '
                                f'hardware there (nor at {item.address.host}); fix replaces, or leave it out to add the device as new '
                                'hardware')
        return self._replace(run, item, old[0], reason='replaces')

    def _replace(self, run: HardwareRun, item: Item, hardware: Obj, *, reason: str) -> Obj:
        """ReplaceHardware: the hardware takes the given device (address, driver, credentials) and keeps its devices."""
        driver = self._driver(run, item) if item.driver is not None or reason == 'replaces' else None
        if driver is None:
            raise ConflictError(f'{item.label}: a replacement needs a driver; give driver')
        if not run.before:
            run.before = _view(hardware, run.server_name)
        self._settle(run, REPLACED)
        run.changes.append('address' if reason == 'replaces' else 'driver')
        if self.check_mode:
            return dict(hardware, address=item.address.url, hardwareDriverPath={'type': 'hardwareDrivers', 'id': object_id(driver)})
        body: Obj = {'address': item.address.host, 'driver': str(driver.get('number')), 'allowDeletingDisabledDevices': False}
        secure = item.address.scheme == 'https'
        if item.address.port:
            body['httpsPort' if secure else 'port'] = item.address.port
        body['useHttps'] = secure
        if item.username is not None:
            body['userName'] = item.username
        if item.password is not None:
            body['password'] = item.password
        self._task(run, f'hardware/{_quote(object_id(hardware))}', 'ReplaceHardware', body,
                   f'replace hardware {hardware.get("address")} with the device at {item.address}', connect_check=item)
        replaced = self._read(object_id(hardware))
        self.site.remember(replaced)
        if reason == 'replaces' and item.password is not None:
            run.changes.append('password')
        return replaced

    def _driver(self, run: HardwareRun, item: Item) -> Obj | None:
        if item.driver is not None:
            return self.site.driver(run.server_id, item.driver, item)
        return None

    # add
    def _add(self, run: HardwareRun, item: Item) -> Obj | None:
        if item.username is None or item.password is None:
            raise ConflictError(f'{item.label} is not on recording server {show(run.server_name)}; adding it needs the device\'s own '
                                'credentials: hardware_username and hardware_password (or username and password in the item)')
        driver = self._driver(run, item)
        self._settle(run, ADDED)
        run.changes.append('added')
        if self.check_mode:
            predicted = {'address': item.address.url, 'name': item.name, 'enabled': False, 'userName': item.username,
                         'description': ''}
            if driver is not None:
                predicted['hardwareDriverPath'] = {'type': 'hardwareDrivers', 'id': object_id(driver)}
            run.hardware = predicted
            run.after = _view(dict(predicted, name=item.name or f'(named by the server) ({item.address.host})',
                                   enabled=item.enabled if item.enabled is not None else True,
                                   description=item.description if item.description is not None else ''), run.server_name)
            if driver is None:
                run.changes.append('driver detected when added')
            return None
        path = f'recordingServers/{_quote(run.server_id)}'
        if driver is None:
            driver = self._detect(run, item)
        body = {'hardwareAddress': item.address.sent, 'hardwareDriverPath': {'type': 'hardwareDrivers', 'id': object_id(driver)},
                'userName': item.username, 'password': item.password, 'customData': ''}
        try:
            task = self._task(run, path, 'AddHardware', body, f'add {item.label} to recording server {show(run.server_name)}',
                              connect_check=item, driver=driver)
        except TaskFailedError as error:
            if run.error_code != ALREADY_DEFINED_CODE:
                raise
            # Already there: added by an earlier attempt whose answer was lost, or by someone else since the read.
            found = self._find_added(run.server_id, item.address.host)
            if found is None:
                raise HardwareError(f'{item.label}: recording server {show(run.server_name)} says the hardware is already defined, but '
                                    f'no hardware at {item.address.host} is listed there', details=[str(error.summary)]) from None
            run.error_code = None
            run.added = True
            self._clean_up_lost_add(run, object_id(found))
            return found
        hardware_id = id_key(((task or {}).get('hardwarePath') or {}).get('id')) if isinstance((task or {}).get('hardwarePath'), dict) else ''
        hardware = self._read(hardware_id) if hardware_id else self._find_added(run.server_id, item.address.host)
        if hardware is None:
            raise HardwareError(f'{item.label}: AddHardware succeeded, but the new hardware is not listed on recording server '
                                f'{show(run.server_name)}; run the task again to configure it')
        run.added = True
        self.site.remember(hardware)
        return hardware

    def _find_added(self, server_id: str, host: str) -> Obj | None:
        listed = self.client.list(f'recordingServers/{_quote(server_id)}/hardware', params=[('disabled', None)],
                                  action='list the hardware of the recording server')
        found = [hw for hw in listed if host_of(hw.get('address')) == host]
        if found:
            self.site.remember(found[0])
            return found[0]
        return None

    def _clean_up_lost_add(self, run: HardwareRun, hardware_id: str) -> None:
        """TaskCleanup on the task of an AddHardware whose answer was lost: the finished task, started during this run, that added
        this hardware (its repetition, refused as already defined, is cleaned up as usual)."""
        before = self.runner.tasks_before
        if before is None:
            return  # no snapshot of the tasks, so an ambiguous AddHardware was never repeated
        try:
            tasks = self.client.tasks.list()
        except XProtectError:
            return
        for task in tasks:
            ident = task_reference_id(task)
            path = task.get('hardwarePath')
            if (not ident or ident in before or ident in run.all_task_ids or str(task.get('state', '')) not in TERMINAL_STATES
                    or not isinstance(path, dict) or id_key(path.get('id')) != hardware_id):
                continue
            run.all_task_ids.append(ident)
            try:
                run.cleanup[ident] = self.client.cleanup_task(ident)
            except XProtectError:
                run.cleanup[ident] = 'failed'
                run.left_behind.append(ident)

    def _read(self, hardware_id: str) -> Obj:
        return self.client.get_data(f'hardware/{_quote(hardware_id)}', action=f'read hardware {hardware_id}')

    def _detect(self, run: HardwareRun, item: Item) -> Obj:
        """HardwareScan with every driver: the driver that speaks to the device."""
        body = {'hardwareAddress': item.address.sent, 'hardwareDriverIds': '', 'userName': item.username, 'password': item.password,
                'useDefaultCredentials': False}
        try:
            task = self._task(run, f'recordingServers/{_quote(run.server_id)}', 'HardwareScan', body,
                              f'detect the driver of {item.label} on recording server {show(run.server_name)}')
        except TaskFailedError as error:
            raise HardwareError(f'{item.label}: recording server {show(run.server_name)} found no driver that speaks to the device with the '
                                'given credentials: ' + self._diagnose(run, item, None),
                                details=[self.client.redact(error.summary)]) from None
        path = (task or {}).get('hardwareDriverPath')
        driver = self.site.driver_by_id(run.server_id, id_key(path.get('id'))) if isinstance(path, dict) and path.get('id') else None
        if driver is None or (task or {}).get('hardwareScanValidated') is False:
            raise HardwareError(f'{item.label}: the driver scan of recording server {show(run.server_name)} did not validate the device: '
                                + self._diagnose(run, item, None))
        return driver

    def _diagnose(self, run: HardwareRun, item: Item, driver: Obj | None) -> str:
        """Which of the three it is: not reachable, credentials refused, or another driver."""
        path = f'recordingServers/{_quote(run.server_id)}'
        if driver is not None:
            try:
                scan = {'hardwareAddress': item.address.sent, 'hardwareDriverIds': '', 'userName': item.username, 'password': item.password,
                        'useDefaultCredentials': False}
                task = self._task(run, path, 'HardwareScan', scan, f'detect the driver of {item.label}')
            except XProtectError:
                task = None
            found_path = (task or {}).get('hardwareDriverPath')
            found = (self.site.driver_by_id(run.server_id, id_key(found_path.get('id')))
                     if isinstance(found_path, dict) and found_path.get('id') else None)
            if found is not None and object_id(found) != object_id(driver):
                return (f'the device does not match driver {driver.get("number")} ({driver.get("name")}); it answers to driver '
                        f'{found.get("number")} ({found.get("name")}): set driver to {found.get("number")}, or leave driver out to have it '
                        'detected')
        try:
            express = {'primaryUserName': item.username, 'primaryPassword': item.password, 'useDefaultCredentials': False}
            task = self._task(run, path, 'HardwareScanExpress', express, f'scan the network of recording server {show(run.server_name)}')
        except XProtectError:
            return ('the device could not be reached or refused the credentials (a network scan to tell which failed); check the '
                    'address, the port, the user name and the password')
        results = (task or {}).get('results')
        seen = [entry for entry in results if isinstance(entry, dict) and host_of(entry.get('hardwareAddress')) == item.address.host] \
            if isinstance(results, list) else []
        if not seen:
            return (f'the device at {item.address.host} cannot be reached from recording server {show(run.server_name)} (it is offline, '
                    'the address or port is wrong, or a firewall is in the way)')
        if not any(entry.get('hardwareScanValidated') for entry in seen):
            return (f'the device at {item.address.host} answers, but refused the user name {show(str(item.username))} and its password; '
                    'give the credentials the device accepts')
        return 'the device answers and accepts the credentials; check the driver and the port'

    # change
    def _configure(self, run: HardwareRun, item: Item, hardware: Obj) -> None:  # pylint: disable=too-many-branches
        """The hardware's fields, password and devices. A hardware this run enables (just added, or found disabled) has the
        devices of the enable_new_devices kinds enabled with it, and is itself enabled last: a run interrupted before that
        leaves it disabled, so the next run does it all again, whatever step it stopped at."""
        run.hardware = hardware
        if not run.before and not run.added:
            run.before = _view(hardware, run.server_name)
        hardware_id = object_id(hardware)
        if item.driver is not None and not run.added and run.action != REPLACED:
            driver = self.site.driver(run.server_id, item.driver, item)
            if object_id(driver) != _driver_id(hardware):
                hardware = self._replace(run, item, hardware, reason='driver')
                run.hardware = hardware
        wanted_enabled = item.enabled if item.enabled is not None else True
        enabling = wanted_enabled and not hardware.get('enabled')
        changes: Obj = {}
        if item.name is not None and hardware.get('name') != item.name:
            changes['name'] = item.name
        if item.description is not None and (hardware.get('description') or '') != item.description:
            changes['description'] = item.description
        if bool(hardware.get('enabled')) != wanted_enabled:
            changes['enabled'] = wanted_enabled
        if item.username is not None and hardware.get('userName') != item.username and run.action != REPLACED:
            changes['userName'] = item.username
        if not same_url(item.address, hardware.get('address')):
            changes['address'] = item.address.url
        set_password = (item.password is not None and self.update_password == 'always' and not run.added
                        and not (run.action == REPLACED and 'password' in run.changes))
        if enabling:
            if set_password:
                self._set_password(run, item, hardware_id)
            self._configure_devices(run, item, hardware_id, True)
            self._patch_hardware(run, item, hardware_id, changes)
        else:
            self._patch_hardware(run, item, hardware_id, changes)
            if set_password:
                self._set_password(run, item, hardware_id)
            self._configure_devices(run, item, hardware_id, False)
        if run.status not in (CHANGED, WOULD_CHANGE):
            run.status = UNCHANGED
        devices_after = run.after.get('devices')
        run.after = _view(run.hardware, run.server_name)
        if devices_after:
            run.after['devices'] = devices_after
        if set_password:
            run.before['password'] = MASK
            run.after['password'] = MASK + ' (new)'

    def _set_password(self, run: HardwareRun, item: Item, hardware_id: str) -> None:
        self._settle(run, UPDATED)
        run.changes.append('password')
        if not self.check_mode:
            self._task(run, f'hardware/{_quote(hardware_id)}', 'ChangePasswordHardware',
                       {'password': item.password, 'updatePasswordOnDevice': bool(self.change_device_password)},
                       f'set the password of {item.label}')

    def _patch_hardware(self, run: HardwareRun, item: Item, hardware_id: str, changes: Obj) -> None:
        if not changes:
            return
        self._settle(run, UPDATED)
        run.changes += [{'userName': 'username'}.get(field, field) for field in changes]
        if not self.check_mode:
            hardware = self.client.update(f'hardware/{_quote(hardware_id)}', changes, action=f'update {item.label}')
            run.wrote = True
            self.site.remember(hardware)
        else:
            hardware = dict(run.hardware, **changes)
        run.hardware = hardware

    def _configure_devices(self, run: HardwareRun, item: Item, hardware_id: str, fresh: bool) -> None:
        kinds = list(dict.fromkeys([wanted.kind for wanted in item.devices] + (self.enable_new if fresh else [])
                                   + (list(DEVICE_KINDS) if self.disable_unlisted else [])))
        if not kinds:
            return
        if self.check_mode and run.action == ADDED and not object_id(run.hardware):
            return
        devices = self.site.devices_of(hardware_id, kinds)
        by_channel = {kind: {device.get('channel'): device for device in devices.get(kind, [])} for kind in kinds}
        listed = {(wanted.kind, wanted.channel) for wanted in item.devices}
        missing = [wanted for wanted in item.devices if wanted.channel not in by_channel[wanted.kind]]
        if missing:
            parts = []
            for wanted in missing:
                have = sorted(channel for channel in by_channel[wanted.kind] if isinstance(channel, int))
                has = f'channels {", ".join(map(str, have))}' if have else f'no {wanted.kind}'
                parts.append(f'{wanted.kind} channel {wanted.channel} (it has {has})')
            raise ConflictError(f'{item.label} has no ' + '; no '.join(parts) + '. Channels count from 0.')
        writes: list[tuple[str, Obj, Obj]] = []
        for kind in kinds:
            for channel, device in sorted(by_channel[kind].items(), key=lambda pair: (not isinstance(pair[0], int), pair[0])):
                wanted = next((entry for entry in item.devices if entry.kind == kind and entry.channel == channel), None)
                change: Obj = {}
                if wanted is not None:
                    if wanted.name is not None and device.get('name') != wanted.name:
                        change['name'] = wanted.name
                    enable = wanted.enabled if wanted.enabled is not None else (True if fresh and kind in self.enable_new else None)
                    if enable is not None and bool(device.get('enabled')) != enable:
                        change['enabled'] = enable
                elif fresh and kind in self.enable_new and not device.get('enabled') and (kind, channel) not in listed:
                    change['enabled'] = True
                elif self.disable_unlisted and device.get('enabled'):
                    change['enabled'] = False
                entry = {'kind': kind, 'channel': channel, 'id': object_id(device), 'name': change.get('name', device.get('name')),
                         'enabled': change.get('enabled', bool(device.get('enabled'))), 'changes': sorted(change)}
                run.devices.append(entry)
                if change:
                    writes.append((kind, device, change))
        if not writes:
            return
        self._settle(run, UPDATED)
        run.changes += sorted({f'{kind}[{device.get("channel")}].{field}' for kind, device, change in writes for field in change})
        run.before.setdefault('devices', {})
        run.after.setdefault('devices', {})
        for kind, device, change in writes:
            label = f'{kind}[{device.get("channel")}]'
            run.before['devices'][label] = _device_view(device)
            run.after['devices'][label] = dict(_device_view(device), **change)
        if self.check_mode:
            return

        def write(entry: tuple[str, Obj, Obj]) -> None:
            kind, device, change = entry
            self.client.update(f'{DEVICE_KINDS[kind][0]}/{_quote(object_id(device))}', change,
                               action=f'update {DEVICE_KINDS[kind][1]} {device.get("channel")} of {item.label}')
            run.wrote = True

        map_all(write, writes, workers=4)
        self.site.forget_devices(hardware_id)

    # tasks
    def _task(self, run: HardwareRun, path: str, task: str, body: Obj, action: str, *, connect_check: Item | None = None,
              driver: Obj | None = None) -> Obj | None:
        """One task to its end, accounted in ``run``; a device-connection failure explained."""
        account = TaskAccount(task=task)
        final: Obj = {}

        def work(sub: TaskAccount, start: float) -> None:
            result = self.runner.invoke(sub, path, body, action=action, owned=lambda task_obj: False)
            final.update(self.runner.finish(sub, result, start) or {})
            sub.status = CHANGED

        self.runner.run(account, work)
        run.all_task_ids += account.task_ids
        if not account.failed and task not in SCANS:
            run.wrote = True
        run.cleanup.update(account.cleanup)
        run.left_behind += account.left_behind
        if not account.failed:
            return final
        run.error_code = account.error_code
        failure = account.failure
        if account.error_code == CONNECT_FAILED_CODE and connect_check is not None:
            cause = self._diagnose(run, connect_check, driver or (self._driver(run, connect_check) if connect_check.driver else None))
            raise HardwareError(f'{connect_check.label}: {task} failed: {cause}', details=[account.error])
        if isinstance(failure, TaskFailedError):
            raise TaskFailedError(failure.summary, action=action)
        if isinstance(failure, TaskTimeoutError):
            raise TaskTimeoutError(f'{task} to {action} timed out: {failure.summary}', task_id=failure.task_id,
                                   last_task=failure.last_task, duration=failure.duration)
        if isinstance(failure, XProtectError):
            raise failure
        raise TaskFailedError(f'{task} failed: {account.error}', action=action)


# -- the module's job ---------------------------------------------------------------------------------------

def _totals(runs: t.Sequence[HardwareRun]) -> Obj:
    counts = {status: 0 for status in (CHANGED, UNCHANGED, WOULD_CHANGE, FAILED, NOT_ATTEMPTED)}
    actions = {action: 0 for action in (ADDED, UPDATED, REPLACED, MOVED, REMOVED)}
    for run in runs:
        counts[run.status] = counts.get(run.status, 0) + 1
        if run.changed and run.action in actions:
            actions[run.action] += 1
    counts.update({'hardware': len(runs), 'failures': counts.get(FAILED, 0) + counts.get('timed_out', 0),
                   'added': actions[ADDED], 'updated': actions[UPDATED], 'replaced': actions[REPLACED], 'moved': actions[MOVED],
                   'removed': actions[REMOVED]})
    return counts


def _summary(runs: t.Sequence[HardwareRun], check_mode: bool, seconds: float) -> str:
    totals = _totals(runs)
    verb = 'would be ' if check_mode else ''
    parts = [f'{totals[key]} {verb}{key}' for key in ('added', 'updated', 'replaced', 'moved', 'removed') if totals[key]]
    parts.append(f'{totals[UNCHANGED]} unchanged')
    if totals['failures']:
        parts.append(f'{totals["failures"]} failed')
    if totals[NOT_ATTEMPTED]:
        parts.append(f'{totals[NOT_ATTEMPTED]} not attempted')
    return f'{len(runs)} hardware: ' + ', '.join(parts) + f' in {seconds:.1f} s'


def manage_hardware(module: t.Any) -> Obj:
    """The job of milestone.xprotect.hardware."""
    params = module.params
    # The items' passwords are masked before the input is checked: an input error fails with the invocation, items included.
    for raw in params.get('items') or []:
        if isinstance(raw, dict):
            module.add_secret(raw.get('password'))
    for secret in address_credentials(params):
        module.add_secret(secret)
    items, tolerance = check_params(params)
    for item in items:
        module.add_secret(item.password)
    if not items:
        module.warn('items is empty: nothing was read or changed')
        return dict(changed=False, hardware=[], totals=_totals([]), duration=0.0, msg='0 hardware: items is empty')
    started = time.monotonic()
    client = module.client
    workers = params['concurrency']
    site = Site(client, workers)
    present = [item for item in items if item.state == 'present']
    # Reads before any write: the drivers of the recording servers that items name a driver on, the devices of the
    # hardware that already exist (so that a fleet's device reads are one list per kind, not one per hardware).
    server_ids, hardware_ids = [], []
    for item in present:
        try:
            server = site.server(item.recording_server, item)
        except ConflictError:
            continue
        if item.driver is not None:
            server_ids.append(object_id(server))
        holders = site.on_server(object_id(server), item.address.host)
        if holders:
            hardware_ids.append(object_id(holders[0]))
    site.read_drivers(server_ids)
    kinds = list(dict.fromkeys([wanted.kind for item in present for wanted in item.devices]
                               + (list(DEVICE_KINDS) if params['disable_unlisted_devices'] else [])))
    fresh_kinds = list(params.get('enable_new_devices') or [])
    disabled_ids = [object_id(hw) for hw in site.hardware if object_id(hw) in set(hardware_ids) and not hw.get('enabled')]
    site.read_devices(hardware_ids, kinds)
    if fresh_kinds and disabled_ids:
        site.read_devices(disabled_ids, fresh_kinds)
    runner = TaskRunner(client, WaitOptions(wait=True, wait_timeout=params['wait_timeout'], wait_sleep=params['wait_sleep'], cleanup=True))
    job = HardwareJob(module, site, runner, check_mode=module.check_mode)
    guard = ServerGoneGuard()
    runs = run_fleet(items, job.run, job.not_attempted, workers=workers, guard=guard)
    seconds = time.monotonic() - started
    body: Obj = dict(changed=any(run.changed for run in runs), hardware=[run.as_result() for run in runs], totals=_totals(runs),
                     duration=round(seconds, 3))
    if module._diff:  # pylint: disable=protected-access  # AnsibleModule exposes --diff only this way
        body['diff'] = {'before': {str(run.hardware.get('address') or t.cast(Item, run.item).address.url): run.before
                                   for run in runs if run.changed and run.before},
                        'after': {str(run.hardware.get('address') or t.cast(Item, run.item).address.url): run.after
                                  for run in runs if run.changed and run.after}}
    failed = [run for run in runs if run.failed]
    if tolerance.exceeded(len(failed), len(runs)) or guard.gone:
        lines = [f'{run.error}' for run in failed[:10]]
        more = f' ... and {len(failed) - 10} more' if len(failed) > 10 else ''
        advice = fleet_advice(runs)
        message = (f'{len(failed)} of {len(runs)} hardware failed (failure_tolerance {tolerance}): ' + '; '.join(lines) + more
                   + (f' {advice}' if advice else '') + ' A re-run completes what is done and retries the rest.')
        error = HardwareError(message)
        error.result = body  # type: ignore[attr-defined]
        raise error
    for run in failed:
        module.warn(f'{run.error} (tolerated by failure_tolerance {tolerance})')
    body['msg'] = _summary(runs, module.check_mode, seconds)
    return body


# -- hardware_info -----------------------------------------------------------------------------------------------

def _settings_values(entries: t.Any) -> Obj:
    """MAC address, firmware, serial number and detected model from a hardware's ``hardwareDriverSettings``."""
    wanted = {'macaddress': 'mac_address', 'firmwareversion': 'firmware_version', 'serialnumber': 'serial_number',
              'detectedmodelname': 'detected_model'}
    found: Obj = {value: None for value in wanted.values()}
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, dict):
            continue
        for section in [entry] + [value for value in entry.values() if isinstance(value, dict)]:
            for key, value in section.items():
                name = wanted.get(str(key).lower())
                if name and found[name] is None and isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    found[name] = str(value)
    return found


def _info_of(hardware: Obj, site_servers: dict[str, Obj], drivers: dict[str, Obj], devices: dict[str, list[Obj]] | None,
             settings: Obj | None) -> Obj:
    driver = drivers.get(_driver_id(hardware)) or {}
    server = site_servers.get(_parent_id(hardware)) or {}
    info = {
        'id': object_id(hardware),
        'name': hardware.get('name'),
        'address': hardware.get('address'),
        'host': host_of(hardware.get('address')),
        'enabled': bool(hardware.get('enabled')),
        'description': hardware.get('description', ''),
        'model': hardware.get('model'),
        'username': hardware.get('userName'),
        'password_last_modified': hardware.get('passwordLastModified'),
        'last_modified': hardware.get('lastModified'),
        'recording_server': server.get('name'),
        'recording_server_id': _parent_id(hardware) or None,
        'driver': {'id': _driver_id(hardware) or None, 'name': driver.get('name'), 'number': driver.get('number'),
                   'group': driver.get('groupName')},
    }
    if settings is not None:
        info.update(settings)
    if devices is not None:
        info['devices'] = {kind: [{'id': object_id(device), 'name': device.get('name'), 'channel': device.get('channel'),
                                   'enabled': bool(device.get('enabled'))}
                                  for device in sorted(devices.get(kind, []), key=lambda device: (str(device.get('channel')),))]
                           for kind in DEVICE_KINDS}
    return info


def read_hardware(module: t.Any) -> Obj:
    """The job of milestone.xprotect.hardware_info."""
    params = module.params
    problems: list[str] = []
    if not 1 <= params['concurrency'] <= MAX_CONCURRENCY:
        problems.append(f'concurrency must be between 1 and {MAX_CONCURRENCY}, not {params["concurrency"]}')
    for secret in address_credentials(params):
        module.add_secret(secret)
    addresses = [parse_address(value, 'address') for value in params.get('address') or []]
    for value in params.get('id') or []:
        if not is_id(value):
            problems.append(f'id {show(str(value))} is not a hardware id (a GUID such as 0a1b2c3d-0000-4000-8000-00000000abcd)')
    if params.get('recording_server') is not None and not params['recording_server'].strip():
        problems.append('recording_server is empty; give a recording server\'s name or id, or leave recording_server out for every one')
    if any(not str(name).strip() for name in params.get('name') or []):
        problems.append('name has an empty entry; give hardware names, or leave name out for every hardware')
    if problems:
        raise InputError('; '.join(problems))
    client = module.client
    workers = params['concurrency']
    servers = client.list('recordingServers', action='list the recording servers')
    by_server = {object_id(server): server for server in servers}
    wanted_server = params.get('recording_server')
    server_id = None
    if wanted_server is not None:
        matches = [server for server in servers if object_id(server) == id_key(wanted_server) or server.get('name') == wanted_server]
        if not matches:
            names = ', '.join(show(str(server.get('name', ''))) for server in servers)
            raise ConflictError(f'no recording server is named {show(wanted_server)}; the recording servers are {names}')
        server_id = object_id(matches[0])
    path = f'recordingServers/{_quote(server_id)}/hardware' if server_id else 'hardware'
    listed = client.list(path, params=[('disabled', None)], action='list the hardware')
    hosts = {address.host for address in addresses}
    ids = {id_key(value) for value in params.get('id') or []}
    names = set(params.get('name') or [])
    selected = [hw for hw in listed
                if (not hosts or host_of(hw.get('address')) in hosts) and (not ids or object_id(hw) in ids)
                and (not names or hw.get('name') in names) and (params['include_disabled'] or hw.get('enabled'))]
    drivers: dict[str, Obj] = {}

    def server_drivers(ident: str) -> list[Obj]:
        return client.list(f'recordingServers/{_quote(ident)}/hardwareDrivers', action='list the hardware drivers')

    for _ident, found in map_all(server_drivers, sorted({_parent_id(hw) for hw in selected if _parent_id(hw)}), workers=workers):
        for driver in found:
            drivers[object_id(driver)] = driver
    site = Site.__new__(Site)
    site.client, site.workers, site.servers, site.hardware = client, workers, servers, selected
    site._drivers, site._devices, site._lock = {}, {}, threading.Lock()  # pylint: disable=protected-access
    if params['include_devices']:
        site.read_devices([object_id(hw) for hw in selected], list(DEVICE_KINDS))
    settings: dict[str, Obj] = {}
    if params['include_driver_settings']:
        for ident, values in map_all(lambda ident: (ident, _settings_values(client.list(
                f'hardware/{_quote(ident)}/hardwareDriverSettings', action=f'read the driver settings of hardware {ident}'))),
                [object_id(hw) for hw in selected], workers=workers):
            settings[ident] = values[1]
    result = [_info_of(hw, by_server, drivers,
                       site.devices_of(object_id(hw), list(DEVICE_KINDS)) if params['include_devices'] else None,
                       settings.get(object_id(hw)) if params['include_driver_settings'] else None)
              for hw in sorted(selected, key=lambda hw: (str(by_server.get(_parent_id(hw), {}).get('name', '')), host_of(hw.get('address'))))]
    return dict(changed=False, hardware=result, msg=f'{len(result)} hardware')
