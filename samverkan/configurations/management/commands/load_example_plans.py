from samverkan.configurations.example_command import ExampleCommand
from samverkan.plans.demo import load_example_plans


class Command(ExampleCommand):
    help = (
        "Load a configuration's worked example of action plans, follow-up, citizen promises and the "
        "yearly compilation (plans.toml), after load_example_pictures. Loading again changes nothing."
    )
    file_name = "plans.toml"
    label = "Example action plans"

    def load(self, data, municipality):
        return load_example_plans(data, municipality=municipality)
