"""Deriving at one instant `now`: the snapshot every output reads (see :mod:`.snapshot`).

Only the model goes in and only the model and derived facts come out; loading is a sibling
stage that meets this one in the model.
"""
