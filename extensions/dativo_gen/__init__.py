"""dativo-gen's Jinja extension: registry knowledge for copier.yml and the templates.

The extension loads the registry and recipes once per Jinja environment and exposes
small functions taking plain answers (connector names, strings, lists) and returning
plain data, so copier.yml and the .jinja files stay declarative.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from copier.errors import UserMessageError
from copier_template_extensions import ContextHook
from jinja2 import Environment, pass_context

from . import checks, questions, suggest
from .answers_path import answers_file_template, job_answers_file
from .compile_cache import cache_root, reuse_compiled_strings
from .documents import asset_file, build_asset, build_job, job_file, schema_fields
from .drift import drift_message, read_recorded_answers, recorded_answer_problems
from .fields import FieldError
from .messages import after_copy_message, generated_header
from .preflight import problems_message, question_types, scripted_answer_problems
from .registry import Registry, RegistryError, load_registry
from .yaml_out import yaml_block, yaml_value


class Globals:
    """The functions copier.yml and the templates call, bound to one registry."""

    def __init__(self, registry: Registry):
        self.registry = registry

    def _schema(self, source: str, starter_fields: Any, fields: Any) -> list[dict[str, Any]]:
        answers = {"source_connector": source, "starter_fields": starter_fields, "fields": fields}
        return schema_fields(self.registry, answers)

    def _schema_or_empty(self, source: str, starter_fields: Any, fields: Any) -> list[dict[str, Any]]:
        try:
            return self._schema(source, starter_fields, fields)
        except FieldError:
            return []

    def functions(self) -> dict[str, Any]:
        get = self.registry.get
        return {
            # choices and help
            "source_choices": lambda mode: questions.connector_choices(self.registry, "source", mode),
            "target_choices": lambda mode: questions.connector_choices(self.registry, "target", mode),
            "connector_summary": lambda name: questions.connector_summary(get(name)),
            "starter_summary": lambda name: questions.starter_summary(get(name)),
            "starter_field_names": lambda name: questions.field_choices(suggest.starter_fields(get(name))),
            "credential_hints": lambda name, tenant: suggest.credential_hints(get(name), tenant),
            "supported_objects": lambda name: list(get(name).objects_supported),
            # which questions apply
            "source_kind": lambda name: questions.source_kind(get(name)),
            "target_kind": lambda name: get(name).kind,
            "target_is_lake": lambda name: questions.is_lake(get(name)),
            "supports_incremental": lambda name: get(name).supports_incremental,
            "has_nessie": lambda name: bool(suggest.nessie_template(get(name))),
            # suggested defaults
            "suggested_asset_name": lambda name: suggest.suggest_asset_name(get(name)),
            "suggested_object": lambda name, asset: suggest.suggest_object(get(name), asset),
            "suggested_objects": lambda name, obj: suggest.suggest_objects(get(name), obj),
            "suggested_lookback_days": lambda name: suggest.suggest_lookback_days(get(name)),
            "suggested_table_name": lambda name, obj: suggest.suggest_table_name(get(name), obj),
            "suggested_file_paths": lambda name, tenant, obj: suggest.suggest_file_paths(get(name), tenant, obj),
            "connection_template": lambda name: suggest.connection_template(get(name)),
            "default_tags": questions.default_tags,
            "schema_field_names": lambda *a: questions.field_choices(self._schema_or_empty(*a)),
            "suggested_pii": lambda *a: questions.suggested_classified(self._schema_or_empty(*a), "PII"),
            "suggested_sensitive": lambda *a: questions.suggested_classified(self._schema_or_empty(*a), "SENSITIVE"),
            "suggested_cursor_field": lambda name, *a: questions.suggested_cursor_field(
                get(name), self._schema_or_empty(name, *a)
            ),
            # validators
            "check_identifier": checks.check_identifier,
            "check_table_name": checks.check_table_name,
            "check_email": checks.check_email,
            "check_version": checks.check_version,
            "check_whole_number": checks.check_whole_number,
            "check_relative_dir": checks.check_relative_dir,
            "check_connection": checks.check_connection,
            "check_not_empty": checks.check_not_empty,
            "check_string_list": checks.check_string_list,
            "check_objects": lambda name, value: checks.check_objects(get(name), value),
            "check_fields": lambda *a: checks.check_schema(lambda: self._schema(*a)),
            "check_cursor_field": lambda value, *a: checks.check_cursor_field(
                value, questions.field_choices(self._schema_or_empty(*a))
            ),
            # generated files
            "asset_document": pass_context(lambda ctx: build_asset(self.registry, ctx)),
            "job_document": pass_context(lambda ctx: build_job(self.registry, ctx)),
            "asset_file": pass_context(asset_file),
            "job_file": pass_context(job_file),
            "generated_header": generated_header,
            "after_copy_message": pass_context(lambda ctx: after_copy_message(self.registry, ctx)),
            "cache_dir": lambda: str(cache_root()),
        }


class DativoExtension(ContextHook):
    """Registers the functions and, on the first render, checks the scripted answers."""

    def __init__(self, environment: Environment):
        super().__init__(environment)
        template_root = Path(environment.loader.searchpath[0])
        try:
            self.registry = load_registry(template_root)
        except RegistryError as error:
            raise UserMessageError(f"dativo-gen: {error}") from None
        self.questions = question_types(template_root)
        self.checked = False
        self.drift_checked = False
        environment.globals.update(Globals(self.registry).functions())
        answers_template = answers_file_template(template_root)
        environment.globals["job_answers_file"] = pass_context(lambda ctx: job_answers_file(answers_template, ctx))
        environment.filters.update(yaml_value=yaml_value, yaml_block=yaml_block)
        reuse_compiled_strings(environment)

    def hook(self, context: dict[str, Any]) -> None:
        if not self.drift_checked:
            self.check_recorded_answers(context["_copier_conf"])
        if self.checked:
            return
        self.checked = True
        conf = context["_copier_conf"]
        problems = scripted_answer_problems(self.registry, conf["data"], self.questions, conf["defaults"])
        if problems:
            raise UserMessageError(problems_message(problems))

    def check_recorded_answers(self, conf: Any) -> None:
        """Once, when updating or recopying a job: do its recorded answers still fit the registry?"""
        # Copier renders the answers file's path with this hook too, then with the path blanked.
        answers_file = str(conf["answers_file"])
        if self.drift_checked or not answers_file:
            return
        self.drift_checked = True
        recorded = read_recorded_answers(Path(conf["dst_path"]) / answers_file)
        if problems := recorded_answer_problems(self.registry, recorded, conf["data"], self.questions):
            raise UserMessageError(drift_message(answers_file, recorded, problems))
