#!/bin/bash
# The broker's principals (SASL/SCRAM) and what each may do (ACLs), run once against a broker
# whose authorizer denies whatever no ACL allows (compose: kafka-security, in the broker's own
# network namespace, over the inter-broker listener that only that namespace reaches).
#
# Each service writes only its own *.events, *.outcomes and *.command-keys (and the dead
# letters of what it reads); only staff tooling (and later the portal) writes *.commands, and
# reads the *.command-keys its commands are sealed with. A service that could write another's
# events (or command keys) could forge them; consumers, and staff tooling, check each record's
# producer signature too (shared/trust.py), so even a principal that leaks cannot speak for
# another service.
#
# Passwords come from the environment: KAFKA_PASSWORD_<PRINCIPAL> (upper case).
set -euo pipefail

BOOTSTRAP=${KAFKA_ADMIN_BOOTSTRAP:-localhost:9094}
BIN=/opt/kafka/bin

password_of() {
  local var="KAFKA_PASSWORD_${1^^}"
  if [ -z "${!var:-}" ]; then echo "set $var" >&2; exit 1; fi
  echo "${!var}"
}

principal() {
  "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --alter --entity-type users \
    --entity-name "$1" --add-config "SCRAM-SHA-512=[iterations=8192,password=$(password_of "$1")]"
}

allow() {  # allow PRINCIPAL OPERATION... -- RESOURCE OPTIONS
  local who=$1; shift
  local operations=()
  while [ "$1" != "--" ]; do operations+=(--operation "$1"); shift; done
  shift
  "$BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --add --allow-principal "User:$who" \
    "${operations[@]}" "$@"
}

# service READ_SERVICE...: the service's own topics, and the events of those it reads.
service() {
  local name=$1; shift
  principal "$name"
  allow "$name" Write Describe -- --topic "$name.events" --topic "$name.outcomes" \
    --topic "$name.commands.dlq" --topic "$name.command-keys"
  allow "$name" Read Describe -- --topic "$name.commands"
  allow "$name" Read -- --group "$name"
  allow "$name" Describe -- --cluster
  for source in "$@"; do
    allow "$name" Read Describe -- --topic "$source.events"
    allow "$name" Write -- --topic "$source.events.dlq"
  done
}

EVERY_SERVICE=(identity dossier payments einvoicing complaints)

service identity identity dossier
# The dossier reads its own events too: its part of the copy for an access request (DOS-12).
service dossier identity dossier complaints payments einvoicing
service complaints identity dossier
service payments identity dossier einvoicing
# Einvoicing learns the households, their insurances and addresses from the dossier; from
# identity, access (its tokens' keys) and who has a portal account (e-invoicing on, INV-1).
service einvoicing identity dossier

# Data keys of personal data: written by their owner, read by the services entitled to them
# (shared/privacy/sharing.yaml).
allow dossier Write Describe -- --topic dossier.keys
allow identity Read Describe -- --topic dossier.keys
# Payments reads the dossier's identification, financial and health data (the GMD, DOS-4, and
# medical agreements, DOS-5).
allow payments Read Describe -- --topic dossier.keys
# Einvoicing reads the dossier's identification and contact data (the payer and the insured
# an invoice names, and where it and its notices go: INV-3).
allow einvoicing Read Describe -- --topic dossier.keys
# The keys of each service's part of a copy for an access request, for the dossier (DOS-12).
allow identity Write Describe -- --topic identity.keys
allow complaints Write Describe -- --topic complaints.keys
allow payments Write Describe -- --topic payments.keys
allow einvoicing Write Describe -- --topic einvoicing.keys
allow dossier Read Describe -- --topic identity.keys --topic complaints.keys --topic payments.keys
allow dossier Read Describe -- --topic einvoicing.keys

# Monitoring reads every service's events and reports lag (offsets of every group).
principal monitoring
allow monitoring Read Describe -- --group monitoring
allow monitoring Describe DescribeConfigs -- --cluster
allow monitoring Describe -- --group "*"
for source in "${EVERY_SERVICE[@]}"; do
  allow monitoring Read Describe -- --topic "$source.events"
  allow monitoring Write -- --topic "$source.events.dlq"
done

# Staff tooling sends commands and reads their outcomes; nothing else.
principal staff
allow staff Describe -- --cluster
for target in "${EVERY_SERVICE[@]}"; do
  allow staff Write Describe -- --topic "$target.commands"
  allow staff Read Describe -- --topic "$target.outcomes" --topic "$target.command-keys"
done

echo "principals and ACLs in place"
