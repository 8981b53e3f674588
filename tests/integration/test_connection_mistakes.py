# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The usual connection mistakes, as a new user makes them: the wrong scheme for the port, in both directions.

A read-only module whose login fails never reports ``changed`` and never suggests that a write may have
happened; the message names the mistake and the server_url to use instead.
"""

from __future__ import annotations

import typing as t

import pytest

from harness import run_playbook

from simulator.process import SimulatorProcess


def one_task(module: str, **options: t.Any) -> list[dict[str, t.Any]]:
    return [{'hosts': 'localhost', 'gather_facts': False,
             'tasks': [{'name': 'task', module: options, 'ignore_errors': True}]}]


@pytest.fixture(scope='module')
def plain_http() -> t.Iterator[SimulatorProcess]:
    sim = SimulatorProcess('--cameras', '4', tls=False).start()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.mark.parametrize('module', ['milestone.xprotect.camera_info', 'milestone.xprotect.user_defined_event_info',
                                    'milestone.xprotect.login'])
def test_http_to_a_tls_port_names_the_scheme_and_changes_nothing(simulator, module):
    url = simulator.url.replace('https://', 'http://')
    run = run_playbook(simulator, one_task(module, server_url=url, retries=0), connection=True,
                       env={'XPROTECT_SERVER_URL': url})
    result = run.result('task')
    assert result['failed'] and result.get('changed') is False, result
    message = result['msg']
    assert 'may have taken effect' not in message, message
    assert 'closed the connection without an answer' in message and 'https://' + url.split('://', 1)[1] in message, message


def test_https_to_a_plain_http_port_says_it_is_not_tls_and_suggests_http(plain_http):
    url = plain_http.url.replace('http://', 'https://')
    for validate_certs in (False, True):
        run = run_playbook(plain_http, one_task('milestone.xprotect.camera_info', server_url=url, validate_certs=validate_certs,
                                                retries=0), env={'XPROTECT_SERVER_URL': url})
        result = run.result('task')
        message = result['msg']
        assert result['failed'] and result.get('changed') is False, result
        assert 'did not answer in TLS' in message and 'http://' + url.split('://', 1)[1] in message, message
        assert 'validate_certs' not in message, message
        assert message.count('(') == message.count(')'), message
