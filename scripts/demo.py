# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo: the collection's playbooks doing their real work against the XProtect simulator.

Run through ``make demo`` (which prepares the environment and ANSIBLE_COLLECTIONS_PATH). It starts the
simulator (HTTPS with its own CA, 120 cameras, 29 of them PTZ (28 enabled), 0.5 s PTZ tasks), runs the
collection's playbooks in the order a site would, prints each command (shell-quoted, ready to paste) and
what each step did on the server (from the simulator's counters), and stops the simulator. Exit status 0
only if every step did what it should.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shlex
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from simulator.process import SimulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
DEFAULT_CAMERAS = '120'
DEFAULT_TASK_SECONDS = '0.5'


@dataclasses.dataclass
class Step:
    title: str
    playbook: str
    args: tuple[str, ...] = ()
    #: What the step must show on the server: None = anything, 0 = no write at all.
    expect_writes: int | None = None


def simulator_args(cameras: str = DEFAULT_CAMERAS, task_seconds: str = DEFAULT_TASK_SECONDS) -> tuple[str, ...]:
    """The simulator's switches for the demo (its site: cameras, task time, a little latency)."""
    return ('--cameras', cameras, '--task-seconds', task_seconds, '--latency-ms', '5')


def steps(report_dir: str) -> list[Step]:
    events = os.path.join(ROOT, 'playbooks', 'vars', 'site_events.yml')
    change = os.path.join(ROOT, 'playbooks', 'vars', 'site_events_change.yml')
    return [
        Step('Provision the site\'s user-defined events from playbooks/vars/site_events.yml', 'provision_events',
             ('-e', f'@{events}')),
        Step('Run the same provisioning again: nothing to change, no write', 'provision_events', ('-e', f'@{events}'),
             expect_writes=0),
        Step('Change request: review it first (check mode + diff, nothing is written)', 'change_managed_events',
             ('-e', f'@{change}', '--diff'), expect_writes=0),
        Step('Apply the reviewed change (and verify it is exactly what was reviewed)', 'change_managed_events',
             ('-e', f'@{change}', '-e', 'approve=true')),
        Step('Fleet PTZ: re-read the presets of every PTZ camera from its device', 'ptz_fleet_reset',
             ('-e', 'ptz_job=refresh_from_devices', '-e', 'ptz_patterns=*')),
        # ansible-playbook splits -e key=value at spaces, hence the inner quotes around a name with a space.
        Step("Fleet PTZ: make 'Preset 1' the default preset wherever the camera has it", 'ptz_fleet_reset',
             ('-e', 'ptz_preset="Preset 1"', '-e', 'ptz_patterns=*')),
        Step('Camera and PTZ inventory report', 'camera_report', ('-e', f'camera_report_dir={report_dir}')),
    ]


def banner(text: str) -> None:
    line = '=' * min(100, max(60, len(text) + 4))
    print(f'\n{line}\n  {text}\n{line}', flush=True)


def shown_command(step: Step) -> str:
    """The step's command line as a shell takes it: pasted into a shell it runs exactly what the demo runs."""
    return shlex.join(['ansible-playbook', f'milestone.xprotect.{step.playbook}', *step.args])


def run_step(step: Step, sim: SimulatorProcess, env: dict[str, str]) -> tuple[int, float, dict, dict]:
    before = sim.stats()
    started = time.monotonic()
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), f'milestone.xprotect.{step.playbook}', *step.args]
    print('$ ' + shown_command(step), flush=True)
    completed = subprocess.run(command, env=env, check=False)
    elapsed = time.monotonic() - started
    after = sim.stats()
    delta = {method: after['requests'][method] - before['requests'][method] for method in after['requests']}
    grants = after['token_grants'] - before['token_grants']
    return completed.returncode, elapsed, delta, {'token_grants': grants}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cameras', default=DEFAULT_CAMERAS, help=f'cameras in the simulator (default {DEFAULT_CAMERAS})')
    parser.add_argument('--task-seconds', default=DEFAULT_TASK_SECONDS,
                        help=f'duration of a simulated PTZ task (default {DEFAULT_TASK_SECONDS})')
    args = parser.parse_args()

    report_dir = tempfile.mkdtemp(prefix='xprotect-demo-report-')
    sim = SimulatorProcess(*simulator_args(args.cameras, args.task_seconds))
    banner(f'Starting the XProtect API Gateway simulator ({args.cameras} cameras, HTTPS with its own CA)')
    sim.start()
    print(f'listening on {sim.url}', flush=True)
    env = dict(os.environ)
    env.update({
        'XPROTECT_SERVER_URL': sim.url,
        'XPROTECT_USERNAME': 'admin',
        'XPROTECT_PASSWORD': 'admin',
        'XPROTECT_CA_PATH': sim.ca_file or '',
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_CALLBACK_RESULT_FORMAT': 'yaml',
        'ANSIBLE_DISPLAY_SKIPPED_HOSTS': 'false',
        'ANSIBLE_RETRY_FILES_ENABLED': 'false',
    })
    env.setdefault('ANSIBLE_PYTHON_INTERPRETER', sys.executable)
    rows = []
    failed = False
    started = time.monotonic()
    try:
        for number, step in enumerate(steps(report_dir), start=1):
            banner(f'{number}. {step.title}')
            rc, elapsed, delta, extra = run_step(step, sim, env)
            writes = sum(delta[method] for method in WRITES)
            ok = rc == 0 and (step.expect_writes is None or writes == step.expect_writes)
            failed = failed or not ok
            rows.append((number, step.playbook, 'ok' if ok else f'FAILED (rc={rc}, writes={writes})', elapsed,
                         delta['GET'], writes, extra['token_grants']))
            if not ok:
                break
        report = os.path.join(report_dir, 'camera_report.md')
        if os.path.exists(report):
            banner(f'The report ({report}), first lines')
            with open(report, encoding='utf-8') as handle:
                print(''.join(handle.readlines()[:12]))
    finally:
        sim.stop()
    banner(f'Summary: what each step sent to the server ({time.monotonic() - started:.1f} s in all)')
    print(f"{'step':<4} {'playbook':<24} {'result':<28} {'seconds':>7} {'GETs':>6} {'writes':>6} {'logins':>6}")
    for number, playbook, result, elapsed, gets, writes, grants in rows:
        print(f'{number:<4} {playbook:<24} {result:<28} {elapsed:7.1f} {gets:6} {writes:6} {grants:6}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
