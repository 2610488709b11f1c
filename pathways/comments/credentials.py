"""The comment service's secrets: registered here, passed to it by systemd, never in a
settings file.

Each secret is an environment variable. On the server, `pathways comments secret NAME`
writes it into `/etc/pathways-comments/secrets.env` (readable by root only), which the unit
loads with `EnvironmentFile=` before it starts the service as its own user; on a laptop the
same variable can be set in the shell. A feature with a secret of its own registers it with
`register` and reads it with `read_secret`.
"""

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Where `pathways comments secret` writes on the server (server/pathways-comments.service).
SERVER_SECRETS = Path("/etc/pathways-comments/secrets.env")
# What a value may hold: one line, no control characters.
PRINTABLE = re.compile(r"[^\x00-\x1f\x7f]+")
LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=")


@dataclass(frozen=True)
class Secret:
    """`name` is what the writer types (`pathways comments secret moderation-token`),
    `variable` the environment variable the service reads it from."""

    name: str
    variable: str
    what: str


SECRETS: dict[str, Secret] = {}


def register(secret: Secret) -> Secret:
    SECRETS[secret.name] = secret
    return secret


MODERATION_TOKEN = register(
    Secret(
        "moderation-token",
        "PATHWAYS_MODERATION_TOKEN",
        "the moderation token (the same as in COMMENTS_TOKEN_FILE on your laptop)",
    )
)
SMTP_PASSWORD = register(
    Secret(
        "smtp-password",
        "PATHWAYS_SMTP_PASSWORD",
        "the password of the mail server in COMMENTS_SMTP (for its username)",
    )
)


def read_secret(secret: Secret) -> str | None:
    """The secret's value from the environment, or None when it is not set."""
    return os.environ.get(secret.variable, "").strip() or None


def smtp_settings(smtp: dict) -> dict:
    """COMMENTS_SMTP with the password from the environment (never from the settings file:
    `pathways check` refuses one there)."""
    return {**smtp, "password": read_secret(SMTP_PASSWORD) or ""}


def quoted(value: str) -> str:
    """`value` in double quotes, as systemd's EnvironmentFile= reads it back unchanged."""
    return '"' + re.sub(r'(["\\`$])', r"\\\1", value) + '"'


def write_secret(path: Path, secret: Secret, value: str) -> None:
    """Set `secret` to `value` in the environment file at `path`, keeping its other lines;
    the file is replaced whole and is readable by its owner only. Raises ValueError for a
    value the file cannot hold."""
    value = value.strip()
    if not PRINTABLE.fullmatch(value):
        raise ValueError(f"{secret.name}: give one line of text, without control characters")
    lines = []
    if path.exists():
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if (match := LINE.match(line)) is None or match.group(1) != secret.variable
        ]
    lines.append(f"{secret.variable}={quoted(value)}")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write("\n".join(lines) + "\n")
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
