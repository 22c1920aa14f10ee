from samverkan.configurations.example_command import ExampleCommand
from samverkan.configurations.history import load_example_history
from samverkan.configurations.loader import CONFIGURATIONS


class Command(ExampleCommand):
    help = (
        "Import a configuration's sample files and a generated ten-year example history "
        "(demo.toml: [[samples]], [history]), marked as example data. Loading again changes nothing."
    )
    file_name = "demo.toml"
    label = "Example history"

    def handle(self, name, **options):
        self.folder = CONFIGURATIONS / name
        super().handle(name, **options)

    def load(self, data, municipality):
        return load_example_history(data, municipality=municipality, folder=self.folder)
