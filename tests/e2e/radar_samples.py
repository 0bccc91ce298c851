"""Sample secrets for the radar end-to-end tests, made at run time so that no full
credential sits in the repository, and wrapped in Secret so pytest never prints one."""

from __future__ import annotations

import secrets
import string
import zlib

from conftest import Secret

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def github_token() -> Secret:
    """A GitHub personal access token shape with its CRC32 checksum, as radar validates it."""
    body = "".join(secrets.choice(_BASE62) for _ in range(30))
    crc = zlib.crc32(body.encode()) & 0xFFFFFFFF
    digits = ""
    while True:
        digits = _BASE62[crc % 62] + digits
        crc //= 62
        if crc == 0:
            break
    return Secret("gh" + "p_" + body + digits.rjust(6, "0"))


def password(n: int = 24) -> Secret:
    return Secret("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n)))


def leaked(text: str, values) -> list[int]:
    """Indexes of the values found in text (never the values: they must not be printed)."""
    return [i for i, value in enumerate(values) if value in text]
