"""Scripts copier.yml's `_migrations` run during `copier update` (see the README)."""
