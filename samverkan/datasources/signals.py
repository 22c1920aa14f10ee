from django.dispatch import Signal

# Sent after an import has been committed; `batch` is the ImportBatch.
batch_imported = Signal()

# Sent after a field observation has been saved through the form.
observation_recorded = Signal()
