"""The WSGI application (the ASGI one in asgi.py serves the site; this is for WSGI hosts).

Start-up objects are frozen out of the garbage collector's full collections, as in asgi.py.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalpla.settings")

application = get_wsgi_application()

gc.freeze()
