# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows users: the client, a module and the simulator's IDP in a real NTLM exchange (requests-ntlm against pyspnego).

Nothing here is mocked: the simulator's token endpoint runs pyspnego's NTLM acceptor, and the client logs in
with requests-ntlm over TLS, channel binding included.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import ssl
import sys
import time

import pytest
import requests
import spnego
from requests_ntlm import HttpNtlmAuth
from spnego.channel_bindings import GssChannelBindings

from harness import collections_path, run_playbook
from simulator import ntlm
from simulator.config import User, config_from_args
from simulator.process import SimulatorProcess

sys.path.insert(0, collections_path())

# pylint: disable=wrong-import-position
from ansible_collections.milestone.xprotect.plugins.module_utils._client import ConnectionSettings, XProtectClient  # noqa: E402
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import (  # noqa: E402
    AuthenticationError,
    ConfigurationError,
    PermissionDeniedError,
)

ALICE, ALICE_PASSWORD = 'CORP\\alice', 'Alice-Pw-7f3k'
BOB, BOB_PASSWORD = 'bob@corp.example.com', 'Bob-Pw-9q2m'
WRONG_PASSWORD = 'Not-Her-Pw-4x8z'
WINDOWS_USERS = ('--windows-user', f'{ALICE}:{ALICE_PASSWORD}', '--windows-user', f'{BOB}:{BOB_PASSWORD}:operator')
SECRETS = (ALICE_PASSWORD, BOB_PASSWORD, WRONG_PASSWORD)
WINDOWS_FORM = {'grant_type': 'windows_credentials', 'client_id': 'GrantValidatorClient'}
NTLM_LEGS = [('/IDP/connect/token', 401), ('/IDP/connect/token', 401), ('/IDP/connect/token', 200)]
REFUSED_LEGS = [('/IDP/connect/token', 401), ('/IDP/connect/token', 401), ('/IDP/connect/token', 400)]


@pytest.fixture(scope='module', name='windows_sim_session')
def windows_sim_session_fixture():
    """One simulator with two Windows users for this module; verbose, so its log can be checked for secrets."""
    sim = SimulatorProcess('--cameras', '4', '--verbose', *WINDOWS_USERS)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture(name='windows_sim')
def windows_sim_fixture(windows_sim_session):
    windows_sim_session.reset()
    return windows_sim_session


def make_client(sim, **overrides):
    values = dict(server_url=sim.url, username=ALICE, password=ALICE_PASSWORD, auth_type='windows', ca_path=sim.ca_file,
                  timeout=10, retries=1, backoff_factor=0.1)
    values.update(overrides)
    return XProtectClient(ConnectionSettings(**values))


def idp_legs(sim):
    return [(entry['path'], entry['status']) for entry in sim.requests_log(kind='idp')]


def claims_of(token):
    payload = token.split('.')[1]
    return json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)))


def session_for(sim):
    session = requests.Session()
    session.trust_env = False
    session.verify = sim.ca_file
    return session


# -- the client ----------------------------------------------------------------------------------------

def test_a_windows_user_logs_in_with_a_real_ntlm_handshake(windows_sim):
    client = make_client(windows_sim)
    assert len(client.list('userDefinedEvents')) == 3
    created = client.create('userDefinedEvents', {'name': 'Made by a Windows user'})
    assert created['name'] == 'Made by a Windows user'
    assert idp_legs(windows_sim) == NTLM_LEGS, 'negotiate, challenge, authenticate: all at the IDP itself, never /API/IDP'
    assert windows_sim.stats()['token_grants'] == 1 and client.token_grants == 1
    claims = claims_of(client.tokens.current.value)
    assert (claims['name'], claims['idp']) == (ALICE, 'windows')


def test_a_upn_account_logs_in_and_keeps_its_role(windows_sim):
    bob = make_client(windows_sim, username=BOB, password=BOB_PASSWORD)
    assert bob.list('sites')
    with pytest.raises(PermissionDeniedError):
        bob.create('userDefinedEvents', {'name': 'Operators may not'})
    assert windows_sim.stats()['token_grants'] == 1


@pytest.mark.parametrize('username, password', [(ALICE, WRONG_PASSWORD), ('CORP\\mallory', ALICE_PASSWORD), ('OTHER\\alice', ALICE_PASSWORD)],
                         ids=['wrong-password', 'unknown-user', 'wrong-domain'])
def test_wrong_credentials_are_refused_clearly(windows_sim, username, password):
    with pytest.raises(AuthenticationError) as caught:
        make_client(windows_sim, username=username, password=password).get('sites')
    message = str(caught.value)
    assert message.startswith(f"Could not log in: the identity provider refused Windows user '{username}' "
                              '(HTTP 400, InvalidCredentials: the user name or password is wrong)'), message
    assert not any(secret in message for secret in SECRETS)
    assert idp_legs(windows_sim) == REFUSED_LEGS, 'the refusal comes from a completed NTLM exchange'
    assert windows_sim.stats()['token_grants'] == 0


def test_basic_credentials_sent_as_windows(windows_sim):
    with pytest.raises(ConfigurationError, match=r"DOMAIN\\user or user@domain \(not 'admin'\).*use auth_type basic"):
        make_client(windows_sim, username='admin', password='admin')
    assert idp_legs(windows_sim) == [], 'a name without a domain is refused before anything is sent'
    with pytest.raises(AuthenticationError, match=r"refused Windows user 'XPMS01\\admin' \(HTTP 400, InvalidCredentials"):
        make_client(windows_sim, username='XPMS01\\admin', password='admin').get('sites')
    assert idp_legs(windows_sim) == REFUSED_LEGS, 'a basic user is no Windows account, whatever domain is put before it'


def test_windows_credentials_sent_as_basic(windows_sim):
    with pytest.raises(AuthenticationError) as caught:
        make_client(windows_sim, auth_type='basic').get('sites')
    message = str(caught.value)
    assert "refused user 'CORP\\alice' (HTTP 400, InvalidCredentials" in message
    assert "'CORP\\alice' looks like a Windows account: Windows users log in with auth_type windows" in message
    assert ALICE_PASSWORD not in message
    assert idp_legs(windows_sim) == [('/API/IDP/connect/token', 400)], 'the password grant, which knows no Windows user'


def test_windows_tokens_are_renewed_before_expiry_and_after_a_401(simulator_factory):
    sim = simulator_factory('--token-ttl', '2', *WINDOWS_USERS)
    client = make_client(sim)
    client.get('sites')
    time.sleep(2.1)
    client.get('sites')
    assert sim.stats()['token_grants'] == 2
    assert 401 not in [entry['status'] for entry in sim.requests_log(kind='rest')], 'renewed before expiry, not after a 401'
    sim.faults(expire_tokens=True)
    client.get('sites')
    assert sim.stats()['token_grants'] == 3
    assert [entry['status'] for entry in sim.requests_log(kind='rest')][-2:] == [401, 200]
    assert idp_legs(sim) == NTLM_LEGS * 3, 'every renewal is a full NTLM login'


def test_with_api_discovery_windows_users_log_in_at_the_discovered_idp(windows_sim):
    assert make_client(windows_sim, api_discovery=True).list('sites')
    log = [(entry['kind'], entry['path'], entry['status']) for entry in windows_sim.requests_log() if entry['kind'] != 'rest']
    assert log == [('discovery', '/api/.well-known/uris', 200), ('idp', '/IDP/.well-known/openid-configuration', 200)] + [
        ('idp', path, status) for path, status in NTLM_LEGS]


def test_an_iis_style_401_refusal_and_a_client_without_channel_binding(simulator_factory):
    sim = simulator_factory('--windows-failure-status', '401', '--ntlm-channel-binding', 'off', *WINDOWS_USERS)
    with pytest.raises(AuthenticationError) as caught:
        make_client(sim, password=WRONG_PASSWORD).get('sites')
    assert "refused Windows user 'CORP\\alice' (HTTP 401, invalid_grant: the user name or password is wrong)" in str(caught.value)
    assert make_client(sim).get('sites')['array']
    without_binding = session_for(sim).post(sim.url + '/IDP/connect/token', data=WINDOWS_FORM,
                                            auth=HttpNtlmAuth(ALICE, ALICE_PASSWORD, send_cbt=False))
    assert without_binding.status_code == 200, 'with --ntlm-channel-binding off a client may omit the binding'


def test_a_playbook_runs_modules_as_a_windows_user(windows_sim):
    playbook = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'create', 'milestone.xprotect.user_defined_event': {'name': 'Windows made this'}},
        {'name': 'read', 'milestone.xprotect.user_defined_event_info': {'name': 'Windows made this'}},
        {'name': 'wrong password', 'milestone.xprotect.user_defined_event_info': {'password': WRONG_PASSWORD}, 'ignore_errors': True},
    ]}]
    env = {'XPROTECT_AUTH_TYPE': 'windows', 'XPROTECT_USERNAME': ALICE, 'XPROTECT_PASSWORD': ALICE_PASSWORD}
    run = run_playbook(windows_sim, playbook, env=env)
    assert run.rc == 0, run.explain()
    assert run.result('create')['changed'] is True
    assert [event['name'] for event in run.result('read')['events']] == ['Windows made this']
    refused = run.records('wrong password')[-1]
    assert refused['status'] == 'failed'
    assert "the identity provider refused Windows user 'CORP\\alice' (HTTP 400, InvalidCredentials" in refused['result']['msg']
    assert not any(secret in run.output for secret in SECRETS), 'no password in ansible-playbook output'
    assert windows_sim.stats()['token_grants'] == 2
    assert idp_legs(windows_sim) == NTLM_LEGS * 2 + REFUSED_LEGS


# -- the simulator's IDP -------------------------------------------------------------------------------

def test_the_token_endpoint_challenges_and_the_gateway_does_not_pass_ntlm(windows_sim):
    session = session_for(windows_sim)
    challenge = session.post(windows_sim.url + '/IDP/connect/token', data=WINDOWS_FORM)
    assert challenge.status_code == 401 and challenge.content == b''
    assert challenge.headers['WWW-Authenticate'] == 'Negotiate, NTLM'
    with pytest.raises(PermissionError, match='did not respond with NTLM challenge token'):
        session.post(windows_sim.url + '/API/IDP/connect/token', data=WINDOWS_FORM, auth=HttpNtlmAuth(ALICE, ALICE_PASSWORD))
    as_basic = session.post(windows_sim.url + '/IDP/connect/token',
                            data={'grant_type': 'password', 'username': ALICE, 'password': ALICE_PASSWORD, 'client_id': 'GrantValidatorClient'})
    assert (as_basic.status_code, as_basic.json()['error']) == (400, 'invalid_grant')
    assert windows_sim.stats()['token_grants'] == 0


def test_negotiate_takes_spnego_wrapped_ntlm_with_channel_binding(windows_sim):
    der = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(('127.0.0.1', windows_sim.port)))
    bindings = GssChannelBindings(application_data=b'tls-server-end-point:' + hashlib.sha256(der).digest())
    context = spnego.client(BOB, BOB_PASSWORD, hostname='127.0.0.1', service='HTTP', protocol='negotiate',
                            options=spnego.NegotiateOptions.use_negotiate, channel_bindings=bindings)
    session = session_for(windows_sim)
    answer = None
    token = context.step()
    while token:
        answer = session.post(windows_sim.url + '/IDP/connect/token', data=WINDOWS_FORM,
                              headers={'Authorization': 'Negotiate ' + base64.b64encode(token).decode()})
        offered = answer.headers.get('WWW-Authenticate', '')
        token = context.step(base64.b64decode(offered.split(' ', 1)[1])) if offered.startswith('Negotiate ') else None
    assert answer.status_code == 200 and claims_of(answer.json()['access_token'])['name'] == BOB
    assert context.complete, 'the final SPNEGO token came back with the answer'


def test_the_channel_binding_is_required_over_tls(windows_sim):
    session = session_for(windows_sim)
    refused = session.post(windows_sim.url + '/IDP/connect/token', data=WINDOWS_FORM, auth=HttpNtlmAuth(ALICE, ALICE_PASSWORD, send_cbt=False))
    assert (refused.status_code, refused.json()['error']) == (400, 'invalid_grant')
    assert 'BadBindingsError' in windows_sim.stderr()
    accepted = session.post(windows_sim.url + '/IDP/connect/token', data=WINDOWS_FORM, auth=HttpNtlmAuth(ALICE, ALICE_PASSWORD))
    assert accepted.status_code == 200


def test_the_negotiate_leg_may_come_without_the_form(windows_sim):
    context = spnego.client(ALICE, ALICE_PASSWORD, protocol='ntlm', options=spnego.NegotiateOptions.use_ntlm)
    session = session_for(windows_sim)
    challenge = session.post(windows_sim.url + '/IDP/connect/token', headers={'Authorization': 'NTLM ' + base64.b64encode(context.step()).decode()})
    assert challenge.status_code == 401 and challenge.headers['WWW-Authenticate'].startswith('NTLM ')


def test_the_ntlm_legs_must_share_one_connection(windows_sim):
    context = spnego.client(ALICE, ALICE_PASSWORD, protocol='ntlm', options=spnego.NegotiateOptions.use_ntlm)
    first = session_for(windows_sim)
    challenge = first.post(windows_sim.url + '/IDP/connect/token', data=WINDOWS_FORM,
                           headers={'Authorization': 'NTLM ' + base64.b64encode(context.step()).decode()})
    assert challenge.status_code == 401
    authenticate = context.step(base64.b64decode(challenge.headers['WWW-Authenticate'].split(' ', 1)[1]))
    other = session_for(windows_sim)  # a new connection, as a client without keep-alive would open
    answer = other.post(windows_sim.url + '/IDP/connect/token', data=WINDOWS_FORM,
                        headers={'Authorization': 'NTLM ' + base64.b64encode(authenticate).decode()})
    assert (answer.status_code, answer.json()['error']) == (400, 'invalid_grant')
    assert 'did not keep the connection open' in windows_sim.stderr()


def test_no_secret_reaches_the_simulator_log_or_its_config(windows_sim):
    with pytest.raises(AuthenticationError):
        make_client(windows_sim, password=WRONG_PASSWORD).get('sites')
    client = make_client(windows_sim)
    client.get('sites')
    log = windows_sim.stderr()
    assert 'Windows login refused (NTLM)' in log and '/IDP/connect/token -> 200' in log
    assert not any(secret in log for secret in SECRETS) and client.tokens.current.value not in log
    status, config = windows_sim.request('GET', '/_simulator/config')
    assert status == 200
    assert config['windows_users'] == [{'name': ALICE, 'role': 'administrator'}, {'name': BOB, 'role': 'operator'}]
    assert not any(secret in json.dumps(config) for secret in SECRETS)


@pytest.mark.parametrize('value, expected', [
    ('alice:Secret-1', "a Windows user is DOMAIN\\NAME or NAME@DOMAIN, not 'alice'"),
    ('CORP\\alice:Sec:ret-1', "Windows user 'CORP\\alice': expected DOMAIN\\NAME:PASSWORD[:ROLE]"),
    ('CORP\\alice:', "Windows user 'CORP\\alice' needs a password"),
])
def test_the_windows_user_switch_is_checked_without_echoing_the_password(capsys, value, expected):
    with pytest.raises(SystemExit):
        config_from_args(['--windows-user', value])
    error = capsys.readouterr().err
    assert expected in error and 'Secret-1' not in error and 'ret-1' not in error


@pytest.mark.parametrize('in_memory', [True, False], ids=['memfd', 'private-file'])
def test_the_ntlm_user_file_lives_only_while_the_simulator_runs(monkeypatch, in_memory):
    if not in_memory:
        monkeypatch.delattr(os, 'memfd_create', raising=False)  # as on systems without memfd (macOS)
    monkeypatch.delenv('NTLM_USER_FILE', raising=False)
    users = [User(ALICE, ALICE_PASSWORD), User(BOB, BOB_PASSWORD, 'operator')]
    with ntlm.user_file(users) as path:
        assert os.environ['NTLM_USER_FILE'] == path
        with open(path, encoding='utf-8') as handle:
            assert handle.read() == f'CORP:alice:{ALICE_PASSWORD}\n:{BOB}:{BOB_PASSWORD}\n'
        assert path.startswith('/proc/self/fd/') == in_memory
        if not in_memory:
            assert os.stat(path).st_mode & 0o777 == 0o600
    assert 'NTLM_USER_FILE' not in os.environ
    assert not os.path.exists(path)
