"""kindreflex: a terminal companion for the Kindreflex in adult care."""

__version__ = "0.1.0"
