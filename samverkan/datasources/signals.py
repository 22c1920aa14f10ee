from django.dispatch import Signal

# Sent after an import has been committed; `batch` is the ImportBatch.
batch_imported = Signal()

# Sent after a field observation has been saved through the form.
observation_recorded = Signal()

# Sent after stored rows were matched to areas again; `municipality`, and
# `years` per source kind ({"bra": {2023, 2024}, "survey": {2023}}).
rows_rematched = Signal()

# Sent by a command that imported a file outside the worker (import_file
# --apply, fetch_police_events), after the import was committed: what is
# derived from imports (the indicators) is brought up to date at once, before
# the command ends, rather than when a worker takes the queued task.
# `batch` is the ImportBatch.
command_imported = Signal()
