from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incident management"

    def ready(self) -> None:
        from . import caching

        caching.connect()
        # Cached choice lists are built again after any change to what they list.
        from incidents.forms.choices import connect_signals

        connect_signals()
