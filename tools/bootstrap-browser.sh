#!/bin/sh
# Install the Debian chromium that the browser tests drive through Playwright.
# We never run `playwright install`: its browser download comes from hosts this project cannot rely on.
set -eu

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
    # Debian's wrapper script prints shell noise on stderr in some containers; the version is on stdout.
    echo "chromium is already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "error: $CHROMIUM is missing, and installing it needs root." >&2
    echo "Ask an administrator to run: apt-get update && apt-get install -y chromium fonts-liberation" >&2
    echo "or run this script as root: sudo sh tools/bootstrap-browser.sh" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
# No recommends (udev, upower, notification daemons are useless headless), but the metric-compatible
# Arial/Helvetica/Times fonts so pages render the same text widths as on a desktop.
apt-get install -y --no-install-recommends chromium fonts-liberation
echo "installed: $("$CHROMIUM" --version 2>/dev/null)"
