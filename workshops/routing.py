"""WebSocket routes, mounted by ``lms.asgi`` behind the origin check and
session authentication."""

from django.urls import path

from .consumers import WorkshopRoomConsumer

websocket_urlpatterns = [
    path("ws/workshops/<int:workshop_id>/", WorkshopRoomConsumer.as_asgi()),
]
