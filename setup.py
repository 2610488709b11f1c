"""Builds the engine's wheel: the `pathways` package with the theme, the plugins, the
server's files and the changelog inside it
(`pathways.engine` finds them there, or beside the package when it runs from this tree)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ENGINE_FILES = ("theme", "plugins", "server", "CHANGELOG.md")


class BuildWithEngineFiles(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "pathways"
        for name in ENGINE_FILES:
            source = Path(name)
            if source.is_dir():
                skipped = shutil.ignore_patterns("__pycache__", "*.pyc", "tests")
                shutil.copytree(source, target / name, dirs_exist_ok=True, ignore=skipped)
            else:
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildWithEngineFiles})
