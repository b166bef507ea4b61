"""``python -m models.training``: train a model from the command line (see ``models.training.cli``)."""

import sys

from models.training.cli import main

sys.exit(main())
