from tests.integration.public.conftest import (  # noqa: F401
    discussion,
    make_comment,
    resident,
)
