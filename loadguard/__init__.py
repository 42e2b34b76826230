"""loadguard: warns runners about the load patterns that come before overuse injuries."""

__version__ = "0.1.0"
