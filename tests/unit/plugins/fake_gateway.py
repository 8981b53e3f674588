# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one in-memory XProtect API Gateway of the unit tests, behind the ``responses`` library.

``FakeGateway`` answers every request the client can send: the token endpoints, the REST resources
userDefinedEvents, cameras (with ptzPresets and their tasks), cameraGroups and tasks, with the envelopes,
paging and ``?disabled`` rule of the real API, and a JSON 404 for anything else. Tests change its behaviour
through the attributes documented on the class, never by registering answers of their own next to it
(``responses`` would let the two shadow each other).

The fixtures ``mock`` and ``gateway`` in tests/unit/conftest.py hand out a ``responses.RequestsMock`` and a
gateway on it; the helpers here build cameras, presets and clients for it.
"""

from __future__ import annotations

import json
import re
import threading
import time
import typing as t
import urllib.parse
import uuid

import requests
import responses

from ansible_collections.milestone.xprotect.plugins.module_utils._client import ConnectionSettings, XProtectClient

BASE = 'https://vms.example.com'
REST = BASE + '/api/rest/v1'
GW_TOKEN = BASE + '/API/IDP/connect/token'
IDP_TOKEN = BASE + '/IDP/connect/token'
PASSWORD = 'S3cret-Pa55word!'
TOKEN = 'tok-0123456789abcdef'
#: The built-in System event every gateway starts with (it can be neither renamed nor deleted).
SYSTEM_ID = '85867627-b287-4439-9e55-a63701e1715b'
#: The tasks a PTZ camera offers on ``cameras/{id}/ptzPresets?tasks``.
PTZ_TASKS = [{'id': 'DefaultPtzPreset', 'displayName': 'Set default PTZ preset'},
             {'id': 'GetDevicePresets', 'displayName': 'Get presets from camera'}]
NOT_FOUND = 'Not Found, the requested id does not exist'

Answer = tuple[int, dict[str, t.Any]]


def guid(number: int, prefix: str = 'c') -> str:
    """A deterministic GUID; ``prefix`` keeps cameras (c), groups and hardware (g) and presets (p) apart."""
    head = {'c': 'cccccccc', 'g': '99999999', 'p': 'aaaaaaaa'}[prefix]
    return f'{head}-0000-4000-8000-{number:012d}'


def envelope_error(status: int, *texts: str) -> dict[str, t.Any]:
    """The API Gateway's error envelope with one detail per text."""
    return {'error': {'httpCode': status, 'details': [{'errorText': text} for text in texts]}}


def make_camera(number: int, name: str, *, ptz: bool = False, enabled: bool = True, ptz_field: bool = True) -> dict[str, t.Any]:
    """Camera ``number``; ``ptz_field=False`` leaves out ``ptzEnabled``, as older servers do."""
    ident = guid(number)
    camera = {'id': ident, 'name': name, 'displayName': name, 'enabled': enabled, 'channel': 0,
              'relations': {'self': {'type': 'cameras', 'id': ident}, 'parent': {'type': 'hardware', 'id': guid(number, 'g')}}}
    if ptz_field:
        camera['ptzEnabled'] = ptz
    return camera


def make_preset(camera_id: str, number: int, name: str, *, default: bool = False, device_id: str = '') -> dict[str, t.Any]:
    """PTZ preset ``number`` of a camera; a ``device_id`` makes it a preset read from the device."""
    ident = guid(number, 'p')
    return {'id': ident, 'name': name, 'displayName': name, 'defaultPreset': default, 'devicePreset': bool(device_id),
            'devicePresetInternalId': device_id, 'pan': 0.1, 'tilt': 0.2, 'zoom': 0.3,
            'relations': {'self': {'type': 'ptzPresets', 'id': ident}, 'parent': {'type': 'cameras', 'id': camera_id}}}


def make_client(**overrides: t.Any) -> XProtectClient:
    """A client of ``BASE`` as admin, two retries without backoff and a sleep that returns at once."""
    values: dict[str, t.Any] = dict(server_url=BASE, username='admin', password=PASSWORD, retries=2, backoff_factor=0)
    values.update(overrides)
    return XProtectClient(ConnectionSettings(**values), sleep=lambda seconds: None)


class FakeGateway:  # pylint: disable=too-many-instance-attributes,too-many-public-methods
    """A small in-memory API Gateway behind ``responses``.

    What it holds, all plain data the tests may read and change:

    * ``cameras`` (by id), ``presets`` and ``device_presets`` (by camera id: the presets the server has, and
      those GetDevicePresets finds on the device), camera groups (``add_group``), ``tasks`` (by task id);
    * ``events``: the user-defined events, a System event first unless ``events`` is given.

    Knobs:

    * ``polls_to_finish``: a task finishes after that many reads (no clock involved);
    * ``outcomes``: camera id -> ``success``, ``error`` or ``hang``, the end of that camera's tasks;
    * ``default_mode``: ``task`` (DefaultPtzPreset starts a task) or ``sync`` (it answers at once);
    * ``offered_tasks``: camera id -> the tasks ``?tasks`` lists (by default PTZ_TASKS, none for a camera whose
      ``ptzEnabled`` is false);
    * ``faults``: ``[method, fragment, status, count]`` entries; the next ``count`` requests whose
      ``path?query`` contains ``fragment`` get ``status``; a fifth item ``'after'`` processes the request first
      (the answer was lost after the work was done);
    * ``post_status``: queued ``(status, create_anyway)`` answers for the next userDefinedEvents POSTs; 2010
      means 201 without the ``result`` envelope;
    * ``max_name_length``: longer event names are refused with 400;
    * ``delay``: every REST answer takes that many seconds, so that concurrent requests overlap;
    * ``gone_after``: ``[method, fragment, count]``; once ``count`` REST requests like that were answered, every
      request fails as a refused connection (a server that went away);
    * ``token_answer``: ``(status, body)`` the token endpoints give instead of a token.

    What it records: ``log`` (``(method, path, query)`` of every REST request, the path relative to
    ``/api/rest/v1/``), ``bodies`` (``(method, path, body)`` of every REST write, ``None`` without a body),
    ``in_flight``/``max_in_flight`` (REST requests being answered at once), and ``calls()``/``rest_calls()``
    from the mock's own record of every request.
    """

    def __init__(self, mock: responses.RequestsMock, cameras: t.Iterable[dict[str, t.Any]] | None = None, *,
                 events: t.Iterable[dict[str, t.Any]] | None = None, token: str = TOKEN) -> None:
        self.mock = mock
        self.token = token
        self.token_answer: Answer | None = None
        # cameras, groups, presets and tasks
        self.cameras = {camera['id']: camera for camera in cameras or []}
        self.presets: dict[str, list[dict[str, t.Any]]] = {}
        self.device_presets: dict[str, list[dict[str, t.Any]]] = {}
        self.offered_tasks: dict[str, list[dict[str, t.Any]]] = {}
        self.groups: dict[str, dict[str, t.Any]] = {}
        self.group_children: dict[str, list[str]] = {}
        self.group_members: dict[str, list[str]] = {}
        self.top_groups: list[str] = []
        self.tasks: dict[str, dict[str, t.Any]] = {}
        self.next_task = 1
        self.next_session = 7
        self.sessions: dict[int, str] = {}
        self.polls_to_finish = 1
        self.outcomes: dict[str, str] = {}
        self.default_mode = 'task'
        # user-defined events
        self._clock = 0
        self.events: list[dict[str, t.Any]] = list(events) if events is not None else [self.make_event(SYSTEM_ID, 'RequestStartRecording', 'System')]
        self.post_status: list[tuple[int, bool]] = []
        self.max_name_length = 256
        # faults and records
        self.faults: list[list[t.Any]] = []
        self.gone_after: list[t.Any] | None = None
        self.delay = 0.0
        self.log: list[tuple[str, str, str]] = []
        self.bodies: list[tuple[str, str, t.Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        # One callback per method for every URL: two registrations that match one request would make
        # ``responses`` drop the first after its first use.
        for method in (responses.GET, responses.POST, responses.PUT, responses.PATCH, responses.DELETE):
            mock.add_callback(method, re.compile(r'.*'), callback=self.dispatch)

    # -- set-up helpers ------------------------------------------------------------------------------

    def add_group(self, name: str, number: int, *, members: t.Sequence[str] = (), parent: str | None = None) -> str:
        """Camera group ``number`` with ``members`` (camera ids), top-level or below ``parent``; returns its id."""
        ident = guid(number, 'g')
        self.groups[ident] = {'id': ident, 'name': name, 'displayName': name, 'relations': {'self': {'type': 'cameraGroups', 'id': ident}}}
        self.group_children[ident] = []
        self.group_members[ident] = list(members)
        if parent:
            self.group_children[parent].append(ident)
        else:
            self.top_groups.append(ident)
        return ident

    def make_event(self, ident: str, name: str, subtype: str = 'UserDefined') -> dict[str, t.Any]:
        """A user-defined event as the server returns it, with its own timestamp (not stored)."""
        self._clock += 1
        stamp = f'2026-01-01T00:00:{self._clock:02d}.0000000Z'
        return {'displayName': name, 'id': ident, 'name': name, 'lastModified': stamp, 'createdDate': stamp, 'subtype': subtype,
                'relations': {'self': {'type': 'userDefinedEvents', 'id': ident}}}

    def add_event(self, name: str, subtype: str = 'UserDefined') -> dict[str, t.Any]:
        """Store a new event named ``name`` with a random id; returns it."""
        created = self.make_event(str(uuid.uuid4()), name, subtype)
        self.events.append(created)
        return created

    # -- what the tests look at ----------------------------------------------------------------------

    def requests(self, method: str | None = None, fragment: str = '') -> list[tuple[str, str, str]]:
        """The logged REST requests of ``method`` whose ``path?query`` contains ``fragment``."""
        return [entry for entry in self.log if (method is None or entry[0] == method) and fragment in entry[1] + '?' + entry[2]]

    @property
    def writes(self) -> list[tuple[str, str, str]]:
        """The logged REST requests other than GET."""
        return [entry for entry in self.log if entry[0] != 'GET']

    def event_names(self) -> list[str]:
        """The names of the user-defined (not System) events, sorted."""
        return sorted(item['name'] for item in self.events if item['subtype'] == 'UserDefined')

    def calls(self, *methods: str) -> list[str]:
        """``METHOD path?query`` of every request of ``methods`` (all if none given) the mock has recorded."""
        return [f'{call.request.method} {call.request.path_url}' for call in self.mock.calls if not methods or call.request.method in methods]

    def rest_calls(self) -> list[str]:
        """``METHOD path`` of every REST request the mock has recorded, without the query."""
        return [f'{call.request.method} {call.request.path_url.split("?")[0]}' for call in self.mock.calls if '/api/rest/' in call.request.url]

    # -- dispatch ------------------------------------------------------------------------------------

    def dispatch(self, request: t.Any) -> tuple[int, dict[str, str], str]:
        """Every request: a token, a REST request or a 404."""
        if self.gone_after and len(self.requests(self.gone_after[0], self.gone_after[1])) >= self.gone_after[2]:
            raise requests.exceptions.ConnectionError('HTTPSConnectionPool: Max retries exceeded (Caused by NewConnectionError('
                                                      "'[Errno 111] Connection refused'))")
        parts = urllib.parse.urlsplit(request.url)
        if request.method == 'POST' and parts.path.lower().endswith('/connect/token'):
            granted = {'access_token': self.token, 'expires_in': 3600, 'token_type': 'Bearer', 'scope': 'managementserver'}
            status, body = self.token_answer or (200, granted)
            return status, {'Content-Type': 'application/json'}, json.dumps(body)
        if parts.path.startswith('/api/rest/v1/'):
            return self.handle(request)
        return 404, {'Content-Type': 'application/json'}, json.dumps(envelope_error(404, 'Not Found'))

    def handle(self, request: t.Any) -> tuple[int, dict[str, str], str]:
        """A REST request: logged, delayed, counted while in flight, then answered."""
        parts = urllib.parse.urlsplit(request.url)
        path = parts.path[len('/api/rest/v1/'):]
        query = parts.query
        body = json.loads(request.body) if request.body else None
        with self._lock:
            self.log.append((request.method, path, query))
            if request.method != 'GET':
                self.bodies.append((request.method, path, body))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                time.sleep(self.delay)
            with self._lock:
                status, answer = self._answer(request.method, path, urllib.parse.parse_qsl(query, keep_blank_values=True), body)
        finally:
            with self._lock:
                self.in_flight -= 1
        return status, {'Content-Type': 'application/json'}, json.dumps(answer)

    def _fault(self, method: str, target: str) -> list[t.Any] | None:
        for fault in self.faults:
            if fault[3] > 0 and fault[0] == method and fault[1] in target:
                fault[3] -= 1
                return fault
        return None

    def _answer(self, method: str, path: str, query: list[tuple[str, str]], body: t.Any) -> Answer:
        flags = {key.lower(): value for key, value in query}
        fault = self._fault(method, path + '?' + urllib.parse.urlencode(query))
        if fault and not (len(fault) > 4 and fault[4] == 'after'):
            return fault[2], envelope_error(fault[2], 'Injected fault')
        segments = path.split('/')
        handler = getattr(self, f'_{method.lower()}_{segments[0].lower()}', None)
        if handler is None:
            return 404, envelope_error(404, f'Unknown resource: {segments[0]}')
        answer = handler(segments[1:], flags, body)
        if fault:
            # The request was processed, but its answer is lost: a 502 from a proxy after the work was done.
            return fault[2], envelope_error(fault[2], 'Injected fault after processing')
        return answer

    @staticmethod
    def _collection(items: list[dict[str, t.Any]], flags: dict[str, str]) -> Answer:
        if 'size' in flags:
            size = int(flags['size'])
            page = int(flags.get('page', 0))
            items = items[page * size:(page + 1) * size]
        return 200, {'array': items}

    # -- cameras and camera groups -------------------------------------------------------------------

    def _visible(self, ids: t.Iterable[str], flags: dict[str, str]) -> list[dict[str, t.Any]]:
        cameras = [self.cameras[ident] for ident in ids]
        return cameras if 'disabled' in flags else [camera for camera in cameras if camera['enabled']]

    def _get_cameras(self, rest: list[str], flags: dict[str, str], _body: t.Any) -> Answer:
        if not rest:
            return self._collection(self._visible(self.cameras, flags), flags)
        camera = self.cameras.get(rest[0].lower())
        if camera is None:
            return 404, envelope_error(404, NOT_FOUND)
        if len(rest) == 1:
            return 200, {'data': camera}
        if 'tasks' in flags:
            if camera['id'] in self.offered_tasks:
                return 200, {'tasks': list(self.offered_tasks[camera['id']])}
            return 200, {'tasks': list(PTZ_TASKS) if camera.get('ptzEnabled', True) else []}
        return self._collection(self.presets.get(camera['id'], []), flags)

    def _get_cameragroups(self, rest: list[str], flags: dict[str, str], _body: t.Any) -> Answer:
        if not rest:
            return self._collection([self.groups[ident] for ident in self.top_groups], flags)
        ident = rest[0].lower()
        if ident not in self.groups:
            return 404, envelope_error(404, NOT_FOUND)
        if len(rest) == 1:
            return 200, {'data': self.groups[ident]}
        if rest[1].lower() == 'cameragroups':
            return self._collection([self.groups[child] for child in self.group_children[ident]], flags)
        return self._collection(self._visible(self.group_members[ident], flags), flags)

    def _post_cameras(self, rest: list[str], flags: dict[str, str], body: t.Any) -> Answer:
        camera = self.cameras.get(rest[0].lower()) if rest else None
        if camera is None:
            return 404, envelope_error(404, NOT_FOUND)
        task = flags.get('task')
        if task == 'DefaultPtzPreset':
            selection = (body or {}).get('itemSelection', '')
            match = re.match(r'^PtzPreset\[([0-9A-F-]{36})\]$', selection)
            preset = next((p for p in self.presets.get(camera['id'], []) if match and p['id'] == match.group(1).lower()), None)
            if preset is None:
                return 400, envelope_error(400, f'Bad request: invalid value for itemSelection: {selection!r}')
            if self.default_mode == 'sync':
                self._set_default(camera['id'], preset['id'])
                return 200, {'result': {'itemSelection': selection, 'state': 'Success'}}
            return 200, {'result': self._start(camera['id'], 'default', preset=preset['id'])}
        if task == 'GetDevicePresets':
            session = (body or {}).get('sessionDataId')
            if session == 0:
                return 200, {'result': self._start(camera['id'], 'read')}
            if self.sessions.pop(session, None) != camera['id']:
                return 400, envelope_error(400, f'Bad request: unknown or already used sessionDataId {session}')
            return 200, {'result': self._start(camera['id'], 'merge', session=session)}
        return 400, envelope_error(400, f"Bad request: Unknown task '{task}'")

    # -- tasks ---------------------------------------------------------------------------------------

    def _get_tasks(self, rest: list[str], flags: dict[str, str], _body: t.Any) -> Answer:
        if not rest:
            return self._collection([self._task_data(task, poll=False) for task in self.tasks.values()], flags)
        task = self.tasks.get(rest[0])
        if task is None:
            return 404, envelope_error(404, NOT_FOUND)
        return 200, {'data': self._task_data(task, poll=True)}

    def _post_tasks(self, rest: list[str], flags: dict[str, str], _body: t.Any) -> Answer:
        task = self.tasks.get(rest[0]) if rest else None
        if task is None:
            return 404, envelope_error(404, NOT_FOUND)
        if flags.get('task') == 'TaskStop':
            if task['state'] not in ('Success', 'Error'):
                task.update(state='Error', errorText='Stopped', errorCode=61003, stopped=True)
            return 200, {'result': {'state': 'Success'}}
        del self.tasks[rest[0]]
        return 200, {'result': {'state': 'Success'}}

    def _start(self, camera_id: str, effect: str, **extra: t.Any) -> dict[str, t.Any]:
        ident = str(self.next_task)
        self.next_task += 1
        self.tasks[ident] = dict(id=ident, camera=camera_id, effect=effect, state='Idle', progress=0, polls=0,
                                 outcome=self.outcomes.get(camera_id, 'success'), sessionDataId=extra.get('session', 0), **extra)
        return {'sessionDataId': extra.get('session', 0), 'state': 'Idle', 'path': {'type': 'tasks', 'id': ident}}

    def _task_data(self, task: dict[str, t.Any], *, poll: bool) -> dict[str, t.Any]:
        if poll and task['state'] not in ('Success', 'Error'):
            task['polls'] += 1
            if task['outcome'] == 'hang':
                task.update(state='InProgress', progress=42)
            elif task['polls'] >= self.polls_to_finish:
                self._finish(task)
            else:
                task.update(state='InProgress', progress=50)
        data = {'displayName': 'invokeResult', 'progress': task['progress'], 'state': task['state'], 'sessionDataId': task['sessionDataId'],
                'cameraPath': {'type': 'cameras', 'id': task['camera']},
                'relations': {'self': {'type': 'tasks', 'id': task['id']}, 'parent': {'type': 'sites', 'id': guid(1, 'g')}}}
        for key in ('errorText', 'errorCode'):
            if key in task:
                data[key] = task[key]
        return data

    def _finish(self, task: dict[str, t.Any]) -> None:
        task['progress'] = 100
        if task['outcome'] == 'error':
            task.update(state='Error', errorCode=61002, errorText='VMO61002: The operation failed. Communication with the device was lost.')
            return
        task['state'] = 'Success'
        if task['effect'] == 'default':
            self._set_default(task['camera'], task['preset'])
        elif task['effect'] == 'read':
            task['sessionDataId'] = self.next_session
            self.sessions[self.next_session] = task['camera']
            self.next_session += 1
        else:
            task['sessionDataId'] = 0
            self._merge(task['camera'])

    def _set_default(self, camera_id: str, preset_id: str) -> None:
        for preset in self.presets.get(camera_id, []):
            preset['defaultPreset'] = preset['id'] == preset_id

    def _merge(self, camera_id: str) -> None:
        presets = self.presets.setdefault(camera_id, [])
        known = {preset['devicePresetInternalId'] for preset in presets if preset['devicePreset']}
        for device in self.device_presets.get(camera_id, []):
            if device['devicePresetInternalId'] not in known:
                presets.append(dict(device))

    # -- user-defined events -------------------------------------------------------------------------

    def _event(self, rest: list[str]) -> dict[str, t.Any] | None:
        ident = rest[0].lower() if len(rest) == 1 else None
        return next((item for item in self.events if item['id'] == ident), None)

    def _check_name(self, name: t.Any) -> Answer | None:
        if not isinstance(name, str) or not name.strip():
            return 400, envelope_error(400, 'Bad request: name cannot be empty')
        if len(name) > self.max_name_length:
            return 400, envelope_error(400, f'Bad request: name is too long ({len(name)} characters)')
        return None

    def _get_userdefinedevents(self, rest: list[str], flags: dict[str, str], _body: t.Any) -> Answer:
        if not rest:
            return self._collection(self.events, flags)
        found = self._event(rest)
        if found is None:
            return 404, envelope_error(404, NOT_FOUND)
        answer: dict[str, t.Any] = {'data': found}
        if 'resources' in flags:
            answer['resources'] = []
        if 'definitions' in flags:
            answer['definitions'] = {'name': {'canSet': True, 'valueType': 'string'}}
        return 200, answer

    def _post_userdefinedevents(self, rest: list[str], _flags: dict[str, str], body: t.Any) -> Answer:
        if rest:
            return 400, envelope_error(400, 'Bad request: user-defined events have no tasks')
        name = (body or {}).get('name')
        invalid = self._check_name(name)
        if invalid:
            return invalid
        status, create_anyway = self.post_status.pop(0) if self.post_status else (201, True)
        created = self.add_event(name) if create_anyway else None
        if status == 2010:  # created, but answered without the documented result envelope
            return 201, {'state': 'Success'}
        if status != 201:
            return status, envelope_error(status, 'Bad Gateway')
        return 201, {'result': created}

    def _put_userdefinedevents(self, rest: list[str], _flags: dict[str, str], body: t.Any) -> Answer:
        found = self._event(rest)
        if found is None:
            return 404, envelope_error(404, NOT_FOUND)
        name = (body or {}).get('name')
        invalid = self._check_name(name)
        if invalid:
            return invalid
        if found['subtype'] == 'System':
            return 400, envelope_error(400, 'Bad request: built-in System events cannot be renamed')
        found['name'] = found['displayName'] = name
        return 200, {'data': found}

    def _delete_userdefinedevents(self, rest: list[str], _flags: dict[str, str], _body: t.Any) -> Answer:
        found = self._event(rest)
        if found is None:
            return 404, envelope_error(404, NOT_FOUND)
        self.events.remove(found)
        return 200, {'state': 'Success'}
