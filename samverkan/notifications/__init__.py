"""In-app notifications with an e-mail copy: the room every app sends its
notices through (follow-ups submitted, compilations sent back, reminders
of the årshjul, consultation reminders)."""
