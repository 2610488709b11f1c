"""The writer's side of moderation over HTTP: the token, and calls to the service's
moderation endpoints (`pathways comments …` on a laptop, `make publish` pulling first)."""

import json
import os
import secrets
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from pathways import PROJECT_ROOT
from pathways.comments.credentials import MODERATION_TOKEN, SERVER_SECRETS, read_secret
from pathways.comments.model import CommentError

TOKEN_VARIABLE = MODERATION_TOKEN.variable
# What the service answers when it was started without a token.
MODERATION_OFF = "moderation is off: the service has no moderation token"


def token_file(settings: dict) -> Path:
    return Path(os.path.expanduser(settings["COMMENTS_TOKEN_FILE"])).resolve()


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def read_token(settings: dict, settings_file: Path) -> str | None:
    """The moderation token from `PATHWAYS_MODERATION_TOKEN`, else from COMMENTS_TOKEN_FILE;
    None when neither is there. A token file inside the repository is refused: it would be
    committed with the site."""
    if token := read_secret(MODERATION_TOKEN):
        return token
    path = token_file(settings)
    for repository in {PROJECT_ROOT, settings_file.resolve().parent}:
        if _inside(path, repository):
            raise CommentError(
                f"COMMENTS_TOKEN_FILE {path} is inside the repository {repository}; "
                "keep the token in a file outside it (the default is "
                "~/.config/pathways/moderation-token)"
            )
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CommentError(f"COMMENTS_TOKEN_FILE {path}: cannot be read ({error})") from None
    return token or None


def token_source(settings: dict) -> str:
    """Where `read_token` finds the token on this computer, to name it in a message."""
    if read_secret(MODERATION_TOKEN):
        return f"${TOKEN_VARIABLE}"
    return f"COMMENTS_TOKEN_FILE {token_file(settings)}"


def make_token(settings: dict) -> Path:
    """Write a new random token to COMMENTS_TOKEN_FILE (readable by its owner only)."""
    path = token_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(secrets.token_urlsafe(32) + "\n")
    return path


class Remote:
    """The comment service's moderation endpoints at `endpoint`, with `token`."""

    def __init__(
        self, endpoint: str, token: str, timeout: float = 30, token_source: str = TOKEN_VARIABLE
    ) -> None:
        self.base = endpoint.rstrip("/") + "/moderation/api"
        self.endpoint = endpoint
        self.token = token
        self.timeout = timeout
        # Where this computer's token came from, for the message when the server differs.
        self.token_source = token_source

    def server_fix(self) -> str:
        """What to run on the server to give the service this computer's token."""
        host = urlsplit(self.endpoint).hostname or self.endpoint
        return (
            f"on the server {host}, put this computer's token into {SERVER_SECRETS} with "
            f"`sudo /srv/pathways/.venv/bin/pathways comments secret {MODERATION_TOKEN.name}` "
            "(paste the token), then `sudo systemctl restart pathways-comments`"
        )

    def _call(self, path: str, data: dict[str, str] | None = None) -> dict[str, Any]:
        try:
            return json.loads(self._fetch(self.base + path, data))
        except ValueError as error:
            raise CommentError(
                f"cannot reach the comment service at {self.endpoint}: {error}"
            ) from None

    def download(self, path: str) -> bytes:
        """A file the service serves behind the token, at `path` under its endpoint."""
        return self._fetch(self.endpoint.rstrip("/") + path, None, accept="text/csv")

    def _fetch(
        self, url: str, data: dict[str, str] | None, accept: str = "application/json"
    ) -> bytes:
        request = urllib.request.Request(
            url,
            data=urlencode(data).encode() if data is not None else None,
            method="POST" if data is not None else "GET",
            headers={"Authorization": f"Bearer {self.token}", "Accept": accept},
        )
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code == 401:
                raise CommentError(
                    f"the comment service at {self.endpoint} refused the moderation token of "
                    f"this computer ({self.token_source}): the server has another one. "
                    + self.server_fix()
                ) from None
            try:
                detail = str(json.loads(error.read()).get("error", ""))
            except ValueError:
                detail = ""
            if detail == MODERATION_OFF:
                raise CommentError(
                    f"the comment service at {self.endpoint} has no moderation token, so "
                    "moderation is off there. " + self.server_fix()
                ) from None
            raise CommentError(detail or f"the comment service answered {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise CommentError(
                f"cannot reach the comment service at {self.endpoint}: {reason}"
            ) from None

    def version(self) -> str:
        """The engine version the service runs ("" for one too old to say)."""
        try:
            return str(self._call("/version").get("version", ""))
        except CommentError:
            return ""

    def listing(self, status: str) -> list[dict[str, Any]]:
        return self._call("/comments?" + urlencode({"status": status}))["comments"]

    def act(self, comment_id: str, action: str, **fields: str) -> list[dict[str, Any]]:
        return self._call(f"/comments/{comment_id}/{action}", fields)["comments"]
