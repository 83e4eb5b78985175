"""DataFrames from rows the driver holds (read from the warehouse), through Arrow.

Spark pickles plain Python rows one by one (20 s for 400k rows here); a pandas
frame goes over as Arrow batches instead (spark_jobs.session enables it).
"""


def from_rows(spark, rows: list[tuple], schema: str):
    """A DataFrame of `rows` with `schema` ("name type, ..."), in the rows' order."""
    import pandas

    names = [column.strip().split()[0] for column in schema.split(",")]
    return spark.createDataFrame(pandas.DataFrame.from_records(rows, columns=names), schema)
