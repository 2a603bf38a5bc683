#!/bin/sh
# Create daftar's namespace and register its custom search attributes (temporalio/admin-tools).
# Idempotent: what exists is left as it is.
set -eu
NAMESPACE=${DAFTAR_TEMPORAL_NAMESPACE:-default}
ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
RETENTION=${TEMPORAL_RETENTION:-365d}

echo "waiting for Temporal at ${ADDRESS}"
attempt=0
until temporal operator cluster health --address "${ADDRESS}" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 60 ] || { echo "Temporal is not healthy after 60 attempts"; exit 1; }
  sleep 5
done

if temporal operator namespace describe -n "${NAMESPACE}" --address "${ADDRESS}" >/dev/null 2>&1
then
  echo "namespace ${NAMESPACE} exists"
else
  temporal operator namespace create -n "${NAMESPACE}" --retention "${RETENTION}" \
    --address "${ADDRESS}"
fi

# The attributes of daftar/workflows/search.py: stage, cycle, province and quota.
for attribute in DaftarStage=Keyword DaftarCycle=Int DaftarProvince=Keyword DaftarQuota=Keyword
do
  name=${attribute%%=*}
  kind=${attribute#*=}
  if temporal operator search-attribute list -n "${NAMESPACE}" --address "${ADDRESS}" \
      | grep -q "${name}"; then
    echo "search attribute ${name} exists"
  else
    temporal operator search-attribute create -n "${NAMESPACE}" --address "${ADDRESS}" \
      --name "${name}" --type "${kind}"
  fi
done
echo "namespace ${NAMESPACE} is ready"
