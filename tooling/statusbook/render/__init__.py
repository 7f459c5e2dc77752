"""Rendering: pure functions of a snapshot into page data, feeds, calendars, the API, badges
and reports. Nothing here reads files, the clock or the records' source.
"""
