"""The stores: SQLite facts (facts_store), and the pipeline that fills them."""
