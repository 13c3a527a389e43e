"""WebSocket routes, mounted by ``lms.asgi`` behind the origin check and
session authentication."""

websocket_urlpatterns: list = []
