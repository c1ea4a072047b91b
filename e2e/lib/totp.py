"""The authenticator app's side of two-step verification: RFC 6238 codes from a base32 secret,
computed here with the standard library so the test does not trust Synlig's own arithmetic."""

import base64
import hashlib
import hmac
import struct
import time


def totp_code(secret_base32, step_offset=0, now=None):
    compact = secret_base32.replace(" ", "").upper()
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    counter = int((now if now is not None else time.time()) // 30) + step_offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"
