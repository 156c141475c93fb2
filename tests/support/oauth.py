"""A small OAuth 2.0 authorisation server on 127.0.0.1 for the XOAUTH2 tests.

`/token` gives an access token for the client credentials grant (as Microsoft 365's
and Google's token endpoints do); `/introspect` answers Dovecot's token check
(RFC 7662), naming the mail account the token is for.
"""

import json
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        server = self.server.owner
        field = {name: values[0] for name, values in form.items()}
        if self.path == "/token":
            client = server.clients.get(field.get("client_id", ""))
            if field.get("grant_type") != "client_credentials" or client is None:
                return self._answer(400, {"error": "invalid_client"})
            secret, username = client
            if field.get("client_secret") != secret:
                return self._answer(401, {"error": "invalid_client"})
            token = secrets.token_urlsafe(24)
            server.tokens[token] = username
            server.issued += 1
            return self._answer(200, {"access_token": token, "token_type": "Bearer"})
        if self.path == "/introspect":
            username = server.tokens.get(field.get("token", ""))
            if username is None:
                return self._answer(200, {"active": False})
            return self._answer(200, {"active": True, "username": username})
        return self._answer(404, {"error": "not_found"})


class OAuthServer:
    def __init__(self):
        self.clients: dict[str, tuple[str, str]] = {}
        self.tokens: dict[str, str] = {}
        self.issued = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> "OAuthServer":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def register(self, username: str) -> tuple[str, str]:
        """A client allowed to read `username`'s mail: (client id, client secret)."""
        client_id, secret = secrets.token_hex(8), secrets.token_urlsafe(16)
        self.clients[client_id] = (secret, username)
        return client_id, secret
