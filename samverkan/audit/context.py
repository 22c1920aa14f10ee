"""Who is acting right now: set per request by the middleware, or by a
management command for its run."""

import contextlib
import contextvars

_actor = contextvars.ContextVar("audit_actor", default=None)
_label = contextvars.ContextVar("audit_actor_label", default="system")


def current_actor():
    return _actor.get(), _label.get()


@contextlib.contextmanager
def acting_as(user=None, label: str | None = None):
    actor_token = _actor.set(user if user is not None and user.is_authenticated else None)
    label_token = _label.set(
        label or (user.get_username() if user is not None and user.is_authenticated else "system")
    )
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _label.reset(label_token)
