#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: site_export
short_description: Write an XProtect site's configuration as YAML files, or compare a site with them
version_added: 0.2.0
description:
  - Reads the site and writes a directory (O(dest)) of YAML files, one per type (C(timeProfiles.yml), C(roles.yml),
    C(cameraGroups.yml), ...), each in the form the collection's module for the type takes back, and a C(manifest.yml)
    that names the files in the order the C(milestone.xprotect.site_config) role applies them.
  - Objects are referred to by name, never by the site's ids; a role's members are basic user names (Windows accounts by
    SID, which is the same on every site of a domain), a device group's members are device names, and a reference field of
    a generic type is C({type, name}), as is each entry of a list of references (an alarm definition's C(sourceList)).
    Read-only and server-set fields are left out.
  - Secrets are never written. A basic user's password, a hardware's password on the device (its key is
    C(hardware/<address> on <recording server>/password)) and every write-only field of a generic type (a login provider's
    client secret, a matrix password) are written as the placeholder C("{{ vault_site_secrets['<type>/<name>/<field>'] }}"),
    which Ansible fills from a vault when the directory is applied; the manifest lists every key under C(secrets.keys).
  - Keys are sorted, objects sorted by name (device groups by path), and nothing volatile (no time stamp) is written, so a
    second export of an unchanged site is byte-identical and a change reads as a diff in git. A string that looks like a
    Jinja template is written with the C(!unsafe) tag, so applying the file never renders it.
  - The types are the user-defined events, the hardware (C(hardware.yml), as M(milestone.xprotect.hardware) takes its
    O(milestone.xprotect.hardware#module:items) - address, recording server, driver, user name, name, description,
    enabled state and each device's channel, name and enabled state), the settings of every device (C(settings.yml), each
    device as an entry of O(milestone.xprotect.device_settings#module:items) with its C(device_type) - the general and
    stream settings its driver lets be set, as the server writes them, and a camera's stream usage), the device groups of
    every kind with their members, the roles with their fields and members, the basic users, and every type of the Config API that can be
    created and updated and has no curated module (time profiles, alarm definitions, generic events and their data
    sources, analytics events, mail notification profiles, evidence lock profiles, client profiles, view groups, rules,
    ...). Registered services are left out (they are the site's own services, with its addresses).
  - Objects of one type that share a name (or device groups of one name below one parent, or a group member whose name
    several devices share) cannot be written by name; the module then fails, naming each of them, and writes no file.
  - With O(compare=true) nothing is written; the site is read the same way and compared with the files in O(dest), and
    RV(drift) says per type what the directory has that the site lacks, what the site has that the directory does not, and
    which fields differ.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Check mode reads the site and reports the files that would change (RV(files_changed), RV(types)) without writing
      any file. The module never writes to the site, in any mode.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  dest:
    description:
      - The directory to write the files to (created if missing), or with O(compare=true) the directory to compare with.
      - Files of types not exported in this run are left as they are; the manifest lists them too.
    type: path
    required: true
  types:
    description:
      - Only these types (as the API spells them, for example V(timeProfiles), V(roles), V(cameraGroups)); all of them
        when not given.
    type: list
    elements: str
  compare:
    description:
      - Compare the site with the files in O(dest) instead of writing them (RV(drift)). Types whose file is not in O(dest)
        are not compared.
    type: bool
    default: false
seealso:
  - module: milestone.xprotect.resource
  - module: milestone.xprotect.device_group
  - module: milestone.xprotect.role
  - module: milestone.xprotect.basic_user
  - module: milestone.xprotect.user_defined_events
notes:
  - Guide (capture, review in git, apply to a second site, drift) in C(docs/guides/site-as-code.md) of the collection.
  - Hardware, devices, device settings and stream usage are not exported yet.
  - A role's overall security permissions and client profile are not exported; XProtect answers them only to a task
    invocation (a POST), which an export never sends.
'''

EXAMPLES = r'''
# The connection options (server_url, username, password, ...) come from module_defaults of
# group/milestone.xprotect.api_gateway or from the XPROTECT_* environment variables.
- name: Capture the site into the git checkout
  milestone.xprotect.site_export:
    dest: "{{ playbook_dir }}/site-a"
  register: export

- name: Only the time profiles and the alarm definitions
  milestone.xprotect.site_export:
    dest: "{{ playbook_dir }}/site-a"
    types: [timeProfiles, alarmDefinitions]

- name: Has the site drifted from the directory?
  milestone.xprotect.site_export:
    dest: "{{ playbook_dir }}/site-a"
    compare: true
  register: drift

- name: Say what drifted
  ansible.builtin.debug:
    var: drift.drift
'''

RETURN = r'''
dest:
  description: The directory written (or compared with).
  returned: always
  type: str
  sample: /srv/git/xprotect/site-a
types:
  description: Per type, in the order the directory is applied, its file, how many objects it holds, whether the file
    changed (export) or the site drifted from it (O(compare=true)), and the module that applies it.
  returned: always
  type: list
  elements: dict
  contains:
    type:
      description: The type, as the API spells it.
      type: str
      returned: always
    file:
      description: The file's name in O(dest).
      type: str
      returned: always
    count:
      description: How many objects of the type the site has.
      type: int
      returned: always
    changed:
      description: Whether the file's content changed (or would, in check mode).
      type: bool
      returned: unless O(compare=true)
    drifted:
      description: Whether the site differs from the file.
      type: bool
      returned: with O(compare=true)
    module:
      description: The module that applies the file.
      type: str
      returned: always
  sample: [{type: timeProfiles, file: timeProfiles.yml, count: 5, changed: true, module: milestone.xprotect.resource}]
manifest:
  description: The manifest's file name in O(dest).
  returned: unless O(compare=true)
  type: str
  sample: manifest.yml
files_changed:
  description: The files written (or that would be, in check mode), sorted.
  returned: unless O(compare=true)
  type: list
  elements: str
  sample: [manifest.yml, timeProfiles.yml]
secrets:
  description: The vault keys the files' placeholders name (C(vault_site_secrets['<key>'])), sorted; never a value.
  returned: unless O(compare=true)
  type: list
  elements: str
  sample: [basicUsers/guard.lobby/password]
drift:
  description: Per type that differs, C(missing) (in the directory, not on the site), C(extra) (on the site, not in the
    directory), each by name (device groups by path, hardware as C(<address> on <recording server>), a device's settings
    as C(<device> (<device type>))), and C(different), each C({name, fields}) with per field its C(site) and C(directory)
    value (a hardware's devices per kind and channel, C(devices.cameras[0]); settings one by one, C(general.brightness),
    C(streams[Video stream 1].FPS), C(stream_usage)).
  returned: with O(compare=true)
  type: dict
  sample: {timeProfiles: {missing: [Night watch], extra: [], different: [{name: Business hours, fields: {
           properties.description: {site: Mon-Fri, directory: Monday to Friday}}}]}}
drifted:
  description: Whether any type differs.
  returned: with O(compare=true)
  type: bool
  sample: false
'''

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule
from ansible_collections.milestone.xprotect.plugins.module_utils._site import HAS_YAML, export_site

ARGUMENT_SPEC = dict(
    dest=dict(type='path', required=True),
    types=dict(type='list', elements='str'),
    compare=dict(type='bool', default=False),
)


def main() -> None:
    module = XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    if not HAS_YAML:
        module.fail_json(msg=missing_required_lib('PyYAML'))
    module.run(export_site)


if __name__ == '__main__':
    main()
