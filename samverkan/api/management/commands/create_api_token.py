from django.core.management.base import BaseCommand, CommandError

from samverkan.accounts.models import User
from samverkan.api.services import token_issue


class Command(BaseCommand):
    help = (
        "Issue a read-API token that acts as USERNAME within that user's organisation. The key is shown once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help="what the token is for")

    def handle(self, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        try:
            _token, key = token_issue(user=user, name=name)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(key)
