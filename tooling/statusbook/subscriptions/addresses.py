"""What a subscriber gives us: an email address or a webhook URL, checked and normalised.

One person is one subscriber, so addresses are normalised before anything is stored or
compared: email-validator's normal form (Unicode NFC, the domain in lower case and IDNA
checked), and the local part in lower case as well — every mainstream provider treats it
so, and ``Ann@`` and ``ann@`` being two subscribers would let one address be confirmed
twice and counted twice against the rate limits.

A webhook URL is where the service will send requests from inside its own network, so
it must be ``https`` and resolve to public addresses only; loopback and private networks
are refused (``allow_private`` lifts both rules, for tests on 127.0.0.1). The check is
repeated before every request, since DNS may have changed since, and once more as the
connection opens, on the very address it opens to (:mod:`statusbook.subscriptions.webhooks`).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

from email_validator import EmailNotValidError, validate_email

#: RFC 5321's limits: 254 characters for a path, 2048 for a URL we keep.
MAX_EMAIL = 254
MAX_URL = 2048


class AddressError(ValueError):
    """Why an address cannot be used, as a sentence for the person who typed it."""


def normalise_email(value: str, *, check_deliverability: bool = False) -> str:
    text = value.strip()
    if not text:
        raise AddressError("enter an email address")
    if len(text) > MAX_EMAIL:
        raise AddressError("this email address is too long")
    try:
        checked = validate_email(text, check_deliverability=check_deliverability)
    except EmailNotValidError as error:
        raise AddressError(f"this is not an email address we can send to: {error}") from None
    return str(checked.normalized).lower()


def normalise_webhook(value: str, *, allow_private: bool = False) -> str:
    text = value.strip()
    if len(text) > MAX_URL:
        raise AddressError("this URL is too long")
    try:
        split = urlsplit(text)
        port = split.port
    except ValueError:
        raise AddressError("this is not a URL") from None
    scheme = split.scheme.lower()
    allowed = ("https", "http") if allow_private else ("https",)
    if scheme not in allowed or not split.hostname:
        raise AddressError("a webhook URL must start with https://")
    if split.username or split.password:
        raise AddressError("a webhook URL must not contain a user name or password")
    host = split.hostname.lower()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    normal = urlunsplit((scheme, netloc, split.path or "/", split.query, ""))
    check_destination(normal, allow_private=allow_private)
    return normal


def check_destination(url: str, *, allow_private: bool = False) -> None:
    """Refuse a URL whose host resolves to a loopback, private or otherwise non-public
    address (the service must not be made to call inside its own network)."""
    if allow_private:
        return
    split = urlsplit(url)
    public_address(split.hostname or "", split.port or 443)


def public_address(host: str, port: int) -> str:
    """The address to connect to for ``host``: every address it resolves to must be on the
    public internet, or it is refused (one private answer among public ones is how a host
    name is pointed inside a network)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise AddressError("the webhook's host name does not resolve") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses or not all(address.is_global for address in addresses):
        raise AddressError("the webhook's host is not on the public internet")
    return str(addresses[0])
