#!/usr/bin/env bash
# The nightly crawl, for cron. Logs to logs/crawl-<UTC time>.log, never runs while another crawl runs,
# stops a crawl that takes longer than MONRE_TIME_LIMIT (default 6h) gracefully (SIGTERM, then SIGKILL
# 5 minutes later), and exits with the crawl's status, printing one "monre: …" line when it is not 0,
# so that cron mails the owner. Extra arguments go to `scrapy crawl <spider>` (e.g. -a full=1).
#
#   15 2 * * * /path/to/monre_crawler/scripts/cron-crawl.sh; MONRE_SPIDER=mae /path/to/monre_crawler/scripts/cron-crawl.sh
#
# Environment (all optional): MONRE_SPIDER (monre or mae, default monre), MONRE_TIME_LIMIT (a `timeout`
# duration, default 6h), MONRE_LOG_DIR (default logs), MONRE_LOCK (default data/.cron.lock), MONRE_PYTHON
# (default .venv/bin/python, else python3).
set -u
cd "$(dirname "$0")/.." || exit 2
log_dir=${MONRE_LOG_DIR:-logs}
limit=${MONRE_TIME_LIMIT:-6h}
lock=${MONRE_LOCK:-data/.cron.lock}
python=${MONRE_PYTHON:-.venv/bin/python}
spider=${MONRE_SPIDER:-monre}
case "$spider" in
  monre|mae) ;;
  *) echo "monre: MONRE_SPIDER must be monre or mae, not '$spider'" >&2; exit 2 ;;
esac
[ -x "$python" ] || python=python3
mkdir -p "$log_dir" "$(dirname "$lock")"

exec 9>"$lock"
if ! flock -n 9; then
  echo "monre: another crawl is still running (lock $lock); not starting a second one" >&2
  exit 2
fi

log="$log_dir/crawl-$(date -u +%Y%m%dT%H%M%SZ)$([ "$spider" = monre ] || echo "-$spider").log"
timeout --signal=TERM --kill-after=5m "$limit" "$python" -m scrapy crawl "$spider" -s LOG_FILE="$log" "$@"
status=$?
if [ "$status" -eq 124 ]; then
  echo "monre: the $spider crawl ran longer than $limit and was stopped; see $log" >&2
elif [ "$status" -ne 0 ]; then
  echo "monre: the $spider crawl exited $status; see $log" >&2
fi
exit "$status"
