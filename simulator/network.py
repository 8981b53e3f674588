"""The simulated camera network: the devices the recording servers reach, as the hardware tasks see them.

Nothing here is ever contacted: a device is a record with an address (an IP address or a host name), the vendor and model
it reports, the drivers that can talk to it, the credentials it accepts, a MAC address, a firmware version and its channel
counts (cameras, microphones, speakers, metadata, inputs, outputs).  The hardware tasks (``res_task_effects.py``) look
devices up here: ``HardwareScan`` and ``AddHardware`` need the device reachable, a driver it speaks and its credentials;
``HardwareScanExpress`` finds the devices local to a recording server; ``ChangePasswordHardware`` with
``updatePasswordOnDevice`` and ``UpdateFirmwareHardware`` change the device itself.

What is on the network (deterministic from ``--seed``):

- every seeded hardware, at its address, with the hardware's user name and password (``ReadPasswordHardware`` reads it);
- per recording server, in a documentation range of RFC 5737 (192.0.2.0/24 for the first, 198.51.100.0/24 for the second,
  203.0.113.0/24 for the third) and one ``.example`` host name (RFC 2606), devices not yet added: an AXIS camera and an
  AXIS encoder with the factory credentials, a Hanwha camera whose password was changed from the factory one and that
  only the Hanwha driver speaks, an ONVIF device that only the ONVIF driver speaks, a Bosch camera that is switched off
  (unreachable), and an AXIS PTZ camera with credentials of its own;
- with ``--network-devices N``, N more devices per recording server at ``cam-0001.<recording server>.example`` ...
  (RFC 2606 names, so they never meet a real address), all reachable: mixed vendors and models of the seeded drivers,
  mostly one camera (some with a microphone, speaker, metadata, input or output), a few PTZ cameras and 4-channel encoders,
  the vendor's factory credentials for most and a password of their own for some.  Each is drawn from a hash of the seed
  and its host name, so a device is the same whatever N is.

Every device has a serial number besides its MAC address and firmware (``hardwareDriverSettings`` shows them).  Devices
are kept by host name, so finding one is a dictionary lookup whatever the size of the network.

``GET /_simulator/network`` shows it (credentials included: they are the simulated devices' own, needed to add them).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import urllib.parse
from typing import Any

from .store import Store

# Factory credentials per driver group (the vendors' documented defaults); useDefaultCredentials tries these.
FACTORY_CREDENTIALS = {"AXIS": ("root", "pass"), "Hanwha": ("admin", "4321"), "Bosch": ("service", "service"), "ONVIF": ("admin", "admin")}
# First three bytes of the devices' MAC addresses (AXIS, Hanwha and Bosch OUIs; a locally administered prefix for the others).
MAC_PREFIX = {"AXIS": "00:40:8C", "Hanwha": "00:09:18", "Bosch": "00:07:5F"}
FIRMWARE = {"AXIS": "11.11.73", "Hanwha": "2.21.02", "Bosch": "8.90.0012", "ONVIF": "1.4.2"}
TEST_NETS = ("192.0.2", "198.51.100", "203.0.113")
CHANNEL_TYPES = ("cameras", "microphones", "speakers", "metadata", "inputEvents", "outputs")

# The devices not yet added, per recording server: (last octet, or "gate" for the host name; vendor; model; drivers that
# speak to it, preferred first; credentials (None: the vendor's factory ones); channels; PTZ; reachable).
NEW_DEVICES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, str] | None, dict[str, int], bool, bool], ...] = (
    ("11", "AXIS", "AXIS P1465-LE Bullet Camera", ("AXIS", "ONVIF"), None,
     {"cameras": 1, "microphones": 1, "metadata": 1, "inputEvents": 1, "outputs": 1}, False, True),
    ("12", "AXIS", "AXIS M7104 Video Encoder", ("AXIS", "ONVIF"), None, {"cameras": 4, "inputEvents": 4, "outputs": 2}, False, True),
    ("13", "Hanwha", "Hanwha XNO-6080R", ("Hanwha",), ("admin", "Hanwha-6080R"), {"cameras": 1, "microphones": 1, "speakers": 1},
     False, True),
    ("14", "ONVIF", "ONVIF Conformant Device", ("ONVIF",), None, {"cameras": 2, "metadata": 1}, False, True),
    ("15", "Bosch", "Bosch FLEXIDOME IP 5100i", ("Bosch", "ONVIF"), None, {"cameras": 1}, False, False),
    ("gate", "AXIS", "AXIS Q6135-LE PTZ Network Camera", ("AXIS", "ONVIF"), ("root", "Gate-PTZ-7"),
     {"cameras": 1, "inputEvents": 1, "outputs": 1}, True, True),
)


# A profile of the devices ``--network-devices`` adds: (weight, vendor, model, drivers that speak to it, channels, PTZ).
# The models are those the seeded drivers and the settings families (res_settings.py) know.
EXTRA_PROFILES: tuple[tuple[int, str, str, tuple[str, ...], dict[str, int], bool], ...] = (
    (24, "AXIS", "AXIS P3265-LVE Dome Camera", ("AXIS", "ONVIF"), {"cameras": 1}, False),
    (14, "AXIS", "AXIS M3106-L Mk II Network Camera", ("AXIS", "ONVIF"), {"cameras": 1}, False),
    (18, "Hanwha", "Hanwha XNV-8080R", ("Hanwha", "ONVIF"), {"cameras": 1}, False),
    (16, "Bosch", "Bosch FLEXIDOME IP 5100i", ("Bosch", "ONVIF"), {"cameras": 1}, False),
    (14, "ONVIF", "ONVIF Conformant Device", ("ONVIF",), {"cameras": 1}, False),
    (8, "AXIS", "AXIS Q6135-LE PTZ Network Camera", ("AXIS", "ONVIF"), {"cameras": 1, "inputEvents": 1, "outputs": 1}, True),
    (6, "AXIS", "AXIS M7104 Video Encoder", ("AXIS", "ONVIF"), {"cameras": 4, "inputEvents": 4, "outputs": 2}, False),
)
_PROFILE_TABLE = tuple(profile for profile in EXTRA_PROFILES for _weight in range(profile[0]))
# Extra channels of a single camera (one byte of the device's hash each; out of 256): microphone, speaker, metadata, input, output.
EXTRA_CHANNELS = (("microphones", 77), ("speakers", 13), ("metadata", 26), ("inputEvents", 51), ("outputs", 26))
OWN_PASSWORD_SHARE = 38  # out of 256: about 15 % of the devices no longer have the factory password
# How a vendor's serial numbers begin (AXIS: the serial number is the MAC address without separators) [I].
SERIAL_PREFIX = {"Hanwha": "ZC7G", "Bosch": "0440", "ONVIF": "SN"}


def host_of(address: Any) -> str:
    """The host part of a hardware address (``http://10.1.0.10/``, ``10.1.0.10``, ``cam.example:8080``), lower case."""
    return _host_of_text(address if isinstance(address, str) else str(address or ""))


@functools.lru_cache(maxsize=65536)
def _host_of_text(address: str) -> str:
    """:func:`host_of`, remembered: the duplicate checks of the hardware tasks compare every hardware's address."""
    text = address.strip()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text
    try:
        host = urllib.parse.urlsplit(text).hostname
    except ValueError:
        host = None
    return (host or "").lower()


def _mac(seed: int, vendor: str, address: str) -> str:
    digest = hashlib.sha256(f"mac/{seed}/{address}".encode()).hexdigest()
    tail = ":".join(digest[index:index + 2] for index in (0, 2, 4)).upper()
    return f"{MAC_PREFIX.get(vendor, '02:00:5E')}:{tail}"


def _serial(seed: int, vendor: str, mac_address: str) -> str:
    """A device's serial number: AXIS's is its MAC address without separators; the others' a prefix and digits [I]."""
    if vendor == "AXIS":
        return mac_address.replace(":", "")
    digits = str(int(hashlib.sha256(f"serial/{seed}/{mac_address}".encode()).hexdigest()[:12], 16)).zfill(15)[-11:]
    return SERIAL_PREFIX.get(vendor, "SN") + digits


@dataclasses.dataclass
class Device:  # pylint: disable=too-many-instance-attributes
    """One device on the network."""

    address: str
    recording_server: str
    vendor: str
    model: str
    drivers: tuple[str, ...]
    user_name: str
    password: str
    mac_address: str
    firmware: str
    channels: dict[str, int]
    ptz: bool = False
    reachable: bool = True
    serial_number: str = ""

    def accepts(self, user_name: Any, password: Any) -> bool:
        """Whether the device takes these credentials."""
        return self.reachable and user_name == self.user_name and password == self.password

    def to_json(self, hardware: list[str]) -> dict[str, Any]:
        """The device as ``GET /_simulator/network`` shows it (``hardware``: ids of the hardware objects using it)."""
        return {"address": self.address, "vendor": self.vendor, "model": self.model, "drivers": list(self.drivers),
                "userName": self.user_name, "password": self.password, "macAddress": self.mac_address, "serialNumber": self.serial_number,
                "firmware": self.firmware, "channels": dict(self.channels), "ptz": self.ptz, "reachable": self.reachable,
                "hardware": hardware}


class Network:
    """Every device, by address."""

    def __init__(self, devices: list[Device]) -> None:
        self.devices = {device.address: device for device in devices}
        self.by_server: dict[str, list[Device]] = {}
        for device in self.devices.values():
            self.by_server.setdefault(device.recording_server, []).append(device)

    def find(self, address: Any) -> Device | None:
        """The device at ``address`` (any form :func:`host_of` takes), or None."""
        return self.devices.get(host_of(address))

    def local(self, recording_server_id: str) -> list[Device]:
        """The devices on the recording server's own network (what an express scan finds)."""
        return list(self.by_server.get(recording_server_id, ()))

    def to_json(self, store: Store) -> dict[str, Any]:
        """``GET /_simulator/network``: per recording server its devices and the hardware using each."""
        using: dict[str, list[str]] = {}
        for ident, hardware in store.objects.get("hardware", {}).items():
            using.setdefault(host_of(hardware.get("address")), []).append(ident)
        servers = []
        for ident, server in store.objects.get("recordingServers", {}).items():
            devices = [device.to_json(using.get(device.address, [])) for device in self.local(ident)]
            servers.append({"id": ident, "name": server.get("name", ""), "devices": devices})
        return {"recordingServers": servers}


def _driver_groups(store: Store) -> dict[str, str]:
    return {ident: str(driver.get("groupName", "")) for ident, driver in store.objects.get("hardwareDrivers", {}).items()}


def _channel_counts(store: Store) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for hardware_id, camera_ids in store.hardware_cameras.items():
        counts.setdefault(hardware_id, {})["cameras"] = len(camera_ids)
    for type_name in CHANNEL_TYPES[1:]:
        for device in store.objects.get(type_name, {}).values():
            parent = (device.get("relations") or {}).get("parent") or {}
            if parent.get("type") == "hardware":
                per = counts.setdefault(str(parent.get("id")), {})
                per[type_name] = per.get(type_name, 0) + 1
    return counts


def build_network(store: Store, seed: int, extra: int = 0) -> Network:
    """The network of a freshly seeded site, with ``extra`` more devices per recording server (see the module docstring)."""
    devices = _seeded_devices(store, seed)
    for index, (ident, server) in enumerate(store.objects.get("recordingServers", {}).items()):
        name = str(server.get("name", ident)).lower()
        devices.extend(_new_devices(seed, index, ident, name))
        width = max(4, len(str(extra)))
        devices.extend(extra_device(seed, ident, f"cam-{number:0{width}d}.{name}.example") for number in range(1, extra + 1))
    return Network(devices)


def _seeded_devices(store: Store, seed: int) -> list[Device]:
    """The devices of the seeded hardware, with the hardware's credentials."""
    groups = _driver_groups(store)
    counts = _channel_counts(store)
    devices = []
    for ident, hardware in store.objects.get("hardware", {}).items():
        parent = (hardware.get("relations") or {}).get("parent") or {}
        address = host_of(hardware.get("address"))
        vendor = groups.get(str((hardware.get("hardwareDriverPath") or {}).get("id")), "ONVIF") or "ONVIF"
        cameras = [store.cameras[camera] for camera in store.hardware_cameras.get(ident, []) if camera in store.cameras]
        mac = _mac(seed, vendor, address)
        devices.append(Device(address=address, recording_server=str(parent.get("id", "")), vendor=vendor, model=str(hardware.get("model", "")),
                              drivers=(vendor,) if vendor == "ONVIF" else (vendor, "ONVIF"), user_name=str(hardware.get("userName", "")),
                              password=str(store.secrets.get(ident, {}).get("password", "")), mac_address=mac,
                              firmware=FIRMWARE.get(vendor, "1.0.0"), channels=counts.get(ident, {}),
                              ptz=any(camera.get("ptzEnabled") for camera in cameras), serial_number=_serial(seed, vendor, mac)))
    return devices


def _new_devices(seed: int, index: int, server_id: str, server_name: str) -> list[Device]:
    """The devices of ``NEW_DEVICES`` on the network of the ``index``-th recording server."""
    net = TEST_NETS[index % len(TEST_NETS)]
    devices = []
    for suffix, vendor, model, drivers, credentials, channels, ptz, reachable in NEW_DEVICES:
        address = f"cam-gate.{server_name}.example" if suffix == "gate" else f"{net}.{suffix + str(index // 3 or '')}"
        user_name, password = credentials or FACTORY_CREDENTIALS[vendor]
        mac = _mac(seed, vendor, address)
        devices.append(Device(address=address, recording_server=server_id, vendor=vendor, model=model, drivers=drivers, user_name=user_name,
                              password=password, mac_address=mac, firmware=FIRMWARE[vendor], channels=dict(channels), ptz=ptz,
                              reachable=reachable, serial_number=_serial(seed, vendor, mac)))
    return devices


def extra_device(seed: int, recording_server: str, address: str) -> Device:
    """One device of ``--network-devices``, drawn from a hash of the seed and its host name (see the module docstring)."""
    draw = hashlib.sha256(f"network-device/{seed}/{address}".encode()).digest()
    _weight, vendor, model, drivers, channels, ptz = _PROFILE_TABLE[int.from_bytes(draw[:2], "big") % len(_PROFILE_TABLE)]
    channels = dict(channels)
    if channels == {"cameras": 1} and not ptz:
        channels.update({kind: 1 for (kind, share), byte in zip(EXTRA_CHANNELS, draw[2:7]) if byte < share})
    user_name, password = FACTORY_CREDENTIALS[vendor]
    mac = _mac(seed, vendor, address)
    return Device(address=address, recording_server=recording_server, vendor=vendor, model=model, drivers=drivers, user_name=user_name,
                  password=f"Cam-{draw[8:12].hex()}" if draw[7] < OWN_PASSWORD_SHARE else password, mac_address=mac,
                  firmware=FIRMWARE[vendor], channels=channels, ptz=ptz, serial_number=_serial(seed, vendor, mac))


def next_firmware(version: str) -> str:
    """The version an update installs: the last number one higher (``11.11.73`` -> ``11.11.74``)."""
    head, _sep, last = version.rpartition(".")
    width = len(last)
    number = int(last) + 1 if last.isdigit() else 1
    return f"{head}.{number:0{width}d}" if head else f"{number:0{width}d}"


# ============================================================================================== live images (JpegGetLive)

NATIVE_SIZE = (1280, 720)
# Canonical Huffman tables: the standard luminance DC table (ITU-T T.81, K.3) and an AC table with the end-of-block code only,
# which is all a picture of flat 8x8 blocks needs.
_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_AC_BITS = (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
_QUANT = 8


def _codes(bits: tuple[int, ...]) -> list[tuple[int, int]]:
    """(code, length) for each symbol in order, from the count of codes per length."""
    codes, code = [], 0
    for length, count in enumerate(bits, start=1):
        for _index in range(count):
            codes.append((code, length))
            code += 1
        code <<= 1
    return codes


_DC_CODES = _codes(_DC_BITS)
_EOB = _codes(_AC_BITS)[0]


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def fit(width: Any, height: Any, native: tuple[int, int] = NATIVE_SIZE) -> tuple[int, int]:
    """The native size scaled down (never up) to fit the maximum width and height asked for (0 or None: no limit)."""
    scale = 1.0
    for wanted, have in ((width, native[0]), (height, native[1])):
        if isinstance(wanted, int) and wanted > 0:
            scale = min(scale, wanted / have)
    return max(8, round(native[0] * scale)), max(8, round(native[1] * scale))


def live_jpeg(width: int, height: int, tint: str) -> bytes:
    """A baseline greyscale JPEG of ``width`` x ``height``: a gradient of flat 8x8 blocks, its brightness from ``tint``."""
    base = 40 + int(hashlib.sha256(tint.encode()).hexdigest()[:2], 16) % 80
    columns, rows = -(-width // 8), -(-height // 8)
    out, bits, count, previous = bytearray(), 0, 0, 0

    def put(code: int, length: int) -> None:
        nonlocal bits, count
        bits, count = (bits << length) | code, count + length
        while count >= 8:
            count -= 8
            byte = (bits >> count) & 0xFF
            out.append(byte)
            if byte == 0xFF:
                out.append(0)  # byte stuffing
        bits &= (1 << count) - 1

    for row in range(rows):
        for column in range(columns):
            level = min(255, base + (column * 96) // columns + (row * 64) // rows)
            value = level - 128  # the DC coefficient of a flat block is 8 * (level - 128); quantised by 8
            diff, previous = value - previous, value
            size = abs(diff).bit_length()
            put(*_DC_CODES[size])
            if size:
                put(diff if diff > 0 else diff + (1 << size) - 1, size)
            put(*_EOB)
    if count:
        put((1 << (8 - count)) - 1, 8 - count)  # pad the last byte with one bits
    header = (b"\xff\xd8" + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
              + _segment(0xDB, b"\x00" + bytes([_QUANT] * 64))
              + _segment(0xC0, b"\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x01\x01\x11\x00")
              + _segment(0xC4, b"\x00" + bytes(_DC_BITS) + bytes(range(12)))
              + _segment(0xC4, b"\x10" + bytes(_AC_BITS) + b"\x00")
              + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"))
    return header + bytes(out) + b"\xff\xd9"
