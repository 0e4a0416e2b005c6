#!/usr/bin/env bash
# Runs the Firebase emulator suite (Firestore + Pub/Sub) offline, on the emulator jars that the Google Cloud
# CLI installed, for people who prefer the suite. Tests and `npm run dev` do not need it: they launch the
# JVMs directly. Needs the Firebase CLI (`firebase` on PATH) and Java >= 21 (set JAVA_HOME to such a JDK).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sdk=${MAILMON_GCLOUD_SDK_ROOT:-$(gcloud info --format='value(installation.sdk_root)')}
jar="$sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
pubsub="$sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator"
[ -f "$jar" ] || { echo "Firestore emulator jar not found at $jar (gcloud components install cloud-firestore-emulator)" >&2; exit 1; }
[ -x "$pubsub" ] || { echo "Pub/Sub emulator not found at $pubsub (gcloud components install pubsub-emulator)" >&2; exit 1; }
command -v firebase >/dev/null || { echo "The Firebase CLI is not installed (npm install -g firebase-tools)" >&2; exit 1; }
# the Firestore jar has no Main-Class: a manifest-only jar points at it so firebase-tools can run it
work="$here/../.mailmon/firebase"
mkdir -p "$work"
printf 'Main-Class: com.google.cloud.datastore.emulator.firestore.CloudFirestore\nClass-Path: %s\n' "file:$jar" > "$work/manifest.txt"
(cd "$work" && "${JAVA_HOME:+$JAVA_HOME/bin/}jar" cfm firestore-launcher.jar manifest.txt)
export FIRESTORE_EMULATOR_BINARY_PATH="$work/firestore-launcher.jar"
export PUBSUB_EMULATOR_BINARY_PATH="$pubsub"
exec firebase emulators:start --config "$here/firebase.json" --project "${MAILMON_PROJECT_ID:-demo-mailmon}" --only firestore,pubsub
