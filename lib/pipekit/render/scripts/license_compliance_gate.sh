# The last step of license-compliance.yaml's report job: the run fails unless every check succeeded.
# A skipped or cancelled check fails it too: compliance was not shown. A check the design does not
# run (no HEADERS_RESULT when there is no header check) is not part of the verdict.
if [ "${HEADERS_RESULT-success}" != success ] || [ "$DEPENDENCIES_RESULT" != success ]; then
  echo "::error title=License compliance::headers: ${HEADERS_RESULT-not checked}, dependencies: $DEPENDENCIES_RESULT"
  exit 1
fi
echo "License compliance: every check passed."
