"""Build speed against vanilla Pelican, on the same generated posts, in the same run.

For each of two corpora (`corpus.py`: "summaries", posts with a `Summary:` and short
paragraphs, headings, lists, quotes, footnotes, code, images, three tags each, a few series;
"plain", ordinary posts without `Summary:`, with 6 to 14 long paragraphs and code blocks) and
each size N (fixed seed; about ten threaded comments per post; an access log of the last 30
days, 100 lines per post, with bots, static files, errors and repeats):

  (a) vanilla Pelican with its default theme and no plugins, cold;
  (b) this site's full production build (comments, popular posts, search index, all our
      plugins), cold; then again after a paragraph was added to one post (content cache
      warm) while the server's log grew by 1 %;
  (c) the preview (`pathways serve`, after its first build) after editing one post: the
      time from saving until open tabs are told to reload (the page is checked to show
      the edit), and until they are told again after the full rebuild that follows;
  (d) the peak memory (max RSS) of each, and of (b) cold the peak of all its processes
      together (the sum of their PSS, on Linux).

(b)'s search step (Pagefind) is printed on its own line, with whether it indexed or carried
the last build's index over.

Prints a table with the times and the ratios b/a and c/a, the figures of the speed goals
(cold b/a <= 1.2; one edit b/a <= 0.65, and <= 0.5 without the search step; at 5,000 posts
500 MB for all processes, 5x the time of 1,000 posts at most), and writes it as JSON to
`bench/results/`. `python bench/build_speed.py --posts 100 1000 [--corpus plain]` (`make
bench` runs this).
"""

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import view_logs
from corpus import CORPORA, post_texts, words
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOG_LINES_PER_POST = 100


def generate(folder: Path, posts: int, seed: int = 1, corpus: str = "summaries") -> Path:
    """The corpus: content/ with posts, an image, comments and a view log. `corpus` is
    "summaries" or "plain" (see `corpus.py`)."""
    rng = random.Random(seed + 1)
    content = folder / "content"
    (content / "posts").mkdir(parents=True)
    (content / "pages").mkdir()
    (content / "images").mkdir()
    (content / "data").mkdir()
    shutil.copy(
        ROOT / "content" / "images" / "guide" / "pathway.svg", content / "images" / "path.svg"
    )
    (content / "pages" / "about.md").write_text("Title: About\n\nA benchmark blog.\n")
    paths = []
    for number, text in enumerate(post_texts(corpus, posts, seed)):
        (content / "posts" / f"post-{number}.md").write_text(text)
        title = text.split("\n", 1)[0].removeprefix("Title: ")
        slug = slugify(title, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
        folder_comments = content / "comments" / slug
        folder_comments.mkdir(parents=True)
        for reply in range(rng.randint(6, 14)):
            parent = f"Reply-To: c{rng.randrange(reply)}\n" if reply and rng.random() < 0.4 else ""
            (folder_comments / f"c{reply}.md").write_text(
                f"Author: Reader {reply}\nDate: 2024-01-01T10:{reply:02d}:00+00:00\n{parent}\n"
                f"{words(rng, 30).capitalize()}.\n"
            )
        paths.append(f"/posts/{slug}/")
    now = datetime.now(UTC)
    view_logs.generate(
        content / "data" / "access.log",
        LOG_LINES_PER_POST * posts,
        posts,
        seed=seed,
        start=now - timedelta(days=30),
        span=timedelta(days=30) - timedelta(hours=1),
        post_paths=paths,
    )
    return content


def grow_log(content: Path, seed: int) -> None:
    """The server's log after more readers came: 1 % more lines, of the last minutes."""
    paths = sorted(f"/posts/{folder.name}/" for folder in (content / "comments").iterdir())
    view_logs.generate(
        content / "data" / "access.log",
        LOG_LINES_PER_POST * len(paths) // 100,
        len(paths),
        seed=seed + 1,
        start=datetime.now(UTC) - timedelta(minutes=2),
        span=timedelta(minutes=1),
        post_paths=paths,
    )


def settings_file(folder: Path, content: Path, kind: str) -> Path:
    output = folder / f"output-{kind}"
    if kind == "vanilla":
        lines = [
            f"PATH = {str(content)!r}",
            f"OUTPUT_PATH = {str(output)!r}",
            "ARTICLE_PATHS = ['posts']",
            "PAGE_PATHS = ['pages']",
            "STATIC_PATHS = ['images']",
            "IGNORE_FILES = ['comments', 'data']",
            "SITEURL = 'https://bench.example'",
            "TIMEZONE = 'UTC'",
            "PLUGINS = []",
            "LOAD_CONTENT_CACHE = False",
        ]
    else:
        base = "publishconf" if kind == "ours" else "pelicanconf"
        lines = [
            "import sys",
            f"sys.path.insert(0, {str(ROOT)!r})",
            f"from {base} import *",
            f"PATH = {str(content)!r}",
            f"OUTPUT_PATH = {str(output)!r}",
            f"THEME = {str(ROOT / 'theme')!r}",
            f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]",
            "POPULAR_POSTS_SOURCES = ['data/access.log']",
            "POPULAR_POSTS_TODAY = None",
            "COMMENTS_STRICT = False",
        ]
    path = folder / f"{kind}_settings.py"
    path.write_text("\n".join(lines) + "\n")
    return path


def _memory(pid: int) -> tuple[int, int, int] | None:
    """Pss, Rss and Private_Dirty (kB) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            fields = dict(line.split()[:2] for line in rollup if line.split()[0].endswith(":"))
        return int(fields["Pss:"]), int(fields["Rss:"]), int(fields["Private_Dirty:"])
    except (OSError, ValueError, KeyError):
        return None


def _tree_pss(root: int) -> int:
    """The PSS (kB) of a process and all its descendants: the memory the tree holds, each
    shared page counted once in all."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    total, todo = 0, [(root, None)]
    while todo:
        pid, parent_memory = todo.pop()
        memory = _memory(pid)
        # A child started by vfork, before it runs its program, shares its parent's memory
        # and reports the very same figures: counted once.
        if memory is not None and memory != parent_memory:
            total += memory[0]
        todo += [(child, memory) for child, parent in parents.items() if parent == pid]
    return total


def timed(
    command: list[str], log: list[str] | None = None, tree: bool = False
) -> tuple[float, float, float]:
    """Wall seconds, peak memory of the largest process (MB, max RSS) and, with `tree`, peak
    memory of the whole process tree (MB, the sum of PSS sampled every 0.2 s; 0 where there
    is no /proc) of a child process; what it wrote on stderr is added to `log` when given."""
    sampling = tree and Path("/proc/self/smaps_rollup").exists()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:  # not a pipe: a verbose build would fill it
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
        tree_peak = 0
        while True:
            ended, status, usage = os.wait4(process.pid, os.WNOHANG if sampling else 0)
            if ended:
                break
            tree_peak = max(tree_peak, _tree_pss(process.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        stderr.seek(0)
        written = stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{written[-2000:]}")
    if log is not None:
        log.append(written)
    return elapsed, usage.ru_maxrss / 1024, tree_peak / 1024


def search_step(log: str) -> tuple[float, str]:
    """The search step's seconds in a verbose build's log, and whether it indexed or carried
    the last build's index over."""
    line = next(line for line in log.splitlines() if "Search index" in line)
    seconds = float(line.split(" in ", 1)[1].split(" s", 1)[0])
    return seconds, "carried over" if "carried over" in line else "indexed"


def edit(content: Path, number: int, marker: str) -> None:
    """Append a paragraph to one post, saved as editors save: written beside the content
    folder, then renamed over the post (so no one reads it half written)."""
    post = content / "posts" / f"post-{number}.md"
    saving = content.parent / f".{post.name}.saving"
    saving.write_text(f"{post.read_text()}\nA paragraph added later, {marker}, to say so.\n")
    saving.replace(post)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def preview_after_edit(settings: Path, content: Path, output: Path) -> tuple[float, float, float]:
    """Run the preview server, edit a post, and time until open tabs are told to reload.

    Returns the seconds until the first reload (the edited page is then checked to show the
    edit), until the reload after the full rebuild, and the server's peak memory in MB.
    """
    port = free_port()
    command = [sys.executable, "-m", "pathways", "serve", "--settings", str(settings)]
    server = subprocess.Popen(
        [*command, "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        reloads = _reloads_after_edit(server, port, content, output)
    finally:
        server.terminate()
        server.stdout.close()
        _, _, usage = os.wait4(server.pid, 0)
    return reloads[0], reloads[1], usage.ru_maxrss / 1024


def _reloads_after_edit(
    server: subprocess.Popen, port: int, content: Path, output: Path
) -> list[float]:
    while "Preview on" not in (line := server.stdout.readline()):
        if not line:
            raise SystemExit("the preview server stopped")
    for _ in range(300):  # the server listens shortly after saying where
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            connection.request("GET", "/__preview/events")
            break
        except ConnectionRefusedError:
            time.sleep(0.1)
    events = connection.getresponse()
    events.readline()
    marker = f"edited {time.time_ns()}"
    started = time.perf_counter()
    edit(content, 2, marker)
    reloads = []
    while len(reloads) < 2:
        if events.readline().startswith(b"data: reload"):
            reloads.append(time.perf_counter() - started)
            if len(reloads) == 1:
                page = next(output.glob("posts/post-2-*/index.html")).read_text()
                if marker not in page:
                    raise SystemExit("the preview reloaded without the edit")
    connection.close()
    return reloads


def measure(posts: int, corpus: str) -> dict:
    with tempfile.TemporaryDirectory(
        prefix="pathways-bench-", ignore_cleanup_errors=True
    ) as scratch:
        folder = Path(scratch)
        content = generate(folder, posts, corpus=corpus)
        comments = sum(1 for _ in (content / "comments").rglob("*.md"))
        vanilla = settings_file(folder, content, "vanilla")
        ours = settings_file(folder, content, "ours")
        preview = settings_file(folder, content, "preview")
        a = timed([sys.executable, "-m", "pelican", "-s", str(vanilla), "-q"])
        build_ours = [sys.executable, "-m", "pathways", "build", "--settings", str(ours), "-v"]
        logs: list[str] = []
        b = timed(build_ours, logs, tree=True)
        edit(content, 1, "edited")
        grow_log(content, seed=1)
        rebuilt = timed(build_ours, logs)
        search, search_after_edit = search_step(logs[0]), search_step(logs[1])
        first_reload, full_reload, preview_mb = preview_after_edit(
            preview, content, folder / "output-preview"
        )
    edit_without_search = rebuilt[0] - search_after_edit[0]
    return {
        "corpus": corpus,
        "posts": posts,
        "comments": comments,
        "cores": os.cpu_count(),
        "vanilla_s": round(a[0], 2),
        "ours_s": round(b[0], 2),
        "ours_after_edit_s": round(rebuilt[0], 2),
        "preview_shows_edit_s": round(first_reload, 2),
        "preview_full_rebuild_s": round(full_reload, 2),
        "b_over_a": round(b[0] / a[0], 2),
        "b_edit_over_a": round(rebuilt[0] / a[0], 2),
        "b_edit_without_search_over_a": round(edit_without_search / a[0], 2),
        "c_over_a": round(first_reload / a[0], 3),
        "vanilla_peak_mb": round(a[1]),
        "ours_peak_mb": round(b[1]),
        "ours_after_edit_peak_mb": round(rebuilt[1]),
        "preview_peak_mb": round(preview_mb),
        "ours_tree_peak_mb": round(b[2]),
        "search_s": search[0],
        "search": search[1],
        "search_after_edit_s": search_after_edit[0],
        "search_after_edit": search_after_edit[1],
    }


def print_rows(rows: list[dict]) -> None:
    header = (
        f"{'corpus':>9} {'posts':>6} {'comments':>9} {'vanilla (a)':>12} {'ours (b)':>9}"
        f" {'b, 1 edit':>10} {'preview (c)':>12} {'c, full':>8} {'b/a':>5} {'b, 1 edit/a':>12}"
        f" {'c/a':>6} {'peak MB a/b/c':>15}"
    )
    print(f"Build speed on {os.cpu_count()} cores")
    print(header)
    for row in rows:
        print(
            f"{row['corpus']:>9} {row['posts']:>6} {row['comments']:>9}"
            f" {row['vanilla_s']:>11.2f}s {row['ours_s']:>8.2f}s"
            f" {row['ours_after_edit_s']:>9.2f}s {row['preview_shows_edit_s']:>11.2f}s"
            f" {row['preview_full_rebuild_s']:>7.1f}s {row['b_over_a']:>5.2f}"
            f" {row['b_edit_over_a']:>12.2f} {row['c_over_a']:>6.3f}"
            f" {row['vanilla_peak_mb']:>5}/{row['ours_peak_mb']}/{row['preview_peak_mb']}"
        )
    print(
        "peak MB: the largest single process of each run (the build, a worker, or Pagefind), "
        "its maximum resident memory"
    )
    for row in rows:
        print(
            f"{row['corpus']}, {row['posts']} posts: all processes of (b)"
            f" {row['ours_tree_peak_mb']} MB at most (the sum of their PSS, sampled every"
            f" 0.2 s); search step (b) {row['search_s']:.2f}s ({row['search']}), b, 1 edit"
            f" {row['search_after_edit_s']:.2f}s ({row['search_after_edit']})"
        )


def goal(figure: str, value: float, limit: float, unit: str = "") -> str:
    met = "met" if value <= limit else "NOT met"
    return f"  {figure}: {value:.2f}{unit} (goal <= {limit:g}{unit}: {met})"


def print_goals(rows: list[dict]) -> None:
    """The figures of the speed goals, for each corpus at its largest size measured."""
    print("Goals (paired with vanilla Pelican in the same run):")
    for corpus in CORPORA:
        mine = [row for row in rows if row["corpus"] == corpus]
        if not mine:
            continue
        row = mine[-1]
        print(f" {corpus} corpus, {row['posts']} posts:")
        print(goal("cold production build, b/a", row["b_over_a"], 1.2))
        print(goal("rebuild after one edit, b/a", row["b_edit_over_a"], 0.65))
        print(
            goal("the same without the search step, b/a", row["b_edit_without_search_over_a"], 0.5)
        )
        sizes = {row["posts"]: row for row in mine}
        if 5000 in sizes:
            print(
                goal("all processes at 5,000 posts", sizes[5000]["ours_tree_peak_mb"], 500, " MB")
            )
        if 1000 in sizes and 5000 in sizes:
            growth = sizes[5000]["ours_s"] / sizes[1000]["ours_s"]
            print(goal("growth 1,000 -> 5,000 posts", growth, 5, "x"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--corpus", nargs="+", choices=list(CORPORA), default=list(CORPORA))
    args = parser.parse_args()
    rows = [measure(posts, corpus) for corpus in args.corpus for posts in args.posts]
    print_rows(rows)
    print_goals(rows)
    for smaller, larger in pairwise(rows):
        if smaller["corpus"] == larger["corpus"]:
            print(
                f"{larger['corpus']}: (b) at {larger['posts']} vs {smaller['posts']} posts: "
                f"{larger['ours_s'] / smaller['ours_s']:.2f}x the time for "
                f"{larger['posts'] / smaller['posts']:.0f}x the posts"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"build-speed-{stamp}.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
