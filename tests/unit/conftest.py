# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of every unit test: the mocked transport and the fake API Gateway on it (tests/unit/plugins/fake_gateway.py)."""

from __future__ import annotations

import typing as t

import pytest
import responses


@pytest.fixture
def mock() -> t.Iterator[responses.RequestsMock]:
    """A ``responses`` mock in place of the network: a request nothing answers fails as a connection error."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def gateway(mock: responses.RequestsMock) -> t.Any:  # pylint: disable=redefined-outer-name
    """A ``FakeGateway`` on ``mock`` with no camera and the built-in System event."""
    # Imported here: pytest loads this file before pytest-ansible or ansible-test make the collection importable.
    from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import FakeGateway  # pylint: disable=import-outside-toplevel
    return FakeGateway(mock)
