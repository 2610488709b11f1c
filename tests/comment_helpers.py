"""Starting the comment service as the writer does, for the comment tests."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.sites import ROOT, free_port


@contextmanager
def running_service(
    settings: Path,
    site: Path | None,
    *extra: str,
    log=subprocess.DEVNULL,
    env: dict | None = None,
    port: int | None = None,
):
    """`pathways comments serve` in a process of its own, as the writer starts it; its log
    goes to `log`."""
    port = port or free_port()
    command = [sys.executable, "-m", "pathways", "comments", "serve", "--settings", str(settings)]
    command += ["--port", str(port), *(["--site", str(site)] if site else []), *extra]
    process = subprocess.Popen(command, cwd=ROOT, stderr=log, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=5).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the comment service did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def environment_file(text: str) -> dict[str, str]:
    """KEY="value" lines read back as systemd's EnvironmentFile= reads them (double quotes,
    backslash escapes)."""
    values = {}
    for line in text.splitlines():
        key, _, value = line.partition("=")
        assert value.startswith('"') and value.endswith('"'), line
        out, escaped = [], False
        for char in value[1:-1]:
            if escaped or char != "\\":
                out.append(char)
                escaped = False
            else:
                escaped = True
        values[key] = "".join(out)
    return values
