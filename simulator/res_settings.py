"""Device settings (``settings/{deviceId}``) and camera stream usage (``streams/{cameraId}``) as real drivers have them.

The OpenAPI document describes ``settings`` with one test driver's properties (``aviFilename``, ``chessboardTileColor``,
``FPS``, ...); a real device has the properties of its driver, and ``?definitions`` says what each accepts (OAS prose
"definitions parameter": ``canSet``, ``valueType``, ``options``, ``minValue``/``maxValue``/``stepValue``; values are
strings, ``"brightness": "50"``).  Here every device gets the settings of a driver family chosen by its hardware's model
(cameras) or its type (microphones, speakers, metadata, inputs, outputs):

- ``GET settings/{id}`` answers ``displayName``, ``generalSettings`` (one entry, ``displayName`` ``General``), ``stream``
  (one entry per stream of the driver, with its ``displayName`` and ``streamReferenceId``), ``ptz`` and
  ``ptzSessionTimeouts``; ``?definitions`` mirrors that shape: ``{"generalSettings": [{<property>: <definition>}],
  "stream": [{...} per stream], "ptz": {...}}``.  Options are a map of value to display name, as in the prose.
- ``PATCH settings/{id}`` takes the properties to change: an entry of ``stream`` is matched by its ``streamReferenceId``
  (by position without one), an entry of ``generalSettings`` by position; what an entry does not give stays.  A value the
  driver refuses is a 400 naming the property (``"Bad Request - FPS out of range"``, ``property`` ``FPS``, as the OAS
  ``error400`` example); nothing is changed then.  ``PUT`` needs ``generalSettings``, ``stream``, ``ptz`` and
  ``ptzSessionTimeouts``.
- ``GET streams/{cameraId}`` answers the streams in use: ``stream`` entries with ``streamReferenceId`` (one of the
  driver's streams), ``name``, ``liveDefault``, ``liveMode``, ``recordTo`` (the primary or secondary recording track, or
  ``""``), ``defaultPlayback`` and ``useEdge``.  Seeded cameras use their first stream for live and recording.
- ``PATCH``/``PUT streams/{cameraId}`` write the whole array (OAS: the streams "must be updated together"): streams left
  out are no longer used; an entry is matched by ``streamReferenceId`` (by position without one) and keeps what it does
  not give.  Exactly one stream is the default live stream, exactly one records to the primary track, at most one to the
  secondary track; the default playback stream must be recorded (without one the primary stream is).
- ``--stream-usage-reload-seconds`` [I]: a write that changes the usage reloads the camera's stream configuration, and
  stream settings written less than that many seconds before are lost (MilestonePSTools issue 72 shows this through the
  MIP SDK: settings written together with the usage are lost).  Writing the usage first and the settings after keeps both.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
import uuid
from typing import Any, Callable

from aiohttp import web

from . import res_generic
from .fields import check_name
from .responses import ApiError, bad_request, not_found
from .rest import RestRequest, Router, single
from .schema import TABLES
from .seed_site import new_object
from .store import Store

PRIMARY = "16ce3aa1-5f93-458a-abe5-5c95d9ed1372"
SECONDARY = "84fff8b9-8cd1-46b2-a451-c4a87d4cbbb0"
RECORD_TRACKS = {PRIMARY: "Primary recording", SECONDARY: "Secondary recording", "": "No recording"}
LIVE_MODES = ("Always", "Never", "WhenNeeded")
STREAM_NAMESPACE = uuid.UUID("3b0f7c2e-9d4a-4c61-8e25-7a1f0d6b9c43")
READ_ONLY = {"canSet": False, "valueType": "string"}
SETTINGS_PARTS = ("generalSettings", "stream", "ptz", "ptzSessionTimeouts")
USAGE_FIELDS = ("defaultPlayback", "displayName", "edgeTrackId", "liveDefault", "liveMode", "name", "recordTo", "streamReferenceId", "useEdge")


class SettingError(ApiError):
    """A 400 for a value the driver refuses, with the property and an ``errorTextId`` as the OAS ``error400`` example has."""

    def body(self) -> dict[str, Any]:
        body = super().body()
        if self.prop:
            body["error"]["details"][0]["errorTextId"] = f"Bad{self.prop[:1].upper()}{self.prop[1:]}TextId"
        return body


def refuse(text: str, prop: str) -> SettingError:
    return SettingError(400, text, prop=prop)


def number_text(value: float) -> str:
    """How the server writes a number in a settings string: ``6``, ``12.5``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# ============================================================================================ driver properties

@dataclasses.dataclass(frozen=True)
class Prop:  # pylint: disable=too-many-instance-attributes
    """One driver property: its value type, default (a string, as the server answers) and what it accepts."""

    name: str
    kind: str
    default: str
    options: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    can_set: bool = True

    def definition(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"canSet": self.can_set, "valueType": self.kind}
        if self.options:
            entry["options"] = dict(self.options)
        for key, value in (("minValue", self.minimum), ("maxValue", self.maximum), ("stepValue", self.step)):
            if value is not None:
                entry[key] = number_text(value)
        return entry

    def coerce(self, value: Any) -> str:  # pylint: disable=too-many-branches
        """The value as the server stores it, or a 400 naming the property."""
        name = self.name
        if self.kind == "enum":
            text = number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
            values = [option for option, _label in self.options]
            if not isinstance(text, str) or text not in values:
                raise refuse(f"Bad Request - {name} must be one of {', '.join(values)}", name)
            return text
        if self.kind == "bool":
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return value.strip().lower()
            raise refuse(f"Bad Request - {name} must be true or false", name)
        if self.kind in ("int", "double", "slider"):
            try:
                number = float(value) if not isinstance(value, bool) else math.nan
            except (TypeError, ValueError):
                number = math.nan
            if not math.isfinite(number):
                raise refuse(f"Bad Request - {name} must be a number", name)
            if self.kind == "int" and not number.is_integer():
                raise refuse(f"Bad Request - {name} must be a whole number", name)
            if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
                raise refuse(f"Bad Request - {name} out of range", name)
            if self.step:
                steps = (number - (self.minimum or 0.0)) / self.step
                if abs(steps - round(steps)) > 1e-9:
                    raise refuse(f"Bad Request - {name} must be in steps of {number_text(self.step)}", name)
            return number_text(number)
        if not isinstance(value, str):
            raise refuse(f"Bad Request - {name} must be a string", name)
        return value


def enum(name: str, default: str, values: tuple[str, ...] | tuple[tuple[str, str], ...], **kwargs: Any) -> Prop:
    options = tuple(value if isinstance(value, tuple) else (value, value) for value in values)
    return Prop(name, "enum", default, options=options, **kwargs)


def number(name: str, kind: str, default: float, minimum: float, maximum: float, step: float | None = None) -> Prop:
    return Prop(name, kind, number_text(default), minimum=minimum, maximum=maximum, step=step)


def flag(name: str, default: bool, *, can_set: bool = True) -> Prop:
    return Prop(name, "bool", "true" if default else "false", can_set=can_set)


@dataclasses.dataclass(frozen=True)
class Driver:
    """A driver family: its general settings and its streams (name and properties each)."""

    key: str
    general: tuple[Prop, ...]
    streams: tuple[tuple[str, tuple[Prop, ...]], ...] = ()

    def stream_id(self, index: int) -> str:
        """The stream's ``streamReferenceId``: the same on every device of the driver, upper case as in the OAS example."""
        return str(uuid.uuid5(STREAM_NAMESPACE, f"{self.key}/{self.streams[index][0]}")).upper()

    def general_entry(self) -> dict[str, Any]:
        return {"displayName": "General", **{prop.name: prop.default for prop in self.general}}

    def stream_entry(self, index: int) -> dict[str, Any]:
        name, props = self.streams[index]
        return {"displayName": name, "streamReferenceId": self.stream_id(index), **{prop.name: prop.default for prop in props}}

    def general_props(self) -> dict[str, Prop]:
        return _with_identity({prop.name: prop for prop in self.general}, stream=False)

    def stream_props(self, index: int) -> dict[str, Prop]:
        return _with_identity({prop.name: prop for prop in self.streams[index][1]}, stream=True)

    def definitions(self, store: Store) -> dict[str, Any]:
        cached = _DEFINITIONS.get(self.key)
        if cached is None:
            cached = {"displayName": READ_ONLY,
                      "generalSettings": [{name: prop.definition() for name, prop in self.general_props().items()}],
                      "stream": [{name: prop.definition() for name, prop in self.stream_props(index).items()} for index in range(len(self.streams))],
                      "ptz": _nested_definitions(store, "ptz_childItem"),
                      "ptzSessionTimeouts": _nested_definitions(store, "ptzSessionTimeouts_childItem")}
            _DEFINITIONS[self.key] = cached
        return cached


_DEFINITIONS: dict[str, dict[str, Any]] = {}


def _with_identity(props: dict[str, Prop], *, stream: bool) -> dict[str, Prop]:
    identity = {"displayName": Prop("displayName", "string", "", can_set=False)}
    if stream:
        identity["streamReferenceId"] = Prop("streamReferenceId", "string", "", can_set=False)
    return {**identity, **props}


def _nested_definitions(store: Store, schema: str) -> dict[str, Any]:
    fields = TABLES.schemas[schema].fields if schema in TABLES.schemas else {}
    return {name: res_generic.definition(store, spec) for name, spec in fields.items()}


# -- the families ----------------------------------------------------------------------------------------------

HD = ("1920x1080", "1280x960", "1280x720", "1024x768", "800x600", "640x480", "640x360", "320x240")
AXIS_CODECS = (("H.264", "H.264"), ("H.265", "H.265"), ("MJPEG", "Motion JPEG"))
AXIS_GENERAL = (number("brightness", "slider", 50, 0, 100, 1), number("saturation", "slider", 50, 0, 100, 1),
                number("sharpness", "slider", 50, 0, 100, 1),
                enum("whiteBalance", "Automatic", ("Automatic", "Fixed indoor", "Fixed outdoor 1", "Fixed outdoor 2", "Hold current")),
                enum("rotation", "0", ("0", "90", "180", "270")), flag("includeDate", False), flag("includeTime", False))


def _axis_stream(resolutions: tuple[str, ...], resolution: str, fps: float, max_fps: float, codec: str = "H.264") -> tuple[Prop, ...]:
    return (enum("codec", codec, AXIS_CODECS), enum("resolution", resolution, resolutions), number("FPS", "double", fps, 1, max_fps),
            number("maxGOPSize", "int", 32, 1, 1000), number("compression", "slider", 30, 0, 100, 5),
            flag("edgeStorageSupported", True, can_set=False))


def _axis(key: str, model: str, resolutions: tuple[str, ...], max_fps: float) -> Driver:
    general = AXIS_GENERAL + (Prop("detectedModelName", "string", model, can_set=False),)
    return Driver(key, general, (("Video stream 1", _axis_stream(resolutions, resolutions[0], max_fps, max_fps)),
                                 ("Video stream 2", _axis_stream(resolutions, "640x360", 15, max_fps)),
                                 ("Video stream 3", _axis_stream(resolutions, "320x240", 5, max_fps, codec="MJPEG"))))


HANWHA_FPS = ("1", "2", "3", "4", "5", "6", "7", "8", "10", "12", "15", "20", "25", "30")
HANWHA_RESOLUTIONS = ("2592x1944", "2560x1440", "1920x1080", "1280x1024", "1280x720", "1024x768", "800x600", "640x480", "320x240")
HANWHA_CODECS = (("H264", "H.264"), ("H265", "H.265"), ("MJPEG", "MJPEG"))


def _hanwha_stream(resolution: str, fps: str) -> tuple[Prop, ...]:
    return (enum("codec", "H264", HANWHA_CODECS), enum("resolution", resolution, HANWHA_RESOLUTIONS), enum("FPS", fps, HANWHA_FPS),
            number("bitrate", "int", 6144, 256, 20480), number("maxGOPSize", "int", 30, 1, 150))


BOSCH_FPS = ("1", "2", "3.75", "5", "6.25", "7.5", "10", "12.5", "15", "25", "30")
BOSCH_RESOLUTIONS = ("1920x1080", "1280x720", "768x432", "512x288")


def _bosch_stream(resolution: str, fps: str) -> tuple[Prop, ...]:
    return (enum("codec", "H.264", ("H.264", "H.265")), enum("resolution", resolution, BOSCH_RESOLUTIONS), enum("FPS", fps, BOSCH_FPS),
            number("quality", "slider", 50, 0, 100, 10))


ONVIF_FPS = ("1", "2", "3", "4", "5")


def _onvif_stream(resolutions: tuple[str, ...], fps: str) -> tuple[Prop, ...]:
    return (enum("codec", "H264", (("H264", "H.264"), ("JPEG", "JPEG"))), enum("resolution", resolutions[0], resolutions),
            enum("FPS", fps, ONVIF_FPS), number("quality", "int", 70, 1, 100))


D1 = ("720x576", "704x576", "720x480", "704x480", "352x288", "352x240", "176x144")

CAMERA_DRIVERS = {
    "AXIS P3265-LVE Dome Camera": _axis("axis-p3265", "AXIS P3265-LVE Dome Camera", HD, 30),
    "AXIS M3106-L Mk II Network Camera": _axis("axis-m3106", "AXIS M3106-L Mk II Network Camera", ("2688x1512",) + HD, 25),
    "AXIS Q6135-LE PTZ Network Camera": _axis("axis-q6135", "AXIS Q6135-LE PTZ Network Camera", HD, 60),
    "AXIS M7104 Video Encoder": Driver(
        "axis-m7104", (enum("videoStandard", "PAL", ("PAL", "NTSC")),) + AXIS_GENERAL[:3] + (
            Prop("detectedModelName", "string", "AXIS M7104 Video Encoder", can_set=False),),
        (("Video stream 1", _axis_stream(D1, "720x576", 25, 25)), ("Video stream 2", _axis_stream(D1, "352x288", 12, 25)))),
    "Hanwha XNV-8080R": Driver(
        "hanwha-xnv8080r", (number("brightness", "slider", 50, 1, 100, 1), number("sharpness", "slider", 12, 1, 32, 1),
                            enum("dayNightMode", "Auto", (("Color", "Color"), ("BW", "Black and white"), ("Auto", "Auto")))),
        (("Video stream 1", _hanwha_stream("2592x1944", "30")), ("Video stream 2", _hanwha_stream("640x480", "15")),
         ("Video stream 3", _hanwha_stream("320x240", "7")))),
    "Bosch FLEXIDOME IP 5100i": Driver(
        "bosch-5100i", (number("brightness", "slider", 128, 0, 255, 1), number("contrast", "slider", 128, 0, 255, 1),
                        enum("sceneMode", "Standard", ("Standard", "Indoor", "Outdoor", "Traffic", "Night-optimized"))),
        (("Video stream 1", _bosch_stream("1920x1080", "30")), ("Video stream 2", _bosch_stream("768x432", "12.5")))),
    "ONVIF Conformant Device": Driver(
        "onvif", (number("brightness", "double", 50, 0, 100), number("contrast", "double", 50, 0, 100), flag("irCutFilterAuto", True)),
        (("Video stream 1", _onvif_stream(("1280x720", "640x480", "320x240"), "5")),
         ("Video stream 2", _onvif_stream(("640x480", "320x240"), "5")))),
}
DEVICE_DRIVERS = {
    "microphones": Driver("microphone", (enum("audioEncoding", "G711", (("G711", "G.711"), ("G726-32", "G.726 32 kbit/s"), ("AAC", "AAC"))),
                                         number("inputGain", "slider", 0, -20, 20, 2),
                                         enum("queueCameraAudioPackages", "Disabled", ("Enabled", "Disabled")))),
    "speakers": Driver("speaker", (enum("audioOutMode", "Play", ("Play", "Loopback")), number("outputVolume", "slider", 50, 0, 100, 5))),
    "metadata": Driver("metadata", (number("metadataInitialDelaySeconds", "int", 1, 0, 60),
                                    enum("metadataFormat", "ONVIF", (("ONVIF", "ONVIF analytics"), ("Vendor", "Vendor specific"))))),
    "inputEvents": Driver("input", (enum("activateTrigger", "InputRising", (("InputRising", "Input Rising"), ("InputFalling", "Input Falling"))),
                                    number("validTime", "int", 3, 0, 3600))),
    "outputs": Driver("output", (number("outputTriggerTime", "int", 500, 100, 100000, 100), number("activationDelayInSec", "int", 0, 0, 600))),
}
FALLBACK = CAMERA_DRIVERS["ONVIF Conformant Device"]


def driver_of(store: Store, device_type: str, ident: str) -> Driver:
    """The driver family of a device: by its hardware's model for a camera, by its type otherwise."""
    if device_type != "cameras":
        return DEVICE_DRIVERS.get(device_type, DEVICE_DRIVERS["inputEvents"])
    camera = store.objects.get("cameras", {}).get(ident) or {}
    hardware_id = ((camera.get("relations") or {}).get("parent") or {}).get("id", "")
    model = (store.objects.get("hardware", {}).get(hardware_id) or {}).get("model", "")
    if model in CAMERA_DRIVERS:
        return CAMERA_DRIVERS[model]
    return CAMERA_DRIVERS["AXIS Q6135-LE PTZ Network Camera"] if camera.get("ptzEnabled") else FALLBACK


# ================================================================================================= the objects

def build_settings(store: Store, parent_type: str, ident: str) -> dict[str, Any]:
    """``settings/{ident}`` of a device, as its driver has them (the generic layer stores it)."""
    parent = store.objects[parent_type][ident]
    driver = driver_of(store, parent_type, ident)
    obj = new_object("settings", ident, when=parent.get("lastModified") or store.clock(), parent=(parent_type, ident))
    obj["displayName"] = "Settings"
    obj["generalSettings"] = [driver.general_entry()]
    obj["stream"] = [driver.stream_entry(index) for index in range(len(driver.streams))]
    return obj


def _usage_entry(driver: Driver, index: int, camera_id: str, *, live_default: bool = False, record: str = "",
                 playback: bool = False) -> dict[str, Any]:
    name = driver.streams[index][0]
    edge = str(uuid.uuid5(STREAM_NAMESPACE, f"{camera_id}/edge/{index}"))
    return {"defaultPlayback": playback, "displayName": name, "edgeTrackId": edge, "liveDefault": live_default, "liveMode": "WhenNeeded",
            "name": name, "recordTo": record, "streamReferenceId": driver.stream_id(index), "useEdge": False}


def build_streams(store: Store, parent_type: str, ident: str) -> dict[str, Any]:
    """``streams/{ident}`` of a camera: its first stream is used for live and recorded."""
    parent = store.objects[parent_type][ident]
    driver = driver_of(store, parent_type, ident)
    obj = new_object("streams", ident, when=parent.get("lastModified") or store.clock(), parent=(parent_type, ident))
    obj["displayName"] = driver.streams[0][0] if driver.streams else "Video stream 1"
    obj["stream"] = [_usage_entry(driver, 0, ident, live_default=True, record=PRIMARY, playback=True)] if driver.streams else []
    return obj


def _target(req: RestRequest, type_name: str) -> tuple[dict[str, Any], Driver]:
    obj = res_generic.lookup(req.state.store, type_name, req.ids[0])
    if obj is None:
        raise not_found()
    parent = res_generic.parent_of(obj) or {}
    return obj, driver_of(req.state.store, str(parent.get("type", "cameras")), res_generic.ident_of(obj))


def _read_only(req: RestRequest, prop: str, value: Any, current: Any) -> None:
    """A read-only property in a body, by ``--read-only-fields`` (an unchanged value passes by default)."""
    mode = req.state.config.read_only_fields
    same = str(value).lower() == str(current).lower() if isinstance(value, str) and isinstance(current, str) else value == current
    if mode == "ignore" or (mode == "changed" and same):
        return
    raise bad_request(f"Bad request: property '{prop}' is read-only", prop=prop)


# ===================================================================================================== settings

def _entries(req: RestRequest, current: list[dict[str, Any]], value: Any, part: str,
             props_of: Callable[[int], dict[str, Prop]]) -> list[dict[str, Any]]:
    """The entries of ``generalSettings`` or ``stream`` after a write of ``value`` (only what it gives changes)."""
    if not isinstance(value, list):
        raise bad_request(f"Bad request: {part} must be an array", prop=part)
    result = [dict(entry) for entry in current]
    used: set[int] = set()
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise bad_request(f"Bad request: {part}[{index}] must be an object", prop=part)
        reference = next((item[key] for key in item if key.lower() == "streamreferenceid"), None) if part == "stream" else None
        if reference is not None:
            position = next((number for number, entry in enumerate(current)
                             if str(entry.get("streamReferenceId", "")).lower() == str(reference).lower()), None)
            if position is None:
                raise refuse(f"Bad Request - the device has no stream {reference}", "streamReferenceId")
        elif index < len(current):
            position = index
        else:
            raise bad_request(f"Bad request: {part} has {len(current)} entries, not {index + 1}", prop=part)
        if position in used:
            raise bad_request(f"Bad request: {part}[{index}] repeats an entry", prop=part)
        used.add(position)
        props = props_of(position)
        by_lower = {name.lower(): prop for name, prop in props.items()}
        entry = result[position]
        for key, raw in item.items():
            prop = by_lower.get(key.lower())
            if prop is None:
                raise refuse(f"Bad Request - unknown property '{key}'", key)
            if not prop.can_set:
                _read_only(req, prop.name, raw, entry.get(prop.name))
                continue
            entry[prop.name] = prop.coerce(raw)
    return result


def _remember_stream_write(store: Store, ident: str, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    if before == after:
        return
    writes: dict[str, tuple[float, list[dict[str, Any]]]] = store.__dict__.setdefault("stream_setting_writes", {})
    previous = writes.get(ident)
    # Within one reload window, the configuration to go back to is the one before the first write.
    snapshot = previous[1] if previous is not None else copy.deepcopy(before)
    writes[ident] = (time.monotonic(), snapshot)


async def write_settings(req: RestRequest) -> web.Response:
    obj, driver = _target(req, "settings")
    body = await req.json_object()
    fields = TABLES.fields("settings")
    by_lower = {name.lower(): name for name in fields}
    changes: dict[str, Any] = {}
    for key, value in body.items():
        name = by_lower.get(key.lower())
        if name is None:
            raise bad_request(f"Bad request: unknown property '{key}'", prop=key)
        if name == "generalSettings":
            changes[name] = _entries(req, obj["generalSettings"], value, name, lambda _index: driver.general_props())
        elif name == "stream":
            changes[name] = _entries(req, obj["stream"], value, name, driver.stream_props)
        elif name in ("ptz", "ptzSessionTimeouts"):
            changes.update(res_generic.check_body(req, {name: fields[name]}, obj, {name: value}, full=False))
        else:
            _read_only(req, name, value, obj.get(name))
    if req.method == "PUT":
        missing = [name for name in SETTINGS_PARTS if name not in changes]
        if missing:
            raise bad_request(f"Bad request: PUT must include all updatable properties; missing: {', '.join(missing)}", prop=missing[0])
    if "stream" in changes:
        _remember_stream_write(req.state.store, res_generic.ident_of(obj), obj["stream"], changes["stream"])
    obj.update(changes)
    return single(req, obj)


async def get_settings(req: RestRequest) -> web.Response:
    obj, driver = _target(req, "settings")
    return single(req, obj, resources=res_generic.resources(req, "settings"), definitions=driver.definitions(req.state.store))


# ====================================================================================================== streams

def _usage(req: RestRequest, driver: Driver, camera_id: str, current: list[dict[str, Any]], value: Any) -> list[dict[str, Any]]:
    """The usage array after a write of ``value`` (the whole array), checked against the usage rules."""
    if not isinstance(value, list) or not value:
        raise bad_request("Bad request: stream must be an array with at least one stream in use", prop="stream")
    offered = {driver.stream_id(index).lower(): index for index in range(len(driver.streams))}
    result: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise bad_request(f"Bad request: stream[{index}] must be an object", prop="stream")
        keys = {key.lower(): key for key in item}
        unknown = [key for key in item if key not in USAGE_FIELDS and key.lower() not in {field.lower() for field in USAGE_FIELDS}]
        if unknown:
            raise bad_request(f"Bad request: unknown property '{unknown[0]}'", prop=unknown[0])
        if "streamreferenceid" in keys:
            reference = str(item[keys["streamreferenceid"]]).lower()
            if reference not in offered:
                raise refuse(f"Bad Request - Invalid streamReferenceId {item[keys['streamreferenceid']]}", "streamReferenceId")
            base = next((dict(entry) for entry in current if entry["streamReferenceId"].lower() == reference), None)
            if base is None:
                base = _usage_entry(driver, offered[reference], camera_id)
        elif index < len(current):
            base = dict(current[index])
        else:
            raise bad_request(f"Bad request: stream[{index}] needs a streamReferenceId", prop="streamReferenceId")
        if any(entry["streamReferenceId"].lower() == base["streamReferenceId"].lower() for entry in result):
            raise refuse(f"Bad Request - the stream {base['streamReferenceId']} is used twice", "streamReferenceId")
        for field in USAGE_FIELDS:
            key = keys.get(field.lower())
            if key is None or field == "streamReferenceId":
                continue
            raw = item[key]
            if field in ("displayName", "edgeTrackId"):
                _read_only(req, field, raw, base.get(field))
            elif field in ("liveDefault", "defaultPlayback", "useEdge"):
                if not isinstance(raw, bool):
                    raise bad_request(f"Bad request: {field} must be true or false", prop=field)
                base[field] = raw
            elif field == "liveMode":
                if raw not in LIVE_MODES:
                    raise bad_request(f"Bad request: liveMode must be one of {', '.join(LIVE_MODES)}", prop=field)
                base[field] = raw
            elif field == "recordTo":
                track = str(raw).lower() if isinstance(raw, str) else None
                if track not in RECORD_TRACKS:
                    raise bad_request(f"Bad request: recordTo must be {PRIMARY} (primary), {SECONDARY} (secondary) or empty", prop=field)
                base[field] = track
            else:
                base[field] = check_name(raw, req.state.config.max_name_length, field)
        base["displayName"] = base["name"]
        result.append(base)
    _check_usage_rules(result)
    return result


def _check_usage_rules(result: list[dict[str, Any]]) -> None:
    if sum(1 for entry in result if entry["liveDefault"]) != 1:
        raise refuse("Bad Request - exactly one stream must be the default live stream", "liveDefault")
    if sum(1 for entry in result if entry["recordTo"] == PRIMARY) != 1:
        raise refuse("Bad Request - exactly one stream must record to the primary recording", "recordTo")
    if sum(1 for entry in result if entry["recordTo"] == SECONDARY) > 1:
        raise refuse("Bad Request - at most one stream can record to the secondary recording", "recordTo")
    playback = [entry for entry in result if entry["defaultPlayback"]]
    if len(playback) > 1:
        raise refuse("Bad Request - only one stream can be the default playback stream", "defaultPlayback")
    if playback and not playback[0]["recordTo"]:
        raise refuse("Bad Request - the default playback stream must be recorded", "defaultPlayback")
    if not playback:
        next(entry for entry in result if entry["recordTo"] == PRIMARY)["defaultPlayback"] = True


def usage_key(entries: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What the usage is, whatever order the streams are listed in (for "did the usage change")."""
    return sorted((entry["streamReferenceId"].lower(), entry["name"], entry["liveDefault"], entry["liveMode"], entry["recordTo"],
                   entry["defaultPlayback"], entry["useEdge"]) for entry in entries)


def _reload_after_usage_change(req: RestRequest, camera_id: str) -> None:
    """--stream-usage-reload-seconds: stream settings written just before a usage change are lost."""
    store = req.state.store
    writes = store.__dict__.get("stream_setting_writes", {})
    recent = writes.pop(camera_id, None)
    window = req.state.config.stream_usage_reload_seconds
    if recent is None or window <= 0 or time.monotonic() - recent[0] >= window:
        return
    settings = res_generic.lookup(store, "settings", camera_id)
    if settings is not None:
        settings["stream"] = recent[1]


async def write_streams(req: RestRequest) -> web.Response:
    obj, driver = _target(req, "streams")
    body = await req.json_object()
    camera_id = res_generic.ident_of(obj)
    new_usage = None
    for key, value in body.items():
        if key.lower() == "stream":
            new_usage = _usage(req, driver, camera_id, obj["stream"], value)
        elif key.lower() in ("displayname", "relations"):
            _read_only(req, "displayName" if key.lower() == "displayname" else "relations", value, obj.get(key))
        else:
            raise bad_request(f"Bad request: unknown property '{key}'", prop=key)
    if req.method == "PUT" and new_usage is None:
        raise bad_request("Bad request: PUT must include all updatable properties; missing: stream", prop="stream")
    if new_usage is not None:
        changed = usage_key(new_usage) != usage_key(obj["stream"])
        obj["stream"] = new_usage
        if changed:
            _reload_after_usage_change(req, camera_id)
    return single(req, obj)


def usage_definitions(driver: Driver, count: int) -> dict[str, Any]:
    entry = {
        "defaultPlayback": {"canSet": True, "valueType": "bool"}, "displayName": READ_ONLY, "edgeTrackId": READ_ONLY,
        "liveDefault": {"canSet": True, "valueType": "bool"},
        "liveMode": {"canSet": True, "valueType": "enum", "options": {mode: mode for mode in LIVE_MODES}},
        "name": {"canSet": True, "valueType": "string"},
        "recordTo": {"canSet": True, "valueType": "enum", "options": dict(RECORD_TRACKS)},
        "streamReferenceId": {"canSet": True, "valueType": "enum",
                              "options": {driver.stream_id(index): driver.streams[index][0] for index in range(len(driver.streams))}},
        "useEdge": {"canSet": True, "valueType": "bool"},
    }
    return {"displayName": READ_ONLY, "stream": [entry] * count}


STREAM_ROUTE = next(route for route in TABLES.routes if route.path == "streams/{id}")


async def get_streams(req: RestRequest) -> web.Response:
    obj, driver = _target(req, "streams")
    return single(req, obj, tasks=res_generic.task_entries(STREAM_ROUTE), resources=res_generic.resources(req, "streams"),
                  definitions=usage_definitions(driver, len(obj["stream"])))


def register(router: Router) -> None:
    """Settings and streams; the generic layer keeps their lists (``cameras/{id}/settings``) and the stream tasks."""
    res_generic.SINGLETON_BUILDERS.update(settings=build_settings, streams=build_streams)
    for method, handler in (("GET", get_settings), ("PUT", write_settings), ("PATCH", write_settings)):
        router.add(method, "settings/{id}", handler)
    for method, handler in (("GET", get_streams), ("PUT", write_streams), ("PATCH", write_streams)):
        router.add(method, "streams/{id}", handler)
