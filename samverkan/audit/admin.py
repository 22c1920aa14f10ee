"""The audit log is read on its own page (samverkan.audit.views), which shows
a confidential event's content only to who may read the thing itself; the
admin site does not list it, so that it is no way around that rule."""
