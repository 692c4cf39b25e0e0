"""API keys: the forms a key can take in a server's answer, their redaction, and keys misplaced in URLs.

Keys come only from environment variables (``ARTIFICIAL_ANALYSIS_API_KEY`` for ``refresh``, the variable named by
``bench --api-key-env``). A server may echo a key back, and not always as it was sent: upper- or lower-cased,
base64 (standard or URL-safe, with or without padding, alone or inside a longer encoded string), URL-encoded or
JSON-escaped. ``redact`` hides every one of these forms, ``contains_secret`` finds them, and ``key_in_url`` refuses
a base URL that carries a key (user:password@, or a query parameter that looks like one).
"""

from __future__ import annotations

import base64
import functools
import math
import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

MIN_SECRET_CHARS = 4  # shorter "secrets" would redact ordinary words
MIN_BASE64_CORE_CHARS = 8  # a shorter piece of a base64 encoding could match unrelated text
_B64_CHAR = r"[A-Za-z0-9+/_-]"
# Query parameters that carry a key, whatever their value looks like (compared in lower case, '-' read as '_').
KEY_PARAMETERS = frozenset(
    {
        "key",
        "api_key",
        "apikey",
        "x_api_key",
        "token",
        "access_token",
        "auth",
        "auth_token",
        "authorization",
        "secret",
        "client_secret",
        "password",
        "pass",
        "sig",
        "signature",
        "bearer",
    }
)


def _char_pattern(char: str) -> str:
    """One character of a key as itself (any case), percent-encoded (any hex case) or escaped: JSON's ``\\"``,
    ``\\/``, ``\\u0041`` and Python's ``\\'``, with any number of backslashes (an escape escaped again by
    ``repr`` or a second JSON encoding)."""
    forms = [r"\\*" + re.escape(char), "".join(f"%{b:02x}" for b in char.encode("utf-8"))]
    if ord(char) < 0x10000:
        forms.append(r"\\+" + f"u{ord(char):04x}")
    if char == " ":
        forms.append(r"\+")
    return "(?:" + "|".join(forms) + ")"


def _base64_patterns(secret: str) -> list[str]:
    """Patterns for the secret's bytes base64-encoded at each of the three alignments inside a longer encoding.

    At alignment k (k bytes of other data before the key), the characters that encode only the key's bits are the
    same whatever surrounds it: that "core" is matched, with the one character on each side that mixes the key's
    bits with its neighbours' (and any padding).
    """
    raw = secret.encode("utf-8")
    patterns = []
    for k in range(3):
        encoded = base64.b64encode(b"\0" * k + raw).decode("ascii").rstrip("=")
        start = (0, 2, 3)[k]
        end = len(encoded) - (1 if (k + len(raw)) % 3 else 0)
        core = encoded[start:end]
        if len(core) < MIN_BASE64_CORE_CHARS and not (k == 0 and core):
            continue
        for alphabet in (core, core.replace("+", "-").replace("/", "_")):
            before = f"{_B64_CHAR}?" if k else ""
            patterns.append(before + re.escape(alphabet) + f"{_B64_CHAR}?=*")
    return patterns


def _b64_regex(secret: str) -> re.Pattern[str] | None:
    patterns = list(dict.fromkeys(_base64_patterns(secret)))
    return re.compile("|".join(patterns)) if patterns else None


@functools.lru_cache(maxsize=64)
def _patterns(secret: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """The plain forms (case-insensitive) and the base64 forms (case-sensitive) of one secret."""
    plain = re.compile("".join(_char_pattern(c) for c in secret), re.IGNORECASE)
    return plain, _b64_regex(secret)


def _usable(secrets: Iterable[str | None]) -> list[str]:
    return sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str | None] = (), *, mark: str = "[redacted]") -> str:
    """``text`` with every form of every secret (see the module's docstring) replaced by ``mark``.

    Example: redact("you sent SK-123456 (c2stMTIzNDU2)", ["sk-123456"]) -> 'you sent [redacted] ([redacted])'
    """
    for secret in _usable(secrets):
        plain, b64 = _patterns(secret)
        text = plain.sub(mark, text)
        if b64 is not None:
            text = b64.sub(mark, text)
    return text


def contains_secret(value: str, secrets: Iterable[str | None]) -> bool:
    """Whether ``value`` holds a secret in any of the forms ``redact`` hides.

    Example: contains_secret("model sk%2D123456", ["sk-123456"]) -> True
    """
    for secret in _usable(secrets):
        plain, b64 = _patterns(secret)
        if plain.search(value) or (b64 is not None and b64.search(value)):
            return True
    return False


def looks_random(value: str) -> bool:
    """Whether a URL parameter looks like a generated key: a run of 16 or more letters and digits, mixing both, with
    many distinct characters (3 or more bits of entropy per character); ids made of words and numbers do not.

    Example: looks_random("sk-9fQ2kLx81ZpR7mVtY3wB6nHc") -> True;  looks_random("llama-3.3-70b-versatile") -> False
    """
    for run in re.findall(r"[A-Za-z0-9]{16,}", value):
        if not (re.search(r"[A-Za-z]", run) and re.search(r"\d", run)):
            continue
        counts = Counter(run)
        entropy = -sum(n / len(run) * math.log2(n / len(run)) for n in counts.values())
        if entropy >= 3.0:
            return True
    return False


def key_in_url(url: str, secrets: Iterable[str | None] = ()) -> str | None:
    """Why ``url`` seems to carry a key (never the key itself), or None.

    A user name or password (``https://user:pass@host``), a query or fragment parameter named like a key
    (``key``, ``api_key``, ``token``...) or with a long random-looking value, or one of ``secrets`` anywhere.

    Example: key_in_url("https://api.example.org/v1?api_key=x") -> "a query parameter named 'api_key'"
    """
    try:
        parts = urlsplit(url)
        userinfo = "@" in parts.netloc
    except ValueError:
        return None  # not a URL at all: the request fails later with its own message
    if userinfo:
        return "a user name or password (user:password@)"
    for text in (parts.query, parts.fragment):
        for name, value in parse_qsl(text, keep_blank_values=True):
            if looks_random(name) or looks_random(value):
                return "a query parameter that looks like a key"
            if name.lower().replace("-", "_") in KEY_PARAMETERS:
                return f"a query parameter named {name!r}"
    if contains_secret(url, secrets):
        return "the API key"
    return None
