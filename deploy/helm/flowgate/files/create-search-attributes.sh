#!/bin/sh
# Registers Flowgate's custom search attributes on a Temporal namespace (idempotent).
# Runs in the temporalio/admin-tools image: the compose `temporal-setup` job and the Helm
# post-install hook. Environment: TEMPORAL_ADDRESS (host:port), TEMPORAL_NAMESPACE.
# The names and types are Flowgate's wire contract (libs/workflows/src/wire/names.ts).
set -eu

NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ATTEMPTS="${SETUP_ATTEMPTS:-90}"

echo "waiting for namespace '$NAMESPACE' at ${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
i=0
until temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -ge "$ATTEMPTS" ]; then
    echo "namespace '$NAMESPACE' not available after $ATTEMPTS attempts" >&2
    exit 1
  fi
  sleep 2
done

existing="$(temporal operator search-attribute list --namespace "$NAMESPACE")"
for pair in FlowgatePipeline:Keyword FlowgatePipelineVersion:Int FlowgateTenant:Keyword FlowgateTags:KeywordList; do
  name="${pair%%:*}"
  type="${pair#*:}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name already exists"
  else
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type"
    echo "search attribute $name ($type) created"
  fi
done
