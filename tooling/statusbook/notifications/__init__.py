"""Push notifications: what changed since a base revision (:mod:`.events`), the body each
receiver expects (:mod:`.messages`) and posting them reliably (:mod:`.delivery`, :mod:`.service`).
"""
