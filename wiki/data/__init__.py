"""Data files bundled with planwiki (see README.txt)."""
