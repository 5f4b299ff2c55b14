"""Running newswatch at scale: analysed articles as Parquet parts (:mod:`.parquet`), the map step
on a Dask cluster (:mod:`.batch`, ``newswatch batch``) and the load into a database with the
cross-article pass (:mod:`.load`, ``newswatch load``). See ``docs/scale.md``."""
