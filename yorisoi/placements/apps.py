from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "yorisoi.placements"
    verbose_name = "居所・受入照会・つなぎ"

    def ready(self) -> None:
        # Placements, inquiries, connections and vacancy calls appear in an organization's relationship history
        # and its date of last contact, through the lists partners keeps for that (partners/selectors.py).
        from .history import register

        register()
