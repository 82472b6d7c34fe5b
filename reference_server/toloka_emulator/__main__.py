"""`python -m toloka_emulator` is the `toloka-emulator` console script."""

import sys

from toloka_emulator.cli import main

sys.exit(main())
