"""Plotted outcome reports, rebuilt from a run directory's files alone."""
