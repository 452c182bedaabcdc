"""The analysis dataset's former name: ``app.analysis_ui.adapter`` *is*
``app.analysis_ui.dataset`` (the same module object), so code written against the old name
reads the one dataset. New code imports ``app.analysis_ui.dataset``."""

import sys

from app.analysis_ui import dataset

sys.modules[__name__] = dataset
