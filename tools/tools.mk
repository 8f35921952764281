# Outside tools the validators run: GitHub's workflow parser (Node) and the chromium the browser tests drive.
# Included from the main Makefile; defines only `tools` and `browser`.

WORKFLOW_PARSER_DIR := tools/workflow-parser
# npm writes this hidden lockfile on every install, so it doubles as the "installed" stamp.
WORKFLOW_PARSER_STAMP := $(WORKFLOW_PARSER_DIR)/node_modules/.package-lock.json

.PHONY: tools browser

tools: $(WORKFLOW_PARSER_STAMP)

# --ignore-scripts: none of the parser's dependencies needs an install script, so run none.
$(WORKFLOW_PARSER_STAMP): $(WORKFLOW_PARSER_DIR)/package.json $(WORKFLOW_PARSER_DIR)/package-lock.json
	npm ci --prefix $(WORKFLOW_PARSER_DIR) --ignore-scripts --no-audit --no-fund
	@touch $@

browser:
	sh tools/bootstrap-browser.sh
