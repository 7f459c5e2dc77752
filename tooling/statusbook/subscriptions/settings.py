"""The service's settings: public facts from ``statusbook.yml``, the rest from the environment.

The catalog says what is public and shared with the page (the page's address, the
service's own address, the components readers may follow, the language); the environment
holds what differs per deployment or must stay secret (the database, the SMTP relay, the
keys). Every setting is read and checked once, at start: a service that would fail at its
first mail must not start at all, and the message names every problem at once, naming
variables, never their values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from statusbook.model import Catalog

#: Environment variables the service reads (the shared secret's name comes from the catalog).
DATABASE_URL = "STATUSBOOK_SUBSCRIPTIONS_DATABASE_URL"
TOKEN_KEY = "STATUSBOOK_SUBSCRIPTIONS_TOKEN_KEY"
MAIL_FROM = "STATUSBOOK_MAIL_FROM"
SMTP_HOST = "STATUSBOOK_SMTP_HOST"
SMTP_PORT = "STATUSBOOK_SMTP_PORT"
SMTP_SECURITY = "STATUSBOOK_SMTP_SECURITY"
SMTP_USER = "STATUSBOOK_SMTP_USER"
SMTP_PASSWORD = "STATUSBOOK_SMTP_PASSWORD"
SMTP_TIMEOUT = "STATUSBOOK_SMTP_TIMEOUT"
ALLOW_PRIVATE_WEBHOOKS = "STATUSBOOK_SUBSCRIPTIONS_ALLOW_PRIVATE_WEBHOOKS"
CHECK_DELIVERABILITY = "STATUSBOOK_SUBSCRIPTIONS_CHECK_DELIVERABILITY"

#: Where the SQLite database goes by default, relative to the catalog's folder.
DEFAULT_SQLITE = Path(".statusbook") / "subscriptions.sqlite3"
#: Keys shorter than this are guessable.
MIN_KEY_LENGTH = 32


class SettingsError(Exception):
    """The service cannot start; the message lists every problem."""


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


_DEFAULT_PORTS = {SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465, SmtpSecurity.NONE: 25}


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def __repr__(self) -> str:  # the password never reaches a log or a traceback
        return f"Smtp(host={self.host!r}, port={self.port}, security={self.security.value})"


@dataclass(frozen=True)
class Limits:
    """Abuse limits; tests pass small ones."""

    #: Subscribe requests per client address per window.
    subscribe_per_client: int = 10
    #: Any other form post per client address per window.
    posts_per_client: int = 60
    #: Confirmation mails per email address per window.
    mails_per_address: int = 3
    window_seconds: int = 3600
    #: Bytes a form body may have; the events endpoint allows :attr:`event_bytes`.
    form_bytes: int = 16 * 1024
    event_bytes: int = 1024 * 1024
    #: How long a confirmation link works.
    confirm_seconds: int = 48 * 3600
    #: How long the manage and unsubscribe links in a mail work.
    manage_seconds: int = 400 * 24 * 3600


@dataclass(frozen=True)
class Retry:
    """The queue's retries: ``base`` seconds, doubling, up to ``most``, ``attempts`` in all."""

    base: float = 30.0
    most: float = 3600.0
    attempts: int = 10
    #: How long a claimed delivery is someone's before another worker may take it.
    lease: float = 300.0


@dataclass(frozen=True)
class Settings:
    catalog: Catalog
    database_url: str
    #: The page's origin (scheme://host[:port]): forms and CORS are accepted from it only.
    site_origin: str
    #: The service's own address, ending in ``/``.
    public_url: str
    shared_secret: bytes
    token_key: bytes
    mail_from: str
    smtp: Smtp
    limits: Limits = Limits()
    retry: Retry = Retry()
    #: Webhook URLs on loopback or private networks (and plain http); tests only.
    allow_private_webhooks: bool = False
    #: Ask DNS whether an address's domain takes mail before sending a confirmation.
    check_deliverability: bool = False
    #: Seconds a webhook receiver gets per request.
    webhook_timeout: float = 10.0
    #: Worker threads sending mail, and calling webhooks.
    mail_workers: int = 4
    webhook_workers: int = 2

    def __repr__(self) -> str:
        return f"Settings(database={redact_url(self.database_url)}, public_url={self.public_url})"

    @property
    def public_origin(self) -> str:
        return origin_of(self.public_url)

    @property
    def language(self) -> str:
        return self.catalog.site.language


def load_settings(catalog: Catalog, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings for ``catalog`` from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    subscriptions = catalog.subscriptions
    site_url = catalog.site.url
    if subscriptions is None:
        problems.append(
            "the catalog has no 'subscriptions:' section; add one with the service's public "
            "address, e.g. subscriptions: {url: https://subscribe.status.example.com/}"
        )
    if not site_url:
        problems.append("the catalog's site.url is not set; the service accepts forms from it only")

    def text(name: str, *, required: bool = False) -> str | None:
        value = env.get(name, "").strip()
        if not value and required:
            problems.append(f"the environment variable {name} is not set")
        return value or None

    shared = None
    if subscriptions is not None:
        shared = text(subscriptions.secret_env, required=True)
        if shared is not None and len(shared) < MIN_KEY_LENGTH:
            problems.append(
                f"{subscriptions.secret_env} is shorter than {MIN_KEY_LENGTH} characters; use a "
                "random secret, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
    key = text(TOKEN_KEY, required=True)
    if key is not None and len(key) < MIN_KEY_LENGTH:
        problems.append(f"{TOKEN_KEY} is shorter than {MIN_KEY_LENGTH} characters")
    if key is not None and shared is not None and key == shared:
        problems.append(
            f"{TOKEN_KEY} must differ from the shared secret: whoever runs notify must not be "
            "able to sign subscribers' links"
        )

    mail_from = text(MAIL_FROM, required=True)
    if mail_from is not None:
        problems.extend(_check_sender(mail_from))
    smtp = _smtp(env, problems)
    database = text(DATABASE_URL) or _default_database(catalog)
    problems.extend(_check_database(database))

    if problems:
        raise SettingsError(
            "the subscription service cannot start:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    assert subscriptions is not None and site_url and shared and key and mail_from and smtp
    return Settings(
        catalog=catalog,
        database_url=database,
        site_origin=origin_of(site_url),
        public_url=subscriptions.url,
        shared_secret=shared.encode("utf-8"),
        token_key=key.encode("utf-8"),
        mail_from=mail_from,
        smtp=smtp,
        allow_private_webhooks=_flag(env.get(ALLOW_PRIVATE_WEBHOOKS)),
        check_deliverability=_flag(env.get(CHECK_DELIVERABILITY)),
    )


def _smtp(env: Mapping[str, str], problems: list[str]) -> Smtp | None:
    host = env.get(SMTP_HOST, "").strip()
    if not host:
        problems.append(f"the environment variable {SMTP_HOST} is not set (the SMTP relay)")
    raw_security = env.get(SMTP_SECURITY, "").strip().lower() or SmtpSecurity.STARTTLS.value
    try:
        security = SmtpSecurity(raw_security)
    except ValueError:
        problems.append(f"{SMTP_SECURITY} must be one of: starttls, tls, none")
        security = SmtpSecurity.STARTTLS
    port = _DEFAULT_PORTS[security]
    raw_port = env.get(SMTP_PORT, "").strip()
    if raw_port:
        if raw_port.isdigit() and 0 < int(raw_port) < 65536:
            port = int(raw_port)
        else:
            problems.append(f"{SMTP_PORT} must be a port number (1–65535)")
    timeout = 30.0
    raw_timeout = env.get(SMTP_TIMEOUT, "").strip()
    if raw_timeout:
        try:
            timeout = float(raw_timeout)
            if not timeout > 0:
                raise ValueError
        except ValueError:
            problems.append(f"{SMTP_TIMEOUT} must be a number of seconds above 0")
            timeout = 30.0
    user = env.get(SMTP_USER, "").strip() or None
    password = env.get(SMTP_PASSWORD) or None
    if (user is None) != (password is None):
        problems.append(f"set both {SMTP_USER} and {SMTP_PASSWORD}, or neither")
    if not host:
        return None
    return Smtp(host, port, security, user, password, timeout)


def _check_sender(value: str) -> list[str]:
    from email.utils import parseaddr

    _name, address = parseaddr(value)
    try:
        validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return [f"{MAIL_FROM} is not an email address (e.g. 'Acme Status <status@acme.example>')"]
    return []


def _check_database(url: str) -> list[str]:
    scheme = url.split(":", 1)[0].lower()
    if scheme.startswith("sqlite") or scheme.startswith("postgresql"):
        return []
    if scheme == "postgres":
        return [f"{DATABASE_URL} must start with postgresql:// (not postgres://)"]
    return [f"{DATABASE_URL} must be a sqlite:/// or postgresql:// URL"]


def _default_database(catalog: Catalog) -> str:
    folder = catalog.path.parent if catalog.path is not None else Path.cwd()
    return f"sqlite:///{(folder / DEFAULT_SQLITE).resolve()}"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def origin_of(url: str) -> str:
    """``https://status.example.com`` of any URL there (no path, default ports left out)."""
    split = urlsplit(url)
    scheme = split.scheme.lower()
    host = (split.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = split.port
    if port is None or (scheme, port) in (("https", 443), ("http", 80)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def redact_url(url: str) -> str:
    """A database URL without its password, for messages."""
    split = urlsplit(url)
    if split.password is None:
        return url
    netloc = split.netloc.replace(f":{split.password}@", ":***@")
    return split._replace(netloc=netloc).geturl()
