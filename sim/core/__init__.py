"""The model: the ladder, its parameters, the world's transition, the council and the actors.

Nothing here reads or writes files, draws, or knows Hydra.
"""
