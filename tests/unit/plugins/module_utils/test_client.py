# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the API client against a mocked transport (the ``responses`` library, the ``mock`` fixture).

Each test gives the exact answers it needs, so these tests register them on the mock rather than use the fake
API Gateway. ``responses`` replaces the HTTP adapter's network call but still consults the adapter's urllib3
``Retry`` for status-based retries, so the retry policy is exercised as configured (without sleeping).
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse

import pytest
import requests
import responses

from ansible_collections.milestone.xprotect.plugins.module_utils import _client as client_mod
from ansible_collections.milestone.xprotect.plugins.module_utils._client import (
    ConnectionSettings,
    XProtectClient,
    build_query,
    error_texts,
    normalize_base_url,
    task_id_of,
)
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConnectionFailedError,
    NotFoundError,
    PermissionDeniedError,
    RequestTimeoutError,
    ServerError,
    TLSError,
    UnexpectedResponseError,
)
from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import (
    BASE,
    GW_TOKEN,
    IDP_TOKEN,
    PASSWORD,
    REST,
    TOKEN,
    envelope_error,
    make_client,
)


def add_token(mock, url=GW_TOKEN, token=TOKEN, expires_in=3600, status=200):
    body = {'access_token': token, 'expires_in': expires_in, 'token_type': 'Bearer', 'scope': 'managementserver'}
    return mock.add(responses.POST, url, json=body, status=status)


def calls_to(mock, method, url_prefix):
    return [call for call in mock.calls if call.request.method == method and call.request.url.startswith(url_prefix)]


# -- helpers -------------------------------------------------------------------------------------------

def test_build_query_sends_valueless_flags_bare_like_the_samples():
    assert build_query([('tasks', None), ('noData', None)]) == '?tasks&noData'
    assert build_query({'page': 0, 'size': 100}) == '?page=0&size=100'
    assert build_query([('name', "'Lobby 01'")]) == '?name=%27Lobby+01%27'
    assert build_query([('disabled', True)]) == '?disabled=true'
    assert build_query(None) == ''


@pytest.mark.parametrize('given', [BASE, BASE + '/', BASE + '/API', BASE + '/api/', BASE + '/api/rest/v1', BASE + '/API/rest/v1/'])
def test_server_url_variants_mean_the_same_gateway(given):
    assert normalize_base_url(given) == BASE


def test_error_texts_reads_the_gateway_envelope_and_params():
    body = envelope_error(400, 'Bad request: parameters missing')
    body['params'] = {'itemSelection': ''}
    assert error_texts(body) == ['Bad request: parameters missing', 'parameters the server expects: itemSelection']
    assert error_texts({'error': {'httpCode': 400, 'details': [{'errorText': 'FPS out of range', 'property': 'FPS'}]}}) == [
        'FPS out of range (property FPS)']
    assert error_texts('not json') == []


def test_task_id_of_reads_the_task_path():
    assert task_id_of({'sessionDataId': 0, 'state': 'Idle', 'path': {'type': 'tasks', 'id': '81'}}) == '81'
    assert task_id_of({'state': 'Success'}) is None
    assert task_id_of(None) is None


# -- settings ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('overrides, message', [
    (dict(server_url=''), 'server_url is required'),
    (dict(server_url='vms.example.com'), 'is not an http:// or https:// URL'),
    (dict(server_url='https://admin:pw@vms.example.com'), 'must not contain credentials'),
    (dict(password=None), 'password is missing'),
    (dict(username=None), 'username is missing'),
    (dict(username=None, password=None), 'no credentials'),
    (dict(timeout=0), 'timeout must be a positive'),
    (dict(retries=-1), 'retries must be 0 or more'),
    (dict(auth_type='kerberos'), "auth_type 'kerberos' is not supported"),
])
def test_settings_are_checked_before_anything_is_sent(overrides, message):
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        make_client(**overrides)


def test_settings_repr_hides_secrets():
    settings = ConnectionSettings(server_url=BASE, username='admin', password=PASSWORD, access_token=TOKEN)
    assert PASSWORD not in repr(settings)
    assert TOKEN not in repr(settings)


def test_plain_http_gets_a_warning():
    assert any('plain http' in warning for warning in make_client(server_url='http://vms.example.com').warnings)
    assert make_client().warnings == []


# -- login ---------------------------------------------------------------------------------------------

def test_login_is_lazy_and_one_token_serves_many_requests(mock):
    client = make_client()
    assert len(mock.calls) == 0
    add_token(mock)
    mock.add(responses.GET, REST + '/userDefinedEvents', json={'array': []})
    for _attempt in range(5):
        client.get('userDefinedEvents')
    assert len(calls_to(mock, 'POST', GW_TOKEN)) == 1
    assert client.token_grants == 1
    form = urllib.parse.parse_qs(calls_to(mock, 'POST', GW_TOKEN)[0].request.body)
    assert form == {'grant_type': ['password'], 'username': ['admin'], 'password': [PASSWORD], 'client_id': ['GrantValidatorClient']}
    assert all(call.request.headers['Authorization'] == f'Bearer {TOKEN}' for call in calls_to(mock, 'GET', REST))


def test_login_falls_back_to_the_idp_when_the_gateway_has_no_idp_route(mock):
    mock.add(responses.POST, GW_TOKEN, status=404, body='<html>Not Found</html>')
    add_token(mock, url=IDP_TOKEN)
    mock.add(responses.GET, REST + '/sites', json={'array': []})
    client = make_client()
    client.get('sites')
    client.tokens.login()
    # the working URL is remembered: the gateway route is asked only once
    assert len(calls_to(mock, 'POST', GW_TOKEN)) == 1
    assert len(calls_to(mock, 'POST', IDP_TOKEN)) == 2


def test_token_is_renewed_shortly_before_it_expires():
    now = [1000.0]
    grants = []

    def grant():
        grants.append(1)
        return {'access_token': f'token-{len(grants)}', 'expires_in': 3600}

    manager = client_mod.TokenManager(grant, can_login=True, clock=lambda: now[0], wall_clock=lambda: now[0])
    assert manager.token() == 'token-1'
    now[0] += 3500  # 100 s left: still fresh (margin is 60 s)
    assert manager.token() == 'token-1'
    now[0] += 45  # 55 s left: renew now rather than fail mid-request
    assert manager.token() == 'token-2'
    assert len(grants) == 2


def test_short_lived_tokens_use_a_proportional_margin():
    now = [0.0]
    manager = client_mod.TokenManager(lambda: {'access_token': 'x', 'expires_in': 10}, can_login=True, clock=lambda: now[0])
    manager.token()
    now[0] = 8.9
    assert manager.current.is_fresh(now[0])
    now[0] = 9.1
    assert not manager.current.is_fresh(now[0])


def test_a_401_gets_a_fresh_token_and_one_repeat(mock):
    add_token(mock)
    mock.add(responses.GET, REST + '/cameras/c1', json=envelope_error(401, 'Unauthorized'), status=401)
    mock.add(responses.GET, REST + '/cameras/c1', json={'data': {'id': 'c1'}})
    client = make_client()
    assert client.get_data('cameras/c1') == {'id': 'c1'}
    assert client.token_grants == 2


def test_a_second_401_is_an_authentication_error_without_secrets(mock):
    add_token(mock)
    mock.add(responses.GET, REST + '/cameras/c1', json=envelope_error(401, 'Unauthorized'), status=401)
    client = make_client()
    with pytest.raises(AuthenticationError) as caught:
        client.get('cameras/c1')
    assert caught.value.status == 401
    assert PASSWORD not in str(caught.value) and TOKEN not in str(caught.value)
    assert client.token_grants == 2


def test_a_given_token_is_used_as_is_and_credentials_take_over_when_refused(mock):
    add_token(mock, token='fresh-token')
    mock.add(responses.GET, REST + '/sites', json=envelope_error(401, 'Unauthorized'), status=401)
    mock.add(responses.GET, REST + '/sites', json={'array': []})
    client = make_client(access_token='stale-token')
    client.get('sites')
    auth = [call.request.headers['Authorization'] for call in calls_to(mock, 'GET', REST)]
    assert auth == ['Bearer stale-token', 'Bearer fresh-token']


def test_a_given_token_without_credentials_fails_clearly_when_refused(mock):
    mock.add(responses.GET, REST + '/sites', json=envelope_error(401, 'Unauthorized'), status=401)
    client = make_client(username=None, password=None, access_token='stale-token')
    with pytest.raises(AuthenticationError, match='no username/password were given') as caught:
        client.get('sites')
    assert 'stale-token' not in str(caught.value)
    assert calls_to(mock, 'POST', BASE) == []


def test_a_given_jwt_is_renewed_from_its_exp_claim():
    import base64
    import time as time_mod
    payload = base64.urlsafe_b64encode(json.dumps({'exp': int(time_mod.time()) + 30}).encode()).decode().rstrip('=')
    jwt = f'eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln'
    manager = client_mod.TokenManager(lambda: {'access_token': 'new', 'expires_in': 3600}, can_login=True, access_token=jwt)
    assert 25 < manager.current.expires_in <= 30
    assert manager.token() == jwt  # 30 s left, margin is 3 s
    assert client_mod.TokenManager(lambda: {}, can_login=False, access_token='opaque').current.expires_in is None


@pytest.mark.parametrize('body, expected', [
    ({'error': 'invalid_grant', 'error_description': 'invalid_username_or_password', 'error_code': 'InvalidCredentials'},
     'the user name or password is wrong'),
    ({'error': 'invalid_grant', 'error_code': 'LockedOut'}, 'locked out'),
    ({'error': 'invalid_client'}, 'does not accept this client'),
])
def test_idp_refusals_read_as_sentences_without_the_password(mock, body, expected):
    mock.add(responses.POST, GW_TOKEN, json=body, status=400)
    with pytest.raises(AuthenticationError) as caught:
        make_client().get('sites')
    message = str(caught.value)
    assert expected in message and "user 'admin'" in message and message.startswith('Could not log in')
    assert PASSWORD not in message
    # the error names where the login was refused, as connection errors do
    assert caught.value.to_dict()['path'] == '/API/IDP/connect/token' and caught.value.to_dict()['method'] == 'POST'


def test_concurrent_requests_share_one_login(mock):
    add_token(mock)
    mock.add(responses.GET, REST + '/sites', json={'array': []})
    client = make_client()
    threads = [threading.Thread(target=client.get, args=('sites',)) for _thread in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.token_grants == 1


def test_api_discovery_reads_the_gateway_and_idp_from_the_management_server(mock):
    mock.add(responses.GET, BASE + '/api/.well-known/uris', json={
        'ProductVersion': '25.1.1804.0', 'IdentityProvider': BASE + '/IDP', 'ApiGateways': ['https://gw.example.com/API/']})
    mock.add(responses.GET, BASE + '/IDP/.well-known/openid-configuration', json={'token_endpoint': BASE + '/IDP/connect/token'})
    add_token(mock, url=IDP_TOKEN)
    mock.add(responses.GET, 'https://gw.example.com/api/rest/v1/sites', json={'array': [{'id': 's'}]})
    client = make_client(api_discovery=True)
    assert client.list('sites') == [{'id': 's'}]
    assert client.rest_url == 'https://gw.example.com/api/rest/v1'


# -- retries -------------------------------------------------------------------------------------------

def test_get_is_retried_on_503_then_succeeds(mock):
    add_token(mock)
    mock.add(responses.GET, REST + '/sites', json=envelope_error(503, 'Service Unavailable'), status=503)
    mock.add(responses.GET, REST + '/sites', json={'array': []})
    assert make_client().get('sites') == {'array': []}
    assert len(calls_to(mock, 'GET', REST)) == 2


def test_retries_give_up_with_the_last_answer(mock):
    add_token(mock)
    mock.add(responses.GET, REST + '/sites', json=envelope_error(502, 'Bad Gateway'), status=502)
    with pytest.raises(ServerError) as caught:
        make_client(retries=2).get('sites')
    assert caught.value.status == 502 and caught.value.details == ['Bad Gateway']
    assert len(calls_to(mock, 'GET', REST)) == 3


def test_post_is_repeated_after_503_because_the_gateway_did_not_process_it(mock):
    add_token(mock)
    mock.add(responses.POST, REST + '/userDefinedEvents', json=envelope_error(503, 'busy'), status=503)
    mock.add(responses.POST, REST + '/userDefinedEvents', json={'result': {'id': 'e1', 'name': 'A'}}, status=201)
    assert make_client().create('userDefinedEvents', {'name': 'A'}) == {'id': 'e1', 'name': 'A'}


def test_an_ambiguous_post_failure_looks_before_it_repeats(mock):
    add_token(mock)
    mock.add(responses.POST, REST + '/userDefinedEvents', json=envelope_error(504, 'Gateway Timeout'), status=504)
    lookups = []

    def find_created():
        lookups.append(1)
        return {'id': 'e1', 'name': 'A'}

    assert make_client().create('userDefinedEvents', {'name': 'A'}, find_created=find_created) == {'id': 'e1', 'name': 'A'}
    assert len(calls_to(mock, 'POST', REST)) == 1, 'the POST must not be repeated when the object exists'
    assert lookups == [1]


def test_an_ambiguous_post_is_repeated_only_when_nothing_was_created(mock):
    add_token(mock)
    mock.add(responses.POST, REST + '/userDefinedEvents', body=requests.exceptions.ReadTimeout('read timed out'))
    mock.add(responses.POST, REST + '/userDefinedEvents', json={'result': {'id': 'e2'}}, status=201)
    assert make_client().create('userDefinedEvents', {'name': 'B'}, find_created=lambda: None) == {'id': 'e2'}
    assert len(calls_to(mock, 'POST', REST)) == 2


def test_an_ambiguous_post_without_a_lookup_is_not_repeated(mock):
    add_token(mock)
    mock.add(responses.POST, REST + '/userDefinedEvents', json=envelope_error(502, 'Bad Gateway'), status=502)
    with pytest.raises(ServerError):
        make_client().create('userDefinedEvents', {'name': 'C'})
    assert len(calls_to(mock, 'POST', REST)) == 1


def test_retry_policy_rules():
    from ansible_collections.milestone.xprotect.plugins.module_utils._retry import MAX_RETRY_AFTER, build_retry
    retry = build_retry(3)
    assert retry.is_retry('GET', 503) and retry.is_retry('PATCH', 504) and retry.is_retry('DELETE', 429)
    assert not retry.is_retry('GET', 500) and not retry.is_retry('GET', 404)
    assert retry.is_retry('POST', 503) and retry.is_retry('POST', 429)
    assert not retry.is_retry('POST', 502) and not retry.is_retry('POST', 504)
    assert build_retry(3, allow_post=True).is_retry('POST', 502)
    assert not build_retry(0).is_retry('POST', 503)

    class FakeResponse:  # pylint: disable=too-few-public-methods
        headers = {'Retry-After': '100000'}

    assert retry.get_retry_after(FakeResponse()) == MAX_RETRY_AFTER
    later = retry.increment('GET', '/x', response=None, error=None)
    later = later.increment('GET', '/x', response=None, error=None)
    assert 1.0 <= later.get_backoff_time() <= 1.5  # 0.5 * 2 ** 1 plus up to half of it as jitter


# -- errors --------------------------------------------------------------------------------------------

@pytest.mark.parametrize('status, error_class', [(400, BadRequestError), (403, PermissionDeniedError), (404, NotFoundError), (500, ServerError)])
def test_status_codes_become_typed_errors_with_the_server_text(mock, status, error_class):
    add_token(mock)
    mock.add(responses.DELETE, REST + '/userDefinedEvents/e1', json=envelope_error(status, f'text {status}'), status=status)
    with pytest.raises(error_class) as caught:
        make_client().delete('userDefinedEvents/e1', missing_ok=False, action="delete user-defined event 'A'")
    assert str(caught.value).startswith("Could not delete user-defined event 'A': the server answered HTTP")
    assert caught.value.details == [f'text {status}']


def test_delete_of_a_missing_object_is_not_an_error_by_default(mock):
    add_token(mock)
    mock.add(responses.DELETE, REST + '/userDefinedEvents/e1', json=envelope_error(404, 'Not Found'), status=404)
    assert make_client().delete('userDefinedEvents/e1') is False


def test_a_non_api_answer_says_server_url_is_wrong(mock):
    add_token(mock)
    mock.add(responses.GET, REST + '/sites', body='<html>IIS</html>', status=404)
    with pytest.raises(UnexpectedResponseError, match='server_url must point at the XProtect API Gateway'):
        make_client().get('sites')


def test_missing_envelope_is_reported(mock):
    add_token(mock)
    mock.add(responses.GET, REST + '/sites', json={'items': []})
    with pytest.raises(UnexpectedResponseError, match='"array" envelope'):
        make_client().list('sites')


@pytest.mark.parametrize('exception, error_class, text', [
    (requests.exceptions.SSLError('certificate verify failed: self-signed certificate'), TLSError, 'ca_path'),
    (requests.exceptions.ConnectionError('Connection refused'), ConnectionFailedError, 'Check server_url'),
    (requests.exceptions.ReadTimeout('timed out'), RequestTimeoutError, 'did not answer within 30 s'),
])
def test_transport_failures_become_typed_errors_with_advice(mock, exception, error_class, text):
    mock.add(responses.POST, GW_TOKEN, body=exception)
    with pytest.raises(error_class, match=re.escape(text)) as caught:
        make_client().get('sites')
    assert PASSWORD not in str(caught.value)


def test_redact_hides_password_and_tokens(mock):
    add_token(mock)
    mock.add(responses.GET, REST + '/sites', json={'array': []})
    client = make_client()
    client.get('sites')
    assert client.redact(f'x {PASSWORD} y {TOKEN}') == 'x ******** y ********'


# -- paging --------------------------------------------------------------------------------------------

def paged_callback(items, honour_paging=True):
    def callback(request):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)
        if not honour_paging:
            return 200, {}, json.dumps({'array': items})
        page, size = int(query['page'][0]), int(query['size'][0])
        return 200, {}, json.dumps({'array': items[page * size:(page + 1) * size]})
    return callback


@pytest.mark.parametrize('count, requests_expected', [(0, 1), (499, 1), (500, 2), (1201, 3), (5000, 11)])
def test_list_reads_every_page(mock, count, requests_expected):
    add_token(mock)
    items = [{'id': f'c{i}'} for i in range(count)]
    mock.add_callback(responses.GET, REST + '/cameras', callback=paged_callback(items))
    assert make_client().list('cameras', params=[('disabled', None)]) == items
    gets = calls_to(mock, 'GET', REST)
    assert len(gets) == requests_expected
    assert gets[0].request.url.endswith('?disabled&page=0&size=500')


@pytest.mark.parametrize('count', [10, 500, 1200])
def test_list_survives_a_server_that_ignores_paging(mock, count):
    add_token(mock)
    items = [{'id': f'c{i}'} for i in range(count)]
    mock.add_callback(responses.GET, REST + '/cameras/x/ptzPresets', callback=paged_callback(items, honour_paging=False))
    assert make_client().list('cameras/x/ptzPresets') == items


# -- tasks ---------------------------------------------------------------------------------------------

def test_invoke_task_and_cleanup(mock):
    add_token(mock)
    mock.add(responses.POST, REST + '/cameras/c1/ptzPresets?task=GetDevicePresets',
             json={'result': {'sessionDataId': 0, 'state': 'Idle', 'path': {'type': 'tasks', 'id': '81'}}})
    mock.add(responses.POST, REST + '/tasks/81?task=TaskCleanup', json={'result': {'state': 'Success'}})
    client = make_client()
    result = client.invoke_task('cameras/c1/ptzPresets', 'GetDevicePresets', {'sessionDataId': 0})
    assert task_id_of(result) == '81'
    assert json.loads(calls_to(mock, 'POST', REST)[0].request.body) == {'sessionDataId': 0}
    assert client.cleanup_task('81') == 'cleaned'


def test_cleanup_tolerates_the_legacy_400_and_missing_tasks(mock):
    add_token(mock)
    mock.add(responses.POST, REST + '/tasks/5?task=TaskCleanup', status=400,
             json=envelope_error(400, 'Bad request -not supported, Method flow missing next MethodId'))
    mock.add(responses.POST, REST + '/tasks/6?task=TaskCleanup', status=404, json=envelope_error(404, 'Not Found'))
    mock.add(responses.POST, REST + '/tasks/7?task=TaskCleanup', status=400, json=envelope_error(400, 'Something else'))
    client = make_client()
    assert client.cleanup_task('5') == 'cleaned-legacy'
    assert client.cleanup_task('6') == 'gone'
    with pytest.raises(BadRequestError):
        client.cleanup_task('7')


def test_list_tasks_uses_valueless_flags(mock):
    add_token(mock)
    mock.add(responses.GET, REST + '/cameras/c1/ptzPresets?tasks&noData',
             json={'tasks': [{'id': 'DefaultPtzPreset', 'displayName': 'Set default PTZ preset'}]})
    assert make_client().list_tasks('cameras/c1/ptzPresets') == [{'id': 'DefaultPtzPreset', 'displayName': 'Set default PTZ preset'}]


# -- lost answers, paging fallbacks and library compatibility -----------------------------------------

def test_a_lost_answer_on_the_only_attempt_is_still_looked_up(mock):
    add_token(mock)
    mock.add(responses.POST, REST + '/userDefinedEvents', json=envelope_error(504, 'Gateway Timeout'), status=504)
    events = []

    def sleep(seconds):
        events.append(('sleep', seconds))

    def find_created():
        events.append(('look', None))
        return {'id': 'e1', 'name': 'A'}

    client = XProtectClient(ConnectionSettings(server_url=BASE, username='admin', password=PASSWORD, retries=0, backoff_factor=0.01),
                            sleep=sleep)
    assert client.create('userDefinedEvents', {'name': 'A'}, find_created=find_created) == {'id': 'e1', 'name': 'A'}
    assert [kind for kind, _seconds in events] == ['sleep', 'look'], 'the server gets time to finish before the look'


def test_a_lost_answer_that_left_no_trace_fails_after_the_last_look(mock):
    add_token(mock)
    mock.add(responses.POST, REST + '/userDefinedEvents', json=envelope_error(502, 'Bad Gateway'), status=502)
    looks = []
    with pytest.raises(ServerError) as caught:
        make_client(retries=1).create('userDefinedEvents', {'name': 'A'}, find_created=lambda: looks.append(1))
    assert caught.value.ambiguous
    assert len(calls_to(mock, 'POST', REST)) == 2 and len(looks) == 2


def test_a_server_that_ignores_page_but_honours_size_is_read_without_paging(mock):
    add_token(mock)
    items = [{'id': f'c{i}'} for i in range(1200)]

    def callback(request):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)
        if 'size' in query:
            return 200, {}, json.dumps({'array': items[:int(query['size'][0])]})
        return 200, {}, json.dumps({'array': items})

    mock.add_callback(responses.GET, REST + '/cameras', callback=callback)
    assert make_client().list('cameras') == items
    assert [call.request.url.split('?')[1] if '?' in call.request.url else '' for call in calls_to(mock, 'GET', REST)] == [
        'page=0&size=500', 'page=1&size=500', '']


def test_stop_task(mock):
    add_token(mock)
    mock.add(responses.POST, REST + '/tasks/9?task=TaskStop', json={'result': {'state': 'Success'}})
    assert make_client().stop_task('9') == {'state': 'Success'}


def test_backoff_works_with_urllib3_1_26_which_has_no_backoff_max_attribute():
    from ansible_collections.milestone.xprotect.plugins.module_utils._retry import build_retry
    retry = build_retry(3).increment('GET', '/x', response=None, error=None)
    retry.__dict__.pop('backoff_max', None)
    assert 0.5 <= retry.get_backoff_time() <= 0.75


def test_error_messages_name_the_method_of_a_bad_envelope(mock):
    add_token(mock)
    mock.add(responses.PATCH, REST + '/userDefinedEvents/e1', json={'event': {}})
    with pytest.raises(UnexpectedResponseError, match='PATCH userDefinedEvents/e1 answered without the "data" envelope'):
        make_client().update('userDefinedEvents/e1', {'name': 'B'})


def test_environment_proxies_are_honoured_and_read_once_per_host(monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example.com:3128')
    monkeypatch.setenv('NO_PROXY', 'direct.example.com')
    client = XProtectClient(ConnectionSettings(server_url='https://vms.example.com', username='admin', password='pw-for-proxies'))
    transport = client.transport
    assert transport.proxies_for('https://vms.example.com/api/rest/v1/cameras')['https'] == 'http://proxy.example.com:3128'
    assert 'https' not in transport.proxies_for('https://direct.example.com/IDP/connect/token')
    monkeypatch.setenv('HTTPS_PROXY', 'http://another.example.com:8080')
    assert transport.proxies_for('https://vms.example.com/api/rest/v1/hardware')['https'] == 'http://proxy.example.com:3128'
    assert transport.session.trust_env is False, 'requests must not read the environment again on every request'
