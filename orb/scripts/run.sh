#!/usr/bin/env bash
# Runs the step's command through `coffer run`: secrets in its environment only.
set -euo pipefail
args=(--role "$COFFER_ROLE" --mount "${COFFER_MOUNT:-jwt}" --jwt-env "${COFFER_JWT_ENV:-CIRCLE_OIDC_TOKEN_V2}")
for ref in $COFFER_ENV_REFS; do args+=(--env "$ref"); done
exec coffer run "${args[@]}" -- bash -eo pipefail -c "$COFFER_COMMAND"
