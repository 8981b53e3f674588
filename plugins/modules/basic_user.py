#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: basic_user
short_description: An XProtect basic user, with its password from a vault
version_added: 0.2.0
description:
  - Holds one XProtect basic user in the declared state. The user is created with its password, its description, status and
    password settings are kept, or it is deleted.
  - The user is found by exact O(name) (case and spaces count), or by O(id). XProtect fixes a basic user's name when the
    user is created (the Config API marks it read-only), so a task that would rename one fails and says so.
  - The password is set with the user's C(ChangePasswordBasicUser) task. It can never be read back, so it cannot be compared.
    It is set when the user is created, and on every run with O(update_password=always) (the task then reports V(changed)).
    It never appears in results, diffs, messages or logs.
  - Give the new user a role with M(milestone.xprotect.role) (O(milestone.xprotect.role#module:members) takes the user's name).
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Check mode reads, plans and reports the same RV(user), RV(action) and diff as a real run, and sends no write.
  diff_mode:
    support: full
    details: The diff shows the user's name, id and the fields the task gives, before and after; a password being set shows as masked.
  platform:
    platforms: posix
options:
  name:
    description:
      - The basic user's name (exact), the name it logs in with. With O(state=present) and no such user, it is created.
    type: raw
  id:
    description:
      - The basic user's id (a GUID). With O(name), the name must be the user's own (basic users cannot be renamed).
    type: str
  user_password:
    description:
      - The basic user's own password; required to create the user. Never logged or returned; keep it in Ansible Vault.
      - Not to be confused with O(password), the password of O(username), who runs the task.
    type: str
  update_password:
    description:
      - V(on_create) sets O(user_password) only when the user is created; V(always) sets it on every run (the task reports
        V(changed), since a password cannot be compared).
    type: str
    choices: [on_create, always]
    default: on_create
  description:
    description:
      - The user's description.
    type: str
  can_change_password:
    description:
      - Whether the user may change its own password (newer XProtect versions no longer use this setting).
    type: bool
  force_password_change:
    description:
      - Whether the user must change the password at the next login.
    type: bool
  status:
    description:
      - V(Enabled), or V(LockedOutByAdmin) to keep the user from logging in.
    type: str
    choices: [Enabled, LockedOutByAdmin]
  state:
    description:
      - V(present) creates or updates the user; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: milestone.xprotect.role
  - module: milestone.xprotect.login
notes:
  - Guide with worked examples (basic users with vaulted passwords, given a role) in C(docs/guides/access.md) of the collection.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: A basic user for the lobby guard, its password from the vault
  milestone.xprotect.basic_user:
    name: guard.reception
    user_password: "{{ vault_guard_reception_password | default('Ch4nge-me-at-once') }}"
    description: Reception guard
    force_password_change: true

- name: Rotate its password (reported as changed on every run)
  milestone.xprotect.basic_user:
    name: guard.reception
    user_password: "{{ vault_guard_reception_new_password | default('N3w-password-2026') }}"
    update_password: always

- name: Lock it out
  milestone.xprotect.basic_user:
    name: guard.reception
    status: LockedOutByAdmin

- name: A user that is gone
  milestone.xprotect.basic_user:
    name: contractor.2025
    state: absent
'''

RETURN = r'''
user:
  description: The basic user after the task (predicted in check mode; for a delete, the deleted user), without its password.
  returned: always
  type: dict
  sample: {id: 0a1b2c3d-0000-4000-8000-00000000abcd, name: guard.reception, description: Reception guard, status: Enabled,
           sid: 7D8E1C1A-0B7C-4F8D-9E51-3C2A1B0D9E8F}
action:
  description: V(created), V(updated) (fields or the password), V(deleted), V(unchanged), or V(not_done) when a run failed.
  returned: always
  type: str
  sample: created
changed_fields:
  description: The fields written (or that would be); V(password) when the password is set.
  returned: always
  type: list
  elements: str
  sample: [description, password]
password_changed:
  description: Whether the password was set (or would be, in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._access import USER_STATUSES, manage_basic_user
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    name=dict(type='raw'),
    id=dict(type='str'),
    user_password=dict(type='str', no_log=True),
    update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
    description=dict(type='str'),
    can_change_password=dict(type='bool', no_log=False),
    force_password_change=dict(type='bool', no_log=False),
    status=dict(type='str', choices=list(USER_STATUSES)),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, required_one_of=[('name', 'id')]).run(manage_basic_user)


if __name__ == '__main__':
    main()
