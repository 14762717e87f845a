"""The dossier: the JSON document, its migrations and the crash-safe store."""
