#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: role
short_description: An XProtect role with its fields, members and overall security permissions
version_added: 0.2.0
description:
  - Holds one role in the declared state, with its fields (description, which clients its members may log in with, ...), its
    members (basic users, Windows users and groups), its client profile and its overall security permissions per security
    namespace.
  - The role is found by exact O(name) (case and spaces count), or by O(id), which also renames it. Only the fields given
    in O(properties) are compared and only the changed ones are sent.
  - Members change through the role's tasks (C(AddRoleMember) with the member's SID, C(RemoveRoleMember)); members already
    there stay unless O(purge_members=true).
  - The client profile changes through C(SetClientProfile), overall permissions through C(ChangeOverallSecurityPermissions),
    one security namespace at a time. Each task is invoked once to read the role's current value (the namespace alone, or
    no parameters for the client profile), and again with what differs (only if anything does).
  - Creating a role also makes XProtect create a view group of the same name for it. That is the server's doing; this
    module does not manage the view group and does not report it as a change.
  - The built-in Administrators role is never renamed, deleted or emptied of all its members, and has no overall
    permissions to set (it has every permission).
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: partial
    details: Check mode reads and plans the role, its fields and members and sends no write. Overall permissions and the client
      profile are not compared in check mode, because reading them takes a task invocation (a POST); RV(overall_permissions)
      and RV(client_profile) then say V(not_compared).
  diff_mode:
    support: full
    details: The diff shows the role's name, id, the fields the task gives, its members (when O(members) is given) and the
      overall permissions that change, before and after.
  platform:
    platforms: posix
options:
  name:
    description:
      - The role's name (exact). With O(state=present) and no such role, it is created.
      - With O(id), the role with that id gets this name (a rename).
    type: raw
  id:
    description:
      - The role's id (a GUID).
    type: str
  properties:
    description:
      - Fields of the role to hold, as the Config API names them, for example V(description), V(allowMobileClientLogOn),
        V(allowSmartClientLogOn), V(allowWebClientLogOn), V(dualAuthorizationRequired),
        V(makeUsersAnonymousDuringPTZSession). Unknown and read-only fields fail before any request and list the writable ones.
    type: dict
  members:
    description:
      - Who must be a member, each one of
      - a basic user's name (C(guard.lobby), or C([BASIC]\guard.lobby)), resolved to its SID;
      - a SID (C(S-1-5-21-...)) of a Windows user or group, added as given;
      - a Windows account as C(DOMAIN\name) or C(name@domain), matched against the role's members. XProtect adds Windows
        accounts by SID and its REST API cannot look one up, so an account that is not a member yet must be given by SID.
      - Members not listed stay, unless O(purge_members=true).
    type: list
    elements: str
  purge_members:
    description:
      - Remove the members that O(members) does not list.
    type: bool
    default: false
  overall_permissions:
    description:
      - Overall security permissions, per security namespace (by its name, such as V(Cameras), or its id), each a dictionary of
        permission name (the namespace's security actions, such as V(GENERIC_READ), V(VIEW_LIVE), V(PLAYBACK), V(EXPORT)) to
        V(Allow), V(Deny) or V(None). Quote V(None) if your YAML parser reads it as null.
      - Permissions not given keep their values. Namespace names need XProtect 2024 R2 or later (C(securityNamespaces));
        older servers take namespace ids.
    type: dict
  client_profile:
    description:
      - The client profile of the role's members, by name or id (C(SetClientProfile)). The role's task answers the current
        profile when it is invoked without parameters; the profile is set only when it differs.
    type: str
  state:
    description:
      - V(present) creates or updates the role; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: milestone.xprotect.basic_user
  - module: milestone.xprotect.task
  - module: milestone.xprotect.resource
notes:
  - Guide with worked examples (roles with members and permissions, basic users with vaulted passwords) in
    C(docs/guides/access.md) of the collection.
  - To set a role's login time profile, use M(milestone.xprotect.task) with the role's C(SetClientTimeProfile) task.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: A role for the control room (XProtect also gives it a view group of the same name)
  milestone.xprotect.role:
    name: Control room
    properties:
      description: Operators of the control room
      allowMobileClientLogOn: false

- name: Its members, exactly these
  milestone.xprotect.role:
    name: Control room
    members:
      - guard.lobby                                   # a basic user
      - S-1-5-21-1004336348-1177238915-682003330-512  # a Windows group, by SID
    purge_members: true

- name: Operators see and play back every camera, but may not export; they work with the control room's client profile
  milestone.xprotect.role:
    name: Control room
    client_profile: Control room
    overall_permissions:
      Cameras: {GENERIC_READ: Allow, VIEW_LIVE: Allow, PLAYBACK: Allow, EXPORT: Deny}

- name: A role is gone
  milestone.xprotect.role:
    name: Temporary contractors
    state: absent
'''

RETURN = r'''
role:
  description: The role after the task (predicted in check mode; for a delete, the deleted role).
  returned: always
  type: dict
  sample: {id: 0a1b2c3d-0000-4000-8000-00000000abcd, name: Control room, description: Operators of the control room,
           roleType: UserDefined}
action:
  description: V(created), V(updated) (fields, members or permissions), V(deleted), V(unchanged), or V(not_done) when a run
    failed before the role was written.
  returned: always
  type: str
  sample: updated
changed_fields:
  description: The role's fields written (or that would be).
  returned: always
  type: list
  elements: str
  sample: [description]
members:
  description: The role's members after the task (predicted in check mode), each C({sid, name}); empty when O(members) is
    not given and the role is not read for them.
  returned: always
  type: list
  elements: dict
  sample: [{sid: 7D8E1C1A-0B7C-4F8D-9E51-3C2A1B0D9E8F, name: guard.lobby}]
members_added:
  description: The members added, each C({sid, name}).
  returned: always
  type: list
  elements: dict
  sample: [{sid: 7D8E1C1A-0B7C-4F8D-9E51-3C2A1B0D9E8F, name: guard.lobby}]
members_removed:
  description: The members removed, each C({sid, name}).
  returned: always
  type: list
  elements: dict
  sample: []
overall_permissions:
  description: Per security namespace of O(overall_permissions), its name, id, the permissions that changed (or would), and
    V(changed), V(unchanged), V(not_compared) (check mode) or V(not_done) (a run that failed before it).
  returned: always
  type: list
  elements: dict
  sample: [{namespace: Cameras, id: 623d03f8-c5d5-46bc-a2f4-4c03562d4f85, status: changed, changes: {EXPORT: Deny}}]
client_profile:
  description: The client profile of O(client_profile), its id, and V(changed), V(unchanged), V(not_compared) (check mode) or
    V(not_done) (a run that failed before it).
  returned: when O(client_profile) is given
  type: dict
  sample: {name: Control room, id: 0a1b2c3d-0000-4000-8000-00000000abcd, status: changed}
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._access import manage_role
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    name=dict(type='raw'),
    id=dict(type='str'),
    properties=dict(type='dict'),
    members=dict(type='list', elements='str'),
    purge_members=dict(type='bool', default=False),
    overall_permissions=dict(type='dict'),
    client_profile=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, required_one_of=[('name', 'id')]).run(manage_role)


if __name__ == '__main__':
    main()
