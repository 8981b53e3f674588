# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the reliability suite (tests/integration/test_reliability_*.py).

The fault matrix runs every module's ``main()`` in-process (``AnsibleModule`` with patched arguments)
against a real simulator, so one cell costs milliseconds instead of an ``ansible-playbook`` process. A
fault is put at one *step* of a module (login, list, write, invoke, poll, cleanup) in one of two ways:

* server side, with the simulator's own fault controls and a ``match`` on the step's requests
  (``fail_next``, ``reset_next``, ``after``, ``fail_rate``, ``task_outcome``);
* client side, with :class:`StepHook`, which runs an action right before the first request of the step:
  expire every token, make the server slow, take the server away (:class:`OutageProxy`) or restart it.

Every cell then checks the same things (see :func:`run_cell`): the module succeeded or failed with a
clear message, the fault really happened, nothing was created twice, nothing was left behind silently,
a re-run succeeds and a further run has nothing to do.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import fcntl
import io
import json
import os
import re
import signal
import shutil
import socket
import sys
import tempfile
import threading
import time
import traceback
import types
import typing as t
from unittest import mock
from urllib.parse import quote, urlsplit

import yaml

from harness import collections_path

from simulator.process import SimulatorError, SimulatorProcess

sys.path.insert(0, collections_path())

# pylint: disable=wrong-import-position
from ansible_collections.milestone.xprotect.plugins.module_utils import _client, _module  # noqa: E402
from ansible_collections.milestone.xprotect.plugins.modules import (  # noqa: E402
    camera_info,
    device_settings,
    hardware,
    hardware_info,
    login,
    ptz_task,
    device_group,
    resource,
    resource_info,
    site_export,
    task,
    user_defined_event,
    user_defined_event_info,
    user_defined_events,
)

from ansible_collections.milestone.xprotect.tests.unit.plugins.modules.module_args import patch_module_args  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, 'tests', 'output')

#: The matrix user: a distinctive password (colon, space, non-ASCII) that must never show up anywhere.
USERNAME = 'reliability'
PASSWORD = 'Rel-5ecret: pa55 wörd'
#: Any XProtect (and simulator) access token is a JWT; this finds one in any text.
JWT_RE = re.compile(r'eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}')
TASK_SECONDS = '0.05'
STEP_COLUMNS = ('login', 'list', 'write', 'invoke', 'poll', 'cleanup')


# -- secrets -------------------------------------------------------------------------------------------

def secret_forms(secret: str) -> set[str]:
    """The ways a secret can appear in output: as is, JSON-escaped, repr-escaped and form-encoded."""
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], repr(secret)[1:-1], quote(secret, safe=''),
             quote(secret, safe='').replace('%20', '+')}
    return {form for form in forms if len(form) >= 6}


def find_secrets(text: str, secrets: t.Iterable[str], *, tokens: bool = True) -> list[str]:
    """What ``text`` gives away: any form of the given secrets, and any JWT when ``tokens``."""
    found = [f'secret form {form[:4]}...' for secret in secrets for form in secret_forms(secret) if form in text]
    if tokens:
        found += [f'token {match[:10]}...' for match in JWT_RE.findall(text)]
    return found


# -- running a module in-process -----------------------------------------------------------------------

@dataclasses.dataclass
class ModuleRun:
    """One in-process run of a module's ``main()``."""

    result: dict[str, t.Any]
    output: str
    crash: str = ''

    @property
    def failed(self) -> bool:
        return bool(self.result.get('failed')) or bool(self.crash)

    @property
    def changed(self) -> bool:
        return bool(self.result.get('changed'))

    @property
    def msg(self) -> str:
        return str(self.result.get('msg', ''))


def run_module(main: t.Callable[[], None], args: dict[str, t.Any], *, backoff_factor: float = 0.02) -> ModuleRun:
    """Run ``main()`` with ``args`` as AnsibleModule arguments; never raises for what the module does.

    ``backoff_factor`` is not a module option; it is lowered here so retries cost milliseconds.
    """
    original = _module.settings_from_params

    def tuned(params: t.Mapping[str, t.Any], **extra: t.Any) -> t.Any:
        return original(params, backoff_factor=backoff_factor, **extra)

    stdout, stderr = io.StringIO(), io.StringIO()
    crash = ''
    with patch_module_args(args), mock.patch.object(_module, 'settings_from_params', tuned), \
            contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main()
        except SystemExit:
            pass
        except Exception:  # pylint: disable=broad-except  # a module crash is exactly what the suite looks for
            crash = traceback.format_exc()
    text = stdout.getvalue()
    try:
        result = json.loads(text) if text.strip() else {}
    except ValueError:
        result, crash = {}, crash or f'the module printed something that is not JSON: {text[:500]}'
    return ModuleRun(result=result, output=text + stderr.getvalue(), crash=crash)


def has_traceback(result: t.Mapping[str, t.Any]) -> bool:
    """True if a task result carries a Python traceback (ansible-core 2.19 puts a placeholder in ``exception``)."""
    text = ' '.join(str(result.get(key, '')) for key in ('msg', 'exception', 'module_stderr', 'module_stdout'))
    return 'Traceback (most recent call last)' in text or 'MODULE FAILURE' in text


def clean_failure_problems(run: ModuleRun) -> list[str]:
    """Why a run is not a clean outcome: a crash, a failure without a sentence, or a traceback in the result."""
    problems = []
    if run.crash:
        problems.append('the module crashed:\n' + run.crash)
    if run.result.get('failed'):
        if not run.msg.strip():
            problems.append('failed without a message')
        if has_traceback(run.result) or 'exception' in run.result:
            problems.append('the result carries an exception/traceback: ' + str(run.result.get('exception'))[:300])
    if 'Traceback (most recent call last)' in run.output:
        problems.append('a traceback was printed')
    return problems


# -- steps and the client-side hook ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Step:
    """One step of a module: the first request that matches ``method`` and the ``path`` regex (path + query)."""

    column: str
    label: str
    method: str
    path: str

    def matches(self, method: str, url: str) -> bool:
        parts = urlsplit(url)
        target = parts.path + ('?' + parts.query if parts.query else '')
        return method.upper() == self.method and re.search(self.path, target, re.IGNORECASE) is not None

    def log_matches(self, entry: t.Mapping[str, t.Any]) -> bool:
        """Whether an entry of the simulator's request log is a request of this step."""
        target = entry['path'] + ('?' + entry['query'] if entry.get('query') else '')
        return entry['method'] == self.method and re.search(self.path, target, re.IGNORECASE) is not None

    @property
    def match(self) -> dict[str, str]:
        """The simulator's ``match`` for this step (its path is a regex or substring of path + query)."""
        return {'method': self.method, 'path': self.path}


LOGIN = Step('login', 'login', 'POST', r'connect/token')
EVENTS_LIST = Step('list', 'list', 'GET', r'/userDefinedEvents\?')
EVENT_RENAME = Step('write', 'rename', 'PUT', r'/userDefinedEvents/')
EVENT_CREATE = Step('write', 'create', 'POST', r'/userDefinedEvents$')
EVENT_DELETE = Step('write', 'delete', 'DELETE', r'/userDefinedEvents/')
CAMERAS_LIST = Step('list', 'list', 'GET', r'/cameras\?')
PRESETS_LIST = Step('list', 'list', 'GET', r'/ptzPresets\?page')
INVOKE = Step('invoke', 'invoke', 'POST', r'/ptzPresets\?task=')
POLL = Step('poll', 'poll', 'GET', r'/tasks/\d+$')
CLEANUP = Step('cleanup', 'cleanup', 'POST', r'/tasks/\d+\?task=TaskCleanup')
CAMERA_PATCH = Step('write', 'patch', 'PATCH', r'/cameras/[0-9a-fA-F-]+$')
GROUPS_LIST = Step('list', 'list', 'GET', r'/cameraGroups\?')
GROUP_CREATE = Step('write', 'create', 'POST', r'/cameraGroups$')
SETTINGS_READ = Step('list', 'read', 'GET', r'/settings/[0-9a-fA-F-]+\?definitions')
SETTINGS_PATCH = Step('write', 'patch', 'PATCH', r'/settings/[0-9a-fA-F-]+$')
HARDWARE_LIST = Step('list', 'list', 'GET', r'/hardware\?')
ADD_HARDWARE = Step('invoke', 'add', 'POST', r'\?task=AddHardware$')
HARDWARE_PATCH = Step('write', 'patch', 'PATCH', r'/hardware/[0-9a-fA-F-]+$')


class StepHook:
    """Patches the client so that ``action`` runs once, right before the first request of ``step`` is sent."""

    def __init__(self, step: Step, action: t.Callable[[], None]) -> None:
        self.step = step
        self.action = action
        self.fired = False
        self._lock = threading.Lock()
        self._patch: t.Any = None

    def __enter__(self) -> 'StepHook':
        original = _client.XProtectClient._http  # pylint: disable=protected-access
        hook = self

        def send(client: t.Any, method: str, url: str, **kwargs: t.Any) -> t.Any:
            if not hook.fired and hook.step.matches(method, url):
                with hook._lock:  # pylint: disable=protected-access  # fleet work sends from several threads
                    if not hook.fired:
                        hook.fired = True
                        hook.action()
            return original(client, method, url, **kwargs)

        self._patch = mock.patch.object(_client.XProtectClient, '_http', send)
        self._patch.start()
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self._patch.stop()


class RecordedSleeps:
    """Replaces the sleeps of urllib3's retry logic: records how long it wanted to wait, waits only briefly.

    A 429 with ``Retry-After: 1`` at each of the matrix's steps would cost a second per cell; the cell checks
    instead that the client asked to wait that long (tests/integration/test_client.py measures a real wait).
    """

    def __init__(self) -> None:
        self.requested: list[float] = []
        self._patch: t.Any = None

    def sleep(self, seconds: float) -> None:
        self.requested.append(seconds)
        time.sleep(min(seconds, 0.01))

    def __enter__(self) -> 'RecordedSleeps':
        import urllib3.util.retry  # pylint: disable=import-outside-toplevel
        clock = types.SimpleNamespace(sleep=self.sleep, time=time.time, monotonic=time.monotonic)
        self._patch = mock.patch.object(urllib3.util.retry, 'time', clock)
        self._patch.start()
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self._patch.stop()


# -- the server going away -------------------------------------------------------------------------------

class OutageProxy:
    """A TCP relay in front of the simulator that can go away (connections refused) and come back on the same port.

    Unlike a simulator restart, the server keeps its state: this is a network outage or a gateway restart,
    as a client sees it. TLS passes through untouched. It can also hold new connections back and release
    them together (:meth:`hold`), a starting gate for concurrent clients.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream = ('127.0.0.1', upstream_port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._held: list[socket.socket] | None = None

    def url(self, scheme: str = 'https') -> str:
        return f'{scheme}://127.0.0.1:{self.port}'

    def start(self) -> 'OutageProxy':
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('127.0.0.1', self.port))
        listener.listen(64)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _address = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                if self._held is not None:
                    self._held.append(client)
                    continue
            self._relay(client)

    def _relay(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        for sock in (client, upstream):
            sock.settimeout(None)
        with self._lock:
            self._sockets.update((client, upstream))
        for source, target in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def hold(self) -> None:
        """From now on, accept connections but hold them until :meth:`release`."""
        with self._lock:
            self._held = []

    @property
    def held(self) -> int:
        with self._lock:
            return len(self._held or [])

    def release(self) -> None:
        """Relay every held connection now, and new ones as they come."""
        with self._lock:
            held, self._held = self._held or [], None
        for client in held:
            self._relay(client)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with self._lock:
                self._sockets.discard(sock)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _go_away(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            open_sockets, self._sockets = list(self._sockets), set()
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def outage(self, seconds: float) -> None:
        """Refuse connections (and drop open ones) now, and come back after ``seconds``."""
        self._go_away()
        self._timer = threading.Timer(seconds, self.start)
        self._timer.start()

    def wait_until_back(self) -> None:
        if self._timer is not None:
            self._timer.join()
            self._timer = None

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._go_away()


def restart_later(sim: SimulatorProcess, down_seconds: float) -> threading.Thread:
    """Kill the simulator now (a crash: no graceful shutdown) and start it again after ``down_seconds``.

    It comes back on the same port with the same CA; its data is re-seeded and its tasks are gone.
    """
    if sim.pid is not None:
        os.kill(sim.pid, signal.SIGKILL)
    sim.stop(keep_files=True)

    def bring_back() -> None:
        time.sleep(down_seconds)
        for attempt in range(10):
            try:
                sim.start()
                return
            except SimulatorError:
                if attempt == 9:
                    raise
                time.sleep(0.2)  # the port can take a moment to be free again

    thread = threading.Thread(target=bring_back, daemon=True)
    thread.start()
    return thread


# -- reading the simulator -------------------------------------------------------------------------------

def wait_idle(sim: SimulatorProcess, limit: float = 10.0) -> None:
    """Wait until no REST request is being served: requests a client gave up on are still processed."""
    deadline = time.monotonic() + limit
    while sim.stats()['in_flight'] > 0:
        if time.monotonic() > deadline:
            raise AssertionError('the simulator still serves requests the client gave up on')
        time.sleep(0.02)


def api_ok(sim: SimulatorProcess, method: str, path: str, body: t.Any = None) -> t.Any:
    status, payload = sim.api(method, path, body)
    assert status in (200, 201), f'{method} {path}: {status} {payload}'
    return payload


def user_event_names(sim: SimulatorProcess) -> list[str]:
    """Every user-defined event's name, duplicates included, sorted."""
    events = api_ok(sim, 'GET', '/userDefinedEvents')['array']
    return sorted(event['name'] for event in events if event.get('subtype') == 'UserDefined')


def open_task_ids(sim: SimulatorProcess) -> set[str]:
    return {str(task['relations']['self']['id']) for task in api_ok(sim, 'GET', '/tasks')['array']}


def tasks_created(sim: SimulatorProcess, probe_camera: str) -> int:
    """How many server tasks were created since the last reset or restart.

    Task ids count up from 1, so a probe task's id tells; the probe is cleaned up at once.
    """
    result = api_ok(sim, 'POST', f'/cameras/{probe_camera}/ptzPresets?task=GetDevicePresets', {'sessionDataId': 0})['result']
    task_id = result['path']['id']
    sim.api('POST', f'/tasks/{task_id}?task=TaskCleanup', {})
    return int(task_id) - 1


def presets(sim: SimulatorProcess, camera_id: str) -> list[dict[str, t.Any]]:
    return api_ok(sim, 'GET', f'/cameras/{camera_id}/ptzPresets')['array']


def default_preset(sim: SimulatorProcess, camera_id: str) -> str | None:
    return next((preset['name'] for preset in presets(sim, camera_id) if preset.get('defaultPreset')), None)


# -- scenarios: one module doing one job ------------------------------------------------------------------

@dataclasses.dataclass
class Site:
    """Cameras of the seed data the PTZ scenarios use (the same in every simulator started with the same seed)."""

    default_cameras: list[str]
    default_preset: str
    device_camera: str
    probe_camera: str
    ptz_count: int

    @classmethod
    def read(cls, sim: SimulatorProcess) -> 'Site':
        cameras = [camera for camera in api_ok(sim, 'GET', '/cameras')['array'] if camera.get('ptzEnabled')]
        names: dict[str, list[str]] = {}
        for camera in cameras:
            for preset in presets(sim, camera['id']):
                if not preset.get('defaultPreset'):
                    names.setdefault(preset['name'], []).append(camera['id'])
        name, holders = max(sorted(names.items()), key=lambda item: len(item[1]))
        assert len(holders) >= 2, 'the seed data needs two PTZ cameras sharing a preset name'
        others = [camera['id'] for camera in cameras if camera['id'] not in holders[:2]]
        return cls(default_cameras=holders[:2], default_preset=name, device_camera=others[0], probe_camera=others[1],
                   ptz_count=len(cameras))


DEVICE_PRESETS = [{'name': 'Preset 1', 'pan': 0.1, 'tilt': 0.1, 'zoom': 0.1}, {'name': 'Imported by reliability', 'pan': 0.4, 'tilt': 0.2, 'zoom': 0.5}]


@dataclasses.dataclass
class Scenario:
    """A module doing one job: how to prepare the server, the arguments, the steps, and what "done" means."""

    key: str
    main: t.Callable[[], None]
    steps: tuple[Step, ...]
    args: t.Callable[[Site], dict[str, t.Any]]
    prepare: t.Callable[[SimulatorProcess, Site], None] = lambda sim, site: None
    #: Problems with the server's state once the job is done ([] when done).
    done: t.Callable[[SimulatorProcess, Site, ModuleRun], list[str]] = lambda sim, site, run: []
    #: Most server tasks one run may create (0: the module creates none).
    max_tasks: int = 0
    returns_token: bool = False
    #: The module runs an action (a server task), so every run that ran one reports changed; converging is the job done.
    action: bool = False
    #: Secrets of the scenario's own (besides the matrix user's password) that no output may show.
    secrets: tuple[str, ...] = ()
    #: Problems with the server's state that must never exist, failed run or not (such as an object created twice).
    invariant: t.Callable[[SimulatorProcess], list[str]] = lambda sim: []
    #: Per fault, the text the failure must say instead of the fault's own (a task of another kind has another error text).
    fail_texts: dict[str, str] = dataclasses.field(default_factory=dict)


def _names_done(expected: list[str]) -> t.Callable[[SimulatorProcess, Site, ModuleRun], list[str]]:
    def done(sim: SimulatorProcess, _site: Site, _run: ModuleRun) -> list[str]:
        names = user_event_names(sim)
        return [] if names == sorted(expected) else [f'user-defined events are {names}, expected {sorted(expected)}']
    return done


def _no_duplicate_names(sim: SimulatorProcess) -> list[str]:
    names = user_event_names(sim)
    repeated = sorted({name for name in names if names.count(name) > 1})
    return [f'events created twice: {repeated}'] if repeated else []


def _prepare_events(sim: SimulatorProcess, _site: Site) -> None:
    for name in ('Old name', 'Obsolete'):
        api_ok(sim, 'POST', '/userDefinedEvents', {'name': name})


def _prepare_door(sim: SimulatorProcess, _site: Site) -> None:
    api_ok(sim, 'POST', '/userDefinedEvents', {'name': 'Door forced'})


def _info_done(_sim: SimulatorProcess, _site: Site, run: ModuleRun) -> list[str]:
    events = run.result.get('events') or []
    if [event.get('name') for event in events] != ['Door forced'] or 'resources' not in events[0]:
        return [f'user_defined_event_info returned {events}']
    return []


def _cameras_done(sim: SimulatorProcess, site: Site, run: ModuleRun) -> list[str]:
    cameras = run.result.get('cameras') or []
    if len(cameras) != site.ptz_count or not all('ptz_presets' in camera for camera in cameras):
        return [f'camera_info returned {len(cameras)} cameras, the site has {site.ptz_count} PTZ cameras']
    return []


def _login_done(_sim: SimulatorProcess, _site: Site, run: ModuleRun) -> list[str]:
    return [] if JWT_RE.fullmatch(str(run.result.get('access_token', ''))) else ['login returned no access token']


def _defaults_done(sim: SimulatorProcess, site: Site, _run: ModuleRun) -> list[str]:
    wrong = {camera: default_preset(sim, camera) for camera in site.default_cameras if default_preset(sim, camera) != site.default_preset}
    return [f'default preset is not {site.default_preset!r} on {wrong}'] if wrong else []


def _prepare_device(sim: SimulatorProcess, site: Site) -> None:
    sim.set_device_presets(site.device_camera, DEVICE_PRESETS)


def _device_done(sim: SimulatorProcess, site: Site, _run: ModuleRun) -> list[str]:
    # Compared with what the device holds now: a restarted simulator forgets the presets prepare() gave it.
    wanted = {preset['name'] for preset in sim.device_presets(site.device_camera)}
    have = {preset['name'] for preset in presets(sim, site.device_camera)}
    return [] if wanted <= have else [f'device presets {sorted(wanted - have)} were not imported']


PTZ_RUN = {'wait_sleep': 0.02, 'wait_timeout': 3, 'concurrency': 2}
RELIABLE_DESCRIPTION = 'Described by the reliability matrix'


def _described_done(sim: SimulatorProcess, site: Site, _run: ModuleRun) -> list[str]:
    cameras = {camera['id']: camera for camera in api_ok(sim, 'GET', '/cameras?disabled')['array']}
    wrong = [ident for ident in site.default_cameras if cameras[ident].get('description') != RELIABLE_DESCRIPTION]
    return [f'cameras {wrong} are not described'] if wrong else []


RELIABLE_GROUP = 'Reliability matrix group'


def _group_done(sim: SimulatorProcess, _site: Site, _run: ModuleRun) -> list[str]:
    names = [group['name'] for group in api_ok(sim, 'GET', '/cameraGroups')['array']]
    if names.count(RELIABLE_GROUP) != 1:
        return [f'{names.count(RELIABLE_GROUP)} camera groups are named {RELIABLE_GROUP!r}, expected 1']
    return []


def _resources_read(_sim: SimulatorProcess, site: Site, run: ModuleRun) -> list[str]:
    resources = run.result.get('resources') or []
    return [] if len(resources) == site.ptz_count else [f'resource_info returned {len(resources)} PTZ cameras, the site has {site.ptz_count}']


RELIABLE_FPS = '12'


def _frame_rate_done(sim: SimulatorProcess, site: Site, _run: ModuleRun) -> list[str]:
    rates = {ident: api_ok(sim, 'GET', f'/settings/{ident}')['data']['stream'][0].get('FPS') for ident in site.default_cameras}
    wrong = {ident: rate for ident, rate in rates.items() if rate != RELIABLE_FPS}
    return [f'the first stream of {wrong} is not at {RELIABLE_FPS} FPS'] if wrong else []


#: The directories the site_export cells write to, one per cell, removed when the run ends.
EXPORT_ROOT = tempfile.mkdtemp(prefix='xprotect-matrix-export-')
atexit.register(shutil.rmtree, EXPORT_ROOT, True)
DEVICE_COLLECTIONS = ('cameras', 'microphones', 'speakers', 'metadata', 'inputEvents', 'outputs')


def _export_args(_site: Site) -> dict[str, t.Any]:
    return {'dest': tempfile.mkdtemp(dir=EXPORT_ROOT), 'types': ['settings']}


def _settings_exported(sim: SimulatorProcess, _site: Site, run: ModuleRun) -> list[str]:
    path = os.path.join(str(run.result.get('dest')), 'settings.yml')
    if not os.path.exists(path):
        return [f'site_export wrote no {path}']
    with open(path, encoding='utf-8') as handle:
        written = len(yaml.safe_load(handle)['settings'])
    devices = sum(len(api_ok(sim, 'GET', f'/{collection}?disabled')['array']) for collection in DEVICE_COLLECTIONS)
    return [] if written == devices else [f'settings.yml has {written} devices, the site {devices}']


#: A device of the simulated camera network not yet added (GET /_simulator/network): an AXIS PTZ camera on XPRS01 with a
#: password of its own (the factory password "pass" would be found inside every "password" of the output).
RELIABLE_HOST = 'cam-gate.xprs01.example'
RELIABLE_HOST_PASSWORD = 'Gate-PTZ-7'
RELIABLE_HARDWARE = 'Gate PTZ (reliability)'
RELIABLE_CAMERA = 'Gate camera (reliability)'


def hardware_at(sim: SimulatorProcess, host: str) -> list[dict[str, t.Any]]:
    """Every hardware of the site at ``host``, enabled or not."""
    return [hw for hw in api_ok(sim, 'GET', '/hardware?disabled')['array'] if (urlsplit(hw.get('address') or '').hostname or '').lower() == host]


def _hardware_never_twice(sim: SimulatorProcess) -> list[str]:
    found = hardware_at(sim, RELIABLE_HOST)
    return [f'{len(found)} hardware were added at {RELIABLE_HOST} (ids {[hw["id"] for hw in found]})'] if len(found) > 1 else []


def _hardware_done(sim: SimulatorProcess, _site: Site, _run: ModuleRun) -> list[str]:
    found = hardware_at(sim, RELIABLE_HOST)
    if len(found) != 1:
        return [f'{len(found)} hardware at {RELIABLE_HOST}, expected 1']
    hw = found[0]
    problems = [] if hw.get('name') == RELIABLE_HARDWARE and hw.get('enabled') else [f'the hardware is {hw.get("name")!r}, enabled {hw.get("enabled")}']
    cameras = api_ok(sim, 'GET', f'/hardware/{hw["id"]}/cameras?disabled')['array']
    if [(camera.get('name'), camera.get('enabled')) for camera in cameras] != [(RELIABLE_CAMERA, True)]:
        problems.append(f'its cameras are {[(camera.get("name"), camera.get("enabled")) for camera in cameras]}')
    return problems


#: Seeded hardware on each recording server (10.1.0.x on XPRS01, 10.2.0.x on XPRS02).
INFO_HOSTS = ['10.1.0.10', '10.2.0.11']


def _hardware_read(_sim: SimulatorProcess, _site: Site, run: ModuleRun) -> list[str]:
    found = run.result.get('hardware') or []
    if sorted(entry.get('host') for entry in found) != INFO_HOSTS or not all(entry.get('mac_address') and entry['devices']['cameras']
                                                                             for entry in found):
        return [f'hardware_info returned {[(entry.get("host"), entry.get("mac_address")) for entry in found]}, expected {INFO_HOSTS} '
                'with their MAC addresses and cameras']
    return []


SCENARIOS: tuple[Scenario, ...] = (
    Scenario('login', login.main, (LOGIN,), lambda site: {}, done=_login_done, returns_token=True),
    Scenario('camera_info', camera_info.main, (LOGIN, CAMERAS_LIST), lambda site: {'ptz_only': True, 'include': ['ptz_presets']},
             done=_cameras_done),
    Scenario('user_defined_event_info', user_defined_event_info.main, (LOGIN, EVENTS_LIST),
             lambda site: {'name': 'Door forced', 'resources': True}, prepare=_prepare_door, done=_info_done),
    Scenario('user_defined_event', user_defined_event.main, (LOGIN, EVENTS_LIST, EVENT_CREATE), lambda site: {'name': 'Door forced'},
             done=_names_done(['Door forced'])),
    Scenario('user_defined_events', user_defined_events.main, (LOGIN, EVENTS_LIST, EVENT_RENAME, EVENT_CREATE, EVENT_DELETE),
             lambda site: {'events': [{'name': 'New name', 'previous_name': 'Old name'}, 'Door forced', 'Panic button'], 'purge': True},
             prepare=_prepare_events, done=_names_done(['New name', 'Door forced', 'Panic button'])),
    Scenario('ptz_task DefaultPtzPreset', ptz_task.main, (LOGIN, PRESETS_LIST, INVOKE, POLL, CLEANUP),
             lambda site: dict(PTZ_RUN, cameras=site.default_cameras, task='DefaultPtzPreset', preset=site.default_preset),
             done=_defaults_done, max_tasks=2),
    # Login and listing are the same code as for DefaultPtzPreset; the two-step task protocol is what differs.
    Scenario('ptz_task GetDevicePresets', ptz_task.main, (INVOKE, POLL, CLEANUP),
             lambda site: dict(PTZ_RUN, cameras=[site.device_camera], task='GetDevicePresets'),
             prepare=_prepare_device, done=_device_done, max_tasks=2),
    # The generic layer: the same transport and planner, so the steps that differ (a PATCH per object, a generic task).
    Scenario('resource cameras', resource.main, (LOGIN, CAMERAS_LIST, CAMERA_PATCH),
             lambda site: {'type': 'cameras', 'items': site.default_cameras, 'properties': {'description': RELIABLE_DESCRIPTION}},
             done=_described_done),
    # Settings: one read of values and definitions per camera, then a PATCH of what differs (login as for the others).
    Scenario('device_settings', device_settings.main, (SETTINGS_READ, SETTINGS_PATCH),
             lambda site: {'devices': site.default_cameras, 'streams': [{'stream': 'Video stream 1', 'settings': {'FPS': int(RELIABLE_FPS)}}],
                           'concurrency': 2},
             done=_frame_rate_done),
    # A create that must never happen twice, whatever answer is lost (the curated modules share the planner's writer).
    Scenario('device_group', device_group.main, (GROUPS_LIST, GROUP_CREATE), lambda site: {'path': RELIABLE_GROUP},
             done=_group_done),
    Scenario('resource_info cameras', resource_info.main, (CAMERAS_LIST,),
             lambda site: {'type': 'cameras', 'filters': {'ptzEnabled': 'true'}}, done=_resources_read),
    Scenario('task GetDevicePresets', task.main, (INVOKE, POLL, CLEANUP),
             lambda site: {'type': 'ptzPresets', 'parent': {'type': 'cameras', 'id': site.device_camera}, 'task': 'GetDevicePresets',
                           'parameters': {'sessionDataId': 0}, 'wait_sleep': 0.02, 'wait_timeout': 3},
             prepare=_prepare_device, done=_device_done, max_tasks=2, action=True),
    # Hardware: AddHardware (a server task whose repetition the server refuses with VMO60276), then the PATCHes that name and
    # enable the new hardware and its camera. A lost answer must never add it twice, and a failure after the add must leave what
    # a re-run completes (login, listing, polls and cleanups are the same code as above).
    Scenario('hardware add', hardware.main, (ADD_HARDWARE, HARDWARE_PATCH),
             lambda site: {'address': RELIABLE_HOST, 'recording_server': 'XPRS01', 'driver': '10', 'hardware_username': 'root',
                           'hardware_password': RELIABLE_HOST_PASSWORD, 'name': RELIABLE_HARDWARE,
                           'devices': {'cameras': [{'channel': 0, 'name': RELIABLE_CAMERA}]}, 'wait_sleep': 0.02, 'wait_timeout': 3},
             done=_hardware_done, max_tasks=2, secrets=(RELIABLE_HOST_PASSWORD,), invariant=_hardware_never_twice,
             fail_texts={'task ends in Error': 'VMO60277'}),
    Scenario('hardware_info', hardware_info.main, (HARDWARE_LIST,), lambda site: {'address': INFO_HOSTS}, done=_hardware_read),
    # A whole site's device settings read, eight devices at a time (the listing is the same code as for the others): a
    # fault fails the export before any file is written, and a re-run writes it.
    Scenario('site_export settings', site_export.main, (SETTINGS_READ,), _export_args, done=_settings_exported),
)


# -- faults ------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Env:
    """What a cell runs against: the simulators, the proxy and the seed cameras."""

    sim: SimulatorProcess
    legacy: SimulatorProcess
    proxy: OutageProxy
    site: Site
    restarts: list[threading.Thread] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Armed:
    """A fault set up for one run: the client hook (if any) and how to tell afterwards that it happened."""

    hook: StepHook | None = None
    settle: t.Callable[[], None] = lambda: None
    happened: t.Callable[[], bool] = lambda: True


@dataclasses.dataclass
class Fault:  # pylint: disable=too-many-instance-attributes
    """One fault control and the outcome it must lead to: ``ok`` (the module copes), ``fail`` (a clear failure) or ``any``."""

    name: str
    family: str
    columns: tuple[str, ...]
    expect: str
    fail_text: str = ''
    #: Expectations that differ at some steps (column -> ok/fail/any).
    expect_at: dict[str, str] = dataclasses.field(default_factory=dict)
    rule: dict[str, t.Any] | None = None
    legacy_simulator: bool = False
    #: A simulator restart re-seeds the data, so writes before it are gone: "done" is not checked after it.
    loses_state: bool = False
    #: The faulted run goes through the OutageProxy (the server must keep its state while it is away).
    via_proxy: bool = False
    #: Connection settings of the faulted run (the re-runs use the defaults).
    connection: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    module_args: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    backoff_factor: float = 0.02
    hook: t.Callable[[Env, SimulatorProcess], t.Callable[[], None]] | None = None
    #: The client must ask to wait at least this long (seconds) between attempts; the wait itself is skipped.
    requested_wait: float | None = None
    #: Why some steps have no cell, or how the fault is made (for the report).
    note: str = ''
    settle: t.Callable[[Env], None] = lambda env: None

    def expected(self, column: str) -> str:
        return self.expect_at.get(column, self.expect)

    def simulator(self, env: Env) -> SimulatorProcess:
        return env.legacy if self.legacy_simulator else env.sim

    def applies(self, scenario: Scenario, step: Step) -> bool:
        return step in scenario.steps and step.column in self.columns

    def arm(self, env: Env, step: Step) -> Armed:
        sim = self.simulator(env)
        armed = Armed(settle=lambda: self.settle(env))
        if self.rule is not None:
            body = dict(self.rule)
            body['match'] = step.match
            sim.faults(**body)
            if 'fail_rate' in body:
                status = body.get('status', 503)
                armed.happened = lambda: any(step.log_matches(entry) and entry['status'] == status for entry in sim.requests_log())
            else:
                armed.happened = lambda: not sim.faults()['rules']
        if self.hook is not None:
            armed.hook = StepHook(step, self.hook(env, sim))
            hook = armed.hook
            armed.happened = lambda: hook.fired
        return armed


ALL = STEP_COLUMNS
REST = ('list', 'write', 'invoke', 'poll', 'cleanup')
SLOW = {'timeout': 0.5, 'retries': 0}
PATIENT = {'retries': 8}


def _expire(_env: Env, sim: SimulatorProcess) -> t.Callable[[], None]:
    return lambda: sim.faults(expire_tokens=True)


def _slow(_env: Env, sim: SimulatorProcess) -> t.Callable[[], None]:
    return lambda: sim.faults(latency_ms=850)


def _away(env: Env, _sim: SimulatorProcess) -> t.Callable[[], None]:
    return lambda: env.proxy.outage(0.25)


def _restart(env: Env, sim: SimulatorProcess) -> t.Callable[[], None]:
    return lambda: env.restarts.append(restart_later(sim, 0.1))


def _after_restart(env: Env) -> None:
    while env.restarts:
        env.restarts.pop().join(15)
    if not env.sim.is_running():
        env.sim.start()


FAULTS: tuple[Fault, ...] = (
    Fault('401, stale token', 'auth', REST, 'ok', rule={'fail_next': 1, 'status': 401},
          note='the three auth faults need a token, so none at login; a 401 from the identity provider is a refused login '
               '(tests/integration/test_reliability_permissions.py)'),
    # The simulator's own 401 for an expired token; the legacy simulator sends it without a body (--unauthorized-body empty).
    Fault('token expired, 401 without body', 'auth', REST, 'ok', hook=_expire, legacy_simulator=True),
    Fault('token expired mid-run', 'auth', REST, 'ok', hook=_expire),
    Fault('429 + Retry-After: 1', 'throttling', ALL, 'ok', rule={'fail_next': 1, 'status': 429, 'retry_after': 1}, requested_wait=1.0,
          note='each cell checks that the client asked to wait the full second before retrying, without waiting it; '
               'the playbook runs wait for real'),
    # after=True: the server did the work, then answered the error (the worst case for a write).
    Fault('500 (after processing)', 'server error', ALL, 'any', rule={'fail_next': 1, 'status': 500, 'after': True}),
    Fault('502 (after processing)', 'server error', ALL, 'ok', rule={'fail_next': 1, 'status': 502, 'after': True}),
    Fault('503', 'server error', ALL, 'ok', rule={'fail_next': 1, 'status': 503}),
    Fault('504 (after processing)', 'server error', ALL, 'ok', rule={'fail_next': 1, 'status': 504, 'after': True}),
    Fault('503 storm, 50 %', 'server error', ALL, 'any', rule={'fail_rate': 0.5, 'status': 503},
          note="half of the step's requests fail (seeded, but with two cameras at work the order of requests varies); "
               'with retries=2 a request can fail three times in a row'),
    Fault('connection reset', 'transport', ALL, 'ok', rule={'reset_next': 1}),
    Fault('answer lost (reset after processing)', 'transport', ALL, 'ok', rule={'reset_next': 1, 'after': True}),
    # From the step on, every request takes 0.85 s and the client waits 0.5 s (ample for a request before the step). A slow cleanup comes after the work is
    # done: the module may then succeed and report the task as left behind.
    Fault('latency beyond timeout', 'slowness', ALL, 'fail', fail_text='did not answer within', expect_at={'cleanup': 'any'},
          hook=_slow, connection=SLOW, settle=lambda env: wait_idle(env.sim),
          note='a slow cleanup comes after the work is done: the module then succeeds and reports the task in tasks_left_behind'),
    Fault('server away 0.25 s (outage)', 'outage', ALL, 'ok', hook=_away, connection=PATIENT, backoff_factor=0.05,
          settle=lambda env: env.proxy.wait_until_back(), via_proxy=True,
          note='connections are refused (and open ones dropped) by a TCP proxy in front of the simulator; the server keeps its state'),
    # Before anything is written (login, list) a crash is the outage above; from the first write on, it also loses
    # what the server had not kept (the simulator keeps nothing: data re-seeded, tasks gone).
    Fault('server crashed and restarted (data re-seeded)', 'outage', ('write', 'invoke', 'poll', 'cleanup'), 'any', hook=_restart,
          connection=PATIENT, backoff_factor=0.05, settle=_after_restart, loses_state=True,
          note='the simulator process is killed and started again; before the first write (login, list) this is the outage above. '
               'The simulator forgets everything, so a write before the crash is lost and a running task is gone: the faulted '
               'run may succeed without the full job done; the re-run (after the test restores the prepared data) finishes it'),
    Fault('task ends in Error', 'tasks', ('invoke',), 'fail', fail_text='VMO61002',
          note='the three task faults exist only where a module starts server tasks (ptz_task)'),
    Fault('task never finishes', 'tasks', ('invoke',), 'fail', fail_text='timed out', module_args={'wait_timeout': 0.4}),
    Fault('legacy TaskCleanup 400', 'tasks', ('cleanup',), 'ok', legacy_simulator=True),
)


def _task_outcome_faults(fault: Fault, sim: SimulatorProcess, step: Step) -> t.Callable[[], bool] | None:
    """The task faults are simulator settings rather than queued rules; how to tell each happened."""
    if fault.name == 'task ends in Error':
        sim.faults(task_outcome='error')
        return lambda: True  # the failure message must quote the task's errorText (fail_text), which proves it
    if fault.name == 'task never finishes':
        sim.faults(task_outcome='hang')
        return lambda: any(entry['query'] == 'task=TaskStop' for entry in sim.requests_log(kind='rest'))
    if fault.name == 'legacy TaskCleanup 400':
        return lambda: any(step.log_matches(entry) and entry['status'] == 400 for entry in sim.requests_log(kind='rest'))
    return None


@contextlib.contextmanager
def matrix_env() -> t.Iterator[Env]:
    """The matrix simulator, a legacy one (TaskCleanup 400, 401 without body) and the outage proxy."""
    user = f'{USERNAME}:{PASSWORD}'
    sim = SimulatorProcess('--task-seconds', TASK_SECONDS, '--user', user).start()
    legacy = SimulatorProcess('--task-seconds', TASK_SECONDS, '--user', user, '--legacy-cleanup-400', '--unauthorized-body', 'empty').start()
    proxy = OutageProxy(sim.port).start()
    try:
        yield Env(sim=sim, legacy=legacy, proxy=proxy, site=Site.read(sim))
    finally:
        proxy.stop()
        sim.stop()
        legacy.stop()


# -- one cell of the matrix ----------------------------------------------------------------------------------

def connection(url: str, ca_file: str | None, **overrides: t.Any) -> dict[str, t.Any]:
    values: dict[str, t.Any] = dict(server_url=url, username=USERNAME, password=PASSWORD, ca_path=ca_file, timeout=5, retries=2)
    values.update(overrides)
    return values


@dataclasses.dataclass
class CellResult:
    scenario: str
    step: Step
    fault: Fault
    outcome: str
    problems: list[str]
    seconds: float

    @property
    def passed(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, t.Any]:
        return {'fault': self.fault.name, 'scenario': self.scenario, 'column': self.step.column, 'step': self.step.label,
                'outcome': self.outcome, 'problems': self.problems, 'seconds': round(self.seconds, 3)}


def _ptz_account(sim: SimulatorProcess, env: Env, scenario: Scenario, first: ModuleRun) -> list[str]:
    """Tasks: none created twice, none left on the server without being reported."""
    problems = []
    created = tasks_created(sim, env.site.probe_camera)
    if created > scenario.max_tasks:
        problems.append(f'{created} server tasks were created, at most {scenario.max_tasks} may be (a task was started twice)')
    reported = set(first.result.get('tasks_left_behind') or [])
    hidden = open_task_ids(sim) - reported
    if hidden:
        problems.append(f'tasks {sorted(hidden)} were left on the server and not reported in tasks_left_behind')
    return problems


def run_cell(env: Env, scenario: Scenario, step: Step, fault: Fault) -> CellResult:
    """Run ``scenario`` with ``fault`` at ``step``, then a re-run and a further run without faults; report what went wrong."""
    started = time.monotonic()
    sim = fault.simulator(env)
    sim.reset()
    scenario.prepare(sim, env.site)
    base = scenario.args(env.site)
    url = env.proxy.url() if fault.via_proxy else sim.url
    faulted_args = dict(base, **fault.module_args, **connection(url, sim.ca_file, **fault.connection))
    armed = fault.arm(env, step)
    task_check = _task_outcome_faults(fault, sim, step)
    if task_check is not None:
        armed.happened = task_check
    sleeps = RecordedSleeps() if fault.requested_wait is not None else contextlib.nullcontext()
    with armed.hook if armed.hook is not None else contextlib.nullcontext(), sleeps:
        first = run_module(scenario.main, faulted_args, backoff_factor=fault.backoff_factor)
    armed.settle()
    problems = clean_failure_problems(first)
    if isinstance(sleeps, RecordedSleeps) and not any(wait >= t.cast(float, fault.requested_wait) for wait in sleeps.requested):
        problems.append(f'the client did not wait Retry-After ({fault.requested_wait:g} s) before retrying: it waited {sleeps.requested}')
    happened = armed.happened()
    sim.faults(clear=True)
    if not happened:
        problems.append(f'the fault did not happen: the module never reached step {step.label} the way the cell expects')
    outcome = 'failed' if first.failed else 'ok'
    if fault.expected(step.column) == 'ok' and first.failed:
        problems.append(f'the module should have coped with the fault but failed: {first.msg or first.crash}')
    if fault.expected(step.column) == 'fail' and not first.failed:
        problems.append('the module should have failed but reported success')
    fail_text = scenario.fail_texts.get(fault.name, fault.fail_text)
    if first.failed and fail_text and fail_text not in first.msg:
        problems.append(f'the failure message does not say {fail_text!r}: {first.msg}')
    leaks = find_secrets(first.output, [PASSWORD, *scenario.secrets], tokens=not scenario.returns_token)
    if leaks:
        problems.append(f'secrets in the output: {leaks}')
    if not first.failed and not fault.loses_state:
        problems += scenario.done(sim, env.site, first)
    problems += _no_duplicate_names(sim) + scenario.invariant(sim)
    if scenario.max_tasks:
        problems += _ptz_account(sim, env, scenario, first)
    if fault.loses_state:
        # The simulator forgot what prepare() set up; a real server keeps it across a restart.
        scenario.prepare(sim, env.site)
    # The re-run (no fault) must finish the job, and the run after it must have nothing left to do.
    clean_args = dict(base, **connection(sim.url, sim.ca_file))
    rerun = run_module(scenario.main, clean_args)
    if rerun.failed:
        problems.append(f'the re-run failed: {rerun.msg or rerun.crash}')
    else:
        problems += [f'after the re-run: {problem}' for problem in scenario.done(sim, env.site, rerun)]
        if rerun.changed and not scenario.action:
            third = run_module(scenario.main, clean_args)
            if third.failed or third.changed:
                problems.append(f'the run after the re-run still changed something or failed: {third.msg}')
    problems += [f'after the re-run: {problem}' for problem in _no_duplicate_names(sim) + scenario.invariant(sim)]
    if scenario.max_tasks and open_task_ids(sim) - set(first.result.get('tasks_left_behind') or []):
        problems.append('tasks are left on the server after the re-run')
    return CellResult(scenario.key, step, fault, outcome, problems, time.monotonic() - started)


#: The matrix is split in two test files by fault family, so pytest-xdist can run the halves at once.
SLOW_FAMILIES = ('slowness', 'outage', 'tasks')


def cells(families: t.Collection[str] | None = None) -> list[tuple[Scenario, Step, Fault]]:
    """Every (scenario, step, fault) the matrix covers, or those of the given fault families."""
    return [(scenario, step, fault) for fault in FAULTS if families is None or fault.family in families
            for scenario in SCENARIOS for step in scenario.steps if fault.applies(scenario, step)]


def cell_id(cell: tuple[Scenario, Step, Fault]) -> str:
    scenario, step, fault = cell
    return f'{fault.name} | {scenario.key} | {step.label}'


def cell_params(cells_: list[tuple[Scenario, Step, Fault]]) -> list[t.Any]:
    """The cells as pytest parameters, named by :func:`cell_id`."""
    import pytest  # pylint: disable=import-outside-toplevel

    return [pytest.param(cell, id=cell_id(cell)) for cell in cells_]


# -- the report ------------------------------------------------------------------------------------------------

def matrix_markdown(records: list[dict[str, t.Any]], *, seconds: float) -> str:
    """Faults x steps with pass counts, then the cells per module and whatever failed (``records``: CellResult.to_json())."""
    import ansible.release  # pylint: disable=import-outside-toplevel

    lines = ['# Fault matrix', '',
             f'Measured by tests/integration/test_reliability_faults*.py on ansible-core {ansible.release.__version__}, '
             f'Python {sys.version.split()[0]}: {len(records)} cells, {seconds:.0f} s of cell time. '
             'A cell is one fault at one step of one module; `passed/total` counts the modules that have the step '
             '(`-`: no cell, see the notes). The last column says how the faulted runs ended: ok, or a clear failure '
             '(after which a re-run converged).', '',
             '| fault | family | expected | ' + ' | '.join(STEP_COLUMNS) + ' | faulted run: ok / failed |',
             '|---|---|---|' + '---|' * len(STEP_COLUMNS) + '---|']
    words = {'ok': 'copes', 'fail': 'clear failure', 'any': 'copes or clear failure'}
    for fault in FAULTS:
        expected = words[fault.expect] + ''.join(f' ({column}: {words[value]})' for column, value in fault.expect_at.items())
        row = [fault.name, fault.family, expected]
        for column in STEP_COLUMNS:
            mine = [record for record in records if record['fault'] == fault.name and record['column'] == column]
            row.append(f'{sum(not record["problems"] for record in mine)}/{len(mine)}' if mine else '-')
        mine = [record for record in records if record['fault'] == fault.name]
        row.append(f'{sum(record["outcome"] == "ok" for record in mine)} / {sum(record["outcome"] == "failed" for record in mine)}')
        lines.append('| ' + ' | '.join(row) + ' |')
    total = sum(not record['problems'] for record in records)
    lines += ['', f'**{total} of {len(records)} cells passed.**', '', 'Notes:', '']
    lines += [f'- {fault.name}: {fault.note}' for fault in FAULTS if fault.note]
    lines += ['', '## Outcomes per module', '',
              '`ok`: the faulted run succeeded; `failed`: it failed with a clear message (a re-run then converged).', '',
              '| module | cells | passed | faulted run ok | faulted run failed |', '|---|---|---|---|---|']
    for scenario in SCENARIOS:
        mine = [record for record in records if record['scenario'] == scenario.key]
        if mine:
            lines.append(f'| {scenario.key} | {len(mine)} | {sum(not record["problems"] for record in mine)} '
                         f'| {sum(record["outcome"] == "ok" for record in mine)} | {sum(record["outcome"] == "failed" for record in mine)} |')
    failures = [record for record in records if record['problems']]
    if failures:
        lines += ['', '## Failed cells', '']
        lines += [f'- {record["fault"]} / {record["scenario"]} / {record["step"]}: {"; ".join(record["problems"])[:500]}' for record in failures]
    return '\n'.join(lines) + '\n'


def record_matrix_part(part: str, results: list[CellResult], seconds: float) -> str:
    """Save one test file's cells and rewrite tests/output/reliability-matrix.md from every part of this test run.

    The parts may finish at the same time on different pytest-xdist workers: a lock makes the last one to finish
    write the whole matrix. Parts left from an earlier run (another run id) are ignored.
    """
    run_id = os.environ.get('PYTEST_XDIST_TESTRUNUID') or f'process-{os.getpid()}'
    os.makedirs(OUTPUT, exist_ok=True)
    with open(os.path.join(OUTPUT, 'reliability-matrix.lock'), 'w', encoding='utf-8') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(os.path.join(OUTPUT, f'reliability-matrix-{part}.json'), 'w', encoding='utf-8') as handle:
            json.dump({'run': run_id, 'seconds': seconds, 'cells': [result.to_json() for result in results]}, handle)
        parts = []
        for name in sorted(os.listdir(OUTPUT)):
            if name.startswith('reliability-matrix-') and name.endswith('.json'):
                with open(os.path.join(OUTPUT, name), encoding='utf-8') as handle:
                    saved = json.load(handle)
                if saved['run'] == run_id:
                    parts.append(saved)
        records = [record for saved in parts for record in saved['cells']]
        return write_report('reliability-matrix.md', matrix_markdown(records, seconds=sum(saved['seconds'] for saved in parts)))


def write_report(name: str, text: str) -> str:
    os.makedirs(OUTPUT, exist_ok=True)
    path = os.path.join(OUTPUT, name)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text)
    return path
