from samverkan.configurations.example_command import ExampleCommand
from samverkan.consultations.demo import load_example_consultations


class Command(ExampleCommand):
    help = (
        "Replay a configuration's consultation rounds (consultations.toml): drafts referred, responses, "
        "minutes and the outcome of each amendment proposal. Loading again changes nothing."
    )
    file_name = "consultations.toml"
    label = "Consultation rounds"

    def load(self, data, municipality):
        return load_example_consultations(data, municipality=municipality)
