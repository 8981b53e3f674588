# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""milestone.xprotect.login and the module_defaults recipe: one token request for a whole play."""

from __future__ import annotations

import os

from harness import run_playbook

RECIPE = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Log in
      milestone.xprotect.login:
      register: xprotect_login

    - name: Keep the token for the test (never printed)
      ansible.builtin.copy:
        content: "{{ xprotect_login.access_token }}"
        dest: "{{ token_file }}"
        mode: "0600"
      no_log: true

    - name: Tasks of both modules with one token
      module_defaults:
        group/milestone.xprotect.api_gateway:
          access_token: "{{ xprotect_login.access_token }}"
          username: null
          password: null
      block:
%s
'''


#: Read tasks in the play, alternately camera_info and user_defined_event_info: each one more module run with the token.
READS = 6


def read_tasks():
    lines = []
    for index in range(READS):
        module = 'milestone.xprotect.user_defined_event_info' if index % 2 else 'milestone.xprotect.camera_info'
        lines.append(f'        - name: read {index}\n          {module}:\n')
    return ''.join(lines)


def test_the_tasks_after_one_login_make_one_token_request(simulator, tmp_path):
    token_file = tmp_path / 'token'
    run = run_playbook(simulator, RECIPE % read_tasks(), extra_vars={'token_file': str(token_file)}, verbosity=4)
    assert run.rc == 0, run.explain()
    stats = simulator.stats()
    assert stats['token_grants'] == 1, stats
    assert len([r for r in run.results if r['task'].startswith('read ')]) == READS
    token = token_file.read_text(encoding='utf-8')
    assert len(token) > 20
    assert token not in run.output, 'the access token must never be printed, even with -vvvv'
    assert run.result('Log in')['censored']
    os.remove(token_file)


def test_login_failure_is_visible_and_clear(simulator):
    run = run_playbook(simulator, '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Log in
      milestone.xprotect.login:
        password: not-the-password
''', verbosity=3)
    assert run.rc != 0
    result = run.result('Log in')
    assert result['failed']
    assert "the identity provider refused user 'admin'" in result['msg']
    assert 'not-the-password' not in run.output


def test_login_needs_credentials(simulator):
    run = run_playbook(simulator, '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Log in
      milestone.xprotect.login:
        username: null
        password: null
        access_token: some-token
''')
    assert run.rc != 0
    assert 'login needs username and password' in run.result('Log in')['msg']
    assert simulator.stats()['token_grants'] == 0
