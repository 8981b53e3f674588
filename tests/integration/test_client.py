# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API client against the simulator: login, refresh, retries, TLS, paging, tasks, with real faults."""

from __future__ import annotations

import socket
import sys
import threading
import time

import pytest

from harness import collections_path

sys.path.insert(0, collections_path())

# pylint: disable=wrong-import-position
from ansible_collections.milestone.xprotect.plugins.module_utils._client import ConnectionSettings, XProtectClient, task_id_of  # noqa: E402
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import (  # noqa: E402
    AuthenticationError,
    ConnectionFailedError,
    PermissionDeniedError,
    TaskTimeoutError,
    TLSError,
)
from ansible_collections.milestone.xprotect.plugins.module_utils._waiter import wait_for_task  # noqa: E402


def make_client(sim, **overrides):
    values = dict(server_url=sim.url, username='admin', password='admin', ca_path=sim.ca_file, timeout=10, retries=3,
                  backoff_factor=0.1)
    values.update(overrides)
    return XProtectClient(ConnectionSettings(**values))


def rest_log(sim):
    return [(entry['method'], entry['path'], entry['query'], entry['status']) for entry in sim.requests_log(kind='rest')]


def first_ptz_camera(client):
    for camera in client.list('cameras'):
        if camera.get('ptzEnabled'):
            presets = client.list(f"cameras/{camera['id']}/ptzPresets")
            if len(presets) >= 2:
                return camera, presets
    raise AssertionError('the seed data has no PTZ camera with two presets')


def test_one_token_serves_a_run_and_expiry_mid_run_costs_one_grant(simulator):
    client = make_client(simulator)
    for _index in range(5):
        client.list('userDefinedEvents')
    assert simulator.stats()['token_grants'] == 1
    simulator.faults(expire_tokens=True)
    for _index in range(5):
        client.list('userDefinedEvents')
    stats = simulator.stats()
    assert stats['token_grants'] == 2, stats
    assert client.token_grants == 2
    statuses = [entry[3] for entry in rest_log(simulator)]
    assert statuses.count(401) == 1, 'exactly the first request after expiry is refused, then repeated'


def test_tokens_are_renewed_before_they_expire(simulator_factory):
    sim = simulator_factory('--token-ttl', '2')
    client = make_client(sim)
    client.get('sites')
    time.sleep(2.1)
    client.get('sites')
    assert sim.stats()['token_grants'] == 2
    assert 401 not in [entry[3] for entry in rest_log(sim)], 'the client renews proactively, it does not wait for a 401'


def test_a_single_401_is_repaired_with_a_new_token(simulator):
    client = make_client(simulator)
    client.get('sites')
    simulator.faults(fail_next=1, status=401)
    assert client.list('userDefinedEvents')
    assert simulator.stats()['token_grants'] == 2


def test_503_with_retry_after_is_waited_out(simulator):
    client = make_client(simulator)
    client.get('sites')
    simulator.faults(fail_next=1, status=503, retry_after=1, match={'method': 'GET', 'path': 'userDefinedEvents'})
    started = time.monotonic()
    events = client.list('userDefinedEvents')
    elapsed = time.monotonic() - started
    assert len(events) == 3
    assert elapsed >= 0.95, f'Retry-After: 1 was not honoured (the retry came after {elapsed:.2f} s)'
    statuses = [entry[3] for entry in rest_log(simulator) if 'userDefinedEvents' in entry[1]]
    assert statuses == [503, 200]


def test_a_post_answered_503_is_repeated_and_creates_once(simulator):
    client = make_client(simulator)
    simulator.faults(fail_next=2, status=503, match={'method': 'POST', 'path': 'userDefinedEvents'})
    created = client.create('userDefinedEvents', {'name': 'Retry me'})
    assert created['name'] == 'Retry me'
    assert [e['name'] for e in client.list('userDefinedEvents')].count('Retry me') == 1


def test_a_lost_answer_to_a_create_does_not_make_a_duplicate(simulator):
    client = make_client(simulator)

    def find_created():
        matches = [event for event in client.list('userDefinedEvents') if event['name'] == 'Exactly once']
        return matches[0] if matches else None

    # The server creates the event, then drops the connection: the client cannot know it worked.
    simulator.faults(reset_next=1, after=True, match={'method': 'POST', 'path': 'userDefinedEvents'})
    created = client.create('userDefinedEvents', {'name': 'Exactly once'}, find_created=find_created)
    names = [event['name'] for event in client.list('userDefinedEvents')]
    assert names.count('Exactly once') == 1, names
    assert created['name'] == 'Exactly once'
    assert simulator.stats()['requests']['POST'] == 1


def test_connection_refused_is_a_clear_error():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    client = XProtectClient(ConnectionSettings(server_url=f'https://127.0.0.1:{port}', username='admin', password='admin',
                                               retries=1, backoff_factor=0.05, timeout=5))
    with pytest.raises(ConnectionFailedError) as caught:
        client.get('sites')
    message = str(caught.value)
    assert message.startswith(f'Could not log in: cannot reach https://127.0.0.1:{port}')
    assert 'refused' in message.lower() and 'Check server_url' in message
    assert 'admin' not in message.replace("'admin'", '')


def test_self_signed_certificate_needs_ca_path(simulator):
    with pytest.raises(TLSError) as caught:
        make_client(simulator, ca_path=None).get('sites')
    assert 'set ca_path' in str(caught.value) and 'certificate' in str(caught.value)
    assert make_client(simulator).get('sites')['array']
    assert make_client(simulator, ca_path=None, validate_certs=False).get('sites')['array']


def test_bad_credentials_and_missing_permissions(simulator_factory):
    sim = simulator_factory('--user', 'viewer:viewer-pass:operator')
    with pytest.raises(AuthenticationError) as caught:
        make_client(sim, password='wrong-password').get('sites')
    assert 'wrong-password' not in str(caught.value) and 'the user name or password is wrong' in str(caught.value)
    viewer = make_client(sim, username='viewer', password='viewer-pass')
    assert viewer.list('userDefinedEvents')
    with pytest.raises(PermissionDeniedError) as denied:
        viewer.create('userDefinedEvents', {'name': 'Not allowed'}, action="create user-defined event 'Not allowed'")
    assert "Could not create user-defined event 'Not allowed': the server answered HTTP 403" in str(denied.value)
    assert 'Administrators role' in str(denied.value)


def test_older_gateways_without_idp_route_fall_back_to_the_idp(simulator_factory):
    sim = simulator_factory('--no-gateway-idp')
    client = make_client(sim)
    client.get('sites')
    client.login()
    idp_paths = [entry['path'] for entry in sim.requests_log(kind='idp')]
    assert idp_paths.count('/API/IDP/connect/token') == 1, idp_paths
    assert idp_paths.count('/IDP/connect/token') == 2, idp_paths


def test_paging_reads_all_5000_cameras(simulator_factory):
    sim = simulator_factory('--cameras', '5000')
    client = make_client(sim)
    cameras = client.list('cameras', params=[('disabled', None)])
    assert len(cameras) == 5000
    assert len({camera['id'] for camera in cameras}) == 5000
    enabled = client.list('cameras')
    assert 0 < len(enabled) < 5000 and all(camera['enabled'] for camera in enabled)
    gets = [entry for entry in rest_log(sim) if entry[1] == '/api/rest/v1/cameras']
    # pages of 500 until a short one: 5000 cameras are 10 full pages and an empty one
    expected = (5000 // 500 + 1) + (len(enabled) // 500 + 1)
    assert len(gets) == expected, f'{len(gets)} GET /cameras for 5000 + {len(enabled)} cameras, expected {expected}'


def test_a_task_that_ends_in_error_is_reported_and_cleaned_up(simulator_factory):
    sim = simulator_factory('--task-seconds', '0.3')
    client = make_client(sim)
    camera, presets = first_ptz_camera(client)
    sim.faults(task_outcome='error')
    result = client.invoke_task(f"cameras/{camera['id']}/ptzPresets", 'DefaultPtzPreset',
                                {'itemSelection': f"PtzPreset[{presets[0]['id'].upper()}]"})
    task_id = task_id_of(result)
    outcome = wait_for_task(client.get_task, task_id, timeout=10, sleep=0.1)
    assert outcome.state == 'Error' and outcome.error_text and outcome.progress == 100
    assert client.cleanup_task(task_id) == 'cleaned'
    assert sim.stats()['open_tasks'] == 0


def test_a_task_that_never_finishes_times_out_with_the_partial_task(simulator_factory):
    sim = simulator_factory('--task-seconds', '0.2')
    client = make_client(sim)
    camera, _presets = first_ptz_camera(client)
    sim.faults(task_outcome='hang')
    task_id = task_id_of(client.invoke_task(f"cameras/{camera['id']}/ptzPresets", 'GetDevicePresets', {'sessionDataId': 0}))
    with pytest.raises(TaskTimeoutError) as caught:
        wait_for_task(client.get_task, task_id, timeout=1, sleep=0.2)
    error = caught.value
    assert error.task_id == task_id and error.last_task['state'] == 'InProgress' and error.last_task['progress'] == 42
    assert 0.9 <= error.duration < 5
    assert client.cleanup_task(task_id) == 'cleaned'
    assert sim.stats()['open_tasks'] == 0


def test_the_legacy_cleanup_400_counts_as_cleaned(simulator_factory):
    sim = simulator_factory('--legacy-cleanup-400', '--task-seconds', '0')
    client = make_client(sim)
    camera, _presets = first_ptz_camera(client)
    task_id = task_id_of(client.invoke_task(f"cameras/{camera['id']}/ptzPresets", 'GetDevicePresets', {'sessionDataId': 0}))
    assert wait_for_task(client.get_task, task_id, timeout=5, sleep=0.05).succeeded
    assert client.cleanup_task(task_id) == 'cleaned-legacy'
    assert sim.stats()['open_tasks'] == 0


def test_a_server_that_goes_away_and_comes_back(simulator_factory):
    sim = simulator_factory()
    client = make_client(sim, retries=5, backoff_factor=0.3)
    client.get('sites')
    restarter = threading.Thread(target=sim.restart, kwargs={'down_seconds': 1.0})
    restarter.start()
    time.sleep(0.3)  # the server is down now
    try:
        assert client.get('sites')['array'], 'the GET is retried until the server is back'
    finally:
        restarter.join()
