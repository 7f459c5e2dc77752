"""Loading and checking: bytes → front matter → the typed model, or problems at file:line:col.

Nothing here depends on `now` except the rules that judge times; nothing here renders.
"""
