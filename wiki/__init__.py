"""planwiki: a young person's own plan site, shared section by section."""

# The one place the version is written (pyproject.toml reads it: ``dynamic = ["version"]``),
# so the package metadata, ``planwiki --version``, /healthz and /metrics all agree (#24).
__version__ = "0.2.0"
