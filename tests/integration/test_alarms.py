# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""alarm and alarm_info in real ansible-playbook runs against the simulator; the simulator's Alarms REST API."""

from __future__ import annotations

import typing as t

from harness import run_playbook
from test_events_api import cameras, failed, play, rest_log, task, writes

ALARMS = '/api/rest/v1/alarms'
INTRUSION = 'Intrusion detected'


def analytics_id(simulator: t.Any, name: str) -> str:
    status, body = simulator.api('GET', '/analyticsEvents')
    assert status == 200
    return next(item['id'] for item in body['array'] if item['name'] == name)


def test_raise_take_over_and_close_an_alarm_idempotently_with_check_mode_and_diff(simulator):
    camera = cameras(simulator)[2]
    raised = run_playbook(simulator, play(
        dict(task('raise (check)', 'alarm', name='Door forced', source=camera['name'], priority='high'), check_mode=True),
        task('raise', 'alarm', register='raised', name='Door forced', text='North gate', source=camera['name'], priority='High'),
    ))
    assert raised.rc == 0, raised.explain()
    assert raised.result('raise (check)')['changed'] is True and raised.result('raise (check)')['alarm'] == {}
    alarm = raised.result('raise')['alarm']
    assert (alarm['name'], alarm['message'], alarm['source'], alarm['priorityName'], alarm['stateName']) == (
        'Door forced', 'North gate', f"cameras/{camera['id']}", 'High', 'New')
    assert writes(rest_log(simulator)) == [f'POST {ALARMS}'], 'check mode sent nothing, the real run one POST'

    simulator.reset(stats_only=True)
    update = dict(id=alarm['id'], state='In progress', assigned_to='SOC operator', comment='Guard dispatched')
    run = run_playbook(simulator, play(
        dict(task('take over (check)', 'alarm', **update), check_mode=True),
        task('take over', 'alarm', **update),
        task('take over again', 'alarm', **update),
        task('close', 'alarm', id=alarm['id'], state='closed', reason_for_closing='False alarm'),
        task('close again', 'alarm', id=alarm['id'], state='Closed', reason_for_closing='False alarm'),
    ), diff=True)
    assert run.rc == 0, run.explain()
    checked, real, again = run.result('take over (check)'), run.result('take over'), run.result('take over again')
    assert (checked['changed'], real['changed'], again['changed']) == (True, True, False)
    assert checked['diff'] == real['diff']
    assert real['diff']['before'] == {'state': 'New', 'priority': 'High', 'assigned_to': '', 'comment': '', 'reason_for_closing': ''}
    assert real['diff']['after'] == {'state': 'In progress', 'priority': 'High', 'assigned_to': 'SOC operator',
                                     'comment': 'Guard dispatched', 'reason_for_closing': ''}
    assert real['request'] == {'state': '4', 'assignedTo.displayName': 'SOC operator', 'comment': 'Guard dispatched'}
    assert again['request'] == {} and run.result('close again')['changed'] is False
    assert run.result('close')['alarm']['stateName'] == 'Closed'
    # One PATCH for the take-over and one for the close: the check-mode and repeated runs sent none.
    assert writes(rest_log(simulator)) == [f"PATCH {ALARMS}/{alarm['id']}"] * 2


def test_alarm_info_filters_by_state_priority_name_and_source_and_reads_every_page(simulator):
    camera = cameras(simulator)[1]
    # Every intrusion raises an alarm through the seeded alarm definition "Intrusion" (priority High).
    emitted = simulator.request('POST', '/_simulator/events', {'type': analytics_id(simulator, INTRUSION), 'count': 620,
                                                               'source': f"cameras/{camera['id']}"})
    assert emitted[0] == 200, emitted
    status, body = simulator.api('POST', '/alarms', {'name': 'Door forced', 'message': 'm', 'source': camera['id'],
                                                     'priority': '34f1f987-6854-44fb-88a5-daa0add1e38a'})
    assert status == 202, body
    simulator.reset(stats_only=True)
    run = run_playbook(simulator, play(
        task('all', 'alarm_info'),
        task('high new', 'alarm_info', state='New', priority='High', source=camera['name']),
        task('by name', 'alarm_info', name='Door forced', include_data=True),
        task('by id', 'alarm_info', id=body['data']['id']),
        task('unknown id', 'alarm_info', id='0a1b2c3d-0000-4000-8000-00000000abcd'),
        task('bad priority', 'alarm_info', ignore_errors=True, priority='Urgent'),
    ))
    assert run.rc == 0, run.explain()
    assert run.result('all')['count'] == 621
    assert run.result('high new')['count'] == 620 and {alarm['name'] for alarm in run.result('high new')['alarms']} == {'Intrusion'}
    by_name = run.result('by name')['alarms']
    assert [alarm['priorityName'] for alarm in by_name] == ['Low'] and 'data' in by_name[0]
    assert run.result('by id')['alarms'][0]['id'] == body['data']['id'] and run.result('unknown id')['alarms'] == []
    message = failed(run, 'bad priority')['msg']
    assert "no alarm priority 'Urgent'" in message and "'High'" in message
    pages = [entry for entry in rest_log(simulator) if entry['path'] == ALARMS and entry['method'] == 'GET']
    assert len(pages) >= 4, 'alarm_info pages to the end (two pages of 500 for each of the first two tasks)'
    assert writes(rest_log(simulator)) == []


def test_bad_input_and_unknown_values_fail_before_any_write(simulator):
    run = run_playbook(simulator, play(
        task('no name', 'alarm', ignore_errors=True, text='m'),
        task('bad id', 'alarm', ignore_errors=True, id='42', name='x'),
        task('missing', 'alarm', ignore_errors=True, id='0a1b2c3d-0000-4000-8000-00000000abcd', state='Closed'),
        task('bad state', 'alarm', ignore_errors=True, name='Door forced', state='Solved'),
    ))
    assert 'one of the following is required: id, name' in failed(run, 'no name')['msg']
    bad_id = failed(run, 'bad id')['msg']
    assert "id must be the GUID of an alarm, not '42'" in bad_id and 'name is only used to raise a new alarm' in bad_id
    assert 'there is no alarm with the id' in failed(run, 'missing')['msg']
    state = failed(run, 'bad state')['msg']
    assert "no alarm state 'Solved'" in state and "'In progress'" in state
    assert writes(rest_log(simulator)) == []


def test_a_server_before_2023_r2_gets_the_version_it_needs(simulator_factory):
    sim = simulator_factory('--no-events-api', '--cameras', '4')
    run = run_playbook(sim, play(
        task('raise', 'alarm', ignore_errors=True, name='Door forced'),
        task('read', 'alarm_info', ignore_errors=True),
    ))
    for title in ('raise', 'read'):
        message = failed(run, title)['msg']
        assert '2023 R2' in message and 'Alarms REST API' in message, message


def test_simulator_alarms_api_shapes(simulator):
    status, states = simulator.api('GET', '/alarmStates')
    assert status == 200 and [item['name'] for item in states['array']] == ['New', 'In progress', 'On hold', 'Closed']
    status, priorities = simulator.api('GET', '/alarmPriorities')
    assert status == 200 and [item['name'] for item in priorities['array']] == ['High', 'Medium', 'Low']
    camera = cameras(simulator)[0]
    status, created = simulator.api('POST', '/alarms', {'name': 'n', 'message': 'm', 'source': camera['id']})
    assert status == 202 and created['data']['source'] == f"cameras/{camera['id']}"
    ident = created['data']['id']
    status, patched = simulator.api('PATCH', f'/alarms/{ident}', {'state': states['array'][-1]['id'], 'priority': None, 'comment': None,
                                                                  'assignedTo.displayName': None, 'reasonForClosing': None})
    assert status == 202 and patched['data']['stateName'] == 'Closed' and patched['data']['priorityName'] == 'Medium'
    status, answer = simulator.api('PATCH', f'/alarms/{ident}', {'state': '99'})
    assert status == 400 and answer['error']['details'][0]['property'] == 'state'
    status, definitions = simulator.api('GET', '/alarmDefinitions')
    assert status == 200 and {item['name'] for item in definitions['array']} >= {'Intrusion', 'Motion on a PTZ camera'}
