# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alarms (the Alarms REST API, XProtect 2023 R2 and later): raise, update idempotently, read (docs/xprotect-api.md §11).

* ``POST alarms`` ``{"name", "message", "source"[, "priority", "state"]}`` answers 202 with the alarm in ``data``;
* ``PATCH alarms/{id}`` with ``state`` (an ``alarmStates`` id), ``priority`` (an ``alarmPriorities`` id), ``comment``,
  ``assignedTo.displayName`` and ``reasonForClosing`` answers 202; the module sends only what differs, and nothing
  when nothing does;
* ``GET alarms`` pages with ``page``/``size``; ``include=data`` adds each alarm's data.

States and priorities are given by name (``Closed``, ``High``) or id and resolved through ``alarmStates`` and
``alarmPriorities``, whose lists are the server's own.
"""

from __future__ import annotations

import typing as t
from urllib.parse import quote

from ._errors import ConflictError, InputError, NotFoundError, XProtectError
from ._event_types import api_missing, is_missing_api, resolve_source
from ._ids import is_id, object_id

ALARMS_PATH = 'alarms'
API = 'Alarms REST API'
#: Module option -> PATCH key, and how to read the current value from an alarm.
UPDATABLE = (
    ('state', 'state'),
    ('priority', 'priority'),
    ('assigned_to', 'assignedTo.displayName'),
    ('comment', 'comment'),
    ('reason_for_closing', 'reasonForClosing'),
)

Alarm = t.Dict[str, t.Any]


def _alarms_call(call: t.Callable[[], t.Any], action: str, resource: str = ALARMS_PATH) -> t.Any:
    try:
        return call()
    except XProtectError as error:
        if is_missing_api(error, resource):
            raise api_missing(error, action, resource, API) from None
        raise


def ref_id(value: t.Any) -> str:
    """An id given as a string or as ``{"id": ...}``."""
    if isinstance(value, dict):
        return str(value.get('id') or '')
    return '' if value is None else str(value)


def current_value(alarm: t.Mapping[str, t.Any], key: str) -> str:
    """The alarm's value for a PATCH key (``assignedTo.displayName`` is nested)."""
    if key == 'assignedTo.displayName':
        assigned = alarm.get('assignedTo')
        if isinstance(assigned, dict):
            return str(assigned.get('displayName') or '')
        return str(alarm.get(key) or assigned or '')
    if key in ('state', 'priority'):
        return ref_id(alarm.get(key)).lower()
    return str(alarm.get(key) or '')


# -- states and priorities -------------------------------------------------------------------------------

class Lookups:
    """``alarmStates`` and ``alarmPriorities``, read once when a name has to be resolved."""

    def __init__(self, client: t.Any) -> None:
        self.client = client
        self._lists: dict[str, list[dict[str, t.Any]]] = {}

    def items(self, path: str) -> list[dict[str, t.Any]]:
        if path not in self._lists:
            body = _alarms_call(lambda: self.client.get(path, action=f'list the {path}'), f'list the {path}', path)
            self._lists[path] = list(self.client.envelope(body, 'array', 'GET', path, f'list the {path}'))
        return self._lists[path]

    def resolve(self, path: str, reference: str, label: str) -> dict[str, t.Any]:
        """The item with this id or name (exact first, then ignoring case); the error lists what there is."""
        items = self.items(path)
        wanted = reference.strip()
        for test in (lambda item: ref_id(item).lower() == wanted.lower() or object_id(item).lower() == wanted.lower(),
                     lambda item: wanted in (str(item.get('name', '')), str(item.get('displayName', ''))),
                     lambda item: wanted.casefold() in (str(item.get('name', '')).casefold(), str(item.get('displayName', '')).casefold())):
            found = [item for item in items if test(item)]
            if len(found) == 1:
                return found[0]
            if found:
                raise ConflictError(f"the {label} '{reference}' fits {len(found)} {label}s; give its id", action=f'resolve the {label}')
        names = ', '.join(f"'{item.get('name') or item.get('displayName')}'" for item in items) or 'none'
        raise ConflictError(f"the server has no alarm {label} '{reference}'; its {label}s are: {names}", action=f'resolve the {label}')

    def name_of(self, path: str, ident: str) -> str:
        for item in self._lists.get(path, []):
            if ref_id(item).lower() == ident.lower():
                return str(item.get('name') or item.get('displayName') or ident)
        return ident


def named(alarm: t.Mapping[str, t.Any], key: str, lookups: Lookups) -> str:
    """The name of the alarm's state or priority (the server's own ``stateName``/``priorityName`` when it gives one)."""
    own = alarm.get(f'{key}Name')
    if own:
        return str(own)
    value = alarm.get(key)
    if isinstance(value, dict) and value.get('name'):
        return str(value['name'])
    return lookups.name_of('alarmStates' if key == 'state' else 'alarmPriorities', ref_id(value))


def view(alarm: t.Mapping[str, t.Any], lookups: Lookups) -> dict[str, str]:
    """The updatable fields of an alarm, by name (the module's diff)."""
    return {
        'state': named(alarm, 'state', lookups),
        'priority': named(alarm, 'priority', lookups),
        'assigned_to': current_value(alarm, 'assignedTo.displayName'),
        'comment': current_value(alarm, 'comment'),
        'reason_for_closing': current_value(alarm, 'reasonForClosing'),
    }


# -- the alarm module's job ---------------------------------------------------------------------------------

def check_alarm_input(params: t.Mapping[str, t.Any]) -> None:
    problems = []
    if params.get('id') is not None:
        if not is_id(str(params['id']).strip()):
            problems.append(f"id must be the GUID of an alarm, not '{params['id']}'")
        for option in ('name', 'text', 'source', 'data'):
            if params.get(option) is not None:
                problems.append(f'{option} is only used to raise a new alarm (without id); an existing alarm keeps its {option}')
    else:
        if not str(params.get('name') or '').strip():
            problems.append('name is required to raise a new alarm (or give the id of an existing alarm to update it)')
        for option in ('assigned_to', 'reason_for_closing'):
            if params.get(option) is not None:
                problems.append(f'{option} can only be set on an existing alarm (give id)')
    for option in ('state', 'priority'):
        if params.get(option) is not None and not str(params[option]).strip():
            problems.append(f'{option} is empty; give the name or id of an alarm {option}')
    if problems:
        raise InputError('; '.join(problems))


def raise_alarm(module: t.Any, lookups: Lookups) -> dict[str, t.Any]:
    params = module.params
    client = module.client
    body: dict[str, t.Any] = {'name': params['name'], 'message': params.get('text') or params['name']}
    source = resolve_source(client, str(params['source'])) if params.get('source') is not None else None
    if source is not None:
        body['source'] = source['path']
    for option, path, label in (('priority', 'alarmPriorities', 'priority'), ('state', 'alarmStates', 'state')):
        if params.get(option) is not None:
            body[option] = ref_id(lookups.resolve(path, str(params[option]), label))
    if params.get('data'):
        body['data'] = params['data']
    action = f"raise the alarm '{params['name']}'"
    result: dict[str, t.Any] = {'changed': True, 'request': body, 'diff': {'before': {}, 'after': {'name': params['name']}}}
    if module.check_mode:
        _alarms_call(lambda: client.get(ALARMS_PATH, params=[('page', 0), ('size', 1)], action=action), action)
        result['alarm'] = {}
        return result
    response = _alarms_call(lambda: client.request('POST', ALARMS_PATH, body=body, action=action, expected=(200, 201, 202)), action)
    result['alarm'] = client.envelope(response.body, 'data', 'POST', ALARMS_PATH, action, status=response.status)
    return result


def update_alarm(module: t.Any, lookups: Lookups) -> dict[str, t.Any]:
    params = module.params
    client = module.client
    ident = str(params['id']).strip().lower()
    path = f'{ALARMS_PATH}/{quote(ident, safe="")}'
    action = f'update the alarm {ident}'
    try:
        alarm = _alarms_call(lambda: client.get_data(path, action=f'read the alarm {ident}'), action)
    except NotFoundError as error:
        raise ConflictError(f'there is no alarm with the id {ident}', action=action, status=404, details=error.details) from None
    wanted: dict[str, str] = {}
    for option, key in UPDATABLE:
        value = params.get(option)
        if value is None:
            continue
        if option == 'state':
            value = ref_id(lookups.resolve('alarmStates', str(value), 'state')).lower()
        elif option == 'priority':
            value = ref_id(lookups.resolve('alarmPriorities', str(value), 'priority')).lower()
        if current_value(alarm, key) != str(value):
            wanted[key] = str(value)
    # Names for the diff: both lists are short (and already read when a name was given).
    for lookup in ('alarmStates', 'alarmPriorities'):
        lookups.items(lookup)
    before = view(alarm, lookups)
    body = {key: wanted[key] for _option, key in UPDATABLE if key in wanted}
    predicted = dict(alarm)
    for key, value in body.items():
        if key == 'assignedTo.displayName':
            predicted['assignedTo'] = {'displayName': value}
        elif key in ('state', 'priority'):
            predicted[key] = value
            predicted.pop(f'{key}Name', None)
        else:
            predicted[key] = value
    result: dict[str, t.Any] = {'changed': bool(body), 'request': body, 'diff': {'before': before, 'after': view(predicted, lookups)}}
    if not body or module.check_mode:
        result['alarm'] = predicted if body else alarm
        return result
    response = _alarms_call(lambda: client.request('PATCH', path, body=body, action=action, expected=(200, 202)), action)
    result['alarm'] = client.envelope(response.body, 'data', 'PATCH', path, action, status=response.status)
    return result


def alarm_job(module: t.Any) -> dict[str, t.Any]:
    """The job of the alarm module: raise a new alarm (no id), or bring an existing one (id) to the given values."""
    check_alarm_input(module.params)
    lookups = Lookups(module.client)
    if module.params.get('id') is not None:
        return update_alarm(module, lookups)
    return raise_alarm(module, lookups)


# -- alarm_info ------------------------------------------------------------------------------------------

def info_job(module: t.Any) -> dict[str, t.Any]:
    """The job of alarm_info: alarms by id, or every alarm that passes the filters (all pages)."""
    params = module.params
    client = module.client
    if params.get('id') is not None and not is_id(str(params['id']).strip()):
        raise InputError(f"id must be the GUID of an alarm, not '{params['id']}'")
    include = [('include', 'data')] if params.get('include_data') else []
    action = 'read the alarms'
    if params.get('id') is not None:
        ident = str(params['id']).strip().lower()
        try:
            alarm = _alarms_call(lambda: client.get_data(f'{ALARMS_PATH}/{quote(ident, safe="")}', params=include, action=action), action)
        except NotFoundError:
            return {'changed': False, 'alarms': [], 'count': 0}
        return {'changed': False, 'alarms': [alarm], 'count': 1}
    lookups = Lookups(client)
    filters: list[tuple[str, str]] = []
    exact: dict[str, str] = {}
    if params.get('name') is not None:
        filters.append(('name', quote_filter(params['name'])))
        exact['name'] = str(params['name'])
    for option, path, label in (('state', 'alarmStates', 'state'), ('priority', 'alarmPriorities', 'priority')):
        if params.get(option) is not None:
            ident = ref_id(lookups.resolve(path, str(params[option]), label)).lower()
            filters.append((option, quote_filter(ident)))
            exact[option] = ident
    if params.get('source') is not None:
        source = resolve_source(client, str(params['source']))['path']
        filters.append(('source', quote_filter(source)))
        exact['source'] = source.lower()
    if params.get('modified_since') is not None:
        filters.append(('lastModified', f"gt:{quote_filter(params['modified_since'])}"))
    alarms = _alarms_call(lambda: client.list(ALARMS_PATH, params=filters + include, action=action), action)
    # The filters are sent to the server and applied here again: a server that ignores one still gives the right answer.
    kept = [alarm for alarm in alarms if _passes(alarm, exact, params.get('modified_since'))]
    return {'changed': False, 'alarms': kept, 'count': len(kept)}


def quote_filter(value: t.Any) -> str:
    """A Config API filter operand: ``'text'``."""
    return f"'{value}'"


def _passes(alarm: t.Mapping[str, t.Any], exact: t.Mapping[str, str], modified_since: str | None) -> bool:
    for key, wanted in exact.items():
        if key == 'name':
            if str(alarm.get('name', '')) != wanted:
                return False
        elif key == 'source':
            if ref_id(alarm.get('source')).lower() != wanted and str(alarm.get('source', '')).lower() != wanted:
                return False
        elif current_value(alarm, key) != wanted:
            return False
    return not modified_since or str(alarm.get('lastModified', '')) > str(modified_since)
