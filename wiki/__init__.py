"""planwiki: a young person's own plan site, shared section by section."""

__version__ = "0.1.0"
