"""Circles: creation and settings, units and service sites, phases, main questions, home page."""
