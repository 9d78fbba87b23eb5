#!/bin/sh
# Runs the given command inside a private D-Bus session with an unlocked gnome-keyring,
# so the keychain tests talk to a real Secret Service. Where dbus-run-session or
# gnome-keyring-daemon is missing, the command runs as is and those tests skip themselves.
set -eu
if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec dbus-run-session -- sh -c 'echo | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; export DEVSECRETS_TEST_KEYRING=1; exec "$@"' sh "$@"
fi
exec "$@"
