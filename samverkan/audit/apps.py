from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "samverkan.audit"
    label = "audit"

    def ready(self) -> None:
        from samverkan.audit import recorder

        recorder.connect()
