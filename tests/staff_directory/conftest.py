"""The staff directory tests' schools: Northfield lists its e-mail domains, Riverside
(the same organisation) lists none, Cedar belongs to another organisation; and
Northfield's school admin."""

import pytest

from tests.directory_helpers import make_cedar, make_north, make_river, make_school_admin


@pytest.fixture
def north(db):
    return make_north()


@pytest.fixture
def river(north):
    return make_river(north)


@pytest.fixture
def cedar(db):
    return make_cedar()


@pytest.fixture
def school_admin(north):
    return make_school_admin(north)
