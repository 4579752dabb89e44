"""`stepwise import`, `export` and `sync`: moving data to and from a running Stepwise over its
API, with the Python client (stepwise_client) — no database access of their own."""
