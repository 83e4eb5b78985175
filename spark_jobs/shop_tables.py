"""The shop's tables as the warehouse copies them: one SELECT each, for both databases.

`changed` names the timestamp that moves when a row changes, so the incremental
sync reads only rows changed since its watermark; tables without one are small
and copied whole on every run. Order lines never change after checkout, so they
follow their order's creation time.
"""

import re
from dataclasses import dataclass

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark_jobs.source import Dialect


@dataclass(frozen=True)
class ShopTable:
    name: str  # the warehouse table
    key: str  # an integer column to split parallel reads on
    select: str  # SQL where MONEY(column) and TIME(column) take each database's spelling
    changed: str | None  # the column compared with the watermark; None: copy the whole table
    money: tuple[str, ...] = ()
    times: tuple[str, ...] = ()

    def sql(self, dialect: Dialect, since: str | None = None) -> str:
        text = re.sub(r"MONEY\(([^)]+)\)", lambda match: dialect.money(match[1]), self.select)
        text = re.sub(r"TIME\(([^)]+)\)", lambda match: dialect.time(match[1]), text)
        if since is not None and self.changed:
            text += f" WHERE {self.changed} > {since}"
        return text

    def shape(self, frame: DataFrame) -> DataFrame:
        """Exact decimals, whole numbers and real timestamps, whatever types the JDBC driver reported
        (SQLite's reports a computed integer such as COALESCE(id, 0) as a decimal; a time comes as
        epoch seconds from PostgreSQL, as text from SQLite: `Dialect.time`)."""
        from pyspark.sql.types import DecimalType, StringType, TimestampType

        for field in frame.schema.fields:
            if isinstance(field.dataType, DecimalType) and field.name not in self.money:
                frame = frame.withColumn(field.name, F.col(field.name).cast("long"))
        for column in self.money:
            frame = frame.withColumn(column, F.col(column).cast("decimal(14,2)"))
        for column in self.times:
            seconds = not isinstance(frame.schema[column].dataType, StringType | TimestampType)
            frame = frame.withColumn(
                column, F.timestamp_seconds(F.col(column)) if seconds else F.col(column).cast("timestamp")
            )
        return frame


TABLES = (
    ShopTable(
        name="orders",
        key="order_id",
        select=(
            "SELECT o.id AS order_id, o.buyer_id, o.status, MONEY(o.total) AS total, o.currency, "
            "TIME(o.created_at) AS created_at, TIME(o.updated_at) AS updated_at FROM orders_order o"
        ),
        changed="o.updated_at",
        money=("total",),
        times=("created_at", "updated_at"),
    ),
    ShopTable(
        name="order_lines",
        key="line_id",
        select=(
            "SELECT l.id AS line_id, l.order_id, COALESCE(l.product_id, 0) AS product_id, "
            "COALESCE(l.seller_id, 0) AS seller_id, COALESCE(p.category_id, 0) AS category_id, l.title, "
            "MONEY(l.unit_price) AS unit_price, l.quantity, MONEY(l.line_total) AS line_total, "
            "TIME(o.created_at) AS order_created_at "
            "FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id "
            "LEFT JOIN catalog_product p ON p.id = l.product_id"
        ),
        changed="o.created_at",
        money=("unit_price", "line_total"),
        times=("order_created_at",),
    ),
    ShopTable(
        name="products",
        key="product_id",
        select=(
            "SELECT p.id AS product_id, p.seller_id, p.category_id, p.title, MONEY(p.price) AS price, "
            "CASE WHEN p.is_active THEN 1 ELSE 0 END AS is_active, "
            "TIME(p.created_at) AS created_at, TIME(p.updated_at) AS updated_at FROM catalog_product p"
        ),
        changed="p.updated_at",
        money=("price",),
        times=("created_at", "updated_at"),
    ),
    ShopTable(
        name="categories",
        key="category_id",
        select="SELECT c.id AS category_id, COALESCE(c.parent_id, 0) AS parent_id, c.name FROM catalog_category c",
        changed=None,
    ),
    ShopTable(
        name="sellers",
        key="seller_id",
        select="SELECT s.user_id AS seller_id, s.shop_name, s.slug FROM accounts_sellerprofile s",
        changed=None,
    ),
    ShopTable(
        name="users",
        key="user_id",
        select="SELECT u.id AS user_id, u.role, TIME(u.date_joined) AS date_joined FROM accounts_user u",
        changed="u.date_joined",
        times=("date_joined",),
    ),
)


def copy(context, table: ShopTable, dialect: Dialect, *, since: str | None = None, partitions: int = 1) -> int:
    """Read `table` (rows changed after `since`, or all) and write it to the warehouse."""
    from spark_jobs import sink, source

    text = (*table.money, *table.times) if dialect.name == "sqlite" else ()
    sql = table.sql(dialect, since)
    frame = table.shape(source.read(context.spark, sql, split_on=table.key, partitions=partitions, text_columns=text))
    return sink.write(frame, table.name, version=context.version)
