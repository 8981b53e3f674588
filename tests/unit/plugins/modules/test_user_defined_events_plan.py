# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired-state logic of user-defined events (module_utils/_events.py), without any HTTP."""

from __future__ import annotations

import pytest

from ansible_collections.milestone.xprotect.plugins.module_utils._events import (
    EventConflictError,
    EventInputError,
    Progress,
    check_name,
    one_diff,
    parse_entries,
    partial_result,
    plan_one,
    plan_set,
    set_diff,
    set_result,
)

SYSTEM_ID = '85867627-b287-4439-9e55-a63701e1715b'
# Ids that go through parse_entries must be GUIDs (as the API's are); the plan-only tests keep short ids.
E1 = '00000000-0000-4000-8000-0000000000e1'
E2 = '00000000-0000-4000-8000-0000000000e2'


def event(ident, name, subtype='UserDefined', created='2026-01-01T00:00:00.0000000Z'):
    return {'id': ident, 'name': name, 'displayName': name, 'subtype': subtype, 'createdDate': created,
            'relations': {'self': {'type': 'userDefinedEvents', 'id': ident}}}


SYSTEM = event(SYSTEM_ID, 'RequestStartRecording', 'System')


def plan(existing, raw, state='present', purge=False):
    return plan_set(existing, parse_entries(raw, state, purge), state=state, purge=purge)


# -- input validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize('raw, message', [
    ([''], 'events[0] is empty'),
    (['ok', '   '], 'events[1] "   " consists of whitespace only'),
    ([42], 'events[0] must be a string, not int 42'),
    ([True], 'must be a string, not bool'),
    (['A', 'B', 'A'], 'events lists "A" more than once'),
    ([{'previous_name': 'A'}], 'events[0] has no name'),
    ([{'name': 'A', 'color': 'red'}], 'unknown key(s) color'),
    ([{'name': 'A', 'previous_name': 'A'}], 'previous_name is the same as name'),
    ([{'name': 'A', 'previous_name': 'B', 'id': 'x'}], 'gives both previous_name and id'),
    ([{'name': 'A', 'previous_name': 'Z'}, {'name': 'B', 'previous_name': 'Z'}], 'previous_name "Z" is given for more than one event'),
    ([{'name': 'A', 'id': E1.upper()}, {'name': 'B', 'id': E1}], f'the id(s) {E1} are given for more than one event'),
    ([{'name': 'A', 'id': 'e1'}], "events[0].id must be the id of an existing event, a GUID such as"),
    ([{'name': 'B', 'previous_name': 'A'}, 'A'], 'previous_name "A" is also listed'),
    ([{'name': 'A', 'id': ''}], 'events[0].id must be the id of an existing event'),
    ([{'name': ''}], 'events[0].name is empty'),
])
def test_bad_input_is_refused_with_the_item_named(raw, message):
    with pytest.raises(EventInputError) as caught:
        parse_entries(raw, 'present')
    assert message in str(caught.value)


def test_renames_and_purge_only_work_with_state_present():
    with pytest.raises(EventInputError, match='only work with state=present'):
        parse_entries([{'name': 'A', 'previous_name': 'B'}], 'absent')
    with pytest.raises(EventInputError, match='purge=true only works with state=present'):
        parse_entries(['A'], 'absent', purge=True)


def test_names_are_kept_exactly_never_stripped():
    assert check_name(' Door forced ', 'name') == ' Door forced '
    entries = parse_entries([' A', 'A', 'a', 'Ünïcødé ✓'], 'present')
    assert [entry.name for entry in entries] == [' A', 'A', 'a', 'Ünïcødé ✓']


# -- one event ------------------------------------------------------------------------------------------

def test_one_event_is_created_when_missing_and_left_alone_when_present():
    created = plan_one([SYSTEM], name='Door', wanted_id=None, state='present')
    assert (created.action, created.name) == ('create', 'Door')
    assert one_diff(created) == {'before': {}, 'after': {'name': 'Door'}}
    kept = plan_one([SYSTEM, event('e1', 'Door')], name='Door', wanted_id=None, state='present')
    assert kept.action == 'none' and kept.obj['id'] == 'e1'
    assert one_diff(kept)['before'] == one_diff(kept)['after'] == {'name': 'Door', 'id': 'e1'}


def test_names_are_compared_exactly_and_a_near_miss_is_warned_about():
    result = plan_one([event('e1', 'Door Forced')], name='Door forced', wanted_id=None, state='present')
    assert result.action == 'create'
    assert any('beside the existing event "Door Forced"' in warning for warning in result.warnings)
    spaced = plan_one([], name='Door ', wanted_id=None, state='present')
    assert any('leading or trailing whitespace' in warning for warning in spaced.warnings)


def test_one_event_with_a_shared_name_is_an_error_listing_the_ids():
    existing = [event('e2', 'Door'), event('e1', 'Door')]
    for state in ('present', 'absent'):
        with pytest.raises(EventConflictError) as caught:
            plan_one(existing, name='Door', wanted_id=None, state=state)
        assert '2 events are named "Door" (ids e1, e2)' in str(caught.value)
        assert 'Give id' in str(caught.value)


def test_an_event_given_by_id_is_renamed_unless_the_name_is_taken():
    existing = [event('e1', 'Old'), event('e2', 'Taken')]
    renamed = plan_one(existing, name='New', wanted_id='E1', state='present')
    assert (renamed.action, renamed.obj['id'], renamed.name) == ('rename', 'e1', 'New')
    assert one_diff(renamed) == {'before': {'name': 'Old', 'id': 'e1'}, 'after': {'name': 'New', 'id': 'e1'}}
    with pytest.raises(EventConflictError, match='already have that name'):
        plan_one(existing, name='Taken', wanted_id='e1', state='present')
    with pytest.raises(EventConflictError, match='No event has the id nope. An id cannot be chosen'):
        plan_one(existing, name='New', wanted_id='nope', state='present')
    assert plan_one(existing, name=None, wanted_id='e2', state='present').action == 'none'


def test_system_events_are_never_renamed_or_deleted():
    with pytest.raises(EventConflictError, match='built-in System event; XProtect does not allow to rename it'):
        plan_one([SYSTEM], name='Start', wanted_id=SYSTEM_ID, state='present')
    with pytest.raises(EventConflictError, match='does not allow to delete it'):
        plan_one([SYSTEM], name='RequestStartRecording', wanted_id=None, state='absent')
    # Known System ids stay protected even if a server leaves the subtype out.
    bare = {'id': SYSTEM_ID.upper(), 'name': 'RequestStartRecording'}
    with pytest.raises(EventConflictError):
        plan_one([bare], name=None, wanted_id=SYSTEM_ID, state='absent')


def test_absent_by_id_checks_the_name_when_given():
    existing = [event('e1', 'Door')]
    assert plan_one(existing, name=None, wanted_id='e1', state='absent').action == 'delete'
    assert plan_one(existing, name='Door', wanted_id='e1', state='absent').action == 'delete'
    with pytest.raises(EventConflictError, match='is named "Door", not "Window"; nothing was deleted'):
        plan_one(existing, name='Window', wanted_id='e1', state='absent')
    missing = plan_one(existing, name=None, wanted_id='e9', state='absent')
    assert missing.action == 'none' and one_diff(missing) == {'before': {}, 'after': {}}


# -- a set of events ------------------------------------------------------------------------------------

def test_present_creates_only_what_is_missing_and_leaves_others_alone():
    existing = [SYSTEM, event('e1', 'Door'), event('e2', 'Unlisted')]
    result = plan(existing, ['Door', 'Panic', 'RequestStartRecording'])
    assert [create.name for create in result.creates] == ['Panic'] and not result.renames and not result.deletes
    assert result.unchanged == ['Door', 'RequestStartRecording']
    assert set_diff(result)['before'] == 'Door\nUnlisted\n'
    assert set_diff(result)['after'] == 'Door\nPanic\nUnlisted\n'


def test_purge_deletes_unlisted_user_defined_events_but_never_system_ones():
    existing = [SYSTEM, event('e1', 'Door'), event('e2', 'Old'), event('e3', 'Older')]
    result = plan(existing, ['Door'], purge=True)
    assert [item['id'] for item in result.deletes] == ['e2', 'e3']
    assert set_result(result, None)['deleted'] == ['Old', 'Older']
    everything = plan(existing, [], purge=True)
    assert SYSTEM not in everything.deletes and len(everything.deletes) == 3


def test_previous_name_renames_once_then_finds_the_new_name():
    first = plan([event('e1', 'Panic')], [{'name': 'Panic pressed', 'previous_name': 'Panic'}])
    assert [(r.obj['id'], first.new_name(r)) for r in first.renames] == [('e1', 'Panic pressed')] and not first.creates
    assert set_result(first, None)['renamed'] == [{'id': 'e1', 'previous_name': 'Panic', 'name': 'Panic pressed'}]
    again = plan([event('e1', 'Panic pressed')], [{'name': 'Panic pressed', 'previous_name': 'Panic'}])
    assert not again.changed and again.unchanged == ['Panic pressed']
    neither = plan([], [{'name': 'Panic pressed', 'previous_name': 'Panic'}])
    assert [create.name for create in neither.creates] == ['Panic pressed']


def test_previous_name_with_both_names_present_is_a_warning_not_a_rename():
    result = plan([event('e1', 'New'), event('e2', 'Old')], [{'name': 'New', 'previous_name': 'Old'}])
    assert not result.changed
    assert any('both "New" and its previous_name "Old" exist' in warning for warning in result.warnings)


def test_previous_name_shared_by_several_events_is_an_error():
    with pytest.raises(EventConflictError, match='2 events are named "Old"'):
        plan([event('e1', 'Old'), event('e2', 'Old')], [{'name': 'New', 'previous_name': 'Old'}])


def test_a_rename_by_id_may_not_duplicate_a_name_that_stays():
    with pytest.raises(EventConflictError, match='will still have that name'):
        plan([event(E1, 'A'), event(E2, 'B')], [{'name': 'B', 'id': E1}])


def test_renames_that_free_a_name_go_first():
    existing = [event(E1, 'A'), event(E2, 'B')]
    result = plan(existing, [{'name': 'B', 'id': E1}, {'name': 'C', 'id': E2}])
    assert [(r.obj['id'], result.new_name(r)) for r in result.renames] == [(E2, 'C'), (E1, 'B')]
    swap = plan(existing, [{'name': 'B', 'id': E1}, {'name': 'A', 'id': E2}])
    assert len(swap.renames) == 2 and not swap.creates and not swap.deletes


def test_a_name_freed_by_a_rename_is_created_again_when_listed():
    result = plan([event(E1, 'A')], [{'name': 'B', 'id': E1}, 'A'])
    assert [result.new_name(r) for r in result.renames] == ['B'] and [create.name for create in result.creates] == ['A']


def test_duplicates_are_reported_and_left_alone_without_purge():
    existing = [event('e2', 'Door', created='2026-02-01'), event('e1', 'Door', created='2026-03-01'), event('e3', 'Spare')]
    result = plan(existing, ['Door'])
    assert not result.changed
    assert result.duplicates == {'Door': ['e1', 'e2']}
    assert any('"Door" (ids e1, e2)' in warning and 'left alone' in warning for warning in result.warnings)


def test_purge_keeps_the_oldest_of_duplicates_or_the_one_given_by_id():
    existing = [event(E1, 'Door', created='2026-03-01'), event(E2, 'Door', created='2026-02-01')]
    oldest = plan(existing, ['Door'], purge=True)
    assert [item['id'] for item in oldest.deletes] == [E1]
    by_id = plan(existing, [{'name': 'Door', 'id': E1}], purge=True)
    assert [item['id'] for item in by_id.deletes] == [E2]


def test_purge_keeps_a_system_event_over_a_user_defined_namesake():
    namesake = event('e1', 'RequestStartRecording')
    result = plan([SYSTEM, namesake], ['RequestStartRecording'], purge=True)
    assert result.deletes == [namesake]


def test_absent_deletes_every_holder_of_a_name_and_refuses_system_events():
    existing = [event('e1', 'Door'), event('e2', 'Door'), event('e3', 'Keep')]
    result = plan(existing, ['Door', 'Gone'], state='absent')
    assert sorted(item['id'] for item in result.deletes) == ['e1', 'e2']
    assert result.unchanged == ['Gone']
    assert set_result(result, None)['events'] == []
    with pytest.raises(EventConflictError, match='does not allow to delete'):
        plan([SYSTEM], ['RequestStartRecording'], state='absent')


def test_check_mode_result_predicts_the_real_one():
    existing = [event('e1', 'Old'), event('e2', 'Gone')]
    result = plan(existing, [{'name': 'New', 'previous_name': 'Old'}, 'Fresh'], purge=True)
    predicted = set_result(result, None)
    progress = Progress(renamed=[(result.renames[0], event('e1', 'New'))], created=[event('e9', 'Fresh')], deleted=[existing[1]])
    real = set_result(result, progress)
    for key in ('changed', 'created', 'renamed', 'deleted', 'unchanged', 'diff'):
        assert predicted[key] == real[key], key
    assert [item['name'] for item in predicted['events']] == [item['name'] for item in real['events']] == ['New', 'Fresh']
    assert 'id' not in predicted['events'][1] and real['events'][1]['id'] == 'e9'


def test_a_partial_result_separates_what_was_done_from_what_was_not():
    existing = [event('e1', 'Old'), event('e2', 'Gone')]
    result = plan(existing, [{'name': 'New', 'previous_name': 'Old'}, 'A', 'B'], purge=True)
    progress = Progress(renamed=[(result.renames[0], event('e1', 'New'))], created=[event('e9', 'A')])
    partial = partial_result(result, progress)
    assert partial['changed'] is True
    assert partial['created'] == ['A'] and partial['deleted'] == []
    assert partial['not_done'] == {'create': ['B'], 'rename': [], 'delete': ['Gone']}
    assert partial_result(result, Progress())['changed'] is False
