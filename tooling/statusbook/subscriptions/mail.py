"""Mail: what a subscriber receives (composed with the standard library's ``email``) and
the SMTP relay it goes through (``smtplib``).

Every mail has a plain-text and an HTML part in the site's language, a manage link and a
visible unsubscribe link, and RFC 8058's ``List-Unsubscribe`` / ``List-Unsubscribe-Post``
headers, so a mail client's own unsubscribe button works with one click. Notices carry
what notify words for every receiver: the title, the status, the message, the affected
components and a link to the incident.

The ``Message-ID`` of a notice is derived from the event and the subscriber, so in the
one case the queue cannot rule out (the relay accepted the mail and the process died
before the database heard of it) the second copy has the same id and mail clients file
it as the same message.

Errors never quote an address: :class:`DeliveryError` carries only the SMTP code and a
short reason, which is what reaches the log and the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import Address
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

from statusbook.i18n import Translator
from statusbook.subscriptions.pages import Templates
from statusbook.subscriptions.settings import Smtp, SmtpSecurity


@dataclass(frozen=True)
class Links:
    manage: str
    unsubscribe: str


#: Stand-ins for a subscriber's own links in a body rendered once per event.
PLACEHOLDERS = Links(manage="@@statusbook-manage@@", unsubscribe="@@statusbook-unsubscribe@@")


@dataclass(frozen=True)
class Body:
    """A mail's words, rendered once and shared by every recipient (links as placeholders)."""

    subject: str
    text: str
    html: str

    def for_links(self, links: Links) -> tuple[str, str]:
        def fill(part: str) -> str:
            return part.replace(PLACEHOLDERS.manage, links.manage).replace(
                PLACEHOLDERS.unsubscribe, links.unsubscribe
            )

        return fill(self.text), fill(self.html)


#: Quoted-printable UTF-8: readable in the raw, safe through any relay.
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP
#: Lines as SMTP wants them (CRLF); headers unfolded up to RFC 5322's limit, so a
#: List-Unsubscribe URL reaches every client in one piece.
_WIRE = compat32.clone(linesep="\r\n", max_line_length=998)


class Composer:
    """Mails of one site, in its language.

    A notice's body is rendered once per event (:meth:`notice_body`) and each recipient's
    mail is that body with the recipient's links put in (:meth:`message`), built with the
    ``email.mime`` classes: the fan-out of one event to thousands of subscribers spends its
    time sending, not re-rendering templates or re-parsing headers.
    """

    def __init__(
        self,
        templates: Templates,
        t: Translator,
        *,
        site: str,
        site_url: str | None,
        mail_from: str,
        public_url: str,
    ) -> None:
        self.templates = templates
        self.t = t
        self.site = site
        self.site_url = site_url
        name, sender = parseaddr(mail_from)
        self.sender = sender
        self.from_header = formataddr((name, sender), charset="utf-8") if name else sender
        self.domain = sender.rpartition("@")[2] or "statusbook.invalid"
        host = urlsplit(public_url).hostname or self.domain
        self.list_id = f"{_phrase(site)} <updates.{host}>"

    def _body(self, subject: str, template: str, values: dict[str, Any]) -> Body:
        values = {**values, "t": self.t, "lang": self.t.language, "links": PLACEHOLDERS}
        return Body(
            subject=" ".join(subject.split()),
            text=self.templates.text(f"mail_{template}.txt", values),
            html=self.templates.html(f"mail_{template}.html", values),
        )

    def confirmation(
        self, to: str, confirm_url: str, links: Links, components: str, hours: int
    ) -> bytes:
        body = self._body(
            self.t("subscriptions.mail.confirm_subject", site=self.site),
            "confirm",
            {
                "site": self.site,
                "site_url": self.site_url,
                "confirm_url": confirm_url,
                "components": components,
                "hours": hours,
            },
        )
        ident = hashlib.sha256(f"{to}\0{confirm_url}".encode()).hexdigest()[:40]
        return self.message(to, body, links, ident)

    def notice_body(self, notice: Mapping[str, Any], components: str) -> Body:
        subject = f"[{self.site}] {notice.get('headline', '')}: {notice.get('title', '')}"
        return self._body(
            subject, "notice", {"notice": notice, "site": self.site, "components": components}
        )

    def notice(self, to: str, event_id: str, body: Body, links: Links, key: str) -> bytes:
        ident = hashlib.sha256(f"{event_id}\0{key}".encode()).hexdigest()[:40]
        return self.message(to, body, links, ident)

    def message(self, to: str, body: Body, links: Links, ident: str) -> bytes:
        """The whole mail for ``to``, as the relay receives it."""
        text, html = body.for_links(links)
        message = MIMEMultipart("alternative")
        message["From"] = self.from_header
        message["To"] = to
        subject = body.subject
        message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
        message["Date"] = format_datetime(datetime.now().astimezone())
        message["Message-ID"] = f"<{ident}@{self.domain}>"
        message["List-Id"] = self.list_id
        message["List-Unsubscribe"] = f"<{links.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["Auto-Submitted"] = "auto-generated"
        message.attach(MIMEText(text, "plain", _UTF8))  # type: ignore[arg-type]
        message.attach(MIMEText(html, "html", _UTF8))  # type: ignore[arg-type]
        return message.as_bytes(policy=_WIRE)


def _phrase(text: str) -> str:
    """``text`` as a header phrase (quoted when it holds specials)."""
    return str(Address(display_name=text, addr_spec="x@x.invalid")).rsplit(" <", 1)[0]


class DeliveryError(Exception):
    """A mail or request that did not go through; ``permanent`` ones are not retried."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SmtpSender:
    """One connection to the relay, opened when first needed and kept for the next mail."""

    def __init__(self, smtp: Smtp) -> None:
        self.smtp = smtp
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        settings = self.smtp
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if settings.security is SmtpSecurity.TLS:
            connection = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            if settings.security is SmtpSecurity.STARTTLS:
                connection.starttls(context=context)
        if settings.user and settings.password:
            connection.login(settings.user, settings.password)
        return connection

    def send(self, message: bytes, sender: str, recipients: Sequence[str]) -> None:
        for attempt in (1, 2):
            try:
                if self._connection is None:
                    self._connection = self._connect()
                self._connection.sendmail(sender, list(recipients), message)
                return
            except smtplib.SMTPServerDisconnected:
                # A kept connection the relay closed meanwhile: open a new one, once.
                self._drop()
                if attempt == 2:
                    raise DeliveryError("the SMTP relay closed the connection") from None
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _text in error.recipients.values()]
                code = codes[0] if codes else 0
                raise DeliveryError(
                    f"SMTP {code}: recipient refused", permanent=code >= 500
                ) from None
            except smtplib.SMTPAuthenticationError as error:
                self._drop()
                raise DeliveryError(f"SMTP {error.smtp_code}: authentication failed") from None
            except smtplib.SMTPResponseException as error:
                if error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPSenderRefused):
                    raise DeliveryError(
                        f"SMTP {error.smtp_code}: refused", permanent=True
                    ) from None
                self._drop()
                raise DeliveryError(f"SMTP {error.smtp_code}: try again later") from None
            except (OSError, smtplib.SMTPException) as error:
                self._drop()
                raise DeliveryError(_cause(error)) from None

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()


def _cause(error: BaseException) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return "the SMTP relay timed out"
    if isinstance(error, ConnectionRefusedError):
        return "the SMTP relay refused the connection"
    if isinstance(error, ssl.SSLError):
        return "TLS with the SMTP relay failed"
    if isinstance(error, socket.gaierror):
        return "the SMTP relay's host name does not resolve"
    return f"SMTP: {type(error).__name__}"
