"""reflect-bot: offline reflective support for trauma-informed probation practice."""

__version__ = "0.1.0"
