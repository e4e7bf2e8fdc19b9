"""kalpla.settings, unchanged except for the URLconf that adds the baseline view."""

from kalpla.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
