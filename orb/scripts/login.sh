#!/usr/bin/env bash
# Logs in with the job's OIDC token; the token goes to ~/.vault-token (0600), never to $BASH_ENV.
set -euo pipefail
jwt_var=${COFFER_JWT_ENV:-CIRCLE_OIDC_TOKEN_V2}
[ -n "${!jwt_var:-}" ] || { echo "\$$jwt_var is empty: does the job use a context with OIDC?" >&2; exit 1; }
printf %s "${!jwt_var}" | coffer login -no-print -method=jwt -path="${COFFER_MOUNT:-jwt}" role="$COFFER_ROLE" jwt=-
