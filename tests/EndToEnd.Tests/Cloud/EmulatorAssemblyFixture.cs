using XeroSync.Tests;

// The Pub/Sub and Firestore emulators, started once for the cloud-shape tests (local-shape tests do not use them).
[assembly: AssemblyFixture(typeof(GoogleEmulators))]
