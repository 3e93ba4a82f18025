"""Small helpers shared by the page tests."""

from __future__ import annotations

from typing import Any

from django.test import Client

from accounts.models import User


def client_for(user: User) -> Client:
    """A test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def html(response: Any) -> str:
    """The page's HTML, after checking it rendered."""
    assert response.status_code == 200
    return str(response.content.decode())
