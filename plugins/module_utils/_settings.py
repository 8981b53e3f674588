# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Device settings as code: general settings, stream settings and a camera's stream usage, on one device or a fleet.

``settings/{deviceId}`` holds what the device's driver offers: ``generalSettings`` (usually one entry) and ``stream``
(one entry per stream of the driver, with its ``displayName`` and ``streamReferenceId``). ``?definitions`` tells, per
property, whether it can be set (``canSet``), its ``valueType`` (``enum``, ``int``, ``double``, ``slider``, ``bool``,
``string``, ...), its ``options`` and its ``minValue``/``maxValue``/``stepValue``; values come back as strings
(``"brightness": "50"``). ``streams/{cameraId}`` holds the streams a camera uses (live, default live, recording), and
is written as a whole array (OAS: "these must be updated together"). docs/xprotect-api.md §2, §7.

The job works in two passes over the devices, each with bounded concurrency:

1. *read*: one ``GET settings/{id}?definitions`` per device (its values and their definitions in one answer), plus
   ``GET streams/{id}`` when the stream usage is managed. Every wanted value is checked against the definitions and
   coerced by its ``valueType`` before it is compared, so ``FPS: 6`` equals ``"6"`` and ``"6.0"`` and a re-run is
   quiet. Devices whose definitions are equal (one driver, one model) share the check: it is done once per distinct
   answer.
2. *write*, only for the devices that differ, and never in check mode: the stream usage first (the whole array), then
   one PATCH of the settings with only the changed properties. That order keeps both: MilestonePSTools issue 72
   shows settings lost when they are written together with the usage.

Values a device's driver does not offer (an unknown property, one that cannot be set, a value outside the options,
the range or the step) are found in the first pass, before anything is written; ``unsupported`` decides what happens to
such a device (``fail``: it fails and nothing is written if that is more than ``failure_tolerance`` allows; ``skip``: it
is left alone; ``warn``: its other values are written). A property or stream that no device has is a typo and fails the
task whatever ``unsupported`` says.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import json
import marshal
import math
import threading
import time
import typing as t
from urllib.parse import quote

from . import _cameras as cameras
from ._concurrency import map_all, map_bounded
from ._errors import InputError, XProtectError
from ._ids import id_key, is_id, object_id, show
from ._tasks import (
    CHANGED,
    FAILED,
    NOT_ATTEMPTED,
    SKIPPED,
    UNCHANGED,
    WOULD_CHANGE,
    FailureTolerance,
    ServerGoneGuard,
    TaskAccount,
    fleet_advice,
    fleet_option_problems,
    run_fleet,
)

Obj = t.Dict[str, t.Any]
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64
UNSUPPORTED_CHOICES = ('fail', 'skip', 'warn')
LIVE_MODES = ('Always', 'Never', 'WhenNeeded')
#: The recording tracks of ``streams[].recordTo`` (OAS value map; MilestonePSTools ``Set-VmsCameraStream -RecordingTrack``).
RECORD_TRACKS = {'primary': '16ce3aa1-5f93-458a-abe5-5c95d9ed1372', 'secondary': '84fff8b9-8cd1-46b2-a451-c4a87d4cbbb0', 'none': ''}
USAGE_KEYS = ('stream', 'name', 'live_mode', 'live_default', 'record', 'default_playback', 'use_edge')
ITEM_KEYS = ('device', 'general', 'streams', 'stream_usage')
#: How many devices and values a message spells out before it summarises the rest.
MESSAGE_LIMIT = 10
#: How many options of an enumeration a message lists.
OPTIONS_SHOWN = 40
STATUS_ORDER = (CHANGED, UNCHANGED, WOULD_CHANGE, SKIPPED, FAILED, NOT_ATTEMPTED)
#: The query of a settings read: the values with their definitions.
DEFINITIONS = (('definitions', None),)


@dataclasses.dataclass(frozen=True)
class DeviceType:
    """A kind of device: its API type, how messages name it, and the type of its groups."""

    option: str
    api: str
    label: str
    plural: str
    groups: str


DEVICE_TYPES = {dtype.option: dtype for dtype in (
    DeviceType('cameras', 'cameras', 'camera', 'cameras', 'cameraGroups'),
    DeviceType('microphones', 'microphones', 'microphone', 'microphones', 'microphoneGroups'),
    DeviceType('speakers', 'speakers', 'speaker', 'speakers', 'speakerGroups'),
    DeviceType('metadata', 'metadata', 'metadata device', 'metadata devices', 'metadataGroups'),
    DeviceType('inputs', 'inputEvents', 'input', 'inputs', 'inputEventGroups'),
    DeviceType('outputs', 'outputs', 'output', 'outputs', 'outputGroups'),
)}


class SettingsError(XProtectError):
    """The task failed on more devices than tolerated, or asked for something no device has."""

    hint = ''


def summarize(items: t.Sequence[str], separator: str = '; ') -> str:
    shown = list(items[:MESSAGE_LIMIT])
    if len(items) > MESSAGE_LIMIT:
        shown.append(f'and {len(items) - MESSAGE_LIMIT} more')
    return separator.join(shown)


def device_name(device: t.Mapping[str, t.Any]) -> str:
    return str(device.get('name') or device.get('displayName') or '')


def describe(device: t.Mapping[str, t.Any]) -> str:
    return f"{show(device_name(device))} ({id_key(object_id(device))})"


# ================================================================================================ definitions

def _flag(value: t.Any, default: bool = True) -> bool:
    """``canSet`` as a JSON boolean or, as in the OAS prose example, the strings "true"/"false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ('true', 'false'):
        return value.strip().lower() == 'true'
    return default


def _number(value: t.Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def number_text(value: float) -> str:
    """A number as a settings string holds it: ``6``, ``12.5``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclasses.dataclass(frozen=True)
class Definition:
    """What one property accepts, from ``?definitions`` (keys in either case, values as strings or numbers)."""

    name: str
    can_set: bool = True
    value_type: str = 'string'
    options: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    #: False when the server gave no definition: the value is compared, not checked.
    known: bool = True

    @classmethod
    def parse(cls, name: str, raw: t.Any) -> 'Definition':
        if not isinstance(raw, dict):
            return cls(name, known=False)
        keys = {str(key).lower(): value for key, value in raw.items()}
        options: list[tuple[str, str]] = []
        given = keys.get('options')
        if isinstance(given, dict):
            options = [(str(value), str(label)) for value, label in given.items()]
        elif isinstance(given, list):
            for option in given:
                if isinstance(option, dict):
                    value = option.get('value', option.get('id', ''))
                    options.append((str(value), str(option.get('displayName', option.get('name', value)))))
                else:
                    options.append((str(option), str(option)))
        value_type = str(keys.get('valuetype') or ('enum' if options else 'string')).strip().lower()
        return cls(name, can_set=_flag(keys.get('canset')), value_type=value_type, options=tuple(options),
                   minimum=_number(keys.get('minvalue')), maximum=_number(keys.get('maxvalue')), step=_number(keys.get('stepvalue')) or None)

    def offered(self) -> t.Any:
        """What the property accepts, for messages and results: the option values, or the range and step."""
        if self.options:
            return [value for value, _label in self.options]
        limits = {key: number_text(value) for key, value in (('min', self.minimum), ('max', self.maximum), ('step', self.step))
                  if value is not None}
        return limits or None

    def closest(self, value: t.Any) -> list[str]:
        """The numeric options next to a number that is not one of them (6 -> "5" and "6.25")."""
        number = _number(value)
        numbers = [(parsed, option) for option, _label in self.options for parsed in [_number(option)] if parsed is not None]
        if number is None or not numbers or len(numbers) != len(self.options):
            return []
        below = [item for item in numbers if item[0] < number]
        above = [item for item in numbers if item[0] > number]
        return [item[1] for item in (max(below) if below else None, min(above) if above else None) if item is not None]

    def offered_text(self) -> str:
        offered = self.offered()
        if isinstance(offered, list):
            text = 'it offers ' + ', '.join(show(option) for option in offered[:OPTIONS_SHOWN])
            return text + (f' and {len(offered) - OPTIONS_SHOWN} more' if len(offered) > OPTIONS_SHOWN else '')
        if isinstance(offered, dict):
            text = f"it accepts {offered.get('min', '-inf')} to {offered.get('max', 'inf')}"
            return text + (f" in steps of {offered['step']}" if 'step' in offered else '')
        return ''


@dataclasses.dataclass(frozen=True)
class Problem:
    """A wanted value a device does not offer."""

    setting: str
    value: t.Any
    reason: str
    offered: t.Any = None
    #: 'unknown' (no such property or stream), 'read_only', 'usage' or 'value'.
    kind: str = 'value'
    #: What the device offers instead, in words (for messages; the result has ``offered``).
    detail: str = ''

    def text(self) -> str:
        return f'{self.setting}: {self.reason}' + (f'; {self.detail}' if self.detail else '')

    def key(self) -> tuple[str, str, str, str]:
        return (self.setting, json.dumps(self.value, default=str), self.reason, json.dumps(self.offered, default=str))


class Refused(Exception):
    """A value that does not fit a definition (the reason is the message)."""


def _option_for(definition: Definition, value: t.Any) -> str | None:
    """The option a value means: its value or display name, exactly, then without regard to case, then as a number."""
    text = number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value).strip()
    for option, _label in definition.options:
        if option == text:
            return option
    for option, label in definition.options:
        if label == text:
            return option
    folded = [option for option, label in definition.options if text.casefold() in (option.casefold(), label.casefold())]
    if len(set(folded)) == 1:
        return folded[0]
    number = _number(text)
    if number is not None:
        for option, _label in definition.options:
            if _number(option) == number:
                return option
    return None


def _as_bool(value: t.Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ('true', 'false', 'yes', 'no', 'on', 'off', '1', '0'):
        return value.strip().lower() in ('true', 'yes', 'on', '1')
    raise Refused(f'{value!r} is not true or false')


def coerce(definition: Definition, value: t.Any) -> t.Any:
    """``value`` in the comparable form of the definition's ``valueType``; ``Refused`` says why it does not fit."""
    kind = definition.value_type
    if definition.options and kind in ('enum', 'string', 'list', 'path', ''):
        option = _option_for(definition, value)
        if option is None:
            raise Refused(f'{show(str(value))} is not one of the options')
        return option
    if kind == 'bool':
        return _as_bool(value)
    if kind in ('int', 'double', 'slider', 'progress'):
        number = _number(value) if not isinstance(value, str) or value.strip() else None
        if number is None:
            raise Refused(f'{value!r} is not a number')
        if kind == 'int' and not number.is_integer():
            raise Refused(f'{number_text(number)} is not a whole number')
        if (definition.minimum is not None and number < definition.minimum) or (definition.maximum is not None and number > definition.maximum):
            raise Refused(f'{number_text(number)} is out of range')
        if definition.step:
            steps = (number - (definition.minimum or 0.0)) / definition.step
            if abs(steps - round(steps)) > 1e-9:
                raise Refused(f'{number_text(number)} is off the step of {number_text(definition.step)}')
        return number
    if definition.options:
        option = _option_for(definition, value)
        if option is None:
            raise Refused(f'{show(str(value))} is not one of the options')
        return option
    return value if isinstance(value, str) else json.dumps(value)


def current_form(definition: Definition, value: t.Any) -> t.Any:
    """The device's current value in the same comparable form (``"6.0"`` -> 6.0); None when it does not parse."""
    if not definition.known:
        return _loose(value)
    try:
        if definition.options:
            return _option_for(definition, value) or str(value)
        if definition.value_type == 'bool':
            return _as_bool(value)
        if definition.value_type in ('int', 'double', 'slider', 'progress'):
            return _number(value)
    except Refused:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _loose(value: t.Any) -> t.Any:
    """Without a definition: numbers and booleans given as strings compare equal to their values."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ('true', 'false'):
            return lowered == 'true'
        number = _number(value.strip())
        return number if number is not None else value
    number = _number(value)
    return number if number is not None else value


def wire_form(definition: Definition, wanted: t.Any, current: t.Any) -> t.Any:
    """The value as the server takes it: a string where the device answers strings, else the JSON type."""
    if isinstance(wanted, bool):
        if isinstance(current, str):
            text = 'true' if wanted else 'false'
            return text.capitalize() if current[:1].isupper() else text
        return wanted
    if isinstance(wanted, float) and not definition.options:
        if isinstance(current, str) or current is None:
            return number_text(wanted)
        return int(wanted) if definition.value_type == 'int' or wanted.is_integer() and isinstance(current, int) else wanted
    return wanted


# ===================================================================================================== input

@dataclasses.dataclass(frozen=True)
class UsageEntry:
    """One stream of ``stream_usage`` as given (None: keep what the camera has)."""

    stream: str
    name: str | None = None
    live_mode: str | None = None
    live_default: bool | None = None
    record: str | None = None
    default_playback: bool | None = None
    use_edge: bool | None = None


@dataclasses.dataclass(frozen=True)
class Wanted:
    """What the task asks for, checked before any request."""

    general: dict[str, t.Any]
    streams: list[tuple[str, dict[str, t.Any]]]
    usage: list[UsageEntry] | None


def _boolean(value: t.Any, where: str, problems: list[str]) -> bool | None:
    if value is None:
        return None
    try:
        return _as_bool(value)
    except Refused:
        problems.append(f'{where} must be true or false, not {value!r}')
        return None


def _scalar_settings(value: t.Any, where: str, problems: list[str]) -> dict[str, t.Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f'{where} must be a dictionary of settings such as {{FPS: 6}}, not {type(value).__name__}')
        return {}
    settings: dict[str, t.Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            problems.append(f'{where} has a setting without a name ({key!r})')
        elif item is None or isinstance(item, (dict, list)):
            problems.append(f'{where}.{key} must be a single value (text, number or true/false), not {item!r}')
        else:
            settings[key.strip()] = item
    return settings


def _parse_streams(value: t.Any, problems: list[str], prefix: str = '') -> list[tuple[str, dict[str, t.Any]]]:
    streams: list[tuple[str, dict[str, t.Any]]] = []
    for index, item in enumerate(value or []):
        where = f'{prefix}streams[{index}]'
        if not isinstance(item, dict):
            problems.append(f'{where} must be a dictionary with stream and settings, such as {{stream: Video stream 1, settings: {{FPS: 6}}}}')
            continue
        unknown = sorted(str(key) for key in item if key not in ('stream', 'settings'))
        if unknown:
            problems.append(f'{where} has unknown key(s) {", ".join(unknown)}; an entry has stream and settings')
        stream = item.get('stream')
        if not isinstance(stream, str) or not stream.strip():
            problems.append(f'{where}.stream must name a stream of the device (its name, such as Video stream 1, or its id)')
            continue
        settings = _scalar_settings(item.get('settings'), f'{where}.settings', problems)
        if not settings and isinstance(item.get('settings'), (dict, type(None))):
            problems.append(f'{where}.settings is empty; give the settings of {show(stream)} to set')
        if any(stream.strip().casefold() == other.casefold() for other, _settings in streams):
            problems.append(f'{where}: the stream {show(stream)} is listed twice; give each stream once')
        streams.append((stream.strip(), settings))
    return streams


def _parse_usage(value: t.Any, problems: list[str], prefix: str = '') -> list[UsageEntry]:
    if not isinstance(value, list) or not value:
        problems.append(f'{prefix}stream_usage must be the list of the streams the camera uses, such as '
                        '[{stream: Video stream 1, record: primary, live_default: true}]; an empty list would leave no stream in use')
        return []
    entries: list[UsageEntry] = []
    for index, item in enumerate(value):
        where = f'{prefix}stream_usage[{index}]'
        if not isinstance(item, dict):
            problems.append(f'{where} must be a dictionary with stream and the usage to give it')
            continue
        unknown = sorted(str(key) for key in item if key not in USAGE_KEYS)
        if unknown:
            problems.append(f'{where} has unknown key(s) {", ".join(unknown)}; the keys are {", ".join(USAGE_KEYS)}')
        stream = item.get('stream')
        if not isinstance(stream, str) or not stream.strip():
            problems.append(f'{where}.stream must name a stream of the camera (its name, such as Video stream 1, or its id)')
            continue
        name = item.get('name')
        if name is not None and (not isinstance(name, str) or not name.strip()):
            problems.append(f'{where}.name must be a non-empty text, not {name!r}')
            name = None
        live_mode = item.get('live_mode')
        if live_mode is not None:
            matched = [mode for mode in LIVE_MODES if str(live_mode).replace('_', '').replace(' ', '').lower() == mode.lower()]
            if not matched:
                problems.append(f'{where}.live_mode must be one of {", ".join(LIVE_MODES)}, not {live_mode!r}')
            live_mode = matched[0] if matched else None
        record = item.get('record')
        if isinstance(record, bool):
            record = 'primary' if record else 'none'
        if record is not None:
            record = str(record).strip().lower()
            if record not in RECORD_TRACKS:
                problems.append(f'{where}.record must be primary, secondary or none, not {item.get("record")!r}')
                record = None
        entry = UsageEntry(stream.strip(), name, live_mode, _boolean(item.get('live_default'), f'{where}.live_default', problems), record,
                           _boolean(item.get('default_playback'), f'{where}.default_playback', problems),
                           _boolean(item.get('use_edge'), f'{where}.use_edge', problems))
        if any(entry.stream.casefold() == other.stream.casefold() for other in entries):
            problems.append(f'{where}: the stream {show(entry.stream)} is listed twice; give each stream once')
        entries.append(entry)
    for field, label in (('live_default', 'live_default: true'), ('default_playback', 'default_playback: true')):
        chosen = [entry.stream for entry in entries if getattr(entry, field) is True]
        if len(chosen) > 1:
            problems.append(f'{prefix}stream_usage gives {label} to {len(chosen)} streams ({", ".join(show(name) for name in chosen)}); '
                            'one stream is the default')
    for track in ('primary', 'secondary'):
        chosen = [entry.stream for entry in entries if entry.record == track]
        if len(chosen) > 1:
            problems.append(f'{prefix}stream_usage records {len(chosen)} streams to the {track} recording ({", ".join(show(name) for name in chosen)}); '
                            'one stream records to each')
    return entries


def _wanted(source: t.Mapping[str, t.Any], dtype: DeviceType, problems: list[str], prefix: str = '') -> Wanted:
    """The settings one task (or one entry of ``items``) asks for; problems named with ``prefix``."""
    general = _scalar_settings(source.get('general'), f'{prefix}general', problems)
    streams = _parse_streams(source.get('streams'), problems, prefix)
    if source.get('streams') is not None and not source['streams']:
        problems.append(f'{prefix}streams is an empty list; give the streams whose settings to set, or leave the option out')
    usage = _parse_usage(source['stream_usage'], problems, prefix) if source.get('stream_usage') is not None else None
    if usage is not None and dtype.option != 'cameras':
        problems.append(f'{prefix}stream_usage is for cameras; {dtype.plural} have no stream usage')
    if source.get('general') is None and source.get('streams') is None and source.get('stream_usage') is None:
        problems.append(f'give at least one of {prefix}general, {prefix}streams and {prefix}stream_usage: there is nothing to set')
    elif isinstance(source.get('general'), dict) and not source['general'] and not streams and usage is None:
        problems.append(f'{prefix}general is empty and there are no streams or stream_usage: there is nothing to set')
    return Wanted(general, streams, usage)


@dataclasses.dataclass(frozen=True)
class Item:
    """One entry of ``items``: a device and the settings it is to have."""

    reference: str
    wanted: Wanted
    #: The wanted settings in a comparable form: entries asking for the same share their checks.
    key: bytes


def wanted_from_params(params: t.Mapping[str, t.Any]) -> tuple[Wanted, DeviceType, FailureTolerance]:
    """The task's input, or one InputError naming every problem (before any request)."""
    wanted, _items, dtype, tolerance = request_from_params(params)
    return wanted, dtype, tolerance


def request_from_params(params: t.Mapping[str, t.Any]) -> tuple[Wanted, list[Item] | None, DeviceType, FailureTolerance]:
    """The task's input: the settings for the selected devices, or ``items`` (settings per device); one InputError naming
    every problem, before any request."""
    problems: list[str] = []
    dtype = DEVICE_TYPES[params['device_type']]
    items: list[Item] | None = None
    if params.get('items') is not None:
        given = [option for option in ('general', 'streams', 'stream_usage') if params.get(option) is not None]
        if given:
            problems.append(f'items gives each device its settings; {", ".join(given)} cannot be given beside it (put them in the entries)')
        items = _parse_items(params['items'], dtype, problems)
        wanted = Wanted({}, [], None)
    else:
        wanted = _wanted(params, dtype, problems)
    tolerance = fleet_option_problems(params, MAX_CONCURRENCY, problems)
    _check_selection(params, dtype, problems)
    if problems:
        raise InputError('; '.join(problems))
    return wanted, items, dtype, tolerance


def _parse_items(value: t.Any, dtype: DeviceType, problems: list[str]) -> list[Item]:
    if not isinstance(value, list) or not value:
        problems.append(f'items is empty, so there is nothing to do; give each {dtype.label} as {{device: <name or id>, general: {{...}}}}')
        return []
    items: list[Item] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(value):
        where = f'items[{index}]'
        if not isinstance(entry, dict):
            problems.append(f'{where} must be a dictionary with device and the settings to give it, not {entry!r}')
            continue
        unknown = sorted(str(key) for key in entry if key not in ITEM_KEYS)
        if unknown:
            problems.append(f'{where} has unknown key(s) {", ".join(unknown)}; the keys are {", ".join(ITEM_KEYS)}')
        reference = device_reference(entry.get('device'))
        if reference is None:
            problems.append(f'{where}.device must be the id or exact name of a {dtype.label}, or an object with id or name, '
                            f'not {entry.get("device")!r}')
            continue
        if reference in seen:
            problems.append(f'{where}: the {dtype.label} {show(reference)} is also items[{seen[reference]}]; give each device once')
            continue
        seen[reference] = index
        wanted = _wanted(entry, dtype, problems, prefix=f'{where}.')
        key = json.dumps([wanted.general, wanted.streams, [dataclasses.astuple(usage) for usage in wanted.usage or []],
                          wanted.usage is None], sort_keys=True, default=str).encode()
        items.append(Item(reference, wanted, key))
    return items


def _check_selection(params: t.Mapping[str, t.Any], dtype: DeviceType, problems: list[str]) -> None:
    for option in ('device_group', 'name'):
        if params.get(option) is not None and (not isinstance(params[option], str) or not params[option].strip()):
            problems.append(f'{option} is empty; leave it out, or give a {dtype.label} {"group " if option == "device_group" else ""}name')
    given = params.get('devices') if params.get('devices') is not None else ([params['device']] if params.get('device') is not None else None)
    if given is None:
        return
    if not given:
        problems.append(f'devices is an empty list, so there is nothing to do; when the list comes from camera_info, its selection matched '
                        f'no {dtype.label}')
    for index, item in enumerate(given):
        where = 'device' if params.get('devices') is None else f'devices[{index}]'
        reference = device_reference(item)
        if reference is None:
            problems.append(f'{where} must be the id or exact name of a {dtype.label}, or an object with id or name (as camera_info returns '
                            f'them), not {item!r}')


def device_reference(item: t.Any) -> str | None:
    """The id or name a ``devices`` entry gives: text, or a dict with ``id`` or ``name`` (the output of camera_info)."""
    if isinstance(item, dict):
        for key in ('id', 'name'):
            if isinstance(item.get(key), str) and item[key].strip():
                return item[key].strip()
        return None
    if isinstance(item, str) and item.strip():
        return item.strip()
    return None


# ================================================================================================= selection

def _index(devices: t.Iterable[Obj]) -> tuple[dict[str, Obj], dict[str, list[Obj]]]:
    by_id: dict[str, Obj] = {}
    by_name: dict[str, list[Obj]] = {}
    for device in devices:
        by_id[id_key(object_id(device))] = device
        by_name.setdefault(device_name(device), []).append(device)
    return by_id, by_name


def _resolve_others(client: t.Any, dtype: DeviceType, references: list[str], workers: int) -> list[Obj]:
    """Devices other than cameras by id or exact name (one paged list, or up to 20 reads by id), every miss reported at once."""
    problems: list[str] = []
    found: list[Obj] = []
    if all(is_id(reference) for reference in references) and len(set(map(id_key, references))) <= cameras.BY_ID_LIMIT:
        outcomes = map_bounded(lambda ident: client.get_data(f'{dtype.api}/{quote(ident, safe="")}', action=f'read {dtype.label} {ident}'),
                               sorted(set(map(id_key, references))), workers=workers)
        by_id: dict[str, Obj] = {}
        for outcome in outcomes:
            if outcome.error is not None:
                if getattr(outcome.error, 'status', None) == 404:
                    problems.append(f'no {dtype.label} has the id {outcome.item}')
                    continue
                raise outcome.error
            by_id[str(outcome.item)] = t.cast(Obj, outcome.value)
        found = [by_id[id_key(reference)] for reference in references if id_key(reference) in by_id]
    else:
        by_id, by_name = _index(client.list(dtype.api, params=[('disabled', None)], action=f'list the {dtype.plural}'))
        for reference in references:
            if is_id(reference) and id_key(reference) in by_id:
                found.append(by_id[id_key(reference)])
                continue
            holders = by_name.get(reference, [])
            if len(holders) == 1:
                found.append(holders[0])
            elif holders:
                problems.append(f"the name {show(reference)} fits {len(holders)} {dtype.plural} "
                                f"({', '.join(id_key(object_id(device)) for device in holders)}); give the id instead")
            else:
                close = difflib.get_close_matches(reference, list(by_name), n=3, cutoff=0.8)
                hint = f" (did you mean {' or '.join(show(name) for name in close)}?)" if close else ''
                problems.append(f'no {dtype.label} has the id {reference}' if is_id(reference) else f'no {dtype.label} is named {show(reference)}{hint}')
    if problems:
        raise cameras.CameraSelectionError(summarize(list(dict.fromkeys(problems))), action=f'find the {dtype.plural}')
    return cameras.unique_by_id(found)


def _group_devices(client: t.Any, dtype: DeviceType, reference: str, include_disabled: bool, workers: int) -> list[Obj]:
    """The devices of a device group and all its subgroups (groups of microphones, speakers, ...)."""
    top = client.list(dtype.groups, action=f'list the {dtype.label} groups')
    groups: dict[str, Obj] = {id_key(object_id(group)): group for group in top}
    children: dict[str, list[str]] = {ident: [] for ident in groups}
    level = list(groups)
    while level:
        found = map_all(lambda ident: client.list(f'{dtype.groups}/{quote(ident, safe="")}/{dtype.groups}',
                                                  action=f'list the subgroups of {dtype.label} group {ident}'), level, workers=workers)
        level = []
        for parent, subgroups in found:
            for group in subgroups or []:
                ident = id_key(object_id(group))
                if ident not in groups:
                    groups[ident] = group
                    children[ident] = []
                    children[parent].append(ident)
                    level.append(ident)
    if is_id(reference) and id_key(reference) in groups:
        root = id_key(reference)
    else:
        matches = [ident for ident, group in groups.items() if device_name(group) == reference]
        if not matches:
            names = sorted({device_name(group) for group in groups.values()}, key=str.casefold)
            close = difflib.get_close_matches(reference, names, n=3, cutoff=0.75)
            hint = f" (did you mean {' or '.join(show(name) for name in close)}?)" if close else ''
            raise cameras.CameraSelectionError(f'no {dtype.label} group is named {show(reference)}{hint}; the groups are: '
                                               f'{summarize([show(name) for name in names], ", ") or "none"}', action=f'find the {dtype.label} group')
        if len(matches) > 1:
            raise cameras.CameraSelectionError(f'the name {show(reference)} fits {len(matches)} {dtype.label} groups ({", ".join(matches)}); '
                                               'give the id instead', action=f'find the {dtype.label} group')
        root = matches[0]
    subtree, pending = [], [root]
    while pending:
        ident = pending.pop(0)
        if ident not in subtree:
            subtree.append(ident)
            pending.extend(children.get(ident, []))
    flag = [('disabled', None)] if include_disabled else []
    members = map_all(lambda ident: client.list(f'{dtype.groups}/{quote(ident, safe="")}/{dtype.api}', params=flag,
                                                action=f'list the {dtype.plural} of {dtype.label} group {ident}'), subtree, workers=workers)
    return cameras.unique_by_id(device for _ident, found in members for device in found or [])


def select_devices(client: t.Any, params: t.Mapping[str, t.Any], dtype: DeviceType, workers: int) -> list[Obj]:
    """The devices the task names: ``device``/``devices`` (ids, names, camera_info output) or ``device_group`` and ``name``."""
    given = params.get('devices') if params.get('devices') is not None else ([params['device']] if params.get('device') is not None else None)
    if given is not None:
        references = [t.cast(str, device_reference(item)) for item in given]
        if dtype.option == 'cameras':
            return cameras.resolve_cameras(client, references, workers=workers)
        return _resolve_others(client, dtype, references, workers)
    group, pattern, disabled = params.get('device_group'), params.get('name'), bool(params.get('include_disabled'))
    if dtype.option == 'cameras':
        selection = cameras.CameraSelection(name=pattern, camera_group=group, include_disabled=disabled)
        return cameras.select_cameras(client, selection, workers=workers)
    if group:
        devices = _group_devices(client, dtype, group.strip(), disabled, workers)
    else:
        devices = client.list(dtype.api, params=[('disabled', None)] if disabled else [], action=f'list the {dtype.plural}')
    if pattern:
        devices = [device for device in devices if (fnmatch.fnmatchcase(device_name(device), pattern) if cameras.is_pattern(pattern)
                                                    else device_name(device) == pattern)]
    return cameras.sort_cameras(devices)


def select_items(client: t.Any, items: list[Item], dtype: DeviceType, workers: int) -> tuple[list[Obj], dict[str, Item]]:
    """The devices of ``items`` (every unknown or ambiguous one reported at once), and each device's entry by its id."""
    references = [item.reference for item in items]
    if dtype.option == 'cameras':
        devices = cameras.resolve_cameras(client, references, workers=workers)
    else:
        devices = _resolve_others(client, dtype, references, workers)
    by_id = {id_key(object_id(device)): device for device in devices}
    by_name: dict[str, list[Obj]] = {}
    for device in devices:
        by_name.setdefault(device_name(device), []).append(device)
    chosen: dict[str, Item] = {}
    where: dict[str, int] = {}
    problems = []
    for index, item in enumerate(items):
        if is_id(item.reference) and id_key(item.reference) in by_id:
            ident = id_key(item.reference)
        elif len(by_name.get(item.reference, [])) == 1:
            ident = id_key(object_id(by_name[item.reference][0]))
        else:  # pragma: no cover - the resolver has found each reference by its exact name or id
            problems.append(f'items[{index}]: the {dtype.label} {show(item.reference)} could not be told apart; give its id')
            continue
        if ident in chosen:
            problems.append(f'items[{where[ident]}] and items[{index}] are the same {dtype.label} ({describe(by_id[ident])}); give each device once')
            continue
        chosen[ident], where[ident] = item, index
    if problems:
        raise InputError(summarize(problems) + '; nothing was read or written')
    return [by_id[ident] for ident in chosen], chosen


# ====================================================================================================== plans

@dataclasses.dataclass(frozen=True)
class Target:
    """Where a wanted value goes: ``generalSettings[entry]`` or ``stream[entry]``, and the property's definition."""

    setting: str
    part: str
    entry: int
    prop: str
    definition: Definition
    value: t.Any


@dataclasses.dataclass
class Check:
    """The wanted values checked against one answer of definitions (shared by every device that gives the same answer)."""

    targets: list[Target] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    #: ``stream_usage`` entries resolved to the driver's stream ids (None: not managed or not resolvable).
    usage_streams: list[tuple[UsageEntry, str, str]] | None = None
    #: The distinct ``?definitions`` answers (by value) of the devices that share this check.
    definitions: list[t.Any] = dataclasses.field(default_factory=list)


def _section(definitions: t.Any, part: str, index: int, entry: Obj) -> dict[str, t.Any] | None:
    """The property definitions of one entry of ``part``: a list parallel to the data, a map by stream, or one map for all."""
    if not isinstance(definitions, dict):
        return None
    lowered = part.lower()
    section = next((value for key, value in definitions.items() if str(key).lower() == lowered), None)
    if isinstance(section, list):
        return section[index] if index < len(section) and isinstance(section[index], dict) else None
    if isinstance(section, dict):
        for key in (entry.get('streamReferenceId'), entry.get('displayName')):
            if key is not None:
                for name, value in section.items():
                    if str(name).lower() == str(key).lower() and isinstance(value, dict):
                        return value
        if all(isinstance(value, dict) for value in section.values()):
            return section
    return None


def _entries(data: Obj, part: str) -> list[Obj]:
    lowered = part.lower()
    value = next((value for key, value in data.items() if str(key).lower() == lowered), None)
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _parts(data: Obj) -> dict[str, list[Obj]]:
    """The entries of both parts of a settings answer (looked up once per answer)."""
    return {'generalSettings': _entries(data, 'generalSettings'), 'stream': _entries(data, 'stream')}


def _property(entry: Obj, defs: dict[str, t.Any] | None, name: str) -> tuple[str, Definition] | None:
    """The property ``name`` of an entry (case-insensitively) with its definition, or None when the entry has no such property."""
    candidates = list(entry) + list(defs or {})
    exact = [key for key in candidates if key == name]
    folded = exact or [key for key in candidates if str(key).lower() == name.lower()]
    if not folded:
        return None
    key = str(folded[0])
    raw = next((value for other, value in (defs or {}).items() if str(other).lower() == key.lower()), None)
    if defs is None:
        return key, Definition(key, known=False)
    if raw is None:
        return key, Definition(key, known=False)
    return key, Definition.parse(key, raw)


def _stream_label(entry: Obj, index: int) -> str:
    return str(entry.get('displayName') or entry.get('name') or f'stream {index + 1}')


def _find_stream(streams: list[Obj], reference: str) -> int | None:
    if is_id(reference):
        wanted_id = id_key(reference)
        for index, entry in enumerate(streams):
            if id_key(entry.get('streamReferenceId', '')) == wanted_id:
                return index
    exact = [index for index, entry in enumerate(streams) if _stream_label(entry, index) == reference]
    if exact:
        return exact[0]
    folded = [index for index, entry in enumerate(streams) if _stream_label(entry, index).casefold() == reference.casefold()]
    return folded[0] if len(folded) == 1 else None


def close_names(name: str, known: t.Sequence[str]) -> list[str]:
    """The known names closest to a misspelt one, case aside (fpss -> FPS)."""
    folded = {item.casefold(): item for item in known}
    return [folded[match] for match in difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)]


def _check_value(targets: list[Target], problems: list[Problem], setting: str, part: str, entry_index: int,
                 found: tuple[str, Definition], value: t.Any) -> None:
    prop, definition = found
    if definition.known and not definition.can_set:
        problems.append(Problem(setting, value, 'the driver does not let this setting be changed (canSet false)', kind='read_only'))
        return
    if not definition.known:
        targets.append(Target(setting, part, entry_index, prop, definition, _loose(value)))
        return
    try:
        targets.append(Target(setting, part, entry_index, prop, definition, coerce(definition, value)))
    except Refused as refused:
        closest = definition.closest(value) if str(refused).endswith('not one of the options') else []
        reason = str(refused) + (f' (closest: {" or ".join(show(option) for option in closest)})' if closest else '')
        problems.append(Problem(setting, value, reason, definition.offered(), detail=definition.offered_text()))


def check_wanted(wanted: Wanted, data: Obj, definitions: t.Any) -> Check:
    """Every wanted value against one device's settings layout and definitions (pure: cached per distinct answer)."""
    check = Check()
    general = _entries(data, 'generalSettings')
    for prop, value in wanted.general.items():
        setting = f'general.{prop}'
        for index, entry in enumerate(general):
            found = _property(entry, _section(definitions, 'generalSettings', index, entry), prop)
            if found is not None:
                _check_value(check.targets, check.problems, setting, 'generalSettings', index, found, value)
                break
        else:
            known = sorted({str(key) for entry in general for key in entry if key != 'displayName'})
            close = close_names(prop, known)
            check.problems.append(Problem(setting, value, 'the device has no such general setting' + (f' (did you mean {close[0]}?)' if close else ''),
                                          known, kind='unknown'))
    streams = _entries(data, 'stream')
    labels = [_stream_label(entry, index) for index, entry in enumerate(streams)]
    for reference, settings in wanted.streams:
        index = _find_stream(streams, reference)
        if index is None:
            for prop, value in settings.items():
                check.problems.append(Problem(f'streams[{reference}].{prop}', value, f'the device has no stream {show(reference)}', labels,
                                              kind='unknown', detail=f'its streams are {", ".join(show(label) for label in labels) or "none"}'))
            continue
        entry = streams[index]
        defs = _section(definitions, 'stream', index, entry)
        for prop, value in settings.items():
            setting = f'streams[{labels[index]}].{prop}'
            found = _property(entry, defs, prop)
            if found is None:
                known = sorted(str(key) for key in entry if key not in ('displayName', 'streamReferenceId'))
                close = close_names(prop, known)
                check.problems.append(Problem(setting, value, 'the stream has no such setting' + (f' (did you mean {close[0]}?)' if close else ''),
                                              known, kind='unknown'))
                continue
            _check_value(check.targets, check.problems, setting, 'stream', index, found, value)
    if wanted.usage is not None:
        resolved = []
        for usage in wanted.usage:
            index = _find_stream(streams, usage.stream)
            if index is None:
                check.problems.append(Problem(f'stream_usage[{usage.stream}]', usage.stream, f'the camera has no stream {show(usage.stream)}', labels,
                                              kind='unknown', detail=f'its streams are {", ".join(show(label) for label in labels) or "none"}'))
                continue
            resolved.append((usage, str(streams[index].get('streamReferenceId', '')), labels[index]))
        check.usage_streams = resolved if len(resolved) == len(wanted.usage) else None
    return check


def layout_key(wanted: Wanted, parts: dict[str, list[Obj]], definitions: t.Any) -> bytes:
    """What ``check_wanted`` reads of one answer, so that devices with the same key share one Check.

    That is the entries' layout (their properties, the streams' names and ids) and the definitions of the entries the
    wanted values are looked up in: the general settings' when general settings are wanted, each wanted stream's (not
    the PTZ's, not the other streams'). The key holds them in marshal's version 2 format, a pure function of the
    values, their types and their order (no references, no interning), written at a fraction of the cost of JSON.
    """
    general, streams = parts['generalSettings'], parts['stream']
    shape = ([sorted(entry) for entry in general],
             [(_stream_label(entry, index), entry.get('streamReferenceId'), sorted(entry)) for index, entry in enumerate(streams)])
    read: list[t.Any] = []
    if wanted.general:
        read.append([_section(definitions, 'generalSettings', index, entry) for index, entry in enumerate(general)])
    for reference, _values in wanted.streams:
        index = _find_stream(streams, reference)
        read.append(None if index is None else _section(definitions, 'stream', index, streams[index]))
    try:
        return marshal.dumps((shape, read), 2)
    except ValueError:  # not an answer decoded from JSON
        return json.dumps([shape, read], default=str).encode()


# ============================================================================================== stream usage

def _usage_summary(entry: Obj, labels: dict[str, str]) -> dict[str, t.Any]:
    track = str(entry.get('recordTo') or '').lower()
    record = next((name for name, value in RECORD_TRACKS.items() if value == track), track)
    stream_id = id_key(entry.get('streamReferenceId', ''))
    return {'stream': labels.get(stream_id, str(entry.get('displayName') or stream_id)), 'name': entry.get('name'),
            'live_mode': entry.get('liveMode'), 'live_default': bool(entry.get('liveDefault')), 'record': record,
            'default_playback': bool(entry.get('defaultPlayback')), 'use_edge': bool(entry.get('useEdge'))}


def _usage_identity(entries: list[Obj]) -> list[tuple[t.Any, ...]]:
    return sorted((id_key(entry.get('streamReferenceId', '')), entry.get('name'), entry.get('liveMode'), bool(entry.get('liveDefault')),
                   str(entry.get('recordTo') or '').lower(), bool(entry.get('defaultPlayback')), bool(entry.get('useEdge'))) for entry in entries)


def plan_usage(current: list[Obj], resolved: list[tuple[UsageEntry, str, str]]) -> tuple[list[Obj], list[str]]:
    """The whole usage array the camera gets, and what is wrong with it (the server's rules, checked before writing).

    A stream already in use keeps what its entry does not give; a single choice given to one stream (default live stream,
    default playback, a recording track) is taken from the streams that do not give it.
    """
    by_id = {id_key(entry.get('streamReferenceId', '')): entry for entry in current}
    live_default = next((stream_id for usage, stream_id, _label in resolved if usage.live_default), None)
    playback = next((stream_id for usage, stream_id, _label in resolved if usage.default_playback), None)
    tracks = {usage.record: stream_id for usage, stream_id, _label in resolved if usage.record in ('primary', 'secondary')}
    result: list[Obj] = []
    for usage, stream_id, label in resolved:
        base = by_id.get(id_key(stream_id))
        entry: Obj = {'streamReferenceId': stream_id, 'name': label, 'liveMode': 'WhenNeeded', 'liveDefault': False, 'recordTo': '',
                      'defaultPlayback': False, 'useEdge': False}
        if base is not None:
            entry.update({key: base[key] for key in ('streamReferenceId', 'name', 'liveMode', 'liveDefault', 'recordTo', 'defaultPlayback', 'useEdge')
                          if key in base})
        if usage.name is not None:
            entry['name'] = usage.name
        if usage.live_mode is not None:
            entry['liveMode'] = usage.live_mode
        if usage.use_edge is not None:
            entry['useEdge'] = usage.use_edge
        if usage.live_default is not None:
            entry['liveDefault'] = usage.live_default
        elif live_default is not None:
            entry['liveDefault'] = False
        if usage.default_playback is not None:
            entry['defaultPlayback'] = usage.default_playback
        elif playback is not None:
            entry['defaultPlayback'] = False
        if usage.record is not None:
            entry['recordTo'] = RECORD_TRACKS[usage.record]
        else:
            for track, holder in tracks.items():
                if id_key(holder) != id_key(stream_id) and str(entry.get('recordTo') or '').lower() == RECORD_TRACKS[track]:
                    entry['recordTo'] = ''
        result.append(entry)
    problems = []
    defaults = [entry for entry in result if entry['liveDefault']]
    if len(defaults) != 1:
        problems.append(f'{len(defaults)} streams would be the default live stream; exactly one must be (give live_default: true to one)')
    primary = [entry for entry in result if str(entry['recordTo']).lower() == RECORD_TRACKS['primary']]
    if len(primary) != 1:
        problems.append(f'{len(primary)} streams would record to the primary recording; exactly one must (give record: primary to one)')
    if sum(1 for entry in result if str(entry['recordTo']).lower() == RECORD_TRACKS['secondary']) > 1:
        problems.append('more than one stream would record to the secondary recording')
    playing = [entry for entry in result if entry['defaultPlayback']]
    if len(playing) > 1:
        problems.append('more than one stream would be the default playback stream')
    if playing and not playing[0]['recordTo']:
        problems.append('the default playback stream must be recorded (give it record: primary or secondary)')
    if not playing and primary:
        primary[0]['defaultPlayback'] = True  # the server makes the primary stream the default playback stream
    return result, problems


# ===================================================================================================== runs

@dataclasses.dataclass
class DeviceRun(TaskAccount):  # pylint: disable=too-many-instance-attributes
    """What happened on one device; ``as_result`` is what the module returns for it."""

    device: Obj = dataclasses.field(default_factory=dict)
    #: Property writes per part: {'generalSettings': {entry: {prop: value}}, 'stream': {...}}.
    writes: dict[str, dict[int, dict[str, t.Any]]] = dataclasses.field(default_factory=dict)
    #: What changes, for the result and the diff: setting -> (before, after).
    changes: dict[str, tuple[t.Any, t.Any]] = dataclasses.field(default_factory=dict)
    usage_write: list[Obj] | None = None
    usage_before: list[dict[str, t.Any]] | None = None
    usage_after: list[dict[str, t.Any]] | None = None
    problems: list[Problem] = dataclasses.field(default_factory=list)
    stream_ids: list[str] = dataclasses.field(default_factory=list)
    check_key: bytes = b''
    #: With ``items``: this device's entry (None: the task's settings, for every device).
    item: Item | None = None

    @property
    def device_id(self) -> str:
        return id_key(object_id(self.device))

    @property
    def to_write(self) -> bool:
        return bool(self.writes) or self.usage_write is not None

    def as_result(self) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {
            'device_id': self.device_id, 'device_name': device_name(self.device), 'status': self.status, 'changed': self.changed,
            'changes': {setting: {'before': before, 'after': after} for setting, (before, after) in self.changes.items()},
            'unsupported': [problem.setting for problem in self.problems], 'error': self.error, 'duration': round(self.duration, 3),
        }
        if self.usage_before is not None and self.usage_write is not None:
            result['changes']['stream_usage'] = {'before': self.usage_before, 'after': self.usage_after}
        return result


class SettingsJob:  # pylint: disable=too-many-instance-attributes
    """Reads, checks and writes the settings of many devices for one module run."""

    def __init__(self, client: t.Any, dtype: DeviceType, wanted: Wanted, *, unsupported: str, check_mode: bool) -> None:
        self.client = client
        self.dtype = dtype
        self.wanted = wanted
        self.unsupported = unsupported
        self.check_mode = check_mode
        self.guard = ServerGoneGuard()
        self.checks: dict[bytes, Check] = {}
        #: Distinct ``?definitions`` answers (one per driver and model, usually), for ``totals.definition_sets``.
        self.definition_sets = 0
        self._lock = threading.Lock()
        self.without_definitions = 0

    def path(self, part: str, run: DeviceRun) -> str:
        return f'{part}/{quote(run.device_id, safe="")}'

    def _guarded(self, run: DeviceRun, step: t.Callable[[DeviceRun], None]) -> DeviceRun:
        started = time.monotonic()
        try:
            step(run)
        except XProtectError as error:
            run.status = FAILED
            run.error = self.client.redact(error.without_hint() if error.unreachable else str(error))
            run.failure = error
        except Exception as error:  # pylint: disable=broad-except  # one device's bug must not cost the fleet its account
            run.status = FAILED
            run.error = self.client.redact(f'unexpected {type(error).__name__}: {error}')
        finally:
            run.duration += time.monotonic() - started
        return run

    # -- pass 1: read and plan ------------------------------------------------------------------------------

    def read(self, devices: t.Sequence[Obj], workers: int, items: dict[str, Item] | None = None) -> list[DeviceRun]:
        def new(device: Obj) -> DeviceRun:
            return DeviceRun(task='settings', device=device, item=(items or {}).get(id_key(object_id(device))))

        return run_fleet(list(devices), lambda device: self._guarded(new(device), self._plan), new, workers=workers, guard=self.guard)

    def _plan(self, run: DeviceRun) -> None:
        label = f'{self.dtype.label} {describe(run.device)}'
        path, action = self.path('settings', run), f'read the settings of {label}'
        body = self.client.get(path, params=DEFINITIONS, action=action)
        data = self.client.envelope(body, 'data', 'GET', path, action)
        definitions = body.get('definitions') if isinstance(body, dict) else None
        if not isinstance(definitions, dict):
            definitions = None
            with self._lock:
                self.without_definitions += 1
        parts = _parts(data)
        wanted = run.item.wanted if run.item is not None else self.wanted
        key = layout_key(wanted, parts, definitions)
        if run.item is not None:
            key = run.item.key + b'\0' + key
        check = self.checks.get(key)
        if check is None:
            check = check_wanted(wanted, data, definitions)
            with self._lock:
                check = self.checks.setdefault(key, check)
        if not any(definitions == seen for seen in check.definitions):  # a comparison in C, no copy
            with self._lock:
                if not any(definitions == seen for seen in check.definitions):
                    check.definitions.append(definitions)
                    self.definition_sets += 1
        run.check_key = key
        run.problems = list(check.problems)
        usage_current: list[Obj] | None = None
        if wanted.usage is not None and check.usage_streams is not None:
            usage_data = self.client.get_data(self.path('streams', run), action=f'read the stream usage of {label}')
            usage_current = [entry for entry in usage_data.get('stream') or [] if isinstance(entry, dict)]
        self._changes(run, parts, check)
        if usage_current is not None and check.usage_streams is not None:
            self._usage(run, parts, usage_current, check.usage_streams)
        if run.problems and self.unsupported == 'fail':
            run.status = FAILED
            run.error = 'the device does not offer ' + summarize([problem.text() for problem in run.problems])
            run.writes, run.usage_write = {}, None
            run.changes = {}
        elif run.problems and self.unsupported == 'skip':
            run.status = SKIPPED
            run.error = 'left alone: the device does not offer ' + ', '.join(problem.setting for problem in run.problems) + ' (see unsupported)'
            run.writes, run.usage_write = {}, None
            run.changes = {}
        elif run.to_write:
            # In check mode this is the outcome; otherwise the write pass turns it into changed.
            run.status, run.changed = WOULD_CHANGE, self.check_mode
        else:
            run.status = UNCHANGED

    def _changes(self, run: DeviceRun, parts: dict[str, list[Obj]], check: Check) -> None:
        run.stream_ids = [str(entry.get('streamReferenceId', '')) for entry in parts['stream']]
        for target in check.targets:
            entry = parts[target.part][target.entry]
            current = entry.get(target.prop)
            if current_form(target.definition, current) == target.value:
                continue
            value = wire_form(target.definition, target.value, current)
            run.writes.setdefault(target.part, {}).setdefault(target.entry, {})[target.prop] = value
            run.changes[target.setting] = (current, value)

    def _usage(self, run: DeviceRun, parts: dict[str, list[Obj]], current: list[Obj], resolved: list[tuple[UsageEntry, str, str]]) -> None:
        labels = {id_key(entry.get('streamReferenceId', '')): _stream_label(entry, index) for index, entry in enumerate(parts['stream'])}
        planned, problems = plan_usage(current, resolved)
        if problems:
            run.problems.append(Problem('stream_usage', [usage.stream for usage, _id, _label in resolved], '; '.join(problems), kind='usage'))
            return
        if _usage_identity(planned) == _usage_identity(current):
            return
        run.usage_write = planned
        run.usage_before = [_usage_summary(entry, labels) for entry in current]
        run.usage_after = [_usage_summary(entry, labels) for entry in planned]

    # -- pass 2: write ---------------------------------------------------------------------------------------

    def write(self, runs: t.Sequence[DeviceRun], workers: int) -> None:
        pending = [run for run in runs if run.to_write and run.status == WOULD_CHANGE]
        if self.check_mode or not pending:
            return
        run_fleet(pending, lambda run: self._guarded(run, self._write), lambda run: run, workers=workers, guard=self.guard)

    def _write(self, run: DeviceRun) -> None:
        label = f'{self.dtype.label} {describe(run.device)}'
        if run.usage_write is not None:
            body = {'stream': [dict(entry) for entry in run.usage_write]}
            answer = self.client.update(self.path('streams', run), body, method='PATCH', action=f'write the stream usage of {label}')
            run.changed = True
            kept = [entry for entry in (answer or {}).get('stream') or [] if isinstance(entry, dict)]
            if kept and _usage_identity(kept) != _usage_identity(run.usage_write):
                raise SettingsError(f'the server answered the stream usage of {label} with another usage than the one written')
        if run.writes:
            body: Obj = {}
            if 'generalSettings' in run.writes:
                count = max(run.writes['generalSettings']) + 1
                body['generalSettings'] = [dict(run.writes['generalSettings'].get(index, {})) for index in range(count)]
            if 'stream' in run.writes:
                body['stream'] = [dict(run.writes['stream'].get(index, {}), streamReferenceId=stream_id)
                                  for index, stream_id in enumerate(run.stream_ids)]
            names = sorted(setting for setting in run.changes)
            answer = self.client.update(self.path('settings', run), body, method='PATCH', action=f'update {", ".join(names)} of {label}')
            run.changed = True
            lost = self._lost(run, answer)
            if lost:
                raise SettingsError(f'the server did not keep {", ".join(lost)} of {label} (its answer has the old values); run the task again')
        run.status = CHANGED

    def _lost(self, run: DeviceRun, answer: t.Any) -> list[str]:
        """Written values the server's answer does not have (a write it dropped); nothing when it answered no settings."""
        if not isinstance(answer, dict):
            return []
        check = self.checks[run.check_key]
        parts = _parts(answer)
        lost = []
        for target in check.targets:
            if target.setting not in run.changes or target.entry >= len(parts[target.part]):
                continue
            entry = parts[target.part][target.entry]
            if target.prop in entry and current_form(target.definition, entry[target.prop]) != target.value:
                lost.append(target.setting)
        return lost


# ==================================================================================================== the job

def totals(runs: t.Sequence[DeviceRun]) -> dict[str, int]:
    counts = {status: 0 for status in STATUS_ORDER}
    for run in runs:
        counts[run.status] = counts.get(run.status, 0) + 1
    counts['devices'] = len(runs)
    counts['failures'] = counts[FAILED] + counts[NOT_ATTEMPTED]
    counts['unsupported'] = sum(1 for run in runs if run.problems)
    return counts


def summary(dtype: DeviceType, runs: t.Sequence[DeviceRun], duration: float, definition_sets: int) -> str:
    counts = totals(runs)
    parts = [f'{counts[status]} {status.replace("_", " ")}' for status in STATUS_ORDER if counts[status]]
    noun = dtype.label if counts['devices'] == 1 else dtype.plural
    text = f"settings of {counts['devices']} {noun} in {duration:.1f} s: {', '.join(parts) or 'nothing to do'}"
    if counts['unsupported']:
        text += f"; {counts['unsupported']} with values their driver does not offer (see unsupported)"
    if definition_sets:
        text += f"; {definition_sets} distinct definition set{'s' if definition_sets != 1 else ''}"
    return text


def diff(runs: t.Sequence[DeviceRun]) -> dict[str, dict[str, t.Any]]:
    changed = [run for run in runs if run.changes or run.usage_write is not None]
    names = [device_name(run.device) for run in changed]

    def key(run: DeviceRun) -> str:
        name = device_name(run.device)
        return name if names.count(name) == 1 else f'{name} ({run.device_id})'

    before, after = {}, {}
    for run in changed:
        before[key(run)] = {setting: old for setting, (old, _new) in run.changes.items()}
        after[key(run)] = {setting: new for setting, (_old, new) in run.changes.items()}
        if run.usage_write is not None:
            before[key(run)]['stream_usage'] = run.usage_before
            after[key(run)]['stream_usage'] = run.usage_after
    return {'before': before, 'after': after}


def unsupported_list(runs: t.Sequence[DeviceRun]) -> list[dict[str, t.Any]]:
    """Each value some devices do not offer, once, with what they offer and the devices (one entry per driver, usually)."""
    groups: dict[tuple[str, str, str, str], dict[str, t.Any]] = {}
    #: Devices of one definition set share their Problem objects: each is keyed once.
    seen: dict[int, dict[str, t.Any]] = {}
    for run in runs:
        for problem in run.problems:
            group = seen.get(id(problem))
            if group is None:
                key = problem.key()
                group = groups.get(key)
                if group is None:
                    group = groups[key] = {'setting': problem.setting, 'value': problem.value, 'problem': problem.reason,
                                           'offered': problem.offered, 'devices': []}
                seen[id(problem)] = group
            group['devices'].append({'id': run.device_id, 'name': device_name(run.device), 'status': run.status})
    return list(groups.values())


def typo_error(dtype: DeviceType, runs: t.Sequence[DeviceRun]) -> str | None:
    """A setting or stream that none of the devices read has is a typo, not a fleet that differs."""
    read = [run for run in runs if run.check_key]
    if not read:
        return None
    unknown: dict[str, Problem] = {}
    for index, run in enumerate(read):
        here = {problem.setting: problem for problem in run.problems if problem.kind == 'unknown'}
        if index == 0:
            unknown = here
        else:
            unknown = {setting: problem for setting, problem in unknown.items() if setting in here}
        if not unknown:
            return None
    noun = f'the {dtype.label}' if len(read) == 1 else f'any of the {len(read)} {dtype.plural}'
    return (f'No setting was changed: {summarize([problem.text() for problem in unknown.values()])}, on {noun}. Names are those of '
            f'?definitions (see milestone.xprotect.resource_info with type settings, id <{dtype.label} id> and include definitions)')


def failure_message(dtype: DeviceType, runs: t.Sequence[DeviceRun], tolerance: FailureTolerance, *, before_writes: bool) -> str:
    counts = totals(runs)
    noun = dtype.label if counts['devices'] == 1 else dtype.plural
    text = f"settings failed on {counts['failures']} of {counts['devices']} {noun} (failure_tolerance {tolerance})"
    lines = [f"{describe(run.device)}: {run.error.rstrip('.')}" for run in runs if run.status in (FAILED,)]
    if lines:
        text += ': ' + summarize(lines).rstrip('.')
    if counts[NOT_ATTEMPTED] and not before_writes:
        text += (f'. The server could not be reached, so {counts[NOT_ATTEMPTED]} {noun} were not attempted (status not_attempted); '
                 'run the task again once the server is back')
    if before_writes:
        text += '. Nothing was written: values a device does not offer are found before any write (unsupported=skip or warn leaves such ' \
                'devices alone or writes what they offer)' if any(run.problems for run in runs) else '. Nothing was written'
    advice = fleet_advice(runs)
    if advice:
        text += '. ' + advice.rstrip('.')
    return text + '.'


def manage_device_settings(module: t.Any) -> dict[str, t.Any]:
    """The job of milestone.xprotect.device_settings."""
    params = module.params
    wanted, items, dtype, tolerance = request_from_params(params)
    workers = params['concurrency']
    started = time.monotonic()
    by_device: dict[str, Item] | None = None
    if items is not None:
        devices, by_device = select_items(module.client, items, dtype, workers)
    else:
        devices = select_devices(module.client, params, dtype, workers)
    if not devices:
        module.warn(f'the selection matched no {dtype.label} (check device_group, name and include_disabled): nothing was read or written')
    job = SettingsJob(module.client, dtype, wanted, unsupported=params['unsupported'], check_mode=module.check_mode)
    runs = job.read(devices, workers, by_device)

    def result() -> dict[str, t.Any]:
        duration = time.monotonic() - started
        body = dict(changed=any(run.changed for run in runs), devices=[run.as_result() for run in runs], totals=totals(runs),
                    unsupported=unsupported_list(runs), duration=round(duration, 3))
        body['totals']['definition_sets'] = job.definition_sets
        if module._diff:  # pylint: disable=protected-access  # AnsibleModule exposes --diff only this way
            body['diff'] = diff(runs)
        return body

    typo = typo_error(dtype, runs)
    if typo:
        for run in runs:
            if run.status == WOULD_CHANGE:
                run.status, run.changed, run.error = NOT_ATTEMPTED, False, 'not written: the task names a setting no device has'
        error = SettingsError(typo)
        error.result = result()  # type: ignore[attr-defined]
        raise error
    counts = totals(runs)
    if tolerance.exceeded(counts['failures'], counts['devices']):
        for run in runs:
            if run.status == WOULD_CHANGE:
                run.status, run.changed, run.error = NOT_ATTEMPTED, False, 'not written: other devices failed before any write'
        error = SettingsError(failure_message(dtype, runs, tolerance, before_writes=True))
        error.result = result()  # type: ignore[attr-defined]
        raise error
    job.write(runs, workers)
    if not module.check_mode:
        for run in runs:
            if run.status == WOULD_CHANGE:  # not written: the server went away before its turn
                run.status = NOT_ATTEMPTED
    if job.without_definitions:
        module.warn(f'{job.without_definitions} {dtype.plural} answered without ?definitions: their values were compared but could not be '
                    'checked against what their drivers offer')
    body = result()
    counts = totals(runs)
    if tolerance.exceeded(counts['failures'], counts['devices']):
        error = SettingsError(failure_message(dtype, runs, tolerance, before_writes=False))
        error.result = body  # type: ignore[attr-defined]
        raise error
    body['msg'] = summary(dtype, runs, time.monotonic() - started, job.definition_sets)
    for run in runs:
        if run.status == FAILED:
            module.warn(f'{describe(run.device)} (tolerated by failure_tolerance {tolerance}): {run.error}')
    warned = [run for run in runs if run.problems and params['unsupported'] == 'warn']
    if warned:
        lines = [f'{describe(run.device)}: {summarize([problem.text() for problem in run.problems])}' for run in warned]
        module.warn(f'{len(warned)} {dtype.plural if len(warned) != 1 else dtype.label} do not offer every value; what they offer was '
                    f'written, the rest left as it is (see unsupported): {summarize(lines)}')
    return body
