#!/usr/bin/env bash
# The nightly crawl, for cron. Logs to logs/crawl-<UTC time>.log, never runs while another crawl runs,
# stops a crawl that takes longer than MONRE_TIME_LIMIT (default 6h) gracefully (SIGTERM, then SIGKILL
# 5 minutes later), and exits with the crawl's status, printing one "monre: …" line when it is not 0,
# so that cron mails the owner. Extra arguments go to `scrapy crawl <spider>` (e.g. -a full=1).
#
#   15 2 * * * /path/to/monre_crawler/scripts/cron-crawl.sh; MONRE_SPIDER=mae /path/to/monre_crawler/scripts/cron-crawl.sh
#
# Environment (all optional): MONRE_SPIDER (monre or mae, default monre), MONRE_TIME_LIMIT (a `timeout`
# duration: a number with an optional unit s, m, h or d; default 6h), MONRE_LOG_DIR (default logs), MONRE_LOCK (default data/.cron.lock), MONRE_PYTHON
# (default .venv/bin/python, else python3). Relative paths are relative to the project folder. A value that
# cannot be used is refused before anything starts: one "monre: …" line naming the variable and its value,
# exit status 2.
set -u
cd "$(dirname "$0")/.." || exit 2
project=$(pwd -P)

refuse() {  # refuse VARIABLE VALUE WHY
  echo "monre: $1=$2 cannot be used: $3; nothing was started" >&2
  exit 2
}
absolute() {  # a path made absolute against the project folder
  case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$project/$1" ;; esac
}

spider=${MONRE_SPIDER:-monre}
case "$spider" in
  monre|mae) ;;
  *) refuse MONRE_SPIDER "$spider" "must be monre or mae" ;;
esac

limit=${MONRE_TIME_LIMIT:-6h}
[[ $limit =~ ^[0-9]+(\.[0-9]+)?[smhd]?$ ]] || refuse MONRE_TIME_LIMIT "$limit" "not a duration such as 6h, 90m or 3600"

if [ -n "${MONRE_PYTHON:-}" ]; then
  python=$MONRE_PYTHON
  if [[ $python != */* ]]; then
    python=$(command -v -- "$python") || refuse MONRE_PYTHON "$MONRE_PYTHON" "no such command"
  fi
  [ -f "$python" ] && [ -x "$python" ] || refuse MONRE_PYTHON "$MONRE_PYTHON" "not an executable file"
else
  python=.venv/bin/python
  if ! [ -x "$python" ]; then
    python=$(command -v python3) || refuse MONRE_PYTHON "(unset)" "no .venv/bin/python and no python3 on PATH"
  fi
fi

log_dir=$(absolute "${MONRE_LOG_DIR:-logs}")
mkdir -p -- "$log_dir" 2>/dev/null && [ -d "$log_dir" ] && [ -w "$log_dir" ] \
  || refuse MONRE_LOG_DIR "${MONRE_LOG_DIR:-logs}" "not a folder that can be created and written ($log_dir)"

lock=$(absolute "${MONRE_LOCK:-data/.cron.lock}")
mkdir -p -- "$(dirname -- "$lock")" 2>/dev/null
{ exec 9>>"$lock"; } 2>/dev/null || refuse MONRE_LOCK "${MONRE_LOCK:-data/.cron.lock}" "cannot open $lock for writing"
flock -n -E 75 9
case $? in
  0) ;;
  75) echo "monre: another crawl is still running (lock $lock); not starting a second one" >&2; exit 2 ;;
  *) refuse MONRE_LOCK "${MONRE_LOCK:-data/.cron.lock}" "cannot lock $lock" ;;
esac

log="$log_dir/crawl-$(date -u +%Y%m%dT%H%M%SZ)$([ "$spider" = monre ] || echo "-$spider").log"
{ : >>"$log"; } 2>/dev/null || refuse MONRE_LOG_DIR "${MONRE_LOG_DIR:-logs}" "cannot write $log"

timeout --signal=TERM --kill-after=5m "$limit" "$python" -m scrapy crawl "$spider" -s LOG_FILE="$log" "$@"
status=$?
if [ "$status" -eq 124 ]; then
  echo "monre: the $spider crawl ran longer than $limit and was stopped; see $log" >&2
elif [ "$status" -ne 0 ]; then
  echo "monre: the $spider crawl exited $status; see $log" >&2
fi
exit "$status"
