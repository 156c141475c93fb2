"""PostgreSQL restarted under load: are all acknowledged incidents still there?

Starts a throwaway PostgreSQL cluster of its own (never the shared server), migrates
it, serves the application with gunicorn, and has client threads file incident
sheets and add messages through the web pages while the database is restarted
twice. Every request the server acknowledged (a redirect to the confirmation, or to
the incident's page) is remembered; afterwards each acknowledged incident and each
acknowledged message must be in the database.

    .venv/bin/python bench/restart_postgres.py [--seconds 40] [--clients 4]

Prints its figures and exits non-zero if anything acknowledged is missing.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PG_PORT = 55439
APP_PORT = 8771
PASSWORD = "restart-bench-pass"


def find_pg_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        sys.exit("No initdb under /usr/lib/postgresql: install PostgreSQL to run this script.")
    return candidates[-1].parent


class Cluster:
    def __init__(self):
        self.bin = find_pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="helpdesk-restart-"))
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def run(self, *args):
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # No pipes: the server pg_ctl starts would hold them open.
        subprocess.run(
            command, check=True, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def start(self):
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {PG_PORT} -k {self.dir}",
        )

    def restart(self):
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "server.log"),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "restart",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {PG_PORT} -k {self.dir}",
        )

    def __enter__(self):
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
        )
        self.start()
        return self

    def __exit__(self, *exc):
        try:
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class Browser:
    """A keep-alive HTTP client with cookies and CSRF, enough to drive the forms."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=30)

    def request(self, method, path, body=None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"http://127.0.0.1:{APP_PORT}{path}",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(body)
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=30)
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", content

    def csrf(self):
        return self.cookies.get("csrftoken", "")

    def sign_in(self, username):
        self.request("GET", "/accounts/login/")
        status, _location, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
        )
        if status != 302:
            raise RuntimeError(f"could not sign in as {username}")


def django_env(database_url):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "restart-bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "DATABASE_CONN_MAX_AGE": "60",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


SETUP = f"""
from accounts.roles import Role, grant
from django.contrib.auth import get_user_model
from incidents.models import Site
Site.objects.get_or_create(code="main", defaults={{"name": "Main building"}})
User = get_user_model()
for i in range(8):
    user, _ = User.objects.get_or_create(username=f"loader{{i}}", defaults={{"email": f"loader{{i}}@school.example"}})
    user.set_password("{PASSWORD}")
    user.save()
    grant(user, Role.USER)
"""

COUNT = """
import json, sys
from incidents.models import Incident, CallLogEntry
refs = json.load(open(sys.argv[-1]))
ids = [int(r.split("-")[1]) for r in refs["incidents"]]
found = set(Incident.objects.filter(pk__in=ids).values_list("pk", flat=True))
texts = set(CallLogEntry.objects.filter(kind="message_from_user").values_list("text", flat=True))
print(json.dumps({"missing_incidents": len(set(ids) - found),
                  "missing_messages": len(set(refs["messages"]) - texts),
                  "incidents_in_db": Incident.objects.count()}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--clients", type=int, default=4)
    options = parser.parse_args()

    with Cluster() as cluster:
        env = django_env(f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres")
        manage(env, "migrate", "--noinput")
        manage(env, "shell", "-c", SETUP)
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "helpdesk.wsgi:application",
                "--bind",
                f"127.0.0.1:{APP_PORT}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=1).request(
                        "GET", "/healthz"
                    )
                    break
                except OSError:
                    time.sleep(0.2)
            acknowledged = {"incidents": [], "messages": []}
            counts = {"requests": 0, "errors": 0}
            lock = threading.Lock()
            stop = time.monotonic() + options.seconds

            def client(index):
                browser = Browser()
                while time.monotonic() < stop:
                    try:
                        if not browser.cookies.get("sessionid"):
                            browser.sign_in(f"loader{index % 8}")
                        status, _, page = browser.request("GET", "/report/")
                        site = re.search(r'<option value="(\d+)"[^>]*>Main building', page)
                        summary = f"Restart load {uuid.uuid4().hex[:10]}"
                        status, location, _ = browser.request(
                            "POST",
                            "/report/",
                            {
                                "csrfmiddlewaretoken": browser.csrf(),
                                "submission_token": str(uuid.uuid4()),
                                "summary": summary,
                                "equipment_description": "The projector on the ceiling of room 12",
                                "site": site.group(1) if site else "",
                                "tried_to_repeat": "recurred",
                                "expected": "The projector to show the laptop screen.",
                                "happened": "It shows no signal and turns itself off.",
                                "checked": "The HDMI cable is in at both ends.",
                                "had_before": "no",
                            },
                        )
                        with lock:
                            counts["requests"] += 2
                        found = re.search(r"/incidents/(INC-\d+)/sent/", location)
                        if status != 302 or not found:
                            with lock:
                                counts["errors"] += 1
                            continue
                        reference = found.group(1)
                        with lock:
                            acknowledged["incidents"].append(reference)
                        message = f"Still broken after lunch {uuid.uuid4().hex[:10]}"
                        status, location, _ = browser.request(
                            "POST",
                            f"/incidents/{reference}/message/",
                            {"csrfmiddlewaretoken": browser.csrf(), "text": message},
                        )
                        with lock:
                            counts["requests"] += 1
                            if status == 302 and reference in location:
                                acknowledged["messages"].append(message)
                            else:
                                counts["errors"] += 1
                    except (OSError, http.client.HTTPException, RuntimeError):
                        with lock:
                            counts["errors"] += 1
                        time.sleep(0.2)

            threads = [threading.Thread(target=client, args=(i,)) for i in range(options.clients)]
            for thread in threads:
                thread.start()
            restarts = 0
            for fraction in (0.3, 0.65):
                time.sleep(max(0.0, stop - time.monotonic() - options.seconds * (1 - fraction)))
                cluster.restart()
                restarts += 1
            for thread in threads:
                thread.join()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

        import json

        refs_file = cluster.dir / "acknowledged.json"
        refs_file.write_text(json.dumps(acknowledged))
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                COUNT.replace("sys.argv[-1]", repr(str(refs_file))),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        found = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"PostgreSQL restarted {restarts} times during {options.seconds} s of filing and updating "
        f"({options.clients} clients, 2 gunicorn workers)"
    )
    print(
        f"  requests sent: {counts['requests']}, refused or failed during restarts: {counts['errors']}"
    )
    print(
        f"  acknowledged incidents: {len(acknowledged['incidents'])}, missing afterwards: "
        f"{found['missing_incidents']}"
    )
    print(
        f"  acknowledged messages: {len(acknowledged['messages'])}, missing afterwards: "
        f"{found['missing_messages']}"
    )
    if found["missing_incidents"] or found["missing_messages"] or not acknowledged["incidents"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
