"""`python -m reflect_bot` is `reflect-bot`."""

import sys

from reflect_bot.cli import main

sys.exit(main())
