"""Shared plumbing: base model, mixins, permissions, htmx helpers, errors."""
