"""Connection answers: settings as plain values, credentials only as ${ENV} references.

Generated files are committed and shared; a password typed into a connection would end
up in git. Credentials therefore have to stay references the runtime resolves: an
${ENV} variable or the secret file the connector's recipe names.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .checks import has_control_characters
from .classification import name_tokens
from .fields import IDENTIFIER
from .limits import shown
from .list_answers import ListAnswerError, parse_mapping
from .registry import Connector
from .runtime import ENV_REFERENCE

CREDENTIAL_TOKENS = frozenset(
    "password passwd pwd pass secret secrets token apikey key credential credentials sas private".split()
)


def is_credential_key(key: str) -> bool:
    return bool(CREDENTIAL_TOKENS.intersection(name_tokens(key)))


def secret_file(connector: Connector, tenant_id: str) -> str:
    template = (connector.recipe.get("credentials") or {}).get("file_template") or ""
    return template.replace("{tenant}", tenant_id)


def _url_password(text: str) -> bool:
    try:
        return bool(urlsplit(text).password)
    except ValueError:
        return False


def _is_reference(value: Any, allowed_secret_file: str) -> bool:
    """Empty, an ${ENV} reference, or the recipe's secret file: nothing secret in the text itself."""
    if value in (None, ""):
        return True
    return bool(ENV_REFERENCE.fullmatch(str(value))) or (bool(allowed_secret_file) and value == allowed_secret_file)


def _setting_problem(where: str, key: Any, value: Any, allowed_secret_file: str) -> str:
    if not isinstance(key, str) or not IDENTIFIER.fullmatch(key):
        return f"{where}: {shown(key)} is not a setting name (letters, digits and _)"
    if isinstance(value, dict):
        return _mapping_problem(f"{where}.{key}", value, allowed_secret_file)
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return f"{where}.{key}: {shown(value)} is not a plain value"
    text = value if isinstance(value, str) else ""
    if has_control_characters(text):
        return f"{where}.{key}: {shown(value)} must be one line without control characters"
    if is_credential_key(key) and not _is_reference(value, allowed_secret_file):
        return (
            f"{where}.{key}: must be ${{ENV}}; a credential must not be written into the job, "
            f"give an ${{ENV}} reference such as '${{{key.upper()}}}' and set the variable where the job runs"
        )
    if _url_password(text):
        return f"{where}.{key}: the URL has a password; put it in an ${{ENV}} variable instead"
    return ""


def _mapping_problem(where: str, value: dict[Any, Any], allowed_secret_file: str) -> str:
    for key, item in value.items():
        if problem := _setting_problem(where, key, item, allowed_secret_file):
            return problem
    return ""


def check_connection(question: str, connector: Connector, tenant_id: str, value: Any) -> str:
    try:
        settings = parse_mapping(value)
    except ListAnswerError as error:
        return f"{question}: {error}"
    if not isinstance(settings, dict):
        return f"{question}: {shown(value)} is not a mapping of settings, e.g. host=${{PGHOST}}, port=5432"
    value = settings
    return _mapping_problem(question, value, secret_file(connector, tenant_id))
