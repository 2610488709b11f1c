"""Moderating from this checkout: against the comment database next to it, or through the
comment service over HTTP when a remote is configured. Either way an approved comment's file
is written into this checkout's comments folder, whole and never over an existing file; `pull`
fetches every approved comment not here yet (safe to run any number of times, anywhere)."""

from pathlib import Path

from pathways import __version__
from pathways.blog.server import upgrade_command
from pathways.comments.model import Comment, comment_path, format_comment, write_comment_file
from pathways.comments.moderation import comment_from_json, decide, reply, submission_json
from pathways.comments.remote import Remote, read_token, token_source
from pathways.comments.store import CommentStore, database_path
from pathways.terminal import inert

KEPT = "your file is kept, not overwritten"


def comments_folder(settings: dict) -> Path:
    return Path(settings["PATH"]) / settings["COMMENTS_PATH"]


class Moderator:
    """Moderation next to the database, or through the service when `remote` is set."""

    def __init__(self, settings: dict, settings_file: Path, remote: Remote | None) -> None:
        self.settings = settings
        self.remote = remote
        self.folder = comments_folder(settings)
        self.store = None if remote else CommentStore(database_path(settings, settings_file))

    def listing(self, status: str) -> list[dict]:
        if self.remote:
            return self.remote.listing(status)
        return [submission_json(s) for s in self.store.list(None if status == "all" else status)]

    def act(self, comment_id: str, action: str, **fields: str) -> list[dict]:
        if self.remote:
            return self.remote.act(comment_id, action, **fields)
        if action == "reply":
            author = self.settings.get("AUTHOR") or "The author"
            comments = reply(self.store, comment_id, fields["body"], author)
            return [submission_json(self.store.get(comment.id)) for comment in comments]
        return [submission_json(decide(self.store, comment_id, action))]

    def write(self, comment: Comment) -> tuple[str, str]:
        """Write an approved comment's file; an existing file is never replaced. Returns
        ("written" | "present" | "kept", what happened)."""
        try:
            path = write_comment_file(self.folder, comment)
        except FileExistsError:
            path = comment_path(self.folder, comment.post_slug, comment.id)
            if path.read_text(encoding="utf-8") == format_comment(comment):
                return "present", f"{comment.id}: already in {path}"
            return "kept", f"{comment.id}: {path} exists and differs; {KEPT}"
        return "written", f"{comment.id}: wrote {path}"

    def remove_file(self, data: dict) -> str:
        path = comment_path(self.folder, data["post_slug"], data["id"])
        if path.exists():
            path.unlink()
            return f"; removed {path}"
        return ""


def pull(moderator: Moderator) -> tuple[int, int]:
    """Write every approved comment that is not in this checkout yet; returns (written,
    already there). Safe to run any number of times, from any number of checkouts."""
    written = present = 0
    for data in moderator.listing("approved"):
        outcome, message = moderator.write(comment_from_json(data))
        if outcome == "written":
            written += 1
            print(inert(message))
        else:
            present += 1
    return written, present


def moderator_for(settings: dict, settings_file: Path, local: bool = False) -> Moderator:
    endpoint = settings["COMMENTS_ENDPOINT"]
    token = None if local or not endpoint else read_token(settings, settings_file)
    remote = Remote(endpoint, token, token_source=token_source(settings)) if token else None
    return Moderator(settings, settings_file, remote)


def version_warning(endpoint: str, server: str) -> str | None:
    """What to do when the comment service at `endpoint` runs engine `server` ("": older
    than 0.2.0, which did not say), not this computer's; None when they match."""
    if server == __version__:
        return None
    return (
        f"Warning: the comment service at {endpoint} runs engine"
        f" {server or 'older than 0.2.0'}, this computer {__version__}: on the server, run"
        f" `{upgrade_command(__version__)}`."
    )


def pull_before_publish(settings: dict, settings_file: Path) -> str | None:
    """For `make publish`: when moderation goes through the service, fetch what was approved
    there. Returns what was done, or None when there is no remote."""
    moderator = moderator_for(settings, settings_file)
    if moderator.remote is None:
        return None
    written, present = pull(moderator)
    done = f"Fetched {written} newly approved comment(s) ({present} already here)."
    warning = version_warning(moderator.remote.endpoint, moderator.remote.version())
    if warning:
        done += f"\n{warning}"
    return done
