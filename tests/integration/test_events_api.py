# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""event_trigger in real ansible-playbook runs against the simulator, and the simulator's Events REST API it relies on.

What the server received is read from the simulator's request log, never from the module's claims.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import typing as t

import yaml

from harness import ROOT, bin_path, collections_path, run_playbook

EVENTS = '/api/rest/v1/events'
MOTION_STARTED = '6eb95dd6-7ccc-4bce-99f8-af0d0b582d77'
WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
COMMON_KEYS = {'changed', 'failed', 'msg', 'invocation', 'warnings', 'deprecations', 'error', 'exception', 'skipped', 'censored'}


def play(*tasks: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return [dict(hosts='localhost', gather_facts=False, tasks=list(tasks))]


def task(title: str, module: str, /, register: str | None = None, ignore_errors: bool = False, **args: t.Any) -> dict[str, t.Any]:
    body: dict[str, t.Any] = {'name': title, f'milestone.xprotect.{module}': args}
    if register:
        body['register'] = register
    if ignore_errors:
        body['ignore_errors'] = True
    return body


def failed(run: t.Any, title: str) -> dict[str, t.Any]:
    record = run.records(title)[-1]
    assert record['status'] == 'failed', (title, record)
    return record['result']


def rest_log(simulator: t.Any) -> list[dict[str, t.Any]]:
    return simulator.requests_log(kind='rest')


def writes(log: list[dict[str, t.Any]]) -> list[str]:
    return [f"{entry['method']} {entry['path']}" for entry in log if entry['method'] in WRITES]


def create_event(simulator: t.Any, name: str) -> str:
    status, body = simulator.api('POST', '/userDefinedEvents', {'name': name})
    assert status == 201, body
    return body['result']['id']


def cameras(simulator: t.Any) -> list[dict[str, t.Any]]:
    status, body = simulator.api('GET', '/cameras')
    assert status == 200
    return body['array']


def test_trigger_by_name_in_check_mode_sends_nothing_then_for_real_returns_the_stored_event(simulator):
    door_id = create_event(simulator, 'Door forced')
    simulator.reset(stats_only=True)
    checked = run_playbook(simulator, play(task('trigger', 'event_trigger', event='Door forced')), check=True)
    assert checked.rc == 0, checked.explain()
    result = checked.result('trigger')
    assert result['changed'] is True and result['events'] == [] and result['event_type']['id'] == door_id
    assert result['request'] == {'type': door_id}
    assert writes(rest_log(simulator)) == []
    assert any(entry['path'] == EVENTS and entry['method'] == 'GET' for entry in rest_log(simulator)), 'check mode asks whether the API exists'

    run = run_playbook(simulator, play(task('trigger', 'event_trigger', event='Door forced', verify=True)))
    assert run.rc == 0, run.explain()
    event = run.result('trigger')['event']
    assert event['type'] == door_id and event['source'] == f'userDefinedEvents/{door_id}'
    assert run.result('trigger')['stored'] is True and run.result('trigger')['changed'] is True
    status, stored = simulator.api('GET', f"/events/{event['id']}")
    assert status == 200 and stored['data']['id'] == event['id']
    assert writes(rest_log(simulator)) == [f'POST {EVENTS}']


def test_trigger_from_a_camera_by_name_with_data_count_and_concurrency(simulator):
    create_event(simulator, 'Door forced')
    camera = cameras(simulator)[3]
    run = run_playbook(simulator, play(task('burst', 'event_trigger', event='Door forced', source=camera['name'],
                                            data={'door': 'North gate'}, count=12, concurrency=4)))
    assert run.rc == 0, run.explain()
    result = run.result('burst')
    assert len(result['events']) == 12 and len({event['id'] for event in result['events']}) == 12
    assert {event['source'] for event in result['events']} == {f"cameras/{camera['id']}"}
    assert result['source'] == {'path': f"cameras/{camera['id']}", 'name': camera['name']}
    status, body = simulator.api('GET', '/events?page=0&size=50&include=data')
    assert status == 200
    assert {event['id'] for event in body['array']} == {event['id'] for event in result['events']}
    assert all(event['data'] == {'door': 'North gate'} for event in body['array'])
    assert writes(rest_log(simulator)).count(f'POST {EVENTS}') == 12


def test_an_analytics_event_raises_the_alarm_of_its_alarm_definition(simulator):
    camera = cameras(simulator)[0]
    run = run_playbook(simulator, play(
        task('detect', 'event_trigger', event='Intrusion detected', source=f"cameras/{camera['id']}"),
        task('alarms', 'alarm_info', source=camera['name']),
    ))
    assert run.rc == 0, run.explain()
    assert run.result('detect')['event_type']['kind'] == 'analyticsEvents'
    alarms = run.result('alarms')['alarms']
    assert [alarm['name'] for alarm in alarms] == ['Intrusion'] and alarms[0]['event'] == run.result('detect')['event']['id']
    assert alarms[0]['priorityName'] == 'High' and alarms[0]['stateName'] == 'New'


def test_device_and_generic_events_are_refused_for_a_user_token_before_anything_is_sent(simulator):
    camera = cameras(simulator)[0]
    run = run_playbook(simulator, play(
        task('motion', 'event_trigger', ignore_errors=True, event='Motion Started', source=camera['id']),
        task('generic', 'event_trigger', ignore_errors=True, event='Gate sensor'),
    ))
    motion, generic = failed(run, 'motion'), failed(run, 'generic')
    assert 'generatorType Device' in motion['msg'] and 'service token' in motion['msg'], motion['msg']
    assert 'generatorSubtype Generic' in generic['msg'], generic['msg']
    assert motion['changed'] is False and generic['changed'] is False
    assert writes(rest_log(simulator)) == []


def test_with_an_access_token_the_server_refuses_and_the_message_explains_the_rule(simulator):
    token = simulator.token()
    run = run_playbook(simulator, play(task('motion', 'event_trigger', ignore_errors=True, event=MOTION_STARTED,
                                            source=cameras(simulator)[0]['id'])),
                       env={'XPROTECT_USERNAME': '', 'XPROTECT_PASSWORD': '', 'XPROTECT_ACCESS_TOKEN': token})
    result = failed(run, 'motion')
    assert 'HTTP 403' in result['msg'] and 'user token' in result['msg'], result['msg']
    assert result['changed'] is False
    assert token not in run.output


def test_unknown_and_ambiguous_names_fail_with_what_there_is(simulator):
    create_event(simulator, 'Loitering detected')
    simulator.reset(stats_only=True)
    run = run_playbook(simulator, play(
        task('unknown', 'event_trigger', ignore_errors=True, event='Door forcd'),
        task('ambiguous', 'event_trigger', ignore_errors=True, event='Loitering detected'),
        task('empty', 'event_trigger', ignore_errors=True, event=' ', count=0),
    ))
    assert "no user-defined event, analytics event or event type is named 'Door forcd'" in failed(run, 'unknown')['msg']
    ambiguous = failed(run, 'ambiguous')['msg']
    assert 'fits 2 events' in ambiguous and 'analytics event' in ambiguous and 'user-defined event' in ambiguous
    empty = failed(run, 'empty')['msg']
    assert 'event is empty' in empty and 'count must be between 1' in empty
    assert writes(rest_log(simulator)) == []


def test_a_server_before_2023_r2_gets_the_version_it_needs(simulator_factory):
    sim = simulator_factory('--no-events-api', '--cameras', '4')
    sim.api('POST', '/userDefinedEvents', {'name': 'Door forced'})
    for check in (False, True):
        run = run_playbook(sim, play(task('trigger', 'event_trigger', ignore_errors=True, event='Door forced')), check=check)
        message = failed(run, 'trigger')['msg']
        assert '2023 R2' in message and 'Unknown resource: events' in message, message
    status, body = sim.api('GET', '/events')
    assert status == 404 and body['error']['details'][0]['errorText'] == 'Unknown resource: events'


def test_an_event_type_with_retention_zero_is_not_stored_and_verify_warns(simulator_factory):
    sim = simulator_factory('--event-retention-days', '0', '--cameras', '4')
    sim.api('POST', '/userDefinedEvents', {'name': 'Door forced'})
    run = run_playbook(sim, play(task('trigger', 'event_trigger', event='Door forced', verify=True)))
    assert run.rc == 0, run.explain()
    result = run.result('trigger')
    assert result['stored'] is False
    assert any('not stored' in str(warning) for warning in result.get('warnings', []))
    status, body = sim.api('GET', '/events')
    assert status == 200 and body['array'] == []


# -- the simulator's Events REST API --------------------------------------------------------------------

def test_simulator_event_types_state_groups_and_the_trigger_rules(simulator):
    door_id = create_event(simulator, 'Door forced')
    status, body = simulator.api('GET', '/eventTypes')
    assert status == 200
    by_id = {item['id']: item for item in body['array']}
    assert by_id[door_id]['generatorType'] == 'External' and by_id[MOTION_STARTED]['generatorType'] == 'Device'
    assert {item['generatorType'] for item in body['array']} >= {'External', 'MIPDevice', 'Device', 'System'}
    group = by_id[MOTION_STARTED]['stateGroupId']
    status, state_group = simulator.api('GET', f'/stateGroups/{group}')
    assert status == 200 and state_group['data']['displayName'] == 'Motion'
    status, answer = simulator.api('POST', '/events', {'type': door_id, 'bogus': 1})
    assert status == 400 and answer['error']['details'][0]['property'] == 'bogus'
    status, answer = simulator.api('POST', '/events', {'type': MOTION_STARTED})
    assert status == 403 and 'generatorType External' in answer['error']['details'][0]['errorText']


# -- documentation ---------------------------------------------------------------------------------------

def doc_strings(module: str) -> dict[str, str]:
    with open(os.path.join(ROOT, 'plugins', 'modules', f'{module}.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in ('DOCUMENTATION', 'EXAMPLES', 'RETURN')}


def check_against_return(module: str, result: dict[str, t.Any]) -> None:
    returns = yaml.safe_load(doc_strings(module)['RETURN'])
    keys = {key for key in result if not key.startswith('_ansible')} - COMMON_KEYS
    assert keys <= set(returns), f'{module} returns undocumented keys {sorted(keys - set(returns))}'
    promised = {key for key, spec in returns.items() if str(spec.get('returned')) == 'success'}
    assert promised <= keys, f'{module} does not return {sorted(promised - keys)}'


def test_ansible_doc_renders_and_the_examples_run_and_return_what_is_documented(simulator):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR='1')
    modules = ('event_trigger', 'alarm', 'alarm_info')
    # one ansible-doc run renders the three, one after another
    completed = subprocess.run([bin_path('ansible-doc'), '-t', 'module', *(f'milestone.xprotect.{module}' for module in modules)], env=env,
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    assert 'WARNING' not in completed.stderr.upper(), completed.stderr
    assert re.findall(r'^> MODULE milestone\.xprotect\.(\w+)', completed.stdout, flags=re.MULTILINE) == list(modules), completed.stdout[:2000]
    for module in modules:
        assert str(yaml.safe_load(doc_strings(module)['DOCUMENTATION'])['version_added']) == '0.2.0'
    examples = []
    for module in ('event_trigger', 'alarm', 'alarm_info'):
        examples.extend(yaml.safe_load(doc_strings(module)['EXAMPLES']))
    run = run_playbook(simulator, play(*examples))
    assert run.rc == 0, run.explain()
    for record in run.results:
        module = next((name for name in ('event_trigger', 'alarm_info', 'alarm') if record.get('action', '').endswith(name)), None)
        if module and record['status'] == 'ok':
            check_against_return(module, record['result'])
