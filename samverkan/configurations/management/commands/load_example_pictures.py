from samverkan.configurations.example_command import ExampleCommand
from samverkan.situations.demo import load_example_pictures


class Command(ExampleCommand):
    help = (
        "Load a configuration's worked example of situation pictures (situations.toml), "
        "after its demo content and any data imports. Loading again changes nothing."
    )
    file_name = "situations.toml"
    label = "Example situation pictures"

    def load(self, data, municipality):
        return [picture.title for picture in load_example_pictures(data, municipality=municipality)]
