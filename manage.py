#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

manage.py is the developer's tool, so it defaults to local development: DEBUG on, with the
development key and hosts that settings.py then allows. The server entry points
(interviewprep/wsgi.py, asgi.py) keep the production default. An environment that sets DEBUG,
or that has a SECRET_KEY (a server's environment), is left as it is. See docs/deploy.md.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
