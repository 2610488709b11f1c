"""Full-text search with Pagefind, indexed at the end of every build.

Pagefind (its binary comes in the `pagefind[bin]` wheel) reads the built pages' elements
marked `data-pagefind-body` and writes a static index to `pagefind/` in the output; the
search page queries it in the reader's browser, with no request to anyone else.
"""

import logging
import subprocess
import sys
import time
from typing import Any

from pelican import signals

logger = logging.getLogger(__name__)

# Not the writing itself: heading links ("#"), code samples (raw Markdown in the writing
# guide) and glossary definitions. Left out, excerpts show the passage a reader looks for.
NOT_INDEXED = (".headerlink", "pre", "code", ".glossary-popover")


def index_site(pelican: Any) -> None:
    if not pelican.settings["SEARCH_INDEX"]:
        return
    started = time.monotonic()
    language = pelican.settings.get("DEFAULT_LANG", "en")
    command = [sys.executable, "-m", "pagefind", "--site", str(pelican.output_path)]
    command += ["--output-subdir", "pagefind", "--force-language", language]
    for selector in NOT_INDEXED:
        command += ["--exclude-selectors", selector]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        logger.error("Search index failed (pagefind): %s", (result.stderr or result.stdout).strip())
        return
    logger.info("Search index built in %.2f s", time.monotonic() - started)


def register() -> None:
    signals.finalized.connect(index_site)
