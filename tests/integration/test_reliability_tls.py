# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS: certificates are validated by default; a wrong CA, an expired certificate and a certificate for another
host fail with a clear message before any API request; plain http:// works with a warning.

The simulator's ``--tls-cert expired|wrong-host`` gives the bad certificates (signed by its own CA, so only the
one thing under test is wrong).
"""

from __future__ import annotations

import typing as t
import warnings

import pytest
import requests
import trustme
import urllib3

from harness import run_playbook
from reliability import RecordedSleeps, has_traceback

from simulator.process import SimulatorProcess

# pylint: disable=wrong-import-position,wrong-import-order
# The collection is importable once reliability (through harness) put it on sys.path.
from ansible_collections.milestone.xprotect.plugins.module_utils._client import ConnectionSettings, XProtectClient  # noqa: E402
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import TLSError  # noqa: E402

PLAYBOOK = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - {name: default validation, milestone.xprotect.camera_info: {server_url: "{{ valid }}"}, ignore_errors: true}
    - {name: with ca_path, milestone.xprotect.camera_info: {server_url: "{{ valid }}", ca_path: "{{ valid_ca }}"}}
    - {name: wrong CA, milestone.xprotect.user_defined_event_info: {server_url: "{{ valid }}", ca_path: "{{ other_ca }}"}, ignore_errors: true}
    - {name: expired, milestone.xprotect.login: {server_url: "{{ expired }}", ca_path: "{{ expired_ca }}"}, ignore_errors: true}
    - name: expired, validation off
      milestone.xprotect.user_defined_event_info: {server_url: "{{ expired }}", validate_certs: false}
    - name: wrong host
      milestone.xprotect.user_defined_events: {server_url: "{{ wrong_host }}", ca_path: "{{ wrong_host_ca }}", events: [Door forced]}
      ignore_errors: true
    - name: wrong host in the environment
      milestone.xprotect.ptz_task: {server_url: "{{ wrong_host }}", cameras: [Lobby 0001], task: GetDevicePresets}
      environment: {XPROTECT_CA_PATH: "{{ wrong_host_ca }}"}
      ignore_errors: true
    - {name: plain http, milestone.xprotect.user_defined_event: {server_url: "{{ http }}", name: Door forced}}
'''


@pytest.fixture(scope='module')
def sims() -> t.Iterator[dict[str, SimulatorProcess]]:
    started = {'valid': SimulatorProcess().start(), 'expired': SimulatorProcess('--tls-cert', 'expired').start(),
               'wrong_host': SimulatorProcess('--tls-cert', 'wrong-host').start(), 'http': SimulatorProcess(tls=False).start()}
    try:
        yield started
    finally:
        for sim in started.values():
            sim.stop()


def rest_requests(sim: SimulatorProcess) -> int:
    """REST requests the server answered; read without verification, since verifying is what fails."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', urllib3.exceptions.InsecureRequestWarning)
        return requests.get(sim.url + '/_simulator/stats', verify=False, timeout=10).json()['total_requests']


def test_certificates_are_validated_and_failures_say_why(sims: dict[str, SimulatorProcess], tmp_path: t.Any) -> None:
    other_ca = tmp_path / 'other-ca.pem'
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    extra = {'valid': sims['valid'].url, 'valid_ca': sims['valid'].ca_file, 'other_ca': str(other_ca), 'expired': sims['expired'].url,
             'expired_ca': sims['expired'].ca_file, 'wrong_host': sims['wrong_host'].url, 'wrong_host_ca': sims['wrong_host'].ca_file,
             'http': sims['http'].url}
    run = run_playbook(None, PLAYBOOK, extra_vars=extra, connection=False, env={'XPROTECT_USERNAME': 'admin', 'XPROTECT_PASSWORD': 'admin'})
    # (reason, advice): the advice fits the reason and never suggests an option already set
    reasons = {
        'default validation': ('unable to get local issuer certificate', 'set ca_path to its CA certificate'),
        'wrong CA': ('unable to get local issuer certificate', 'does not hold the CA that signed the server\'s certificate'),
        'expired': ('certificate has expired', 'has expired: renew it'),
        'wrong host': ("certificate is not valid for '127.0.0.1'", 'use in server_url the host name the certificate was issued for'),
        'wrong host in the environment': ("certificate is not valid for '127.0.0.1'", 'the host name the certificate was issued for'),
    }
    for task, (reason, advice) in reasons.items():
        record = run.records(task)[-1]
        message = record['result']['msg']
        assert record['status'] == 'failed' and not has_traceback(record['result']), (task, record['result'])
        assert 'the TLS certificate of https://127.0.0.1:' in message and 'could not be verified' in message, (task, message)
        assert reason in message and advice in message, (task, message)
        assert message.count('(') == message.count(')'), (task, message)
    for task in ('with ca_path', 'expired, validation off', 'plain http'):
        assert run.records(task)[-1]['status'] == 'ok', (task, run.result(task))
    assert run.result('plain http')['changed'] is True
    warning = f"server_url {sims['http'].url} uses plain http: the password and tokens cross the network unencrypted. Use https."
    assert warning in run.output and run.output.count('uses plain http') == 1, run.explain()
    # A refused certificate stops everything at the handshake: no request reached the API (the one that did is validation off).
    assert rest_requests(sims['wrong_host']) == 0
    assert rest_requests(sims['expired']) == 1
    assert 'Traceback' not in run.output


@pytest.mark.parametrize('kind', ['expired', 'wrong_host'])
def test_a_refused_certificate_is_not_retried(sims: dict[str, SimulatorProcess], kind: str) -> None:
    """A certificate fails verification the same way every time: retrying it would only delay the message."""
    sim = sims[kind]
    settings = ConnectionSettings(server_url=sim.url, username='admin', password='admin', ca_path=sim.ca_file, retries=5)
    with RecordedSleeps() as sleeps, pytest.raises(TLSError) as caught:
        XProtectClient(settings).get('sites')
    assert sleeps.requested == [], 'no backoff before reporting a refused certificate'
    assert 'could not be verified (certificate verify failed' in str(caught.value)
