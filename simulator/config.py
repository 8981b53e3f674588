"""Command line switches and the immutable configuration built from them.

Every behaviour that ``docs/xprotect-api.md`` marks as inferred and that a client could depend on is a
switch here, so tests can exercise both variants.  ``README.md`` maps each switch to its section there.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Sequence

ROLES = ("administrator", "operator")


@dataclasses.dataclass(frozen=True)
class User:
    """A basic user, or a Windows user (``DOMAIN\\name`` or ``name@domain``), of the simulated IDP."""

    name: str
    password: str
    role: str = "administrator"


@dataclasses.dataclass(frozen=True)
class SimConfig:  # pylint: disable=too-many-instance-attributes
    """Everything the command line can set; shared read-only by all parts of the simulator."""

    host: str = "127.0.0.1"
    port: int = 0
    tls: bool = True
    ca_file: str | None = None
    ca_key_file: str | None = None
    tls_cert: str = "valid"
    cameras: int = 40
    cameras_per_hardware: int = 0
    network_devices: int = 0
    seed: int = 1
    token_ttl: int = 3600
    task_seconds: float = 2.0
    latency_ms: float = 0.0
    users: tuple[User, ...] = (User("admin", "admin"),)
    windows_users: tuple[User, ...] = ()
    windows_failure_status: int = 400
    ntlm_channel_binding: str = "required"
    product_version: str = "25.1.1804.0"
    gateway_idp: bool = True
    unauthorized_body: str = "json"
    invalid_client_status: int = 400
    idp_url: str | None = None
    gateway_urls: tuple[str, ...] = ()
    system_events_protected: bool = True
    max_name_length: int = 256
    unique_event_names: bool = False
    create_result_state: bool = False
    item_selection_case: str = "upper"
    default_preset_mode: str = "task"
    legacy_cleanup_400: bool = False
    filter_case: str = "insensitive"
    read_only_fields: str = "changed"
    missing_types: tuple[str, ...] = ()
    subgroup_create: str = "post-child"
    events_api: bool = True
    event_retention_days: float = 30.0
    ws_resume_seconds: float = 30.0
    stream_usage_reload_seconds: float = 10.0
    hardware_driver_settings: str = "prose"
    verbose: bool = False

    def user(self, name: str) -> User | None:
        """The configured user called ``name`` (exact match), if any."""
        for candidate in self.users:
            if candidate.name == name:
                return candidate
        return None

    def windows_user(self, name: str) -> User | None:
        """The configured Windows user called ``name``; Windows compares account names case-insensitively."""
        for candidate in self.windows_users:
            if candidate.name.lower() == name.lower():
                return candidate
        return None


def parse_user(text: str) -> User:
    """Parse ``NAME:PASSWORD[:ROLE]``; the password may itself contain colons."""
    name, sep, rest = text.partition(":")
    if not name or not sep:
        raise argparse.ArgumentTypeError(f"expected NAME:PASSWORD[:ROLE], got {text!r}")
    role = "administrator"
    password, sep, maybe_role = rest.rpartition(":")
    if sep and maybe_role.lower() in ROLES:
        role = maybe_role.lower()
    else:
        password = rest
    return User(name=name, password=password, role=role)


def parse_windows_user(text: str) -> User:
    """Parse ``DOMAIN\\NAME:PASSWORD[:ROLE]`` or ``NAME@DOMAIN:PASSWORD[:ROLE]``.

    The accounts go to pyspnego's NTLM_USER_FILE, whose lines are ``DOMAIN:USER:PASSWORD``: a colon or a line
    break cannot be stored there, so unlike a basic user's password a Windows password cannot contain one.
    """
    # Error messages name the account only: the text holds a password.
    parts = text.split(":")
    if len(parts) == 3 and parts[2].lower() in ROLES:
        name, password, role = parts[0], parts[1], parts[2].lower()
    elif len(parts) == 2:
        name, password, role = parts[0], parts[1], "administrator"
    else:
        raise argparse.ArgumentTypeError(f"Windows user '{parts[0]}': expected DOMAIN\\NAME:PASSWORD[:ROLE] (ROLE administrator "
                                         "or operator; the password cannot contain a colon)")
    if "\\" in name:
        domain, _sep, account = name.partition("\\")
    else:
        account, _sep, domain = name.partition("@")
    if not domain or not account:
        raise argparse.ArgumentTypeError(f"a Windows user is DOMAIN\\NAME or NAME@DOMAIN, not '{name}'")
    if not password or "\n" in password or "\r" in password:
        raise argparse.ArgumentTypeError(f"Windows user '{name}' needs a password without line breaks")
    return User(name=name, password=password, role=role)


def _positive_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m simulator`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Milestone XProtect API Gateway + IDP simulator (RESTful Config API /api/rest/v1).",
    )
    net = parser.add_argument_group("network and TLS")
    net.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    net.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free port (default 0)")
    net.add_argument("--no-tls", dest="tls", action="store_false", help="serve plain HTTP instead of HTTPS")
    net.add_argument("--ca-file", metavar="PATH", help="write the generated CA certificate (PEM) here so clients can verify")
    net.add_argument("--ca-key-file", metavar="PATH",
                     help="persist the CA private key here; if it and --ca-file exist at start, reuse that CA (keeps trust across restarts)")
    net.add_argument("--tls-cert", choices=("valid", "expired", "wrong-host"), default="valid",
                     help="server certificate: valid (default), expired (ended yesterday) or issued for another host name")
    net.add_argument("--latency-ms", type=_positive_float, default=0.0, help="delay added to every REST and IDP request")
    net.add_argument("--verbose", action="store_true", help="log every request to stderr")

    data = parser.add_argument_group("seed data")
    data.add_argument("--cameras", type=int, default=40, help="number of cameras to seed (default 40)")
    data.add_argument("--cameras-per-hardware", type=int, default=0, metavar="K",
                      help="seed the cameras as channels of K-channel hardware, K per hardware in seed order (default 0: "
                           "mostly one camera per hardware, some on 4-channel encoders)")
    data.add_argument("--network-devices", type=int, default=0, metavar="N",
                      help="N more devices per recording server on the simulated camera network, not yet added, at "
                           "cam-0001.<recording server>.example ... (default 0)")
    data.add_argument("--seed", type=int, default=1, help="seed of the deterministic data generator (default 1)")
    data.add_argument("--product-version", default="25.1.1804.0", help="ProductVersion reported by /api/.well-known/uris")

    auth = parser.add_argument_group("identity provider")
    auth.add_argument("--user", dest="users", action="append", type=parse_user, default=[], metavar="NAME:PASSWORD[:ROLE]",
                      help="add a basic user (role administrator or operator); admin:admin always exists unless overridden")
    auth.add_argument("--windows-user", dest="windows_users", action="append", type=parse_windows_user, default=[],
                      metavar="DOMAIN\\NAME:PASSWORD[:ROLE]",
                      help="add a Windows user who logs in with NTLM (grant_type=windows_credentials); repeatable")
    auth.add_argument("--windows-failure-status", type=int, choices=(400, 401), default=400,
                      help="a failed NTLM login answers 400 invalid_grant (default) or an IIS-style 401 with a new challenge")
    auth.add_argument("--ntlm-channel-binding", choices=("required", "off"), default="required",
                      help="over TLS, require NTLM's channel binding to the server certificate (Extended Protection, default) "
                           "or accept clients that send none, such as curl")
    auth.add_argument("--token-ttl", type=int, default=3600, help="access token lifetime in seconds (default 3600)")
    auth.add_argument("--no-gateway-idp", dest="gateway_idp", action="store_false",
                      help="/API/IDP/connect/token answers 404, as on servers before the gateway passed the IDP through")
    auth.add_argument("--unauthorized-body", choices=("json", "empty"), default="json",
                      help="body of a 401 from the gateway: the error envelope or nothing (default json)")
    auth.add_argument("--invalid-client-status", type=int, choices=(400, 401), default=400,
                      help="HTTP status of the IDP's invalid_client error (default 400)")
    auth.add_argument("--idp-url", metavar="URL", help="IdentityProvider URL to advertise (default <own URL>/IDP)")
    auth.add_argument("--gateway-url", dest="gateway_urls", action="append", default=[], metavar="URL",
                      help="API gateway URL to advertise in ApiGateways (repeatable; default <own URL>/API/)")

    ude = parser.add_argument_group("user-defined events")
    ude.add_argument("--system-events-protected", dest="system_events_protected", action="store_true", default=True,
                     help="refuse to rename or delete the built-in System events with 400 (default)")
    ude.add_argument("--no-system-events-protected", dest="system_events_protected", action="store_false",
                     help="allow renaming and deleting the built-in System events")
    ude.add_argument("--max-name-length", type=int, default=256, help="longest accepted object name (default 256)")
    ude.add_argument("--unique-event-names", action="store_true", help="refuse duplicate user-defined event names with 400")
    ude.add_argument("--create-result-state", action="store_true",
                     help='add "state":"Success" and "path" to the result of a create (POST) as in the generic OAS example')

    ptz = parser.add_argument_group("PTZ presets and tasks")
    ptz.add_argument("--item-selection-case", choices=("upper", "any"), default="upper",
                     help="DefaultPtzPreset itemSelection: require upper-case ids (default) or accept any case")
    ptz.add_argument("--default-preset-mode", choices=("task", "sync"), default="task",
                     help="DefaultPtzPreset answers with a task to poll (default) or applies at once")
    ptz.add_argument("--task-seconds", type=_positive_float, default=2.0, help="time a server task takes to finish (default 2)")
    ptz.add_argument("--legacy-cleanup-400", action="store_true",
                     help="TaskCleanup removes the task but answers 400 (2021 R2 pre-release bug)")

    rest = parser.add_argument_group("REST conventions")
    rest.add_argument("--filter-case", choices=("insensitive", "sensitive"), default="insensitive",
                      help="string comparison of ?name= filters (default insensitive)")
    rest.add_argument("--read-only-fields", choices=("changed", "any", "ignore"), default="changed",
                      help="PUT/PATCH bodies with read-only fields: 400 if a value differs from the current one (default), "
                           "400 whenever present, or silently ignore")
    rest.add_argument("--stream-usage-reload-seconds", type=_positive_float, default=10.0,
                      help="a write of streams/{cameraId} that changes the usage loses the stream settings written less than this "
                           "many seconds before, as MilestonePSTools issue 72 shows through the MIP SDK; 0 keeps them (default 10)")
    rest.add_argument("--subgroup-create", choices=("post-child", "unsupported"), default="post-child",
                      help="POST {kind}Groups/{id}/{kind}Groups creates a subgroup (default), or answers 400 Unknown request: the "
                           "document shows no create below a group")
    rest.add_argument("--hardware-driver-settings", choices=("prose", "schema"), default="prose",
                      help="hardware/{id}/hardwareDriverSettings: with the HardwareDriverSettings block of the document's prose "
                           "(detectedModelName, macAddress, firmwareVersion, serialNumber; default), or only the schema's "
                           "displayName and hardwarePtz")
    rest.add_argument("--missing-types", metavar="TYPE[,TYPE...]", default="",
                      help="resource types of the OpenAPI document this server lacks, as an older XProtect does: they answer "
                           "404 Unknown resource (e.g. evidenceLockProfiles,registeredServices)")

    live = parser.add_argument_group("events, alarms and the Events and State WebSocket")
    live.add_argument("--events-api", dest="events_api", action="store_true", default=True,
                      help="serve the Events and Alarms REST APIs and the WebSocket API (default; XProtect 2023 R2 and later)")
    live.add_argument("--no-events-api", dest="events_api", action="store_false",
                      help="no /events, /alarms or WebSocket: 404 Unknown resource, as on servers before 2023 R2")
    live.add_argument("--event-retention-days", type=_positive_float, default=30.0,
                      help="retention of triggered events; 0 stores none (GET /events/{id} is then a 404) (default 30)")
    live.add_argument("--ws-resume-seconds", type=_positive_float, default=30.0,
                      help="how long a dropped WebSocket session can be resumed with its missed events (default 30)")
    return parser


def config_from_args(argv: Sequence[str] | None = None) -> SimConfig:
    """Parse ``argv`` into a :class:`SimConfig`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.cameras < 0:
        parser.error("--cameras must be >= 0")
    if args.cameras_per_hardware < 0:
        parser.error("--cameras-per-hardware must be >= 0")
    if args.network_devices < 0:
        parser.error("--network-devices must be >= 0")
    if args.max_name_length < 1:
        parser.error("--max-name-length must be >= 1")
    if args.token_ttl < 1:
        parser.error("--token-ttl must be >= 1")
    users: dict[str, User] = {"admin": User("admin", "admin")}
    for user in args.users:
        users[user.name] = user  # a later --user with the same name replaces the earlier one (also admin)
    values = vars(args)
    values["users"] = tuple(users.values())
    windows: dict[str, User] = {}
    for user in args.windows_users:
        windows[user.name.lower()] = user  # Windows names are case-insensitive: a later one replaces an earlier one
    values["windows_users"] = tuple(windows.values())
    values["gateway_urls"] = tuple(values["gateway_urls"])
    values["missing_types"] = _missing_types(parser, args.missing_types)
    return SimConfig(**values)


def _missing_types(parser: argparse.ArgumentParser, text: str) -> tuple[str, ...]:
    """``--missing-types a,b``: type names of the OpenAPI document, compared case-insensitively, in their documented spelling."""
    from .schema import TABLES  # pylint: disable=import-outside-toplevel  # the tables only when the switch is used

    names = set()
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        canonical = TABLES.canonical(name)
        if canonical is None:
            parser.error(f"--missing-types: {name} is not a resource type of the OpenAPI document")
        names.add(canonical)
    return tuple(sorted(names))
