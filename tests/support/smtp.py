"""A small SMTP server on loopback that can refuse mail for a while.

Enough of RFC 5321 for Django's SMTP backend: EHLO/HELO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT. While `refusing` is true every connection is answered with 421, as a
mail server that is down or overloaded would.
"""

import socketserver
import threading
from email import message_from_bytes


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        server = self.server.owner
        if server.refusing:
            server.refused += 1
            self.reply("421 Service not available, try again later")
            return
        self.reply("220 localhost test SMTP")
        recipients = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                with server.lock:
                    server.messages.append((recipients, message_from_bytes(b"".join(lines))))
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SMTPServer:
    def __init__(self):
        self.refusing = False
        self.refused = 0
        self.messages = []
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def subjects_to(self, address: str) -> list[str]:
        with self.lock:
            return [str(msg["Subject"]) for rcpts, msg in self.messages if address in rcpts]
