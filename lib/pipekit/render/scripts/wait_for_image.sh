# deploy.yaml, before the first deploy: build.yaml runs beside this workflow, so wait until it has
# pushed $IMAGE, looking at most $WAIT_ATTEMPTS times, $WAIT_INTERVAL_SECONDS apart.
for attempt in $(seq 1 "$WAIT_ATTEMPTS"); do
  if docker buildx imagetools inspect "$IMAGE" > /dev/null 2>&1; then
    echo "$IMAGE is in the registry."
    exit 0
  fi
  if [ "$attempt" -lt "$WAIT_ATTEMPTS" ]; then
    echo "Waiting for build.yaml to push $IMAGE ($attempt of $WAIT_ATTEMPTS)."
    sleep "$WAIT_INTERVAL_SECONDS"
  fi
done
echo "::error title=Image missing::$IMAGE was not pushed after $WAIT_ATTEMPTS looks; did build.yaml fail?"
exit 1
