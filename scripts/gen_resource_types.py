# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generate ``plugins/module_utils/_resource_types.py`` from Milestone's OpenAPI document.

    python3 scripts/gen_resource_types.py            # write the table
    python3 scripts/gen_resource_types.py --check    # exit 1 when the committed table is out of step

The document (``tests/openapi/xprotect-config-rest-v1.openapi.yaml.gz``) gives paths, verbs, schemas and tasks;
``scripts/resource_type_rules.py`` corrects it where the real API differs and adds what only the prose says.
The output is deterministic (sorted keys, fixed layout), so regenerating an unchanged input gives the same bytes.
Needs PyYAML.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import importlib.util
import json
import os
import re
import sys
import typing as t

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCUMENT = os.path.join(ROOT, 'tests', 'openapi', 'xprotect-config-rest-v1.openapi.yaml.gz')
RULES_FILE = os.path.join(ROOT, 'scripts', 'resource_type_rules.py')
OUTPUT_NAME = 'plugins/module_utils/_resource_types.py'
OUTPUT = os.path.join(ROOT, *OUTPUT_NAME.split('/'))
OUT_OF_STEP = f'{OUTPUT_NAME} is out of step with the OpenAPI document; run python3 scripts/gen_resource_types.py'

#: Lines of the generated file stay below this (the sanity tests allow 160).
LINE_LIMIT = 150

VERBS = ('create', 'delete', 'get', 'list', 'patch', 'put')
#: Query parameters that only the prose documents (docs/xprotect-api.md §2), for types that follow the Config API's conventions.
PROSE_QUERY_ANY = ('definitions', 'noData', 'resources', 'tasks')
PROSE_QUERY_COLLECTION = ('page', 'size')
FIELD_KEYS = ('format', 'read_only', 'reference', 'secret', 'type')
PARAM_KEYS = ('format', 'reference', 'secret', 'type')
REFERENCE_FORMATS = ('bracket', 'guid', 'object', 'slash', 'text')

GUID = r'[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}'
GUID_RE = re.compile(f'^{GUID}$')
BRACKET_RE = re.compile(rf'^([A-Z][A-Za-z]*)\[(?:{GUID}|\d+)\]$')
SLASH_RE = re.compile(rf'^([a-z][A-Za-z]*)/{GUID}$')
EMBEDDED_RE = re.compile(r'\?includeChildren=(\w+)')
TASK_NAME_RE = re.compile(r'task=(\w+)')
TASK_DISPLAY_RE = re.compile(r'^\s*(\w+) - (.+?)\s*$', re.MULTILINE)
SECRET_NAME_RE = re.compile(r'(?i)(password|secret)$')
HTTP_METHODS = ('get', 'put', 'post', 'delete', 'patch')


class DocumentError(Exception):
    """The document or the rules have a shape this generator does not understand."""


def load_document(path: str = DOCUMENT) -> dict:
    loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)  # the C loader when PyYAML has it: the same result, 4x faster
    with gzip.open(path, 'rt', encoding='utf-8') as handle:
        return yaml.load(handle, Loader=loader)  # nosec B506 - a safe loader


def load_rules(path: str = RULES_FILE) -> dict:
    spec = importlib.util.spec_from_file_location('resource_type_rules', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.RULES


# --------------------------------------------------------------------------------------------------------------------
# The document


class Document:
    """Lookups in the OpenAPI document."""

    def __init__(self, document: dict):
        self.raw = document
        self.paths: dict = document['paths']
        self.schemas: dict = document['components']['schemas']
        self.schemas_lower = {name.lower(): name for name in self.schemas}

    def resolve(self, schema: t.Optional[dict]) -> dict:
        seen = set()
        while schema and '$ref' in schema:
            ref = schema['$ref']
            if ref in seen or not ref.startswith('#/components/schemas/'):
                raise DocumentError(f'cannot resolve {ref}')
            seen.add(ref)
            schema = self.schemas[ref.rsplit('/', 1)[1]]
        return schema or {}

    @staticmethod
    def ref_name(schema: t.Optional[dict]) -> t.Optional[str]:
        if schema and '$ref' in schema:
            return schema['$ref'].rsplit('/', 1)[1]
        return None

    def schema_named(self, name: str) -> t.Optional[dict]:
        real = self.schemas_lower.get(name.lower())
        return self.schemas[real] if real else None


def lcfirst(name: str) -> str:
    return name[:1].lower() + name[1:]


def request_body_refs(operation: dict) -> list:
    schema = operation.get('requestBody', {}).get('content', {}).get('application/json', {}).get('schema')
    if not schema:
        return []
    options = schema.get('oneOf', [schema])
    return [option['$ref'].rsplit('/', 1)[1] for option in options if '$ref' in option]


def query_parameters(operation: dict, path_item: dict) -> dict:
    found = {}
    for parameter in list(path_item.get('parameters') or []) + list(operation.get('parameters') or []):
        if parameter.get('in') == 'query':
            found[parameter['name']] = parameter
    return found


def response_schema(operation: dict) -> t.Optional[dict]:
    for status in ('200', '201'):
        response = operation.get('responses', {}).get(status) or {}
        schema = response.get('content', {}).get('application/json', {}).get('schema')
        if schema:
            return schema
    return None


# --------------------------------------------------------------------------------------------------------------------
# Paths: which type lives where


def parse_paths(doc: Document) -> dict:
    """Per type: its root collection/item path items and, per parent type, the collection/item path items under it."""
    types: dict = {}

    def entry(name: str) -> dict:
        return types.setdefault(name, {'root': {'collection': None, 'item': None}, 'parents': {}})

    for raw in sorted(doc.paths):
        path_item = doc.paths[raw]
        segments = raw.strip('/').split('/')
        shape = ['{' if segment.startswith('{') else 'name' for segment in segments]
        if shape == ['name']:
            entry(segments[0])['root']['collection'] = (segments[0], path_item)
        elif shape == ['name', '{']:
            entry(segments[0])['root']['item'] = (f'{segments[0]}/{{id}}', path_item)
        elif shape == ['name', '{', 'name']:
            entry(segments[0])
            parent = entry(segments[2])['parents'].setdefault(segments[0], {'collection': None, 'item': None})
            parent['collection'] = (f'{segments[0]}/{{parent_id}}/{segments[2]}', path_item)
        elif shape == ['name', '{', 'name', '{']:
            entry(segments[0])
            parent = entry(segments[2])['parents'].setdefault(segments[0], {'collection': None, 'item': None})
            parent['item'] = (f'{segments[0]}/{{parent_id}}/{segments[2]}/{{id}}', path_item)
        else:
            raise DocumentError(f'unexpected path shape: {raw}')
    return types


def all_locations(info: dict) -> list:
    """(template, path item, 'collection' or 'item', parent type or None) for every path of a type."""
    locations = []
    for kind in ('collection', 'item'):
        if info['root'][kind]:
            locations.append(info['root'][kind] + (kind, None))
    for parent in sorted(info['parents']):
        for kind in ('collection', 'item'):
            if info['parents'][parent][kind]:
                locations.append(info['parents'][parent][kind] + (kind, parent))
    return locations


def is_task_post(operation: dict, path_item: dict) -> bool:
    return 'task' in query_parameters(operation, path_item)


def creates(operation: dict, path_item: dict) -> bool:
    """A POST on a collection creates (or adds) when it is not a task and its body is not only task bodies."""
    if is_task_post(operation, path_item):
        return False
    refs = request_body_refs(operation)
    return not refs or any(not ref.endswith('_RequestBody') for ref in refs)


def verbs_of(collection: t.Optional[tuple], item: t.Optional[tuple]) -> list:
    verbs = set()
    if collection:
        path_item = collection[1]
        if 'get' in path_item:
            verbs.add('list')
        if 'post' in path_item and creates(path_item['post'], path_item):
            verbs.add('create')
    if item:
        path_item = item[1]
        if 'get' in path_item:
            verbs.add('get')
        for method in ('put', 'patch', 'delete'):
            if method in path_item:
                verbs.add(method)
    return sorted(verbs)


def type_schema(doc: Document, name: str, info: dict) -> t.Optional[str]:
    """The component schema of a type's objects, from its GET answers (``data``, ``array`` items, or the body itself)."""
    found = set()
    for _template, path_item, _kind, _parent in all_locations(info):
        operation = path_item.get('get')
        if not operation:
            continue
        schema = response_schema(operation)
        answer = doc.resolve(schema)
        properties = answer.get('properties', {})
        if 'data' in properties:
            found.add(doc.ref_name(properties['data']))
        elif 'array' in properties:
            found.add(doc.ref_name(properties['array'].get('items')))
        else:
            found.add(doc.ref_name(schema))
    found.discard(None)
    if len(found) > 1:
        raise DocumentError(f'{name}: GET answers use several schemas: {sorted(found)}')
    return found.pop() if found else None


# --------------------------------------------------------------------------------------------------------------------
# Fields and task parameters


def reference_to_type(name: str, known: set) -> list:
    for candidate in (lcfirst(name) + 's', lcfirst(name), lcfirst(name) + 'es'):
        if candidate in known:
            return [candidate]
    return []


def infer_reference(doc: Document, name: str, schema: dict, known: set, examples: t.Sequence[dict] = ()) -> t.Optional[dict]:
    """The reference format of a field, from its schema's shape, format, example and enum values."""
    if name in ('id', 'Id'):
        return None
    target = doc.resolve(schema)
    if target.get('type') == 'array' and 'items' in target:
        target = doc.resolve(target['items'])
    properties = target.get('properties')
    if isinstance(properties, dict) and set(properties) == {'type', 'id'}:
        example = properties['type'].get('example')
        return {'format': 'object', 'types': [example] if example and example != 'any' else []}
    if target.get('type') != 'string':
        return None
    values = []
    for source in (target,) + tuple(doc.resolve(extra) for extra in examples):
        values.extend(value for value in [source.get('example')] + list(source.get('enum') or []) if isinstance(value, str))
    for value in values:
        match = BRACKET_RE.match(value)
        if match:
            return {'format': 'bracket', 'prefix': match.group(1), 'types': reference_to_type(match.group(1), known)}
    for value in values:
        match = SLASH_RE.match(value)
        if match:
            return {'format': 'slash', 'types': [match.group(1)] if match.group(1) in known else []}
    if target.get('format') in ('guid', 'uuid') or any(GUID_RE.match(value) for value in values):
        stem = re.sub(r'(Id|ID)$', '', name)
        return {'format': 'guid', 'types': reference_to_type(stem, known) if stem else []}
    return None


def value_type(doc: Document, schema: dict) -> str:
    target = doc.resolve(schema)
    if target.get('type'):
        return target['type']
    if 'properties' in target or '$ref' in schema:
        return 'object'
    if 'items' in target:
        return 'array'
    raise DocumentError(f'no type in {schema}')


def is_secret(name: str, schema: dict, kind: str) -> bool:
    if schema.get('writeOnly') or schema.get('format') == 'password':
        return True
    return kind == 'string' and bool(SECRET_NAME_RE.search(name))


def field_entry(doc: Document, name: str, schema: dict, known: set) -> dict:
    target = doc.resolve(schema)
    kind = value_type(doc, schema)
    return {
        'format': target.get('format') if kind != 'object' else None,
        'read_only': bool(schema.get('readOnly') or target.get('readOnly')),
        'reference': infer_reference(doc, name, schema, known),
        'secret': is_secret(name, target, kind),
        'type': kind,
    }


def param_entry(doc: Document, name: str, schema: dict, known: set, server_task: t.Optional[dict]) -> dict:
    target = doc.resolve(schema)
    kind = value_type(doc, schema)
    examples = []
    if server_task and name in server_task.get('properties', {}):
        examples.append(server_task['properties'][name])
    return {
        'format': target.get('format') if kind != 'object' else None,
        'reference': infer_reference(doc, name, schema, known, examples),
        'secret': is_secret(name, target, kind),
        'type': kind,
    }


# --------------------------------------------------------------------------------------------------------------------
# Tasks


def task_names(operation: dict, path_item: dict) -> tuple:
    """The task names a POST invokes and their display names."""
    parameter = query_parameters(operation, path_item).get('task')
    if parameter:
        text = parameter.get('description') or ''
        first = text.split('\n', 1)[0]
        names = TASK_NAME_RE.findall(first) or [parameter.get('schema', {}).get('example')]
    else:
        text = ''
        names = TASK_NAME_RE.findall(operation.get('summary') or '')
    displays = dict(TASK_DISPLAY_RE.findall(text))
    return [name for name in names if name], displays


def collect_tasks(doc: Document, name: str, info: dict, known: set) -> dict:
    tasks: dict = {}
    for template, path_item, kind, _parent in all_locations(info):
        operation = path_item.get('post')
        if not operation:
            continue
        names, displays = task_names(operation, path_item)
        if not names:
            continue
        bodies = [ref for ref in request_body_refs(operation) if ref.endswith('_RequestBody')]
        by_name = {ref[:-len('_RequestBody')].lower(): ref for ref in bodies}
        unmatched_bodies = [ref for ref in bodies if ref[:-len('_RequestBody')].lower() not in {n.lower() for n in names}]
        for task in names:
            body = by_name.get(task.lower())
            if body is None and len(names) == 1 and len(unmatched_bodies) == 1:
                body = unmatched_bodies[0]
            server_task = doc.schema_named(lcfirst(task) + 'ServerTask')
            params = {}
            if body:
                for param, schema in sorted(doc.schemas[body].get('properties', {}).items()):
                    params[param] = param_entry(doc, param, schema, known, server_task)
            display = displays.get(task) or (server_task or {}).get('description')
            if display:
                display = display.split('. ', 1)[0].rstrip('.') if len(display) > 100 and '. ' in display else display
            entry = tasks.get(task)
            if entry is None:
                tasks[task] = {'display_name': display, 'on': kind, 'params': params, 'paths': [template]}
                continue
            if entry['on'] != kind:
                raise DocumentError(f'{name}.{task} is invoked on a collection in one path and on an item in another')
            for param, spec in params.items():
                if entry['params'].setdefault(param, spec) != spec:
                    raise DocumentError(f'{name}.{task}.{param} differs between paths')
            entry['paths'] = sorted(set(entry['paths']) | {template})
            entry['display_name'] = entry['display_name'] or display
    for task in tasks.values():
        task['secret_result'] = any(param['secret'] for param in task['params'].values())
        task['since'] = None
    return tasks


# --------------------------------------------------------------------------------------------------------------------
# The table


def conventional(info: dict) -> bool:
    """Whether a type's GETs come from the config API's generator (getAll..., get...ById, getOne...), whose prose
    query parameters apply; the newer security and service endpoints use their own operation names (``x_get``)."""
    operation_ids = [path_item['get'].get('operationId', '') for _t, path_item, _k, _p in all_locations(info) if 'get' in path_item]
    return bool(operation_ids) and all('_' not in operation_id for operation_id in operation_ids)


def build_type(doc: Document, name: str, info: dict, known: set) -> dict:
    root = info['root']
    schema_name = type_schema(doc, name, info)
    properties = doc.schemas[schema_name].get('properties', {}) if schema_name else {}
    fields = {field: field_entry(doc, field, schema, known) for field, schema in sorted(properties.items())}
    embedded = sorted({match for schema in properties.values() for match in EMBEDDED_RE.findall(schema.get('description') or '')})

    root_get = any(root[kind] and 'get' in root[kind][1] for kind in ('collection', 'item'))
    parents = []
    for parent in sorted(info['parents']):
        where = info['parents'][parent]
        collection, item = where['collection'], where['item']
        membership = bool(collection and 'post' in collection[1]
                          and request_body_refs(collection[1]['post']) == ['itemSelectionRequest'])
        parents.append({
            'collection': collection[0] if collection else None,
            'item': item[0] if item else None,
            'membership': membership,
            'type': parent,
            'verbs': verbs_of(collection, item),
        })

    query = set()
    for _template, path_item, _kind, _parent in all_locations(info):
        if 'get' in path_item:
            query.update(query_parameters(path_item['get'], path_item))
    if conventional(info):
        query.update(PROSE_QUERY_ANY)
        if root['collection'] and 'get' in root['collection'][1]:
            query.update(PROSE_QUERY_COLLECTION)
    if embedded:
        query.add('includeChildren')

    notes = []
    if root['item'] and not root_get:
        notes.append(f'At the root only tasks are invoked: POST {root["item"][0]}?task=<name>.')

    identity = 'name' if 'name' in fields else 'Name' if 'Name' in fields else None
    return {
        'children': [],
        'collection': root['collection'][0] if root['collection'] else None,
        'create_only': [],
        'embedded': embedded,
        'fields': fields,
        'identity': identity,
        'item': root['item'][0] if root['item'] else None,
        'notes': notes,
        'parents': parents,
        'query': sorted(query),
        'same_id_as': [],
        'schema': schema_name,
        'scope': 'top' if root_get else 'child',
        'since': None,
        'tasks': collect_tasks(doc, name, info, known),
        'verbs': verbs_of(root['collection'], root['item']),
    }


def check_reference(where: str, reference: t.Optional[dict]) -> None:
    if reference is None:
        return
    if reference.get('format') not in REFERENCE_FORMATS or not isinstance(reference.get('types'), list):
        raise DocumentError(f'{where}: a reference needs a format from {REFERENCE_FORMATS} and a list of types')
    allowed = {'format', 'types', 'prefix'} if reference['format'] == 'bracket' else {'format', 'types'}
    if set(reference) - allowed:
        raise DocumentError(f'{where}: unknown reference keys {sorted(set(reference) - allowed)}')


def override(where: str, target: dict, changes: dict, allowed: t.Sequence[str]) -> None:
    for key, value in changes.items():
        if key not in allowed:
            raise DocumentError(f'{where}: unknown key {key!r}')
        if key == 'reference':
            check_reference(f'{where}.reference', value)
        target[key] = copy.deepcopy(value)


TYPE_RULE_KEYS = ('create_only', 'fields', 'identity', 'notes', 'query_add', 'query_remove', 'replace_fields', 'scope', 'since', 'tasks')


def apply_rules(table: dict, rules: dict) -> None:
    for name, entry in table.items():
        for field, changes in rules.get('all_types', {}).get('fields', {}).items():
            if field in entry['fields']:
                override(f'all_types.{field}', entry['fields'][field], changes, FIELD_KEYS)
    for name in sorted(rules.get('types', {})):
        rule = rules['types'][name]
        if name not in table:
            raise DocumentError(f'rules name an unknown type: {name}')
        entry = table[name]
        unknown = set(rule) - set(TYPE_RULE_KEYS)
        if unknown:
            raise DocumentError(f'{name}: unknown rule keys {sorted(unknown)}')
        if 'replace_fields' in rule:
            entry['fields'] = {}
            for field, spec in rule['replace_fields'].items():
                if sorted(spec) != sorted(FIELD_KEYS):
                    raise DocumentError(f'{name}.{field}: a replaced field needs exactly {FIELD_KEYS}')
                check_reference(f'{name}.{field}', spec['reference'])
                entry['fields'][field] = copy.deepcopy(spec)
        for field, changes in rule.get('fields', {}).items():
            if field not in entry['fields']:
                raise DocumentError(f'rules name an unknown field: {name}.{field}')
            override(f'{name}.{field}', entry['fields'][field], changes, FIELD_KEYS)
        for task, changes in rule.get('tasks', {}).items():
            if task not in entry['tasks']:
                raise DocumentError(f'rules name an unknown task: {name}.{task}')
            for key, value in changes.items():
                if key == 'params':
                    for param, param_changes in value.items():
                        if param not in entry['tasks'][task]['params']:
                            raise DocumentError(f'rules name an unknown task parameter: {name}.{task}.{param}')
                        override(f'{name}.{task}.{param}', entry['tasks'][task]['params'][param], param_changes, PARAM_KEYS)
                elif key in ('since', 'secret_result'):
                    entry['tasks'][task][key] = value
                else:
                    raise DocumentError(f'{name}.{task}: unknown key {key!r}')
        for field in rule.get('create_only', []):
            if field not in entry['fields']:
                raise DocumentError(f'rules name an unknown field: {name}.{field}')
        entry['create_only'] = sorted(set(entry['create_only']) | set(rule.get('create_only', [])))
        for key in ('scope', 'identity', 'since'):
            if key in rule:
                entry[key] = rule[key]
        entry['query'] = sorted((set(entry['query']) | set(rule.get('query_add', []))) - set(rule.get('query_remove', [])))
        entry['notes'] = entry['notes'] + list(rule.get('notes', []))


def finish(doc: Document, table: dict) -> None:
    """What depends on the whole table: children, and what a singleton's scope implies."""
    for name, entry in table.items():
        for parent in entry['parents']:
            table[parent['type']]['children'].append(name)
    for name, entry in table.items():
        entry['children'] = sorted(set(entry['children']))
        if entry['scope'] not in ('top', 'child', 'singleton'):
            raise DocumentError(f'{name}: unknown scope {entry["scope"]!r}')
        if entry['scope'] == 'singleton':
            if entry['collection'] or not entry['item']:
                raise DocumentError(f'{name}: a singleton has an item path and no collection')
            same = {parent['type'] for parent in entry['parents']}
            if not same and entry['schema']:
                relations = doc.schemas[entry['schema']].get('properties', {}).get('relations', {})
                example = relations.get('properties', {}).get('parent', {}).get('properties', {}).get('type', {}).get('example')
                same = {example} if example else set()
            entry['same_id_as'] = sorted(same)
            entry['identity'] = None


def build(document: dict, rules: dict) -> dict:
    doc = Document(document)
    locations = parse_paths(doc)
    known = set(locations)
    table = {name: build_type(doc, name, locations[name], known) for name in sorted(locations)}
    apply_rules(table, rules)
    finish(doc, table)
    for name, entry in table.items():
        for where, ref in [(f'{name}.{f}', spec['reference']) for f, spec in entry['fields'].items()]:
            check_reference(where, ref)
        if set(entry['verbs']) - set(VERBS):
            raise DocumentError(f'{name}: unknown verbs')
    deviations = tuple(rules['api_deviations'])
    operators = tuple(rules['filter_operators'])
    for text in deviations + tuple(note for entry in table.values() for note in entry['notes']):
        if not text.isascii():
            raise DocumentError(f'rules must be ASCII: {text!r}')
    top_level = sorted({path.strip('/').split('/')[0] for path in doc.paths})
    return {
        'api_deviations': deviations,
        'filter_operators': operators,
        'resource_types': table,
        'document': {
            'file': 'tests/openapi/xprotect-config-rest-v1.openapi.yaml.gz',
            'openapi': str(document.get('openapi')),
            'paths': len(doc.paths),
            'title': document['info']['title'],
            'top_level_types': len(top_level),
            'version': str(document['info']['version']),
        },
    }


# --------------------------------------------------------------------------------------------------------------------
# Rendering


def inline(value: t.Any) -> str:
    if isinstance(value, dict):
        return '{' + ', '.join(f'{inline(key)}: {inline(value[key])}' for key in sorted(value)) + '}'
    if isinstance(value, list):
        return '[' + ', '.join(inline(item) for item in value) + ']'
    if isinstance(value, tuple):
        if len(value) == 1:
            return '(' + inline(value[0]) + ',)'
        return '(' + ', '.join(inline(item) for item in value) + ')'
    if isinstance(value, str):
        return ascii(value)
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    raise TypeError(f'cannot render {type(value).__name__}')


def split_string(value: str, column: int) -> str:
    """A long string as implicitly concatenated pieces in parentheses, the first piece at ``column``."""
    width = LINE_LIMIT - column - 3
    pieces, current = [], ''
    for word in re.split(r'(?<= )', value):
        if current and len(ascii(current + word)) > width:
            pieces.append(current)
            current = ''
        current += word
    pieces.append(current)
    return '(' + ('\n' + ' ' * (column + 1)).join(ascii(piece) for piece in pieces) + ')'


def block(value: t.Any, indent: int, column: int) -> str:
    """``value`` as Python source starting at ``column`` of a line indented by ``indent``; nested blocks indent by 4."""
    text = inline(value)
    if column + len(text) + 1 <= LINE_LIMIT:
        return text
    inner = ' ' * (indent + 4)
    if isinstance(value, str):
        return split_string(value, column)
    if isinstance(value, dict):
        lines = ['{']
        for key in sorted(value):
            head = f'{inner}{inline(key)}: '
            lines.append(head + block(value[key], indent + 4, len(head)) + ',')
        return '\n'.join(lines) + '\n' + ' ' * indent + '}'
    if isinstance(value, (list, tuple)):
        opening, closing = ('[', ']') if isinstance(value, list) else ('(', ')')
        lines = [opening]
        for item in value:
            lines.append(inner + block(item, indent + 4, len(inner)) + ',')
        return '\n'.join(lines) + '\n' + ' ' * indent + closing
    return text


def json_block(head: str, value: t.Any) -> str:
    """``head = json.loads(...)`` with ``value`` as JSON text, one JSON line per source line (long ones split).

    A module imports JSON text about ten times faster than the same data as a Python literal, which zipimport
    compiles again on every module run (AnsiballZ keeps no bytecode).
    """
    lines = []
    for line in json.dumps(value, indent=1, sort_keys=True, ensure_ascii=True).split('\n'):
        text = line + '\n'
        width = LINE_LIMIT - 4 - 4
        while len(ascii(text)) > width:
            cut = width - 4
            while len(ascii(text[:cut])) > width:
                cut -= 8
            lines.append('    ' + ascii(text[:cut]))
            text = text[cut:]
        lines.append('    ' + ascii(text))
    return f'{head} = json.loads(\n' + '\n'.join(lines) + '\n)'


HEADER = '''\
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# GENERATED FILE, DO NOT EDIT. Made by scripts/gen_resource_types.py from {file}
# and scripts/resource_type_rules.py; regenerate with: python3 scripts/gen_resource_types.py
"""Resource types of the XProtect RESTful Config API (``/api/rest/v1``), generated from Milestone's OpenAPI document.

Source: "{title}" {version} (OpenAPI {openapi}, {paths} paths, {top_level_types} top-level types), corrected by the
rules in ``scripts/resource_type_rules.py`` where the real API differs (see docs/resource-types.md).

``RESOURCE_TYPES`` maps a type, spelled as in paths, to:

- ``scope``: ``top`` (GET at the root), ``child`` (only under a parent) or ``singleton`` (one object per parent,
  addressed by the parent's id, listed in ``same_id_as``);
- ``collection``/``item``: root path templates (``None`` if absent); ``parents``: where the type appears under
  other types, with path templates (``{{parent_id}}``, ``{{id}}``), ``verbs`` there and ``membership`` (the POST
  adds an existing object by ``{{type, id}}`` instead of creating one);
- ``verbs``: at the root paths (list, get, create, put, patch, delete);
- ``identity``: the naming field; ``create_only``: read-only fields that the create body carries;
- ``fields``: ``type``, ``format``, ``read_only``, ``secret`` and ``reference`` (``None`` or ``format`` object,
  bracket (with ``prefix``), slash, guid or text, and the ``types`` it points at; for an array, its items);
  enum values are never listed (they are a test system's samples);
- ``tasks``: ``on`` item or collection, the ``paths`` to POST ``?task=<name>`` to, ``params`` (``type``,
  ``format``, ``secret``, ``reference``), ``display_name``, ``secret_result`` (the result holds a secret) and
  ``since``;
- ``children``, ``embedded`` (children that ``?includeChildren=`` embeds), ``query`` (supported query
  parameters), ``schema`` (the document's schema name), ``since`` and ``notes`` (how the real API differs).
"""

from __future__ import annotations

import json
import typing as t

'''


def render(document: dict, rules: t.Optional[dict] = None) -> str:
    """The text of ``plugins/module_utils/_resource_types.py`` for a parsed document."""
    result = build(document, load_rules() if rules is None else rules)
    meta = result['document']
    parts = [HEADER.format(**meta)]
    parts.append('#: The document the table was generated from.\n')
    parts.append('DOCUMENT: t.Dict[str, t.Any] = ' + block(meta, 0, len('DOCUMENT: t.Dict[str, t.Any] = ')) + '\n\n')
    parts.append('#: Resource types by name, as spelled in paths.\n')
    parts.append(json_block('RESOURCE_TYPES: t.Dict[str, t.Dict[str, t.Any]]', result['resource_types']) + '\n\n')
    parts.append('#: Deviations of the real API from the document that hold for every type.\n')
    head = 'API_DEVIATIONS: t.Tuple[str, ...] = '
    parts.append(head + block(result['api_deviations'], 0, len(head)) + '\n\n')
    parts.append("#: Filter operators for list queries (?field=op:'value'; '' is the exact match), documented in prose only.\n")
    head = 'FILTER_OPERATORS: t.Tuple[str, ...] = '
    parts.append(head + block(result['filter_operators'], 0, len(head)) + '\n')
    text = ''.join(parts)
    if not text.isascii():
        raise DocumentError('the generated table must be ASCII')
    return text


FRAGMENT_NAME = 'plugins/doc_fragments/resource_types.py'
FRAGMENT = os.path.join(ROOT, *FRAGMENT_NAME.split('/'))
FRAGMENT_OUT_OF_STEP = f'{FRAGMENT_NAME} is out of step with the OpenAPI document; run python3 scripts/gen_resource_types.py'
VERBS = ('list', 'get', 'create', 'patch', 'put', 'delete')
FRAGMENT_HEAD = '''# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Generated by scripts/gen_resource_types.py from Milestone's OpenAPI document; do not edit.

from __future__ import annotations


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """The resource types of the XProtect Config API, for the generic resource modules."""

    DOCUMENTATION = r"""
options: {}
notes:
'''


def render_fragment(table: dict) -> str:
    """The doc fragment of the generic modules: every type of the table, its place and its verbs (ansible-doc shows it)."""
    lines = [f"The types of the XProtect Config API ({len(table)}, from Milestone's OpenAPI document), each with the verbs the API "
             'offers at its root and under its parents (list, get, create, patch, put, delete) and the number of its tasks:']
    for name in sorted(table, key=str.lower):
        entry = table[name]
        verbs = [verb for verb in VERBS if verb in entry['verbs']]
        where = [f"under {parent['type']}: {', '.join(verb for verb in VERBS if verb in parent['verbs'])}"
                 for parent in entry['parents'] if parent['verbs']]
        scope = {'top': '', 'child': 'child collection; ', 'singleton': "one per owner, addressed by the owner's id; "}[entry['scope']]
        text = f"C({name}): {scope}{', '.join(verbs) if verbs else 'no root verbs'}"
        if where:
            text += '; ' + '; '.join(where)
        if entry['tasks']:
            text += f"; {len(entry['tasks'])} task{'s' if len(entry['tasks']) != 1 else ''}"
        lines.append(text + '.')
    return FRAGMENT_HEAD + ''.join(yaml_item(line) for line in lines) + '"""\n'


def yaml_item(text: str, width: int = 120) -> str:
    """A YAML list item holding ``text`` as a double-quoted scalar folded over lines of at most about ``width`` columns."""
    words = json.dumps(text)[1:-1].split(' ')
    lines, current = [], '  - "'
    for word in words:
        if len(current) + len(word) + 1 > width and current.strip() not in ('- "', ''):
            lines.append(current)
            current = '    ' + word
        else:
            current = current + ('' if current.endswith('"') and current.strip() == '- "' else ' ') + word
    lines.append(current + '"')
    return '\n'.join(lines) + '\n'


def outputs() -> list:
    document = load_document()
    table = build(document, load_rules())['resource_types']
    return [(OUTPUT, OUTPUT_NAME, OUT_OF_STEP, render(document)), (FRAGMENT, FRAGMENT_NAME, FRAGMENT_OUT_OF_STEP, render_fragment(table))]


def main(argv: t.Optional[t.Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--check', action='store_true', help='exit 1 when the committed files differ from what would be written')
    args = parser.parse_args(argv)
    status = 0
    for path, name, out_of_step, text in outputs():
        if args.check:
            try:
                with open(path, encoding='utf-8', newline='') as handle:
                    current = handle.read()
            except FileNotFoundError:
                current = None
            if current != text:
                print(out_of_step, file=sys.stderr)
                status = 1
            continue
        with open(path, 'w', encoding='utf-8', newline='\n') as handle:
            handle.write(text)
        print(f'wrote {name}')
    return status


if __name__ == '__main__':
    sys.exit(main())
