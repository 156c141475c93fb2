"""The cast shared by every test: a reporter, another reporter, the service desk,
a technician and a support admin — plus helpers to move incidents along."""

import os

# Playwright's sync API runs an event loop in the test thread; the live server's
# database calls from that thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

from accounts.roles import Role
from tests.factories import CategoryFactory, SiteFactory, UserFactory, file_incident

PASSWORD = "pass-word-123"


@pytest.fixture
def reporter(db):
    return UserFactory(
        username="reporter", first_name="Rita", last_name="Reporter", roles=[Role.USER]
    )


@pytest.fixture
def other_reporter(db):
    return UserFactory(username="other", first_name="Oscar", last_name="Other", roles=[Role.USER])


@pytest.fixture
def desk(db):
    return UserFactory(username="desk", first_name="Dee", last_name="Desk", roles=[Role.DESK])


@pytest.fixture
def technician(db):
    return UserFactory(username="tech", first_name="Tom", last_name="Tech", roles=[Role.TECHNICIAN])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", first_name="Ada", last_name="Admin", roles=[Role.ADMIN])


@pytest.fixture
def site(db):
    return SiteFactory(name="Main building", code="MAIN")


@pytest.fixture
def category(db):
    return CategoryFactory(name="Printing")


@pytest.fixture
def incident(reporter, site, desk):
    """A freshly filed incident sheet (state submitted)."""
    return file_incident(reporter, site=site)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: a value cached from an earlier test's
    rows (ids are reused after a rollback on SQLite) must never be read by the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def shared_cache(settings):
    """As with Redis: cached values are kept across requests (helpdesk.cache.is_shared)."""
    from django.core.cache import cache

    settings.CACHE_SHARED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for(client):
    """Sign a person in on the test client: `client_for(desk).get(...)`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def figure(request):
    """Record a measured figure; all of them are printed at the end of the run.

    Kept on the test's report, so they reach the summary from xdist workers too.
    """
    return lambda line: request.node.user_properties.append(("figure", line))


@pytest.fixture
def matrix_tally(request):
    """Record the access-matrix cells one test checked and the leaks it found."""
    return lambda **counts: request.node.user_properties.append(("matrix", counts))


def _properties(terminalreporter, wanted):
    return [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for key, value in getattr(report, "user_properties", [])
        if key == wanted
    ]


def _matrix_figure(tallies, what: str = "access matrix") -> str:
    urls = {tally["url"] for tally in tallies}
    cells = sum(tally["cells"] for tally in tallies)
    leaks = sum(tally["leaks"] for tally in tallies)
    return f"{what}: {cells} cells checked over {len(urls)} URLs; {leaks} leaks"


def pytest_terminal_summary(terminalreporter):
    lines = _properties(terminalreporter, "figure")
    tallies = _properties(terminalreporter, "matrix")
    plain = [tally for tally in tallies if not tally.get("schools")]
    schools = [tally for tally in tallies if tally.get("schools")]
    if plain:
        lines.append(_matrix_figure(plain))
    if schools:
        lines.append(
            _matrix_figure(
                schools,
                "access matrix with schools (own school, another school of the "
                "organisation, another organisation)",
            )
        )
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def world(request):
    """The access matrix's populated incident (see tests/test_access_matrix.py)."""
    from tests.test_access_matrix import build_world

    return build_world(request)


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Live-server threads can leave a PostgreSQL session open on the test database;
    end them before the database is dropped, so teardown is clean."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def dovecot_server():
    """A throwaway Dovecot IMAP server for this test process (tests/support/dovecot.py)."""
    from tests.support import dovecot

    if not dovecot.available():
        pytest.skip(
            f"Dovecot is not installed ({dovecot.DOVECOT} missing): "
            "apt-get install dovecot-imapd to run the IMAP tests"
        )
    from tests.support.oauth import OAuthServer

    oauth = OAuthServer().start()
    server = dovecot.Dovecot(oauth_url=oauth.url).start()
    server.oauth = oauth
    yield server
    server.stop()
    oauth.stop()


@pytest.fixture
def smtp_sink(settings):
    """An aiosmtpd server on loopback receiving what the product sends over SMTP."""
    from tests.support.smtp_sink import SMTPSink

    with SMTPSink() as sink:
        settings.MAILERS = sink.mailer_settings()
        yield sink


@pytest.fixture(scope="session")
def oidc_server():
    """The local OpenID Connect provider for this test process (tests/support/oidc.py)."""
    from tests.support import oidc

    server = oidc.start()
    yield server
    server.stop()


@pytest.fixture
def sso(settings, oidc_server, db):
    """The school sign-ins pointed at the local provider instead of Microsoft and Google."""
    settings.SSO_MICROSOFT_AUTHORITY = oidc_server.url
    settings.SSO_GOOGLE_ISSUER = f"{oidc_server.url}/google"
    csp = dict(settings.SECURE_CSP)
    csp["form-action"] = [*csp["form-action"], oidc_server.url]
    settings.SECURE_CSP = csp
    return oidc_server
