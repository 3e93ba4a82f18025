"""Debian's Chromium driven by Playwright, for the few tests that need a real browser.

Playwright's own browser downloads are not used: the machine's /usr/bin/chromium is. As root
(CI) a missing Chromium is a failure, since `make test` installs it; an ordinary user without
it gets a skip that says how to install it."""

from __future__ import annotations

import os
import re
import shutil
import time
from base64 import b32decode
from binascii import unhexlify
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from core.demo import demo_totp_key

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.geteuid() == 0:
        pytest.fail(
            "chromium is missing; `make test` installs it as root (apt-get install chromium)"
        )
    pytest.skip("browser tests need Debian's chromium: sudo apt-get install chromium")


def collect_csp_violations(
    target: BrowserContext | Page, into: list[str] | None = None
) -> list[str]:
    """The Content-Security-Policy violations Chromium reports on `target`'s console, as
    they come (appended to `into` when given)."""
    violations: list[str] = [] if into is None else into

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    target.on("console", on_console)
    return violations


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium whose pages may break no Content-Security-Policy rule: the test
    fails at the end if any page reported a violation."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        violations: list[str] = []
        new_context, new_page = browser.new_context, browser.new_page

        def watched_context(**kwargs: Any) -> BrowserContext:
            context = new_context(**kwargs)
            collect_csp_violations(context, violations)
            return context

        def watched_page(**kwargs: Any) -> Page:
            page = new_page(**kwargs)
            collect_csp_violations(page, violations)
            return page

        setattr(browser, "new_context", watched_context)  # noqa: B010
        setattr(browser, "new_page", watched_page)  # noqa: B010
        try:
            yield browser
        finally:
            browser.close()
        assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def screenshot_path(name: str) -> str:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")


# The time step last used per key: the server refuses a code twice, so a second sign-in
# within the same 30 seconds types the next step's code (the server accepts one step ahead).
_LAST_STEP: dict[bytes, int] = {}
# The keys of the authenticators users set up in the browser, for their next sign-in.
_ENROLLED: dict[str, bytes] = {}


def totp_code(key: bytes) -> str:
    totp = TOTP(key)
    totp.time = time.time()
    step = max(totp.t(), _LAST_STEP.get(key, -1) + 1)
    _LAST_STEP[key] = step
    totp.time = step * totp.step
    return f"{totp.token():06d}"


def pass_second_factor(page: Page, username: str) -> None:
    """After the password step: type a current code. A user without an authenticator sets one
    up from the secret the page shows, as a person would, and moves past the backup codes; a
    user with one types a code from it (the demo accounts' fixed key unless set up here)."""
    page.wait_for_url(re.compile(r"/account/(verify|enrol)/"))
    if "/account/enrol/" in page.url:
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        key = _ENROLLED[username] = b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("#id_code", totp_code(key))
        page.press("#id_code", "Enter")
        page.locator(".backup-codes").wait_for()
        page.click("text=I have saved them")
    else:
        key = _ENROLLED.get(username) or unhexlify(demo_totp_key(username))
        page.fill("#id_code", totp_code(key))
        page.press("#id_code", "Enter")
