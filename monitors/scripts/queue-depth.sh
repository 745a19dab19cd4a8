#!/bin/sh
# Prints the Celery queue's length and fails when it is over --max (default 1000) or Redis cannot be asked.
max=1000
[ "$1" = "--max" ] && max=$2
depth=$(redis-cli -h "${REDIS_HOST:-127.0.0.1}" llen celery 2>&1) || { echo "redis-cli failed: $depth"; exit 2; }
echo "queue depth $depth (max $max)"
[ "$depth" -le "$max" ]
