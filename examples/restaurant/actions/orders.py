"""Takeaway order look-ups for action_lookup_order (SQLAlchemy; no rasa_sdk import).

The database is ``$ORDERS_DB_URL`` (any SQLAlchemy URL), by default a SQLite file next
to this module. When it has no ``orders`` table yet, the table is created and filled
from ``seed_orders.sql``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
SEED_FILE = HERE / "seed_orders.sql"

_FIND_ORDER = sa.text("SELECT order_id, status, items, eta FROM orders WHERE order_id = :order_id")


class OrderLookupFailed(Exception):
    """The orders database could not be read."""


@dataclass(frozen=True)
class Order:
    order_id: str
    status: str
    items: str
    eta: str | None

    def describe(self) -> str:
        """One sentence for the guest, e.g. "Order ORD-10002 (...) is out for delivery"."""
        sentence = f"Order {self.order_id} ({self.items}) is {self.status}"
        return f"{sentence}, expected at {self.eta}." if self.eta else f"{sentence}."


def orders_db_url() -> str:
    return os.environ.get("ORDERS_DB_URL") or f"sqlite:///{HERE / 'orders.db'}"


def normalise_order_id(raw: str) -> str:
    return raw.strip().upper()


def find_order(db_url: str, order_id: str) -> Order | None:
    """Returns the order with this id (case-insensitive), or None if there is none.

    Raises OrderLookupFailed when the database cannot be used.
    """
    try:
        engine = _engine(db_url)
        ensure_orders_table(engine)
        with engine.connect() as connection:
            row = connection.execute(
                _FIND_ORDER, {"order_id": normalise_order_id(order_id)}
            ).first()
    except (sa.exc.SQLAlchemyError, OSError) as error:
        raise OrderLookupFailed(str(error)) from error
    return Order(*row) if row else None


def ensure_orders_table(engine: sa.engine.Engine) -> None:
    """Creates and seeds the orders table unless it already exists."""
    if sa.inspect(engine).has_table("orders"):
        return
    with engine.begin() as connection:
        for statement in seed_statements():
            connection.exec_driver_sql(statement)


def seed_statements(path: Path = SEED_FILE) -> list[str]:
    """The statements of a seed file: ``--`` comment lines dropped, split at semicolons."""
    lines = path.read_text(encoding="utf-8").splitlines()
    sql = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
    return [statement.strip() for statement in sql.split(";") if statement.strip()]


@lru_cache(maxsize=8)
def _engine(db_url: str) -> sa.engine.Engine:
    return sa.create_engine(db_url)
