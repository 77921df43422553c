"""Replications, sweeps, resume, tipping point and sensitivity: they write files.

Nothing here prints, exits or draws; the command line (`sim.app`) does that.
"""
