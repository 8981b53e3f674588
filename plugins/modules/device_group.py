#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: device_group
short_description: Device group hierarchies and their members, by path
version_added: 0.2.0
description:
  - Holds camera, microphone, speaker, metadata, input or output groups in the declared state, addressed by path
    (C(Site A/Parking/North)). The groups on the path are created level by level where they are missing, their description
    is set, and their members are added (and, with O(purge_members), removed) so that the group holds exactly the devices given.
  - Groups are found by exact name below their parent (case and spaces count). Two groups of one name below one parent fail
    with their ids; the module never guesses.
  - Members are devices given by id, exact name or shell-style pattern (C(Parking*)), resolved against one list of the
    devices of that type (disabled ones included). Devices are never created or deleted, only added to or removed from groups.
  - Many groups in one task with O(groups) (a whole hierarchy built from your metadata). The groups of one level are created
    up to 16 at a time, then the next level, then the member changes, 16 at a time. The first failure stops new writes;
    the result lists what was done, and a second run completes the rest.
  - XProtect's documentation shows no create for a group below another one. This module creates a subgroup with a POST on
    the parent's subgroup collection (C(cameraGroups/{id}/cameraGroups)); a server that refuses it fails with a message that
    says so and what to do (create the subgroup in the Management Client; the module then manages it).
  - O(state=absent) deletes the group at the end of each path (the groups above it stay). A group with members or
    subgroups is only deleted with O(force=true), which removes its members first (the devices stay) and its subgroups deleted
    the same way, deepest first. Built-in groups are never deleted.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Check mode reads, plans and reports the same RV(groups), RV(totals) and diff as a real run, and sends no write.
  diff_mode:
    support: full
    details: The diff shows, per group path, its description and the names of its members, before and after.
  platform:
    platforms: posix
options:
  path:
    description:
      - The group, as its path of group names from the top level, separated by C(/), for example C(Site A/Parking/North).
        Write C(\/) for a slash inside a group name. A leading or trailing C(/) is ignored.
      - Give O(path) for one group or O(groups) for many.
    type: raw
  groups:
    description:
      - Many groups in one task, each a path, or a dictionary with C(path) and optionally C(description), C(members) and
        C(purge_members) (the options of the same names, for that group; what the task gives beside O(groups) applies to
        every item, an item's own values win).
      - The groups on every path are created where they are missing, parents first.
    type: list
    elements: raw
  device_type:
    description:
      - The kind of group, and of its members.
    type: str
    choices: [cameras, microphones, speakers, metadata, inputs, outputs]
    default: cameras
  description:
    description:
      - The group's description. Left as it is when not given.
    type: str
  members:
    description:
      - Devices the group must hold, by id, exact name or shell-style pattern (C(*), C(?), C([...])). An id or name that
        fits no device, or a name several devices share, fails before any write; a pattern that fits none is a warning.
      - Devices already in the group stay, unless O(purge_members=true).
    type: list
    elements: str
  purge_members:
    description:
      - Remove the members that O(members) does not list (an empty O(members) empties the group). The devices stay.
    type: bool
    default: false
  state:
    description:
      - V(present) creates and updates; V(absent) deletes the group at the end of each path.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), delete groups that still have members or subgroups. Members are removed (the devices stay),
        subgroups are deleted the same way, deepest first.
    type: bool
    default: false
seealso:
  - module: milestone.xprotect.camera_info
  - module: milestone.xprotect.resource
notes:
  - Guide with worked examples (a hierarchy built from camera metadata, exact membership, deleting a branch) in
    C(docs/guides/access.md) of the collection.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: A camera group three levels deep, with the cameras of the north parking deck
  milestone.xprotect.device_group:
    path: Site A/Parking/North
    description: North parking deck
    members: ["Parking*"]

- name: Exactly these cameras in it, no others
  milestone.xprotect.device_group:
    path: Site A/Parking/North
    members: ["Parking*"]
    purge_members: true

- name: Read the cameras
  milestone.xprotect.camera_info:
  register: site

- name: One group per area below "Site A/By area", from the camera names ("Parking North 0002" -> Parking North)
  milestone.xprotect.device_group:
    groups: "{{ site.cameras | map(attribute='name') | map('regex_replace', ' [0-9]+( PTZ)?$', '') | unique
                | map('regex_replace', '^', 'Site A/By area/') | list }}"

- name: Microphones have groups of their own
  milestone.xprotect.device_group:
    device_type: microphones
    path: Site A/Perimeter microphones
    members: ["Perimeter*"]

- name: Delete a branch, members and subgroups included (the devices stay)
  milestone.xprotect.device_group:
    path: Site A/By area
    state: absent
    force: true
'''

RETURN = r'''
group:
  description: The group of O(path) (predicted in check mode), as an item of RV(groups).
  returned: when O(path) is given
  type: dict
  sample: {path: Site A/Parking/North, id: 0a1b2c3d-0000-4000-8000-00000000abcd, action: created, changed_fields: [description],
           members_added: [{id: 0a1b2c3d-0000-4000-8000-000000000001, name: Parking North 0002}], members_removed: []}
groups:
  description: Per group the task names, and per group created on the way, what was done (or would be, in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The group's path (C(/) inside a name written as C(\/)).
      type: str
      returned: always
    id:
      description: The group's id (none for a group not created yet, in check mode).
      type: str
      returned: always
    action:
      description: V(created), V(updated) (description or members), V(deleted), V(unchanged), or V(not_done) in the result of
        a run that failed.
      type: str
      returned: always
    changed_fields:
      description: The group's fields written (V(description)).
      type: list
      elements: str
      returned: always
    members_added:
      description: The devices added, each C({id, name}).
      type: list
      elements: dict
      returned: always
    members_removed:
      description: The devices removed, each C({id, name}).
      type: list
      elements: dict
      returned: always
  sample: [{path: Site A, id: 0a1b2c3d-0000-4000-8000-00000000abcd, action: unchanged, changed_fields: [], members_added: [],
            members_removed: []}]
totals:
  description: How many groups were created, updated, deleted and left unchanged, and how many members were added and removed.
  returned: always
  type: dict
  sample: {created: 3, updated: 1, deleted: 0, unchanged: 0, members_added: 12, members_removed: 0}
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._access import DEVICE_TYPES, manage_device_group
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    path=dict(type='raw'),
    groups=dict(type='list', elements='raw'),
    device_type=dict(type='str', choices=list(DEVICE_TYPES), default='cameras'),
    description=dict(type='str'),
    members=dict(type='list', elements='str'),
    purge_members=dict(type='bool', default=False),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    force=dict(type='bool', default=False),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, mutually_exclusive=[('path', 'groups')],
                   pool_size=16).run(manage_device_group)


if __name__ == '__main__':
    main()
