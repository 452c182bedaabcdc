"""Read forms out of rendered HTML and build exactly the body a browser would send."""

from __future__ import annotations

from typing import Any

import lxml.html


def rendered_forms(html: str) -> list[Any]:
    """All <form> elements of a page or fragment."""
    return list(lxml.html.fromstring(html).forms)


def form_by_action(html: str, action: str) -> Any:
    """The single form whose action is ``action``."""
    matches = [f for f in rendered_forms(html) if f.get("action") == action]
    assert len(matches) == 1, f"{len(matches)} forms post to {action}"
    return matches[0]


def form_fields(form: Any) -> dict[str, Any]:
    """The successful controls of ``form`` as the browser would submit them (no submit button)."""
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def field_names(form: Any) -> set[str]:
    """Every named control of ``form`` (checked or not)."""
    return {el.name for el in form.inputs if el.name}


def submit(client: Any, html: str, action: str, **changes: Any) -> Any:
    """Post the form with ``action`` as rendered, with ``changes`` to controls that exist."""
    form = form_by_action(html, action)
    data = form_fields(form)
    names = field_names(form)
    for key, value in changes.items():
        # A key names a control with or without the form's prefix ("label_sv" or "o3-label_sv").
        found = [n for n in names if n == key or n.endswith("-" + key)]
        assert len(found) == 1, f"the form posting to {action} has no control {key!r}: {names}"
        name = found[0]
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(action, data=data)
