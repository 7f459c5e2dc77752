"""statusbook: a public incident status page that lives in a Git repository."""

__version__ = "0.1.0"
