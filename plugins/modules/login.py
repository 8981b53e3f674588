#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: login
short_description: Log in to XProtect once and reuse the access token in later tasks
version_added: 0.1.0
description:
  - Gets an access token from the XProtect identity provider and returns it with its lifetime, so that a play
    logs in once and passes O(access_token) to every later task through C(module_defaults).
  - The result of this module is never displayed, whatever the verbosity, because it holds a bearer token;
    the registered variable still holds the token for later tasks.
  - Every other module logs in by itself when it is given O(username) and O(password). Logging in once per play
    saves one token request per task, which matters on servers that audit or rate-limit logins.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Logging in changes nothing, so it also happens in check mode.
  diff_mode:
    support: none
  platform:
    platforms: posix
options: {}
notes:
  - Tokens of basic users last one hour on XProtect (C(expires_in=3600)). Give later tasks O(username) and
    O(password) as well as O(access_token) if a play can run longer; they then log in again when the token expires.
seealso:
  - module: milestone.xprotect.user_defined_events
'''

EXAMPLES = r'''
- name: Manage XProtect with one login for the whole play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Log in
      milestone.xprotect.login:
        server_url: https://vms.example.com
        username: automation
        password: "{{ vault_xprotect_password }}"
        ca_path: /etc/pki/xprotect-ca.pem
      register: xprotect_login

    - name: Use the token in every task of the block
      module_defaults:
        group/milestone.xprotect.api_gateway:
          server_url: https://vms.example.com
          ca_path: /etc/pki/xprotect-ca.pem
          access_token: "{{ xprotect_login.access_token }}"
      block:
        - name: Declare the site's events
          milestone.xprotect.user_defined_events:
            events: [Door forced, Panic button]
'''

RETURN = r'''
access_token:
  description: The bearer token. Pass it to later tasks as O(access_token).
  returned: success
  type: str
  sample: eyJhbGciOiJSUzI1NiIsImtpZCI6...
token_type:
  description: The token type, always C(Bearer).
  returned: success
  type: str
  sample: Bearer
expires_in:
  description: Lifetime of the token in seconds, as the identity provider stated it.
  returned: success
  type: int
  sample: 3600
expires_at:
  description: When the token expires, as an ISO 8601 UTC timestamp of the controller's clock.
  returned: success
  type: str
  sample: '2026-11-21T20:41:07Z'
scope:
  description: The scope the identity provider granted.
  returned: success
  type: str
  sample: managementserver
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._auth import login_job
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule


def main() -> None:
    XProtectModule(argument_spec={}, supports_check_mode=True).run(login_job, redact_result=False)


if __name__ == '__main__':
    main()
