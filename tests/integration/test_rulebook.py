# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The example rulebook milestone.xprotect.door_forced, end to end, with the real ansible-rulebook against the simulator.

"Door forced" is triggered with milestone.xprotect.event_trigger; the rulebook's source receives it over the
WebSocket, its rule runs the playbook milestone.xprotect.door_forced_response, which turns the PTZ cameras of the
group "PTZ cameras" that have a preset "Door" to it (ptz_task Goto) and raises an alarm. What happened is read from
the simulator: the Goto requests in its log and the alarm in its alarm list.

ansible-rulebook (with drools-jpy and a Java 17 runtime) lives in its own environment, tests/requirements/eda.txt:
``XPROTECT_EDA_VENV`` names it (default ``.venvs/eda``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import typing as t

import pytest
import yaml

from harness import ROOT, collections_path, run_playbook
from test_events_api import play, task

GROUP = 'PTZ cameras'
PASSWORD = 'Eda-S3cret-42'


def eda_bin() -> str:
    venv = os.environ.get('XPROTECT_EDA_VENV') or os.path.join(ROOT, '.venvs', 'eda')
    return os.path.join(venv, 'bin')


def require_rulebook() -> str:
    bindir = eda_bin()
    if not os.path.exists(os.path.join(bindir, 'ansible-rulebook')):
        pytest.fail(f'ansible-rulebook is not installed in {bindir}: make test sets it up (python3 scripts/dev.py test); by hand, '
                    'pip install -r tests/requirements/eda.txt into it')
    if shutil.which('java') is None and not os.environ.get('JAVA_HOME'):
        pytest.fail('ansible-rulebook needs a Java 17 runtime: make test installs it where it may (apt-get install -y openjdk-17-jre-headless)')
    return bindir


def wait_for(what: str, check: t.Callable[[], t.Any], timeout: float, process: subprocess.Popen, log: str) -> t.Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if process.poll() is not None:
            break
        time.sleep(0.3)
    with open(log, encoding='utf-8', errors='replace') as handle:
        output = handle.read()
    raise AssertionError(f'{what}: not within {timeout:g} s (ansible-rulebook exit {process.poll()}):\n{output[-6000:]}')


def test_door_forced_points_the_ptz_cameras_at_the_door_and_raises_an_alarm(simulator_factory, tmp_path):
    bindir = require_rulebook()
    sim = simulator_factory('--cameras', '40', '--task-seconds', '0.2', '--user', f'eda:{PASSWORD}')
    assert sim.api('POST', '/userDefinedEvents', {'name': 'Door forced'})[0] == 201
    status, group = sim.api('GET', '/cameraGroups')
    group_id = next(item['id'] for item in group['array'] if item['name'] == GROUP)
    members = sim.api('GET', f'/cameraGroups/{group_id}/cameras')[1]['array']
    door_presets = {}
    for camera in members[:3]:
        status, created = sim.api('POST', f"/cameras/{camera['id']}/ptzPresets", {'name': 'Door', 'pan': 0.5, 'tilt': 0.1, 'zoom': 0.2})
        assert status == 201, created
        door_presets[camera['id']] = created['result']['id']
    for camera in members:  # the seed may give a camera a preset "Door" of its own
        for preset in sim.api('GET', f"/cameras/{camera['id']}/ptzPresets")[1]['array']:
            if preset['name'] == 'Door':
                door_presets[camera['id']] = preset['id']
    assert len(members) > len(door_presets), 'some cameras of the group have no preset Door'

    inventory = tmp_path / 'inventory.yml'
    inventory.write_text(yaml.safe_dump({'all': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': os.path.join(bindir, 'python')}}}}), encoding='utf-8')
    log = str(tmp_path / 'rulebook.log')
    env = {key: value for key, value in os.environ.items() if not key.startswith(('XPROTECT_', 'VIRTUAL_ENV', 'PYTHON'))}
    env.update({
        'PATH': bindir + os.pathsep + env.get('PATH', ''),  # ansible-rulebook wants ansible-galaxy on PATH
        'ANSIBLE_COLLECTIONS_PATH': collections_path(),
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_HOME': str(tmp_path / 'ansible-home'),
        'XPROTECT_SERVER_URL': sim.url, 'XPROTECT_USERNAME': 'eda', 'XPROTECT_PASSWORD': PASSWORD, 'XPROTECT_CA_PATH': sim.ca_file,
    })
    with open(log, 'w', encoding='utf-8') as output:
        process = subprocess.Popen([os.path.join(bindir, 'ansible-rulebook'), '-r', 'milestone.xprotect.door_forced', '-i', str(inventory)],
                                   cwd=str(tmp_path), env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        def subscribed() -> bool:
            sessions = sim.request('GET', '/_simulator/ws')[1]['sessions']
            return any(session['connected'] and session['subscriptions'] for session in sessions)

        wait_for('the rulebook subscribed', subscribed, 90, process, log)
        started = time.monotonic()
        trigger = run_playbook(sim, play(task('door forced', 'event_trigger', event='Door forced')))
        assert trigger.rc == 0, trigger.explain()
        event_id = trigger.result('door forced')['event']['id']

        def raised() -> list[dict[str, t.Any]]:
            return [alarm for alarm in sim.api('GET', '/alarms')[1]['array'] if alarm['name'] == 'Door forced']

        alarms = wait_for('the alarm was raised', raised, 120, process, log)
        reaction = time.monotonic() - started
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    gotos = {entry['path'] for entry in sim.requests_log(kind='rest') if entry['method'] == 'POST' and entry['query'] == 'task=Goto'}
    assert gotos == {f'/api/rest/v1/cameras/{camera}/ptzPresets/{preset}' for camera, preset in door_presets.items()}
    assert len(alarms) == 1 and alarms[0]['priorityName'] == 'High'
    assert 'Door forced at' in alarms[0]['message'] and f'{len(door_presets)} PTZ camera(s) turned to Door' in alarms[0]['message']
    with open(log, encoding='utf-8', errors='replace') as handle:
        output = handle.read()
    assert PASSWORD not in output
    assert event_id
    sys.stderr.write(f'door forced -> cameras turned and alarm raised in {reaction:.1f} s\n')
