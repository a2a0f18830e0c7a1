"""``saywho watch``: standing questions answered as the news arrives.

``rules`` reads and validates the YAML rules, ``evaluate`` turns what the store
holds into alerts (unique by rule and evidence), ``deliver`` hands each alert to
each sink from the outbox, and ``cycle`` runs one fetch-ingest-evaluate-deliver
cycle. The SQL is in ``saywho.store.alerts``.
"""
