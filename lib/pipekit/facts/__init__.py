"""Facts pipekit relies on, read from the packaged ``data/`` folder: runner labels and prices, pinned
actions and their inputs, gitleaks releases and rules, pinned Python tools. Each data file names its
source; these modules read them once and check their shape."""
