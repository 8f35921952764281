# Record the image this run pushed, by digest, for the workflows that deploy it: image.json holds
# {"image", "digest", "reference" (image@digest), "commit"} and is uploaded as an artifact by the next step.
# A deploy triggered by this run (workflow_run) downloads it and deploys `reference`, never a movable tag.
#
# Environment: IMAGE (registry/name, lower case), DIGEST (the build's manifest digest), COMMIT (the commit
# the image was built from).
if [[ ! "$DIGEST" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "::error::the build reported no image digest (got '$DIGEST'), so there is nothing to deploy"
  exit 1
fi
if [[ ! "$IMAGE" =~ ^[a-z0-9][a-z0-9._/:-]*$ ]]; then
  echo "::error::'$IMAGE' is not an image name"
  exit 1
fi
if [[ ! "$COMMIT" =~ ^[0-9a-f]{40}$ ]]; then
  echo "::error::'$COMMIT' is not a commit SHA"
  exit 1
fi
printf '{"image": "%s", "digest": "%s", "reference": "%s@%s", "commit": "%s"}\n' \
  "$IMAGE" "$DIGEST" "$IMAGE" "$DIGEST" "$COMMIT" > image.json
cat image.json
