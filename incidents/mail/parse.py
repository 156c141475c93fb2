"""A received e-mail, read the way the product needs it.

Nothing in a message is trusted: headers are decoded and made single-line (no
CR/LF, control or bidi characters), HTML is turned into plain text (scripts,
styles and markup dropped: the text is shown escaped like anything else people
type), and a message whose MIME structure is broken still yields what can be read.
"""

import contextlib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from incidents.history import single_line

from .addresses import read_tokens

# Mail sent by machines: never an incident or a reply (RFC 3834 and common practice).
AUTOMATIC_SENDERS = ("mailer-daemon", "postmaster", "no-reply", "noreply", "do-not-reply")
BULK_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")
TEXT_LIMIT = 4000
PICTURE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


@dataclass
class Picture:
    name: str
    data: bytes


@dataclass
class Received:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    text: str
    pictures: list[Picture] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # names of attachments not taken
    automatic: str = ""  # why it is automatic mail, or ""
    tokens: list[tuple[int, int]] = field(default_factory=list)
    size: int = 0


def _raw_header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header: treat as missing
        return ""
    return " ".join(str(value or "").split())


def _decoded(text: str) -> str:
    try:
        return str(make_header(decode_header(text)))
    except Exception:
        return text


def header(message: Message, name: str) -> str:
    """A header's decoded value, on one line; "" when it is missing or unreadable."""
    try:
        value = message.get(name)
    except Exception:  # a malformed header: treat as missing
        return ""
    if value is None:
        return ""
    try:
        text = str(make_header(decode_header(str(value))))
    except Exception:
        text = str(value)
    return single_line(text, limit=1000)


def clean_text(text: str, limit: int = TEXT_LIMIT) -> str:
    """Readable text: line breaks kept, other control and bidi characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Co", "Cs"} else ""
        for ch in text
    )
    kept = re.sub(r"[ \t]+\n", "\n", kept)
    kept = re.sub(r"\n{3,}", "\n\n", kept).strip()
    if len(kept) > limit:
        kept = kept[: limit - 40].rstrip() + "\n[… the rest of the e-mail was cut]"
    return kept


class _TextOfHtml(HTMLParser):
    BLOCKS = {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "table", "ul", "ol", "hr", "section", "article",
    }  # fmt: skip
    SKIPPED = {"script", "style", "head", "title", "noscript", "template", "svg", "math"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The words of an HTML message, without its markup, scripts or styles."""
    parser = _TextOfHtml()
    with contextlib.suppress(Exception):  # broken markup: what was read so far
        parser.feed(html)
        parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return "\n".join(lines)


def _payload_text(part: Message) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return ""
    if not isinstance(data, bytes):
        return str(part.get_payload() or "") if not part.is_multipart() else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return single_line(str(make_header(decode_header(name))) if name else "", limit=200)


def _automatic(message: Message, sender: str) -> str:
    auto = header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = header(message, "Precedence").lower()
    if precedence in BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if header(message, name):
            return f"{name} header"
    if header(message, "List-Id") or header(message, "List-Unsubscribe"):
        return "mailing-list mail"
    if message.get_content_type() == "multipart/report":
        return "a delivery report (bounce)"
    local = sender.rpartition("@")[0].lower()
    if not sender or local in AUTOMATIC_SENDERS or local.startswith("bounce"):
        return f"sent by {sender or 'nobody (empty sender)'}"
    if header(message, "Return-Path").strip() == "<>":
        return "a delivery report (empty return path)"
    return ""


def message_id_of(message: Message, raw: bytes) -> str:
    found = re.search(r"<[^<>\s]{1,250}>", header(message, "Message-ID"))
    if found:
        return found.group(0)
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@no-message-id>"


def _texts(message: Message) -> tuple[str, str]:
    """The message's own plain text and HTML (the first of each that is not an attachment)."""
    plain = html = ""
    for part in message.walk():
        if part.is_multipart() or _filename(part):
            continue
        disposition = (part.get("Content-Disposition") or "").lower()
        if disposition.startswith("attachment"):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and not plain:
            plain = _payload_text(part)
        elif kind == "text/html" and not html:
            html = _payload_text(part)
    return plain, html


def _attachments(message: Message, received: Received, limit: int) -> None:
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        name = _filename(part)
        disposition = (part.get("Content-Disposition") or "").lower()
        if kind in PICTURE_TYPES or (kind.startswith("image/") and name):
            try:
                data = part.get_payload(decode=True)
            except Exception:
                data = None
            if isinstance(data, bytes) and data:
                if len(received.pictures) < limit:
                    received.pictures.append(Picture(name or "photo", data))
                else:
                    received.refused.append(f"{name or 'photo'} (more than {limit} photos)")
            continue
        if name or disposition.startswith("attachment"):
            received.refused.append(name or kind)


def parse(raw: bytes, *, picture_limit: int = 5) -> Received:
    """Read a message; never raises for what a sender can put in it."""
    message = message_from_bytes(raw, policy=policy.compat32)
    # The address is read before decoding: a display name may hold "<", ">" or quotes.
    raw_from = _raw_header(message, "From")
    sender_name, sender = parseaddr(raw_from)
    if "@" not in sender:  # unbalanced quotes in the name: the address at the end still counts
        found = re.findall(r"<([^<>@\s\"]+@[^<>@\s\"]+)>", raw_from)
        sender_name, sender = ("", found[-1]) if found else ("", "")
    sender_name = _decoded(sender_name)
    sender = sender.strip().lower() if "@" in sender else ""
    plain, html = _texts(message)
    text = plain if plain.strip() else html_to_text(html)
    references = " ".join(header(message, name) for name in ("In-Reply-To", "References"))
    recipients = " ".join(
        address
        for _, address in getaddresses(
            [header(message, name) for name in ("To", "Cc", "Delivered-To", "X-Original-To")]
        )
    )
    received = Received(
        message_id=message_id_of(message, raw),
        sender=sender[:254],
        sender_name=single_line(sender_name),
        subject=single_line(header(message, "Subject")),
        text=clean_text(text),
        automatic=_automatic(message, sender),
        tokens=read_tokens(recipients, references),
        size=len(raw),
    )
    _attachments(message, received, picture_limit)
    return received


def headers_only(raw_headers: bytes) -> Received:
    """What the headers alone tell (for a message too large to download)."""
    return parse(raw_headers + b"\r\n\r\n", picture_limit=0)
