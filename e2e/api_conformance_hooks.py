"""schemathesis hooks for api_conformance.py: how the fuzzed requests sign in.

The runner signs in before schemathesis starts and passes the tokens in the environment:
`SYNLIG_API_TOKEN` for every operation, and `SYNLIG_API_SPARE_TOKENS` (comma-separated) for
`DELETE /auth/token`, which revokes the token it is sent with. Without the spares the first
revocation would turn every later case into a 401 and the run would test nothing but sign-in.
Signing in again during the run is no way out: the fuzzed `POST /auth/token` cases fail so
often that the address is throttled (429) within seconds, as it should be.
"""

import os
import threading

import schemathesis

TOKEN = os.environ.get("SYNLIG_API_TOKEN", "")
_spares = [token for token in os.environ.get("SYNLIG_API_SPARE_TOKENS", "").split(",") if token]
_lock = threading.Lock()


def _revokes_token(case):
    return case.operation.method.upper() == "DELETE" and case.operation.path == "/auth/token"


@schemathesis.auth(refresh_interval=None)
class SynligBearer:
    def get(self, case, context):
        if _revokes_token(case):
            with _lock:
                # Out of spares: a token that was never issued, answered with the documented 401.
                return _spares.pop() if _spares else "spent"
        return TOKEN

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
