"""Renderers: they read warnings (and, for the digest, frames) and write text."""
