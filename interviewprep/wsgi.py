"""The production entry point (gunicorn, `make serve`).

Unlike manage.py it sets no development default: without DEBUG=1 the settings are production
settings and refuse to load unless SECRET_KEY and ALLOWED_HOSTS are set. See docs/deploy.md.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")

application = get_wsgi_application()

# Load the answer-scoring word vectors now, in each worker as it starts, rather than
# during the first submitted answer.
from questions.semantics import warm_up  # noqa: E402

warm_up()
