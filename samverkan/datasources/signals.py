from django.dispatch import Signal

# Sent after an import has been committed; `batch` is the ImportBatch.
batch_imported = Signal()

# Sent after a field observation has been saved through the form.
observation_recorded = Signal()

# Sent after stored rows were matched to areas again; `municipality`, and
# `years` per source kind ({"bra": {2023, 2024}, "survey": {2023}}).
rows_rematched = Signal()
