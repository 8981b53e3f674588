# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every module and plugin of milestone.xprotect."""

    DOCUMENTATION = r'''
options:
  server_url:
    description:
      - URL of the XProtect API Gateway, usually the management server, for example C(https://vms.example.com).
      - A trailing C(/API) or C(/api/rest/v1) is accepted and ignored.
      - When the API Gateway runs on another host than the management server, either point O(server_url) at the
        gateway, or point it at the management server and set O(api_discovery=true).
      - If not set, the value of the E(XPROTECT_SERVER_URL) environment variable is used.
      - Required, through the task, C(module_defaults) or the environment.
    type: str
    version_added: 0.1.0
  username:
    description:
      - Name of an XProtect basic user, or with O(auth_type=windows) of a Windows user as C(DOMAIN\user) or C(user@domain).
      - Give O(username) and O(password), or O(access_token), or both (the credentials then take over when the token expires).
      - If not set, the value of the E(XPROTECT_USERNAME) environment variable is used.
    type: str
    version_added: 0.1.0
  password:
    description:
      - Password of O(username). Never logged or returned.
      - If not set, the value of the E(XPROTECT_PASSWORD) environment variable is used.
    type: str
    version_added: 0.1.0
  auth_type:
    description:
      - How O(username) logs in.
      - V(basic) is an XProtect basic user, logged in with the identity provider's password grant
        (this is not HTTP Basic authentication).
      - V(windows) is a Windows user (Active Directory, or a local account of the management server), logged in
        with the grant C(windows_credentials) and NTLM, directly at the identity provider on the management server
        (C(/IDP/connect/token), or the one O(api_discovery) finds), because the API Gateway does not pass NTLM through.
      - With V(windows), give O(username) as C(DOMAIN\user) or C(user@domain) (the UPN); a local account is
        C(COMPUTERNAME\user). A name without a domain is refused before anything is sent.
      - V(windows) needs the Python library C(requests-ntlm) on the Ansible controller (C(pip install requests-ntlm)).
      - If not set, the value of the E(XPROTECT_AUTH_TYPE) environment variable is used.
    type: str
    choices: [basic, windows]
    default: basic
    version_added: 0.1.0
  validate_certs:
    description:
      - Verify the server's TLS certificate.
      - Set to V(false) only for tests; for a server with a private or self-signed certificate, set O(ca_path) instead.
      - If not set, the value of the E(XPROTECT_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
    version_added: 0.1.0
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the server's certificate.
      - If not set, the value of the E(XPROTECT_CA_PATH) environment variable is used.
    type: path
    version_added: 0.1.0
  timeout:
    description:
      - Seconds to wait for the server to answer one HTTP request.
      - If not set, the value of the E(XPROTECT_TIMEOUT) environment variable is used.
    type: float
    default: 30
    version_added: 0.1.0
  retries:
    description:
      - How many times a request is repeated after a connection failure or an answer of 429, 502, 503 or 504,
        with exponential backoff and jitter, honouring C(Retry-After).
      - Only requests that are safe to repeat are repeated. A create that failed ambiguously is repeated only after
        looking up whether the first attempt created the object.
      - If not set, the value of the E(XPROTECT_RETRIES) environment variable is used.
    type: int
    default: 3
    version_added: 0.1.0
  access_token:
    description:
      - An access token already obtained from the identity provider, for example with M(milestone.xprotect.login).
      - Used as is. If O(username) and O(password) are also given, they are used to get a new token once this one expires.
      - If not set, the value of the E(XPROTECT_ACCESS_TOKEN) environment variable is used.
    type: str
    version_added: 0.1.0
  api_discovery:
    description:
      - Read the addresses of the identity provider and the API Gateway from the management server's
        C(/api/.well-known/uris) (XProtect 2022 R1 and later) instead of deriving them from O(server_url).
      - Use it when O(server_url) is the management server and the API Gateway runs on another host.
      - If not set, the value of the E(XPROTECT_API_DISCOVERY) environment variable is used.
    type: bool
    default: false
    version_added: 0.1.0
notes:
  - All options of this group can be set once per play with C(module_defaults) and the action group
    C(group/milestone.xprotect.api_gateway).
  - "The modules talk to the API from the Ansible controller: run them in a play on C(localhost) or with C(delegate_to: localhost)."
requirements:
  - requests >= 2.28
  - requests-ntlm >= 1.2.0, only for auth_type windows
'''

    ATTRIBUTES = r'''
attributes:
  action_group:
    description: Use C(group/milestone.xprotect.api_gateway) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - milestone.xprotect.api_gateway
'''

    # The same options for the inventory plugin, which reads them with get_option (not AnsibleModule),
    # so each declares its environment variable with env:. tests/unit/plugins/inventory keeps both
    # fragments and connection_argument_spec() in step.
    PLUGIN_OPTIONS = r'''
options:
  server_url:
    description:
      - URL of the XProtect API Gateway, usually the management server, for example C(https://vms.example.com).
      - A trailing C(/API) or C(/api/rest/v1) is accepted and ignored.
      - When the API Gateway runs on another host than the management server, either point O(server_url) at the
        gateway, or point it at the management server and set O(api_discovery=true).
      - Required, through the inventory file or the environment.
    type: str
    env:
      - name: XPROTECT_SERVER_URL
    version_added: 0.1.0
  username:
    description:
      - Name of an XProtect basic user, or with O(auth_type=windows) of a Windows user as C(DOMAIN\user) or C(user@domain).
      - Give O(username) and O(password), or O(access_token), or both (the credentials then take over when the token expires).
    type: str
    env:
      - name: XPROTECT_USERNAME
    version_added: 0.1.0
  password:
    description:
      - Password of O(username). Never logged or returned.
      - Never printed, and never written to the inventory cache or to host variables.
      - Keep it out of the inventory file in clear text; use the environment variable, an C(!vault) encrypted value,
        or a template such as C({{ lookup('ansible.builtin.env', 'SITE_A_PASSWORD') }}).
    type: str
    env:
      - name: XPROTECT_PASSWORD
    version_added: 0.1.0
  auth_type:
    description:
      - How O(username) logs in.
      - V(basic) is an XProtect basic user, logged in with the identity provider's password grant
        (this is not HTTP Basic authentication).
      - V(windows) is a Windows user (Active Directory, or a local account of the management server), logged in
        with the grant C(windows_credentials) and NTLM, directly at the identity provider on the management server
        (C(/IDP/connect/token), or the one O(api_discovery) finds), because the API Gateway does not pass NTLM through.
      - With V(windows), give O(username) as C(DOMAIN\user) or C(user@domain) (the UPN); a local account is
        C(COMPUTERNAME\user). A name without a domain is refused before anything is sent.
      - V(windows) needs the Python library C(requests-ntlm) on the Ansible controller (C(pip install requests-ntlm)).
    type: str
    choices: [basic, windows]
    default: basic
    env:
      - name: XPROTECT_AUTH_TYPE
    version_added: 0.1.0
  validate_certs:
    description:
      - Verify the server's TLS certificate.
      - Set to V(false) only for tests; for a server with a private or self-signed certificate, set O(ca_path) instead.
    type: bool
    default: true
    env:
      - name: XPROTECT_VALIDATE_CERTS
    version_added: 0.1.0
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the server's certificate.
    type: path
    env:
      - name: XPROTECT_CA_PATH
    version_added: 0.1.0
  timeout:
    description:
      - Seconds to wait for the server to answer one HTTP request.
    type: float
    default: 30
    env:
      - name: XPROTECT_TIMEOUT
    version_added: 0.1.0
  retries:
    description:
      - How many times a request is repeated after a connection failure or an answer of 429, 502, 503 or 504,
        with exponential backoff and jitter, honouring C(Retry-After).
    type: int
    default: 3
    env:
      - name: XPROTECT_RETRIES
    version_added: 0.1.0
  access_token:
    description:
      - An access token already obtained from the identity provider, for example with M(milestone.xprotect.login).
      - Used as is. If O(username) and O(password) are also given, they are used to get a new token once this one expires.
      - Never printed, and never written to the inventory cache or to host variables.
    type: str
    env:
      - name: XPROTECT_ACCESS_TOKEN
    version_added: 0.1.0
  api_discovery:
    description:
      - Read the addresses of the identity provider and the API Gateway from the management server's
        C(/api/.well-known/uris) (XProtect 2022 R1 and later) instead of deriving them from O(server_url).
      - Use it when O(server_url) is the management server and the API Gateway runs on another host.
    type: bool
    default: false
    env:
      - name: XPROTECT_API_DISCOVERY
    version_added: 0.1.0
requirements:
  - requests >= 2.28 (on the Ansible controller)
  - requests-ntlm >= 1.2.0, only for auth_type windows (on the Ansible controller)
'''
