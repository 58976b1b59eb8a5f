"""Versioned schema migrations, one file per revision."""
