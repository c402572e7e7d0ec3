"""Spiders, one per portal shape; only what is specific to a portal lives here."""
