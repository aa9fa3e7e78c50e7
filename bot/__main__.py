"""``python -m bot``: the same as the ``briefbot`` command."""

import sys

from bot.cli import main

sys.exit(main())
