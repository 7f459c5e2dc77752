"""People-facing words and dates in the site's language (English, Bahasa Indonesia).

One table per language, the same keys in each (a test checks). Enum values are looked up
as ``status.<value>``, ``impact.<value>``, ``kind.<value>``, ``update.<value>``,
``banner.<indicator>`` so templates never spell a label themselves.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

LANGUAGES = ("en", "id")

_EN = {
    "status.operational": "Operational",
    "status.degraded_performance": "Degraded performance",
    "status.partial_outage": "Partial outage",
    "status.major_outage": "Major outage",
    "status.under_maintenance": "Under maintenance",
    "banner.none": "All systems operational",
    "banner.minor": "Degraded performance",
    "banner.major": "Partial outage",
    "banner.critical": "Major outage",
    "banner.maintenance": "Under maintenance",
    "impact.none": "No impact",
    "impact.minor": "Minor impact",
    "impact.major": "Major impact",
    "impact.critical": "Critical impact",
    "kind.outage": "Outage",
    "kind.degradation": "Degradation",
    "kind.network": "Network",
    "kind.bug": "Bug",
    "kind.security": "Security",
    "kind.data-loss": "Data loss",
    "kind.third-party": "Third party",
    "kind.maintenance": "Maintenance",
    "update.investigating": "Investigating",
    "update.identified": "Identified",
    "update.monitoring": "Monitoring",
    "update.resolved": "Resolved",
    "update.update": "Update",
    "update.scheduled": "Scheduled",
    "update.in_progress": "In progress",
    "update.verifying": "Verifying",
    "update.completed": "Completed",
    "update.cancelled": "Cancelled",
    "maintenance.scheduled": "Scheduled",
    "maintenance.in_progress": "In progress",
    "maintenance.completed": "Completed",
    "maintenance.cancelled": "Cancelled",
    "maintenance.verifying": "Verifying",
    "maintenance.scheduled_for": "Scheduled for",
    "maintenance.started_at": "Started",
    "maintenance.completed_at": "Completed",
    "maintenance.cancelled_at": "Cancelled",
    "maintenance.manager": "Maintenance lead",
    "post.started": "The scheduled maintenance has started.",
    "post.completed": "The scheduled maintenance has been completed.",
    "incident.duration_so_far": "Duration so far",
    "uptime.days_ago": "{days} days ago",
    "uptime.percent_days": "{percent} uptime over {days} days",
    "action.open": "Open",
    "action.in_progress": "In progress",
    "action.done": "Done",
    "action.cancelled": "Cancelled",
    "nav.status": "Status",
    "nav.history": "History",
    "nav.uptime": "Uptime",
    "home.active_incidents": "Active incidents",
    "home.maintenance_in_progress": "Maintenance in progress",
    "home.upcoming_maintenance": "Upcoming maintenance",
    "home.components": "Components",
    "home.no_active": "No incidents are in progress.",
    "home.latest_update": "Latest update",
    "home.last_updated": "Last updated",
    "home.recent": "Past incidents",
    "home.more_history": "All incidents and maintenance",
    "uptime.ninety_days": "90 days ago",
    "uptime.today": "Today",
    "uptime.percent_90": "{percent} uptime",
    "uptime.no_data": "No data",
    "uptime.day_clean": "{date}: no downtime",
    "uptime.day_down": "{date}: {downtime} downtime",
    "uptime.day_degraded": "{date}: degraded for {duration}",
    "uptime.day_maintenance": "{date}: maintenance for {duration}",
    "uptime.not_monitored": "{date}: not yet monitored",
    "uptime.days_with_trouble": "Days with incidents",
    "uptime.bars_label": "Daily uptime of {component} for the last 90 days",
    "uptime.title": "Uptime and SLA",
    "uptime.intro": "Monthly uptime of each component against the availability promised in its SLA. Partial outages count as {partial} of their duration; degraded performance does not count as downtime{maintenance}.",
    "uptime.maintenance_excluded": "; scheduled maintenance is excluded",
    "uptime.month": "Month",
    "uptime.uptime": "Uptime",
    "uptime.target": "SLA target",
    "uptime.budget": "Error budget used",
    "uptime.downtime": "Downtime",
    "uptime.met": "Met",
    "uptime.breached": "Breached",
    "uptime.at_risk": "At risk",
    "uptime.on_track": "On track",
    "uptime.no_sla": "No SLA",
    "uptime.in_progress": "(so far)",
    "uptime.windows": "Uptime",
    "uptime.window.24h": "24 hours",
    "uptime.window.7d": "7 days",
    "uptime.window.30d": "30 days",
    "uptime.window.90d": "90 days",
    "uptime.remaining": "{minutes} of {total} left",
    "incident.impact": "Impact",
    "incident.kind": "Kind",
    "incident.affected": "Affected components",
    "incident.started": "Started",
    "incident.resolved": "Resolved",
    "incident.duration": "Duration",
    "incident.ongoing": "Ongoing",
    "incident.manager": "Incident manager",
    "incident.timeline": "Timeline",
    "incident.postmortem": "Postmortem",
    "incident.summary": "Summary",
    "incident.root_cause": "Root cause",
    "incident.action_items": "Action items",
    "incident.owner": "Owner",
    "incident.due": "Due",
    "incident.status": "Status",
    "incident.published": "Published",
    "incident.edit": "Edit this record",
    "incident.scheduled_for": "Scheduled for",
    "incident.window": "Window",
    "incident.by": "by {author}",
    "incident.component_changes": "Component status",
    "incident.all_operational": "All affected components operational",
    "incident.corrections": "Corrections",
    "history.title": "History",
    "history.none": "No incidents this month.",
    "history.quarters": "Earlier",
    "history.newer": "Newer",
    "history.older": "Older",
    "component.incidents": "Incidents",
    "component.none": "No incidents recorded.",
    "component.more": "Showing the latest {count}; see the history for more.",
    "component.sla": "SLA target: {target}",
    "component.monitored_since": "Monitored since {date}",
    "minutes": "{count} min",
    "subscribe.title": "Subscribe",
    "subscribe.intro": "Follow incidents and maintenance without visiting this page.",
    "subscribe.component_intro": "Follow incidents and maintenance that affect {component}.",
    "subscribe.updates_rss": "Every update (RSS)",
    "subscribe.updates_atom": "Every update (Atom)",
    "subscribe.rss": "Incident history (RSS)",
    "subscribe.atom": "Incident history (Atom)",
    "subscribe.feeds_hint": "For a chat app (Slack, Teams) or a mail-by-RSS service, paste “Every update”: it announces each update, the resolution included. The incident history has one entry per incident.",
    "subscribe.calendar": "Maintenance calendar (iCalendar)",
    "subscribe.api": "Status API (Statuspage-compatible JSON)",
    "subscribe.badge": "Status badge (SVG)",
    "subscribe.badge_endpoint": "Badge endpoint for shields.io (JSON)",
    "subscribe.per_component": "Each component's page has its own feeds, calendar and badge.",
    "feeds.history_title": "{site} – incident history",
    "feeds.component_history_title": "{site} – {component}: incident history",
    "feeds.history_description": "Incidents and scheduled maintenance on {site}.",
    "feeds.updates_title": "{site} – every update",
    "feeds.component_updates_title": "{site} – {component}: every update",
    "feeds.updates_description": "Every update on incidents and scheduled maintenance on {site}, the resolution included.",
    "feeds.calendar_title": "{site} – scheduled maintenance",
    "feeds.component_calendar_title": "{site} – {component}: scheduled maintenance",
    "badge.label": "status",
    "notify.incident.created": "New incident",
    "notify.incident.updated": "Incident update",
    "notify.incident.resolved": "Incident resolved",
    "notify.maintenance.scheduled": "Maintenance scheduled",
    "notify.maintenance.updated": "Maintenance update",
    "notify.maintenance.started": "Maintenance started",
    "notify.maintenance.completed": "Maintenance completed",
    "notify.maintenance.cancelled": "Maintenance cancelled",
    "notify.component.updated": "{component}: {status}",
    "notify.link": "View on the status page",
}

_ID = {
    "status.operational": "Beroperasi normal",
    "status.degraded_performance": "Kinerja menurun",
    "status.partial_outage": "Gangguan sebagian",
    "status.major_outage": "Gangguan besar",
    "status.under_maintenance": "Dalam pemeliharaan",
    "banner.none": "Semua sistem beroperasi normal",
    "banner.minor": "Kinerja menurun",
    "banner.major": "Gangguan sebagian",
    "banner.critical": "Gangguan besar",
    "banner.maintenance": "Dalam pemeliharaan",
    "impact.none": "Tanpa dampak",
    "impact.minor": "Dampak kecil",
    "impact.major": "Dampak besar",
    "impact.critical": "Dampak kritis",
    "kind.outage": "Gangguan layanan",
    "kind.degradation": "Penurunan kinerja",
    "kind.network": "Jaringan",
    "kind.bug": "Bug",
    "kind.security": "Keamanan",
    "kind.data-loss": "Kehilangan data",
    "kind.third-party": "Pihak ketiga",
    "kind.maintenance": "Pemeliharaan",
    "update.investigating": "Sedang diselidiki",
    "update.identified": "Penyebab ditemukan",
    "update.monitoring": "Dipantau",
    "update.resolved": "Teratasi",
    "update.update": "Pembaruan",
    "update.scheduled": "Terjadwal",
    "update.in_progress": "Sedang berlangsung",
    "update.verifying": "Verifikasi",
    "update.completed": "Selesai",
    "update.cancelled": "Dibatalkan",
    "maintenance.scheduled": "Terjadwal",
    "maintenance.in_progress": "Sedang berlangsung",
    "maintenance.completed": "Selesai",
    "maintenance.cancelled": "Dibatalkan",
    "maintenance.verifying": "Verifikasi",
    "maintenance.scheduled_for": "Dijadwalkan",
    "maintenance.started_at": "Dimulai",
    "maintenance.completed_at": "Selesai",
    "maintenance.cancelled_at": "Dibatalkan",
    "maintenance.manager": "Penanggung jawab pemeliharaan",
    "post.started": "Pemeliharaan terjadwal telah dimulai.",
    "post.completed": "Pemeliharaan terjadwal telah selesai.",
    "incident.duration_so_far": "Durasi sejauh ini",
    "uptime.days_ago": "{days} hari lalu",
    "uptime.percent_days": "ketersediaan {percent} selama {days} hari",
    "action.open": "Terbuka",
    "action.in_progress": "Dikerjakan",
    "action.done": "Selesai",
    "action.cancelled": "Dibatalkan",
    "nav.status": "Status",
    "nav.history": "Riwayat",
    "nav.uptime": "Ketersediaan",
    "home.active_incidents": "Insiden aktif",
    "home.maintenance_in_progress": "Pemeliharaan berlangsung",
    "home.upcoming_maintenance": "Pemeliharaan mendatang",
    "home.components": "Komponen",
    "home.no_active": "Tidak ada insiden yang sedang berlangsung.",
    "home.latest_update": "Pembaruan terakhir",
    "home.last_updated": "Terakhir diperbarui",
    "home.recent": "Insiden sebelumnya",
    "home.more_history": "Semua insiden dan pemeliharaan",
    "uptime.ninety_days": "90 hari lalu",
    "uptime.today": "Hari ini",
    "uptime.percent_90": "ketersediaan {percent}",
    "uptime.no_data": "Tidak ada data",
    "uptime.day_clean": "{date}: tanpa gangguan",
    "uptime.day_down": "{date}: gangguan {downtime}",
    "uptime.day_degraded": "{date}: kinerja menurun selama {duration}",
    "uptime.day_maintenance": "{date}: pemeliharaan selama {duration}",
    "uptime.not_monitored": "{date}: belum dipantau",
    "uptime.days_with_trouble": "Hari dengan insiden",
    "uptime.bars_label": "Ketersediaan harian {component} selama 90 hari terakhir",
    "uptime.title": "Ketersediaan dan SLA",
    "uptime.intro": "Ketersediaan bulanan setiap komponen dibandingkan dengan janji SLA-nya. Gangguan sebagian dihitung {partial} dari durasinya; penurunan kinerja tidak dihitung sebagai gangguan{maintenance}.",
    "uptime.maintenance_excluded": "; pemeliharaan terjadwal tidak dihitung",
    "uptime.month": "Bulan",
    "uptime.uptime": "Ketersediaan",
    "uptime.target": "Target SLA",
    "uptime.budget": "Anggaran gangguan terpakai",
    "uptime.downtime": "Waktu gangguan",
    "uptime.met": "Terpenuhi",
    "uptime.breached": "Dilanggar",
    "uptime.at_risk": "Berisiko",
    "uptime.on_track": "Sesuai target",
    "uptime.no_sla": "Tanpa SLA",
    "uptime.in_progress": "(sejauh ini)",
    "uptime.windows": "Ketersediaan",
    "uptime.window.24h": "24 jam",
    "uptime.window.7d": "7 hari",
    "uptime.window.30d": "30 hari",
    "uptime.window.90d": "90 hari",
    "uptime.remaining": "sisa {minutes} dari {total}",
    "incident.impact": "Dampak",
    "incident.kind": "Jenis",
    "incident.affected": "Komponen terdampak",
    "incident.started": "Mulai",
    "incident.resolved": "Teratasi",
    "incident.duration": "Durasi",
    "incident.ongoing": "Masih berlangsung",
    "incident.manager": "Manajer insiden",
    "incident.timeline": "Kronologi",
    "incident.postmortem": "Postmortem",
    "incident.summary": "Ringkasan",
    "incident.root_cause": "Akar masalah",
    "incident.action_items": "Tindak lanjut",
    "incident.owner": "Penanggung jawab",
    "incident.due": "Tenggat",
    "incident.status": "Status",
    "incident.published": "Diterbitkan",
    "incident.edit": "Sunting catatan ini",
    "incident.scheduled_for": "Dijadwalkan",
    "incident.window": "Jendela waktu",
    "incident.by": "oleh {author}",
    "incident.component_changes": "Status komponen",
    "incident.all_operational": "Semua komponen terdampak beroperasi normal",
    "incident.corrections": "Koreksi",
    "history.title": "Riwayat",
    "history.none": "Tidak ada insiden bulan ini.",
    "history.quarters": "Sebelumnya",
    "history.newer": "Lebih baru",
    "history.older": "Lebih lama",
    "component.incidents": "Insiden",
    "component.none": "Belum ada insiden tercatat.",
    "component.more": "Menampilkan {count} terbaru; lihat riwayat untuk selengkapnya.",
    "component.sla": "Target SLA: {target}",
    "component.monitored_since": "Dipantau sejak {date}",
    "minutes": "{count} mnt",
    "subscribe.title": "Berlangganan",
    "subscribe.intro": "Ikuti insiden dan pemeliharaan tanpa membuka halaman ini.",
    "subscribe.component_intro": "Ikuti insiden dan pemeliharaan yang memengaruhi {component}.",
    "subscribe.updates_rss": "Setiap pembaruan (RSS)",
    "subscribe.updates_atom": "Setiap pembaruan (Atom)",
    "subscribe.rss": "Riwayat insiden (RSS)",
    "subscribe.atom": "Riwayat insiden (Atom)",
    "subscribe.feeds_hint": "Untuk aplikasi obrolan (Slack, Teams) atau layanan email-dari-RSS, tempelkan “Setiap pembaruan”: umpan itu mengumumkan setiap pembaruan, termasuk penyelesaiannya. Riwayat insiden berisi satu entri per insiden.",
    "subscribe.calendar": "Kalender pemeliharaan (iCalendar)",
    "subscribe.api": "API status (JSON kompatibel Statuspage)",
    "subscribe.badge": "Lencana status (SVG)",
    "subscribe.badge_endpoint": "Endpoint lencana untuk shields.io (JSON)",
    "subscribe.per_component": "Halaman setiap komponen memiliki umpan, kalender, dan lencananya sendiri.",
    "feeds.history_title": "{site} – riwayat insiden",
    "feeds.component_history_title": "{site} – {component}: riwayat insiden",
    "feeds.history_description": "Insiden dan pemeliharaan terjadwal di {site}.",
    "feeds.updates_title": "{site} – setiap pembaruan",
    "feeds.component_updates_title": "{site} – {component}: setiap pembaruan",
    "feeds.updates_description": "Setiap pembaruan insiden dan pemeliharaan terjadwal di {site}, termasuk penyelesaiannya.",
    "feeds.calendar_title": "{site} – pemeliharaan terjadwal",
    "feeds.component_calendar_title": "{site} – {component}: pemeliharaan terjadwal",
    "badge.label": "status",
    "notify.incident.created": "Insiden baru",
    "notify.incident.updated": "Pembaruan insiden",
    "notify.incident.resolved": "Insiden terselesaikan",
    "notify.maintenance.scheduled": "Pemeliharaan dijadwalkan",
    "notify.maintenance.updated": "Pembaruan pemeliharaan",
    "notify.maintenance.started": "Pemeliharaan dimulai",
    "notify.maintenance.completed": "Pemeliharaan selesai",
    "notify.maintenance.cancelled": "Pemeliharaan dibatalkan",
    "notify.component.updated": "{component}: {status}",
    "notify.link": "Lihat di halaman status",
}

TABLES = {"en": _EN, "id": _ID}

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember",
}
_SHORT_MONTHS = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "id": "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des",
}
_DURATION_UNITS = {"en": ("d", "h", "min", "s"), "id": ("h", "j", "mnt", "dtk")}


class Translator:
    """Labels, dates and durations for one language and display time zone."""

    def __init__(self, language: str = "en", time_zone: str = "UTC") -> None:
        if language not in TABLES:
            raise ValueError(f"unsupported language {language!r}; use one of {LANGUAGES}")
        self.language = language
        self.zone = ZoneInfo(time_zone)
        self.table = TABLES[language]
        self.months = _MONTHS[language].split()
        self.short_months = _SHORT_MONTHS[language].split()

    def __call__(self, key: str, **values: object) -> str:
        text = self.table.get(key, TABLES["en"].get(key, key))
        return text.format(**values) if values else text

    def local(self, value: datetime) -> datetime:
        return value.astimezone(self.zone)

    def date(self, value: datetime) -> str:
        """``21 Nov 2026`` in the site's zone."""
        local = self.local(value)
        return f"{local.day} {self.short_months[local.month - 1]} {local.year}"

    def time(self, value: datetime) -> str:
        local = self.local(value)
        separator = "." if self.language == "id" else ":"
        return f"{local.hour:02d}{separator}{local.minute:02d} {local.tzname()}"

    def datetime(self, value: datetime) -> str:
        """``21 Nov 2026, 14:05 UTC``: what a person reads next to a ``<time>`` element."""
        separator = "," if self.language == "en" else ""
        return f"{self.date(value)}{separator} {self.time(value)}"

    def month(self, year: int, month: int) -> str:
        return f"{self.months[month - 1]} {year}"

    def duration(self, delta: timedelta | float | int) -> str:
        """``2 h 05 min``, ``3 d 4 h``, ``45 s`` (``j``/``mnt`` in Indonesian)."""
        seconds = int(delta.total_seconds() if isinstance(delta, timedelta) else delta)
        day, hour, minute, second = _DURATION_UNITS[self.language]
        if seconds < 60:
            return f"{seconds} {second}"
        minutes = seconds // 60
        hours, minutes = divmod(minutes, 60)
        days, hours = divmod(hours, 24)
        if days:
            return f"{days} {day} {hours} {hour}" if hours else f"{days} {day}"
        if hours:
            return f"{hours} {hour} {minutes:02d} {minute}"
        return f"{minutes} {minute}"

    def percent(self, value: float, digits: int = 2) -> str:
        text = f"{value:.{digits}f}"
        return (text.replace(".", ",") if self.language == "id" else text) + "%"
