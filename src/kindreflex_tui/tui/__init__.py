"""The Textual user interface: the only part of kindreflex that imports Textual."""
