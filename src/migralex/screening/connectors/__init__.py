"""Connectors to the systems the screening queries (SR Arts 14-16): one adapter per system."""
