"""Texts of Django itself that its Swedish catalogue lacks. Listing them here
lets makemessages put them in our catalogue, which takes precedence."""

from django.utils.translation import gettext_noop

DJANGO_TEXTS = [
    gettext_noop("- Select an option -"),  # the empty choice of a model field (Django 6.1)
]
