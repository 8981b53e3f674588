# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of milestone.xprotect against the simulator, side by side with what users would do instead.

    $(python3 scripts/dev.py env | tail -n 1)/python bench/run.py            # the full run (about 15-20 min on 2 cores)
    $(python3 scripts/dev.py env | tail -n 1)/python bench/run.py --quick    # a shorter run (a few minutes)

Run it with the Python of the project's test environment (ansible-core and requests pinned in
tests/requirements/); it installs bench/requirements.txt (psutil, matplotlib) into that environment if they
are missing. The collection is installed from this checkout with ``ansible-galaxy collection install`` into a
private folder, as a user installs it. See bench/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import importlib.metadata
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import typing as t

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, 'results')
REQUIREMENTS = os.path.join(HERE, 'requirements.txt')
DOCS = os.path.join(ROOT, 'docs', 'performance.md')
# The simulator package is imported from the checkout (as scripts/demo.py does).
sys.path.insert(0, ROOT)

FULL = {'sizes': [50, 200, 1000], 'baseline_max': 200, 'events': 500, 'info_cameras': 5000, 'resource_cameras': 1000, 'settings_cameras': 2000,
        'hardware_devices': 500, 'site_cameras': 5000}
QUICK = {'sizes': [20, 100], 'baseline_max': 20, 'events': 100, 'info_cameras': 1000, 'resource_cameras': 200, 'settings_cameras': 300,
         'hardware_devices': 50, 'site_cameras': 500}
SCENARIOS = ('fleet', 'events', 'camera_info', 'resources', 'settings', 'hardware', 'site')
#: Options that change what is measured or where it goes (all at their defaults = the full default run).
SHAPING = ('quick', 'sizes', 'baseline_max', 'inventory_max', 'events', 'info_cameras', 'resource_cameras', 'settings_cameras',
           'hardware_devices', 'site_cameras', 'latency_ms', 'task_seconds', 'concurrency', 'forks', 'batch_size', 'poll_interval', 'sample_interval', 'seed',
           'scenarios', 'output', 'collections_path')
#: Share of the simulator's seeded cameras that are enabled PTZ cameras (30 % PTZ, 5 % of all disabled).
PTZ_SHARE = 0.285


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog='Without --output, the full default run writes bench/results/ and the generated part of '
                                            'docs/performance.md; every other run writes tests/output/bench/.')
    parser.add_argument('--quick', action='store_true',
                        help=f'a shorter run: N = {",".join(map(str, QUICK["sizes"]))}, the uri baseline up to N = {QUICK["baseline_max"]}, '
                             f'{QUICK["events"]} events, {QUICK["info_cameras"]} cameras for camera_info')
    parser.add_argument('--sizes', help=f'fleet sizes N, comma-separated (default {",".join(map(str, FULL["sizes"]))})')
    parser.add_argument('--baseline-max', type=int, help='largest N the uri baseline is run at; larger N are extrapolated '
                                                         f'(default {FULL["baseline_max"]})')
    parser.add_argument('--inventory-max', type=int, help='largest N the inventory-plugin play is run at; larger N are extrapolated '
                                                          '(default: every size)')
    parser.add_argument('--events', type=int, help=f'user-defined events to provision (default {FULL["events"]})')
    parser.add_argument('--info-cameras', type=int, help=f'cameras for the camera_info scenario (default {FULL["info_cameras"]})')
    parser.add_argument('--resource-cameras', type=int,
                        help=f'cameras described in the first run of the resources scenario (default {FULL["resource_cameras"]}); '
                             'its no-op run covers every camera of the camera_info simulator')
    parser.add_argument('--settings-cameras', type=int,
                        help=f'cameras of the settings scenario, every one of them in its runs (default {FULL["settings_cameras"]})')
    parser.add_argument('--hardware-devices', type=int,
                        help=f'devices of the spreadsheet the hardware scenario imports (default {FULL["hardware_devices"]})')
    parser.add_argument('--site-cameras', type=int,
                        help=f'cameras of the site-as-code scenario, ten per hardware (default {FULL["site_cameras"]})')
    parser.add_argument('--latency-ms', type=float, default=20.0, help='simulator latency per request (default 20)')
    parser.add_argument('--task-seconds', type=float, default=1.0, help='duration of a PTZ task (default 1)')
    parser.add_argument('--concurrency', type=int, default=32, help='ptz_task concurrency and floor threads (default 32)')
    parser.add_argument('--forks', type=int, default=32, help='Ansible forks of the inventory play and the uri baseline (default 32)')
    parser.add_argument('--batch-size', type=int, default=250, help='ptz_preset_reset batch size (default 250)')
    parser.add_argument('--poll-interval', type=float, default=1.0,
                        help="seconds between two reads of a running task, for ptz_task (wait_sleep), the baseline and the floor (default 1, "
                             "wait_sleep's default)")
    parser.add_argument('--sample-interval', type=float, default=0.1, help='seconds between two memory samples (default 0.1)')
    parser.add_argument('--seed', type=int, default=1, help='simulator seed (default 1)')
    parser.add_argument('--scenarios', default=','.join(SCENARIOS), help=f'scenarios to run, comma-separated (default {",".join(SCENARIOS)})')
    parser.add_argument('--output', help='folder for results.md, results.json, benchmark.png and logs/')
    parser.add_argument('--collections-path', help='use this ANSIBLE_COLLECTIONS_PATH instead of installing the checkout')
    parser.add_argument('--no-install', action='store_true', help='fail instead of installing missing bench requirements')
    parser.add_argument('--render', metavar='RESULTS_JSON',
                        help='measure nothing: write results.md and benchmark.png (and the docs, for bench/results) again from a results.json')
    args = parser.parse_args(argv)
    # Only the full run at the documented defaults may write bench/results/ and the docs.
    args.default_run = all(getattr(args, name) == parser.get_default(name) for name in SHAPING) and not args.render
    preset = QUICK if args.quick else FULL
    args.scenarios = [name.strip() for name in args.scenarios.split(',') if name.strip()]
    unknown = sorted(set(args.scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(f'unknown scenario(s) {", ".join(unknown)}; choose from {", ".join(SCENARIOS)}')
    args.sizes = sorted({int(size) for size in args.sizes.split(',')}) if args.sizes else preset['sizes']
    for name in ('baseline_max', 'events', 'info_cameras', 'resource_cameras', 'settings_cameras', 'hardware_devices', 'site_cameras'):
        if getattr(args, name) is None:
            setattr(args, name, preset[name])
    if args.inventory_max is None:
        args.inventory_max = max(args.sizes)
    if args.output is None:
        args.output = RESULTS if args.default_run else os.path.join(ROOT, 'tests', 'output', 'bench')
    if min(args.sizes) < 1 or args.events < 1 or args.info_cameras < 1 or args.concurrency < 1 or args.forks < 1:
        parser.error('sizes, --events, --info-cameras, --concurrency and --forks must be positive')
    if args.hardware_devices < 1 or args.site_cameras < 1:
        parser.error('--hardware-devices and --site-cameras must be positive')
    if args.concurrency > 64:
        parser.error('--concurrency is at most 64 (the limit of ptz_task)')
    return args


# -- environment ---------------------------------------------------------------------------------------

def pinned_requirements() -> dict[str, str]:
    pins = {}
    with open(REQUIREMENTS, encoding='utf-8') as handle:
        for line in handle:
            line = line.split('#', 1)[0].strip()
            if '==' in line:
                name, version = line.split('==', 1)
                pins[name.strip()] = version.strip()
    return pins


def ensure_requirements(allow_install: bool) -> None:
    """psutil and matplotlib at the pinned versions in this interpreter's environment, installing them if allowed."""
    wrong = []
    for name, version in pinned_requirements().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong.append(f'{name} {installed or "missing"} (pinned {version})')
    if not wrong:
        return
    if not allow_install:
        raise SystemExit(f'error: bench requirements not met: {", ".join(wrong)}; run {sys.executable} -m pip install -r {REQUIREMENTS}')
    print(f'installing bench/requirements.txt into {sys.prefix} ({", ".join(wrong)})', flush=True)
    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', REQUIREMENTS], check=True)


def ansible_bindir() -> str:
    """The bin folder of this interpreter's environment, which must hold ansible-playbook (the pinned test venv)."""
    bindir = os.path.dirname(os.path.abspath(sys.executable))
    if not os.path.exists(os.path.join(bindir, 'ansible-playbook')):
        raise SystemExit(f'error: {bindir} has no ansible-playbook; run this script with the test environment\'s Python: '
                         '$(python3 scripts/dev.py env | tail -n 1)/python bench/run.py')
    return bindir


def install_collection(bindir: str, target: str) -> str:
    """``ansible-galaxy collection install <checkout>``: the collection as a user gets it (build_ignore applied)."""
    completed = subprocess.run([os.path.join(bindir, 'ansible-galaxy'), 'collection', 'install', ROOT, '-p', target, '--force'],
                               capture_output=True, text=True, check=False, env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=target))
    if completed.returncode != 0:
        raise SystemExit(f'error: ansible-galaxy could not install the collection:\n{completed.stdout}{completed.stderr}')
    return target


def git_describe() -> str:
    def git(*args: str) -> str:
        completed = subprocess.run(['git', *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return completed.stdout.strip() if completed.returncode == 0 else ''
    commit = git('rev-parse', '--short', 'HEAD')
    if not commit:
        return 'outside git'
    dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'plugins', 'roles', 'playbooks', 'meta')
    return f'at git {commit}' + (' plus uncommitted changes to plugins/roles' if dirty else '')


def machine_info() -> dict[str, t.Any]:
    import psutil  # pylint: disable=import-outside-toplevel  # installed by ensure_requirements first
    cpu_model = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            cpu_model = next((line.split(':', 1)[1].strip() for line in handle if line.startswith('model name')), cpu_model)
    except OSError:
        pass
    return {
        'platform': platform.platform(terse=True),
        'cpu_model': cpu_model,
        'cpus': os.cpu_count(),
        'memory_gib': psutil.virtual_memory().total / 2 ** 30,
        'python': platform.python_version(),
        'ansible_core': importlib.metadata.version('ansible-core'),
        'requests': importlib.metadata.version('requests'),
    }


def load_average() -> str:
    return '/'.join(f'{value:.2f}' for value in os.getloadavg())


# -- the run -------------------------------------------------------------------------------------------

def fleet_simulator_size(sizes: list[int]) -> int:
    # Enough seeded cameras for max(sizes) enabled PTZ cameras, with a margin; checked after the start.
    return max(40, int(max(sizes) / PTZ_SHARE * 1.04) + 20)


def simulator_args(settings: t.Any, cameras: int) -> list[str]:
    return ['--cameras', str(cameras), '--latency-ms', f'{settings.latency_ms:g}', '--task-seconds', f'{settings.task_seconds:g}',
            '--seed', str(settings.seed)]


@contextlib.contextmanager
def simulator_api(*cli_args: str) -> t.Iterator[t.Any]:
    """A simulator started with ``cli_args`` and the bench's client of its API, both closed after the scenario."""
    from simulator.process import SimulatorProcess  # pylint: disable=import-outside-toplevel
    from simapi import SimulatorAPI  # pylint: disable=import-outside-toplevel

    with SimulatorProcess(*cli_args, python=sys.executable) as sim:
        api = SimulatorAPI(sim)
        try:
            yield api
        finally:
            api.close()


def run_benchmarks(args: argparse.Namespace, workdir: str, logdir: str, collections_path: str) -> tuple[list[t.Any], t.Any, dict[str, t.Any]]:
    # Imported here: they need psutil, which ensure_requirements may just have installed.
    from simulator.process import SimulatorProcess  # pylint: disable=import-outside-toplevel
    from scenarios import Bench, Settings  # pylint: disable=import-outside-toplevel
    from simapi import SimulatorAPI  # pylint: disable=import-outside-toplevel

    settings = Settings(sizes=args.sizes, baseline_max=args.baseline_max, inventory_max=args.inventory_max, events=args.events,
                        info_cameras=args.info_cameras, resource_cameras=args.resource_cameras, settings_cameras=args.settings_cameras,
                        hardware_devices=args.hardware_devices, site_cameras=args.site_cameras,
                        latency_ms=args.latency_ms, task_seconds=args.task_seconds,
                        concurrency=args.concurrency, forks=args.forks, batch_size=args.batch_size, poll_interval=args.poll_interval,
                        sample_interval=args.sample_interval, seed=args.seed)
    bench = Bench(settings, workdir=workdir, logdir=logdir, bindir=ansible_bindir(), collections_path=collections_path)
    facts: dict[str, t.Any] = {}

    cameras = fleet_simulator_size(settings.sizes)
    while True:
        sim = SimulatorProcess(*simulator_args(settings, cameras), python=sys.executable).start()
        api = SimulatorAPI(sim)
        try:
            ptz_ids = api.ptz_camera_ids()
            if len(ptz_ids) >= max(settings.sizes):
                print(f'simulator: {sim.url}, {cameras} cameras ({len(ptz_ids)} enabled PTZ), {settings.latency_ms:g} ms latency, '
                      f'{settings.task_seconds:g} s tasks', flush=True)
                facts.update(fleet_cameras=cameras, fleet_ptz=len(ptz_ids))
                bench.references(api)
                if 'fleet' in args.scenarios:
                    bench.fleet(api, ptz_ids)
                if 'events' in args.scenarios:
                    bench.events(api)
                break
        finally:
            api.close()
            sim.stop()
        cameras = int(cameras * 1.1) + 10  # the seeded share of PTZ cameras came out low: more cameras
    if 'settings' in args.scenarios:
        with simulator_api(*simulator_args(settings, settings.settings_cameras)) as settings_api:
            bench.device_settings(settings_api)
    if 'hardware' in args.scenarios:
        # A small site whose camera network has the devices to import (--network-devices: that many per recording server).
        with simulator_api(*simulator_args(settings, 40), '--network-devices', str(settings.hardware_devices)) as hardware_api:
            bench.hardware(hardware_api)
    if 'site' in args.scenarios:
        from scenarios import SITE_CAMERAS_PER_HARDWARE  # pylint: disable=import-outside-toplevel
        with simulator_api(*simulator_args(settings, settings.site_cameras), '--cameras-per-hardware', str(SITE_CAMERAS_PER_HARDWARE)) as site_api:
            bench.site(site_api)
    if 'camera_info' not in args.scenarios and 'resources' not in args.scenarios:
        return bench.results, settings, facts

    with simulator_api(*simulator_args(settings, settings.info_cameras)) as info_api:
        if 'camera_info' in args.scenarios:
            bench.camera_info(info_api)
        if 'resources' in args.scenarios:
            bench.resources(info_api)
    return bench.results, settings, facts


def write_outputs(args: argparse.Namespace, results: list[t.Any], settings: t.Any, info: dict[str, t.Any]) -> None:
    import report  # pylint: disable=import-outside-toplevel  # needs matplotlib, installed by ensure_requirements first

    info['targets'] = report.evaluate_targets(results, settings, int(info['machine']['cpus'] or 1))
    document = {
        'command': info['command'], 'started': info['started'], 'finished': info['finished'], 'duration_minutes': info['duration_minutes'],
        'machine': info['machine'], 'load_before': info['load_before'], 'load_after': info['load_after'], 'collection': info['collection'],
        'settings': dataclasses.asdict(settings), 'fleet_cameras': info['fleet_cameras'], 'fleet_ptz': info['fleet_ptz'],
        'targets': [dataclasses.asdict(target) for target in info['targets']],
        'results': [dataclasses.asdict(result) for result in results],
    }
    with open(os.path.join(args.output, 'results.json'), 'w', encoding='utf-8') as handle:
        json.dump(document, handle, indent=1)
        handle.write('\n')
    text = report.markdown(results, settings, info)
    with open(os.path.join(args.output, 'results.md'), 'w', encoding='utf-8') as handle:
        handle.write(text)
    report.plot(results, settings, os.path.join(args.output, 'benchmark.png'))
    if args.default_run and report.update_docs(DOCS, text):
        print(f'updated the generated part of {os.path.relpath(DOCS, ROOT)}', flush=True)
    print('\n' + text, flush=True)


def render(args: argparse.Namespace) -> int:
    """Outputs again from a results.json, e.g. after a change to the report's layout; nothing is measured."""
    from scenarios import Result, Settings  # pylint: disable=import-outside-toplevel

    with open(args.render, encoding='utf-8') as handle:
        document = json.load(handle)
    settings = Settings(**document['settings'])
    results = [Result(**row) for row in document['results']]
    args.output = os.path.dirname(os.path.abspath(args.render))
    # The docs follow bench/results/ only, and only when that file came from a full default run.
    args.default_run = args.output == RESULTS and document['command'] == 'python bench/run.py'
    info = {key: document[key] for key in ('command', 'started', 'finished', 'duration_minutes', 'machine', 'load_before', 'load_after',
                                           'collection', 'fleet_cameras', 'fleet_ptz')}
    write_outputs(args, results, settings, info)
    return 0


def stop_on_sigterm(signum: int, _frame: t.Any) -> None:
    # SIGTERM ends the run like Ctrl-C does, through the finally blocks that stop the simulators.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    ensure_requirements(allow_install=not args.no_install)
    if args.render:
        return render(args)
    bindir = ansible_bindir()
    os.makedirs(args.output, exist_ok=True)
    # The full run's logs stay out of bench/results/ (what is committed): they are evidence, not results.
    logdir = os.path.join(ROOT, 'tests', 'output', 'bench-logs') if args.default_run else os.path.join(args.output, 'logs')
    shutil.rmtree(logdir, ignore_errors=True)
    os.makedirs(logdir)
    command = 'python bench/run.py' + (' ' + shlex.join(sys.argv[1:] if argv is None else argv) if (argv or sys.argv[1:]) else '')
    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.monotonic()
    info: dict[str, t.Any] = {'command': command, 'started': started.strftime('%Y-%m-%d %H:%M UTC'), 'machine': machine_info(),
                              'load_before': load_average(), 'collection': git_describe()}
    print(f'bench: {command} -> {os.path.relpath(args.output, ROOT)}', flush=True)
    with tempfile.TemporaryDirectory(prefix='xprotect-bench-') as workdir:
        collections_path = args.collections_path or install_collection(bindir, os.path.join(workdir, 'collections'))
        results, settings, facts = run_benchmarks(args, workdir, logdir, collections_path)
    info.update(facts)
    info['finished'] = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    info['duration_minutes'] = (time.monotonic() - clock) / 60
    info['load_after'] = load_average()
    write_outputs(args, results, settings, info)
    failed = [result for result in results if not result.ok]
    for result in failed:
        print(f'FAILED: {result.label} (N={result.size}): {result.problem}', file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
