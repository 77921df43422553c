"""crisis-sim: a scenario simulator of the 2017 Korean Peninsula crisis."""

__version__ = "0.1.0"
