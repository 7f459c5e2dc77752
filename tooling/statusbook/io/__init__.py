"""The few places that touch the outside world for the core: atomic, locked writes; files at
a git revision; progress on a terminal.
"""
