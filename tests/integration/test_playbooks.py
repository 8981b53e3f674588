# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's playbooks and roles, run as users run them (ansible-playbook milestone.xprotect.<name>)."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from harness import ROOT, run_playbook

CHANGE = os.path.join(ROOT, 'playbooks', 'vars', 'site_events_change.yml')
EVENTS = os.path.join(ROOT, 'playbooks', 'vars', 'site_events.yml')


def event_names(sim):
    status, body = sim.api('GET', '/userDefinedEvents')
    assert status == 200
    return sorted(event['name'] for event in body['array'] if event.get('subtype') == 'UserDefined')


def writes(stats):
    return sum(stats['requests'][method] for method in ('POST', 'PUT', 'PATCH', 'DELETE'))


def test_provision_events_converges_and_the_second_run_is_a_no_op(simulator):
    first = run_playbook(simulator, 'milestone.xprotect.provision_events', args=['-e', f'@{EVENTS}'])
    assert first.rc == 0, first.explain()
    assert len(event_names(simulator)) == 12
    simulator.reset(stats_only=True)
    second = run_playbook(simulator, 'milestone.xprotect.provision_events', args=['-e', f'@{EVENTS}'])
    assert second.rc == 0, second.explain()
    assert not second.result("Apply the site's user-defined events")['changed']
    stats = simulator.stats()
    assert writes(stats) == 0 and stats['requests']['GET'] == 1 and stats['token_grants'] == 1, stats


def test_change_managed_run_reviews_without_writing_then_applies_exactly_the_plan(simulator):
    # the site as provision_events leaves it (its test above), set up through the API
    with open(EVENTS, encoding='utf-8') as handle:
        for name in yaml.safe_load(handle)['site_events']:
            status, body = simulator.api('POST', '/userDefinedEvents', {'name': name})
            assert status == 201, body
    simulator.reset(stats_only=True)
    review = run_playbook(simulator, 'milestone.xprotect.change_managed_events', args=['-e', f'@{CHANGE}'], diff=True)
    assert review.rc == 0, review.explain()
    assert writes(simulator.stats()) == 0, 'the review must not write'
    plan = review.result('Plan the change (check mode, nothing is written)')
    assert plan['created'] == ['Gas leak'] and plan['deleted'] == ['Evacuation drill']
    assert [(r['previous_name'], r['name']) for r in plan['renamed']] == [('Panic button', 'Panic button pressed')]
    assert '+Gas leak' in review.stdout and '-Evacuation drill' in review.stdout
    assert review.records('Apply the change')[0]['status'] == 'skipped'

    applied = run_playbook(simulator, 'milestone.xprotect.change_managed_events', args=['-e', f'@{CHANGE}', '-e', 'approve=true'])
    assert applied.rc == 0, applied.explain()
    assert applied.result('The applied change is the reviewed one')['msg'] == 'Applied exactly the reviewed change.'
    names = event_names(simulator)
    assert 'Gas leak' in names and 'Panic button pressed' in names and 'Evacuation drill' not in names and len(names) == 12


def test_fleet_reset_playbook_refreshes_every_ptz_camera_and_cleans_up(simulator):
    simulator.faults(task_seconds=0.2)
    run = run_playbook(simulator, 'milestone.xprotect.ptz_fleet_reset', args=['-e', 'ptz_job=refresh_from_devices', '-e', 'ptz_patterns=*'])
    assert run.rc == 0, run.explain()
    summary = run.result('Add up the batches')['ansible_facts']['ptz_preset_reset_summary']
    status, group = simulator.api('GET', '/cameraGroups')
    assert status == 200
    assert summary['cameras'] > 0 and summary['failed'] == []
    assert summary['changed'] + summary['unchanged'] == summary['cameras']
    assert simulator.stats()['open_tasks'] == 0
    assert any(g['name'] == 'PTZ cameras' for g in group['array'])


def test_fleet_reset_default_preset_skips_cameras_without_it(simulator, tmp_path):
    simulator.faults(task_seconds=0.1)
    summary_file = tmp_path / 'summary.json'
    run = run_playbook(simulator, '''
- hosts: localhost
  gather_facts: false
  roles:
    - role: milestone.xprotect.ptz_preset_reset
      vars:
        ptz_preset_reset_preset: Preset 1
        ptz_preset_reset_name_patterns: ["*PTZ"]
        ptz_preset_reset_missing_preset: skip
        ptz_preset_reset_batch_size: 3
        ptz_preset_reset_summary_file: "{{ summary_file }}"
''', extra_vars={'summary_file': str(summary_file)})
    assert run.rc == 0, run.explain()
    summary = json.loads(summary_file.read_text(encoding='utf-8'))
    assert summary['cameras'] >= 6 and summary['failed'] == []
    assert summary['changed'] + summary['unchanged'] + len(summary['skipped']) == summary['cameras']
    batches = run.records('Run the job in batches')
    assert len(batches) == 1 and len(batches[0]['result']['results']) == -(-summary['cameras'] // 3)
    second = run_playbook(simulator, '''
- hosts: localhost
  gather_facts: false
  roles:
    - role: milestone.xprotect.ptz_preset_reset
      vars:
        ptz_preset_reset_preset: Preset 1
        ptz_preset_reset_name_patterns: ["*PTZ"]
        ptz_preset_reset_missing_preset: skip
''')
    assert second.rc == 0, second.explain()
    again = second.result('Add up the batches')['ansible_facts']['ptz_preset_reset_summary']
    assert again['changed'] == 0, 'the second run finds every default already set'


def test_fleet_reset_fails_beyond_the_tolerance_with_an_account(simulator):
    simulator.faults(task_seconds=0.1)
    status, body = simulator.api('GET', '/cameras')
    ptz = sorted((camera for camera in body['array'] if camera['ptzEnabled']), key=lambda camera: camera['name'])
    simulator.faults(task_outcomes={ptz[0]['id']: 'error', ptz[1]['id']: 'error'})
    play = '''
- hosts: localhost
  gather_facts: false
  roles:
    - role: milestone.xprotect.ptz_preset_reset
      vars:
        ptz_preset_reset_job: refresh_from_devices
        ptz_preset_reset_cameras: %s
        ptz_preset_reset_failure_tolerance: %s
'''
    cameras = json.dumps([camera['name'] for camera in ptz[:4]])
    over = run_playbook(simulator, play % (cameras, '1'))
    assert status == 200 and over.rc != 0
    message = over.result('Stay within the failure tolerance')['msg']
    assert message.startswith('2 of 4 cameras failed, more than ptz_preset_reset_failure_tolerance=1 allows')
    assert ptz[0]['name'] in message and ptz[1]['name'] in message
    assert simulator.stats()['open_tasks'] == 0, 'failed cameras are cleaned up too'
    within = run_playbook(simulator, play % (cameras, '"50%"'))
    assert within.rc == 0, within.explain()


#: Bad input of the roles, one inventory host per case: one ansible-playbook run per role gives each case its own failure.
BAD_INPUT = {
    'ptz_preset_reset': {
        'preset only': ({'ptz_preset_reset_preset': 'Home'}, 'Select cameras with ptz_preset_reset_cameras'),
        'group only': ({'ptz_preset_reset_camera_group': 'PTZ cameras'}, 'give ptz_preset_reset_preset for the default_preset job'),
        'unknown job': ({'ptz_preset_reset_job': 'reboot', 'ptz_preset_reset_camera_group': 'PTZ cameras'},
                        'value of ptz_preset_reset_job must be one of: default_preset, refresh_from_devices, got: reboot'),
        'unknown camera': ({'ptz_preset_reset_cameras': ['No such camera'], 'ptz_preset_reset_job': 'refresh_from_devices'},
                           'Not PTZ cameras (unknown, not PTZ, or misspelled; names are case-sensitive): No such camera'),
    },
    'user_defined_events': {
        'unknown state': ({'user_defined_events_list': ['A'], 'user_defined_events_state': 'gone'},
                          'value of user_defined_events_state must be one of: present, absent, got: gone'),
        # misspelled: the role's variable is user_defined_events_list
        'list misspelled': ({'user_defined_events': ['Door forced'], 'user_defined_events_purge': True}, 'missing required arguments'),
    },
}


@pytest.fixture(scope='module', name='bad_input_runs')
def bad_input_runs_fixture(simulator_session, tmp_path_factory):
    """Each role of BAD_INPUT run once on one host per case, with the simulator's counters right after the run."""
    runs = {}
    for role, cases in BAD_INPUT.items():
        simulator_session.reset()
        inventory = tmp_path_factory.mktemp('bad-input') / 'hosts.yml'
        hosts = {case: dict(role_vars, ansible_connection='local') for case, (role_vars, _message) in cases.items()}
        inventory.write_text(yaml.safe_dump({'all': {'hosts': hosts}}), encoding='utf-8')
        run = run_playbook(simulator_session, [{'hosts': 'all', 'gather_facts': False, 'roles': [f'milestone.xprotect.{role}']}],
                           inventory=str(inventory))
        runs[role] = run, simulator_session.stats()
    return runs


def bad_input_failure(runs, role, case):
    """The run of ``role`` and the message its host ``case`` failed with (the case's own failure, not another host's)."""
    run, stats = runs[role]
    failed = [record for record in run.results if record['host'] == case and record['status'] == 'failed']
    assert run.rc != 0 and len(failed) == 1, run.explain()
    message = str(failed[0]['result'].get('msg', '')) + ' ' + ' '.join(map(str, failed[0]['result'].get('argument_errors', [])))
    return run, stats, ' '.join(message.split())


@pytest.mark.parametrize('case', list(BAD_INPUT['ptz_preset_reset']))
def test_fleet_reset_rejects_bad_input_before_invoking_anything(bad_input_runs, case):
    run, stats, failure = bad_input_failure(bad_input_runs, 'ptz_preset_reset', case)
    message = BAD_INPUT['ptz_preset_reset'][case][1]
    assert message in failure, (failure, run.explain())
    assert message in run.output, run.explain()
    assert stats['requests']['POST'] == 0


def test_events_role_validates_its_input(bad_input_runs):
    run, stats, failure = bad_input_failure(bad_input_runs, 'user_defined_events', 'unknown state')
    assert BAD_INPUT['user_defined_events']['unknown state'][1] in failure and BAD_INPUT['user_defined_events']['unknown state'][1] in run.output, \
        run.explain()
    assert stats['token_grants'] == 0


def test_events_role_in_check_mode_writes_nothing(simulator):
    run = run_playbook(simulator, '''
- hosts: localhost
  gather_facts: false
  roles:
    - role: milestone.xprotect.user_defined_events
      vars:
        user_defined_events_list: [Door forced, Panic button]
''', check=True, diff=True)
    assert run.rc == 0, run.explain()
    assert '+Door forced' in run.stdout and 'Would change: True' in run.stdout
    assert writes(simulator.stats()) == 0 and event_names(simulator) == []


def test_camera_report_playbook_writes_both_reports(simulator, tmp_path):
    run = run_playbook(simulator, 'milestone.xprotect.camera_report', args=['-e', f'camera_report_dir={tmp_path}'])
    assert run.rc == 0, run.explain()
    markdown = (tmp_path / 'camera_report.md').read_text(encoding='utf-8')
    csv_lines = (tmp_path / 'camera_report.csv').read_text(encoding='utf-8').splitlines()
    status, body = simulator.api('GET', '/cameras?disabled')
    assert status == 200
    assert len(csv_lines) == 1 + len(body['array'])
    assert all(camera['name'] in markdown for camera in body['array'])
    assert simulator.stats()['requests']['POST'] == 0


def test_events_role_requires_the_list_so_a_typo_cannot_purge_everything(bad_input_runs):
    run, stats, failure = bad_input_failure(bad_input_runs, 'user_defined_events', 'list misspelled')
    assert 'user_defined_events_list' in failure and 'missing required arguments' in failure, run.explain()
    assert 'user_defined_events_list' in run.output and 'missing required arguments' in run.output, run.explain()
    assert stats['token_grants'] == 0


def test_fleet_reset_matches_ids_in_any_case(simulator):
    simulator.faults(task_seconds=0.1)
    status, body = simulator.api('GET', '/cameras')
    camera = sorted((c for c in body['array'] if c['ptzEnabled']), key=lambda c: c['name'])[0]
    run = run_playbook(simulator, '''
- hosts: localhost
  gather_facts: false
  roles:
    - role: milestone.xprotect.ptz_preset_reset
      vars:
        ptz_preset_reset_job: refresh_from_devices
        ptz_preset_reset_cameras: [%s]
''' % camera['id'].upper())
    assert status == 200 and run.rc == 0, run.explain()
    assert run.result('Add up the batches')['ansible_facts']['ptz_preset_reset_summary']['cameras'] == 1
