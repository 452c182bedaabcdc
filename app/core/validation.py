"""Input schemas: one pydantic model per use case, shared by the HTML form and the JSON API.

A view turns what it received (form fields, a JSON body) into the schema's input and calls
:meth:`Schema.parse`; the service then takes the parsed schema. A schema checks what needs no
stored data (types, lengths, formats); the service checks the rest (the project area, the
survey's questions, permissions). Both refuse with :class:`app.core.errors.Invalid`, whose
``fields`` name the top-level input field, so a form shows each message next to its field and
the API returns them under ``error.fields``.

Messages are the platform's own, translated with Flask-Babel, never pydantic's English: a
validator refuses with :func:`refuse` and an already translated message; other errors get the
schema's :attr:`Schema.error_messages` for their field, or a generic message for their kind.
The OpenAPI document is generated from the same models (``app/api/openapi.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, Self

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from app.core.errors import Invalid, Malformed

#: The error type of :func:`refuse`.
REFUSED = "platsdialog_refused"

#: Validators of single fields, by schema and field name (see ``Schema.field_error``).
_field_adapters: dict[tuple[type[Schema], str], TypeAdapter[Any]] = {}


def refuse(message: str) -> PydanticCustomError:
    """For a validator to raise: a refusal whose (translated) message is shown as it is."""
    return PydanticCustomError(REFUSED, "{message}", {"message": message})


class Schema(BaseModel):
    """Base of the input schemas: immutable, unknown fields refused unless a schema says so."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Messages by location instead of the generic ones: ``"client_id"`` for any error of the
    #: field, ``"client_id:missing"`` for one kind; list items as ``*`` (``"answers.*"``).
    error_messages: ClassVar[Mapping[str, Callable[[], str]]] = {}

    @classmethod
    def parse(cls, data: Any) -> Self:
        """``data`` (a mapping) as this schema, or raise ``Malformed``/``Invalid``."""
        if not isinstance(data, Mapping):
            raise Malformed(_("The body must be a JSON object."))
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise cls.invalid(exc) from None

    @classmethod
    def field_error(cls, name: str, value: Any) -> str | None:
        """The message for ``value`` as the field ``name`` on its own (a step of a form that
        asks for part of the input), or None when it is valid."""
        adapter = _field_adapters.get((cls, name))
        if adapter is None:
            field = cls.model_fields[name]
            # A type built at run time from the field's declaration (mypy cannot follow it).
            declared: Any = Annotated[field.annotation, *field.metadata]
            adapter = TypeAdapter(declared)
            _field_adapters[(cls, name)] = adapter
        try:
            adapter.validate_python(value)
        except ValidationError as exc:
            error = exc.errors(include_url=False, include_input=False)[0]
            error["loc"] = (name, *error["loc"])
            return cls.message_for(error)
        return None

    @classmethod
    def invalid(cls, exc: ValidationError) -> Invalid:
        """The ``Invalid`` error for pydantic's errors: one translated message per field."""
        fields: dict[str, str] = {}
        for error in exc.errors(include_url=False, include_input=False):
            loc = error["loc"]
            key = str(loc[0]) if loc else "_"
            if key not in fields:
                fields[key] = cls.message_for(error)
        if len(fields) == 1:
            message = next(iter(fields.values()))
        else:
            message = _("Some of what you sent is not valid.")
        return Invalid(message, fields=fields)

    @classmethod
    def message_for(cls, error: ErrorDetails) -> str:
        """The translated message of one pydantic error."""
        kind = error["type"]
        if kind == REFUSED:
            return str((error.get("ctx") or {})["message"])
        path = [("*" if isinstance(part, int) else str(part)) for part in error["loc"]]
        for end in range(len(path), 0, -1):
            where = ".".join(path[:end])
            for key in (f"{where}:{kind}", where):
                message = cls.error_messages.get(key)
                if message is not None:
                    return message()
        return generic_message(error)


#: Generic messages of pydantic error types, by the exact type; ``ctx`` is the error's context.
_MESSAGE_OF_TYPE: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: _("This field is required."),
    "extra_forbidden": lambda ctx: _("This field is not known."),
    "string_too_long": lambda ctx: _("Enter at most %(n)s characters.", n=ctx.get("max_length")),
    "string_too_short": lambda ctx: _("Enter at least %(n)s characters.", n=ctx.get("min_length")),
    "string_pattern_mismatch": lambda ctx: _("This is not in the expected format."),
    "greater_than": lambda ctx: _("Enter at least %(n)s.", n=ctx.get("ge", ctx.get("gt"))),
    "greater_than_equal": lambda ctx: _("Enter at least %(n)s.", n=ctx.get("ge", ctx.get("gt"))),
    "less_than": lambda ctx: _("Enter at most %(n)s.", n=ctx.get("le", ctx.get("lt"))),
    "less_than_equal": lambda ctx: _("Enter at most %(n)s.", n=ctx.get("le", ctx.get("lt"))),
    "enum": lambda ctx: _("Choose one of the allowed values."),
    "literal_error": lambda ctx: _("Choose one of the allowed values."),
    "list_type": lambda ctx: _("Enter a list."),
    "tuple_type": lambda ctx: _("Enter a list."),
    "too_long": lambda ctx: _("Enter at most %(n)s items.", n=ctx.get("max_length")),
    "too_short": lambda ctx: _("Enter at least %(n)s items.", n=ctx.get("min_length")),
    "dict_type": lambda ctx: _("Enter an object."),
    "model_type": lambda ctx: _("Enter an object."),
    "model_attributes_type": lambda ctx: _("Enter an object."),
    "mapping_type": lambda ctx: _("Enter an object."),
}

#: Generic messages of the other pydantic error types, by how the type begins.
_MESSAGE_OF_PREFIX: tuple[tuple[tuple[str, ...], Callable[[], str]], ...] = (
    (("string",), lambda: _("Enter text.")),
    (("int",), lambda: _("Enter a whole number.")),
    (("float", "decimal", "finite"), lambda: _("Enter a number.")),
    (("bool",), lambda: _("Enter true or false.")),
)


def generic_message(error: ErrorDetails) -> str:
    """A translated message for a pydantic error type that no schema words itself."""
    kind = error["type"]
    exact = _MESSAGE_OF_TYPE.get(kind)
    if exact is not None:
        return exact(error.get("ctx") or {})
    for prefixes, message in _MESSAGE_OF_PREFIX:
        if kind.startswith(prefixes):
            return message()
    return _("This value is not valid.")
