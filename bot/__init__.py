"""SiteWatch: alerts when a tracked site is attacked, once per incident."""
