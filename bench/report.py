# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the results of a run into results.json, results.md and benchmark.png, and check the issue's targets.

Every number in the Markdown and the plot comes from the results; extrapolated rows are marked as such
wherever they appear.
"""

from __future__ import annotations

import dataclasses
import math
import re
import statistics
import typing as t

from measure import PSS_ALWAYS_UP_TO, PSS_EVERY
from scenarios import A_MODULE, A_ROLE, B_INVENTORY, C_URI, D_FLOOR, FLEET_APPROACHES, Result, Settings

MIB = 2 ** 20
DOCS_BEGIN = '<!-- BEGIN GENERATED RESULTS (bench/run.py writes this part; do not edit by hand) -->'
DOCS_END = '<!-- END GENERATED RESULTS -->'

# The targets.
SPEEDUP_TARGET = 20.0
FLOOR_TARGET = 1.5
NOOP_TARGET = 3.0
#: The hardware import's re-run with nothing to do (the role reads the site, then writes its report).
HARDWARE_NOOP_TARGET = 5.0
TARGET_SIZE = 1000
#: Background load (CPU cores busy with other work) above which a run's wall time is marked as inflated.
NOISY_CORES = 0.5


@dataclasses.dataclass
class Target:
    name: str
    measured: str
    verdict: str
    why: str


# -- small helpers -------------------------------------------------------------------------------------

def find(results: t.Sequence[Result], scenario: str, approach: str, size: int | None = None, run: str | None = None) -> Result | None:
    for result in results:
        if result.scenario == scenario and result.approach == approach and (size is None or result.size == size) \
                and (run is None or result.run == run):
            return result
    return None


def seconds(value: float | None) -> str:
    if value is None:
        return '-'
    return f'{value:.2f}' if value < 10 else f'{value:,.1f}'


def mib(value: int | None) -> str:
    return '-' if value is None else f'{value / MIB:,.0f}'


def count(value: int | None) -> str:
    return '-' if value is None else f'{value:,}'


def background(result: Result) -> str:
    """The background load, with a dagger where it was high enough to inflate the wall time."""
    if result.background_cores is None:
        return '-'
    return f'{result.background_cores:.2f}' + (' †' if result.background_cores > NOISY_CORES else '')


def load_note(cpus: int, *results: Result | None) -> str:
    """A warning for a verdict built on runs that competed with other work for the CPUs."""
    loads = [r.background_cores for r in results if r is not None and r.measured and r.background_cores is not None]
    if not loads or max(loads) <= NOISY_CORES:
        return ''
    return (f' (some of these runs were measured while other work kept up to {max(loads):.2f} of the {cpus} CPUs busy: their times '
            'are inflated; re-run on a quiet machine)')


def usable(result: Result | None) -> bool:
    return result is not None and result.ok and result.wall is not None


def ratio(numerator: Result | None, denominator: Result | None) -> float | None:
    if not usable(numerator) or not usable(denominator):
        return None
    return t.cast(float, t.cast(Result, numerator).wall) / t.cast(float, t.cast(Result, denominator).wall)


def marked(text: str, result: Result) -> str:
    """Extrapolated values are printed in italics with a marker, so they cannot pass for measurements."""
    return f'*{text}* (extrapolated)' if not result.measured else text


# -- targets -------------------------------------------------------------------------------------------

def target_size(settings: Settings) -> int:
    return TARGET_SIZE if TARGET_SIZE in settings.sizes else max(settings.sizes)


def evaluate_targets(results: t.Sequence[Result], settings: Settings, cpus: int) -> list[Target]:
    size = target_size(settings)
    at = f'N = {size:,}' + ('' if size == TARGET_SIZE else f' (N = {TARGET_SIZE:,} was not run; the largest size run is used)')
    targets = [speedup_target(results, settings, size, at, cpus), floor_target(results, settings, size, at, cpus),
               events_first_target(results, settings, cpus), noop_target(results, settings, cpus),
               resources_first_target(results, settings, cpus), resources_noop_target(results, settings, cpus),
               settings_target(results, settings, cpus, 'first'), settings_target(results, settings, cpus, 'noop'),
               hardware_first_target(results, settings, cpus), hardware_noop_target(results, settings, cpus),
               site_target(results, settings, cpus, 'export'), site_target(results, settings, cpus, 'noop'), grants_target(results)]
    return targets


def speedup_target(results: t.Sequence[Result], settings: Settings, size: int, at: str, cpus: int) -> Target:
    name = f'fleet reset at least {SPEEDUP_TARGET:g}x faster than the uri baseline, {at}'
    ours, baseline = find(results, 'fleet', A_MODULE, size), find(results, 'fleet', C_URI, size)
    value = ratio(baseline, ours)
    if value is None:
        return Target(name, 'not measured', 'not evaluated', failure_of(ours, baseline))
    basis = '' if t.cast(Result, baseline).measured else ' against an extrapolated baseline'
    ours_r, base_r = t.cast(Result, ours), t.cast(Result, baseline)
    measured = f'{value:.1f}x ({seconds(base_r.wall)} s{" extrapolated" if not base_r.measured else ""} vs {seconds(ours_r.wall)} s)'
    per_host = (t.cast(float, base_r.wall) / size)
    rounds = math.ceil(size / settings.concurrency)
    why = (f'the baseline spends {per_host:.2f} s of wall time per camera: {size:,} hosts x 5 uri module runs, each a separate Python '
           f'process, through {settings.forks} forks on {cpus} CPUs; ptz_task works on the cameras in one process, '
           f'{settings.concurrency} at a time ({rounds} round{"s" if rounds != 1 else ""} of about one {settings.task_seconds:g} s task each)')
    why += load_note(cpus, ours_r, base_r)
    if value >= SPEEDUP_TARGET:
        return Target(name, measured, 'met' + basis, why)
    return Target(name, measured, 'missed' + basis, why + '; see docs/performance.md for what limits ptz_task here')


def against_floor(name: str, ours: Result | None, floor: Result | None, cpus: int, explain: t.Callable[[Result, Result], str]) -> Target:
    """A run against its floor: met when its wall time is within FLOOR_TARGET times the floor's; ``explain`` says why (both measured)."""
    value = ratio(ours, floor)
    if value is None:
        return Target(name, 'not measured', 'not evaluated', failure_of(ours, floor))
    ours_r, floor_r = t.cast(Result, ours), t.cast(Result, floor)
    why = explain(ours_r, floor_r) + load_note(cpus, ours_r, floor_r)
    return Target(name, f'{value:.2f}x ({seconds(ours_r.wall)} s vs {seconds(floor_r.wall)} s)', 'met' if value <= FLOOR_TARGET else 'missed', why)


def fixed_cost(results: t.Sequence[Result]) -> str:
    """The reference row "ansible-playbook with one module run", as the reasons quote it."""
    module = find(results, 'reference', 'one_module')
    return seconds(module.wall if usable(module) else None)


def floor_target(results: t.Sequence[Result], settings: Settings, size: int, at: str, cpus: int) -> Target:
    name = f'fleet reset within {FLOOR_TARGET:g}x of the floor, {at}'
    ours, floor = find(results, 'fleet', A_MODULE, size), find(results, 'fleet', D_FLOOR, size)

    def explain(ours_r: Result, floor_r: Result) -> str:
        extra = t.cast(int, ours_r.http_requests) - t.cast(int, floor_r.http_requests)
        return (f'ptz_task takes {t.cast(float, ours_r.wall) - t.cast(float, floor_r.wall):.1f} s more than the floor: '
                f'ansible-playbook with one module run costs {fixed_cost(results)} s before any camera is touched (reference row), '
                f'and it sends {extra:,} more requests ({count(ours_r.http_requests)} vs {count(floor_r.http_requests)}: the camera list to '
                f'resolve ids, one task list before invoking, and each camera\'s offered tasks) at {settings.latency_ms:g} ms each, '
                f'{settings.concurrency} at a time')

    return against_floor(name, ours, floor, cpus, explain)


def events_first_target(results: t.Sequence[Result], settings: Settings, cpus: int) -> Target:
    name = (f'first provisioning run of {settings.events:,} events within {FLOOR_TARGET:g}x of (the floor + one ansible-playbook '
            'module run)')
    first, floor = find(results, 'events', 'collection', run='first'), find(results, 'events', 'floor', run='first')
    module = find(results, 'reference', 'one_module')
    if not (usable(first) and usable(floor) and usable(module)):
        return Target(name, 'not measured', 'not evaluated', failure_of(first, floor, module))
    first_r, floor_r, module_r = t.cast(Result, first), t.cast(Result, floor), t.cast(Result, module)
    bound = t.cast(float, floor_r.wall) + t.cast(float, module_r.wall)
    value = t.cast(float, first_r.wall) / bound if bound else float('inf')
    why = (f'the role sends {count(first_r.http_requests)} requests, the floor {count(floor_r.http_requests)}; the creates go '
           f'{settings.events:,} at up to 16 at a time in both; ansible-playbook with one module run costs {seconds(module_r.wall)} s '
           '(reference row), and the role adds its own tasks (argument validation, the summary)') + load_note(cpus, first_r, floor_r, module_r)
    return Target(name, f'{value:.2f}x ({seconds(first_r.wall)} s vs {seconds(floor_r.wall)} s + {seconds(module_r.wall)} s)',
                  'met' if value <= FLOOR_TARGET else 'missed', why)


def resources_first_target(results: t.Sequence[Result], settings: Settings, cpus: int) -> Target:
    first, floor = find(results, 'resources', 'collection', run='first'), find(results, 'resources', 'floor', run='first')
    size = first.size if first is not None else getattr(settings, 'resource_cameras', 0)
    name = f'bulk description of {size:,} cameras with resource items within {FLOOR_TARGET:g}x of (the floor + one module run)'
    module = find(results, 'reference', 'one_module')
    if not (usable(first) and usable(floor) and usable(module)):
        return Target(name, 'not measured', 'not evaluated', failure_of(first, floor, module))
    first_r, floor_r, module_r = t.cast(Result, first), t.cast(Result, floor), t.cast(Result, module)
    bound = t.cast(float, floor_r.wall) + t.cast(float, module_r.wall)
    value = t.cast(float, first_r.wall) / bound if bound else float('inf')
    why = (f'both list the cameras once and PATCH the ones that differ, 16 at a time ({count(first_r.http_requests)} vs '
           f'{count(floor_r.http_requests)} requests); ansible-playbook with one module run costs {seconds(module_r.wall)} s') + load_note(
               cpus, first_r, floor_r, module_r)
    return Target(name, f'{value:.2f}x ({seconds(first_r.wall)} s vs {seconds(floor_r.wall)} s + {seconds(module_r.wall)} s)',
                  'met' if value <= FLOOR_TARGET else 'missed', why)


def resources_noop_target(results: t.Sequence[Result], settings: Settings, cpus: int) -> Target:
    noop = find(results, 'resources', 'collection', run='noop')
    size = noop.size if noop is not None else settings.info_cameras
    name = f'no-op resource items run over {size:,} cameras under {NOOP_TARGET:g} s'
    if not usable(noop):
        return Target(name, 'not measured', 'not evaluated', failure_of(noop))
    noop_r = t.cast(Result, noop)
    why = (f'{count(noop_r.http_requests)} requests (one login, the camera list in pages of 500) and no write') + load_note(cpus, noop_r)
    return Target(name, f'{seconds(noop_r.wall)} s', 'met' if t.cast(float, noop_r.wall) < NOOP_TARGET else 'missed', why)


def settings_target(results: t.Sequence[Result], settings: Settings, cpus: int, run: str) -> Target:
    """device_settings against its floor: the first run against the same reads and writes, the no-op against the reads alone."""
    ours, floor = find(results, 'settings', 'collection', run=run), find(results, 'settings', 'floor', run=run)
    size = ours.size if ours is not None else getattr(settings, 'settings_cameras', 0)
    name = (f'resolution and frame rate on {size:,} cameras with device_settings within {FLOOR_TARGET:g}x of the floor (the same reads '
            'and writes at the same concurrency)' if run == 'first' else
            f'the no-op re-run over {size:,} cameras within {FLOOR_TARGET:g}x of the reads alone')
    return against_floor(name, ours, floor, cpus, lambda ours_r, floor_r: (
        f'both read the camera list and each camera\'s settings with their definitions, {settings.concurrency} at a time, and PATCH '
        f'the cameras that differ and offer the values ({count(ours_r.http_requests)} vs {count(floor_r.http_requests)} requests, '
        f'{count(ours_r.writes)} vs {count(floor_r.writes)} writes); ansible-playbook with one module run costs '
        f'{fixed_cost(results)} s (reference row)'))


def hardware_first_target(results: t.Sequence[Result], settings: Settings, cpus: int) -> Target:
    """The hardware_import role against a script doing the same scans, adds and enables at the same concurrency."""
    ours, floor = find(results, 'hardware', 'collection', run='first'), find(results, 'hardware', 'floor', run='first')
    size = ours.size if ours is not None else getattr(settings, 'hardware_devices', 0)
    name = (f'import of {size:,} devices from a spreadsheet with the hardware_import role within {FLOOR_TARGET:g}x of the floor (the same '
            'driver scans, adds and enables at the same concurrency)')
    return against_floor(name, ours, floor, cpus, lambda ours_r, floor_r: (
        f'both run a HardwareScan and an AddHardware per device ({settings.task_seconds:g} s tasks, polled every '
        f'{settings.poll_interval:g} s and cleaned up), then PATCH the hardware and its cameras, {settings.concurrency} devices at a '
        f'time ({count(ours_r.http_requests)} vs {count(floor_r.http_requests)} requests, {count(ours_r.writes)} vs '
        f'{count(floor_r.writes)} writes); the role also reads the new hardware once, reads and checks the spreadsheet and writes '
        f'its report; ansible-playbook with one module run costs {fixed_cost(results)} s (reference row)'))


def site_target(results: t.Sequence[Result], settings: Settings, cpus: int, run: str) -> Target:
    """The export of a whole site, or the no-op apply of its files, against the export's reads sent at the same concurrency."""
    ours, floor = find(results, 'site', 'collection', run=run), find(results, 'site', 'floor', run='export')
    size = ours.size if ours is not None else getattr(settings, 'site_cameras', 0)
    what = 'export' if run == 'export' else 'no-op apply (site_config role)'
    name = f'{what} of a site of {size:,} cameras within {FLOOR_TARGET:g}x of the reads it needs, at the same concurrency'
    return against_floor(name, ours, floor, cpus, lambda ours_r, floor_r: (
        f'{count(ours_r.http_requests)} requests vs the floor\'s {count(floor_r.http_requests)} (the list of every type, each device\'s '
        f'settings and each camera\'s stream usage, 8 at a time, at {settings.latency_ms:g} ms each); the {"module" if run == "export" else "role"} '
        f'also turns every answer into files ({"written" if run == "export" else "compared with the directory"}) in one Python process, '
        f'{seconds(ours_r.cpu)} s of CPU in all; ansible-playbook with one module run costs {fixed_cost(results)} s (reference row)'))


def hardware_noop_target(results: t.Sequence[Result], settings: Settings, cpus: int) -> Target:
    noop = find(results, 'hardware', 'collection', run='noop')
    size = noop.size if noop is not None else getattr(settings, 'hardware_devices', 0)
    name = f'the re-run of the import of {size:,} devices with nothing to do under {HARDWARE_NOOP_TARGET:g} s'
    if not usable(noop):
        return Target(name, 'not measured', 'not evaluated', failure_of(noop))
    noop_r = t.cast(Result, noop)
    floor = find(results, 'hardware', 'floor', run='noop')
    why = (f'{count(noop_r.http_requests)} requests (one login, then lists of the recording servers and the hardware) and no write; '
           f'the same reads take {seconds(floor.wall if usable(floor) else None)} s in the floor script; the rest is ansible-playbook, '
           'the module run and the report (two files, written by the module\'s action plugin without a module run)') + load_note(cpus, noop_r)
    return Target(name, f'{seconds(noop_r.wall)} s', 'met' if t.cast(float, noop_r.wall) < HARDWARE_NOOP_TARGET else 'missed', why)


def noop_target(results: t.Sequence[Result], settings: Settings, cpus: int) -> Target:
    name = f'no-op provisioning run of {settings.events:,} events under {NOOP_TARGET:g} s'
    noop = find(results, 'events', 'collection', run='noop')
    if not usable(noop):
        return Target(name, 'not measured', 'not evaluated', failure_of(noop))
    noop_r = t.cast(Result, noop)
    empty, module = find(results, 'reference', 'empty_play'), find(results, 'reference', 'one_module')
    pages = noop_r.requests_by_method.get('GET', 0)
    why = (f'{count(noop_r.http_requests)} requests ({count(noop_r.idp_requests)} login, {pages} GET(s) reading the list of every event, '
           f'500 a page, and no write); ansible-playbook alone takes {seconds(empty.wall if usable(empty) else None)} s and with one module '
           f'run {seconds(module.wall if usable(module) else None)} s (reference rows), which is most of it') + load_note(cpus, noop_r, empty, module)
    return Target(name, f'{seconds(noop_r.wall)} s', 'met' if t.cast(float, noop_r.wall) < NOOP_TARGET else 'missed', why)


def grants_target(results: t.Sequence[Result]) -> Target:
    name = 'one token grant per run (the collection\'s runs: ptz_task, the role, event provisioning, camera_info)'
    ours = [r for r in results if r.measured and r.ok and (
        (r.scenario == 'fleet' and r.approach in (A_MODULE, A_ROLE)) or r.scenario in ('events', 'camera_info') and r.approach == 'collection')]
    if not ours:
        return Target(name, 'not measured', 'not evaluated', '')
    grants = sorted({t.cast(int, r.token_grants) for r in ours})
    over = [r for r in ours if r.token_grants != 1]
    inventory = [r for r in results if r.scenario == 'fleet' and r.approach == B_INVENTORY and r.measured and r.ok]
    note = ''
    if inventory:
        note = (f'; the inventory-plugin play (b) takes {", ".join(sorted({str(r.token_grants) for r in inventory}))}: the plugin logs in to '
                'read the cameras and the play logs in once more, because the plugin never hands its token to the play '
                '(it would land in host variables)')
    measured = f'{len(ours)} runs: ' + ', '.join(str(g) for g in grants) + ' grant(s) per run'
    if over:
        return Target(name, measured, 'missed', 'more than one grant in: ' + ', '.join(f'{r.label} N={r.size}' for r in over) + note)
    return Target(name, measured, 'met', 'every module of a run uses the token of one login (login module + module_defaults, or a '
                  'single module call)' + note)


def failure_of(*results: Result | None) -> str:
    problems = [f'{r.label}: {r.problem}' for r in results if r is not None and not r.ok]
    return '; '.join(problems) or 'a run it needs was not part of this benchmark run'


# -- Markdown ------------------------------------------------------------------------------------------

#: The columns of a scenario's table of single runs (simple_rows with writes)
RUN_COLUMNS = ['run', 'wall (s)', 'HTTP requests', 'writes', 'token grants', 'peak memory, tree (PSS, MiB)', 'largest process (MiB)', 'CPU (s)',
               'background load (cores)']


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '|'.join('---' for _h in header) + '|']
    lines += ['| ' + ' | '.join(row) + ' |' for row in rows]
    return lines


def fleet_rows(results: t.Sequence[Result], settings: Settings) -> list[list[str]]:
    rows = []
    for size in settings.sizes:
        for approach in FLEET_APPROACHES:
            result = find(results, 'fleet', approach, size)
            if result is None:
                continue
            if not result.ok:
                rows.append([f'{size:,}', result.label, f'FAILED: {result.problem}'] + ['-'] * 7)
                continue
            rows.append([f'{size:,}', result.label + ('' if result.measured else ' (extrapolated)'), marked(seconds(result.wall), result),
                         marked(count(result.http_requests), result), marked(count(result.token_grants), result), mib(result.peak_pss_tree),
                         mib(result.max_rss_process), marked(seconds(result.cpu), result), count(result.max_in_flight), background(result)])
    return rows


def ratio_rows(results: t.Sequence[Result], settings: Settings) -> list[list[str]]:
    def show(value: float | None, *parts: Result | None) -> str:
        if value is None:
            return '-'
        text = f'{value:.3f}' if value < 1 else f'{value:.2f}'
        if value < 1:
            text += f' ({1 / value:.1f}x faster)'
        return f'*{text}* (extrapolated)' if any(p is not None and not p.measured for p in parts) else text

    rows = []
    for size in settings.sizes:
        module, role, inventory = find(results, 'fleet', A_MODULE, size), find(results, 'fleet', A_ROLE, size), find(results, 'fleet', B_INVENTORY, size)
        baseline, floor = find(results, 'fleet', C_URI, size), find(results, 'fleet', D_FLOOR, size)
        rows.append([f'{size:,}', show(ratio(module, baseline), module, baseline), show(ratio(module, floor), module, floor),
                     show(ratio(role, baseline), role, baseline), show(ratio(role, floor), role, floor),
                     show(ratio(inventory, baseline), inventory, baseline), show(ratio(inventory, floor), inventory, floor)])
    return rows


def simple_rows(results: t.Iterable[Result], with_writes: bool) -> list[list[str]]:
    rows = []
    for result in results:
        if not result.ok:
            rows.append([result.label, f'FAILED: {result.problem}'] + ['-'] * (7 if with_writes else 6))
            continue
        row = [result.label, seconds(result.wall), count(result.http_requests)]
        if with_writes:
            row.append(count(result.writes))
        row += [count(result.token_grants), mib(result.peak_pss_tree), mib(result.max_rss_process), seconds(result.cpu), background(result)]
        rows.append(row)
    return rows


def markdown(results: t.Sequence[Result], settings: Settings, info: dict[str, t.Any]) -> str:
    """results.md: machine and settings, targets, then one table per scenario."""
    machine = info['machine']
    backgrounds = [r.background_cores for r in results if r.measured and r.background_cores is not None]
    load = (f'median {statistics.median(backgrounds):.2f}, max {max(backgrounds):.2f} CPU cores busy with other work during the '
            f'measurements' if backgrounds else 'not measured')
    lines = [
        '# Benchmark results',
        '',
        f"Generated by `{info['command']}` on {info['finished']} ({info['duration_minutes']:.1f} min).",
        '',
        f"- Machine: {machine['platform']}, {machine['cpu_model']}, {machine['cpus']} CPUs, {machine['memory_gib']:.0f} GiB memory; "
        f"Python {machine['python']}, ansible-core {machine['ansible_core']}, requests {machine['requests']}; "
        f"collection {info['collection']}.",
        f"- Load: load average {info['load_before']} at the start, {info['load_after']} at the end; background load: {load} "
        '(busy CPU time of the machine minus the measured processes and the simulator).',
        f'- Simulator: HTTPS, {settings.latency_ms:g} ms latency on every request (REST and IDP), PTZ tasks of '
        f'{settings.task_seconds:g} s, seed {settings.seed}; {info["fleet_cameras"]:,} cameras ({info["fleet_ptz"]:,} PTZ) for scenarios 1 '
        f'and 2, {settings.info_cameras:,} for scenario 3.',
        f'- Fleet settings: concurrency {settings.concurrency} (ptz_task, role, floor), forks {settings.forks} (inventory plugin and uri '
        f'baseline), role batches of {settings.batch_size}, polling every {settings.poll_interval:g} s (ptz_task\'s `wait_sleep`, whose '
        f'default is 1 s; the baseline\'s `delay` and the floor use the same). The uri baseline is measured up to N = {settings.baseline_max:,} and '
        'extrapolated above, in italics and marked.',
        '- Ansible at its defaults (empty ansible.cfg, default callback, no pipelining). Memory of the tree: the peak of the PSS '
        '(proportional set size: pages shared by forked workers split among them) summed over the command and all its descendants, '
        f'sampled every {settings.sample_interval:g} s, every {settings.sample_interval * PSS_EVERY:g} s for trees of more than '
        f'{PSS_ALWAYS_UP_TO} processes (results.json also has the RSS sum, sampled every '
        f'{settings.sample_interval:g} s, an upper bound); largest process: exact peak RSS of the largest single process '
        '(getrusage); CPU: user + system time of the whole tree.',
        '',
        '## Targets',
        '',
    ]
    lines += table(['target', 'measured', 'verdict', 'why'], [[x.name, x.measured, f'**{x.verdict}**', x.why] for x in info['targets']])
    lines += ['', '## 1. Fleet PTZ reset (DefaultPtzPreset on N PTZ cameras, every camera changes)', '']
    lines += table(['N', 'approach', 'wall (s)', 'HTTP requests', 'token grants', 'peak memory, tree (PSS, MiB)', 'largest process (MiB)',
                    'CPU (s)', 'peak requests in flight', 'background load (cores)'], fleet_rows(results, settings))
    lines += ['', 'Ratios of wall times (a/c below 1 means a is faster; the issue asks for a/c <= 1/20 and a/d <= 1.5):', '']
    lines += table(['N', 'a (ptz_task) / c (uri)', 'a (ptz_task) / d (floor)', 'a (role) / c', 'a (role) / d', 'b (inventory) / c',
                    'b / d'], ratio_rows(results, settings))
    extrapolated = [r for r in results if not r.measured]
    if extrapolated:
        lines += ['', 'Extrapolated rows: ' + '; '.join(sorted({f'{r.label}: {r.basis}' for r in extrapolated})) + '.']
    lines += ['', f'## 2. Event provisioning ({settings.events:,} user-defined events)', '']
    lines += table(RUN_COLUMNS,
                   simple_rows([r for r in results if r.scenario == 'events'], with_writes=True))
    lines += ['', f'## 3. camera_info over {settings.info_cameras:,} cameras', '']
    lines += table(['run', 'wall (s)', 'HTTP requests', 'token grants', 'peak memory, tree (PSS, MiB)', 'largest process (MiB)', 'CPU (s)',
                    'background load (cores)'],
                   simple_rows([r for r in results if r.scenario == 'camera_info'], with_writes=False))
    lines += ['', '## 4. Bulk property edit with the generic resource module', '']
    lines += table(RUN_COLUMNS,
                   simple_rows([r for r in results if r.scenario == 'resources'], with_writes=True))
    settings_rows = [r for r in results if r.scenario == 'settings']
    if settings_rows:
        lines += ['', f'## 5. Stream settings on {settings_rows[0].size:,} cameras with device_settings (1280x720 at 6 FPS, cameras that do '
                  'not offer it skipped)', '']
        lines += table(RUN_COLUMNS, simple_rows(settings_rows, with_writes=True))
    hardware_rows = [r for r in results if r.scenario == 'hardware']
    if hardware_rows:
        lines += ['', f'## 6. Hardware import of {hardware_rows[0].size:,} devices from a spreadsheet (hardware_import role, the driver '
                  'detected)', '']
        lines += table(RUN_COLUMNS, simple_rows(hardware_rows, with_writes=True))
    site_rows = [r for r in results if r.scenario == 'site']
    if site_rows:
        lines += ['', f'## 7. A whole site as code: {site_rows[0].size:,} cameras on {site_rows[0].size // 10:,} hardware, 200 events, '
                  '100 camera groups, 50 roles (export, and the site_config role with nothing to apply)', '']
        lines += table(RUN_COLUMNS, simple_rows(site_rows, with_writes=True))
    lines += ['', '## Reference: the fixed cost of Ansible on this machine', '']
    lines += table(['run', 'wall (s)', 'HTTP requests', 'token grants', 'peak memory, tree (PSS, MiB)', 'largest process (MiB)', 'CPU (s)',
                    'background load (cores)'],
                   simple_rows([r for r in results if r.scenario == 'reference'], with_writes=False))
    lines += ['', f'† background load above {NOISY_CORES:g} cores: the run competed with other work for the CPUs and its wall time is '
              'inflated.', '', '![benchmark plot](benchmark.png)', '']
    return '\n'.join(lines)


def update_docs(docs_path: str, results_md: str) -> bool:
    """Replace the generated part of docs/performance.md with ``results_md`` (headings one level down)."""
    with open(docs_path, encoding='utf-8') as handle:
        text = handle.read()
    if DOCS_BEGIN not in text or DOCS_END not in text:
        return False
    body = results_md.split('\n', 1)[1].lstrip('\n')  # the document's own title stays
    body = re.sub(r'^(#+) ', lambda match: '#' + match.group(1) + ' ', body, flags=re.MULTILINE)
    body = body.replace('](benchmark.png)', '](../bench/results/benchmark.png)')
    head, rest = text.split(DOCS_BEGIN, 1)
    tail = rest.split(DOCS_END, 1)[1]
    with open(docs_path, 'w', encoding='utf-8') as handle:
        handle.write(head + DOCS_BEGIN + '\n\n' + body.rstrip('\n') + '\n\n' + DOCS_END + tail)
    return True


# -- plot ----------------------------------------------------------------------------------------------

PLOT_STYLE = {
    A_MODULE: ('a. ptz_task', 'tab:blue', 'o'),
    A_ROLE: ('a. role', 'tab:cyan', 's'),
    B_INVENTORY: ('b. inventory + forks', 'tab:green', '^'),
    C_URI: ('c. uri baseline', 'tab:red', 'D'),
    D_FLOOR: ('d. floor', 'tab:gray', 'v'),
}


def plot(results: t.Sequence[Result], settings: Settings, path: str) -> None:
    """benchmark.png: fleet wall time and memory against N, event provisioning and camera_info bars."""
    import matplotlib  # pylint: disable=import-outside-toplevel  # the heavy import only when a plot is made
    matplotlib.use('Agg')  # offline, no display
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    from matplotlib import ticker  # pylint: disable=import-outside-toplevel

    # Log axes would print 10^0, 2x10^0...: plain numbers read better.
    plain = ticker.FuncFormatter(lambda value, _position: f'{value:,.4g}')

    figure, axes = plt.subplots(2, 2, figsize=(13, 9.5))
    wall_axis, memory_axis, events_axis, info_axis = axes[0][0], axes[0][1], axes[1][0], axes[1][1]
    for approach in FLEET_APPROACHES:
        label, colour, marker = PLOT_STYLE[approach]
        rows = sorted((r for r in results if r.scenario == 'fleet' and r.approach == approach and usable(r)), key=lambda r: r.size)
        measured = [r for r in rows if r.measured]
        if measured:
            wall_axis.plot([r.size for r in measured], [r.wall for r in measured], marker=marker, color=colour, label=label)
            memory_axis.plot([r.size for r in measured], [t.cast(int, r.peak_pss_tree) / MIB for r in measured], marker=marker, color=colour,
                             label=label)
        guessed = [r for r in rows if not r.measured]
        if guessed:
            bridge = measured[-1:] + guessed
            wall_axis.plot([r.size for r in bridge], [r.wall for r in bridge], linestyle='--', color=colour)
            wall_axis.plot([r.size for r in guessed], [r.wall for r in guessed], linestyle='none', marker=marker, markerfacecolor='white',
                           color=colour, label=f'{label} (extrapolated)')
    wall_axis.set(xscale='log', yscale='log', xlabel='cameras (N)', ylabel='wall time (s)',
                  title=f'Fleet PTZ reset: {settings.latency_ms:g} ms latency, {settings.task_seconds:g} s tasks')
    wall_axis.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    wall_axis.yaxis.set_major_formatter(plain)
    wall_axis.yaxis.set_minor_formatter(ticker.NullFormatter())
    wall_axis.grid(True, which='both', alpha=0.3)
    wall_axis.legend(fontsize=8)
    memory_axis.set(xscale='log', xlabel='cameras (N)', ylabel='peak memory of the process tree, PSS (MiB)', title='Fleet PTZ reset: memory')
    memory_axis.grid(True, alpha=0.3)
    memory_axis.legend(fontsize=8)
    for axis in (wall_axis, memory_axis):  # after set(xscale=...), which resets the tick locators
        axis.set_xticks(settings.sizes)
        axis.xaxis.set_major_formatter(plain)
        axis.xaxis.set_minor_locator(ticker.NullLocator())

    runs = ('first', 'noop', 'check')
    for offset, (approach, colour, name) in enumerate((('collection', 'tab:blue', 'user_defined_events role'), ('uri', 'tab:red', 'uri baseline'))):
        values = []
        for run in runs:
            result = find(results, 'events', approach, run=run)
            values.append(result.wall if usable(result) else 0.0)
        positions = [index + (offset - 0.5) * 0.38 for index in range(len(runs))]
        bars = events_axis.bar(positions, values, width=0.36, color=colour, label=name)
        events_axis.bar_label(bars, labels=[seconds(value) for value in values], fontsize=8)
    events_axis.set_xticks(range(len(runs)), ['first run', 'no-op second run', 'check mode'])
    events_axis.axhline(NOOP_TARGET, color='black', linestyle=':', linewidth=1, label=f'no-op target {NOOP_TARGET:g} s')
    events_axis.set(yscale='log', ylabel='wall time (s)', title=f'Event provisioning: {settings.events:,} events')
    events_axis.yaxis.set_major_formatter(plain)
    events_axis.yaxis.set_minor_formatter(ticker.NullFormatter())
    events_axis.legend(fontsize=8)

    info_rows = [r for r in results if r.scenario == 'camera_info' and usable(r)]
    bars = info_axis.bar(range(len(info_rows)), [r.wall for r in info_rows], color='tab:blue')
    info_axis.bar_label(bars, labels=[f'{seconds(r.wall)} s, {count(r.http_requests)} requests' for r in info_rows], fontsize=8)
    info_axis.set_xticks(range(len(info_rows)), [r.label for r in info_rows], fontsize=8)
    info_axis.set(ylabel='wall time (s)', title=f'camera_info over {settings.info_cameras:,} cameras')
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
