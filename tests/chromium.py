"""Headless Chromium for the browser tests: where it is, and the flags they launch it with."""

from __future__ import annotations

# Flags that keep headless Chromium from reaching for a network this machine may not have.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
