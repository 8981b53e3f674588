#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: camera_info
short_description: Read XProtect cameras, their PTZ presets and the PTZ tasks they offer
version_added: 0.1.0
description:
  - Returns cameras as the XProtect API Gateway returns them, selected by id, name or name pattern, camera group
    and PTZ capability.
  - Every page of the camera list is read, so nothing is cut at the first page.
  - With O(include), each camera also gets its PTZ presets and the PTZ preset tasks it offers. These extra requests
    run with bounded concurrency (O(concurrency)), so thousands of cameras take seconds, not minutes.
  - Never changes anything.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: N/A
    details: The module only reads.
  platform:
    platforms: posix
options:
  id:
    description:
      - Id (GUID) of one camera.
      - A camera that does not exist is an error naming the id; a value that is not a GUID fails before a request is sent.
      - The camera is returned whether it is enabled or not, as the API does; O(include_disabled) does not apply to it.
      - Combines with the other filters; the result is then empty if the camera does not match them.
    type: str
    version_added: 0.1.0
  name:
    description:
      - Exact camera name, or a shell-style pattern with C(*), C(?) or C([...]), such as V(Lobby*) or V(*PTZ).
      - Matching is case-sensitive.
      - A name or pattern that matches nothing gives an empty list, not an error.
      - An empty O(name), O(id) or O(camera_group) is an error (rather than selecting every camera).
    type: str
    version_added: 0.1.0
  include_disabled:
    description:
      - Also return disabled cameras. The API hides them unless asked.
    type: bool
    default: false
    version_added: 0.1.0
  ptz_only:
    description:
      - Return only PTZ cameras (C(ptzEnabled) true).
      - On servers whose cameras lack C(ptzEnabled) (before 2023), a camera counts as PTZ if it offers PTZ preset tasks.
    type: bool
    default: false
    version_added: 0.1.0
  camera_group:
    description:
      - Name or id of a camera group. Only cameras in this group or in any of its subgroups are returned.
      - A name is matched exactly against groups at every level; a name that fits several groups is an error that
        lists their paths and ids.
      - An unknown group is an error.
    type: str
    version_added: 0.1.0
  include:
    description:
      - Extra information to read for each returned camera.
      - V(ptz_presets) adds RV(cameras[].ptz_presets), the camera's PTZ presets.
      - V(ptz_tasks) adds RV(cameras[].ptz_tasks), the PTZ preset tasks the camera offers, such as
        C(DefaultPtzPreset) and C(GetDevicePresets).
      - Cameras that are not PTZ cameras get empty lists without a request.
    type: list
    elements: str
    choices: [ptz_presets, ptz_tasks]
    default: []
    version_added: 0.1.0
  concurrency:
    description:
      - How many of the per-camera requests of O(include) (and of O(ptz_only) on old servers) run at once.
      - Between 1 and 64.
    type: int
    default: 8
    version_added: 0.1.0
notes:
  - Disabled cameras are listed by the API only when asked, so O(include_disabled=false) also keeps
    disabled cameras out of a camera group's members.
  - Names are matched on the controller against one paged list of cameras, so a pattern costs no more
    requests than listing all cameras.
seealso:
  - module: milestone.xprotect.ptz_task
'''

EXAMPLES = r'''
- name: All enabled cameras
  milestone.xprotect.camera_info:
  register: all_cameras

- name: The PTZ cameras of the parking area, with their presets and preset tasks
  milestone.xprotect.camera_info:
    camera_group: Parking
    ptz_only: true
    include: [ptz_presets, ptz_tasks]
  register: parking_ptz

- name: Every lobby camera, disabled ones too
  milestone.xprotect.camera_info:
    name: Lobby*
    include_disabled: true
  register: lobby

- name: One camera by id
  milestone.xprotect.camera_info:
    id: 0e9a5d2f-6c1b-4f5e-9a1d-3c2b1a0f9e8d
  register: one_camera

- name: Show the names
  ansible.builtin.debug:
    msg: "{{ lobby.cameras | map(attribute='name') | list }}"
'''

RETURN = r'''
cameras:
  description:
    - The selected cameras, sorted by name (case-insensitively) and then by id.
    - Each camera is the object the API returns; the fields below are those of XProtect 2025 R1.
      Older servers may lack some of them (for example C(ptzEnabled) and C(failoverSetting)).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Camera id (GUID).
      type: str
      returned: always
      sample: a8a8b9dc-3995-49ed-9b00-62caac2ce74a
    name:
      description: Camera name.
      type: str
      returned: always
      sample: Lobby North 0001
    displayName:
      description: Name as displayed by the clients.
      type: str
      returned: always
      sample: Lobby North 0001
    enabled:
      description: Whether the camera is enabled.
      type: bool
      returned: always
      sample: true
    ptzEnabled:
      description: Whether the camera is a PTZ camera.
      type: bool
      returned: always
      sample: false
    channel:
      description: Channel of the camera on its hardware.
      type: int
      returned: always
      sample: 0
    description:
      description: Free-text description.
      type: str
      returned: always
      sample: Covers the lobby area
    shortName:
      description: Short name.
      type: str
      returned: always
      sample: ''
    createdDate:
      description: Creation timestamp (reserved by the API; often C(0001-01-01T00:00:00.0000000)).
      type: str
      returned: always
      sample: '0001-01-01T00:00:00.0000000'
    lastModified:
      description: Time of the last change, ISO 8601 UTC.
      type: str
      returned: always
      sample: '2025-10-27T15:03:52.8070000Z'
    gisPoint:
      description: Location as C(POINT (LON LAT)) or C(POINT EMPTY).
      type: str
      returned: always
      sample: POINT EMPTY
    icon:
      description: Map icon number (0-9).
      type: int
      returned: always
      sample: 0
    coverageDirection:
      description: Direction of the field of view on the map.
      type: float
      returned: always
      sample: 0
    coverageDepth:
      description: Depth of the field of view on the map.
      type: float
      returned: always
      sample: 0
    coverageFieldOfView:
      description: Width of the field of view on the map.
      type: float
      returned: always
      sample: 0
    recordingFramerate:
      description: Recording frame rate.
      type: float
      returned: always
      sample: 5
    recordKeyframesOnly:
      description: Whether only key frames are recorded.
      type: bool
      returned: always
      sample: false
    recordOnRelatedDevices:
      description: Whether recording starts on related devices.
      type: bool
      returned: always
      sample: true
    recordingEnabled:
      description: Whether recording is enabled.
      type: bool
      returned: always
      sample: true
    prebufferEnabled:
      description: Whether pre-buffering is enabled.
      type: bool
      returned: always
      sample: true
    prebufferInMemory:
      description: Whether the pre-buffer is kept in memory.
      type: bool
      returned: always
      sample: true
    prebufferSeconds:
      description: Pre-buffer length in seconds.
      type: int
      returned: always
      sample: 3
    edgeStorageEnabled:
      description: Whether edge storage is enabled.
      type: bool
      returned: always
      sample: false
    edgeStoragePlaybackEnabled:
      description: Whether playback from edge storage is enabled.
      type: bool
      returned: always
      sample: false
    manualRecordingTimeoutEnabled:
      description: Whether manual recording stops after a timeout.
      type: bool
      returned: always
      sample: true
    manualRecordingTimeoutMinutes:
      description: Manual recording timeout in minutes.
      type: int
      returned: always
      sample: 15
    recordingStorage:
      description: The storage the camera records to, as C({type, id}).
      type: dict
      returned: always
      sample: {type: storages, id: 0605d1b6-16bb-4adf-a32c-ef0a1991f951}
    failoverSetting:
      description: Failover mode (C(FullSupport), C(LiveOnly) or C(Disabled)).
      type: str
      returned: always
      sample: FullSupport
    relations:
      description: C(self) (the camera) and C(parent) (its hardware), each as C({type, id}).
      type: dict
      returned: always
      sample: {parent: {type: hardware, id: 5a94379d-468c-40ee-9c16-8d98be28e1dd}, self: {type: cameras, id: a8a8b9dc-3995-49ed-9b00-62caac2ce74a}}
    ptz_presets:
      description:
        - The camera's PTZ presets as the API returns them (empty for cameras that are not PTZ cameras).
      type: list
      elements: dict
      returned: when O(include) contains V(ptz_presets)
      contains:
        id:
          description: Preset id (GUID).
          type: str
          returned: always
          sample: a6048457-861e-42ec-b923-5bc0736a947a
        name:
          description: Preset name.
          type: str
          returned: always
          sample: Home
        displayName:
          description: Name as displayed by the clients.
          type: str
          returned: always
          sample: Home
        description:
          description: Free-text description.
          type: str
          returned: always
          sample: ''
        defaultPreset:
          description: Whether this is the camera's default preset.
          type: bool
          returned: always
          sample: false
        devicePreset:
          description: Whether the preset is stored on the device (imported with C(GetDevicePresets)) rather than in the VMS.
          type: bool
          returned: always
          sample: true
        devicePresetInternalId:
          description: The device's own id of a device preset.
          type: str
          returned: always
          sample: '1'
        locked:
          description: Whether the preset is locked.
          type: bool
          returned: always
          sample: false
        pan:
          description: Pan position.
          type: float
          returned: always
          sample: 0.1
        tilt:
          description: Tilt position.
          type: float
          returned: always
          sample: 0.2
        zoom:
          description: Zoom position.
          type: float
          returned: always
          sample: 0.3
        relations:
          description: C(self) (the preset) and C(parent) (the camera).
          type: dict
          returned: always
          sample: {self: {type: ptzPresets, id: a6048457-861e-42ec-b923-5bc0736a947a}, parent: {type: cameras, id: a8a8b9dc-3995-49ed-9b00-62caac2ce74a}}
    ptz_tasks:
      description:
        - The PTZ preset tasks the camera offers (empty for cameras that are not PTZ cameras).
        - Use the C(id) as O(milestone.xprotect.ptz_task#module:task).
      type: list
      elements: dict
      returned: when O(include) contains V(ptz_tasks), and with O(ptz_only) on servers whose cameras lack C(ptzEnabled)
      contains:
        id:
          description: Task id.
          type: str
          returned: always
          sample: DefaultPtzPreset
        displayName:
          description: Task name as displayed by the clients.
          type: str
          returned: always
          sample: Set default PTZ preset
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._cameras import (
    DEFAULT_CONCURRENCY,
    INCLUDE_CHOICES,
    MAX_CONCURRENCY,
    read_cameras_job,
)
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule

ARGUMENT_SPEC = dict(
    id=dict(type='str'),
    name=dict(type='str'),
    include_disabled=dict(type='bool', default=False),
    ptz_only=dict(type='bool', default=False),
    camera_group=dict(type='str'),
    include=dict(type='list', elements='str', choices=list(INCLUDE_CHOICES), default=[]),
    concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, pool_size=MAX_CONCURRENCY).run(read_cameras_job)


if __name__ == '__main__':
    main()
