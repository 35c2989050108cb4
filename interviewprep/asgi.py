"""The ASGI entry point: production settings by default, as interviewprep/wsgi.py."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")

application = get_asgi_application()
