#!/usr/bin/env bash
# `make demo`: a lab of 32 simulated devices on 8 platforms, two backups with 3 devices changed in
# between, then the status dashboard and the archive's git log. Everything lands in ./demo.
set -euo pipefail
cd "$(dirname "$0")/.."
DEMO=demo
CONFIG="$DEMO/confvault.yaml"

if [[ -f "$DEMO/lab/lab.pid" ]]; then confvault lab stop --lab-dir "$DEMO/lab" >/dev/null 2>&1 || true; fi
rm -rf "$DEMO"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "confvault init $DEMO"
confvault init "$DEMO"

say "start the device lab (32 devices, 8 platforms) and write its Nornir inventory"
# The lab's inventory replaces the example one that `init` wrote.
rm -f "$DEMO"/inventory/{hosts,groups,defaults}.yaml
confvault lab start --spec examples/demo-lab.yaml --inventory-dir "$DEMO/inventory" \
  --lab-dir "$DEMO/lab" --background
trap 'confvault lab stop --lab-dir "$DEMO/lab" >/dev/null 2>&1 || true' EXIT

# The inventory names these variables; confvault resolves them at run time and stores them nowhere.
export CONFVAULT_LAB_PASSWORD=lab-password CONFVAULT_LAB_ENABLE=lab-enable

say "first backup"
confvault --config "$CONFIG" run --workers 16

say "second backup, nothing changed on the devices (only timestamps and counters moved)"
confvault --config "$CONFIG" run --workers 16

say "change 3 devices, back up again"
confvault lab change --lab-dir "$DEMO/lab" acme-ios-002 globex-junos-001 initech-ros-003
confvault --config "$CONFIG" run --workers 16

say "confvault status"
confvault --config "$CONFIG" status || true   # exits 1 when a device is failing or stale

say "confvault devices --provider initech"
confvault --config "$CONFIG" devices --provider initech

say "git log --stat (the archive is a plain Git repository)"
git -C "$DEMO/archive" --no-pager log --stat --format='%h %s%n%b'

say "confvault diff acme-ios-002"
confvault --config "$CONFIG" diff acme-ios-002

say "done: explore with  confvault --config $CONFIG history acme-ios-002  or  git -C $DEMO/archive log -p"
