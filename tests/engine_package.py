"""The engine as a writer installs it: wheels built from this tree (or from a changed copy of
it, as an older or newer release), installed into virtual environments of their own that
have no access to this tree, and commands run there as she runs them."""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.sites import ROOT

# Long enough for a pip install or a production build with the HTML checker, under load.
COMMAND_TIMEOUT = 600


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a writer's shell: nothing that points at this tree."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PATHWAYS_", "PYTEST", "VIRTUAL_ENV")) and name != "PYTHONPATH"
    }
    return {**kept, **extra}


def run(command: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        env=clean_env(**extra),
        check=False,
        timeout=COMMAND_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def tree_copy(folder: Path) -> Path:
    """The engine's source as a clone has it (tracked and new files, none ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    return folder


def build_wheel(source: Path, dist: Path) -> Path:
    """The engine's wheel, built from the source tree at `source` into `dist`."""
    result = run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), "."],
        source,
    )
    assert result.returncode == 0, result.stderr
    shutil.rmtree(source / "build", ignore_errors=True)
    (wheel,) = dist.glob("pathways_blog-*.whl")
    return wheel


def make_venv(folder: Path) -> Path:
    """A virtual environment with the engine's pinned dependencies (not the engine)."""
    result = run([sys.executable, "-m", "venv", str(folder)], folder.parent)
    assert result.returncode == 0, result.stderr
    requirements = str(ROOT / "requirements-engine.txt")
    result = run(
        [str(folder / "bin" / "python"), "-m", "pip", "install", "-q", "-r", requirements], folder
    )
    assert result.returncode == 0, result.stderr
    return folder


def engine_venv(base: Path, folder: Path, wheel: Path) -> Path:
    """A copy of the environment `base` with the engine installed from its `wheel` file, as a
    writer installs a downloaded release (its dependencies checked)."""
    shutil.copytree(base, folder, symlinks=True)
    python = str(folder / "bin" / "python")
    result = run([python, "-m", "pip", "install", "-q", str(wheel)], folder)
    assert result.returncode == 0, result.stderr
    return folder


def squatted_index(folder: Path, version: str) -> str:
    """A package index (as PyPI would be) where someone published a `pathways-blog` of a
    higher `version`, a wheel whose `pathways` says so; returns its address."""
    name = f"pathways_blog-{version}-py3-none-any.whl"
    info = f"pathways_blog-{version}.dist-info"
    files = {
        "pathways/__init__.py": f'__version__ = "{version}"\n',
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: pathways-blog\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = "".join(
        f"{path},sha256={_digest(text.encode())},{len(text.encode())}\n"
        for path, text in files.items()
    )
    files[f"{info}/RECORD"] = record + f"{info}/RECORD,,\n"
    project = folder / "simple" / "pathways-blog"
    project.mkdir(parents=True)
    with zipfile.ZipFile(project / name, "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)
    (project / "index.html").write_text(f'<a href="{name}">{name}</a>\n')
    return (folder / "simple").as_uri()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def checker_for(blog: Path) -> None:
    """The HTML checker npm installed for this tree, given to the blog as `make` would
    install it (a copy of the same files, marked installed after its manifest)."""
    source = ROOT / "node_modules"
    if source.is_dir():
        shutil.copytree(source, blog / "node_modules", symlinks=True, copy_function=os.link)
        stamp = blog / "node_modules" / ".installed"
        stamp.unlink(missing_ok=True)
        stamp.touch()
