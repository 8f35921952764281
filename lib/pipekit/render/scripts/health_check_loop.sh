# deploy.yaml's health check: run the design's health command until it passes, at most
# $HEALTH_RETRIES times, $HEALTH_INTERVAL_SECONDS apart. The command comes in through env:, so this
# loop is fixed text; each try runs in its own bash, so an `exit` in the command ends only that try.
for attempt in $(seq 1 "$HEALTH_RETRIES"); do
  if bash -eo pipefail -c "$HEALTH_COMMAND"; then
    echo "Healthy after $attempt attempt(s)."
    exit 0
  fi
  if [ "$attempt" -lt "$HEALTH_RETRIES" ]; then
    echo "Health check $attempt of $HEALTH_RETRIES failed; next try in $HEALTH_INTERVAL_SECONDS s."
    sleep "$HEALTH_INTERVAL_SECONDS"
  fi
done
echo "::error title=Health check::not healthy after $HEALTH_RETRIES attempts"
exit 1
