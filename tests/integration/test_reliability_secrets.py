# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets: every module and role at -vvvv, in check and diff mode, succeeding and failing in every way we can
provoke; no password and no access token may appear in the output, the results, any file the run writes, or
the simulator's request log.

The passwords are distinctive (quotes, colon, spaces, non-ASCII) and given through the environment, so the
playbook file itself holds none; tokens are found by shape (every XProtect token is a JWT).
"""

from __future__ import annotations

import os
import typing as t

import pytest
import trustme

from harness import run_playbook
from reliability import TASK_SECONDS, Site, find_secrets, has_traceback, wait_idle

from simulator.process import SimulatorProcess

PASSWORD = 'Zq7 "secret": pässwörd'
WRONG_PASSWORD = 'Wr0ng:Zq7 pässwörd'
VIEWER_PASSWORD = 'V1ewer\'s pässwörd!'
HARDWARE_PASSWORD = 'Hw-Zq7 "device" pässwörd'
CLIENT_SECRET = 'cl1ent-Zq7-secret-value'
BASIC_USER_PASSWORD = 'Bu-Zq7 "guard" pässwörd'
#: Passwords of devices on the simulated camera network (GET /_simulator/network) that are not the factory ones (AXIS's "pass"
#: would be found inside every "password"): a Hanwha camera's, and the gate cameras' (cam-gate.<recording server>.example).
HANWHA_PASSWORD = 'Hanwha-6080R'
GATE_PASSWORD = 'Gate-PTZ-7'
SECRETS = (PASSWORD, WRONG_PASSWORD, VIEWER_PASSWORD, HARDWARE_PASSWORD, CLIENT_SECRET, BASIC_USER_PASSWORD, HANWHA_PASSWORD, GATE_PASSWORD)

PLAYBOOK = '''
- hosts: localhost
  gather_facts: false
  vars:
    sim: "{{ lookup('env', 'XPROTECT_SERVER_URL') }}"
    wrong: "{{ lookup('env', 'RELIABILITY_WRONG_PASSWORD') }}"
    viewer: "{{ lookup('env', 'RELIABILITY_VIEWER_PASSWORD') }}"
    stale: "{{ lookup('env', 'RELIABILITY_STALE_TOKEN') }}"
    hardware_password: "{{ lookup('env', 'RELIABILITY_HARDWARE_PASSWORD') }}"
    client_secret: "{{ lookup('env', 'RELIABILITY_CLIENT_SECRET') }}"
    basic_user_password: "{{ lookup('env', 'RELIABILITY_BASIC_USER_PASSWORD') }}"
    hanwha_password: "{{ lookup('env', 'RELIABILITY_HANWHA_PASSWORD') }}"
    gate_password: "{{ lookup('env', 'RELIABILITY_GATE_PASSWORD') }}"
    ptz: {cameras: "{{ cameras }}", task: DefaultPtzPreset, preset: "{{ preset }}", wait_sleep: 0.05}
  module_defaults:
    ansible.builtin.uri:
      url: "{{ sim }}/_simulator/faults"
      method: POST
      body_format: json
      ca_path: "{{ lookup('env', 'XPROTECT_CA_PATH') }}"
  tasks:
    # -- every module and role succeeding ----------------------------------------------------------------------
    - name: ok login
      milestone.xprotect.login:
      register: session
    - name: ok events with the token
      milestone.xprotect.user_defined_events:
        access_token: "{{ session.access_token }}"
        events: [Door forced, {name: Panic pressed, previous_name: Panic button}]
        purge: true
    - {name: ok event, milestone.xprotect.user_defined_event: {name: Fire alarm}}
    - {name: ok info, milestone.xprotect.user_defined_event_info: {resources: true, definitions: true}}
    - {name: ok cameras, milestone.xprotect.camera_info: {ptz_only: true, include: [ptz_presets, ptz_tasks]}}
    - {name: ok ptz, milestone.xprotect.ptz_task: "{{ ptz }}"}
    - {name: ok ptz device, milestone.xprotect.ptz_task: {cameras: "{{ cameras }}", task: GetDevicePresets, wait_sleep: 0.05}}
    - {name: ok resource, milestone.xprotect.resource: {type: cameras, items: "{{ cameras }}", properties: {description: Secrets run}}}
    - {name: ok resource info, milestone.xprotect.resource_info: {type: cameras, include: [definitions]}}
    - name: ok task
      milestone.xprotect.task:
        {type: ptzPresets, parent: {type: cameras, id: "{{ cameras[0] }}"}, task: GetDevicePresets, parameters: {sessionDataId: 0}, wait_sleep: 0.05}
    - name: ok hardware password
      milestone.xprotect.task:
        type: hardware
        id: "{{ hardware }}"
        task: ChangePasswordHardware
        parameters: {password: "{{ hardware_password }}", updatePasswordOnDevice: false}
        wait_sleep: 0.05
    - name: ok client secret
      milestone.xprotect.resource: {type: loginProviders, name: Secret IdP, properties: {clientSecret: "{{ client_secret }}"}}
    - name: ok basic user
      milestone.xprotect.basic_user: {name: secrets.guard, user_password: "{{ basic_user_password }}", update_password: always}
    # The exported files hold a placeholder for each password and client secret, never a value.
    - name: ok site export
      milestone.xprotect.site_export: {dest: "{{ out }}/site", types: [basicUsers, loginProviders, matrix]}
    # Two adds (the first with its driver detected: the scan's result holds the password that worked), a password set with
    # ChangePasswordHardware and a ReplaceHardware, each with its own password.
    - name: ok hardware
      milestone.xprotect.hardware:
        recording_server: XPRS01
        update_password: always
        wait_sleep: 0.05
        items:
          - {address: 192.0.2.13, username: admin, password: "{{ hanwha_password }}", name: Dock}
          - {address: cam-gate.xprs01.example, driver: 10, username: root, password: "{{ gate_password }}"}
          - {address: 10.1.0.14, password: "{{ hardware_password }}"}
          - {address: cam-gate.xprs02.example, replaces: 10.1.0.16, driver: 10, username: root, password: "{{ gate_password }}"}
        report: {path: "{{ out }}/hardware-report", name: ok}
    - name: ok events role
      ansible.builtin.import_role: {name: milestone.xprotect.user_defined_events}
      vars: {user_defined_events_list: [Door forced, Tamper alarm]}
    - name: ok ptz role
      ansible.builtin.import_role: {name: milestone.xprotect.ptz_preset_reset}
      vars:
        ptz_preset_reset_cameras: "{{ cameras }}"
        ptz_preset_reset_preset: "{{ preset }}"
        ptz_preset_reset_wait_sleep: 0.05
        ptz_preset_reset_summary_file: "{{ out }}/ptz-summary.json"

    # -- every module and role failing, and every kind of failure at least once -------------------------------
    - {name: fail login wrong password, milestone.xprotect.login: {password: "{{ wrong }}"}, ignore_errors: true}
    - {name: fail login without user, milestone.xprotect.login: {username: null, access_token: "{{ stale }}"}, ignore_errors: true}
    - {name: fail cameras stale token, milestone.xprotect.camera_info: {access_token: "{{ stale }}", username: null, password: null},
       ignore_errors: true}
    - {name: fail cameras token with a line break, milestone.xprotect.camera_info: {access_token: "{{ stale }}\\nmore"}, ignore_errors: true}
    - {name: fail cameras wrong CA, milestone.xprotect.camera_info: {ca_path: "{{ wrong_ca }}"}, ignore_errors: true}
    - {name: fail event blank, milestone.xprotect.user_defined_event: {name: "   ", password: "{{ wrong }}"}, ignore_errors: true}
    - {name: fail info bad id, milestone.xprotect.user_defined_event_info: {id: nope}, ignore_errors: true}
    - {name: fail ptz no preset, milestone.xprotect.ptz_task: {cameras: "{{ cameras }}", task: DefaultPtzPreset}, ignore_errors: true}
    - name: fail resource wrong password
      milestone.xprotect.resource: {type: cameras, items: "{{ cameras }}", password: "{{ wrong }}"}
      ignore_errors: true
    - name: fail task secret with an unknown parameter
      milestone.xprotect.task:
        type: hardware
        id: "{{ hardware }}"
        task: ChangePasswordHardware
        parameters: {password: "{{ hardware_password }}", nope: 1}
      ignore_errors: true
    - name: fail client secret unknown field
      milestone.xprotect.resource: {type: loginProviders, name: Secret IdP, properties: {clientSecret: "{{ client_secret }}", secrett: 1}}
      ignore_errors: true
    - name: fail basic user blank name
      milestone.xprotect.basic_user: {name: "  ", user_password: "{{ basic_user_password }}"}
      ignore_errors: true
    # The encoder refuses the password; the camera that is switched off is looked for with a network scan, whose results hold
    # the gate camera's password (it takes the credentials given); the test armed ChangePasswordHardware and ReplaceHardware
    # to end in Error on the last two.
    - name: fail hardware
      milestone.xprotect.hardware:
        recording_server: XPRS01
        update_password: always
        hardware_password: "{{ wrong }}"
        failure_tolerance: 3
        wait_sleep: 0.05
        items:
          - {address: 192.0.2.12, username: root}
          - {address: 192.0.2.15, username: root, password: "{{ gate_password }}"}
          - {address: 10.1.0.18, password: "{{ hardware_password }}"}
          - {address: 198.51.100.13, replaces: 10.1.0.20, driver: 20, username: admin, password: "{{ hanwha_password }}"}
        report: {path: "{{ out }}/hardware-report", name: failed}
      ignore_errors: true
    - name: fail hardware info credentials in the address
      milestone.xprotect.hardware_info: {address: ["http://admin:{{ hanwha_password }}@192.0.2.13/"]}
      ignore_errors: true
    - name: viewer events
      milestone.xprotect.user_defined_events: {events: [Viewer event], username: viewer, password: "{{ viewer }}"}
      ignore_errors: true
    - name: fail roles wrong password
      module_defaults: {group/milestone.xprotect.api_gateway: {password: "{{ wrong }}"}}
      block:
        - ansible.builtin.import_role: {name: milestone.xprotect.user_defined_events}
          vars: {user_defined_events_list: [Door forced]}
      rescue:
        - ansible.builtin.import_role: {name: milestone.xprotect.ptz_preset_reset}
          vars: {ptz_preset_reset_cameras: "{{ cameras }}", ptz_preset_reset_preset: "{{ preset }}"}
          ignore_errors: true
    - {name: arm 500, ansible.builtin.uri: {body: {fail_rate: 1.0, status: 500}}, check_mode: false}
    - {name: fail events 500, milestone.xprotect.user_defined_events: {events: [Y]}, ignore_errors: true}
    - {name: fail ptz 500, milestone.xprotect.ptz_task: "{{ ptz }}", ignore_errors: true}
    - {name: arm latency, ansible.builtin.uri: {body: {fail_rate: 0, latency_ms: 1200}}, check_mode: false}
    - {name: fail info timeout, milestone.xprotect.user_defined_event_info: {timeout: 0.4, retries: 0}, ignore_errors: true}
    - {name: arm task error, ansible.builtin.uri: {body: {clear: true, task_outcome: error}}, check_mode: false}
    - {name: fail ptz task error, milestone.xprotect.ptz_task: "{{ ptz | combine({'preset': other_preset}) }}", ignore_errors: true}
    - {name: disarm, ansible.builtin.uri: {body: {clear: true}}, check_mode: false}
'''

#: Module tasks that must fail, in check mode and in apply mode.
FAILING = ('fail login wrong password', 'fail login without user', 'fail cameras stale token', 'fail cameras token with a line break',
           'fail cameras wrong CA', 'fail event blank', 'fail info bad id', 'fail ptz no preset', 'fail events 500', 'fail ptz 500',
           'fail info timeout', 'fail resource wrong password', 'fail task secret with an unknown parameter',
           'fail client secret unknown field', 'fail basic user blank name', 'fail hardware info credentials in the address')
#: Only in apply mode: check mode writes and invokes nothing, so there is nothing to refuse or to fail.
FAILING_WHEN_APPLIED = ('viewer events', 'fail ptz task error', 'fail hardware')
#: The first module task of each role: it passes in the "ok" run of the role and fails with the wrong password.
ROLE_MODULE_TASKS = ("Apply the site's user-defined events", 'Read the PTZ cameras')


@pytest.fixture(scope='module')
def sim() -> t.Iterator[SimulatorProcess]:
    with SimulatorProcess('--task-seconds', TASK_SECONDS, '--user', f'secrets:{PASSWORD}', '--user', f'viewer:{VIEWER_PASSWORD}:operator') as process:
        yield process


def scan(run: t.Any, folder: str, sim: SimulatorProcess, stale: str) -> list[str]:
    """Every place a secret shows up: output, files written by the run (results, log, role summary), request log."""
    places = {'stdout': run.stdout, 'stderr': run.stderr}
    places.update({f'file {name}': text for name, text in run.files.items()})
    for base, _dirs, names in os.walk(folder):
        for name in names:
            with open(os.path.join(base, name), encoding='utf-8', errors='replace') as handle:
                places[f'file {name}'] = handle.read()
    places['request log'] = repr(sim.requests_log())
    return [f'{place}: {leak}' for place, text in places.items() for leak in find_secrets(text, SECRETS + (stale,))]


@pytest.mark.parametrize('check', [True, False], ids=['check-diff', 'apply-diff'])
def test_no_secret_in_output_results_files_or_logs(sim: SimulatorProcess, tmp_path: t.Any, check: bool) -> None:
    sim.reset()
    sim.api('POST', '/userDefinedEvents', {'name': 'Panic button'})
    site = Site.read(sim)
    devices = {device['address']: device for server in sim.request('GET', '/_simulator/network')[1]['recordingServers']
               for device in server['devices']}
    seen = tuple(devices[host]['password'] for host in ('192.0.2.13', 'cam-gate.xprs01.example', 'cam-gate.xprs02.example', '198.51.100.13'))
    assert seen == (HANWHA_PASSWORD, GATE_PASSWORD, GATE_PASSWORD, HANWHA_PASSWORD)
    others = [preset['name'] for preset in sim.api('GET', f'/cameras/{site.default_cameras[0]}/ptzPresets')[1]['array']
              if preset['name'] != site.default_preset]
    stale = sim.token('secrets', PASSWORD)
    sim.faults(expire_tokens=True, task_outcomes={hw['id']: 'error' for hw in sim.api('GET', '/hardware?disabled')[1]['array']
                                                  if hw['address'] in ('http://10.1.0.18/', 'http://10.1.0.20/')})
    out = tmp_path / 'out'
    out.mkdir()
    wrong_ca = tmp_path / 'wrong-ca.pem'
    trustme.CA().cert_pem.write_to_path(str(wrong_ca))
    env = {'XPROTECT_USERNAME': 'secrets', 'XPROTECT_PASSWORD': PASSWORD, 'XPROTECT_RETRIES': '1',
           'RELIABILITY_WRONG_PASSWORD': WRONG_PASSWORD, 'RELIABILITY_VIEWER_PASSWORD': VIEWER_PASSWORD, 'RELIABILITY_STALE_TOKEN': stale,
           'RELIABILITY_HARDWARE_PASSWORD': HARDWARE_PASSWORD, 'RELIABILITY_CLIENT_SECRET': CLIENT_SECRET,
           'RELIABILITY_BASIC_USER_PASSWORD': BASIC_USER_PASSWORD,
           'RELIABILITY_HANWHA_PASSWORD': HANWHA_PASSWORD, 'RELIABILITY_GATE_PASSWORD': GATE_PASSWORD,
           'ANSIBLE_LOG_PATH': str(out / 'ansible.log')}
    extra = {'cameras': site.default_cameras[:1], 'preset': site.default_preset, 'other_preset': others[0], 'out': str(out),
             'wrong_ca': str(wrong_ca), 'hardware': sim.api('GET', '/hardware')[1]['array'][0]['id']}
    run = run_playbook(sim, PLAYBOOK, check=check, diff=True, verbosity=4, extra_vars=extra, env=env)
    wait_idle(sim)

    for record in run.results:
        name = record['task']
        if record['action'].startswith('milestone.xprotect.') and name not in ROLE_MODULE_TASKS:
            should_fail = name in FAILING or (not check and name in FAILING_WHEN_APPLIED)
            assert (record['status'] == 'failed') == should_fail, (name, record['result'])
        assert not has_traceback(record['result']), (name, record['result'])
    for name in ROLE_MODULE_TASKS:
        assert [record['status'] for record in run.records(name)] == ['ok', 'failed'], name
    assert {'ok login', 'fail login wrong password'} <= {record['task'] for record in run.results}
    assert (out / 'ansible.log').stat().st_size > 0 and (out / 'ptz-summary.json').exists()
    # the hardware reports, scanned below with every other file the run wrote
    assert sorted(os.listdir(out / 'hardware-report')) == ['failed.csv', 'failed.md', 'ok.csv', 'ok.md']
    hardware = run.result('ok hardware')['totals']
    assert (hardware['added'], hardware['updated'], hardware['replaced']) == (2, 1, 1), hardware
    failed = {entry['address']: entry['error'] for entry in run.result('fail hardware')['hardware']}
    if not check:
        assert 'refused the user name "root"' in failed['http://192.0.2.12/'] and 'cannot be reached' in failed['http://192.0.2.15/']
        assert 'VMO61002' in failed['http://10.1.0.18/'] and 'VMO61002' in failed['http://198.51.100.13/'], failed
    assert 'Traceback' not in run.output, run.explain()
    leaks = scan(run, str(out), sim, stale)
    assert not leaks, leaks
