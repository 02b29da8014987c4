#!/bin/sh
# One-shot (temporalio/admin-tools): waits for the Temporal frontend, then creates Ratsweg's namespace
# and the custom search attributes its workflows set (see SEARCH_ATTRIBUTES in libs/contracts).
# Idempotent: what exists already is left alone.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}"
i=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -gt 90 ] && { echo "Temporal at $TEMPORAL_ADDRESS did not become healthy" >&2; exit 1; }
  sleep 2
done
if ! temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" --retention "${TEMPORAL_RETENTION:-30d}"
fi
existing=$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE")
for attribute in RatswegTenant=Keyword RatswegStatus=Keyword RatswegCurrentStage=KeywordList RatswegTemplate=Keyword; do
  name=${attribute%%=*}
  type=${attribute#*=}
  if ! printf '%s\n' "$existing" | grep -qw "$name"; then
    temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "Namespace $TEMPORAL_NAMESPACE and its search attributes are ready"
