"""The protocol as data: typed models, the TOML loader and the checks."""
