"""Tracker stores: the `TrackerStore` port (`base`) and one adapter per file.

- `memory`: in-process dict (tests, `myna shell`);
- `sql`: Rasa's `events` table through SQLAlchemy (SQLite, PostgreSQL);
- `factory`: picks the adapter an `endpoints.yml` `tracker_store` section configures.

Import the adapters from their modules: this package imports no storage library.
"""
