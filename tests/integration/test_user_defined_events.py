# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""user_defined_event, user_defined_events and user_defined_event_info in real ansible-playbook runs against the simulator.

What the server saw is read from the simulator's own counters (``/_simulator/stats``), never from the modules' claims.
"""

from __future__ import annotations

import time
import typing as t

import yaml

from harness import run_playbook

EVENTS = '/api/rest/v1/userDefinedEvents'
LIST = f'GET {EVENTS}'
WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
SYSTEM_ID = '85867627-b287-4439-9e55-a63701e1715b'


def play(*tasks: dict[str, t.Any], **extra: t.Any) -> list[dict[str, t.Any]]:
    return [dict(hosts='localhost', gather_facts=False, tasks=list(tasks), **extra)]


def task(title: str, module: str, /, register: str | None = None, ignore_errors: bool = False, **args: t.Any) -> dict[str, t.Any]:
    """A task named ``title`` that calls milestone.xprotect.``module`` with ``args``."""
    body: dict[str, t.Any] = {'name': title, f'milestone.xprotect.{module}': args}
    if register:
        body['register'] = register
    if ignore_errors:
        body['ignore_errors'] = True
    return body


def server_events(simulator: t.Any) -> list[dict[str, t.Any]]:
    status, body = simulator.api('GET', '/userDefinedEvents')
    assert status == 200, body
    return body['array']


def user_names(simulator: t.Any) -> list[str]:
    return sorted(event['name'] for event in server_events(simulator) if event['subtype'] == 'UserDefined')


def writes(stats: dict[str, t.Any]) -> int:
    return sum(stats['requests'][method] for method in WRITES)


def warnings_of(result: dict[str, t.Any]) -> list[str]:
    return [item['event']['msg'] if isinstance(item, dict) else item for item in result.get('warnings', [])]


def failed(run: t.Any, title: str) -> dict[str, t.Any]:
    """The result of a task that must have failed (the callback records the status beside the result)."""
    record = run.records(title)[-1]
    assert record['status'] == 'failed', (title, record)
    return record['result']


def test_create_rename_delete_and_the_same_run_again_changes_nothing(simulator):
    """Each step runs in check mode first (same changed and diff, no write), then for real, then again (no change)."""
    steps = [('create', dict(name='Door forced')), ('rename', dict(id='{{ door.event.id }}', name='Door forced open')),
             ('delete', dict(name='Door forced open', state='absent'))]
    tasks = []
    for step, args in steps:
        tasks.append(dict(task(f'{step} (check)', 'user_defined_event', **args), check_mode=True))
        tasks.append(task(step, 'user_defined_event', register='door' if step == 'create' else None, **args))
        tasks.append(task(f'{step} again', 'user_defined_event', **args))
    run = run_playbook(simulator, play(*tasks), diff=True)
    assert run.rc == 0, run.explain()
    for step, _args in steps:
        checked, real, again = run.result(f'{step} (check)'), run.result(step), run.result(f'{step} again')
        assert (checked['changed'], real['changed'], again['changed']) == (True, True, False), step
        assert checked['diff'] == real['diff'], step
        assert again['diff']['before'] == again['diff']['after'], step
    door_id = run.result('create')['event']['id']
    assert run.result('rename')['event'] == {**run.result('rename')['event'], 'id': door_id, 'name': 'Door forced open'}
    assert run.result('rename')['diff'] == {'before': {'id': door_id, 'name': 'Door forced'}, 'after': {'id': door_id, 'name': 'Door forced open'}}
    assert run.result('delete')['event']['id'] == door_id and run.result('delete again')['event'] == {}
    # Exactly one write per step: the check-mode and repeated runs sent none.
    paths = simulator.stats()['paths']
    assert (paths[f'POST {EVENTS}'], paths[f'PUT {EVENTS}/{{id}}'], paths[f'DELETE {EVENTS}/{{id}}']) == (1, 1, 1)
    assert writes(simulator.stats()) == 3
    assert user_names(simulator) == []


def test_a_set_is_created_renamed_purged_and_then_left_alone(simulator):
    declared = ['Door forced', {'name': 'Panic button pressed', 'previous_name': 'Panic button'}, 'Fire alarm']
    run = run_playbook(simulator, play(
        task('first', 'user_defined_events', events=['Door forced', 'Panic button', 'Old test']),
        task('second', 'user_defined_events', events=declared, purge=True),
        task('third', 'user_defined_events', events=declared, purge=True),
        task('remove', 'user_defined_events', events=['Fire alarm', 'Never existed'], state='absent'),
    ))
    assert run.rc == 0, run.explain()
    assert run.result('first')['created'] == ['Door forced', 'Old test', 'Panic button']
    second = run.result('second')
    assert second['created'] == ['Fire alarm'] and second['deleted'] == ['Old test'] and second['unchanged'] == ['Door forced']
    panic_id = next(event['id'] for event in run.result('first')['events'] if event['name'] == 'Panic button')
    assert second['renamed'] == [{'id': panic_id, 'previous_name': 'Panic button', 'name': 'Panic button pressed'}]
    third = run.result('third')
    assert not third['changed'] and third['unchanged'] == ['Door forced', 'Fire alarm', 'Panic button pressed']
    assert [event['name'] for event in third['events']] == ['Door forced', 'Panic button pressed', 'Fire alarm']
    remove = run.result('remove')
    assert remove['deleted'] == ['Fire alarm'] and remove['unchanged'] == ['Never existed']
    assert user_names(simulator) == ['Door forced', 'Panic button pressed']


def test_two_hundred_events_converge_in_one_run_and_the_next_run_only_lists(simulator, tmp_path):
    names = [f'Site event {number:03d}' for number in range(1, 201)]
    vars_file = tmp_path / 'events.yml'
    vars_file.write_text(yaml.safe_dump({'site_events': names}), encoding='utf-8')
    playbook = play(task('declare', 'user_defined_events', events='{{ site_events }}', purge=True), vars_files=[str(vars_file)])

    started = time.monotonic()
    first = run_playbook(simulator, playbook)
    first_seconds = time.monotonic() - started
    assert first.rc == 0, first.explain()
    stats = simulator.stats()
    assert stats['paths'][f'POST {EVENTS}'] == 200 and stats['paths'][LIST] == 1 and stats['token_grants'] == 1
    assert first.result('declare')['created'] == names and user_names(simulator) == names

    simulator.reset(stats_only=True)
    started = time.monotonic()
    second = run_playbook(simulator, playbook)
    second_seconds = time.monotonic() - started
    assert second.rc == 0, second.explain()
    result = second.result('declare')
    assert not result['changed'] and result['unchanged'] == names and result['created'] == result['deleted'] == []
    stats = simulator.stats()
    print(f'200 events: first run {first_seconds:.1f} s, second run {second_seconds:.1f} s, second run stats: '
          f'token_grants={stats["token_grants"]} requests={stats["requests"]} paths={stats["paths"]}')
    assert stats['paths'] == {LIST: 1}
    assert writes(stats) == 0 and stats['requests']['GET'] == 1
    assert stats['token_grants'] <= 1


def test_check_diff_shows_the_change_and_sends_no_write(simulator):
    for name in ('Door forced', 'Panic button', 'Old test'):
        status, body = simulator.api('POST', '/userDefinedEvents', {'name': name})
        assert status == 201, body
    declared = ['Door forced', {'name': 'Panic button pressed', 'previous_name': 'Panic button'}, 'Fire alarm']
    playbook = play(task('declare', 'user_defined_events', events=declared, purge=True))

    simulator.reset(stats_only=True)
    checked = run_playbook(simulator, playbook, check=True, diff=True)
    assert checked.rc == 0, checked.explain()
    stats = simulator.stats()
    assert writes(stats) == 0 and stats['paths'] == {LIST: 1}
    assert user_names(simulator) == ['Door forced', 'Old test', 'Panic button']
    predicted = checked.result('declare')
    assert predicted['changed'] and predicted['created'] == ['Fire alarm'] and predicted['deleted'] == ['Old test']
    assert predicted['diff']['before'] == 'Door forced\nOld test\nPanic button\n'
    assert predicted['diff']['after'] == 'Door forced\nFire alarm\nPanic button pressed\n'
    for line in ('+Fire alarm', '-Old test', '-Panic button', '+Panic button pressed', ' Door forced'):
        assert line + '\n' in checked.stdout, checked.stdout

    real = run_playbook(simulator, playbook, diff=True)
    assert real.rc == 0, real.explain()
    done = real.result('declare')
    for key in ('changed', 'created', 'renamed', 'deleted', 'unchanged', 'diff'):
        assert done[key] == predicted[key], key
    assert user_names(simulator) == ['Door forced', 'Fire alarm', 'Panic button pressed']


def test_unicode_and_spaced_names_are_kept_exactly(simulator):
    names = ['Ünïcødé ✓ 事件 🚪', '  Door forced  ', 'Door forced', 'door forced']
    run = run_playbook(simulator, play(
        task('declare', 'user_defined_events', events=names),
        task('again', 'user_defined_events', events=names),
        task('one spaced', 'user_defined_event', name=' Gate '),
        task('info', 'user_defined_event_info', name='  Door forced  '),
    ))
    assert run.rc == 0, run.explain()
    assert sorted(run.result('declare')['created']) == sorted(names)
    assert not run.result('again')['changed']
    assert user_names(simulator) == sorted(names + [' Gate '])
    assert any('"  Door forced  " has leading or trailing whitespace' in warning for warning in warnings_of(run.result('declare')))
    assert any('" Gate " has leading or trailing whitespace' in warning for warning in warnings_of(run.result('one spaced')))
    assert [event['name'] for event in run.result('info')['events']] == ['  Door forced  ']


def test_bad_input_fails_clearly_before_any_request(simulator):
    cases = {
        'empty name': ('user_defined_event', dict(name=''), 'name is empty'),
        'blank name': ('user_defined_event', dict(name='   '), 'consists of whitespace only'),
        'empty item': ('user_defined_events', dict(events=['Door', '']), 'events[1] is empty'),
        'repeated name': ('user_defined_events', dict(events=['Door', 'Door']), 'events lists "Door" more than once'),
        'number': ('user_defined_events', dict(events=[2024]), 'events[0] must be a string, not int 2024'),
        'purge absent': ('user_defined_events', dict(events=['Door'], state='absent', purge=True), 'purge=true only works with state=present'),
        'info blank': ('user_defined_event_info', dict(name=' '), 'consists of whitespace only'),
    }
    run = run_playbook(simulator, play(*(task(name, module, ignore_errors=True, **args) for name, (module, args, _msg) in cases.items())))
    for name, (_module, _args, message) in cases.items():
        assert message in failed(run, name)['msg'], name
    assert 'Traceback' not in run.output
    stats = simulator.stats()
    assert stats['total_requests'] == 0 and stats['token_grants'] == 0


def test_a_name_over_the_server_limit_is_a_clear_error(simulator):
    too_long = 'L' * 257
    run = run_playbook(simulator, play(
        task('one', 'user_defined_event', ignore_errors=True, name=too_long),
        task('set', 'user_defined_events', ignore_errors=True, events=['Fine', too_long, 'Later'], purge=True),
    ))
    one = failed(run, 'one')
    assert not one['changed']
    assert 'Could not create the user-defined event "LLL' in one['msg'] and 'HTTP 400' in one['msg']
    assert 'the maximum length is 256 characters' in one['msg']
    result = failed(run, 'set')
    # creates run concurrently: 'Later' may have been sent before the failure stopped new writes
    created = result['created']
    assert result['changed'] and 'Fine' in created and set(created) <= {'Fine', 'Later'}
    assert result['not_done'] == {'create': [too_long] + ([] if 'Later' in created else ['Later']), 'rename': [], 'delete': []}
    assert f'{len(created)} write(s) succeeded before this failure' in result['msg'] and 'run the task again' in result['msg']
    assert 'Traceback' not in run.output
    assert user_names(simulator) == sorted(created)


def test_system_events_are_protected_and_duplicates_are_reported(simulator):
    for _copy in range(2):
        status, body = simulator.api('POST', '/userDefinedEvents', {'name': 'Door'})
        assert status == 201, body
    door_ids = sorted(event['id'] for event in server_events(simulator) if event['name'] == 'Door')
    oldest = min((event for event in server_events(simulator) if event['name'] == 'Door'), key=lambda event: event['createdDate'])
    run = run_playbook(simulator, play(
        task('ambiguous', 'user_defined_event', ignore_errors=True, name='Door'),
        task('delete system', 'user_defined_event', ignore_errors=True, name='RequestStartRecording', state='absent'),
        task('rename system', 'user_defined_event', ignore_errors=True, id=SYSTEM_ID, name='Start'),
        task('system in set', 'user_defined_events', ignore_errors=True, events=['RequestStopRecording'], state='absent'),
        task('reported', 'user_defined_events', events=['Door', 'RequestPlayAudio']),
        task('purged', 'user_defined_events', events=['Door'], purge=True),
    ))
    ambiguous = failed(run, 'ambiguous')
    assert f'2 events are named "Door" (ids {", ".join(door_ids)})' in ambiguous['msg']
    for name, verb in (('delete system', 'delete'), ('rename system', 'rename'), ('system in set', 'delete')):
        assert f'does not allow to {verb} it' in failed(run, name)['msg'], name
    reported = run.result('reported')
    assert not reported['changed'] and reported['duplicates'] == {'Door': door_ids}
    assert any('left alone' in warning for warning in warnings_of(reported))
    assert run.result('purged')['deleted'] == ['Door']
    remaining = server_events(simulator)
    assert [event['id'] for event in remaining if event['name'] == 'Door'] == [oldest['id']]
    assert sum(1 for event in remaining if event['subtype'] == 'System') == 3


def test_an_ambiguous_create_failure_never_leaves_a_duplicate(simulator):
    # The gateway processes the POST, then the answer is lost: 502 for the single module, a reset connection for the set.
    simulator.faults(fail_next=1, status=502, after=True, match={'method': 'POST', 'path': 'userDefinedEvents'})
    single = run_playbook(simulator, play(task('create', 'user_defined_event', name='Door')))
    assert single.rc == 0, single.explain()
    simulator.faults(reset_next=1, after=True, match={'method': 'POST', 'path': 'userDefinedEvents'})
    bulk = run_playbook(simulator, play(task('declare', 'user_defined_events', events=['Door', 'Gate', 'Fence'])))
    assert bulk.rc == 0, bulk.explain()
    assert bulk.result('declare')['created'] == ['Fence', 'Gate']
    assert user_names(simulator) == ['Door', 'Fence', 'Gate']
    assert simulator.stats()['paths'][f'POST {EVENTS}'] == 3


def test_a_server_with_unique_names_and_no_secret_in_any_output(simulator_factory):
    password = 'Zq9-very-secret-Pw'
    server = simulator_factory('--unique-event-names', '--user', f'ops:{password}', '--cameras', '0')
    env = {'XPROTECT_USERNAME': 'ops', 'XPROTECT_PASSWORD': password}
    run = run_playbook(server, play(
        task('create', 'user_defined_events', events=['Door Forced']),
        task('fix the case', 'user_defined_events', events=[{'name': 'Door forced', 'previous_name': 'Door Forced'}]),
        task('near miss', 'user_defined_events', ignore_errors=True, events=['Door forced', 'DOOR FORCED']),
        task('wrong password', 'user_defined_event_info', ignore_errors=True, password='wrong-Pw-123'),
    ), env=env, verbosity=3)
    assert run.result('fix the case')['renamed'][0]['name'] == 'Door forced'
    near_miss = failed(run, 'near miss')
    assert "an event named 'DOOR FORCED' already exists" in near_miss['msg']
    assert 'Nothing was changed' in near_miss['msg'] and near_miss['not_done']['create'] == ['DOOR FORCED']
    assert any('beside the existing event "Door forced"' in warning for warning in warnings_of(near_miss))
    assert 'Check username, password' in failed(run, 'wrong password')['msg']
    assert password not in run.output
    assert all(password not in text for text in run.files.values())
