# Scan the commits a run brings for secrets with gitleaks and write its SARIF report; any finding fails
# the step (exit status 1).
#   pull_request: every commit the pull request adds, BASE_SHA..HEAD_SHA;
#   push: every commit the push adds, BEFORE..AFTER; the whole history behind AFTER when BEFORE is all
#     zeros (a new branch) or not in the clone (a force-push replaced it);
#   anything else (schedule, manual runs): the whole history of every branch.
# Secrets are redacted from the log and the report, which may be kept as an artifact.
#
# Environment: EVENT_NAME, BASE_SHA and HEAD_SHA (pull requests), BEFORE and AFTER (pushes),
# GITLEAKS_CONFIG (the config file), SARIF_FILE (the report to write).
in_clone() { git cat-file -e "$1^{commit}" 2> /dev/null; }

range=""
case "$EVENT_NAME" in
  pull_request)
    for sha in "$BASE_SHA" "$HEAD_SHA"; do
      if ! in_clone "$sha"; then
        echo "::error::commit $sha of the pull request is not in the clone; check out with fetch-depth: 0"
        exit 1
      fi
    done
    range="$BASE_SHA..$HEAD_SHA"
    ;;
  push)
    if [[ "$BEFORE" =~ ^0+$ ]]; then
      echo "A new branch: scanning the whole history behind $AFTER."
      range="$AFTER"
    elif ! in_clone "$BEFORE"; then
      echo "::notice::$BEFORE is not in the clone (a force-push?); scanning the whole history behind $AFTER."
      range="$AFTER"
    else
      range="$BEFORE..$AFTER"
    fi
    ;;
esac

if [ -n "$range" ]; then
  echo "Scanning $range for secrets."
else
  echo "Scanning the history of every branch for secrets."
fi
args=(git --no-banner --redact --config "$GITLEAKS_CONFIG" --report-format sarif --report-path "$SARIF_FILE")
if [ -n "$range" ]; then
  args+=(--log-opts "$range")
fi
gitleaks "${args[@]}" --exit-code 1 .
