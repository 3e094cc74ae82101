using XeroSync.Tests;

[assembly: AssemblyFixture(typeof(GoogleEmulators))]
