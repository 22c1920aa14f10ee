"""The årshjul: every recurring date of the collaboration for a municipality.

The calendar owns no dates of its own. Each domain app declares its
deadlines in a `deadlines` module (EST meetings, tertial follow-ups and the
yearly compilation, reports to committees, agreements that expire or are
due for revision, consultation responses), computed from what is already
recorded; the calendar collects them, shows them and sends the reminders."""
