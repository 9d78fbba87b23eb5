#!/bin/sh
# Runs devsecrets on the bundled example in a scratch copy: init, then run the app.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cli="$here/../../bin/devsecrets.js"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/devsecrets.json" "$here/app.js" "$work/"
cd "$work"
git init -q .
# A scratch home, so trying the example leaves nothing behind in your keychain or config.
export DEVSECRETS_HOME="$work/.home" DEVSECRETS_KEYCHAIN=off
echo "\$ devsecrets init"
node "$cli" init --yes
echo "\$ devsecrets ls"
node "$cli" ls
echo "\$ devsecrets run -- node app.js"
node "$cli" run -- node app.js
