# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark scenarios: what is run, against which simulator state, and how each run is checked.

Every measurement follows the same steps:

1. bring the simulator to a known state (full reset, then setup requests with the latency switched off);
2. zero its counters;
3. run the command under :func:`measure.run_measured` (wall, CPU, memory);
4. read the counters (requests, token grants, peak concurrency), then check on the simulator that the run
   really did its work (every camera's default preset, every task cleaned up, every event created, no write in
   check mode). A run that fails or does not do its work is reported as failed, never as a time.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import shutil
import typing as t
from urllib.parse import urlsplit

import yaml

import floor_settings
from measure import ProcessStats, run_measured
from simapi import SimulatorAPI

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLAYBOOKS = os.path.join(HERE, 'playbooks')
#: The preset every run makes the default; created fresh on every camera before each run, so every camera changes.
BENCH_PRESET = 'Bench Home'
#: Writes at once of user_defined_events (the planner's WRITE_CONCURRENCY), which the event floor uses too.
EVENT_WRITE_CONCURRENCY = 16
#: What the settings scenario sets: a stream of every camera, the common fleet job.
SETTINGS_STREAM = 'Video stream 1'
SETTINGS_WANTED = {'resolution': '1280x720', 'FPS': 6}
#: The site of the site-as-code scenario besides its cameras: ten cameras per hardware (500 hardware for 5,000 cameras),
#: and that many user-defined events, camera groups and roles in all.
SITE_CAMERAS_PER_HARDWARE = 10
SITE_EVENTS = 200
SITE_GROUPS = 100
SITE_ROLES = 50
#: How many devices site_export reads at a time (plugins/module_utils/_site.py WORKERS): the floor's concurrency.
SITE_EXPORT_WORKERS = 8
#: The devices the hardware scenario imports: those --network-devices adds to the simulator's camera network.
NETWORK_DEVICE = re.compile(r'^cam-[0-9]+\.')

# Approaches of the fleet scenario, in the order they run and are reported.
A_MODULE = 'a_ptz_task'
A_ROLE = 'a_role'
B_INVENTORY = 'b_inventory'
C_URI = 'c_uri'
D_FLOOR = 'd_floor'
FLEET_APPROACHES = (A_MODULE, A_ROLE, B_INVENTORY, C_URI, D_FLOOR)


@dataclasses.dataclass
class Settings:  # pylint: disable=too-many-instance-attributes
    """Everything that shapes the numbers; recorded with the results."""

    sizes: list[int]
    baseline_max: int
    inventory_max: int
    events: int
    info_cameras: int
    latency_ms: float
    task_seconds: float
    concurrency: int
    forks: int
    batch_size: int
    poll_interval: float
    sample_interval: float
    seed: int
    resource_cameras: int = 1000
    settings_cameras: int = 2000
    hardware_devices: int = 500
    site_cameras: int = 5000


@dataclasses.dataclass
class Result:  # pylint: disable=too-many-instance-attributes
    """One row: a measured run, or an extrapolation (``measured`` false) that says what it is based on."""

    scenario: str
    approach: str
    label: str
    size: int
    run: str = ''
    measured: bool = True
    ok: bool = True
    problem: str = ''
    wall: float | None = None
    cpu: float | None = None
    peak_pss_tree: int | None = None
    peak_rss_tree: int | None = None
    max_rss_process: int | None = None
    peak_processes: int | None = None
    http_requests: int | None = None
    rest_requests: int | None = None
    idp_requests: int | None = None
    discovery_requests: int | None = None
    requests_by_method: dict[str, int] = dataclasses.field(default_factory=dict)
    paths: dict[str, int] = dataclasses.field(default_factory=dict)
    writes: int | None = None
    token_grants: int | None = None
    max_in_flight: int | None = None
    simulator_cpu: float | None = None
    background_cores: float | None = None
    basis: str = ''
    log: str = ''

    def fail(self, problem: str) -> None:
        self.ok = False
        self.problem = f'{self.problem}; {problem}' if self.problem else problem


def fleet_label(approach: str, settings: Settings) -> str:
    return {
        A_MODULE: f'a. ptz_task, concurrency {settings.concurrency}',
        A_ROLE: f'a. ptz_preset_reset role, concurrency {settings.concurrency}, batches of {settings.batch_size}',
        B_INVENTORY: f'b. inventory plugin, forks {settings.forks}',
        C_URI: f'c. uri baseline, forks {settings.forks}',
        D_FLOOR: f'd. floor script, {settings.concurrency} threads',
    }[approach]


class Bench:  # pylint: disable=too-many-instance-attributes
    """Runs the scenarios and collects their results."""

    def __init__(self, settings: Settings, *, workdir: str, logdir: str, bindir: str, collections_path: str,
                 progress: t.Callable[[str], None] = print) -> None:
        self.settings = settings
        self.workdir = workdir
        self.logdir = logdir
        self.bindir = bindir
        self.collections_path = collections_path
        self.progress = progress
        self.results: list[Result] = []
        self.ansible_cfg = os.path.join(workdir, 'ansible.cfg')
        with open(self.ansible_cfg, 'w', encoding='utf-8') as handle:
            handle.write('# Ansible at its defaults: no user or system configuration may change what is measured.\n[defaults]\n')

    # -- plumbing -----------------------------------------------------------------------------------------

    def environment(self, api: SimulatorAPI) -> dict[str, str]:
        """The environment of every measured command: this venv, this collection, Ansible's defaults, the simulator."""
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(('ANSIBLE_', 'XPROTECT_')) and key not in ('PYTHONPATH', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE')}
        env.update({
            'PATH': self.bindir + os.pathsep + env.get('PATH', ''),
            'ANSIBLE_CONFIG': self.ansible_cfg,
            'ANSIBLE_COLLECTIONS_PATH': self.collections_path,
            # pyenv shims can be broken on the interpreter search path (docs/development.md): use this venv's Python.
            'ANSIBLE_PYTHON_INTERPRETER': os.path.join(self.bindir, 'python'),
            'ANSIBLE_HOME': os.path.join(self.workdir, 'ansible-home'),
            'ANSIBLE_LOCAL_TEMP': os.path.join(self.workdir, 'ansible-tmp'),
            'ANSIBLE_LOCALHOST_WARNING': 'false',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
            'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'ANSIBLE_NOCOLOR': '1',
            'XPROTECT_SERVER_URL': api.sim.url,
            'XPROTECT_USERNAME': api.username,
            'XPROTECT_PASSWORD': api.password,
        })
        if api.sim.ca_file:
            env['XPROTECT_CA_PATH'] = api.sim.ca_file
        return env

    def write_json(self, name: str, data: t.Any) -> str:
        path = os.path.join(self.workdir, name)
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(data, handle)
        return path

    def playbook(self, name: str, *args: str) -> list[str]:
        return [os.path.join(self.bindir, 'ansible-playbook'), os.path.join(PLAYBOOKS, name), *args]

    def timeout_for(self, items: int) -> float:
        # Generous: a run is stopped only when it is clearly stuck (the uri baseline takes about 1 s per camera).
        return 300.0 + 6.0 * items

    def measure(self, result: Result, command: list[str], api: SimulatorAPI, *, items: int,
                extra_env: dict[str, str] | None = None) -> Result:
        """Run ``command`` against the prepared simulator and fill ``result`` with what it cost."""
        slug = '-'.join(part for part in (result.scenario, str(result.size), result.approach, result.run) if part)
        log_path = os.path.join(self.logdir, slug + '.log')
        env = dict(self.environment(api), **(extra_env or {}))
        stats: ProcessStats = run_measured(command, env=env, cwd=self.workdir, log_path=log_path,
                                           timeout=self.timeout_for(items), interval=self.settings.sample_interval,
                                           simulator_pid=api.sim.pid)
        counters = api.counters()
        result.log = os.path.relpath(log_path, ROOT)
        result.wall = round(stats.wall, 3)
        result.cpu = round(stats.cpu, 3)
        result.peak_rss_tree = stats.peak_rss_tree
        result.peak_pss_tree = stats.peak_pss_tree
        result.max_rss_process = stats.max_rss_process
        result.peak_processes = stats.peak_processes
        result.simulator_cpu = round(stats.simulator_cpu, 3)
        result.background_cores = round(stats.background_cores, 2)
        result.rest_requests = int(counters['total_requests'])
        result.idp_requests = int(counters['idp_requests'])
        result.discovery_requests = int(counters['discovery_requests'])
        result.http_requests = result.rest_requests + result.idp_requests + result.discovery_requests
        result.requests_by_method = {method: count for method, count in counters['requests'].items() if count}
        result.paths = dict(counters['paths'])
        result.writes = int(counters['writes'])
        result.token_grants = int(counters['token_grants'])
        result.max_in_flight = int(counters['max_in_flight'])
        if stats.timed_out:
            result.fail(f'stopped after {self.timeout_for(items):.0f} s')
        elif stats.returncode != 0:
            result.fail(f'exit status {stats.returncode} (see {result.log})')
        return result

    def report(self, result: Result) -> None:
        self.results.append(result)
        if result.ok:
            pss = (result.peak_pss_tree or 0) / 2 ** 20
            self.progress(f'  {result.label:62} {result.wall:8.1f} s {result.http_requests:6} requests '
                          f'{result.token_grants:4} grant(s) {pss:7.0f} MiB  (background load {result.background_cores:.2f} cores)')
        else:
            self.progress(f'  {result.label:62} FAILED: {result.problem}')

    # -- references ---------------------------------------------------------------------------------------

    def references(self, api: SimulatorAPI) -> None:
        """What ansible-playbook costs alone and with one module run: the fixed part of every Ansible number."""
        self.progress('Reference runs')
        for approach, label, playbook in (('empty_play', 'ansible-playbook, one debug task', 'reference_empty.yml'),
                                          ('one_module', 'ansible-playbook, one module run (login)', 'reference_login.yml')):
            api.reset_counters()
            result = self.measure(Result('reference', approach, label, 0), self.playbook(playbook), api, items=0)
            self.report(result)

    # -- 1. fleet PTZ reset ---------------------------------------------------------------------------------

    def prepare_fleet(self, api: SimulatorAPI, cameras: list[str]) -> None:
        """Seed data, plus a fresh non-default preset BENCH_PRESET on every camera, so every camera has work to do."""
        api.reset()
        with api.without_latency():
            api.parallel(lambda camera_id: api.create_preset(camera_id, BENCH_PRESET), cameras)
        api.reset_counters()

    def verify_fleet(self, api: SimulatorAPI, cameras: list[str], result: Result) -> None:
        stats = api.sim.stats()
        if stats['open_tasks']:
            result.fail(f"{stats['open_tasks']} task(s) left on the server")
        with api.without_latency():
            defaults = api.parallel(lambda camera_id: [p['name'] for p in api.presets(camera_id) if p.get('defaultPreset')], cameras)
        missed = sum(1 for names in defaults if names != [BENCH_PRESET])
        if missed:
            result.fail(f'{missed} of {len(cameras)} cameras do not have {BENCH_PRESET!r} as their default preset')

    def fleet_command(self, approach: str, size: int, cameras: list[str], vars_file: str, api: SimulatorAPI) -> list[str]:
        settings = self.settings
        if approach == A_MODULE:
            return self.playbook('fleet_ptz_task.yml', '-e', f'@{vars_file}')
        if approach == A_ROLE:
            return self.playbook('fleet_role.yml', '-e', f'@{vars_file}')
        if approach == B_INVENTORY:
            inventory = os.path.join(self.workdir, 'fleet.xprotect.yml')
            with open(inventory, 'w', encoding='utf-8') as handle:
                # Only what the play needs: PTZ cameras, named by id; no camera-group groups (two lists per group).
                handle.write('plugin: milestone.xprotect.cameras\nptz_only: true\nhostnames: id\ngroup_by_camera_groups: false\n')
            limit = os.path.join(self.workdir, f'limit-{size}.txt')
            with open(limit, 'w', encoding='utf-8') as handle:
                handle.write('\n'.join(cameras) + '\n')
            return self.playbook('fleet_inventory.yml', '-i', inventory, '--limit', f'@{limit}', '--forks', str(settings.forks),
                                 '-e', f'@{vars_file}')
        if approach == C_URI:
            hosts = {camera_id: {'camera_id': camera_id} for camera_id in cameras}
            inventory = self.write_json(f'uri-hosts-{size}.yml', {'cameras': {'hosts': hosts, 'vars': {'ansible_connection': 'local'}}})
            return self.playbook('fleet_uri.yml', '-i', inventory, '--forks', str(settings.forks), '-e', f'@{vars_file}')
        ids_file = self.write_json(f'floor-cameras-{size}.json', cameras)
        return [os.path.join(self.bindir, 'python'), os.path.join(HERE, 'floor.py'), '--cameras-file', ids_file, '--preset', BENCH_PRESET,
                '--concurrency', str(settings.concurrency), '--poll-interval', str(settings.poll_interval)]

    def fleet(self, api: SimulatorAPI, ptz_ids: list[str]) -> None:
        settings = self.settings
        for size in settings.sizes:
            cameras = ptz_ids[:size]
            self.progress(f'Fleet PTZ reset, N = {size} cameras')
            vars_file = self.write_json(f'fleet-vars-{size}.json', {
                'bench_cameras': cameras, 'bench_preset': BENCH_PRESET, 'bench_concurrency': settings.concurrency,
                'bench_batch_size': settings.batch_size, 'bench_poll_interval': settings.poll_interval})
            for approach in FLEET_APPROACHES:
                if approach == C_URI and size > settings.baseline_max:
                    continue
                if approach == B_INVENTORY and size > settings.inventory_max:
                    continue
                self.prepare_fleet(api, cameras)
                result = Result('fleet', approach, fleet_label(approach, settings), size)
                # An inventory source that cannot be read must fail the run, not leave an empty inventory and a green play.
                extra_env = {'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'} if approach in (B_INVENTORY, C_URI) else None
                self.measure(result, self.fleet_command(approach, size, cameras, vars_file, api), api, items=size, extra_env=extra_env)
                if result.ok:
                    self.verify_fleet(api, cameras, result)
                self.report(result)
        for approach in (C_URI, B_INVENTORY):
            self.extrapolate(approach)

    def extrapolate(self, approach: str) -> None:
        """Rows for the sizes an approach was not run at, from a straight-line fit of its measured runs.

        Ansible's cost grows linearly with the number of hosts (same tasks per host, fixed forks), so
        wall = t0 + k * N. With two or more measured sizes t0 and k are fitted; with one, t0 is the measured
        empty-play reference. Memory is not extrapolated (with fixed forks it does not grow with N).
        """
        measured = [r for r in self.results if r.scenario == 'fleet' and r.approach == approach and r.measured and r.ok]
        done = {r.size for r in self.results if r.scenario == 'fleet' and r.approach == approach}
        missing = [size for size in self.settings.sizes if size not in done]
        if not measured or not missing:
            return
        reference = next((r.wall for r in self.results if r.approach == 'empty_play' and r.ok and r.wall), 0.0)
        sizes = ', '.join(str(r.size) for r in measured)
        for size in missing:
            row = Result('fleet', approach, fleet_label(approach, self.settings), size, measured=False,
                         basis=f'straight-line fit of the runs measured at N = {sizes}' if len(measured) > 1 else
                         f'the run measured at N = {sizes}, plus the measured empty-play time as the fixed part')
            row.wall = round(fit([(r.size, t.cast(float, r.wall)) for r in measured], size, reference), 1)
            row.cpu = round(fit([(r.size, t.cast(float, r.cpu)) for r in measured], size, 0.0), 1)
            row.http_requests = round(fit([(r.size, float(t.cast(int, r.http_requests))) for r in measured], size, 0.0))
            row.rest_requests = round(fit([(r.size, float(t.cast(int, r.rest_requests))) for r in measured], size, 0.0))
            row.token_grants = round(fit([(r.size, float(t.cast(int, r.token_grants))) for r in measured], size, 0.0))
            self.results.append(row)
            self.progress(f'  {row.label:62} {row.wall:8.1f} s  EXTRAPOLATED ({row.basis})')

    # -- 2. event provisioning ------------------------------------------------------------------------------

    def events(self, api: SimulatorAPI) -> None:
        count = self.settings.events
        names = [f'Bench event {number:04d}' for number in range(1, count + 1)]
        events_file = self.write_json('events.json', {'bench_events': names})
        self.progress(f'Event provisioning, {count} events')
        for approach, label, playbook in (('collection', 'user_defined_events role', 'events_role.yml'),
                                          ('uri', 'uri baseline', 'events_uri.yml')):
            api.reset()
            api.reset_counters()
            self.event_run(api, approach, label, playbook, events_file, run='first', expected_created=count, expected_events=count)
            api.reset_counters()
            self.event_run(api, approach, label, playbook, events_file, run='noop', expected_created=0, expected_events=count)
            # Check mode reviews the first run: on a site without the events, every one would be created.
            api.reset()
            api.reset_counters()
            self.event_run(api, approach, label, playbook, events_file, run='check', expected_created=count, expected_events=0)
        # The floor of the first run: one login, one list, the creates at the module's write concurrency.
        api.reset()
        api.reset_counters()
        result = Result('events', 'floor', f'floor script, {EVENT_WRITE_CONCURRENCY} threads: first run', count, run='first')
        command = [os.path.join(self.bindir, 'python'), os.path.join(HERE, 'floor_events.py'), '--events-file', events_file,
                   '--concurrency', str(EVENT_WRITE_CONCURRENCY)]
        self.measure(result, command, api, items=count)
        if result.ok and result.writes != count:
            result.fail(f'{result.writes} writes, expected {count}')
        self.report(result)

    def event_run(self, api: SimulatorAPI, approach: str, label: str, playbook: str, events_file: str, *, run: str,
                  expected_created: int, expected_events: int) -> None:
        titles = {'first': 'first run', 'noop': 'second run (no-op)', 'check': 'check mode (--check)'}
        args = ['-e', f'@{events_file}', '-e', f'bench_expected_created={expected_created}'] + (['--check'] if run == 'check' else [])
        result = Result('events', approach, f'{label}: {titles[run]}', self.settings.events, run=run)
        self.measure(result, self.playbook(playbook, *args), api, items=self.settings.events)
        if result.ok:
            expected_writes = expected_created if run == 'first' else 0
            if result.writes != expected_writes:
                result.fail(f'{result.writes} writes, expected {expected_writes}')
            with api.without_latency():
                present = sum(1 for name in api.user_defined_event_names() if name.startswith('Bench event '))
            if present != expected_events:
                result.fail(f'{present} bench events on the server after the run, expected {expected_events}')
        self.report(result)

    # -- 4. bulk property edit with the generic resource module -----------------------------------------------

    def resources(self, api: SimulatorAPI) -> None:
        """One description on many cameras: the first run against its floor, and a no-op run over every camera."""
        with api.without_latency():
            cameras = [str(camera['id']) for camera in api.cameras()]
        size = min(self.settings.resource_cameras, len(cameras))
        self.progress(f'Bulk camera description, {size} cameras; no-op over {len(cameras)} cameras')
        for approach, label in (('collection', f'resource items, {size} cameras: first run'),
                                ('floor', f'floor script, {EVENT_WRITE_CONCURRENCY} threads, {size} cameras: first run')):
            api.reset()
            api.reset_counters()
            vars_file = self.write_json(f'resource-{approach}.json', {
                'bench_camera_ids': cameras[:size], 'bench_description': 'Bench description', 'bench_expected_updated': size})
            result = Result('resources', approach, label, size, run='first')
            if approach == 'collection':
                command = self.playbook('resource_items.yml', '-e', f'@{vars_file}')
            else:
                command = [os.path.join(self.bindir, 'python'), os.path.join(HERE, 'floor_resources.py'), '--vars-file', vars_file,
                           '--concurrency', str(EVENT_WRITE_CONCURRENCY)]
            self.measure(result, command, api, items=size)
            if result.ok and result.writes != size:
                result.fail(f'{result.writes} writes, expected {size}')
            self.report(result)
        # the no-op: every camera already has the description
        with api.without_latency():
            api.parallel(lambda camera_id: api.call('PATCH', f'/cameras/{camera_id}', {'description': 'Bench description'}), cameras)
        api.reset_counters()
        vars_file = self.write_json('resource-noop.json', {
            'bench_camera_ids': cameras, 'bench_description': 'Bench description', 'bench_expected_updated': 0})
        result = Result('resources', 'collection', f'resource items, {len(cameras)} cameras: no-op run', len(cameras), run='noop')
        self.measure(result, self.playbook('resource_items.yml', '-e', f'@{vars_file}'), api, items=len(cameras) // 10)
        if result.ok and result.writes:
            result.fail(f'{result.writes} writes in a no-op run')
        self.report(result)

    # -- 5. stream settings on a fleet with device_settings ---------------------------------------------------------

    def device_settings(self, api: SimulatorAPI) -> None:
        """Resolution and frame rate on every camera: the first run and the no-op re-run, each against its floor."""
        with api.without_latency():
            cameras = [str(camera['id']) for camera in api.call('GET', '/cameras?disabled')['array']]
        size = len(cameras)
        concurrency = self.settings.concurrency
        self.progress(f'Stream settings (1280x720 at 6 FPS on Video stream 1) on {size} cameras, concurrency {concurrency}')
        variables = {'bench_camera_ids': cameras, 'bench_stream': SETTINGS_STREAM, 'bench_stream_settings': SETTINGS_WANTED,
                     'bench_concurrency': concurrency}
        expected: int | None = None
        for approach in ('floor', 'collection'):
            api.reset()
            for run in ('first', 'noop'):
                api.reset_counters()
                vars_file = self.write_json(f'settings-{approach}-{run}.json', dict(
                    variables, bench_expected_changed=expected if run == 'first' and expected is not None else 0))
                if approach == 'floor':
                    label = f'floor script, {concurrency} threads: ' + ('first run' if run == 'first' else 'no-op run (the reads alone)')
                    command = [os.path.join(self.bindir, 'python'), os.path.join(HERE, 'floor_settings.py'), '--vars-file', vars_file,
                               '--concurrency', str(concurrency)]
                else:
                    label = f'device_settings, concurrency {concurrency}: ' + ('first run' if run == 'first' else 'no-op run')
                    command = self.playbook('device_settings.yml', '-e', f'@{vars_file}')
                result = Result('settings', approach, label, size, run=run)
                self.measure(result, command, api, items=size // 10)
                if result.ok:
                    if run == 'first' and expected is None:
                        expected = int(t.cast(int, result.writes))  # the floor's count: every camera that offers both values
                        if not expected:
                            result.fail('the floor wrote nothing: no camera offers the values')
                    elif run == 'first' and result.writes != expected:
                        result.fail(f'{result.writes} writes, expected {expected} (the floor\'s)')
                    elif run == 'noop' and result.writes:
                        result.fail(f'{result.writes} writes in a no-op run')
                    if run == 'first' and result.ok:
                        self.verify_settings(api, cameras, result)
                self.report(result)

    def verify_settings(self, api: SimulatorAPI, cameras: list[str], result: Result) -> None:
        """Every camera whose stream offers the values has them (the others are left alone)."""
        def state(camera_id: str) -> str:
            body = api.call('GET', f'/settings/{camera_id}?definitions')
            index = next((number for number, entry in enumerate(body['data']['stream']) if entry['displayName'] == SETTINGS_STREAM), None)
            if index is None:
                return 'no stream'
            entry, definitions = body['data']['stream'][index], body['definitions']['stream'][index]
            offered = all(floor_settings.offers(definitions[name], value) is not None for name, value in SETTINGS_WANTED.items())
            held = all(floor_settings.same(entry[name], str(value)) for name, value in SETTINGS_WANTED.items())
            return 'set' if held else ('missed' if offered else 'not offered')

        with api.without_latency():
            states = api.parallel(state, cameras)
        if states.count('missed'):
            result.fail(f"{states.count('missed')} of {len(cameras)} cameras offer the values but do not have them")

    # -- 6. hardware import from a spreadsheet -------------------------------------------------------------------

    def hardware(self, api: SimulatorAPI) -> None:
        """Devices of a spreadsheet added with the hardware_import role: the first run and the no-op re-run, each against its floor."""
        with api.without_latency():
            rows = hardware_rows(api, self.settings.hardware_devices)
        size = len(rows)
        sheet = os.path.join(self.workdir, f'hardware-{size}.csv')
        with open(sheet, 'w', encoding='utf-8', newline='') as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        concurrency = self.settings.concurrency
        self.progress(f'Hardware import of {size} devices from a spreadsheet (driver detected), concurrency {concurrency}')
        expected: int | None = None
        for approach in ('floor', 'collection'):
            api.reset()
            for run in ('first', 'noop'):
                api.reset_counters()
                if approach == 'floor':
                    label = f'floor script, {concurrency} threads: ' + ('first run' if run == 'first' else 'no-op run (the two lists alone)')
                    command = [os.path.join(self.bindir, 'python'), os.path.join(HERE, 'floor_hardware.py'), '--csv-file', sheet,
                               '--concurrency', str(concurrency), '--poll-interval', str(self.settings.poll_interval)]
                else:
                    label = f'hardware_import role, concurrency {concurrency}: ' + ('first run' if run == 'first' else 'no-op run')
                    vars_file = self.write_json(f'hardware-{run}.json', {
                        'bench_csv': sheet, 'bench_concurrency': concurrency, 'bench_poll_interval': self.settings.poll_interval,
                        # one folder for both runs, as a user keeps it: the re-run finds it and overwrites the files
                        'bench_report_dir': os.path.join(self.workdir, 'hardware-report'),
                        'bench_expected_added': size if run == 'first' else 0})
                    command = self.playbook('hardware_role.yml', '-e', f'@{vars_file}')
                result = Result('hardware', approach, label, size, run=run)
                self.measure(result, command, api, items=size)
                if result.ok:
                    if run == 'first' and expected is None:
                        expected = int(t.cast(int, result.writes))  # the floor's: the scans, adds, cleanups and enables
                    elif run == 'first' and result.writes != expected:
                        result.fail(f'{result.writes} writes, expected {expected} (the floor\'s)')
                    elif run == 'noop' and result.writes:
                        result.fail(f'{result.writes} writes in a no-op run')
                    self.verify_hardware(api, rows, result)
                self.report(result)

    def verify_hardware(self, api: SimulatorAPI, rows: list[dict[str, str]], result: Result) -> None:
        """Every row's hardware is on its recording server, named and enabled with its cameras, and no task is left."""
        if api.sim.stats()['open_tasks']:
            result.fail(f"{api.sim.stats()['open_tasks']} task(s) left on the server")
        with api.without_latency():
            servers = {str(server['id']): str(server['name']) for server in api.call('GET', '/recordingServers')['array']}
            hardware = {(servers.get(str(hw['relations']['parent']['id'])), host_of(hw['address'])): hw
                        for hw in api.call('GET', '/hardware?disabled')['array']}
            cameras = api.call('GET', '/cameras?disabled')['array']
        disabled = {str(camera['relations']['parent']['id']) for camera in cameras if not camera.get('enabled')}
        missed = 0
        for row in rows:
            found = hardware.get((row['RecordingServer'], host_of(row['Address'])))
            if found is None or not found.get('enabled') or found.get('name') != row['HardwareName'] or str(found['id']) in disabled:
                missed += 1
        if missed:
            result.fail(f'{missed} of {len(rows)} devices are not added, named and enabled with their cameras')

    # -- 3. camera_info -------------------------------------------------------------------------------------

    def camera_info(self, api: SimulatorAPI) -> None:
        with api.without_latency():
            expected = len(api.cameras())
        self.progress(f'camera_info over {expected} enabled cameras ({self.settings.info_cameras} in the simulator)')
        for run, include in (('plain', []), ('ptz_presets', ['ptz_presets'])):
            api.reset_counters()
            label = 'camera_info' + (f', include: [{", ".join(include)}]' if include else '')
            result = Result('camera_info', 'collection', label, self.settings.info_cameras, run=run)
            vars_file = self.write_json(f'camera-info-{run}.json', {'bench_include': include, 'bench_expected_cameras': expected})
            self.measure(result, self.playbook('camera_info.yml', '-e', f'@{vars_file}'), api, items=self.settings.info_cameras // 10)
            self.report(result)

    # -- 7. a whole site as code: export, and the no-op apply ---------------------------------------------------------

    def site(self, api: SimulatorAPI) -> None:
        """The export of a whole site and the site_config role applying it back (nothing to do), against the reads they need."""
        with api.without_latency():
            counts = self.shape_site(api)
        size = counts['cameras']
        self.progress(f"Site as code: {size:,} cameras on {counts['hardware']:,} hardware, {counts['devices']:,} devices in all, "
                      f"{counts['events']} user-defined events, {counts['groups']} camera groups, {counts['roles']} roles")
        folder = os.path.join(self.workdir, 'site')
        shutil.rmtree(folder, ignore_errors=True)
        variables = {'bench_site_dir': folder, 'bench_expected_cameras': size}
        vars_file = self.write_json('site-export.json', variables)
        api.reset_counters()
        export = Result('site', 'collection', f'site_export, {SITE_EXPORT_WORKERS} devices at a time: export', size, run='export')
        self.measure(export, self.playbook('site_export.yml', '-e', f'@{vars_file}'), api, items=counts['devices'] // 10)
        reads = [entry['path'].split('/api/rest/v1', 1)[-1] + (f"?{entry['query']}" if entry.get('query') else '')
                 for entry in api.sim.requests_log('rest') if entry['method'] == 'GET']
        if export.ok and export.writes:
            export.fail(f'{export.writes} writes in an export')
        self.report(export)
        if not export.ok:
            return
        api.reset_counters()
        floor_vars = self.write_json('site-floor.json', {'bench_reads': reads})
        floor = Result('site', 'floor', f'floor script, {SITE_EXPORT_WORKERS} threads: the export\'s {len(reads):,} reads', size, run='export')
        self.measure(floor, [os.path.join(self.bindir, 'python'), os.path.join(HERE, 'floor_site.py'), '--vars-file', floor_vars,
                             '--concurrency', str(SITE_EXPORT_WORKERS)], api, items=counts['devices'] // 10)
        self.report(floor)
        with open(os.path.join(folder, 'manifest.yml'), encoding='utf-8') as handle:
            keys = yaml.safe_load(handle)['secrets']['keys']
        noop_vars = self.write_json('site-noop.json', dict(variables, vault_site_secrets={key: 'not sent' for key in keys}))
        api.reset_counters()
        noop = Result('site', 'collection', 'site_config role, the same site: no-op apply', size, run='noop')
        self.measure(noop, self.playbook('site_config_noop.yml', '-e', f'@{noop_vars}'), api, items=counts['devices'] // 10)
        if noop.ok and noop.writes:
            noop.fail(f'{noop.writes} writes in a no-op apply')
        self.report(noop)

    def shape_site(self, api: SimulatorAPI) -> dict[str, int]:
        """User-defined events, camera groups and roles up to the scenario's counts; the counts of what the site holds."""
        events = len(api.user_defined_event_names())
        api.parallel(lambda name: api.call('POST', '/userDefinedEvents', {'name': name}),
                     [f'Bench event {number:03d}' for number in range(events + 1, SITE_EVENTS + 1)])
        groups = len(api.call('GET', '/cameraGroups')['array'])
        api.parallel(lambda name: api.call('POST', '/cameraGroups', {'name': name, 'description': 'Bench group'}),
                     [f'Bench group {number:03d}' for number in range(groups + 1, SITE_GROUPS + 1)])
        roles = len(api.call('GET', '/roles')['array'])
        api.parallel(lambda name: api.call('POST', '/roles', {'name': name, 'description': 'Bench role'}),
                     [f'Bench role {number:02d}' for number in range(roles + 1, SITE_ROLES + 1)])
        devices = {kind: len(api.call('GET', f'/{kind}?disabled')['array'])
                   for kind in ('cameras', 'microphones', 'speakers', 'metadata', 'inputEvents', 'outputs')}
        return {'cameras': devices['cameras'], 'devices': sum(devices.values()), 'hardware': len(api.call('GET', '/hardware?disabled')['array']),
                'events': len(api.user_defined_event_names()), 'groups': len(api.call('GET', '/cameraGroups')['array']),
                'roles': len(api.call('GET', '/roles')['array'])}


def hardware_rows(api: SimulatorAPI, size: int) -> list[dict[str, str]]:
    """``size`` rows of a spreadsheet of devices not yet added, taken in turn from each recording server's network."""
    status, network = api.sim.request('GET', '/_simulator/network')
    if status != 200:
        raise RuntimeError(f'GET /_simulator/network failed: {status} {network}')
    per_server = [[(server['name'], device) for device in server['devices'] if NETWORK_DEVICE.match(device['address']) and not device['hardware']]
                  for server in network['recordingServers']]
    picked = [pair for group in zip(*per_server) for pair in group][:size]
    if len(picked) < size:
        raise RuntimeError(f'the simulator\'s network has {len(picked)} devices to add, not {size}: start it with --network-devices')
    return [{'Address': device['address'], 'RecordingServer': server, 'UserName': device['userName'], 'Password': device['password'],
             'HardwareName': f'Bench {number:04d}'} for number, (server, device) in enumerate(picked, 1)]


def host_of(address: str) -> str:
    return (urlsplit(address if '://' in address else '//' + address).hostname or '').lower()


def fit(points: list[tuple[int, float]], size: int, intercept: float) -> float:
    """Value at ``size`` of the least-squares line through ``points`` (through ``(0, intercept)`` with one point)."""
    if len(points) == 1:
        x_value, y_value = points[0]
        slope = (y_value - intercept) / x_value if x_value else 0.0
        return intercept + slope * size
    count = len(points)
    mean_x = sum(x for x, _y in points) / count
    mean_y = sum(y for _x, y in points) / count
    spread = sum((x - mean_x) ** 2 for x, _y in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    return mean_y + slope * (size - mean_x)
