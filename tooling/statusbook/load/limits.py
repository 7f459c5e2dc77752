"""The bounds every record and catalog keeps, in one place for the validator, importers and README.

A status page is read by people: no record needs a megabyte, a number of forty digits, a
year outside this century or a control character. Inputs beyond these bounds are not
data a page could show; they are mistakes, or attempts to make the build hang or crash
(a 50 MB body renders for many minutes, a year-1 timestamp with an offset overflows
Python's datetime, a bell character in a title cannot be written to an RSS feed). The
validator refuses them with a problem at their line; importers and the self-service form
never produce them; whatever passes is therefore something the build can always render.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: A record file, in bytes. The longest real postmortems are tens of kilobytes.
MAX_RECORD_BYTES = 1024 * 1024
#: The catalog file, in bytes: hundreds of components fit in a tenth of it.
MAX_CATALOG_BYTES = 1024 * 1024
#: A record's Markdown body (the narrative, the postmortem prose), in UTF-8 bytes. Each
#: mebibyte of body costs the build about six seconds (page, feeds), so this stays ~1.5 s.
MAX_BODY_BYTES = 256 * 1024
#: One multi-line text: an update's message, a postmortem's summary or root cause, a
#: correction's note, in UTF-8 bytes. About 5,000 words; chat webhooks take less anyway.
MAX_MESSAGE_BYTES = 32 * 1024
#: One single-line text: a title, a name, an author, an address, in UTF-8 bytes.
MAX_LINE_BYTES = 1000
#: The characters of a number as written (``99.95``, ``1e3``): beyond this it is not a
#: number a record needs, and a 5,000-digit one is beyond what Python converts to int.
MAX_NUMBER_LENGTH = 32
#: A record's file name, in characters (``YYYY-MM-DD-slug.md`` is ASCII): names the build
#: derives from it (pages, feed paths) stay within every filesystem's 255-byte limit, the
#: 143 bytes of encrypted home folders, and Windows' 260-character paths.
MAX_FILE_NAME = 100

#: What a multi-line text (a message, a summary) may hold besides printable characters.
MULTILINE = "\n\t"
#: What a record's Markdown body may hold: the file's own line endings too (CRLF).
BODY = "\n\t\r"

#: Control characters (C0, DEL, C1), lone surrogates and the noncharacters XML cannot carry.
_FORBIDDEN = "\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"


@functools.cache
def _forbidden(allowed: str) -> re.Pattern[str]:
    kept = "".join(f"\\x{ord(character):02x}" for character in allowed)
    return re.compile(f"(?![{kept}])[{_FORBIDDEN}]" if kept else f"[{_FORBIDDEN}]")


def forbidden_character(text: str, allowed: str = "") -> int | None:
    """The index of the first character ``text`` may not hold, or ``None``.

    Control characters and lone surrogates are never text a reader sees, and feeds and
    calendars cannot carry them; ``allowed`` names the few a text may hold anyway
    (:data:`MULTILINE`, :data:`BODY`). A single-line text allows none: not even a line break.
    """
    if text.isascii():  # nearly every text: a check in C instead of a regular expression
        visible = text
        for character in allowed:
            visible = visible.replace(character, "")
        if visible.isprintable():
            return None
    found = _forbidden(allowed).search(text)
    return None if found is None else found.start()


def describe_character(character: str) -> str:
    """``U+0007 (BELL)``: how a problem names an invisible character."""
    name = unicodedata.name(character, "") or _CONTROL_NAMES.get(character, "")
    code = f"U+{ord(character):04X}"
    return f"{code} ({name})" if name else code


#: Unicode gives control characters no names, only aliases (which ``unicodedata`` lacks).
_CONTROL_NAMES = {
    "\0": "NULL",
    "\a": "BELL",
    "\b": "BACKSPACE",
    "\t": "TAB",
    "\n": "LINE FEED",
    "\v": "LINE TABULATION",
    "\f": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
}


def strip_forbidden(text: str, allowed: str = "") -> str:
    """``text`` without the characters :func:`forbidden_character` finds.

    For producers (importers, the self-service form), so they never write what the
    validator would refuse: a line break or tab in a single-line text becomes a space,
    anything else forbidden is dropped.
    """
    if forbidden_character(text, allowed) is None:
        return text
    spaced = re.sub("[\n\r\t]", " ", text) if not allowed else text
    return _forbidden(allowed).sub("", spaced)


def utf8_size(text: str) -> int:
    """Bytes ``text`` takes as UTF-8; a lone surrogate counts as the three it would take."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))
