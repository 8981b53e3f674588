# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event types and triggered events: resolve an event by name or id, check who may trigger it, trigger it.

What the Events REST API (XProtect 2023 R2 and later) does (docs/xprotect-api.md §11):

* ``POST events`` with ``{"type": <event type id>[, "source": "cameras/<id>"][, "data": {...}]}`` answers 202 with the
  event in ``data``. A user-defined event without a source is its own source.
* A user token (every basic or Windows user's) may trigger only event types with ``generatorType`` External
  (user-defined events) or MIPDevice (analytics events), and not those of ``generatorSubtype`` Generic; only a
  service token may trigger the others.
* A server before 2023 R2 answers ``404 Unknown resource: events``.

The names of event types, sources and state groups are the Config API's (``eventTypes``, ``stateGroups``, the
source's own path); the EDA source plugin uses the same look-ups.
"""

from __future__ import annotations

import typing as t
from urllib.parse import quote

from ._cameras import camera_id, get_camera, resolve_cameras
from ._concurrency import map_bounded
from ._errors import ConflictError, InputError, NotFoundError, XProtectError
from ._ids import is_id, object_id

EVENTS_PATH = 'events'
EVENTS_VERSION = 'XProtect 2023 R2'
#: generatorType values a user token may trigger (and generatorSubtype Generic excluded).
USER_TRIGGERABLE = ('External', 'MIPDevice')
MAX_COUNT = 10000
MAX_CONCURRENCY = 32
#: The collections an event is looked up in, by name, in this order.
NAMED_KINDS = (('userDefinedEvents', 'user-defined event', 'External'), ('analyticsEvents', 'analytics event', 'MIPDevice'))
USER_TOKEN_RULE = ('XProtect lets a user token (any basic or Windows user, whatever its role) trigger only user-defined events '
                   '(generatorType External) and analytics events (generatorType MIPDevice), not generic events '
                   '(generatorSubtype Generic), device or system events; those need a service token (give it as access_token)')

Event = t.Dict[str, t.Any]


class EventsApiMissingError(XProtectError):
    """The server has no Events REST API (before 2023 R2)."""

    hint = f'Triggering and reading events needs {EVENTS_VERSION} or later (the Events REST API of the API Gateway).'


def is_missing_api(error: XProtectError, resource: str = EVENTS_PATH) -> bool:
    """A 404 ``Unknown resource: <resource>``: the server predates the API."""
    return isinstance(error, NotFoundError) and any(f'unknown resource: {resource.lower()}' in text.lower() for text in error.details)


def api_missing(error: XProtectError, what: str, resource: str = EVENTS_PATH, api: str = 'Events REST API') -> EventsApiMissingError:
    missing = EventsApiMissingError(f'the server has no {api} (it answered 404 Unknown resource: {resource})', action=what,
                                    status=404, details=error.details, method=error.method, path=error.path,
                                    hint=f'{what[0].upper()}{what[1:]} needs {EVENTS_VERSION} or later ({api}); upgrade the server.')
    missing.write = error.write
    return missing


# -- event types -----------------------------------------------------------------------------------------

def type_name(event_type: t.Mapping[str, t.Any]) -> str:
    return str(event_type.get('displayName') or event_type.get('name') or '')


def refusal_for_user_token(event_type: t.Mapping[str, t.Any]) -> str | None:
    """Why a user token may not trigger ``event_type`` (an ``eventTypes`` object), or None."""
    generator = str(event_type.get('generatorType') or '')
    subtype = str(event_type.get('generatorSubtype') or '')
    if generator in USER_TRIGGERABLE and subtype.lower() != 'generic':
        return None
    kind = f'generatorType {generator or "unknown"}' + (f', generatorSubtype {subtype}' if subtype else '')
    return f"the event type '{type_name(event_type)}' ({object_id(event_type)}) has {kind}. {USER_TOKEN_RULE}"


def _get_optional(client: t.Any, path: str, action: str) -> dict[str, t.Any] | None:
    try:
        return client.get_data(path, action=action)
    except NotFoundError:
        return None


def resolve_event_type(client: t.Any, reference: str) -> dict[str, t.Any]:
    """The event to trigger, by id or exact name: ``{"id", "name", "kind", "generatorType", "generatorSubtype", "object"}``.

    A name is looked up among the user-defined events, then the analytics events, then every event type; a name that
    fits several fails with their ids.
    """
    reference = reference.strip()
    if is_id(reference):
        ident = reference.lower()
        found = _get_optional(client, f'eventTypes/{quote(ident, safe="")}', f'read the event type {ident}')
        if found is not None:
            return _described(found, 'eventTypes')
        for kind, _label, generator in NAMED_KINDS:
            found = _get_optional(client, f'{kind}/{quote(ident, safe="")}', f'read the event {ident}')
            if found is not None:
                return _described(found, kind, generator)
        raise ConflictError(f"no event type, user-defined event or analytics event has the id {ident}", action='find the event')
    matches: list[dict[str, t.Any]] = []
    for kind, _label, generator in NAMED_KINDS:
        try:
            items = client.list(kind, action=f'list the {_label}s')
        except NotFoundError:
            continue
        matches.extend(_described(item, kind, generator) for item in items if str(item.get('name', '')) == reference)
    if not matches:
        items = client.list('eventTypes', action='list the event types')
        matches = [_described(item, 'eventTypes') for item in items
                   if reference in (str(item.get('name', '')), str(item.get('displayName', '')))]
    if len(matches) > 1:
        listing = ', '.join(f"{match['id']} ({match['label']})" for match in matches)
        raise ConflictError(f"the name '{reference}' fits {len(matches)} events: {listing}; give the id of one", action='find the event')
    if not matches:
        raise ConflictError(f"no user-defined event, analytics event or event type is named '{reference}' (names are compared exactly; "
                            'create a user-defined event with milestone.xprotect.user_defined_event)', action='find the event')
    return matches[0]


def _described(item: t.Mapping[str, t.Any], kind: str, generator: str | None = None) -> dict[str, t.Any]:
    labels = {'userDefinedEvents': 'user-defined event', 'analyticsEvents': 'analytics event', 'eventTypes': 'event type'}
    return {
        'id': object_id(item),
        'name': type_name(item) if kind == 'eventTypes' else str(item.get('name') or item.get('displayName') or ''),
        'kind': kind,
        'label': labels[kind],
        'generatorType': str(item.get('generatorType') or generator or ''),
        'generatorSubtype': str(item.get('generatorSubtype') or ('Analytics' if kind == 'analyticsEvents' else '')),
        'object': dict(item),
    }


# -- sources -------------------------------------------------------------------------------------------

def resolve_source(client: t.Any, reference: str) -> dict[str, str]:
    """``{"path": "cameras/<id>", "name": ...}`` for a camera name or id, ``cameras/<id>``, or any ``<type>/<id>`` path."""
    reference = reference.strip()
    kind, sep, ident = reference.partition('/')
    if sep and is_id(ident) and kind:
        if kind.lower() == 'cameras':
            camera = get_camera(client, ident)
            return {'path': f'cameras/{camera_id(camera)}', 'name': str(camera.get('displayName') or camera.get('name') or '')}
        found = _get_optional(client, f'{quote(kind, safe="")}/{quote(ident.lower(), safe="")}', f'read the source {reference}')
        if found is None:
            raise ConflictError(f"the source {reference} does not exist", action='find the source')
        return {'path': f'{kind}/{ident.lower()}', 'name': str(found.get('displayName') or found.get('name') or '')}
    camera = resolve_cameras(client, [reference], workers=1)[0]
    return {'path': f'cameras/{camera_id(camera)}', 'name': str(camera.get('displayName') or camera.get('name') or '')}


# -- triggering ----------------------------------------------------------------------------------------

def check_trigger_input(params: t.Mapping[str, t.Any]) -> None:
    """Bad input, found before any request."""
    problems = []
    if not str(params.get('event') or '').strip():
        problems.append('event is empty; give the name or id of a user-defined event or an analytics event')
    source = params.get('source')
    if source is not None and not str(source).strip():
        problems.append('source is empty; leave it out, or give a camera name or id, or a path such as cameras/<id>')
    count, concurrency = params.get('count', 1), params.get('concurrency', 1)
    if not 1 <= count <= MAX_COUNT:
        problems.append(f'count must be between 1 and {MAX_COUNT}, not {count}')
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        problems.append(f'concurrency must be between 1 and {MAX_CONCURRENCY}, not {concurrency}')
    if problems:
        raise InputError('; '.join(problems))


def post_event(client: t.Any, body: dict[str, t.Any], action: str) -> Event:
    """One ``POST events``; the event the server stored (``data``)."""
    try:
        response = client.request('POST', EVENTS_PATH, body=body, action=action, expected=(200, 201, 202))
    except XProtectError as error:
        if is_missing_api(error):
            raise api_missing(error, action) from None
        raise
    return client.envelope(response.body, 'data', 'POST', EVENTS_PATH, action, status=response.status)


def check_events_api(client: t.Any, action: str) -> None:
    """Check mode: make sure the server has the Events REST API with one read."""
    try:
        client.get(EVENTS_PATH, params=[('page', 0), ('size', 1)], action=action)
    except XProtectError as error:
        if is_missing_api(error):
            raise api_missing(error, action) from None
        raise


def trigger_job(module: t.Any) -> dict[str, t.Any]:
    """The job of event_trigger: resolve, check, and trigger ``count`` events (check mode: resolve and check only)."""
    params = module.params
    check_trigger_input(params)
    client = module.client
    event_type = resolve_event_type(client, str(params['event']))
    user_token = bool(params.get('username'))
    refusal = refusal_for_user_token({**event_type['object'], 'generatorType': event_type['generatorType'],
                                      'generatorSubtype': event_type['generatorSubtype'], 'displayName': event_type['name'],
                                      'id': event_type['id']})
    if refusal and user_token:
        raise ConflictError(f'{refusal}. Nothing was triggered', action=f"trigger '{event_type['name']}'")
    source = resolve_source(client, str(params['source'])) if params.get('source') is not None else None
    body: dict[str, t.Any] = {'type': event_type['id']}
    if source is not None:
        body['source'] = source['path']
    if params.get('data'):
        body['data'] = params['data']
    what = f"trigger '{event_type['name']}'" + (f" from {source['name'] or source['path']}" if source else '')
    result: dict[str, t.Any] = {'changed': True, 'event_type': {key: event_type[key] for key in ('id', 'name', 'kind', 'generatorType')},
                                'source': source, 'count': params['count'], 'request': body}
    if module.check_mode:
        check_events_api(client, what)
        result.update(events=[], event={})
        return result
    outcomes = map_bounded(lambda _number: post_event(client, body, what), range(params['count']), workers=params['concurrency'])
    events = [outcome.value for outcome in outcomes if outcome.ok]
    failures = [outcome.error for outcome in outcomes if not outcome.ok]
    result.update(events=events, event=events[0] if events else {})
    if failures:
        error = failures[0]
        if isinstance(error, XProtectError) and error.status == 403 and refusal:
            error.add_note(refusal)
        if isinstance(error, XProtectError):
            result['changed'] = bool(events)
            if len(failures) > 1 or events:
                error.add_note(f'{len(events)} of {params["count"]} events were triggered before the failures ({len(failures)} failed)')
            error.result = result  # type: ignore[attr-defined]
        raise error
    if params.get('verify'):
        result['stored'] = verify_stored(client, events, module)
    return result


def verify_stored(client: t.Any, events: t.Sequence[Event], module: t.Any) -> bool:
    """Read the first event back; XProtect stores an event only if its type's retention is above zero."""
    if not events:
        return False
    ident = object_id(events[0])
    try:
        client.get_data(f'{EVENTS_PATH}/{quote(ident, safe="")}', action=f'read back the event {ident}')
    except NotFoundError:
        module.warn(f'the event {ident} was triggered but is not stored: the retention of its event type is 0 days, so '
                    'GET events/{id} cannot read it (rules, alarms and subscribers still saw it)')
        return False
    return True
