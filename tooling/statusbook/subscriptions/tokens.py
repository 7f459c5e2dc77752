"""Signed links: confirm a subscription, manage it, leave it.

Links carry a subscriber's random ``key`` (never its address or row number) signed with
itsdangerous and timestamped, so the service needs no session and no cookie: the link is
the credential. Each purpose has its own salt, so a manage link cannot be replayed as a
confirmation. A confirmation link also carries the components asked for and the nonce
the database holds for it; the database clears the nonce when it is used, so the link
works once (:meth:`statusbook.subscriptions.store.Store.confirm`). Expiry is checked on
every use: confirmation links live for hours, the manage and unsubscribe links in a mail
for about a year (one-click unsubscribe must keep working long after the mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class Purpose(StrEnum):
    CONFIRM = "confirm"
    MANAGE = "manage"


class TokenError(Exception):
    """A link that does not work; ``expired`` tells the two cases apart for the page."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class Confirm:
    key: str
    nonce: str
    #: ``None``: every component.
    components: tuple[str, ...] | None


class Tokens:
    def __init__(self, secret: bytes, *, confirm_seconds: int, manage_seconds: int) -> None:
        self._serializers = {
            purpose: URLSafeTimedSerializer(secret, salt=f"statusbook.subscriptions.{purpose}")
            for purpose in Purpose
        }
        self.ages = {Purpose.CONFIRM: confirm_seconds, Purpose.MANAGE: manage_seconds}

    def _dumps(self, purpose: Purpose, payload: dict[str, Any]) -> str:
        return str(self._serializers[purpose].dumps(payload))

    def _loads(
        self, purpose: Purpose, token: str, *, allow_expired: bool = False
    ) -> dict[str, Any]:
        serializer = self._serializers[purpose]
        try:
            value = serializer.loads(token, max_age=self.ages[purpose])
        except SignatureExpired as error:
            # Authentic but old: the caller decides (leaving must always work).
            if not allow_expired or error.payload is None:
                raise TokenError(expired=True) from None
            value = serializer.load_payload(error.payload)
        except BadSignature:
            raise TokenError(expired=False) from None
        if not isinstance(value, dict) or not isinstance(value.get("k"), str):
            raise TokenError(expired=False)
        return value

    def confirm(self, key: str, nonce: str, components: tuple[str, ...] | None) -> str:
        return self._dumps(
            Purpose.CONFIRM,
            {"k": key, "n": nonce, "c": None if components is None else list(components)},
        )

    def read_confirm(self, token: str) -> Confirm:
        value = self._loads(Purpose.CONFIRM, token)
        nonce, components = value.get("n"), value.get("c")
        if not isinstance(nonce, str) or not (
            components is None
            or (isinstance(components, list) and all(isinstance(c, str) for c in components))
        ):
            raise TokenError(expired=False)
        return Confirm(value["k"], nonce, None if components is None else tuple(components))

    def manage(self, key: str) -> str:
        return self._dumps(Purpose.MANAGE, {"k": key})

    def read_manage(self, token: str, *, allow_expired: bool = False) -> str:
        return str(self._loads(Purpose.MANAGE, token, allow_expired=allow_expired)["k"])
