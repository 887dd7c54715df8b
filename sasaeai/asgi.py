"""ASGI entry point for Sasaeai."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasaeai.settings")

application = get_asgi_application()
