"""Where the engine's own files are: the theme, the plugins, the server's files, the
changelog and the files made for a blog (among them the HTML checker's npm manifest).

An installed engine carries them inside the `pathways` package (the wheel puts them there);
run from its source tree, they are the tree's own folders beside the package. Nothing else in
the engine looks for them: a blog's settings name them through `pathways.defaults`.
"""

from pathlib import Path

from pathways import __version__

# The distribution's name on package indexes (`pathways` is another project's).
DISTRIBUTION = "pathways-blog"
# Where released versions are installed from: a tag of the source repository.
REPOSITORY = "https://github.com/pathways-blog/pathways"
PACKAGE = Path(__file__).resolve().parent


def _located(name: str) -> Path:
    inside = PACKAGE / name
    return inside if inside.exists() else PACKAGE.parent / name


THEME = _located("theme")
PLUGINS = _located("plugins")
SERVER = _located("server")
CHANGELOG = _located("CHANGELOG.md")
# The files made for a new blog, and those the engine keeps up to date in it.
BLOG_FILES = PACKAGE / "blog" / "files"
# A blog's npm manifest: the Nu HTML checker alone (the engine's own adds its tests' tools).
BLOG_NPM_MANIFESTS = (BLOG_FILES / "package.json", BLOG_FILES / "package-lock.json")


def requirement(version: str = __version__) -> str:
    """The line of a blog's requirements.txt that installs this engine at `version`."""
    return f"{DISTRIBUTION} @ git+{REPOSITORY}@v{version}"
