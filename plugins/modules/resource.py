#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: resource
short_description: Any XProtect Config API object as code, by type
version_added: 0.2.0
description:
  - Holds one object, or many objects of one type, of any type of the XProtect Config API in the declared state (time
    profiles, alarm definitions, generic events, roles, view groups, login providers, storages, and property edits on
    cameras, hardware and the other devices). Which types exist and what each allows comes from Milestone's OpenAPI
    document (the list below).
  - Objects are identified by exact name (case and spaces count; disabled objects included) or by id. A name that several
    objects share fails and lists their ids. Built-in objects (the Administrators role, System events, built-in groups)
    are never renamed or deleted.
  - Only the fields given in O(properties) are compared, after normalisation (numbers the server answers as strings, GUID
    case, references in any of the API's formats), and only the changed ones are sent (PATCH, or PUT for types without
    PATCH). A second run changes nothing.
  - One list request per task reads the type (every page). With O(items), renames are sent one after another, the other
    writes up to 16 at a time, and deletes last; the first failure stops new writes, the result lists what was done, and a
    second run completes the rest.
  - Creating a type the API does not let you create (cameras are discovered with their hardware), or deleting one it does
    not let you delete, fails with the reason before any write.
  - A server that lacks a type (an older XProtect) fails with a message that says the server does not offer it.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - milestone.xprotect.resource_types
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Check mode reads, plans and reports the same RV(ignore:changed), RV(resource), RV(resources) and diff as a real run,
      and sends no write.
  diff_mode:
    support: full
    details: The diff shows, per object, its name, id and the fields the task gives, before and after; write-only fields are masked.
  platform:
    platforms: posix
options:
  type:
    description:
      - The type as the API spells it in paths, for example V(timeProfiles), V(alarmDefinitions), V(cameras), V(storages).
        Matched without regard to case; an unknown type fails before any request and names the closest types.
    type: str
    required: true
  name:
    description:
      - The object's name (exact). With O(state=present) and no such object, it is created (where the type allows it).
      - With O(id), the object with that id gets this name (a rename).
    type: raw
  id:
    description:
      - The object's id (a GUID). For types that are one object per owner (V(settings), V(streams)), the owner's id.
    type: str
  parent:
    description:
      - "The object the type lives under, for child collections and types created under another one, as C({type, id}) or
        C({type, name}); for example C({type: recordingServers, name: RS-01}) with O(type=storages)."
    type: dict
  properties:
    description:
      - The fields to hold. Unknown fields fail naming the type's writable fields; read-only fields fail as read-only.
      - A field that references another object takes C({type, id}) or C({type, name}) and is sent in the format that field
        takes (C({type, id}), C(Type[GUID]), C(type/guid) or a bare GUID). A list of references (an alarm definition's
        C(sourceList) or C(relatedCameraList)) takes one in each entry, and is compared entry by entry by the objects the
        entries point at.
      - Write-only fields (passwords, client secrets) cannot be compared; they are sent when the object is created, and
        on every run with O(update_secrets=always). Their values are masked in results, diffs and messages.
    type: dict
  items:
    description:
      - Many objects of one type in one task, each C({name, properties}), C({id, properties}) (the name is kept),
        C({id, name}) (a rename), C({name, previous_name, properties}) (a rename once), and optionally C(state)
        (V(present) or V(absent)). A bare string is an id when it is a GUID, else a name.
      - Replaces O(name) and O(id). O(properties) given beside O(items) apply to every item (an item's own win).
    type: list
    elements: raw
  purge:
    description:
      - With O(items), delete the objects of the type (under O(parent)) that O(items) does not list; built-in objects
        are never deleted.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates; V(absent) deletes (nothing to do if the object does not exist).
      - With O(items), the default state of an item.
    type: str
    choices: [present, absent]
    default: present
  update_secrets:
    description:
      - V(on_create) sends write-only fields only when an object is created; V(always) sends them on every run (and the task
        reports V(changed), since they cannot be compared).
    type: str
    choices: [on_create, always]
    default: on_create
seealso:
  - module: milestone.xprotect.resource_info
  - module: milestone.xprotect.user_defined_events
notes:
  - Guide with worked examples (time profiles, alarm definitions, generic events, roles, bulk camera rename) in
    C(docs/guides/resources.md) of the collection.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.

- name: A time profile
  milestone.xprotect.resource:
    type: timeProfiles
    name: Office hours
    properties:
      description: Weekdays 08-18

- name: A generic event that listens to a data source, referenced by name
  milestone.xprotect.resource:
    type: genericEvents
    name: Gate opened
    properties:
      expression: GATE OPEN
      dataSource: {type: genericEventDataSources, name: Compatible}

- name: Read the parking cameras
  milestone.xprotect.resource_info:
    type: cameras
    name: "Parking*"
  register: parking

- name: Describe every one of them (one list request, only the cameras that differ are written, 16 at a time)
  milestone.xprotect.resource:
    type: cameras
    items: "{{ parking.resources | map(attribute='id') | list }}"
    properties:
      description: Parking deck

- name: Bulk rename of cameras, from a list of ids and names
  milestone.xprotect.resource:
    type: cameras
    items:
      - id: 0a1b2c3d-0000-4000-8000-000000000001
        name: Parking North 1
        properties: {description: North entrance}
      - id: 0a1b2c3d-0000-4000-8000-000000000002
        name: Parking North 2
  when: false  # ids of your site

- name: Exactly these mail notification profiles, nothing else
  milestone.xprotect.resource:
    type: mailNotificationProfiles
    items:
      - name: Security desk
        properties: {description: Mails the security desk}
    purge: true
  when: false  # purge deletes the site's other profiles

- name: A role is gone
  milestone.xprotect.resource:
    type: roles
    name: Temporary contractors
    state: absent
'''

RETURN = r'''
resource:
  description: The object after the task (predicted in check mode; for a delete, the deleted object), write-only fields left out.
  returned: when O(items) is not given
  type: dict
  sample: {id: 0a1b2c3d-0000-4000-8000-00000000abcd, name: Office hours, description: Weekdays 08-18}
action:
  description: V(created), V(updated), V(deleted) or V(unchanged).
  returned: when O(items) is not given
  type: str
  sample: updated
changed_fields:
  description: The fields written (or that would be), write-only fields included by name.
  returned: when O(items) is not given
  type: list
  elements: str
  sample: [description]
resources:
  description: Per object of O(items) (and every purged one), its name, id, action and changed field names.
  returned: with O(items)
  type: list
  elements: dict
  contains:
    name:
      description: The object's name (after a rename).
      type: str
      returned: always
    id:
      description: The object's id (none for an object not created yet, in check mode).
      type: str
      returned: always
    action:
      description: V(created), V(updated), V(deleted), V(unchanged), or V(not_done) in the result of a run that failed.
      type: str
      returned: always
    changed_fields:
      description: The fields written (or that would be).
      type: list
      elements: str
      returned: always
  sample: [{name: Security desk, id: 0a1b2c3d-0000-4000-8000-00000000abcd, action: updated, changed_fields: [description]}]
totals:
  description: How many objects of O(items) were created, updated, deleted and left unchanged.
  returned: with O(items)
  type: dict
  sample: {created: 1, updated: 0, deleted: 2, unchanged: 40}
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._generic import UPDATE_SECRETS, manage_resource
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    type=dict(type='str', required=True),
    name=dict(type='raw'),
    id=dict(type='str'),
    parent=dict(type='dict'),
    properties=dict(type='dict'),
    items=dict(type='list', elements='raw'),
    purge=dict(type='bool', default=False),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    update_secrets=dict(type='str', choices=list(UPDATE_SECRETS), default='on_create'),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, mutually_exclusive=[('items', 'name'), ('items', 'id')],
                   pool_size=16).run(manage_resource)


if __name__ == '__main__':
    main()
