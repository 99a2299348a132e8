"""dativo-gen's Jinja extension: registry knowledge for copier.yml and the templates.

The extension loads the registry and recipes once per Jinja environment and exposes
small functions taking plain answers (connector names, strings, lists) and returning
plain data, so copier.yml and the .jinja files stay declarative.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from copier.errors import UserMessageError
from copier_template_extensions import ContextHook
from jinja2 import Environment, pass_context

from . import checks, list_answers, location_checks, questions, runtime, schema_source, suggest
from .answered_choices import answered_connectors, running_worker
from .answers_path import JobAnswersFile, answers_file_template
from .clobber import clobber_message, clobbered_files
from .compile_cache import reuse_compiled_strings
from .documents import asset_file, build_asset, build_job, job_file, schema_fields
from .drift import drift_message, read_recorded_answers, recorded_answer_problems
from .fields import FieldError
from .messages import after_copy_message, generated_header
from .paths import generated_paths
from .preflight import CONNECTOR_ROLES, problems_message, read_questions, scripted_answer_problems, size_problems
from .registry import Registry, RegistryError, load_registry, read_template_yaml
from .staged_output import placed_in_throwaway_copy, staged_digests, staged_file
from .validation import AnswerProblems
from .writing import JobWriting, run_end_problem
from .yaml_out import yaml_block, yaml_value


def _imported(module: str) -> Any:
    """A module of this package that a copy does not need (update, database sources), imported when first called."""
    return importlib.import_module(f".{module}", __package__)


class Globals:
    """The functions copier.yml and the templates call, bound to one registry."""

    def __init__(self, registry: Registry, problems: AnswerProblems, defaults: Mapping[str, Any]):
        self.registry = registry
        self.problems = problems
        self.defaults = defaults  # copier.yml's defaults, as written
        self.inference = schema_source.SchemaInference(registry)

    def _schema(self, source: str, starter_fields: Any, fields: Any) -> list[dict[str, Any]]:
        answers = {"source_connector": source, "starter_fields": starter_fields, "fields": fields}
        return schema_fields(self.registry, answers)

    def _schema_or_empty(self, source: str, starter_fields: Any, fields: Any) -> list[dict[str, Any]]:
        try:
            return self._schema(source, starter_fields, fields)
        except FieldError:
            return []

    def nothing_to_suggest(self, ctx: Any, name: str, starter_fields: Any, *inference: Any) -> bool:
        """Whether a person at the prompt must type the fields: nothing inferred, no starter fields.

        Copier checks a question's default before it asks, and an empty schema fails the
        check, so such a `fields` question gets no default at all.
        """
        conf = ctx["_copier_conf"]
        if not schema_source.while_asking(ctx) or conf["defaults"] or "fields" in conf["data"]:
            return False
        if starter_fields and suggest.starter_fields(self.registry.get(name)):
            return False
        return self.inference.field_texts(name, *inference) is None

    def connector_choices(self, ctx: Any, question: str, mode: str) -> dict[str, Any]:
        role = CONNECTOR_ROLES[question]
        names = self.registry.names_with_role(role)
        answered = answered_connectors(ctx, question, self.defaults.get(question), names)
        return questions.connector_choices(self.registry, role, mode, answered)

    def functions(self) -> dict[str, Any]:
        get = self.registry.get
        return {
            # choices and help
            "source_choices": pass_context(lambda ctx, mode: self.connector_choices(ctx, "source_connector", mode)),
            "target_choices": pass_context(lambda ctx, mode: self.connector_choices(ctx, "target_connector", mode)),
            "asset_format_choices": questions.asset_format_choices,
            "connector_summary": lambda name: questions.connector_summary(get(name)),
            "starter_summary": lambda name: questions.starter_summary(get(name)),
            "starter_field_names": lambda name: questions.field_choices(suggest.starter_fields(get(name))),
            "credential_hints": lambda name, tenant: suggest.credential_hints(get(name), tenant),
            "supported_objects": lambda name: list(get(name).objects_supported),
            # which questions apply
            "source_kind": lambda name: questions.source_kind(get(name)),
            "target_kind": lambda name: get(name).kind,
            "target_is_lake": lambda name: questions.is_lake(get(name)),
            "target_connection_note": lambda name: questions.target_connection_note(get(name)),
            "supports_incremental": lambda name: get(name).supports_incremental,
            "has_nessie": lambda name: suggest.has_catalog(get(name)),
            "needs_cursor": lambda name: runtime.needs_cursor(get(name).incremental_strategy_default),
            # suggested defaults
            "suggested_asset_name": lambda name: suggest.suggest_asset_name(get(name)),
            "suggested_object": lambda name, asset: suggest.suggest_object(get(name), asset),
            "suggested_objects": lambda name, obj: suggest.suggest_objects(get(name), obj),
            "suggested_bucket": suggest.suggest_bucket,
            "suggested_owner": suggest.suggest_owner,
            "suggested_nessie_uri": suggest.suggest_nessie_uri,
            "suggested_job_name": suggest.suggest_job_name,
            "suggested_lookback_days": lambda name: suggest.suggest_lookback_days(get(name)),
            "suggested_table_name": lambda name, obj: suggest.suggest_table_name(get(name), obj),
            "suggested_file_paths": lambda name, tenant, obj: suggest.suggest_file_paths(get(name), tenant, obj),
            "connection_template": lambda name: suggest.connection_template(get(name)),
            # list and mapping answers, typed as one line (list_answers.py)
            "text_or_yaml": pass_context(lambda ctx, key: list_answers.text_or_yaml(ctx[key]) if key in ctx else "str"),
            "list_text": list_answers.list_text,
            "mapping_text": list_answers.mapping_text,
            "default_tags": questions.default_tags,
            "suggested_pii": lambda *a: questions.suggested_classified(self._schema_or_empty(*a), "PII"),
            "suggested_sensitive": lambda *a: questions.suggested_classified(self._schema_or_empty(*a), "SENSITIVE"),
            "suggested_cursor_field": lambda name, *a: questions.suggested_cursor_field(
                get(name), self._schema_or_empty(name, *a)
            ),
            # schema from real data
            "schema_source_choices": lambda name: schema_source.source_choices(get(name)),
            "suggested_schema_source": lambda name, data: schema_source.suggest_source(get(name), data),
            "introspection_variables": lambda name: schema_source.connection_variables(get(name)),
            "suggested_schema_table": lambda name, obj, data: schema_source.suggest_schema_table(get(name), obj, data),
            "inferred_fields": pass_context(
                lambda ctx, *a: self.inference.field_texts(*a) if schema_source.while_asking(ctx) else None
            ),
            # Starters only when nothing was inferred; a connector without starters never infers here.
            "suggested_starter_fields": pass_context(
                lambda ctx, name, *a: (
                    not suggest.starter_fields(get(name))
                    or not schema_source.while_asking(ctx)
                    or self.inference.field_texts(name, *a) is None
                )
            ),
            "nothing_to_suggest": pass_context(lambda ctx, *a: self.nothing_to_suggest(ctx, *a)),
            "schema_note": pass_context(
                lambda ctx, *a: self.inference.note(*a) if schema_source.while_asking(ctx) else ""
            ),
            # generated files
            "asset_document": pass_context(lambda ctx: build_asset(self.registry, ctx)),
            "job_document": pass_context(lambda ctx: build_job(self.registry, ctx)),
            "asset_file": pass_context(asset_file),
            "job_file": pass_context(job_file),
            "generated_header": generated_header,
            "after_copy_message": pass_context(lambda ctx: after_copy_message(self.registry, ctx)),
            "no_answer_under_defaults": pass_context(lambda ctx, *a: self.problems.missing_answer(ctx, *a)),
        } | {name: self.problems.validator(check) for name, check in self.checks().items()}

    def checks(self) -> dict[str, Any]:
        """The validators of copier.yml; each takes the question's name first."""
        get = self.registry.get
        return {
            "check_identifier": checks.check_identifier,
            "check_optional_name": checks.check_optional_name,
            "check_table_name": checks.check_table_name,
            "check_email": checks.check_email,
            "check_version": checks.check_version,
            "check_text": checks.check_text,
            "check_path_text": checks.check_path_text,
            "check_absolute_path": checks.check_absolute_path,
            "check_branch": checks.check_branch,
            "check_whole_number": checks.check_whole_number,
            "check_tags": checks.check_tags,
            "check_name_list": checks.check_name_list,
            "check_path_list": checks.check_path_list,
            "check_relative_dir": location_checks.check_relative_dir,
            "check_s3_bucket": location_checks.check_s3_bucket,
            "check_s3_prefix": location_checks.check_s3_prefix,
            "check_http_url": location_checks.check_http_url,
            "check_warehouse": location_checks.check_warehouse,
            "check_connection": lambda question, name, tenant, value: _imported("connection_checks").check_connection(
                question, get(name), tenant, value
            ),
            "check_objects": lambda question, name, value: checks.check_objects(question, get(name), value),
            "check_fields": lambda question, *a: checks.check_schema(lambda: self._schema(*a)),
            "check_field_names": lambda question, value, *a: checks.check_field_names(
                question, value, questions.field_choices(self._schema_or_empty(*a))
            ),
            "check_cursor_field": lambda question, value, *a: checks.check_cursor_field(
                question, value, questions.field_choices(self._schema_or_empty(*a))
            ),
        }


class DativoExtension(ContextHook):
    """Registers the functions and stops a run whose answers cannot be used.

    Its hook runs at every render: the first one checks the answers given on the command
    line, every one raises what the validators recorded, and the first one after the
    questions (the render phase) refuses to replace other files.
    """

    def __init__(self, environment: Environment):
        super().__init__(environment)
        template_root = Path(environment.loader.searchpath[0])
        try:
            self.registry = load_registry(template_root)
        except RegistryError as error:
            raise UserMessageError(f"dativo-gen: {error}") from None
        # copier.yml, read once: the questions' types and choices, the answers file, the defaults.
        config = read_template_yaml(template_root / "copier.yml") or {}
        self.questions = read_questions(config)
        if problem := run_end_problem(config):
            raise UserMessageError(problem)
        self.problems = AnswerProblems()
        self.checked_scripted_answers = False
        self.checked_recorded_answers = False
        self.checked_clobbering = False
        # The job's answers and answers file when this run started: what an update moved from.
        self.recorded_before: dict[str, Any] = {}
        self.answers_file_before = ""
        questions = {key: spec for key, spec in config.items() if isinstance(spec, dict)}
        written_defaults = {key: spec.get("default") for key, spec in questions.items()}
        environment.globals.update(Globals(self.registry, self.problems, written_defaults).functions())
        answers_template = answers_file_template(config)
        job_answers_file = JobAnswersFile(answers_template)
        validators = {key: spec["validator"] for key, spec in questions.items() if spec.get("validator")}
        self.writing = JobWriting(
            environment, validators, self.questions, self.problems, lambda ctx: job_answers_file.path(environment, ctx)
        )
        environment.globals.update(
            job_answers_file=pass_context(job_answers_file),
            run_id=lambda: self.writing.run_id,
            finish_job_run=self.writing.finish,
            update_report=pass_context(
                lambda ctx: _imported("update_report").update_report(
                    Path(ctx["_copier_conf"]["dst_path"]),
                    self.recorded_before,
                    ctx["_copier_answers"],
                    self.answers_file_before,
                    job_answers_file.path(environment, ctx),
                )
            ),
            staged_file=lambda asset, job, answers: staged_file(template_root, asset, job, answers),
            # The placement task's verdict; Copier has written the staged file when it renders it.
            staged_digests=pass_context(
                lambda ctx: staged_digests(
                    template_root,
                    Path(ctx["_copier_conf"]["dst_path"]) / self.writing.staging(),
                    self.registry,
                )
            ),
            # The placement task's `when`: false once the files are placed here, in an update's throwaway copy.
            placed_in_throwaway_copy=pass_context(
                lambda ctx: placed_in_throwaway_copy(template_root, ctx, self.writing.staging())
            ),
        )
        forgotten: dict[str, str] = {}
        # (answers file, workspace) -> the job's (asset, job) paths before the update, if known.
        paths_before: dict[tuple[str, str], tuple[str, str] | None] = {}

        @pass_context
        def answers_to_forget_once(ctx: Any) -> str:
            """The answers forget_answers.py removes, comma-separated ('' for none: the migration's `when`
            is then false). copier.yml renders it twice per update (that `when` and the command)."""
            conf = ctx["_copier_conf"]
            key = json.dumps([str(conf["answers_file"]), str(conf["dst_path"]), conf["data"]], default=str)
            if key not in forgotten:
                follow = _imported("follow")
                defaults, render = follow.templated_defaults(config), follow.renderer(environment)
                try:
                    followed = follow.answers_to_forget(conf, defaults, answers_template, render, self.registry)
                except UserMessageError as error:
                    self.writing.refuse(str(error))
                self.writing.cover_new_paths(Path(conf["dst_path"]), followed.new_paths, followed.new_job)
                forgotten[key] = ",".join(followed.forget)
                paths_before[(str(conf["answers_file"]), str(conf["dst_path"]))] = followed.old_paths
            return forgotten[key]

        @pass_context
        def job_files_moved(ctx: Any) -> bool:
            """After an update: whether the asset or job file left its path (then carry_moved_edits.py runs)."""
            conf = ctx["_copier_conf"]
            before = paths_before.get((str(conf["answers_file"]), str(conf["dst_path"])))
            return before is None or before != generated_paths(ctx)

        environment.globals["answers_to_forget"] = answers_to_forget_once
        environment.globals["job_files_moved"] = job_files_moved
        typed_as_text = [key for key, question in self.questions.items() if question.typed_as_text]
        environment.filters.update(
            yaml_value=yaml_value,
            yaml_block=yaml_block,
            recorded_answers=lambda answers: list_answers.recorded_answers(answers, typed_as_text),
        )
        save_compiled = reuse_compiled_strings(environment)
        # Written once, when Copier's worker ends (its own cleanup hooks); else when the environment goes.
        if isinstance(cleanup := getattr(running_worker(), "_cleanup_hooks", None), list):
            cleanup.append(save_compiled)

    def hook(self, context: dict[str, Any]) -> None:
        try:
            self.check_answers(context)
        except RegistryError as error:  # a recipe read for the first time, broken
            raise UserMessageError(f"dativo-gen: {error}") from None

    def check_answers(self, context: dict[str, Any]) -> None:
        self.read_answered_recipes(context)
        conf = context["_copier_conf"]
        if not self.checked_scripted_answers:
            self.checked_scripted_answers = True
            # Sizes first: every other check formats or walks the answers.
            problems = size_problems(conf["data"]) or scripted_answer_problems(
                self.registry, conf["data"], self.questions, conf["defaults"]
            )
            if problems:
                raise UserMessageError(problems_message(problems))
        if not self.checked_recorded_answers:
            self.check_recorded_answers(conf)
        self.problems.raise_pending()
        phase = context.get("_copier_phase")
        if phase == "migrate":
            self.writing.before_update(context)
        if phase == "render" and not self.checked_clobbering:
            self.checked_clobbering = True
            self.writing.before_render(context)
            self.refuse_clobbering(context)

    def read_answered_recipes(self, context: dict[str, Any]) -> None:
        """The recipes of the connectors answered so far, read (and checked) before a render uses them."""
        for key in CONNECTOR_ROLES:
            name = context.get(key)
            if isinstance(name, str) and name in self.registry.unread:
                self.registry.get(name)

    def check_recorded_answers(self, conf: Any) -> None:
        """Once, when updating or recopying a job: do its recorded answers still fit the registry?"""
        # Copier renders the answers file's path with this hook too, then with the path blanked.
        answers_file = str(conf["answers_file"])
        if self.checked_recorded_answers or not answers_file or not conf.get("dst_path"):
            return
        self.checked_recorded_answers = True
        recorded = read_recorded_answers(Path(conf["dst_path"]) / answers_file)
        self.recorded_before, self.answers_file_before = recorded, answers_file
        if problems := recorded_answer_problems(self.registry, recorded, conf["data"], self.questions):
            raise UserMessageError(drift_message(answers_file, recorded, problems))

    def refuse_clobbering(self, context: dict[str, Any]) -> None:
        conf = context["_copier_conf"]
        # Updates always overwrite (in temporary copies too); a copy only when asked to.
        if conf["overwrite"]:
            return
        # Checked once this run holds the job: a run that wrote it meanwhile is seen.
        clobbered = clobbered_files(self.registry, context, Path(conf["dst_path"]))
        if clobbered:
            self.writing.refuse(clobber_message(clobbered, str(conf["answers_file"])))
