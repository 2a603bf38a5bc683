#!/bin/sh
# Create daftar's namespace and register its custom search attributes (temporalio/admin-tools).
# Idempotent: what exists is left as it is. With TEMPORAL_TLS_CLIENT_CERT_PATH set (as compose
# sets it), every call goes over mutual TLS with that client certificate and key, verifying the
# server against TEMPORAL_TLS_SERVER_CA_CERT_PATH as TEMPORAL_TLS_SERVER_NAME.
set -eu
NAMESPACE=${DAFTAR_TEMPORAL_NAMESPACE:-default}
ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
RETENTION=${TEMPORAL_RETENTION:-365d}

TLS=""
if [ -n "${TEMPORAL_TLS_CLIENT_CERT_PATH:-}" ]; then
  # The flags, not only the variables: every version of the CLI knows them.
  TLS="--tls-ca-path ${TEMPORAL_TLS_SERVER_CA_CERT_PATH:?the CA of the server is required}"
  TLS="${TLS} --tls-cert-path ${TEMPORAL_TLS_CLIENT_CERT_PATH}"
  TLS="${TLS} --tls-key-path ${TEMPORAL_TLS_CLIENT_KEY_PATH:?the client key is required}"
  TLS="${TLS} --tls-server-name ${TEMPORAL_TLS_SERVER_NAME:-temporal}"
fi
# shellcheck disable=SC2086 # TLS is a list of flags
t() { temporal "$@" --address "${ADDRESS}" ${TLS}; }

echo "waiting for Temporal at ${ADDRESS}"
attempt=0
until t operator cluster health >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 60 ] || { echo "Temporal is not healthy after 60 attempts"; exit 1; }
  sleep 5
done

if t operator namespace describe -n "${NAMESPACE}" >/dev/null 2>&1
then
  echo "namespace ${NAMESPACE} exists"
else
  t operator namespace create -n "${NAMESPACE}" --retention "${RETENTION}"
  # Temporal's services learn of a new namespace within seconds, not at once.
  attempt=0
  until t operator search-attribute list -n "${NAMESPACE}" >/dev/null 2>&1; do
    attempt=$((attempt + 1))
    [ "$attempt" -lt 30 ] || { echo "namespace ${NAMESPACE} did not appear"; exit 1; }
    sleep 2
  done
fi

# The attributes of daftar/workflows/search.py: stage, cycle, province and quota.
for attribute in DaftarStage=Keyword DaftarCycle=Int DaftarProvince=Keyword DaftarQuota=Keyword
do
  name=${attribute%%=*}
  kind=${attribute#*=}
  if t operator search-attribute list -n "${NAMESPACE}" | grep -q "${name}"; then
    echo "search attribute ${name} exists"
  else
    t operator search-attribute create -n "${NAMESPACE}" --name "${name}" --type "${kind}"
  fi
done
echo "namespace ${NAMESPACE} is ready"
