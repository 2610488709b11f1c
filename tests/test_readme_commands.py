"""The README's commands as a writer types them, with a blog made by `pathways new-blog` and
the engine installed from its wheel: each command it gives her exists where she types it."""

import re
import shlex
import subprocess

import pytest

from pathways import engine
from pathways.blog.new import checked, make_blog
from pathways.cli import parser
from tests.readme import README
from tests.sites import ROOT

BLOG_MAKEFILE = engine.BLOG_FILES / "Makefile"
# The engine's command on the server, as "One small server" installs it.
SERVER_PATHWAYS = "/srv/pathways/.venv/bin/pathways"


def section(heading: str) -> str:
    """The README's text from `heading` up to the next `## ` heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n## ", start)
    return text[start : end if end != -1 else None]


def targets(makefile) -> set[str]:
    found = set()
    for line in makefile.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([a-z][\w .-]*):(?!=)", line)
        if match:
            found.update(match.group(1).split())
    return found


def test_every_make_command_of_the_writing_table_is_in_a_blogs_makefile():
    blog_targets = targets(BLOG_MAKEFILE)
    # The table's first column: `make new TITLE="My post"`, `PORT=8001 make devserver`.
    first_column = [line.split(" | ")[0] for line in section("## Writing").splitlines()]
    typed = {
        target
        for cell in first_column
        if cell.startswith("| `")
        for target in re.findall(r"`(?:\w+=\S+ )*make ([\w-]+)", cell)
    }
    assert typed, "the table lists no make command"
    assert typed <= blog_targets, f"not in a blog's Makefile: {sorted(typed - blog_targets)}"


def server_commands() -> list[list[str]]:
    """Each command of the server's set-up that runs the engine's command line."""
    text = " ".join(section("**One small server**").split())
    commands = []
    for snippet in re.findall(r"`([^`]+)`", text):
        for part in re.split(r"&&|\|\|", snippet):
            words = shlex.split(part.strip().removeprefix("sudo "))
            if len(words) > 1 and words[0] == SERVER_PATHWAYS:
                commands.append(words[1:])
    return commands


def test_the_server_set_up_copies_no_file_a_blog_does_not_have():
    text = section("**One small server**")
    assert not re.search(r"\bserver/[\w.-]+\.(conf|service|timer)", text)
    for shipped in engine.SERVER.iterdir():
        top = shipped.read_text(encoding="utf-8").split("\n\n")[0]
        assert "cp server/" not in top, f"{shipped.name} says to copy a file a blog has not"


@pytest.mark.parametrize("words", server_commands(), ids=shlex.join)
def test_each_engine_command_of_the_server_set_up_exists(words):
    try:
        parser().parse_args(words)
    except SystemExit as error:
        pytest.fail(f"`pathways {shlex.join(words)}` is not a command ({error})")


def test_the_server_set_up_installs_the_engine_where_its_units_run_it(tmp_path):
    assert ["server", "install"] in server_commands()
    for unit in ("pathways-comments.service", "pathways-views.service"):
        text = (ROOT / "server" / unit).read_text(encoding="utf-8")
        assert f"ExecStart={SERVER_PATHWAYS} " in text
        assert f"WorkingDirectory={SERVER_PATHWAYS.removesuffix('/.venv/bin/pathways')}" in text
    # The clone's `make .venv/.requirements-installed` is a target of a blog's Makefile.
    text = " ".join(section("**One small server**").split())
    assert "sudo make .venv/.requirements-installed" in text
    blog = tmp_path / "blog"
    make_blog(
        blog,
        checked("Slow Days", "Mira", "", "https://slowdays.blog", "UTC"),
        str(tmp_path / "releases"),
    )
    dry_run = subprocess.run(
        ["make", "-n", ".venv/.requirements-installed"],
        cwd=blog,
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "pip install" in dry_run.stdout
