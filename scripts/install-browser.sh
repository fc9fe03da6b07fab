#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium and its matching chromedriver for the browser tests.
# Idempotent: does nothing when both are present. Never fails the caller: when it cannot install
# (no apt, no sudo, offline), it says so and exits 0, and the browser tests skip with a reason.
set -u

have() { command -v "$1" >/dev/null 2>&1; }

if have chromium && have chromedriver; then
    echo "install-browser: chromium and chromedriver already installed"
    exit 0
fi

if ! have apt-get; then
    echo "install-browser: apt-get not found; install chromium + chromedriver yourself (browser tests will skip)"
    exit 0
fi

# Root runs apt directly; anyone else needs sudo without a password prompt blocking a script.
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif have sudo; then
    SUDO="sudo"
else
    echo "install-browser: not root and no sudo; cannot install chromium (browser tests will skip)"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver; then
    echo "install-browser: installed $(chromium --version 2>/dev/null || echo chromium)"
else
    echo "install-browser: apt-get could not install chromium chromium-driver (browser tests will skip)"
fi
exit 0
