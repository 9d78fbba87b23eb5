#!/bin/sh
# devsecrets-hook: written by `devsecrets hook install`; `devsecrets hook uninstall` removes
# it and puts back the hook it replaced. It blocks the commit when
# `devsecrets doctor --staged` finds a secret file or a secret in the staged content.

# A hook that was here before (husky, lefthook, hand-written) runs first, as git ran it
# (only when executable, with the same arguments and stdin; a POSIX sh script under this
# hook's own path as $0, since hook managers tell from $0 which hook runs), and its failure
# blocks the commit as it always did.
chained="$0.devsecrets-chained"
if [ -x "$chained" ]; then
  __RUN_CHAINED__ || exit $?
fi

top=$(git rev-parse --show-toplevel) || exit 1
cd "$top" && cd __PROJECT__ || exit 1

# The project's own devsecrets first, the way `npx devsecrets` would run it.
if [ -x node_modules/.bin/devsecrets ]; then
  exec node_modules/.bin/devsecrets doctor --staged
fi
# Else the install that wrote this hook, with the node that ran it (or any node on PATH).
node=__NODE__
[ -x "$node" ] || node=node
if [ -f __CLI__ ]; then
  exec "$node" __CLI__ doctor --staged
fi

echo "devsecrets: error: the pre-commit hook cannot find devsecrets, so the commit is blocked" >&2
echo "devsecrets: hint: install it (npm install --save-dev devsecrets), then repair the hook with npx devsecrets hook install" >&2
exit 1
