"""Staff notifications: a short mail at once, or a daily digest (``flask notify digest``)."""
