# The last step of license-compliance.yaml's report job: the run fails unless both checks succeeded.
# A skipped or cancelled check fails it too: compliance was not shown.
if [ "$HEADERS_RESULT" != success ] || [ "$DEPENDENCIES_RESULT" != success ]; then
  echo "::error title=License compliance::headers: $HEADERS_RESULT, dependencies: $DEPENDENCIES_RESULT"
  exit 1
fi
echo "License compliance: headers and dependencies passed."
