# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the client's Windows (NTLM) login against a mocked transport (``responses``).

``responses`` cannot hold a connection open across NTLM's three legs, so these tests cover what the client
sends and how it reads the answers; the real handshake is tested against the simulator in
tests/integration/test_windows_auth.py.
"""

from __future__ import annotations

import json
import sys
import urllib.parse

import pytest
import responses

from requests_ntlm import HttpNtlmAuth

from ansible_collections.milestone.xprotect.plugins.module_utils._client import ConnectionSettings, XProtectClient
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import AuthenticationError, ConfigurationError, NotFoundError
from ansible_collections.milestone.xprotect.plugins.modules import user_defined_event_info
from ansible_collections.milestone.xprotect.tests.unit.plugins.modules.module_args import patch_module_args

BASE = 'https://vms.example.com'
IDP_TOKEN = BASE + '/IDP/connect/token'
GATEWAY_TOKEN = BASE + '/API/IDP/connect/token'
USER = 'CORP\\alice'
PASSWORD = 'W1ndows-Secret!'
TOKEN = 'tok-windows-0123456789'


def make_client(**overrides):
    values = dict(server_url=BASE, username=USER, password=PASSWORD, auth_type='windows', retries=0, backoff_factor=0)
    values.update(overrides)
    return XProtectClient(ConnectionSettings(**values), sleep=lambda seconds: None)


def token_body(token=TOKEN):
    return {'access_token': token, 'expires_in': 3600, 'token_type': 'Bearer', 'scope': 'managementserver'}


@pytest.fixture
def without_requests_ntlm(monkeypatch):
    """Make ``import requests_ntlm`` fail as it does where the package is not installed."""
    monkeypatch.setitem(sys.modules, 'requests_ntlm', None)


# -- settings ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('username', ['CORP\\alice', 'corp.example.com\\alice', 'VMS01\\svc-ansible', 'alice@corp.example.com'])
def test_windows_accounts_with_a_domain_are_accepted(username):
    assert make_client(username=username).settings.username == username


@pytest.mark.parametrize('username', ['alice', 'CORP\\', '\\alice', 'CORP\\alice\\x', '@corp.example.com', 'alice@'])
def test_windows_accounts_without_a_domain_are_refused_before_anything_is_sent(mock, username):
    with pytest.raises(ConfigurationError) as caught:
        make_client(username=username)
    message = str(caught.value)
    assert 'DOMAIN\\user or user@domain' in message and f"'{username}'" in message and 'auth_type basic' in message
    assert PASSWORD not in message
    assert len(mock.calls) == 0


def test_a_basic_user_name_with_a_backslash_is_still_allowed_for_basic():
    assert make_client(auth_type='basic').settings.auth_type == 'basic'


# -- the grant -----------------------------------------------------------------------------------------

def test_the_windows_grant_goes_to_the_idp_itself_with_ntlm(mock):
    mock.add(responses.POST, IDP_TOKEN, json=token_body())
    mock.add(responses.GET, BASE + '/api/rest/v1/sites', json={'array': []})
    client = make_client()
    assert len(mock.calls) == 0, 'the login is lazy'
    client.get('sites')
    client.get('sites')
    token_calls = [call for call in mock.calls if call.request.method == 'POST']
    assert [call.request.url for call in token_calls] == [IDP_TOKEN], 'never the gateway route, and one login for both requests'
    request = token_calls[0].request
    assert urllib.parse.parse_qs(request.body) == {'grant_type': ['windows_credentials'], 'client_id': ['GrantValidatorClient']}
    assert request.headers['Content-Type'] == 'application/x-www-form-urlencoded'
    assert request.headers['Connection'] == 'Keep-Alive', 'NTLM authenticates the connection: it must stay open'
    assert 'Authorization' not in request.headers, 'the first leg carries no credentials; the NTLM hook answers the challenge'
    ntlm_hooks = [hook.__self__ for hook in request.hooks['response'] if isinstance(getattr(hook, '__self__', None), HttpNtlmAuth)]
    assert [(auth.username, auth.password) for auth in ntlm_hooks] == [(USER, PASSWORD)]
    assert mock.calls[1].request.headers['Authorization'] == f'Bearer {TOKEN}'


def test_with_api_discovery_the_windows_grant_goes_to_the_discovered_idp(mock):
    mock.add(responses.GET, BASE + '/api/.well-known/uris', json={
        'ProductVersion': '25.1.1804.0', 'IdentityProvider': 'https://mgmt.example.com/IDP', 'ApiGateways': ['https://gw.example.com/API/']})
    mock.add(responses.GET, 'https://mgmt.example.com/IDP/.well-known/openid-configuration',
             json={'token_endpoint': 'https://mgmt.example.com/IDP/connect/token'})
    mock.add(responses.POST, 'https://mgmt.example.com/IDP/connect/token', json=token_body())
    mock.add(responses.GET, 'https://gw.example.com/api/rest/v1/sites', json={'array': [{'id': 's'}]})
    assert make_client(api_discovery=True).list('sites') == [{'id': 's'}]
    assert [call.request.url for call in mock.calls if call.request.method == 'POST'] == ['https://mgmt.example.com/IDP/connect/token']


def test_a_windows_token_is_renewed_after_a_401_with_a_new_ntlm_login(mock):
    mock.add(responses.POST, IDP_TOKEN, json=token_body('first-token'))
    mock.add(responses.POST, IDP_TOKEN, json=token_body('second-token'))
    mock.add(responses.GET, BASE + '/api/rest/v1/sites', status=401,
             json={'error': {'httpCode': 401, 'details': [{'errorText': 'Unauthorized'}]}})
    mock.add(responses.GET, BASE + '/api/rest/v1/sites', json={'array': []})
    client = make_client()
    assert client.get('sites') == {'array': []}
    assert client.token_grants == 2
    assert [call.request.headers.get('Authorization') for call in mock.calls if call.request.method == 'GET'] == [
        'Bearer first-token', 'Bearer second-token']
    assert [urllib.parse.parse_qs(call.request.body)['grant_type'] for call in mock.calls if call.request.method == 'POST'] == [
        ['windows_credentials'], ['windows_credentials']]


# -- refusals ------------------------------------------------------------------------------------------

def test_the_idps_refusal_names_the_windows_user_and_not_the_password(mock):
    mock.add(responses.POST, IDP_TOKEN, status=400,
             json={'error': 'invalid_grant', 'error_description': 'invalid_username_or_password', 'error_code': 'InvalidCredentials'})
    with pytest.raises(AuthenticationError) as caught:
        make_client().get('sites')
    message = str(caught.value)
    assert message.startswith("Could not log in: the identity provider refused Windows user 'CORP\\alice' (HTTP 400, InvalidCredentials")
    assert 'an XProtect basic user logs in with auth_type basic' in message
    assert PASSWORD not in message


def test_an_idp_that_does_not_offer_ntlm_is_named(mock):
    mock.add(responses.POST, IDP_TOKEN, status=401, headers={'WWW-Authenticate': 'Bearer'}, body='')
    with pytest.raises(AuthenticationError) as caught:
        make_client().get('sites')
    message = str(caught.value)
    assert '/IDP/connect/token answered HTTP 401 without offering NTLM (WWW-Authenticate: Bearer)' in message
    assert 'api_discovery=true' in message and PASSWORD not in message


def test_a_handshake_without_an_ntlm_challenge_is_an_authentication_error(mock):
    # What requests-ntlm raises when the second leg's answer carries no NTLM challenge (a proxy that drops NTLM).
    mock.add(responses.POST, IDP_TOKEN, body=PermissionError('Access denied: Server did not respond with NTLM challenge token'))
    with pytest.raises(AuthenticationError) as caught:
        make_client().get('sites')
    message = str(caught.value)
    assert "the NTLM handshake for Windows user 'CORP\\alice' with /IDP/connect/token failed" in message
    assert 'did not respond with NTLM challenge token' in message and PASSWORD not in message


def test_no_idp_on_server_url_says_where_windows_users_log_in(mock):
    mock.add(responses.POST, IDP_TOKEN, status=404, body='<html>Not Found</html>')
    with pytest.raises(NotFoundError) as caught:
        make_client().get('sites')
    assert 'identity provider on the management server' in str(caught.value)
    assert [call.request.url for call in mock.calls] == [IDP_TOKEN], 'a Windows login never falls back to the gateway route'


def test_windows_looking_names_given_as_basic_get_a_hint(mock):
    mock.add(responses.POST, GATEWAY_TOKEN, status=400,
             json={'error': 'invalid_grant', 'error_description': 'invalid_username_or_password', 'error_code': 'InvalidCredentials'})
    with pytest.raises(AuthenticationError) as caught:
        make_client(auth_type='basic').get('sites')
    assert "'CORP\\alice' looks like a Windows account: Windows users log in with auth_type windows" in str(caught.value)


# -- requests-ntlm missing -----------------------------------------------------------------------------

def test_without_requests_ntlm_the_client_says_what_to_install(without_requests_ntlm):
    with pytest.raises(ConfigurationError) as caught:
        make_client()
    message = str(caught.value)
    assert 'auth_type windows needs the Python library requests-ntlm' in message and 'pip install requests-ntlm' in message
    assert PASSWORD not in message


def test_without_requests_ntlm_basic_users_and_given_tokens_still_work(without_requests_ntlm, mock):
    mock.add(responses.GET, BASE + '/api/rest/v1/sites', json={'array': []})
    assert make_client(auth_type='basic', username='admin').settings.auth_type == 'basic'
    assert make_client(username=None, password=None, access_token=TOKEN).get('sites') == {'array': []}


def test_without_requests_ntlm_a_module_fails_with_the_missing_library_message(without_requests_ntlm, mock, capsys):
    args = dict(server_url=BASE, username=USER, password=PASSWORD, auth_type='windows', retries=0)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            user_defined_event_info.main()
    output = capsys.readouterr().out
    result = json.loads(output)
    assert result['failed'] is True
    assert result['msg'].startswith('Failed to import the required Python library (requests-ntlm)')
    assert 'auth_type=windows' in result['msg'] and 'pip install requests-ntlm' in result['msg']
    assert PASSWORD not in output
    assert len(mock.calls) == 0


def test_the_module_accepts_auth_type_windows(mock, capsys):
    mock.add(responses.POST, IDP_TOKEN, json=token_body())
    mock.add(responses.GET, BASE + '/api/rest/v1/userDefinedEvents', json={'array': []})
    with patch_module_args(dict(server_url=BASE, username=USER, password=PASSWORD, auth_type='windows', retries=0)):
        with pytest.raises(SystemExit):
            user_defined_event_info.main()
    output = capsys.readouterr().out
    result = json.loads(output)
    assert 'failed' not in result and result['events'] == [], output
    assert PASSWORD not in output and TOKEN not in output
