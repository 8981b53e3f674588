# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault families of the matrix (test_reliability_faults.py) through real ``ansible-playbook`` runs.

One playbook meets every family (auth, throttling, server errors, transport, slowness, outage, tasks) and uses
every module; the faults are armed by ``uri`` tasks right before the task they are meant for. A second run
without faults must finish what the first could not, and nothing may exist twice.
"""

from __future__ import annotations

import os
import threading
import time
import typing as t

import pytest

from harness import run_playbook
from reliability import (
    PASSWORD,
    TASK_SECONDS,
    USERNAME,
    OutageProxy,
    Site,
    find_secrets,
    has_traceback,
    open_task_ids,
    tasks_created,
    user_event_names,
)

from simulator.process import SimulatorProcess


@pytest.fixture(scope='module')
def env() -> t.Iterator[tuple[SimulatorProcess, OutageProxy, Site]]:
    """A simulator with the reliability user, the outage proxy in front of it, and the seed cameras."""
    sim = SimulatorProcess('--task-seconds', TASK_SECONDS, '--user', f'{USERNAME}:{PASSWORD}').start()
    proxy = OutageProxy(sim.port).start()
    try:
        yield sim, proxy, Site.read(sim)
    finally:
        proxy.stop()
        sim.stop()


FAMILIES_PLAYBOOK = '''
- hosts: localhost
  gather_facts: false
  vars:
    sim: "{{ lookup('env', 'XPROTECT_SERVER_URL') }}"
    arm: true
  module_defaults:
    ansible.builtin.uri:
      url: "{{ sim }}/_simulator/faults"
      method: POST
      body_format: json
      ca_path: "{{ lookup('env', 'XPROTECT_CA_PATH') }}"
  tasks:
    # outage: the server goes away when the login starts (the test watches for the marker) and comes back.
    - name: mark
      ansible.builtin.file: {path: "{{ marker }}", state: touch, mode: "0600"}
      when: arm
    - name: login
      milestone.xprotect.login: {server_url: "{{ proxy_url }}", retries: 5}
      register: session

    # auth: every token expires; the token from login is refused and the credentials get a new one.
    # server error: the first create is answered 502 although the server created the event.
    - name: arm expiry and 502
      ansible.builtin.uri: {body: {expire_tokens: true, fail_next: 1, status: 502, after: true, match: {method: POST, path: "/userDefinedEvents$"}}}
      when: arm
    - name: events
      milestone.xprotect.user_defined_events:
        access_token: "{{ session.access_token }}"
        events: [Door forced, Panic button, Fire alarm]
      ignore_errors: true

    # auth: a stale token on the camera listing.
    - {name: arm 401, ansible.builtin.uri: {body: {fail_next: 1, status: 401, match: {method: GET, path: "/cameras\\\\?"}}}, when: arm}
    - {name: cameras, milestone.xprotect.camera_info: {ptz_only: true}, ignore_errors: true}

    # throttling: the create is answered 429 with Retry-After: 1.
    - {name: arm 429, ansible.builtin.uri: {body: {fail_next: 1, status: 429, retry_after: 1, match: {method: POST, path: "/userDefinedEvents$"}}},
       when: arm}
    - {name: event, milestone.xprotect.user_defined_event: {name: Tamper alarm}, ignore_errors: true}

    # slowness: the server takes longer than the client waits.
    - {name: arm latency, ansible.builtin.uri: {body: {latency_ms: 1500}}, when: arm}
    - {name: info, milestone.xprotect.user_defined_event_info: {name: Door forced, timeout: 0.5, retries: 0}, ignore_errors: true}

    # transport: the invocation is processed but its answer is lost.
    - name: disarm latency, arm reset
      ansible.builtin.uri: {body: {latency_ms: null, reset_next: 1, after: true, match: {method: POST, path: "ptzPresets\\\\?task="}}}
      when: arm
    - name: ptz lost answer
      milestone.xprotect.ptz_task: {cameras: ["{{ camera_a }}"], task: DefaultPtzPreset, preset: "{{ preset }}", wait_sleep: 0.05}
      ignore_errors: true

    # tasks: the device fails the task.
    - {name: arm task error, ansible.builtin.uri: {body: {task_outcome: error}}, when: arm}
    - name: ptz task error
      milestone.xprotect.ptz_task: {cameras: ["{{ camera_b }}"], task: DefaultPtzPreset, preset: "{{ preset }}", wait_sleep: 0.05}
      ignore_errors: true
'''

#: Task -> (outcome of the faulted run, text its failure message must contain).
FAMILY_EXPECTATIONS = {
    'login': ('ok', ''),
    'events': ('ok', ''),
    'cameras': ('ok', ''),
    'event': ('ok', ''),
    'info': ('failed', 'did not answer within 0.5 s'),
    'ptz lost answer': ('ok', ''),
    'ptz task error': ('failed', 'VMO61002'),
}


def watch_marker(path: str, proxy: OutageProxy, seconds: float, stop: threading.Event) -> None:
    """Take the server away as soon as the playbook touched ``path``: its next task (the login) meets the outage."""
    while not stop.is_set():
        if os.path.exists(path):
            proxy.outage(seconds)
            return
        time.sleep(0.01)


def test_playbook_runs_meet_every_fault_family_and_a_rerun_converges(env: tuple[SimulatorProcess, OutageProxy, Site], tmp_path: t.Any) -> None:
    sim, proxy, site = env
    sim.reset()
    marker = str(tmp_path / 'marker')
    stop = threading.Event()
    watcher = threading.Thread(target=watch_marker, args=(marker, proxy, 1.0, stop), daemon=True)
    watcher.start()
    extra = {'marker': marker, 'proxy_url': proxy.url(), 'camera_a': site.default_cameras[0], 'camera_b': site.default_cameras[1],
             'preset': site.default_preset}
    credentials = {'XPROTECT_USERNAME': USERNAME, 'XPROTECT_PASSWORD': PASSWORD, 'XPROTECT_RETRIES': '3'}
    try:
        first = run_playbook(sim, FAMILIES_PLAYBOOK, extra_vars=extra, env=credentials)
    finally:
        stop.set()
        proxy.wait_until_back()
    assert os.path.exists(marker), first.explain()
    assert 'Traceback' not in first.output and 'MODULE FAILURE' not in first.output, first.explain()
    assert not find_secrets(first.output, [PASSWORD], tokens=True), 'a secret was printed'
    for task, (outcome, text) in FAMILY_EXPECTATIONS.items():
        record = first.records(task)[-1]
        assert record['status'] == outcome, (task, record['result'].get('msg'))
        if outcome == 'failed':
            assert text in record['result']['msg'] and not has_traceback(record['result']), (task, record['result'])
    assert first.result('events')['created'] == ['Door forced', 'Fire alarm', 'Panic button']
    assert user_event_names(sim) == ['Door forced', 'Fire alarm', 'Panic button', 'Tamper alarm'], 'nothing is created twice'
    assert tasks_created(sim, site.probe_camera) == 2, 'one task per camera, although an answer was lost'
    assert not open_task_ids(sim)

    sim.faults(clear=True)
    second = run_playbook(sim, FAMILIES_PLAYBOOK, extra_vars=dict(extra, arm=False), env=credentials)
    assert second.rc == 0, second.explain()
    changed = {task for task in FAMILY_EXPECTATIONS if second.result(task)['changed']}
    assert changed == {'ptz task error'}, 'the re-run only finishes what failed'
    assert user_event_names(sim) == ['Door forced', 'Fire alarm', 'Panic button', 'Tamper alarm']
    assert not open_task_ids(sim)
