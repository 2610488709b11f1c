"""Throughput of the comment service on loopback: submissions accepted and stored per second.

Starts the real service (uvicorn, SQLite in WAL mode with durable commits) in its own process
on 127.0.0.1, sends valid form submissions from several concurrent clients over keep-alive
connections, checks that every acknowledged submission is in the database, and prints the
rate and the latency percentiles. Run with `make bench-comments` or
`python bench/comment_service.py --clients 8 --requests 250`.
"""

import argparse
import http.client
import json
import multiprocessing
import statistics
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

SITE = "http://site.example"


def serve(db_path: str, site_dir: str, port: int) -> None:
    import uvicorn

    from pathways.comments.service import ServiceConfig, create_app

    config = ServiceConfig(
        db_path=Path(db_path),
        site_dir=Path(site_dir),
        site_url=SITE,
        allowed_origins=(SITE,),
        rate_limit=10**9,
        rate_window=timedelta(minutes=10),
        min_seconds=0,
    )
    uvicorn.run(create_app(config), host="127.0.0.1", port=port, log_level="warning")


def client(port: int, count: int, latencies: list[float], failures: list[int]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": SITE}
    for number in range(count):
        body = urlencode(
            {
                "post": "ketamine",
                "author": f"Reader {number}",
                "body": "Thank you. " * 20,
                "key": uuid.uuid4().hex,  # as the page's script sends: one per comment
            }
        )
        started = time.perf_counter()
        connection.request("POST", "/comments", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 303:
            failures.append(response.status)
    connection.close()


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the service did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=250, help="per client")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    from pathways.comments.store import CommentStore

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        (site / "comments").mkdir(parents=True)
        index = {"posts": {"ketamine": {"title": "Ketamine", "url": "posts/ketamine/"}}}
        (site / "comments" / "posts.json").write_text(json.dumps(index))
        db = Path(folder) / "bench.sqlite3"
        server = multiprocessing.Process(target=serve, args=(str(db), str(site), args.port))
        server.start()
        try:
            wait_until_up(args.port)
            latencies: list[float] = []
            failures: list[int] = []
            threads = [
                threading.Thread(
                    target=client, args=(args.port, args.requests, latencies, failures)
                )
                for _ in range(args.clients)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.join()
        stored = len(CommentStore(db).list("pending"))

    total = args.clients * args.requests
    cuts = statistics.quantiles(latencies, n=100)
    print(f"clients: {args.clients}, submissions: {total}, failures: {len(failures)}")
    print(f"stored (verified in SQLite): {stored}")
    print(f"throughput: {total / elapsed:.0f} submissions/s over {elapsed:.2f} s")
    print(f"latency: p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms")
    if stored != total - len(failures):
        raise SystemExit("some acknowledged submissions are missing from the store")


if __name__ == "__main__":
    main()
