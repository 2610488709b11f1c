"""Sending a new post to followers: the time to queue it for 10,000 confirmed subscribers and
to send every message through an SMTP server on 127.0.0.1.

The real outbox (SQLite in WAL mode, a durable commit per message sent) and the real e-mail
(text and HTML, one-click unsubscribe link signed per reader) go to aiosmtpd, running in a
process of its own and counting what it accepts; the rate limit is set out of the way, so
the figure is the service's own cost, not a provider's. Run with `make bench` or
`python bench/follow_send.py --subscribers 10000`.
"""

import argparse
import json
import multiprocessing
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def smtp_server(port: int, received, ready) -> None:
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server, session, envelope) -> str:
            with received.get_lock():
                received.value += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(name: str, days_ago: float) -> dict:
    date = datetime.now(UTC) - timedelta(days=days_ago)
    return {
        "id": f"posts/{name}.md",
        "url": f"posts/{name}/",
        "save_as": f"posts/{name}/index.html",
        "title": f"A post called {name}",
        "date": date.isoformat(),
        "html": "<p>" + "Rest first, then walk a little. " * 40 + "</p>",
        "text": "Rest first, then walk a little. " * 40,
        "photo": f"https://blog.example.org/images/{name}.jpg",
        "full": False,
        "email": True,
    }


def publish(site: Path, *posts: dict) -> None:
    for item in posts:
        page = site / item["save_as"]
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("<h1>post</h1>")
    index = site / "follow" / "posts.json"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(json.dumps({"posts": list(posts)}))


def main() -> None:
    from pathways.follow.mailer import Letters
    from pathways.follow.outbox import Outbox
    from pathways.follow.store import FollowStore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    args = parser.parse_args()

    port = free_port()
    received = multiprocessing.Value("i", 0)
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=smtp_server, args=(port, received, ready), daemon=True)
    server.start()
    ready.wait(30)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        store = FollowStore(work / "comments.sqlite3")
        store.add_confirmed(
            [(f"reader{n}@example.org", "2021-01-01T00:00:00") for n in range(args.subscribers)]
        )
        outbox = Outbox(
            store,
            site_dir=work / "site",
            index_path="follow/posts.json",
            letters=Letters("Pathways", "https://blog.example.org", "blog@example.org"),
            smtp={"host": "127.0.0.1", "port": port, "from": "blog@example.org"},
            rate=(10**9, 1),
            unsubscribe_link=lambda address: f"https://comments.example.org/u?a={address}",
            max_age_days=30,
            poll_seconds=1,
        )
        publish(work / "site", post("existing", 3))
        outbox.queue_new_posts()  # following turned on: the existing post is not sent
        publish(work / "site", post("existing", 3), post("news", 0))
        started = time.perf_counter()
        queued = outbox.queue_new_posts()
        queue_seconds = time.perf_counter() - started
        started = time.perf_counter()
        finished = outbox.send_queued()
        send_seconds = time.perf_counter() - started
        outbox.stop()
        counts = store.outbox_counts()
    server.terminate()
    assert finished and queued == args.subscribers, (finished, queued)
    assert counts == {"sent": args.subscribers}, counts
    assert received.value == args.subscribers, received.value
    print(f"Follow by e-mail: a new post to {args.subscribers:,} confirmed subscribers")
    print(f"  queued in      {queue_seconds:8.2f} s")
    print(
        f"  sent in        {send_seconds:8.2f} s  ({args.subscribers / send_seconds:,.0f} "
        f"messages/s through aiosmtpd on 127.0.0.1, each sent once)"
    )


if __name__ == "__main__":
    main()
