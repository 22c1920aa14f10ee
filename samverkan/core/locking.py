"""One submit, one effect: a service that moves a thing from one state to
the next (submits a picture, adopts a plan, records a decision) first locks
the thing's row and reads it afresh, inside its transaction. Two requests
at once then take turns, and the second sees what the first did: on
PostgreSQL SELECT ... FOR UPDATE waits for the first to commit; on SQLite
every transaction is IMMEDIATE (settings), so there is one writer at a time."""

from django.db import models, transaction


def locked[M: models.Model](instance: M) -> M:
    """Lock `instance`'s row until the transaction ends and refresh it from the
    database; must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() must run inside transaction.atomic")
    list(
        type(instance)
        ._default_manager.select_for_update(of=("self",))
        .filter(pk=instance.pk)
        .values_list("pk")
    )
    instance.refresh_from_db()
    return instance
