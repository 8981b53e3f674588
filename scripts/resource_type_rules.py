# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the real XProtect API differs from Milestone's OpenAPI document, and what the document leaves out.

``scripts/gen_resource_types.py`` reads the document first and applies these rules on top; the result is
``plugins/module_utils/_resource_types.py``. Every rule names its source in a comment: a section of
``docs/xprotect-api.md`` (``§n``, which gives the original sources), the document itself (``OAS``: a schema,
a path, or its prose in ``info.description``, which is the Config API documentation page) where its prose or
examples contradict its schemas, or a named public source.

Shape (the generator rejects unknown keys, types, fields, tasks and parameters, so that a rule cannot silently
stop applying when the document changes):

- ``api_deviations``: sentences that hold for every type (``API_DEVIATIONS`` in the table);
- ``filter_operators``: the list-filter operators (``FILTER_OPERATORS``);
- ``all_types``: ``fields`` overrides applied to every type that has the field;
- ``types``: per type, any of
  ``scope``, ``identity``, ``since`` (the XProtect release that added the type), ``create_only``
  (read-only fields that the create body carries), ``fields`` (per-field overrides of ``type``, ``format``,
  ``read_only``, ``secret``, ``reference``), ``replace_fields`` (the whole field table), ``tasks`` (per task,
  overrides of ``since``, ``secret_result`` and per-parameter ``reference``/``secret``), ``query_add``,
  ``query_remove`` and ``notes`` (sentences; appended to the type's notes).

The sentences must be ASCII, as the table is.
"""

from __future__ import annotations

RULES = {
    'api_deviations': [
        # docs/xprotect-api.md §7 (the 2025 R2 server's bodies; every sample reads response.json()["error"]) and §9.
        'Error bodies are wrapped: {"error": {"httpCode": <int>, "details": [{"errorText": ...}]}}; the document\'s error schemas '
        'omit the wrapper and show httpCode as a string.',
        # docs/xprotect-api.md §2 and §9: the prose and Milestone's samples use "id".
        'GET ...?tasks lists tasks as {"id": ..., "displayName": ...}; the document\'s taskList schema says "name".',
        # docs/xprotect-api.md §2 and §8 (2022 R2 release notes).
        'Booleans are JSON true/false since 2022 R2; older servers send the strings "True"/"False".',
        # docs/xprotect-api.md §2; OAS: the paths declare only the query parameters tasks, task, disabled and language.
        'Only the prose documents the query parameters definitions, resources, noData, page/size (0-based page) and the list '
        'filters (?name=\'X\', ?model=notEquals:\'X\', lt:, gt:, startsWith:, contains:); valueless flags are sent as ?tasks&noData.',
        # docs/xprotect-api.md §2 (disabled); OAS GET /cameras: "To include disabled items add ?disabled".
        'Lists return enabled objects only unless ?disabled is given.',
        # docs/xprotect-api.md §0 (Milestone's Python sample calls cameras/{id}/ptzpresets).
        'Paths are case-insensitive (cameras/{id}/ptzpresets works).',
        # docs/xprotect-api.md §2 (create, PUT/PATCH, DELETE).
        'Create answers 201 {"result": {...}} carrying the new id (sometimes also state and path); PUT and PATCH answer '
        '200 {"data": {...}}; DELETE answers 200 {"state": "Success"}.',
        # docs/xprotect-api.md §2 (PUT = all updatable properties, PATCH = just the ones to change).
        'PUT must carry all updatable properties; PATCH only the ones to change.',
        # docs/xprotect-api.md §3 and §7 (409 never documented; "parameters missing" with params).
        '409 is never used: conflicts and validation errors answer 400; a task invoked without its parameters answers 400 '
        '"Bad request: parameters missing" with a "params" object naming them.',
        # OAS: enums such as alarmDefinitions.priority or genericEvents.dataSource hold the ids of one test system.
        'Enum values in the document are sample values from a test system, not the valid choices; the server lists the valid '
        'options with ?definitions.',
        # OAS: only registeredServicePostBody has "required"; docs/xprotect-api.md §7 (params of a task).
        'The document marks almost no field as required; the server names missing create and task parameters at runtime.',
        # docs/xprotect-api.md §2 and §6; OAS prose "Task progress and cleanup".
        'A task invoke answers 200 or 201 {"result": ...}; a queued task\'s result has state Idle and path {"type": "tasks", '
        '"id": "<n>"}: poll tasks/<n> until progress is 100 (state Success or Error), then invoke TaskCleanup on it.',
        # OAS prose "Task progress and cleanup": the AddHardware result echoes "password".
        'Task results echo the parameters, passwords included.',
        # docs/xprotect-api.md §2 (relations on every object); OAS: relations has no readOnly.
        'Every object carries relations.self (and relations.parent under a parent) as {"type", "id"}; the document does not '
        'mark relations read-only.',
        # docs/xprotect-api.md §5 (PtzPreset[...] in upper case); OAS schemas and examples (path_* objects, Type[GUID]
        # enums, "recordingServers/<guid>" in the prose, bare GUIDs, alarmDefinitions.owner as text).
        'References come as {"type", "id"} objects, Type[GUID] strings with upper-case GUIDs, type/guid strings, bare GUIDs '
        'or text, depending on the field.',
        # docs/xprotect-api.md §2 and §4 (seven fraction digits; the reserved createdDate).
        'Timestamps are ISO 8601 UTC with up to 7 fractional digits; reserved dates read 0001-01-01T00:00:00.0000000 without a '
        'zone.',
    ],
    # docs/xprotect-api.md §2 (property filters); '' is the exact match (?name='X').
    'filter_operators': ['', 'notEquals', 'startsWith', 'contains', 'lt', 'gt'],
    'all_types': {
        'fields': {
            # docs/xprotect-api.md §2: relations.self/parent are set by the server.
            'relations': {'read_only': True},
        },
    },
    'types': {
        'userDefinedEvents': {
            'notes': [
                # docs/xprotect-api.md §3 (fields).
                'name is the only writable field, so PUT and PATCH are equivalent.',
                # docs/xprotect-api.md §3 (built-in events).
                'Every system has three built-in events of subtype System: RequestStartRecording '
                '85867627-b287-4439-9e55-a63701e1715b, RequestStopRecording 77b1e70d-ba8d-4bb8-9ee8-43b09746d82a and '
                'RequestPlayAudio 7605f8b0-7f5f-4432-b223-0bb2dc3f1f5c; leave them alone.',
                # docs/xprotect-api.md §3 (uniqueness not documented).
                'The server is not known to enforce unique names.',
                # docs/xprotect-api.md §3 (Events REST API).
                'Events are triggered through the Events REST API: POST /api/rest/v1/events {"type": "<id>"} (2023 R2 and later).',
                # docs/xprotect-api.md §3 (GEN).
                'A 2022 client also lists sites/{id}/userDefinedEvents; this document does not.',
            ],
        },
        'cameras': {
            'notes': [
                # docs/xprotect-api.md §4 (no create, no DELETE).
                'Cameras come with their hardware: no create or delete (AddHardware on recordingServers; hardware is deleted '
                'under recordingServers).',
                # docs/xprotect-api.md §4 (createdDate on the 2025 R1 server).
                'createdDate is reserved and reads 0001-01-01T00:00:00.0000000.',
                # docs/xprotect-api.md §4 and §8 (missing in the 2022 client).
                'ptzEnabled and failoverSetting are missing on older servers.',
            ],
            'tasks': {
                # OAS prose "New in XProtect VMS 2024 R2": getting and setting the absolute position of cameras.
                'GetPtzAbsolutePosition': {'since': '2024 R2'},
                'SetPtzAbsolutePosition': {'since': '2024 R2'},
            },
        },
        'outputs': {
            'tasks': {
                # OAS prose "New in XProtect VMS 2024 R2": activating, deactivating and triggering outputs.
                'Activate': {'since': '2024 R2'},
                'Deactivate': {'since': '2024 R2'},
                'Trigger': {'since': '2024 R2'},
            },
        },
        'ptzPresets': {
            'notes': [
                # docs/xprotect-api.md §5 (no PUT or PATCH).
                'No PUT or PATCH: a preset is changed by deleting and re-creating it.',
                # docs/xprotect-api.md §5 (POST creates, 201); OAS: the POST lists only 200.
                'Create answers 201 {"result": <preset>}; the document lists 200 only.',
                # docs/xprotect-api.md §5 (DefaultPtzPreset body and answer).
                'DefaultPtzPreset takes {"itemSelection": "PtzPreset[<UPPER-CASE-ID>]"}; it may answer synchronously '
                '(state Success) or with a task to poll.',
                # docs/xprotect-api.md §5 (two-step protocol).
                'GetDevicePresets runs in two steps: invoke with {"sessionDataId": 0}, wait for the task, then invoke again with '
                'the sessionDataId the task reports and wait for that task.',
            ],
            'tasks': {
                # docs/xprotect-api.md §5 and §8 (Goto, 2024 R2).
                'Goto': {'since': '2024 R2'},
            },
        },
        'tasks': {
            # docs/xprotect-api.md §6 and §9 (item 3): the document's tasks schema wraps the fields in result and adds
            # path/taskType; GET tasks/{id} has them directly in data.
            'replace_fields': {
                'displayName': {'type': 'string', 'format': None, 'read_only': True, 'secret': False, 'reference': None},
                'errorCode': {'type': 'integer', 'format': None, 'read_only': True, 'secret': False, 'reference': None},
                'errorText': {'type': 'string', 'format': None, 'read_only': True, 'secret': False, 'reference': None},
                'progress': {'type': 'integer', 'format': None, 'read_only': True, 'secret': False, 'reference': None},
                'relations': {'type': 'object', 'format': None, 'read_only': True, 'secret': False, 'reference': None},
                'state': {'type': 'string', 'format': None, 'read_only': True, 'secret': False, 'reference': None},
            },
            'notes': [
                # docs/xprotect-api.md §6 (a task's data).
                'Task data sits at the data level (displayName, progress, state, errorCode, errorText, relations and '
                'task-specific fields such as sessionDataId); the document wraps it in result.',
                # docs/xprotect-api.md §6 (states).
                'state is Idle, InProgress, Success or Error; progress 100 means finished.',
                # docs/xprotect-api.md §2 (ids).
                'Task ids are small integers as strings, not GUIDs.',
                # docs/xprotect-api.md §6 (the 2021 R2 pre-release gateway).
                'The 2021 R2 pre-release gateway answers TaskCleanup with 400 although the cleanup succeeded.',
                # docs/xprotect-api.md §6 (cleanup bodies).
                'TaskCleanup accepts an empty body or {}.',
            ],
        },
        'settings': {
            # OAS prose "Operations on objects": "these camera child resources re-use the parent ID: ... /settings/{camera-id}".
            'scope': 'singleton',
            # OAS: the arrays are flagged readOnly, but the properties of their items (FPS, resolution, ...) are not; the
            # prose says only that POST and DELETE are not supported on settings.
            'fields': {
                'generalSettings': {'read_only': False},
                'stream': {'read_only': False},
            },
            'notes': [
                # OAS prose "Operations on objects".
                'One object per device, addressed by the device id (settings/{deviceId}); it always exists: no create, no delete.',
                # OAS: stream_childItem lists one test driver's properties (aviFilename, chessboardTileColor, ...);
                # OAS prose "definitions parameter" shows values and flags as strings.
                'Fields depend on the device driver (the document shows one test driver); ?definitions gives values and flags as '
                'strings.',
                # OAS: see the fields rule above.
                'generalSettings and stream are flagged read-only in the document, but the properties of their items are '
                'writable; PATCH changes them.',
            ],
        },
        'streams': {
            # OAS prose "Operations on objects": "/streams/{camera-id}", the parent's id re-used.
            'scope': 'singleton',
            'notes': [
                # OAS prose "Operations on objects".
                'One object per camera, addressed by the camera id (streams/{cameraId}); stream is an array that PUT and PATCH '
                'write as a whole.',
                # OAS prose "Operations on objects"; OAS: a request body for RemoveStream only.
                'AddStream and RemoveStream add or remove one stream; the parameters of AddStream are not documented.',
                # MilestonePSTools issue #72 (milestonesys/MilestonePSTools).
                'Changing stream usage and stream settings in one request can lose the settings: change one at a time.',
            ],
        },
        'storageInformation': {
            # OAS: no list and no path under storages, so the only id a client can know is the storage's (its
            # relations.parent is a storage); inferred.
            'scope': 'singleton',
            'notes': [
                'Addressed by the storage id (inferred: the document has no list and no path under storages).',
            ],
        },
        'archiveStorageInformation': {
            # OAS: as storageInformation, under archiveStorages; inferred.
            'scope': 'singleton',
            'notes': [
                'Addressed by the archive storage id (inferred: the document has no list and no path under archiveStorages).',
            ],
        },
        'motionDetections': {
            'notes': [
                # OAS prose "Operations on objects".
                'The prose also names motionDetections/{cameraId} (the camera id reused; no POST, no DELETE); the document has '
                'only cameras/{id}/motionDetections.',
            ],
        },
        'basicUsers': {
            # OAS: name is readOnly, and POST /basicUsers takes the same schema, so the name is given at creation (inferred).
            'create_only': ['name'],
            'fields': {
                # OAS: sid is the user's own security id, not a reference.
                'sid': {'reference': None},
            },
            'notes': [
                # OAS: basicUsers.name readOnly.
                'name is read-only: it is given at creation only.',
                # OAS: no password property; the ChangePasswordBasicUser task.
                'The document has no password field: ChangePasswordBasicUser sets the password, which can never be read back.',
            ],
        },
        'users': {
            'fields': {
                # OAS: sid is the member's own security id (the same example as basicUsers.sid), not a reference.
                'sid': {'reference': None},
            },
        },
        'hardware': {
            'tasks': {
                'MoveHardware': {
                    # OAS prose "task parameter": the definitions options and the body use "recordingServers/<guid>";
                    # the moveHardwareServerTask example shows RecordingServer[GUID].
                    'params': {'destinationRecordingServer': {'reference': {'format': 'slash', 'types': ['recordingServers']}}},
                },
                # OAS: "ReadPasswordHardware - Read hardware password": the result is the password.
                'ReadPasswordHardware': {'secret_result': True},
            },
            'notes': [
                # OAS: AddHardware ("newly added hardware ... will be disabled initially"), DELETE recordingServers/{id}/hardware/{id}.
                'Hardware is created by the AddHardware task on recordingServers (its devices start disabled) and deleted at '
                'recordingServers/{id}/hardware/{id}.',
                # OAS prose "tasks parameter" example.
                'The prose ?tasks example also lists UpdateHardware, which the task parameter does not document.',
            ],
        },
        'recordingServers': {
            'notes': [
                # OAS prose "Task invocation" (the typical flow).
                'Adding hardware: invoke HardwareScan or AddHardware without a body to learn the params, invoke with the body, '
                'poll the task, then GET the new hardware, update and enable it.',
            ],
        },
        'loginProviders': {
            'notes': [
                # OAS: a read-only clientSecretHasValue beside clientSecret, which has no example (inferred: write-only).
                'clientSecret is write-only: reads do not return it; clientSecretHasValue tells whether one is set.',
                # MilestonePSTools docs/changelog.md: clientSecretType needs the REST API from 2025 R3.
                '2025 R3 adds clientSecretType, which this document does not have.',
            ],
        },
        'evidenceLockProfiles': {
            'notes': [
                # MilestonePSTools docs/changelog.md (24.1.5).
                'Older servers answer 404 "Unknown resource: evidenceLockProfiles" (assumed to need 2024 R2 or later).',
            ],
        },
        'registeredServices': {
            # OAS prose "New in XProtect VMS 2024 R2".
            'since': '2024 R2',
            # OAS GET /registeredServices: "/registeredServices?includeDisabled".
            'query_add': ['includeDisabled'],
            'notes': [
                # OAS: registeredServices_* operations (no tasks parameter), includeDisabled, "Built-in services cannot be deleted".
                'Follows its own conventions: disabled services are listed with ?includeDisabled; built-in services cannot be '
                'deleted.',
            ],
        },
        'securityNamespaces': {
            # OAS prose "New in XProtect VMS 2024 R2".
            'since': '2024 R2',
        },
        'effectivePermissions': {
            # OAS prose "New in XProtect VMS 2024 R2".
            'since': '2024 R2',
            'notes': [
                # OAS path parameter: "Defines the securityNamespaces to retrieve effective permissions from".
                'The id is a securityNamespaces id; the answer is the caller\'s own permissions in that namespace.',
            ],
        },
        'roles': {
            'notes': [
                # MilestoneSystemsInc/PowerShellSamples issue #120.
                'Creating a role also creates a view group.',
                # OAS: roles.roleType (read-only) tells the built-in administrators role (Adminstrative) from UserDefined ones.
                'Leave the built-in Administrators role (roleType Adminstrative) alone.',
            ],
        },
        'cameraGroups': {
            'notes': [
                # OAS: cameraGroups.builtIn (read-only); GET cameraGroups/{id}/cameraGroups has no POST.
                'Built-in groups (builtIn) must be left alone; nested camera groups have no documented create.',
            ],
        },
        'alarmDefinitions': {
            'fields': {
                # OAS: owner "Should be formatted as Identity.ToString() does, like *John Doe (Acme/JD)*".
                'owner': {'reference': {'format': 'text', 'types': []}},
                # OAS: one path schema (path_userDefinedEvents, "a comma separated set of Paths") serves every event and
                # source list; the lists take paths of other types too.
                'disableEventList': {'reference': {'format': 'object', 'types': []}},
                'enableEventList': {'reference': {'format': 'object', 'types': []}},
                'managementTimeoutEventList': {'reference': {'format': 'object', 'types': []}},
                'sourceList': {'reference': {'format': 'object', 'types': []}},
                'triggerEventlist': {'reference': {'format': 'object', 'types': []}},
            },
            'notes': [
                # OAS prose "Task invocation" (wizard-like flows for rules and alarmDefinitions).
                'Creating and editing is a wizard-like flow: a partial body answers with the params still needed.',
                # OAS: GUID enums with display-name maps.
                'eventType, eventTypeGroup, category and priority are bare GUIDs; the document\'s enums are a test system\'s values.',
            ],
        },
        'rules': {
            'notes': [
                # OAS prose "Task invocation" (wizard-like flows for rules and alarmDefinitions).
                'Creating and editing is a wizard-like flow: a partial body answers with the params still needed.',
            ],
        },
        'clientSettings': {
            'fields': {
                # OAS: path_microphones ("Related device paths") serves any related device.
                'related': {'reference': {'format': 'object', 'types': []}},
            },
        },
        'lprMatchLists': {
            'fields': {
                # OAS: path_outputs ("The list of triggered events") serves any triggered event.
                'triggerEventList': {'reference': {'format': 'object', 'types': []}},
            },
        },
        'patrollingProfiles': {
            'fields': {
                # OAS: the endPresetId enum holds the ids of the ptzPresets examples, lower case.
                'endPresetId': {'reference': {'format': 'guid', 'types': ['ptzPresets']}},
            },
            'tasks': {
                # OAS: as endPresetId, the presetId enum holds the ids of the ptzPresets examples.
                'AddPatrollingEntry': {'params': {'presetId': {'reference': {'format': 'guid', 'types': ['ptzPresets']}}}},
            },
        },
        'views': {
            'tasks': {
                # OAS prose "New in XProtect VMS 2025 R2": applying another view, clearing a view, clearing a view item.
                'ApplyViewToView': {'since': '2025 R2'},
                'ClearView': {'since': '2025 R2'},
                'ClearViewItem': {'since': '2025 R2'},
            },
        },
        'hardwareDriverSettings': {
            'notes': [
                # OAS prose "definitions parameter": the hardwareDriverSettings example shows strings ("50", "true").
                'Fields depend on the driver; values and ?definitions flags are strings ("50", "true").',
            ],
        },
    },
}
