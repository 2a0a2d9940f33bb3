"""Fixtures of the project-wide tests in this folder."""

import pytest

from tests.test_authorization_matrix import World


@pytest.fixture
def world(center, worker, director):
    """One object of each kind of the authorization matrix in the center under test (created on first use)."""
    world = World(center, worker, director)
    yield world
    for stored in world.files:
        stored.storage.delete(stored.name)
