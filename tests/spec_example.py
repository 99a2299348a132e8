"""The spec's example session as data: the files it must produce, and where."""

SPEC_JOB = {
    "tenant_id": "mycompany",
    "environment": "dev",
    "source_connector": "stripe",
    "source_connector_path": "/app/connectors/stripe.yaml",
    "target_connector": "iceberg",
    "target_connector_path": "/app/connectors/iceberg.yaml",
    "asset": "stripe_customers",
    "asset_path": "/app/assets/stripe/v1.0/stripe_customers.yaml",
    "source": {"objects": ["customers"], "incremental": {"lookback_days": 1}},
    "target": {
        "branch": "mycompany",
        "warehouse": "s3://lake/mycompany/",
        "connection": {
            "s3": {"bucket": "mycompany-data-lake", "prefix": "raw/stripe/stripe_customers"},
            "nessie": {"uri": "http://nessie.mycompany.internal:19120/api/v1"},
        },
    },
    "logging": {"redaction": True, "level": "INFO"},
}

SPEC_SCHEMA = [
    {"name": "id", "type": "string", "required": True},
    {"name": "email", "type": "string", "required": False, "classification": "PII"},
    {"name": "created", "type": "timestamp", "required": True},
    {"name": "balance", "type": "double", "required": False},
]

SPEC_ASSET = {
    "asset": {
        "name": "stripe_customers",
        "source_type": "stripe",
        "object": "customers",
        "version": "1.0",
        "schema": SPEC_SCHEMA,
        "governance": {
            "owner": "data-team@mycompany.com",
            "tags": ["stripe", "customers"],
            "classification": ["PII"],
            "retention_days": 30,
        },
        "target": {"file_format": "parquet", "partitioning": ["ingest_date"], "mode": "strict"},
    }
}

ASSET_FILE = "assets/stripe/v1.0/stripe_customers.yaml"
JOB_FILE = "jobs/mycompany/stripe_customers_to_iceberg.yaml"
ANSWERS_FILE = ".copier-answers/mycompany/stripe_customers_to_iceberg.yml"
