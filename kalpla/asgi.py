"""One ASGI application for HTTP and WebSockets (served by uvicorn).

Once the project is loaded, what it allocated at start-up (Django, every app's modules, the
URL patterns) is moved out of the garbage collector's sight with ``gc.freeze()``: those
objects live as long as the process, and without it every full collection walked all of
them again (about 100 ms of CPU each, a request's latency spike every few hundred requests).
"""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalpla.settings")
from kalpla.asgi_handler import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from kalpla.body_limits import BodyLimitMiddleware  # noqa: E402
from kalpla.routing import websocket_urlpatterns  # noqa: E402
from kalpla.ws_auth import TokenOrSessionAuthMiddlewareStack, origin_checked  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodyLimitMiddleware(django_asgi_app),
        "websocket": origin_checked(
            TokenOrSessionAuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

gc.freeze()
