"""Reading the service's forms: bounded while reading, decoded strictly, refused clearly."""

from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request

from pathways.comments.model import FIELD_LIMITS, MAX_BODY

FIELDS = ("post", "parent", "author", "email", "website", "body", "homepage", "elapsed", "key")
# A character takes at most 4 bytes in UTF-8, and each byte 3 when percent-encoded.
MAX_REQUEST_BYTES = 12 * sum(FIELD_LIMITS.values()) + 4096


class Rejection(Exception):
    """A request that gets an error answer; with a comment, the reader's text is shown back."""

    def __init__(
        self,
        status: int,
        errors: list[str],
        headers: dict | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__("; ".join(errors))
        self.status = status
        self.errors = errors
        self.headers = headers or {}
        # What could be read of the form, to give the reader's text back.
        self.fields = fields or {}


async def read_start(request: Request, limit: int) -> bytes:
    """At most `limit` bytes of the request body; the rest is never read into memory."""
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            chunks.append(chunk[: limit - size])
            size += len(chunks[-1])
            if size >= limit:
                break
    except ClientDisconnect:
        # Gone before it finished sending (or cut off for taking too long): nobody to answer.
        raise Rejection(400, ["The request was not sent whole."]) from None
    return b"".join(chunks)


async def read_form(request: Request, limit: int) -> dict[str, str]:
    """A urlencoded form of at most `limit` bytes, never read further than that."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise Rejection(415, ["Send the form as application/x-www-form-urlencoded."])
    body = await read_start(request, limit + 1)
    if len(body) > limit:
        raise Rejection(
            413,
            [f"The form is larger than a comment can be (at most {MAX_BODY} characters)."],
            fields=_readable_part(body[:limit]),
        )
    try:
        pairs = parse_qsl(
            body.decode("ascii"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=len(FIELDS) * 2,
        )
    except UnicodeDecodeError:
        raise Rejection(400, ["The form could not be read (it is not valid UTF-8)."]) from None
    except ValueError:
        raise Rejection(400, ["The form has more fields than a comment form has."]) from None
    return dict(pairs)


def _readable_part(start: bytes) -> dict[str, str]:
    """The fields of a form cut short, as well as they can be read."""
    text = start.decode("ascii", "ignore")
    return dict(parse_qsl(text, keep_blank_values=True, errors="replace", max_num_fields=100))
