from tests.integration.public.conftest import (  # noqa: F401
    _fresh_g_per_request,
    discussion,
    make_comment,
    publish_feedback,
    resident,
)
