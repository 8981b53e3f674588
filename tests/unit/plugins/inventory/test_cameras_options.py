# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options are documented twice (modules: ``connection``, plugins: ``connection.plugin_options``)
and declared once more in ``connection_argument_spec()``; these tests keep the three in step."""

from __future__ import annotations

import typing as t

import pytest
import yaml

from ansible.plugins.loader import inventory_loader

from ansible_collections.milestone.xprotect.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.milestone.xprotect.plugins.inventory import cameras as plugin_module
from ansible_collections.milestone.xprotect.plugins.module_utils._module import connection_argument_spec

MODULE_OPTIONS: dict[str, dict[str, t.Any]] = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
PLUGIN_OPTIONS: dict[str, dict[str, t.Any]] = yaml.safe_load(ModuleDocFragment.PLUGIN_OPTIONS)['options']
SPEC = connection_argument_spec()


def env_names(spec: t.Mapping[str, t.Any]) -> list[str]:
    """The environment variables of an argument spec entry's ``env_fallback``."""
    fallback = spec.get('fallback')
    return list(fallback[1]) if fallback else []


def test_both_fragments_and_the_argument_spec_have_the_same_options():
    assert list(PLUGIN_OPTIONS) == list(MODULE_OPTIONS) == list(SPEC)


@pytest.mark.parametrize('option', list(SPEC))
def test_types_defaults_and_choices_agree(option):
    spec, module_doc, plugin_doc = SPEC[option], MODULE_OPTIONS[option], PLUGIN_OPTIONS[option]
    assert plugin_doc['type'] == module_doc['type'] == spec['type']
    assert plugin_doc.get('default') == module_doc.get('default') == spec.get('default')
    assert plugin_doc.get('choices') == module_doc.get('choices') == spec.get('choices')
    assert plugin_doc.get('version_added') == module_doc.get('version_added')


@pytest.mark.parametrize('option', list(SPEC))
def test_every_option_reads_the_same_environment_variable(option):
    variables = env_names(SPEC[option])
    assert variables == [f'XPROTECT_{option.upper()}']
    assert [entry['name'] for entry in PLUGIN_OPTIONS[option]['env']] == variables
    assert f'E({variables[0]})' in ' '.join(MODULE_OPTIONS[option]['description'])


@pytest.mark.parametrize('option', list(SPEC))
def test_descriptions_start_the_same(option):
    assert PLUGIN_OPTIONS[option]['description'][0] == MODULE_OPTIONS[option]['description'][0]


def test_the_plugin_treats_the_no_log_options_as_secrets():
    assert sorted(plugin_module.SECRET_OPTIONS) == sorted(name for name, spec in SPEC.items() if spec.get('no_log'))


def test_the_plugin_reads_every_connection_option_with_its_environment_variable():
    definitions = inventory_loader.get('milestone.xprotect.cameras').option_definitions
    for option, spec in SPEC.items():
        assert [entry['name'] for entry in definitions[option]['env']] == env_names(spec), option
