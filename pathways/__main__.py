"""Run the pathways command line: `python -m pathways …`."""

import sys

from pathways.cli import main

sys.exit(main())
