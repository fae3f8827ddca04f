"""A stand-in for a store that logs in with a password, for the test that a
secret parameter reaches its element but no display (tests/e2e/test_secrets.py).
No built-in element has a credential: SQLite has no password. Copied beside
the test's topology."""

import hashlib

import datablox


class Vault(datablox.Element):
    """tags every log with the SHA-256 of its password, so a test sees what the element got without seeing it"""

    ports = [datablox.push_in("in"), datablox.push_out("out")]
    params = [datablox.param("password", "secret", datablox.REQUIRED, "the password it logs in with"),
              datablox.param("token", "secret", "default-token-value", "a secret with a default")]

    def configure(self, params):
        self.digest = hashlib.sha256(params["password"].encode()).hexdigest()
        self.token_digest = hashlib.sha256(params["token"].encode()).hexdigest()

    def on_batch(self, port, logs):
        self.emit([{"seq": log["seq"], "digest": self.digest, "token_digest": self.token_digest} for log in logs])
