"""The live side of the simulated site: event types, triggered events, alarms and WebSocket sessions.

Configuration lives in ``store.Store``; what happens at run time lives here, in one ``LiveState`` that
``SimState`` keeps beside the store and rebuilds on reset.  Every event, whether triggered through
``POST /events`` or emitted by the test control ``POST /_simulator/events``, goes through ``emit``:

1. it is stored when its type's retention is above zero (``--event-retention-days``);
2. the alarm definitions whose event type (and source list, if any) it matches raise an alarm;
3. the stateful ones (an event type in a state group) update the source's state for ``getState``;
4. it is handed to every WebSocket session whose subscriptions match it (``websocket.py``).

Seed data is derived from names with ``uuid5``, not from the store's random generator, so adding it did not
change the ids of the cameras, presets and groups that tests and benchmarks rely on.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import time
import uuid
from typing import Any, Callable, Iterable

from .config import SimConfig
from .store import Store, path_ref
from .util import format_timestamp, random_guid, utc_now

SEED_NAMESPACE = uuid.UUID("3f6f8a52-5b1e-4c43-9d7b-2a6f0c8e1d90")
#: The stored events kept at most (oldest dropped first), whatever the retention says.
STORED_EVENTS_LIMIT = 100_000
#: Events a disconnected WebSocket session keeps for its resume.
SESSION_BUFFER_LIMIT = 50_000

# Event type ids from Milestone's Events and State WebSocket sample (event_types.py).
MOTION_STARTED = "6eb95dd6-7ccc-4bce-99f8-af0d0b582d77"
MOTION_STOPPED = "6f55a7a7-d21c-4629-ac18-af1975e395a2"
RECORDING_STARTED = "4577f552-765a-438c-bc7d-e5ff1f754bc3"
RECORDING_STOPPED = "79a94f89-92de-4fca-8a43-5561d407423d"
COMMUNICATION_STARTED = "dd3e6464-7dc0-405a-a92f-6150587563e8"
COMMUNICATION_STOPPED = "0ee90664-2924-42a0-a816-4129d0ecabdc"
COMMUNICATION_ERROR = "a334af1c-4b4b-4957-9e5f-ab8ca07feab6"
OUTPUT_ACTIVATED = "7a78f5bb-d8c3-4997-89b7-cae72713b7db"
OUTPUT_DEACTIVATED = "35742498-bcc5-4f0a-9800-827c9388d1cd"

# Alarm priorities: the ids and names of the OAS ``alarmDefinitions.priority`` value map.
PRIORITIES = (
    ("8188ff24-b5da-4c19-9ebf-c1d8fc2caa75", "High", 1),
    ("9ad9338b-22ba-4f2e-bf62-e6948ae99bbf", "Medium", 2),
    ("34f1f987-6854-44fb-88a5-daa0add1e38a", "Low", 3),
)
# Alarm states: the four states of XProtect's alarm list (their numbers as in the MIP SDK); inferred for REST.
STATES = (("1", "New"), ("4", "In progress"), ("9", "On hold"), ("11", "Closed"))
NEW_STATE = "1"
DEFAULT_PRIORITY = PRIORITIES[1][0]

SEED_TIME = "2025-01-15T08:12:41.3270000Z"


def seed_id(name: str) -> str:
    """A stable id for a seeded object."""
    return str(uuid.uuid5(SEED_NAMESPACE, name))


def source_type(source: str) -> str:
    """``cameras`` for ``cameras/<id>``."""
    return source.partition("/")[0]


def source_id(source: str) -> str:
    """``<id>`` for ``cameras/<id>``."""
    return source.partition("/")[2]


@dataclasses.dataclass(frozen=True)
class StateGroupSpec:
    """A state group and its event types (``stateGroups``; OAS: one event type belongs to at most one group)."""

    name: str
    members: tuple[tuple[str, str, str, str], ...]  # (event type id, name, displayName, state)


STATE_GROUPS = (
    StateGroupSpec("Motion", ((MOTION_STARTED, "MotionStarted", "Motion Started", "Motion"),
                              (MOTION_STOPPED, "MotionStopped", "Motion Stopped", "No motion"))),
    StateGroupSpec("Recording", ((RECORDING_STARTED, "RecordingStarted", "Recording Started", "Recording"),
                                 (RECORDING_STOPPED, "RecordingStopped", "Recording Stopped", "Not recording"))),
    StateGroupSpec("Communication", ((COMMUNICATION_STARTED, "CommunicationStarted", "Communication Started", "Responding"),
                                     (COMMUNICATION_STOPPED, "CommunicationStopped", "Communication Stopped", "Not responding"),
                                     (COMMUNICATION_ERROR, "CommunicationError", "Communication Error", "Communication error"))),
    StateGroupSpec("Output", ((OUTPUT_ACTIVATED, "OutputActivated", "Output Activated", "Activated"),
                              (OUTPUT_DEACTIVATED, "OutputDeactivated", "Output Deactivated", "Deactivated"))),
)
# Built-in event types outside any state group: generatorType System (not triggerable with a user token).
SYSTEM_TYPES = (("Archive Failure", "ArchiveFailure"), ("Database Disk Full", "DatabaseDiskFull"))
ANALYTICS_EVENTS = ("Intrusion detected", "Loitering detected")
GENERIC_EVENTS = ("Gate sensor",)


def _event_type(ident: str, name: str, display: str, *, generator_type: str, subtype: str, group: str = "",
                state: str = "", sources: Iterable[str] = ("Camera",), built_in: bool = True, modified: str = SEED_TIME) -> dict[str, Any]:
    """An eventTypes object with the OAS field set (plus ``state``, which Milestone's state viewer sample reads)."""
    body = {
        "builtIn": built_in,
        "counterEventID": "",
        "description": "",
        "displayName": display,
        "generatorGroupId": "",
        "generatorGroupName": "",
        "generatorID": "",
        "generatorName": "",
        "generatorSubtype": subtype,
        "generatorType": generator_type,
        "id": ident,
        "lastModified": modified,
        "name": name,
        "occursGlobally": not sources,
        "sourceArray": list(sources),
        "sourceFilterArray": ["" for _source in sources],
        "stateGroupId": group,
        "relations": {"self": path_ref("eventTypes", ident)},
    }
    if state:
        body["state"] = state
    return body


def _analytics_event(name: str) -> dict[str, Any]:
    ident = seed_id(f"analyticsEvents/{name}")
    return {"description": f"{name} (analytics)", "displayName": name, "id": ident, "lastModified": SEED_TIME, "name": name,
            "sourceArray": ["Camera"], "relations": {"self": path_ref("analyticsEvents", ident)}}


def _alarm_definition(name: str, event_type: str, priority: str, sources: list[dict[str, str]]) -> dict[str, Any]:
    """An alarmDefinitions object, reduced to the fields the simulator acts on (OAS field names)."""
    ident = seed_id(f"alarmDefinitions/{name}")
    return {"id": ident, "name": name, "displayName": name, "description": "", "enabled": True, "eventType": event_type,
            "eventTypeGroup": "", "sourceList": sources, "priority": priority, "category": "00000000-0000-0000-0000-000000000000",
            "lastModified": SEED_TIME, "relations": {"self": path_ref("alarmDefinitions", ident)}}


@dataclasses.dataclass
class Session:  # pylint: disable=too-many-instance-attributes
    """One Events and State session: its subscriptions and the events it has been handed.

    ``sent`` keeps the recent events for a resume: after a drop, a client resuming with the id of the last
    event it received gets every later one again, and events that arrive while it is away wait here.
    """

    ident: str
    subscriptions: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    sent: collections.deque = dataclasses.field(default_factory=lambda: collections.deque(maxlen=SESSION_BUFFER_LIMIT))
    connection: Any = None
    detached_at: float | None = None
    #: Number of events handed to the session so far (``sent`` holds ``(sequence, event)`` pairs).
    sequence: int = 0
    #: ``sequence`` when the connection dropped: a resume without a known event id replays what came after.
    detached_mark: int = 0

    def matches(self, event: dict[str, Any]) -> bool:
        """Whether any subscription takes the event (an include filter matches and no exclude filter does)."""
        return any(subscription_matches(filters, event) for filters in self.subscriptions.values())


def _filter_matches(entry: dict[str, Any], event: dict[str, Any]) -> bool:
    source = str(event.get("source", ""))

    def allows(key: str, value: str) -> bool:
        wanted = entry.get(key) or ["*"]
        return "*" in wanted or value.lower() in (str(item).lower() for item in wanted)

    return allows("resourceTypes", source_type(source)) and allows("sourceIds", source_id(source)) and allows("eventTypes", str(event["type"]))


def subscription_matches(filters: list[dict[str, Any]], event: dict[str, Any]) -> bool:
    """One subscription: included by one of its include filters and excluded by none of its exclude filters."""
    included = any(_filter_matches(entry, event) for entry in filters if entry.get("modifier", "include") == "include")
    return included and not any(_filter_matches(entry, event) for entry in filters if entry.get("modifier") == "exclude")


class LiveState:  # pylint: disable=too-many-instance-attributes
    """Event types, stored events, alarms, source states and WebSocket sessions of one simulated site."""

    def __init__(self, config: SimConfig, store: Store, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.stored: collections.OrderedDict[str, dict[str, Any]] = collections.OrderedDict()
        self.analytics_events = {event["id"]: event for event in map(_analytics_event, ANALYTICS_EVENTS)}
        self.builtin_types: dict[str, dict[str, Any]] = {}
        self.state_groups: dict[str, dict[str, Any]] = {}
        self._seed_types()
        self.alarm_definitions = self._seed_alarm_definitions()
        self.alarms: collections.OrderedDict[str, dict[str, Any]] = collections.OrderedDict()
        self.next_local_id = 1
        self.sessions: dict[str, Session] = {}
        #: (source, state group id) -> the last stateful event of that source in that group.
        self.states: dict[tuple[str, str], dict[str, Any]] = {}
        self._seed_states()
        #: Monotonic time until which new WebSocket connections are refused (``/_simulator/ws/drop``).
        self.refuse_until = 0.0
        #: The open WebSocket connections (``websocket.Connection``).
        self.connections: set[Any] = set()
        #: Batches of ``POST /_simulator/events`` by id, and the tasks emitting them.
        self.batches: dict[str, dict[str, Any]] = {}
        self.background: set[Any] = set()
        self.emitted = 0

    # -- seed ------------------------------------------------------------------------------------------

    def _seed_types(self) -> None:
        for spec in STATE_GROUPS:
            group_id = seed_id(f"stateGroups/{spec.name}")
            self.state_groups[group_id] = {"displayName": spec.name, "id": group_id, "lastModified": SEED_TIME, "name": spec.name,
                                           "states": [member[3] for member in spec.members],
                                           "relations": {"self": path_ref("stateGroups", group_id)}}
            sources = ("Output",) if spec.name == "Output" else ("Camera",)
            for ident, name, display, state in spec.members:
                self.builtin_types[ident] = _event_type(ident, name, display, generator_type="Device", subtype="Predefined",
                                                        group=group_id, state=state, sources=sources)
        for display, name in SYSTEM_TYPES:
            ident = seed_id(f"eventTypes/{name}")
            self.builtin_types[ident] = _event_type(ident, name, display, generator_type="System", subtype="Predefined", sources=())
        for name in GENERIC_EVENTS:
            ident = seed_id(f"genericEvents/{name}")
            self.builtin_types[ident] = _event_type(ident, name, name, generator_type="External", subtype="Generic", built_in=False)

    def _seed_alarm_definitions(self) -> dict[str, dict[str, Any]]:
        ptz = [path_ref("cameras", camera["id"]) for camera in self.store.cameras.values() if camera["ptzEnabled"]]
        intrusion = seed_id(f"analyticsEvents/{ANALYTICS_EVENTS[0]}")
        definitions = (
            _alarm_definition("Intrusion", intrusion, PRIORITIES[0][0], []),
            _alarm_definition("Motion on a PTZ camera", MOTION_STARTED, PRIORITIES[2][0], ptz),
            _alarm_definition("Camera not responding", COMMUNICATION_ERROR, PRIORITIES[0][0], []),
        )
        return {definition["id"]: definition for definition in definitions}

    def _seed_states(self) -> None:
        """Every camera responds, records when recording is enabled, and sees no motion."""
        for camera in self.store.cameras.values():
            if not camera["enabled"]:
                continue
            source = f"cameras/{camera['id']}"
            for type_id in (COMMUNICATION_STARTED, RECORDING_STARTED if camera["recordingEnabled"] else RECORDING_STOPPED, MOTION_STOPPED):
                event = {"id": seed_id(f"state/{source}/{type_id}"), "time": SEED_TIME, "type": type_id, "source": source,
                         "stategroupid": self.builtin_types[type_id]["stateGroupId"]}
                self.states[(source, event["stategroupid"])] = event

    # -- event types -----------------------------------------------------------------------------------

    def event_types(self) -> dict[str, dict[str, Any]]:
        """Every event type: built-in ones, each user-defined event (generatorType External) and each analytics event (MIPDevice)."""
        types = dict(self.builtin_types)
        for event in self.store.events.values():
            types[event["id"]] = _event_type(event["id"], event["name"], event["displayName"], generator_type="External",
                                             subtype=event.get("subtype", "UserDefined"), sources=(), built_in=event.get("subtype") == "System",
                                             modified=event["lastModified"])
        for event in self.analytics_events.values():
            types[event["id"]] = _event_type(event["id"], event["name"], event["displayName"], generator_type="MIPDevice",
                                             subtype="Analytics", built_in=False, modified=event["lastModified"])
        return types

    def event_type(self, ident: str) -> dict[str, Any] | None:
        """One event type by id (case-insensitive)."""
        wanted = ident.lower()
        if wanted in self.builtin_types:
            return self.builtin_types[wanted]
        if wanted in self.store.events or wanted in self.analytics_events:
            return self.event_types().get(wanted)
        return None

    @property
    def retention_days(self) -> float:
        return self.config.event_retention_days

    # -- events ----------------------------------------------------------------------------------------

    def new_event(self, type_id: str, source: str, data: dict[str, Any] | None = None, moment: str | None = None) -> dict[str, Any]:
        """An event of ``type_id`` from ``source`` (not yet emitted)."""
        event: dict[str, Any] = {"id": random_guid(), "time": moment or utc_now(), "type": type_id, "source": source}
        group = (self.event_type(type_id) or {}).get("stateGroupId")
        if group:
            event["stategroupid"] = group
        if data:
            event["data"] = data
        return event

    def emit(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Store, raise alarms, track state and push to the sessions (module docstring); returns the alarms raised."""
        self.emitted += 1
        if self.retention_days > 0:
            self.stored[event["id"]] = event
            if len(self.stored) > STORED_EVENTS_LIMIT:
                self.stored.popitem(last=False)
        if event.get("stategroupid"):
            self.states[(event["source"], event["stategroupid"])] = event
        raised = [self.raise_alarm_for(definition, event) for definition in self.matching_definitions(event)]
        self.deliver(event)
        return raised

    def deliver(self, event: dict[str, Any]) -> None:
        """Hand an event to every session whose subscriptions take it (connected now, or waiting for a resume)."""
        self.expire_sessions()
        for session in self.sessions.values():
            if not session.subscriptions or not session.matches(event):
                continue
            session.sequence += 1
            session.sent.append((session.sequence, event))
            if session.connection is not None:
                session.connection.push_event(event)

    def close(self) -> None:
        """A reset: drop every connection and stop emitting (the sessions go with this state)."""
        for connection in list(self.connections):
            connection.abort()
        self.batches.clear()
        for task in list(self.background):
            task.cancel()

    def stored_events(self) -> list[dict[str, Any]]:
        """The stored events still within their retention, oldest first."""
        self._prune()
        return list(self.stored.values())

    def _prune(self) -> None:
        if not self.stored:
            return
        limit = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=self.retention_days)
        cutoff = format_timestamp(limit)
        while self.stored:
            first = next(iter(self.stored.values()))
            if first["time"] >= cutoff:
                break
            self.stored.popitem(last=False)

    # -- alarms ----------------------------------------------------------------------------------------

    def matching_definitions(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Enabled alarm definitions on the event's type whose source list is empty or holds the event's source."""
        found = []
        for definition in self.alarm_definitions.values():
            if not definition["enabled"] or definition["eventType"].lower() != str(event["type"]).lower():
                continue
            sources = definition["sourceList"]
            if sources and not any(f"{ref['type']}/{ref['id']}".lower() == str(event["source"]).lower() for ref in sources):
                continue
            found.append(definition)
        return found

    def raise_alarm_for(self, definition: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
        """The alarm an event raises through a definition."""
        return self.create_alarm(name=definition["name"], message=definition["name"], source=event["source"],
                                 priority=definition["priority"], definition=definition["id"], event=event)

    def create_alarm(self, *, name: str, message: str, source: str, priority: str | None = None, state: str | None = None,
                     definition: str = "", event: dict[str, Any] | None = None, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """A new alarm (``POST /alarms`` or a matching alarm definition)."""
        now = utc_now()
        priority = priority or DEFAULT_PRIORITY
        state = state or NEW_STATE
        alarm = {
            "id": random_guid(),
            "localId": self.next_local_id,
            "name": name,
            "message": message,
            "source": source,
            "sourceName": self.source_name(source),
            "time": (event or {}).get("time", now),
            "lastModified": now,
            "state": state,
            "stateName": dict(STATES)[state],
            "priority": priority,
            "priorityName": self.priority_name(priority),
            "assignedTo": {"displayName": ""},
            "comment": "",
            "reasonForClosing": "",
            "alarmDefinition": definition,
            "event": (event or {}).get("id", ""),
            "data": dict(data if data is not None else (event or {}).get("data") or {}),
        }
        self.next_local_id += 1
        self.alarms[alarm["id"]] = alarm
        return alarm

    @staticmethod
    def priority_name(ident: str) -> str:
        return next((name for pid, name, _level in PRIORITIES if pid == ident), "")

    def source_name(self, source: str) -> str:
        """The display name of a ``type/id`` source, '' when unknown."""
        kind, ident = source_type(source).lower(), source_id(source).lower()
        if kind == "cameras":
            return str((self.store.cameras.get(ident) or {}).get("displayName", ""))
        if kind == "userdefinedevents":
            return str((self.store.events.get(ident) or {}).get("displayName", ""))
        if kind == "analyticsevents":
            return str((self.analytics_events.get(ident) or {}).get("displayName", ""))
        return ""

    # -- sessions --------------------------------------------------------------------------------------

    def session(self, ident: str) -> Session | None:
        """A session that may still be resumed (detached less than ``--ws-resume-seconds`` ago)."""
        self.expire_sessions()
        return self.sessions.get(ident.lower()) if ident else None

    def new_session(self) -> Session:
        session = Session(ident=random_guid())
        self.sessions[session.ident] = session
        return session

    def expire_sessions(self) -> None:
        now = self.clock()
        window = self.config.ws_resume_seconds
        for ident in [key for key, session in self.sessions.items() if session.detached_at is not None and now - session.detached_at > window]:
            del self.sessions[ident]

    def current_states(self, session: Session) -> list[dict[str, Any]]:
        """``getState``: the last stateful event of every source and state group the session's subscriptions take."""
        return [event for event in self.states.values() if session.matches(event)]


def new_alarm_id_order(alarms: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alarms newest first (by ``time``, then by local id), the order ``GET /alarms`` answers in."""
    return sorted(alarms, key=lambda alarm: (alarm["time"], alarm["localId"]), reverse=True)
