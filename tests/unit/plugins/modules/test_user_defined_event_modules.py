# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""user_defined_event, user_defined_events and user_defined_event_info run as AnsibleModules against a mocked transport.

The ``gateway`` fixture (tests/unit/plugins/fake_gateway.py) keeps the events between requests, so a module
can be run twice and the second run must find nothing to do.
"""

from __future__ import annotations

import contextlib
import json
import typing as t
from unittest import mock

import pytest

from ansible_collections.milestone.xprotect.plugins.modules import user_defined_event, user_defined_event_info, user_defined_events

from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import BASE, PASSWORD, SYSTEM_ID, TOKEN
from ansible_collections.milestone.xprotect.tests.unit.plugins.modules.module_args import patch_module_args

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')


@contextlib.contextmanager
def as_managed_node() -> t.Iterator[None]:
    """Make module warnings land in the result, as in a real module process.

    ansible-core 2.19 sends them to the controller's display instead once controller code has been imported
    into the process, as pytest-ansible does.
    """
    try:
        from ansible.module_utils import _internal as internal
    except ImportError:  # ansible-core < 2.19 always puts warnings in the result
        internal = None
    if internal is not None and hasattr(internal, 'is_controller'):
        with mock.patch.object(internal, 'is_controller', False):
            yield
    else:
        yield


def run(module: t.Any, capsys: pytest.CaptureFixture[str], check_mode: bool = False, diff: bool = False, **args: t.Any) -> dict[str, t.Any]:
    """Run ``module.main()`` with ``args`` and return the JSON it printed (``failed`` set when it failed)."""
    args = dict(server_url=BASE, username='admin', password=PASSWORD, **args)
    args['_ansible_check_mode'] = check_mode
    args['_ansible_diff'] = diff
    with patch_module_args(args), mock.patch('time.sleep'), as_managed_node():
        with pytest.raises(SystemExit) as exited:
            module.main()
    output = capsys.readouterr().out
    assert PASSWORD not in output and TOKEN not in output
    result = json.loads(output)
    assert bool(result.get('failed')) == (exited.value.code != 0)
    return result


def warnings_of(result: dict[str, t.Any]) -> list[str]:
    """Warning texts; ansible-core 2.19 wraps each one in a WarningSummary object."""
    return [item['event']['msg'] if isinstance(item, dict) else item for item in result.get('warnings', [])]


# -- user_defined_event ----------------------------------------------------------------------------

def test_event_is_created_once_then_found(gateway, capsys):
    first = run(user_defined_event, capsys, name='Door forced')
    assert first['changed'] and first['event']['name'] == 'Door forced' and first['event']['id']
    assert first['diff'] == {'before': {}, 'after': {'name': 'Door forced'}}
    second = run(user_defined_event, capsys, name='Door forced')
    assert not second['changed'] and second['event']['id'] == first['event']['id']
    assert gateway.event_names() == ['Door forced']
    assert gateway.calls(*WRITES) == ['POST /API/IDP/connect/token', 'POST /api/rest/v1/userDefinedEvents', 'POST /API/IDP/connect/token']


def test_check_mode_reports_what_a_real_run_does_without_writing(gateway, capsys):
    old = gateway.add_event('Old')
    gateway.add_event('Gone')
    for args in (dict(name='Door'), dict(id=old['id'], name='New'), dict(name='Gone', state='absent')):
        gateway.mock.calls.reset()
        checked = run(user_defined_event, capsys, check_mode=True, **args)
        assert gateway.rest_calls() == ['GET /api/rest/v1/userDefinedEvents']
        real = run(user_defined_event, capsys, **args)
        assert (checked['changed'], checked['diff']) == (True, real['diff']), args
        assert checked['event']['name'] == real['event']['name']
    assert gateway.event_names() == ['Door', 'New']


def test_rename_by_id_keeps_the_id(gateway, capsys):
    old = gateway.add_event('Panic')
    result = run(user_defined_event, capsys, id=old['id'].upper(), name='Panic pressed')
    assert result['changed'] and result['event']['id'] == old['id'] and result['event']['name'] == 'Panic pressed'
    assert result['diff'] == {'before': {'id': old['id'], 'name': 'Panic'}, 'after': {'id': old['id'], 'name': 'Panic pressed'}}
    assert gateway.calls('PUT') == [f'PUT /api/rest/v1/userDefinedEvents/{old["id"]}']


def test_a_shared_name_fails_with_the_ids_and_writes_nothing(gateway, capsys):
    first, second = gateway.add_event('Door'), gateway.add_event('Door')
    result = run(user_defined_event, capsys, name='Door', state='absent')
    assert result['failed'] and not result['changed']
    assert f'2 events are named "Door" (ids {", ".join(sorted([first["id"], second["id"]]))})' in result['msg']
    assert 'Traceback' not in json.dumps(result)
    assert gateway.rest_calls() == ['GET /api/rest/v1/userDefinedEvents']


@pytest.mark.parametrize('args, message', [
    (dict(name='RequestStartRecording', state='absent'), 'does not allow to delete it'),
    (dict(id=SYSTEM_ID, name='Start'), 'does not allow to rename it'),
])
def test_system_events_are_refused_before_any_write(gateway, capsys, args, message):
    result = run(user_defined_event, capsys, **args)
    assert result['failed'] and message in result['msg'] and 'Leave it out of this task' in result['msg']
    assert gateway.rest_calls() == ['GET /api/rest/v1/userDefinedEvents']


@pytest.mark.parametrize('args, message', [
    (dict(name=''), 'name is empty'),
    (dict(name='  '), 'consists of whitespace only'),
    (dict(state='absent'), 'one of the following is required: name, id'),
    (dict(name='A', id=' '), 'id must be the id of an existing event'),
])
def test_bad_input_fails_before_any_request(gateway, capsys, args, message):
    result = run(user_defined_event, capsys, **args)
    assert result['failed'] and message in result['msg']
    assert not gateway.mock.calls


def test_a_name_over_the_server_limit_fails_with_the_servers_words(gateway, capsys):
    result = run(user_defined_event, capsys, name='x' * 300)
    assert result['failed'] and not result['changed']
    assert 'Could not create the user-defined event "xxx' in result['msg']
    assert 'HTTP 400' in result['msg'] and 'name is too long (300 characters)' in result['msg']
    assert result['error']['status'] == 400


def test_an_ambiguous_create_failure_does_not_create_a_duplicate(gateway, capsys):
    gateway.post_status = [(502, True)]  # the gateway created the event, then the answer was lost
    result = run(user_defined_event, capsys, name='Door')
    assert result['changed'] and result['event']['name'] == 'Door'
    assert gateway.event_names() == ['Door']
    assert len(gateway.calls('POST')) == 2  # the token and one create; the lookup found the event


def test_an_ambiguous_create_failure_is_repeated_when_nothing_was_created(gateway, capsys):
    gateway.post_status = [(502, False)]
    result = run(user_defined_event, capsys, name='Door')
    assert result['changed'] and gateway.event_names() == ['Door']
    assert gateway.calls('POST')[1:] == ['POST /api/rest/v1/userDefinedEvents'] * 2


def test_unknown_id_explains_that_ids_cannot_be_chosen(gateway, capsys):
    result = run(user_defined_event, capsys, id='0c6a7b9e-51f3-4d1c-9d8e-27c4f8c3a001', name='Door')
    assert result['failed'] and 'An id cannot be chosen for a new event' in result['msg']
    gone = run(user_defined_event, capsys, id='0c6a7b9e-51f3-4d1c-9d8e-27c4f8c3a001', state='absent')
    assert not gone['changed'] and gone['event'] == {}


# -- user_defined_events --------------------------------------------------------------------------------

def test_two_hundred_events_converge_and_the_second_run_only_lists(gateway, capsys):
    names = [f'Event {number:03d}' for number in range(200)]
    first = run(user_defined_events, capsys, events=names)
    assert first['changed'] and first['created'] == names and len(first['events']) == 200
    gateway.mock.calls.reset()
    second = run(user_defined_events, capsys, events=names)
    assert not second['changed'] and second['unchanged'] == names and not second['created']
    assert second['diff']['before'] == second['diff']['after']
    assert [f'{call.request.method} {call.request.path_url}' for call in gateway.mock.calls] == [
        'POST /API/IDP/connect/token', 'GET /api/rest/v1/userDefinedEvents?page=0&size=500']


def test_check_and_diff_match_the_real_run(gateway, capsys):
    gateway.add_event('Panic')
    gateway.add_event('Unlisted')
    args = dict(events=['Door', {'name': 'Panic pressed', 'previous_name': 'Panic'}], purge=True)
    checked = run(user_defined_events, capsys, check_mode=True, diff=True, **args)
    assert not [call for call in gateway.rest_calls() if not call.startswith('GET')]
    real = run(user_defined_events, capsys, diff=True, **args)
    for key in ('changed', 'created', 'renamed', 'deleted', 'unchanged', 'diff'):
        assert checked[key] == real[key], key
    assert real['diff']['before'] == 'Panic\nUnlisted\n' and real['diff']['after'] == 'Door\nPanic pressed\n'
    assert gateway.event_names() == ['Door', 'Panic pressed']


@pytest.mark.parametrize('args, message', [
    (dict(events=['A', 'A']), 'events lists "A" more than once'),
    (dict(events=['A', 7]), 'events[1] must be a string'),
    (dict(events=['A'], state='absent', purge=True), 'purge=true only works with state=present'),
    (dict(events=[{'name': 'A', 'previous_name': 'B'}], state='absent'), 'only work with state=present'),
])
def test_bad_event_lists_fail_before_any_request(gateway, capsys, args, message):
    result = run(user_defined_events, capsys, **args)
    assert result['failed'] and message in result['msg']
    assert not gateway.mock.calls


def test_a_failed_write_reports_what_was_done_and_deletes_nothing(gateway, capsys):
    gateway.add_event('Old')
    result = run(user_defined_events, capsys, events=['A', 'x' * 300, 'B'], purge=True)
    assert result['failed'] and result['changed']
    # Creates run concurrently: B may have been sent before the failure of the long name stopped new writes.
    created = result['created']
    assert 'A' in created and set(created) <= {'A', 'B'} and result['deleted'] == []
    assert result['not_done'] == {'create': ['x' * 300] + ([] if 'B' in created else ['B']), 'rename': [], 'delete': ['Old']}
    assert 'name is too long' in result['msg'] and f'{len(created)} write(s) succeeded before this failure' in result['msg']
    assert gateway.event_names() == sorted(created + ['Old'])
    rerun = run(user_defined_events, capsys, events=['A', 'B'], purge=True)
    assert rerun['created'] == ([] if 'B' in created else ['B']) and rerun['deleted'] == ['Old'] and gateway.event_names() == ['A', 'B']


def test_duplicates_are_left_alone_unless_purged(gateway, capsys):
    kept, extra = gateway.add_event('Door'), gateway.add_event('Door')
    left = run(user_defined_events, capsys, events=['Door'])
    assert not left['changed'] and left['duplicates'] == {'Door': sorted([kept['id'], extra['id']])}
    assert any('left alone' in warning for warning in warnings_of(left))
    purged = run(user_defined_events, capsys, events=['Door'], purge=True)
    assert purged['deleted'] == ['Door'] and [item['id'] for item in gateway.events if item['name'] == 'Door'] == [kept['id']]


def test_absent_deletes_listed_events(gateway, capsys):
    gateway.add_event('Door')
    gateway.add_event('Keep')
    result = run(user_defined_events, capsys, events=['Door', 'Never there'], state='absent')
    assert result['deleted'] == ['Door'] and result['unchanged'] == ['Never there'] and result['events'] == []
    assert gateway.event_names() == ['Keep']


def test_a_rename_to_a_taken_name_is_refused_before_any_write(gateway, capsys):
    first = gateway.add_event('A')
    gateway.add_event('B')
    result = run(user_defined_events, capsys, events=[{'name': 'B', 'id': first['id']}, 'C'])
    assert result['failed'] and 'will still have that name' in result['msg'] and 'Nothing was changed' in result['msg']
    assert gateway.rest_calls() == ['GET /api/rest/v1/userDefinedEvents']


# -- user_defined_event_info -------------------------------------------------------------------------------

def test_info_lists_and_filters_exactly(gateway, capsys):
    door = gateway.add_event('Door')
    gateway.add_event('door')
    everything = run(user_defined_event_info, capsys)
    assert [item['name'] for item in everything['events']] == ['RequestStartRecording', 'Door', 'door']
    assert run(user_defined_event_info, capsys, name='Door')['events'] == [door]
    assert run(user_defined_event_info, capsys, id=door['id'].upper())['events'] == [door]
    assert run(user_defined_event_info, capsys, id='0c6a7b9e-51f3-4d1c-9d8e-27c4f8c3a001')['events'] == []
    assert gateway.rest_calls() == ['GET /api/rest/v1/userDefinedEvents'] * 4


def test_info_adds_resources_and_definitions_when_asked(gateway, capsys):
    door = gateway.add_event('Door')
    result = run(user_defined_event_info, capsys, name='Door', resources=True, definitions=True)
    assert result['events'] == [dict(door, resources=[], definitions={'name': {'canSet': True, 'valueType': 'string'}})]
    assert gateway.calls('GET')[-1] == f'GET /api/rest/v1/userDefinedEvents/{door["id"]}?resources&definitions'


def test_ca_path_wins_over_a_ca_bundle_named_in_the_environment(gateway, capsys, monkeypatch, tmp_path):
    # requests lets REQUESTS_CA_BUNDLE override a session's CA bundle; the client must pass ca_path on every request.
    ca_file = tmp_path / 'xprotect-ca.pem'
    ca_file.write_text('not used by the mocked transport', encoding='utf-8')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/certs/some-other-bundle.crt')
    run(user_defined_event_info, capsys, ca_path=str(ca_file))
    assert [call.request.req_kwargs['verify'] for call in gateway.mock.calls] == [str(ca_file)] * 2


def test_a_write_whose_answer_stays_lost_is_not_reported_as_nothing_changed(gateway, capsys):
    # every create answers 502 and creates nothing: after the retries and lookups the module must still not claim
    # that nothing changed, because a lost answer may hide a write that happened
    gateway.post_status = [(502, False)] * 4
    single = run(user_defined_event, capsys, name='Door', retries=0)
    assert single['failed'] and single['changed']
    assert 'may have taken effect although its answer was lost' in single['msg']
    gateway.post_status = [(502, False)] * 4
    whole = run(user_defined_events, capsys, events=['Gate'], retries=0)
    assert whole['failed'] and whole['changed'] and 'Nothing was changed' not in whole['msg']
    assert 'may have taken effect although its answer was lost' in whole['msg']


def test_a_create_answered_without_its_envelope_is_reported_as_changed_by_both_modules(gateway, capsys):
    # 201 Created without the result envelope: the event exists, so neither module may say nothing changed
    gateway.post_status = [(2010, True)]
    single = run(user_defined_event, capsys, name='Door')
    assert single['failed'] and single['changed'] and 'Door' in gateway.event_names()
    assert 'without the "result" envelope' in single['msg'] and 'carried out the write' in single['msg']
    gateway.post_status = [(2010, True)]
    whole = run(user_defined_events, capsys, events=['Door', 'Gate'])
    assert whole['failed'] and whole['changed'] and 'Gate' in gateway.event_names()
    assert 'carried out the write' in whole['msg']
    # the next runs find the events and converge
    assert run(user_defined_event, capsys, name='Door')['changed'] is False
    assert run(user_defined_events, capsys, events=['Door', 'Gate'])['changed'] is False


def test_a_failed_read_never_reports_changed_or_a_lost_write(gateway, capsys):
    gateway.faults.append(['GET', 'userDefinedEvents', 502, 1000])  # every read of the events fails
    for module, args in ((user_defined_event, {'name': 'Door'}), (user_defined_events, {'events': ['Door']}),
                         (user_defined_event_info, {})):
        result = run(module, capsys, retries=0, **args)
        assert result['failed'] and result['changed'] is False, result
        assert 'may have taken effect' not in result['msg'] and 'carried out' not in result['msg']
