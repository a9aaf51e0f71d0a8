import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flowstudio.settings")
application = get_wsgi_application()

# Call events are posted one request each: their hook is answered before Django's middleware.
from editor.events.wsgi import with_events_hook  # noqa: E402 - needs Django set up

application = with_events_hook(application)
