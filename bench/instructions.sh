#!/usr/bin/env bash
# `bash bench/instructions.sh` (after `npm run build`; needs valgrind): the start-up rows of `npm run bench` counted in
# instructions (cachegrind), which unlike times do not move with the machine's load, twice: in this shell's
# environment, and without NODE_EXTRA_CA_CERTS. Node parses every certificate of that file at each start (on this
# machine ~420 M instructions, 5x what `node -e 0` costs without it), which adds the same to both sides of a ratio and
# so flatters it; a user's shell, and the test suite's sandbox, usually have no such variable.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)"; exit 1; }

TOKEN=7012345678:AAHbenchTokenForTheFakeApi_0123456789x
work=$(mktemp -d)
trap 'kill "$api_pid" 2>/dev/null; rm -rf "$work"' EXIT
node --input-type=module -e "
  const {startFakeBotApi} = await import('$PWD/dist/fake-bot-api.js')
  const api = await startFakeBotApi({bots: [{token: '$TOKEN', id: 7012345678, username: 'bench_bot'}], chats: [{id: 42, type: 'private', first_name: 'x'}]})
  console.log(api.url)
" >"$work/url" &
api_pid=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
api=$(cat "$work/url")
export HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent TELEGRAM_API_BASE_URL=$api
alert=(bin/run.js alert 'bench suppressed' --token "$TOKEN" --chat 42 --state-dir "$work/state" --throttle-seconds 86400)
node "${alert[@]}" >/dev/null 2>&1 || true # holds the key: every counted alert is held back

# Millions of instructions of one run of the command.
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/I +refs/ {gsub(",", "", $NF); printf "%d", $NF / 1e6}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }

for environment in "in this shell's environment" "without NODE_EXTRA_CA_CERTS"; do
  [ "$environment" = "without NODE_EXTRA_CA_CERTS" ] && unset NODE_EXTRA_CA_CERTS
  floor=$(count node -e 0)
  version=$(count node bin/run.js --version)
  help=$(count node bin/run.js send --help)
  held=$(count node "${alert[@]}")
  send=$(count node bin/run.js send --token "$TOKEN" --chat 42 hello)
  bare=$(count node bench/bare-http-send.mjs "$api" "$TOKEN" 42 hello)
  echo "$environment, M instructions: node -e 0 $floor; --version $version ($(ratio "$version" "$floor"));" \
    "send --help $help ($(ratio "$help" "$floor")); suppressed alert $held ($(ratio "$held" "$floor"));" \
    "send $send vs a bare node:http send $bare ($(ratio "$send" "$bare"))"
done
