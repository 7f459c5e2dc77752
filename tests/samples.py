"""Record texts several test modules share: an ongoing incident, a resolved one and a
maintenance window."""

#: An incident opened at 09:00 on 21 Nov 2026, one update, not yet resolved.
OPEN_INCIDENT = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-21T09:00:00Z
components:
  api: major_outage
updates:
  - at: 2026-11-21T09:05:00Z
    status: investigating
    message: We are looking into elevated API error rates.
---
"""

#: Database maintenance planned for 22 Nov 2026, 02:00–04:00, announced on the 20th.
DATABASE_WINDOW = """\
---
title: Database upgrade
kind: maintenance
scheduled_start: 2026-11-22T02:00:00Z
scheduled_end: 2026-11-22T04:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-11-20T09:00:00Z
    status: scheduled
    message: We will upgrade the database.
---
"""

#: An hour of slow dashboard on 1 Oct 2026, resolved, no postmortem yet.
RESOLVED_INCIDENT = """\
---
title: Slow dashboard
kind: degradation
impact: minor
started: 2026-10-01T09:00:00Z
resolved: 2026-10-01T10:00:00Z
components:
  dashboard: degraded_performance
updates:
  - at: 2026-10-01T09:05:00Z
    status: investigating
    message: Slow.
  - at: 2026-10-01T10:00:00Z
    status: resolved
    message: Fast again.
    components:
      dashboard: operational
---
"""
