# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Definitions in the shapes servers answer them, values coerced by valueType, stream usage planned by the API's rules."""

from __future__ import annotations

import pytest

from ansible_collections.milestone.xprotect.plugins.module_utils._settings import (
    RECORD_TRACKS,
    Definition,
    InputError,
    Refused,
    UsageEntry,
    Wanted,
    check_wanted,
    coerce,
    current_form,
    plan_usage,
    request_from_params,
    wire_form,
)
from ansible_collections.milestone.xprotect.plugins.modules.device_settings import ARGUMENT_SPEC

PRIMARY = RECORD_TRACKS['primary']


def test_definitions_in_the_documented_prose_form_and_the_simulator_form_mean_the_same():
    # OAS prose: strings everywhere, capitalised keys, options as a map
    prose = Definition.parse('brightness', {'canSet': 'true', 'valueType': 'slider', 'MinValue': '0', 'MaxValue': '100', 'StepValue': '5'})
    plain = Definition.parse('brightness', {'canSet': True, 'valueType': 'slider', 'minValue': 0, 'maxValue': 100, 'stepValue': 5})
    assert prose == plain and (prose.minimum, prose.maximum, prose.step) == (0.0, 100.0, 5.0)
    listed = Definition.parse('codec', {'canSet': 'false', 'valueType': 'enum', 'options': [{'value': 'MJPEG', 'displayName': 'Motion JPEG'}]})
    mapped = Definition.parse('codec', {'canSet': False, 'valueType': 'enum', 'options': {'MJPEG': 'Motion JPEG'}})
    assert listed == mapped and listed.can_set is False


@pytest.mark.parametrize('definition, given, wanted', [
    ({'valueType': 'enum', 'options': {'MJPEG': 'Motion JPEG', 'H264': 'H.264'}}, 'Motion JPEG', 'MJPEG'),
    ({'valueType': 'enum', 'options': {'MJPEG': 'Motion JPEG', 'H264': 'H.264'}}, 'h.264', 'H264'),
    ({'valueType': 'enum', 'options': {'5': '5', '6.25': '6.25'}}, 6.25, '6.25'),
    ({'valueType': 'enum', 'options': {'180': '180'}}, 180, '180'),
    ({'valueType': 'int', 'minValue': '1', 'maxValue': '10'}, '7', 7.0),
    ({'valueType': 'double', 'minValue': '1', 'maxValue': '30'}, '12.5', 12.5),
    ({'valueType': 'bool'}, 'yes', True),
])
def test_values_are_coerced_by_value_type(definition, given, wanted):
    assert coerce(Definition.parse('x', definition), given) == wanted


@pytest.mark.parametrize('definition, given, reason', [
    ({'valueType': 'enum', 'options': {'1': '1', '5': '5'}}, 6, 'not one of the options'),
    ({'valueType': 'int', 'minValue': '1', 'maxValue': '10'}, 11, 'out of range'),
    ({'valueType': 'int'}, 2.5, 'not a whole number'),
    ({'valueType': 'slider', 'minValue': '0', 'maxValue': '100', 'stepValue': '5'}, 52, 'off the step'),
    ({'valueType': 'double'}, 'fast', 'not a number'),
    ({'valueType': 'bool'}, 'maybe', 'not true or false'),
])
def test_values_a_definition_refuses(definition, given, reason):
    with pytest.raises(Refused, match=reason):
        coerce(Definition.parse('x', definition), given)


def test_the_current_value_compares_equal_whatever_its_spelling_and_is_written_back_in_it():
    double = Definition.parse('FPS', {'valueType': 'double'})
    assert current_form(double, '6.0') == coerce(double, 6) == coerce(double, '6')
    assert wire_form(double, 6.0, '30') == '6' and wire_form(double, 6.0, 30) == 6.0
    flag = Definition.parse('includeDate', {'valueType': 'bool'})
    assert wire_form(flag, True, 'False') == 'True' and wire_form(flag, True, 'false') == 'true' and wire_form(flag, True, False) is True


def test_a_device_without_the_setting_or_the_stream_is_reported_with_what_it_has():
    data = {'generalSettings': [{'displayName': 'General', 'brightness': '50'}],
            'stream': [{'displayName': 'Video stream 1', 'streamReferenceId': 'A', 'FPS': '30'}]}
    definitions = {'generalSettings': [{'brightness': {'valueType': 'slider', 'minValue': '0', 'maxValue': '100'}}],
                   'stream': [{'FPS': {'valueType': 'enum', 'options': {'1': '1', '5': '5', '30': '30'}}}]}
    check = check_wanted(Wanted({'brightnes': 1}, [('Video stream 1', {'FPS': 6}), ('Video stream 9', {'FPS': 5})], None), data, definitions)
    problems = {problem.setting: problem for problem in check.problems}
    assert 'did you mean brightness' in problems['general.brightnes'].reason
    assert problems['streams[Video stream 1].FPS'].offered == ['1', '5', '30'] and 'closest: "5" or "30"' in problems['streams[Video stream 1].FPS'].reason
    assert problems['streams[Video stream 9].FPS'].kind == 'unknown' and problems['streams[Video stream 9].FPS'].offered == ['Video stream 1']


def test_stream_usage_single_choices_move_to_the_stream_given_them():
    current = [{'streamReferenceId': 'A', 'name': 'Video stream 1', 'liveMode': 'WhenNeeded', 'liveDefault': True, 'recordTo': PRIMARY,
                'defaultPlayback': True, 'useEdge': False}]
    planned, problems = plan_usage(current, [(UsageEntry('Video stream 1', name='Recording'), 'A', 'Video stream 1'),
                                             (UsageEntry('Video stream 2', live_default=True, live_mode='Always'), 'B', 'Video stream 2')])
    assert problems == []
    assert [(entry['name'], entry['liveDefault'], entry['recordTo'], entry['defaultPlayback']) for entry in planned] == [
        ('Recording', False, PRIMARY, True), ('Video stream 2', True, '', False)]
    _planned, problems = plan_usage(current, [(UsageEntry('Video stream 2'), 'B', 'Video stream 2')])
    assert any('default live stream' in problem for problem in problems) and any('primary recording' in problem for problem in problems)


def _params(**given):
    params = {name: spec.get('default') for name, spec in ARGUMENT_SPEC.items()}
    params.update(given)
    return params


def test_items_give_each_device_its_own_settings_and_share_checks_when_they_ask_the_same():
    wanted, items, dtype, _tolerance = request_from_params(_params(items=[
        {'device': 'Lobby 0001', 'general': {'brightness': 60}},
        {'device': {'id': 'a8a8b9dc-3995-49ed-9b00-62caac2ce74a'}, 'streams': [{'stream': 'Video stream 1', 'settings': {'FPS': 6}}]},
        {'device': 'Lobby 0003', 'general': {'brightness': 60}}]))
    assert dtype.option == 'cameras' and wanted == Wanted({}, [], None)
    assert [item.reference for item in items] == ['Lobby 0001', 'a8a8b9dc-3995-49ed-9b00-62caac2ce74a', 'Lobby 0003']
    assert items[0].wanted.general == {'brightness': 60} and items[1].wanted.streams == [('Video stream 1', {'FPS': 6})]
    assert items[0].key == items[2].key != items[1].key


@pytest.mark.parametrize('given, expected', [
    ({'items': []}, 'items is empty'),
    ({'items': ['Lobby 0001']}, 'items[0] must be a dictionary with device'),
    ({'items': [{'device': '', 'general': {'a': 1}}]}, 'items[0].device must be the id or exact name of a camera'),
    ({'items': [{'device': 'A', 'general': {'a': 1}, 'colour': 'red'}]}, 'items[0] has unknown key(s) colour'),
    ({'items': [{'device': 'A', 'general': {'a': 1}}, {'device': 'A', 'general': {'a': 2}}]}, 'items[1]: the camera "A" is also items[0]'),
    ({'items': [{'device': 'A'}]}, 'give at least one of items[0].general, items[0].streams and items[0].stream_usage'),
    ({'items': [{'device': 'A', 'streams': []}]}, 'items[0].streams is an empty list'),
    ({'items': [{'device': 'A', 'stream_usage': [{'stream': 'x', 'record': 'primary'}]}], 'device_type': 'microphones'},
     'items[0].stream_usage is for cameras'),
    ({'items': [{'device': 'A', 'general': {'a': 1}}], 'general': {'b': 2}}, 'general cannot be given beside it'),
])
def test_items_refused_with_the_entry_named(given, expected):
    with pytest.raises(InputError) as raised:
        request_from_params(_params(**given))
    assert expected in str(raised.value)
