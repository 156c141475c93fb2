"""A throwaway Dovecot IMAP server on 127.0.0.1, for the e-mail intake tests.

Debian's `dovecot-imapd` (`.ci/run` installs it), started with its own
configuration, state and mail directories in a temporary folder, plain-text
sign-in from a passwd-file (no TLS on loopback), on a free port. Each test gets
a fresh mail account (`new_account`), so tests never see each other's mail.
Every client call has a timeout: a misconfigured server fails the test, it never
hangs it.
"""

import contextlib
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
TIMEOUT = 10
ACCOUNTS = 500


def available() -> bool:
    return os.path.exists(DOVECOT)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dovecot:
    def __init__(self, oauth_url: str = ""):
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
        self.port = _free_port()
        self.passwd = self.root / "passwd"
        root = os.geteuid() == 0
        # As root, Dovecot's own processes and the mail run as its unprivileged users;
        # otherwise everything runs as whoever runs the tests.
        internal = "dovecot" if root else pwd.getpwuid(os.geteuid()).pw_name
        login = "dovenull" if root else internal
        mail_user = pwd.getpwnam("dovenull" if root else internal)
        self.uid, self.gid = mail_user.pw_uid, mail_user.pw_gid
        (self.root / "mail").mkdir()
        (self.root / "base").mkdir()
        (self.root / "state").mkdir()
        # Dovecot's unprivileged processes must reach the folder.
        os.chmod(self.root, 0o755)  # noqa: S103 - a test server's throwaway folder
        if root:
            os.chown(self.root / "mail", self.uid, self.gid)
        # Dovecot reads the passwd-file at most once a second: the accounts are all
        # written before it starts, and each test takes the next fresh one.
        self.accounts = [(f"box{n:04d}", uuid.uuid4().hex) for n in range(ACCOUNTS)]
        self.passwd.write_text(
            "".join(
                f"{name}:{{PLAIN}}{password}:{self.uid}:{self.gid}::{self.root}/mail/{name}\n"
                for name, password in self.accounts
            )
        )
        # XOAUTH2 sign-in: Dovecot checks each token with the test's OAuth server.
        (self.root / "oauth2.conf.ext").write_text(
            f"introspection_mode = post\n"
            f"introspection_url = {oauth_url or 'http://127.0.0.1:9'}/introspect\n"
            "username_attribute = username\n"
            "active_attribute = active\n"
            "active_value = true\n"
            "timeout_msecs = 5000\n"
        )
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            f"""
base_dir = {self.root}/base
state_dir = {self.root}/state
instance_name = helpdesk-test-{self.port}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
log_path = {self.root}/dovecot.log
mail_location = maildir:~/Maildir
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.passwd}
  mechanisms = plain login
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {self.root}/oauth2.conf.ext
}}
userdb {{
  driver = passwd-file
  args = {self.passwd}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""
        )

    def start(self) -> "Dovecot":
        subprocess.run([DOVECOT, "-c", str(self.config)], check=True, timeout=TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"Dovecot did not start: {self.log()}")

    def stop(self) -> None:
        pid_file = self.root / "base" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 15)
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"

    def new_account(self) -> tuple[str, str]:
        """A fresh, empty mail account: (username, password)."""
        return self.accounts.pop()

    def client(self, username: str, password: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=TIMEOUT)
        client.login(username, password)
        return client

    def deliver(self, username: str, password: str, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the account, as a mail server delivering it would (APPEND)."""
        client = self.client(username, password)
        try:
            status, answer = client.append(folder, None, None, raw)
            assert status == "OK", answer
        finally:
            client.logout()

    def flags(self, username: str, password: str) -> dict[str, bool]:
        """Message-ID → whether the message is marked seen on the server."""
        client = self.client(username, password)
        try:
            client.select("INBOX")
            _, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            found = {}
            for item in data:
                if isinstance(item, tuple):
                    flags = item[0].decode()
                    header = item[1].decode(errors="replace").split(":", 1)[-1].strip()
                    found[header] = "\\Seen" in flags
            return found
        finally:
            client.logout()
